/**
 * ValidatorSet: the authority validators of a public community. Votes of more than two thirds of the current
 * set admit and remove authorities, bind the set to the registry and set its minimum; every change starts a new
 * epoch in which earlier votes no longer count. Once bound, candidates must be accounts of Active, trusted
 * organizations, an authority votes only while it acts for an Active organization (the one it was admitted for, if
 * admitted while bound), and anyone may remove one that does not: its organization expelled, its account released
 * or moved, or never a member at all (the real suite is deployed for those tests).
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, dataSlice, getAddress, id, keccak256, toBeHex, ZeroAddress } from "ethers";
import { network } from "hardhat";

import { Level, ONE, Role, Status } from "../../src/constants.js";
import { countryCode } from "../../src/fixedPoint.js";
import type { ValidatorSet } from "../../types/index.js";
import { deploySuite, joinAndActivate, newIdentity, profileOf, type Suite } from "../helpers/fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

/** IValidatorSet.Action */
const Action = { None: 0, Add: 1, Remove: 2, Bind: 3, SetMinimum: 4 } as const;
type ActionValue = (typeof Action)[keyof typeof Action];

/** ValidatorSet.MAX_AUTHORITIES, as the issue states it (the test checks the contract agrees). */
const MAX_AUTHORITIES = 64;

/** More than two thirds of `n`: floor(2n / 3) + 1. */
const needed = (n: number): number => Math.floor((2 * n) / 3) + 1;

/** A distinct, non-zero address that is no test signer. */
const filler = (i: number): string => getAddress(toBeHex(0x1000 + i, 20));

/** The members of a list as a sorted set of checksummed addresses (the set's order is not meaningful). */
const asSet = (addresses: readonly string[]): string[] => [...addresses].map((a) => getAddress(a)).sort();

async function deploySet(authorities: readonly string[], minimum: number | bigint): Promise<ValidatorSet> {
  return (await ethers.deployContract("ValidatorSet", [authorities, minimum])) as unknown as ValidatorSet;
}

/** The id of a proposal computed off-chain: keccak256(abi.encode(chainId, set, epoch, action, target, value)). */
async function offChainProposalId(
  set: ValidatorSet,
  action: ActionValue,
  target: string,
  value: bigint,
  epoch?: bigint,
): Promise<string> {
  const { chainId } = await ethers.provider.getNetwork();
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint64", "uint8", "address", "uint256"],
      [chainId, await set.getAddress(), epoch ?? (await set.epoch()), action, target, value],
    ),
  );
}

/** Expects the set's views to describe exactly `members`: list, count and isAuthority of members and `others`. */
async function expectMembers(set: ValidatorSet, members: readonly string[], others: readonly string[] = []) {
  const listed = await set.getValidators();
  expect(asSet(listed)).to.deep.equal(asSet(members));
  expect(new Set(listed).size).to.equal(listed.length);
  expect(await set.authorityCount()).to.equal(BigInt(members.length));
  for (const member of members) expect(await set.isAuthority(member), member).to.equal(true);
  for (const other of others) expect(await set.isAuthority(other), other).to.equal(false);
}

// ------------------------------------------------------------------ fixtures

interface SetFixture {
  set: ValidatorSet;
  /** The initial authorities, in constructor order. */
  authorities: HardhatEthersSigner[];
  /** Signers outside the set. */
  others: HardhatEthersSigner[];
}

const setFixtures = new Map<string, () => Promise<SetFixture>>();

/** A set of the first `n` signers with the given minimum, through loadFixture (one fixture per shape). */
function loadSet(n: number, minimum = 1): Promise<SetFixture> {
  const key = `${n}/${minimum}`;
  let fixture = setFixtures.get(key);
  if (fixture === undefined) {
    fixture = async function setFixture() {
      const signers = await ethers.getSigners();
      const authorities = signers.slice(0, n);
      const set = await deploySet(
        authorities.map((a) => a.address),
        minimum,
      );
      return { set, authorities, others: signers.slice(n) };
    };
    setFixtures.set(key, fixture);
  }
  return loadFixture(fixture);
}

/** Each voter in turn votes; returns the last vote's transaction. */
async function castAll<T>(voters: readonly HardhatEthersSigner[], vote: (voter: HardhatEthersSigner) => Promise<T>) {
  let last: T | undefined;
  for (const voter of voters) last = await vote(voter);
  return last!;
}

interface BoundFixture extends SetFixture {
  suite: Suite;
  registryAddress: string;
  ledgerAddress: string;
  minTrust: bigint;
  /** Authority and admin of an Active organization whose two member accounts are the next two authorities. */
  steward: HardhatEthersSigner;
  stewardOrg: bigint;
  /** Admin of an Active organization trusted above minTrust, and a second member account of it. */
  trusted: HardhatEthersSigner;
  trustedMember: HardhatEthersSigner;
  trustedOrg: bigint;
  /** Admin of an Active organization under minTrust. */
  weak: HardhatEthersSigner;
  weakOrg: bigint;
  /** Admin of a Pending organization. */
  pending: HardhatEthersSigner;
  /** Bound to no organization. */
  stranger: HardhatEthersSigner;
  /** An authority that is the admin of an Active organization of its own (expelled in some tests). */
  memberAuthority: HardhatEthersSigner;
  memberAuthorityOrg: bigint;
  /** Holds the PENALTY role: expels organizations. */
  penalty: HardhatEthersSigner;
}

/**
 * The suite with four Active organizations of different trust (High/High three times, Low/Low) and a Pending
 * one, and a set of four authorities bound to the suite's registry (minimum 3) with a threshold halfway between
 * the High/High and the Low/Low organizations' trust. Every authority is an account of an Active organization,
 * as binding requires: the steward organization's admin and two of its member accounts, and the admin of
 * another organization (`memberAuthority`). All four were authorities before the binding, so none has an
 * organization recorded by the set.
 */
async function boundFixture(): Promise<BoundFixture> {
  const signers = await ethers.getSigners();
  const [governance, steward, stewardSecond, stewardThird] = signers;
  const [trusted, trustedMember, weak, pending, stranger, memberAuthority, penalty] = signers.slice(10, 17);
  const suite = await deploySuite(connection);
  const high = { legal: Level.High, capability: Level.High };
  const stewardOrg = await joinAndActivate(suite, steward, governance, high);
  await suite.registry.connect(steward).addMember(stewardOrg, stewardSecond);
  await suite.registry.connect(steward).addMember(stewardOrg, stewardThird);
  const trustedOrg = await joinAndActivate(suite, trusted, governance, high);
  await suite.registry.connect(trusted).addMember(trustedOrg, trustedMember);
  const weakOrg = await joinAndActivate(suite, weak, governance, { legal: Level.Low, capability: Level.Low });
  const memberAuthorityOrg = await joinAndActivate(suite, memberAuthority, governance, high);
  const [profileHash, profileURI] = profileOf(pending.address);
  await suite.registry.connect(pending).requestJoin(newIdentity(), countryCode("DE"), profileHash, profileURI);
  await suite.manager.connect(governance).grantRole(Role.PENALTY, penalty.address, 0);

  const authorities = [steward, stewardSecond, stewardThird, memberAuthority];
  const set = await deploySet(
    authorities.map((a) => a.address),
    3,
  );
  const highTrust = await suite.ledger.trustOf(trustedOrg);
  const lowTrust = await suite.ledger.trustOf(weakOrg);
  if (!(lowTrust < highTrust)) throw new Error(`Low/Low trust ${lowTrust} not under High/High trust ${highTrust}`);
  const minTrust = (lowTrust + highTrust) / 2n;
  const registryAddress = await suite.registry.getAddress();
  await castAll(authorities.slice(0, needed(authorities.length)), (voter) =>
    set.connect(voter).voteToBind(registryAddress, minTrust),
  );
  const outside = new Set(authorities.map((a) => a.address));
  return {
    set,
    authorities,
    others: signers.filter((s) => !outside.has(s.address)),
    suite,
    registryAddress,
    ledgerAddress: await suite.ledger.getAddress(),
    minTrust,
    steward,
    stewardOrg,
    trusted,
    trustedMember,
    trustedOrg,
    weak,
    weakOrg,
    pending,
    stranger,
    memberAuthority,
    memberAuthorityOrg,
    penalty,
  };
}

const loadBound = () => loadFixture(boundFixture);

// ------------------------------------------------------------------ tests

describe("ValidatorSet", () => {
  describe("constructor", () => {
    it("stores the authorities in order, the minimum, epoch 0 and no binding", async () => {
      const { set, authorities, others } = await loadSet(4, 2);
      expect(await set.getValidators()).to.deep.equal(authorities.map((a) => a.address));
      await expectMembers(
        set,
        authorities.map((a) => a.address),
        [ZeroAddress, others[0].address],
      );
      expect(await set.minimumAuthorities()).to.equal(2n);
      expect(await set.epoch()).to.equal(0n);
      expect(await set.binding()).to.deep.equal([ZeroAddress, ZeroAddress, 0n]);
      expect(await set.MAX_AUTHORITIES()).to.equal(BigInt(MAX_AUTHORITIES));
    });

    it("accepts the largest set, with a minimum of its whole size", async () => {
      const accounts = Array.from({ length: MAX_AUTHORITIES }, (_, i) => filler(i));
      const set = await deploySet(accounts, MAX_AUTHORITIES);
      expect(await set.getValidators()).to.deep.equal(accounts);
      expect(await set.minimumAuthorities()).to.equal(BigInt(MAX_AUTHORITIES));
      expect(await set.votesNeeded()).to.equal(BigInt(needed(MAX_AUTHORITIES)));
    });

    describe("reverts", () => {
      const factory = () => ethers.getContractFactory("ValidatorSet");

      it("when the set is empty", async () => {
        await expect(deploySet([], 1)).to.be.revertedWithCustomError(await factory(), "ValidatorSetEmpty");
      });

      it("when an authority is the zero address", async () => {
        await expect(deploySet([filler(1), ZeroAddress, filler(2)], 1)).to.be.revertedWithCustomError(
          await factory(),
          "ValidatorSetZeroAddress",
        );
      });

      it("when an authority appears twice", async () => {
        const duplicate = filler(2);
        await expect(deploySet([filler(1), duplicate, filler(3), duplicate], 1))
          .to.be.revertedWithCustomError(await factory(), "ValidatorSetDuplicate")
          .withArgs(duplicate);
      });

      it("when there are more than MAX_AUTHORITIES authorities", async () => {
        const accounts = Array.from({ length: MAX_AUTHORITIES + 1 }, (_, i) => filler(i));
        await expect(deploySet(accounts, 1))
          .to.be.revertedWithCustomError(await factory(), "ValidatorSetTooMany")
          .withArgs(accounts.length, MAX_AUTHORITIES);
      });

      it("when the minimum is 0", async () => {
        const accounts = [filler(1), filler(2), filler(3)];
        await expect(deploySet(accounts, 0))
          .to.be.revertedWithCustomError(await factory(), "ValidatorSetInvalidMinimum")
          .withArgs(0, accounts.length);
      });

      it("when the minimum is above the set's size", async () => {
        const accounts = [filler(1), filler(2), filler(3)];
        await expect(deploySet(accounts, accounts.length + 1))
          .to.be.revertedWithCustomError(await factory(), "ValidatorSetInvalidMinimum")
          .withArgs(accounts.length + 1, accounts.length);
      });
    });
  });

  describe("thresholds: more than two thirds of the current set", () => {
    for (const n of [1, 3, 4, 6, 7]) {
      const votes = needed(n);

      it(`n = ${n}: ${votes - 1} votes do not admit, the ${votes}th admits`, async () => {
        const { set, authorities, others } = await loadSet(n);
        const candidate = others[0].address;
        expect(await set.votesNeeded()).to.equal(BigInt(votes));
        const proposal = await offChainProposalId(set, Action.Add, candidate, 0n);
        for (const voter of authorities.slice(0, votes - 1)) {
          await expect(set.connect(voter).voteToAdd(candidate)).to.not.emit(set, "AuthorityAdded");
        }
        expect(await set.votesFor(proposal)).to.equal(BigInt(votes - 1));
        expect(await set.isAuthority(candidate)).to.equal(false);
        expect(await set.epoch()).to.equal(0n);

        const last = authorities[votes - 1];
        await expect(set.connect(last).voteToAdd(candidate))
          .to.emit(set, "VoteCast")
          .withArgs(proposal, last.address, Action.Add, candidate, 0n, votes, votes)
          .and.to.emit(set, "AuthorityAdded")
          .withArgs(candidate, 0n, 1n);
        await expectMembers(set, [...authorities.map((a) => a.address), candidate]);
        expect(await set.epoch()).to.equal(1n);
        expect(await set.votesNeeded()).to.equal(BigInt(needed(n + 1)));
      });
    }

    for (const n of [3, 4, 6, 7]) {
      const votes = needed(n);

      it(`n = ${n}: ${votes - 1} votes do not remove, the ${votes}th removes`, async () => {
        const { set, authorities } = await loadSet(n);
        const target = authorities[n - 1].address;
        for (const voter of authorities.slice(0, votes - 1)) {
          await expect(set.connect(voter).voteToRemove(target)).to.not.emit(set, "AuthorityRemoved");
        }
        expect(await set.isAuthority(target)).to.equal(true);
        const last = authorities[votes - 1];
        await expect(set.connect(last).voteToRemove(target))
          .to.emit(set, "VoteCast")
          .withArgs(
            await offChainProposalId(set, Action.Remove, target, 0n),
            last.address,
            Action.Remove,
            target,
            0n,
            votes,
            votes,
          )
          .and.to.emit(set, "AuthorityRemoved")
          .withArgs(target, false, 1n);
        await expectMembers(
          set,
          authorities.slice(0, n - 1).map((a) => a.address),
          [target],
        );
      });
    }

    it("n = 4: 2 votes do not set the minimum, the 3rd does", async () => {
      const { set, authorities } = await loadSet(4);
      const proposal = await offChainProposalId(set, Action.SetMinimum, ZeroAddress, 3n);
      await castAll(authorities.slice(0, 2), (voter) => set.connect(voter).voteToSetMinimum(3));
      expect(await set.minimumAuthorities()).to.equal(1n);
      expect(await set.votesFor(proposal)).to.equal(2n);
      await expect(set.connect(authorities[2]).voteToSetMinimum(3))
        .to.emit(set, "VoteCast")
        .withArgs(proposal, authorities[2].address, Action.SetMinimum, ZeroAddress, 3n, needed(4), needed(4))
        .and.to.emit(set, "MinimumChanged")
        .withArgs(3n, 1n);
      expect(await set.minimumAuthorities()).to.equal(3n);
    });
  });

  describe("voteToAdd", () => {
    it("records the vote under the off-chain proposal id and emits VoteCast", async () => {
      const { set, authorities, others } = await loadSet(4);
      const [voter] = authorities;
      const candidate = others[0].address;
      const proposal = await offChainProposalId(set, Action.Add, candidate, 0n);
      expect(await set.proposalId(Action.Add, candidate, 0n)).to.equal(proposal);
      await expect(set.connect(voter).voteToAdd(candidate))
        .to.emit(set, "VoteCast")
        .withArgs(proposal, voter.address, Action.Add, candidate, 0n, 1n, needed(4));
      expect(await set.hasVoted(proposal, voter)).to.equal(true);
      expect(await set.hasVoted(proposal, authorities[1])).to.equal(false);
      expect(await set.votesFor(proposal)).to.equal(1n);
    });

    describe("reverts", () => {
      it("when the caller is not an authority", async () => {
        const { set, others } = await loadSet(4);
        const [outsider, candidate] = others;
        await expect(set.connect(outsider).voteToAdd(candidate))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(outsider.address);
      });

      it("when the candidate is the zero address", async () => {
        const { set, authorities } = await loadSet(4);
        await expect(set.connect(authorities[0]).voteToAdd(ZeroAddress)).to.be.revertedWithCustomError(
          set,
          "ValidatorSetZeroAddress",
        );
      });

      it("when the candidate is already an authority", async () => {
        const { set, authorities } = await loadSet(4);
        await expect(set.connect(authorities[0]).voteToAdd(authorities[2]))
          .to.be.revertedWithCustomError(set, "ValidatorSetAlreadyAuthority")
          .withArgs(authorities[2].address);
      });

      it("when the voter already voted for it in this epoch", async () => {
        const { set, authorities, others } = await loadSet(4);
        const [voter] = authorities;
        const candidate = others[0].address;
        await set.connect(voter).voteToAdd(candidate);
        await expect(set.connect(voter).voteToAdd(candidate))
          .to.be.revertedWithCustomError(set, "ValidatorSetAlreadyVoted")
          .withArgs(await offChainProposalId(set, Action.Add, candidate, 0n), voter.address);
      });

      it("when the set already has MAX_AUTHORITIES authorities", async () => {
        const [voter, candidate] = await ethers.getSigners();
        const accounts = [voter.address, ...Array.from({ length: MAX_AUTHORITIES - 1 }, (_, i) => filler(i))];
        const set = await deploySet(accounts, 1);
        const count = await set.authorityCount();
        expect(count).to.equal(BigInt(MAX_AUTHORITIES));
        await expect(set.connect(voter).voteToAdd(candidate))
          .to.be.revertedWithCustomError(set, "ValidatorSetTooMany")
          .withArgs(count + 1n, await set.MAX_AUTHORITIES());
      });
    });
  });

  describe("voteToRemove", () => {
    /** Removes `target` with the votes of the first current authorities other than it; returns the last vote. */
    async function remove(set: ValidatorSet, voters: readonly HardhatEthersSigner[], target: string) {
      const count = Number(await set.authorityCount());
      const current = new Set(await set.getValidators());
      const eligible = voters.filter((v) => v.address !== target && current.has(v.address));
      return castAll(eligible.slice(0, needed(count)), (voter) => set.connect(voter).voteToRemove(target));
    }

    it("removes the first, the one moved into its place, a middle one and the last, keeping the views in step", async () => {
      const { set, authorities } = await loadSet(7);
      let members = authorities.map((a) => a.address);
      const removed: string[] = [];
      const removeAndCheck = async (target: string) => {
        const epoch = await set.epoch();
        await expect(remove(set, authorities, target))
          .to.emit(set, "AuthorityRemoved")
          .withArgs(target, false, epoch + 1n);
        members = members.filter((m) => m !== target);
        removed.push(target);
        await expectMembers(set, members, removed);
      };
      // First: the last authority is moved into position 1.
      const last = members[members.length - 1];
      await removeAndCheck(members[0]);
      // The moved authority is removable from its new position.
      await removeAndCheck(last);
      // A middle one, then the current last one (no move).
      await removeAndCheck(authorities[3].address);
      const list = await set.getValidators();
      await removeAndCheck(list[list.length - 1]);
      expect(await set.epoch()).to.equal(4n);
    });

    it("re-admits a removed authority and removes it again", async () => {
      const { set, authorities } = await loadSet(4);
      const target = authorities[1].address;
      await remove(set, authorities, target);
      const voters = authorities.filter((a) => a.address !== target);
      await expect(castAll(voters, (voter) => set.connect(voter).voteToAdd(target)))
        .to.emit(set, "AuthorityAdded")
        .withArgs(target, 0n, 2n);
      await expectMembers(
        set,
        authorities.map((a) => a.address),
      );
      await expect(remove(set, authorities, target))
        .to.emit(set, "AuthorityRemoved")
        .withArgs(target, false, 3n);
      await expectMembers(
        set,
        voters.map((a) => a.address),
        [target],
      );
    });

    describe("reverts", () => {
      it("when the caller is not an authority", async () => {
        const { set, authorities, others } = await loadSet(4);
        await expect(set.connect(others[0]).voteToRemove(authorities[0]))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(others[0].address);
      });

      it("when the target is not an authority", async () => {
        const { set, authorities, others } = await loadSet(4);
        await expect(set.connect(authorities[0]).voteToRemove(others[0]))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(others[0].address);
      });

      it("when the set is at its minimum", async () => {
        const { set, authorities } = await loadSet(4, 4);
        await expect(set.connect(authorities[0]).voteToRemove(authorities[3]))
          .to.be.revertedWithCustomError(set, "ValidatorSetAtMinimum")
          .withArgs(await set.authorityCount(), await set.minimumAuthorities());
      });

      it("when a removal brought the set down to its minimum", async () => {
        const { set, authorities } = await loadSet(4, 3);
        await remove(set, authorities, authorities[3].address);
        await expect(set.connect(authorities[0]).voteToRemove(authorities[2]))
          .to.be.revertedWithCustomError(set, "ValidatorSetAtMinimum")
          .withArgs(await set.authorityCount(), await set.minimumAuthorities());
        expect(await set.authorityCount()).to.equal(3n);
      });

      it("when the voter already voted for it in this epoch", async () => {
        const { set, authorities } = await loadSet(4);
        const target = authorities[3].address;
        await set.connect(authorities[0]).voteToRemove(target);
        await expect(set.connect(authorities[0]).voteToRemove(target))
          .to.be.revertedWithCustomError(set, "ValidatorSetAlreadyVoted")
          .withArgs(await offChainProposalId(set, Action.Remove, target, 0n), authorities[0].address);
      });
    });
  });

  describe("voteToSetMinimum", () => {
    it("accepts the set's size, after which no removal is possible", async () => {
      const { set, authorities } = await loadSet(4);
      const size = await set.authorityCount();
      await expect(castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToSetMinimum(size)))
        .to.emit(set, "MinimumChanged")
        .withArgs(size, 1n);
      expect(await set.minimumAuthorities()).to.equal(size);
      await expect(set.connect(authorities[0]).voteToRemove(authorities[1]))
        .to.be.revertedWithCustomError(set, "ValidatorSetAtMinimum")
        .withArgs(size, size);
    });

    it("lowers the minimum again", async () => {
      const { set, authorities } = await loadSet(4, 4);
      await expect(castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToSetMinimum(1)))
        .to.emit(set, "MinimumChanged")
        .withArgs(1n, 1n);
      expect(await set.minimumAuthorities()).to.equal(1n);
    });

    describe("reverts", () => {
      it("when the minimum is 0", async () => {
        const { set, authorities } = await loadSet(4);
        await expect(set.connect(authorities[0]).voteToSetMinimum(0))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidMinimum")
          .withArgs(0, await set.authorityCount());
      });

      it("when the minimum is above the set's size", async () => {
        const { set, authorities } = await loadSet(4);
        const size = await set.authorityCount();
        await expect(set.connect(authorities[0]).voteToSetMinimum(size + 1n))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidMinimum")
          .withArgs(size + 1n, size);
      });

      it("when the caller is not an authority", async () => {
        const { set, others } = await loadSet(4);
        await expect(set.connect(others[0]).voteToSetMinimum(2))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(others[0].address);
      });

      it("when the voter already voted for it in this epoch", async () => {
        const { set, authorities } = await loadSet(4);
        await set.connect(authorities[1]).voteToSetMinimum(2);
        await expect(set.connect(authorities[1]).voteToSetMinimum(2))
          .to.be.revertedWithCustomError(set, "ValidatorSetAlreadyVoted")
          .withArgs(await offChainProposalId(set, Action.SetMinimum, ZeroAddress, 2n), authorities[1].address);
      });
    });
  });

  describe("withdrawVote", () => {
    it("takes the vote back; a re-vote counts again and the full count is still needed", async () => {
      const { set, authorities, others } = await loadSet(4);
      const [a, b, c] = authorities;
      const candidate = others[0].address;
      const proposal = await offChainProposalId(set, Action.Add, candidate, 0n);
      await set.connect(a).voteToAdd(candidate);
      await set.connect(b).voteToAdd(candidate);
      await expect(set.connect(b).withdrawVote(Action.Add, candidate, 0n))
        .to.emit(set, "VoteWithdrawn")
        .withArgs(proposal, b.address, 1n);
      expect(await set.hasVoted(proposal, b)).to.equal(false);
      expect(await set.votesFor(proposal)).to.equal(1n);

      // c's vote is the second, not the third: nothing happens.
      await expect(set.connect(c).voteToAdd(candidate))
        .to.emit(set, "VoteCast")
        .withArgs(proposal, c.address, Action.Add, candidate, 0n, 2n, 3n)
        .and.not.to.emit(set, "AuthorityAdded");
      expect(await set.isAuthority(candidate)).to.equal(false);

      await expect(set.connect(b).voteToAdd(candidate))
        .to.emit(set, "VoteCast")
        .withArgs(proposal, b.address, Action.Add, candidate, 0n, 3n, 3n)
        .and.to.emit(set, "AuthorityAdded")
        .withArgs(candidate, 0n, 1n);
    });

    it("names the proposal by its arguments: only the one with the same action, target and value loses the vote", async () => {
      const { set, authorities, others } = await loadSet(4);
      const [a] = authorities;
      const [first, second] = others;
      await set.connect(a).voteToAdd(first);
      await set.connect(a).voteToAdd(second);
      await set.connect(a).voteToSetMinimum(2);
      const minimum = await offChainProposalId(set, Action.SetMinimum, ZeroAddress, 2n);
      await expect(set.connect(a).withdrawVote(Action.SetMinimum, ZeroAddress, 2n))
        .to.emit(set, "VoteWithdrawn")
        .withArgs(minimum, a.address, 0n);
      expect(await set.hasVoted(minimum, a)).to.equal(false);
      for (const candidate of [first, second]) {
        const proposal = await offChainProposalId(set, Action.Add, candidate.address, 0n);
        expect(await set.hasVoted(proposal, a)).to.equal(true);
        expect(await set.votesFor(proposal)).to.equal(1n);
      }
    });

    describe("reverts", () => {
      it("when the caller has no vote for the proposal", async () => {
        const { set, authorities, others } = await loadSet(4);
        const proposal = await offChainProposalId(set, Action.Add, others[0].address, 0n);
        await set.connect(authorities[0]).voteToAdd(others[0]);
        await expect(set.connect(authorities[1]).withdrawVote(Action.Add, others[0], 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetNoVote")
          .withArgs(proposal, authorities[1].address);
      });

      it("when the arguments differ from the vote's (another value)", async () => {
        const { set, authorities } = await loadSet(4);
        await set.connect(authorities[0]).voteToSetMinimum(2);
        await expect(set.connect(authorities[0]).withdrawVote(Action.SetMinimum, ZeroAddress, 3n))
          .to.be.revertedWithCustomError(set, "ValidatorSetNoVote")
          .withArgs(await offChainProposalId(set, Action.SetMinimum, ZeroAddress, 3n), authorities[0].address);
        expect(await set.votesFor(await offChainProposalId(set, Action.SetMinimum, ZeroAddress, 2n))).to.equal(1n);
      });

      it("when the vote was already withdrawn", async () => {
        const { set, authorities, others } = await loadSet(4);
        const proposal = await offChainProposalId(set, Action.Add, others[0].address, 0n);
        await set.connect(authorities[0]).voteToAdd(others[0]);
        await set.connect(authorities[0]).withdrawVote(Action.Add, others[0], 0n);
        await expect(set.connect(authorities[0]).withdrawVote(Action.Add, others[0], 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetNoVote")
          .withArgs(proposal, authorities[0].address);
        expect(await set.votesFor(proposal)).to.equal(0n);
      });

      it("when the caller is not an authority", async () => {
        const { set, others } = await loadSet(4);
        await expect(set.connect(others[0]).withdrawVote(Action.Add, others[1], 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(others[0].address);
      });
    });
  });

  describe("epochs", () => {
    it("a vote cast before a change does not count after it", async () => {
      const { set, authorities, others } = await loadSet(4);
      const [a, b, c, d] = authorities;
      const candidate = others[0].address;
      const before = await offChainProposalId(set, Action.Add, candidate, 0n);
      await set.connect(a).voteToAdd(candidate);

      // An unrelated change (the minimum) starts epoch 1.
      await castAll([b, c, d], (voter) => set.connect(voter).voteToSetMinimum(2));
      expect(await set.epoch()).to.equal(1n);
      const after = await offChainProposalId(set, Action.Add, candidate, 0n);
      expect(after).to.not.equal(before);
      expect(await set.proposalId(Action.Add, candidate, 0n)).to.equal(after);
      expect(await set.votesFor(after)).to.equal(0n);
      expect(await set.hasVoted(after, a)).to.equal(false);

      // Two votes now: with a's lapsed vote they would be three, enough for n = 4.
      await castAll([b, c], (voter) => set.connect(voter).voteToAdd(candidate));
      expect(await set.votesFor(after)).to.equal(2n);
      expect(await set.isAuthority(candidate)).to.equal(false);

      // a votes again, in this epoch: that is the third vote.
      await expect(set.connect(a).voteToAdd(candidate))
        .to.emit(set, "VoteCast")
        .withArgs(after, a.address, Action.Add, candidate, 0n, 3n, 3n)
        .and.to.emit(set, "AuthorityAdded")
        .withArgs(candidate, 0n, 2n);
    });

    it("a lapsed proposal cannot lose a vote: withdrawVote with its arguments names this epoch's proposal", async () => {
      const { set, authorities, others } = await loadSet(4);
      const [a, b, c, d] = authorities;
      const candidate = others[0].address;
      const lapsed = await offChainProposalId(set, Action.Add, candidate, 0n);
      await castAll([a, b], (voter) => set.connect(voter).voteToAdd(candidate));
      await castAll([b, c, d], (voter) => set.connect(voter).voteToSetMinimum(2));
      const current = await offChainProposalId(set, Action.Add, candidate, 0n);

      // a's vote is in the lapsed epoch only: the same arguments now name the current proposal, with no vote.
      await expect(set.connect(a).withdrawVote(Action.Add, candidate, 0n))
        .to.be.revertedWithCustomError(set, "ValidatorSetNoVote")
        .withArgs(current, a.address);

      // a votes again and withdraws: the current proposal loses the vote, the lapsed one keeps its final figures.
      await set.connect(a).voteToAdd(candidate);
      await expect(set.connect(a).withdrawVote(Action.Add, candidate, 0n))
        .to.emit(set, "VoteWithdrawn")
        .withArgs(current, a.address, 0n);
      expect(await set.votesFor(current)).to.equal(0n);
      expect(await set.hasVoted(current, a)).to.equal(false);
      expect(await set.votesFor(lapsed)).to.equal(2n);
      expect(await set.hasVoted(lapsed, a)).to.equal(true);
      expect(await set.hasVoted(lapsed, b)).to.equal(true);
    });

    it("a removal's threshold is the new set's after an admission", async () => {
      // 3 authorities need 3 votes; after an admission 4 need 3 too, but the earlier votes lapsed.
      const { set, authorities, others } = await loadSet(3);
      const [a, b, c] = authorities;
      const target = c.address;
      await castAll([a, b], (voter) => set.connect(voter).voteToRemove(target));
      await castAll([a, b, c], (voter) => set.connect(voter).voteToAdd(others[0]));
      expect(await set.votesNeeded()).to.equal(BigInt(needed(4)));
      await expect(set.connect(others[0]).voteToRemove(target)).to.not.emit(set, "AuthorityRemoved");
      expect(await set.votesFor(await set.proposalId(Action.Remove, target, 0n))).to.equal(1n);
      expect(await set.isAuthority(target)).to.equal(true);
    });

    it("proposal ids bind the chain, the contract, the epoch, the action, the target and the value", async () => {
      const { set, authorities, others } = await loadSet(4);
      const target = others[0].address;
      const other = await deploySet(
        authorities.map((a) => a.address),
        1,
      );
      const ids = new Set<string>();
      for (const [action, value] of [
        [Action.Add, 0n],
        [Action.Remove, 0n],
        [Action.Bind, ONE],
        [Action.Bind, ONE - 1n],
        [Action.SetMinimum, 2n],
      ] as const) {
        const expected = await offChainProposalId(set, action, target, value);
        expect(await set.proposalId(action, target, value)).to.equal(expected);
        expect(await other.proposalId(action, target, value)).to.equal(
          await offChainProposalId(other, action, target, value),
        );
        expect(await other.proposalId(action, target, value)).to.not.equal(expected);
        ids.add(expected);
      }
      ids.add(await set.proposalId(Action.Add, others[1].address, 0n));
      expect(ids.size).to.equal(6);
      await castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToSetMinimum(2));
      expect(await set.proposalId(Action.Add, target, 0n)).to.equal(
        await offChainProposalId(set, Action.Add, target, 0n, 1n),
      );
      expect(ids.has(await set.proposalId(Action.Add, target, 0n))).to.equal(false);
    });
  });

  describe("voteToBind", () => {
    /** The suite's registry and a set of the first 4 signers, unbound. */
    async function suiteAndSetFixture() {
      const signers = await ethers.getSigners();
      const suite = await deploySuite(connection);
      const authorities = signers.slice(0, 4);
      const set = await deploySet(
        authorities.map((a) => a.address),
        1,
      );
      return { suite, set, authorities, others: signers.slice(4) };
    }

    it("binds the set to the registry and its ledger with the threshold", async () => {
      const { suite, set, authorities } = await loadFixture(suiteAndSetFixture);
      const registry = await suite.registry.getAddress();
      const ledger = await suite.registry.ledger();
      expect(ledger).to.equal(await suite.ledger.getAddress());
      const minTrust = ONE / 2n;
      const proposal = await offChainProposalId(set, Action.Bind, registry, minTrust);
      await castAll(authorities.slice(0, 2), (voter) => set.connect(voter).voteToBind(registry, minTrust));
      expect(await set.binding()).to.deep.equal([ZeroAddress, ZeroAddress, 0n]);
      await expect(set.connect(authorities[2]).voteToBind(registry, minTrust))
        .to.emit(set, "VoteCast")
        .withArgs(proposal, authorities[2].address, Action.Bind, registry, minTrust, 3n, 3n)
        .and.to.emit(set, "Bound")
        .withArgs(registry, ledger, minTrust, 1n);
      expect(await set.binding()).to.deep.equal([registry, ledger, minTrust]);
      expect(await set.epoch()).to.equal(1n);
    });

    it("accepts full trust as the threshold", async () => {
      const { suite, set, authorities } = await loadFixture(suiteAndSetFixture);
      const registry = await suite.registry.getAddress();
      await expect(castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToBind(registry, ONE)))
        .to.emit(set, "Bound")
        .withArgs(registry, await suite.ledger.getAddress(), ONE, 1n);
    });

    describe("reverts", () => {
      it("when the registry is the zero address", async () => {
        const { set, authorities } = await loadSet(4);
        await expect(set.connect(authorities[0]).voteToBind(ZeroAddress, 0n)).to.be.revertedWithCustomError(
          set,
          "ValidatorSetZeroAddress",
        );
      });

      it("when the registry is an account without code", async () => {
        const { set, authorities, others } = await loadSet(4);
        await expect(set.connect(authorities[0]).voteToBind(others[0], 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidRegistry")
          .withArgs(others[0].address);
      });

      it("when the registry is a contract without ledger()", async () => {
        const { set, authorities } = await loadSet(4);
        const notARegistry = await set.getAddress();
        await expect(set.connect(authorities[0]).voteToBind(notARegistry, 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidRegistry")
          .withArgs(notARegistry);
      });

      it("when the registry's fallback answers ledger() with no data", async () => {
        const { set, authorities } = await loadSet(4);
        const silent = await (await ethers.deployContract("SilentFallbackMock")).getAddress();
        await expect(set.connect(authorities[0]).voteToBind(silent, 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidRegistry")
          .withArgs(silent);
      });

      it("when the registry's ledger is the zero address", async () => {
        const { set, authorities } = await loadSet(4);
        const unwired = await (await ethers.deployContract("ZeroLedgerRegistryMock")).getAddress();
        await expect(set.connect(authorities[0]).voteToBind(unwired, 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidRegistry")
          .withArgs(unwired);
      });

      describe("when ledger() answers with something other than one word holding a contract's address", () => {
        /** A contract whose every call returns `answer` as raw bytes. */
        const answering = async (answer: string) =>
          (await ethers.deployContract("RawAnswerMock", [answer])).getAddress();
        const word = (value: bigint) => toBeHex(value, 32);
        const coder = AbiCoder.defaultAbiCoder();

        it("(control) binds when the answer is one word holding a contract's address", async () => {
          const { set, authorities } = await loadSet(4);
          const ledger = await (await ethers.deployContract("SilentFallbackMock")).getAddress();
          const registry = await answering(word(BigInt(ledger)));
          await expect(castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToBind(registry, 0n)))
            .to.emit(set, "Bound")
            .withArgs(registry, ledger, 0n, 1n);
        });

        const cases: [string, (ledger: string, eoa: string) => string][] = [
          ["an account without code (the ledger has none)", (_, eoa) => word(BigInt(eoa))],
          ["a word with bits above the address's 160", (ledger) => word((1n << 160n) | BigInt(ledger))],
          ["two words (a contract's address first)", (ledger) => coder.encode(["address", "uint256"], [ledger, 0n])],
          ["31 bytes", (ledger) => dataSlice(word(BigInt(ledger)), 1)],
        ];
        for (const [what, answer] of cases) {
          it(what, async () => {
            const { set, authorities, others } = await loadSet(4);
            const ledger = await (await ethers.deployContract("SilentFallbackMock")).getAddress();
            const registry = await answering(answer(ledger, others[0].address));
            await expect(set.connect(authorities[0]).voteToBind(registry, 0n))
              .to.be.revertedWithCustomError(set, "ValidatorSetInvalidRegistry")
              .withArgs(registry);
          });
        }
      });

      it("when the threshold is above full trust", async () => {
        const { suite, set, authorities } = await loadFixture(suiteAndSetFixture);
        await expect(set.connect(authorities[0]).voteToBind(suite.registry, ONE + 1n))
          .to.be.revertedWithCustomError(set, "ValidatorSetInvalidMinTrust")
          .withArgs(ONE + 1n);
      });

      it("when the caller is not an authority", async () => {
        const { suite, set, others } = await loadFixture(suiteAndSetFixture);
        await expect(set.connect(others[0]).voteToBind(suite.registry, 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(others[0].address);
      });

      it("when the voter already voted for it in this epoch", async () => {
        const { suite, set, authorities } = await loadFixture(suiteAndSetFixture);
        const registry = await suite.registry.getAddress();
        await set.connect(authorities[0]).voteToBind(registry, 0n);
        await expect(set.connect(authorities[0]).voteToBind(registry, 0n))
          .to.be.revertedWithCustomError(set, "ValidatorSetAlreadyVoted")
          .withArgs(await offChainProposalId(set, Action.Bind, registry, 0n), authorities[0].address);
      });
    });
  });

  describe("admission once bound", () => {
    it("admits an account of an Active organization trusted at least the threshold, with its organization", async () => {
      const f = await loadBound();
      const { set, authorities, trustedMember, trustedOrg, registryAddress, ledgerAddress, minTrust } = f;
      expect(await set.binding()).to.deep.equal([registryAddress, ledgerAddress, minTrust]);
      expect(await f.suite.ledger.trustOf(trustedOrg)).to.be.greaterThanOrEqual(minTrust);
      const epoch = await set.epoch();
      await expect(castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToAdd(trustedMember)))
        .to.emit(set, "AuthorityAdded")
        .withArgs(trustedMember.address, trustedOrg, epoch + 1n);
      expect(await set.isAuthority(trustedMember)).to.equal(true);
    });

    it("checks the candidate at every vote: a vote after its organization's expulsion reverts", async () => {
      const { set, authorities, suite, trusted, trustedOrg, penalty } = await loadBound();
      await set.connect(authorities[0]).voteToAdd(trusted);
      await suite.registry.connect(penalty).expel(trustedOrg, id("reason"));
      expect(await suite.registry.statusOf(trustedOrg)).to.equal(BigInt(Status.Expelled));
      await expect(set.connect(authorities[1]).voteToAdd(trusted))
        .to.be.revertedWithCustomError(set, "ValidatorSetCandidateNotActive")
        .withArgs(trusted.address);
    });

    describe("reverts", () => {
      it("when the candidate is bound to no organization", async () => {
        const { set, authorities, suite, stranger } = await loadBound();
        expect(await suite.registry.organizationOf(stranger)).to.equal(0n);
        await expect(set.connect(authorities[0]).voteToAdd(stranger))
          .to.be.revertedWithCustomError(set, "ValidatorSetCandidateNotActive")
          .withArgs(stranger.address);
      });

      it("when the candidate's organization is Pending", async () => {
        const { set, authorities, suite, pending } = await loadBound();
        const orgId = await suite.registry.organizationOf(pending);
        expect(await suite.registry.statusOf(orgId)).to.equal(BigInt(Status.Pending));
        await expect(set.connect(authorities[0]).voteToAdd(pending))
          .to.be.revertedWithCustomError(set, "ValidatorSetCandidateNotActive")
          .withArgs(pending.address);
      });

      it("when the candidate's Active organization is trusted under the threshold", async () => {
        const { set, authorities, suite, weak, weakOrg, minTrust } = await loadBound();
        expect(await suite.registry.statusOf(weakOrg)).to.equal(BigInt(Status.Active));
        // Trust can decay with the block number: read it in the block the vote would run in.
        const trust = await suite.ledger.trustOf(weakOrg, { blockTag: "pending" });
        expect(trust).to.be.lessThan(minTrust);
        await expect(set.connect(authorities[0]).voteToAdd(weak))
          .to.be.revertedWithCustomError(set, "ValidatorSetCandidateUntrusted")
          .withArgs(weak.address, trust, minTrust);
      });
    });
  });

  describe("unbound admission", () => {
    it("admits any account, with organization 0, even an account of an expelled organization", async () => {
      const f = await loadBound();
      // A fresh, unbound set of the same authorities next to the bound one.
      const set = await deploySet(
        f.authorities.map((a) => a.address),
        1,
      );
      await f.suite.registry.connect(f.penalty).expel(f.trustedOrg, id("reason"));
      await expect(castAll(f.authorities.slice(0, 3), (voter) => set.connect(voter).voteToAdd(f.trusted)))
        .to.emit(set, "AuthorityAdded")
        .withArgs(f.trusted.address, 0n, 1n);
    });
  });

  describe("removeInactive", () => {
    it("lets anyone remove an authority whose organization was expelled", async () => {
      const { set, authorities, suite, memberAuthority, memberAuthorityOrg, penalty, stranger } = await loadBound();
      await suite.registry.connect(penalty).expel(memberAuthorityOrg, id("reason"));
      // The account stays bound to its (now Expelled) organization, so it is no Active member.
      expect(await suite.registry.organizationOf(memberAuthority)).to.equal(memberAuthorityOrg);
      expect(await suite.registry.isActiveMember(memberAuthority)).to.equal(false);
      const epoch = await set.epoch();
      await expect(set.connect(stranger).removeInactive(memberAuthority))
        .to.emit(set, "AuthorityRemoved")
        .withArgs(memberAuthority.address, true, epoch + 1n);
      await expectMembers(
        set,
        authorities.filter((a) => a !== memberAuthority).map((a) => a.address),
        [memberAuthority.address],
      );
      expect(await set.epoch()).to.equal(epoch + 1n);
    });

    it("lets anyone remove an authority admitted while bound as soon as its organization releases its account", async () => {
      const { set, authorities, suite, trusted, trustedMember, trustedOrg, stranger } = await loadBound();
      await castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToAdd(trustedMember));
      await suite.registry.connect(trusted).removeMember(trustedOrg, trustedMember);
      // Its organization is still Active: the release alone makes the authority inactive.
      expect(await suite.registry.statusOf(trustedOrg)).to.equal(BigInt(Status.Active));
      expect(await suite.registry.organizationOf(trustedMember)).to.equal(0n);
      const epoch = await set.epoch();
      await expect(set.connect(stranger).removeInactive(trustedMember))
        .to.emit(set, "AuthorityRemoved")
        .withArgs(trustedMember.address, true, epoch + 1n);
      await expectMembers(
        set,
        authorities.map((a) => a.address),
        [trustedMember.address],
      );
    });

    it("removes an authority whose account was released before its organization's expulsion", async () => {
      // Released first, the account is bound to no organization when the organization is expelled.
      const { set, authorities, suite, steward, stewardOrg, penalty, stranger } = await loadBound();
      const released = authorities[1];
      await suite.registry.connect(steward).removeMember(stewardOrg, released);
      await suite.registry.connect(penalty).expel(stewardOrg, id("reason"));
      expect(await suite.registry.organizationOf(released)).to.equal(0n);
      const epoch = await set.epoch();
      await expect(set.connect(stranger).removeInactive(released))
        .to.emit(set, "AuthorityRemoved")
        .withArgs(released.address, true, epoch + 1n);
      expect(await set.isAuthority(released)).to.equal(false);
    });

    it("lets anyone remove an authority admitted while bound that moved to another Active organization", async () => {
      const { set, authorities, suite, trusted, trustedMember, trustedOrg, weak, weakOrg, stranger } =
        await loadBound();
      await castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToAdd(trustedMember));
      await suite.registry.connect(trusted).removeMember(trustedOrg, trustedMember);
      await suite.registry.connect(weak).addMember(weakOrg, trustedMember);
      // An account of an Active organization, but not of the one it was admitted for.
      expect(await suite.registry.isActiveMember(trustedMember)).to.equal(true);
      expect(await suite.registry.organizationOf(trustedMember)).to.equal(weakOrg);
      expect(await set.organizationOf(trustedMember)).to.equal(trustedOrg);
      const epoch = await set.epoch();
      await expect(set.connect(stranger).removeInactive(trustedMember))
        .to.emit(set, "AuthorityRemoved")
        .withArgs(trustedMember.address, true, epoch + 1n);
      expect(await set.isAuthority(trustedMember)).to.equal(false);
    });

    it("lets anyone remove an authority from before the binding that never joined any organization", async () => {
      const { suite, authorities, registryAddress, minTrust, stranger, others } = await loadBound();
      // Five authorities (4 votes pass): the four members and an account bound to no organization.
      const set = await deploySet(
        [...authorities, stranger].map((a) => a.address),
        3,
      );
      await castAll(authorities, (voter) => set.connect(voter).voteToBind(registryAddress, minTrust));
      expect(await suite.registry.organizationOf(stranger)).to.equal(0n);
      const caller = others.find((o) => o !== stranger)!;
      await expect(set.connect(caller).removeInactive(stranger))
        .to.emit(set, "AuthorityRemoved")
        .withArgs(stranger.address, true, 2n);
      await expectMembers(
        set,
        authorities.map((a) => a.address),
        [stranger.address],
      );
    });

    describe("reverts", () => {
      it("when the set is not bound", async () => {
        const { set, authorities } = await loadSet(4);
        await expect(set.removeInactive(authorities[0])).to.be.revertedWithCustomError(set, "ValidatorSetNotBound");
      });

      it("when the account is not an authority", async () => {
        const { set, trusted } = await loadBound();
        await expect(set.removeInactive(trusted))
          .to.be.revertedWithCustomError(set, "ValidatorSetNotAuthority")
          .withArgs(trusted.address);
      });

      it("when the authority (from before the binding) is an account of an Active organization", async () => {
        const { set, authorities } = await loadBound();
        for (const authority of authorities) {
          await expect(set.removeInactive(authority))
            .to.be.revertedWithCustomError(set, "ValidatorSetAuthorityActive")
            .withArgs(authority.address);
        }
      });

      it("when an authority from before the binding moved to another Active organization (none was recorded)", async () => {
        const { set, authorities, suite, steward, stewardOrg, trusted, trustedOrg } = await loadBound();
        const moved = authorities[1];
        await suite.registry.connect(steward).removeMember(stewardOrg, moved);
        await suite.registry.connect(trusted).addMember(trustedOrg, moved);
        expect(await set.organizationOf(moved)).to.equal(0n);
        await expect(set.removeInactive(moved))
          .to.be.revertedWithCustomError(set, "ValidatorSetAuthorityActive")
          .withArgs(moved.address);
        // And it still votes.
        await expect(set.connect(moved).voteToSetMinimum(2)).to.emit(set, "VoteCast");
      });

      it("when an authority admitted while bound was released and added back to its organization", async () => {
        const { set, authorities, suite, trusted, trustedMember, trustedOrg } = await loadBound();
        await castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToAdd(trustedMember));
        await suite.registry.connect(trusted).removeMember(trustedOrg, trustedMember);
        await suite.registry.connect(trusted).addMember(trustedOrg, trustedMember);
        await expect(set.removeInactive(trustedMember))
          .to.be.revertedWithCustomError(set, "ValidatorSetAuthorityActive")
          .withArgs(trustedMember.address);
      });

      it("when the set is at its minimum", async () => {
        const { set, authorities, suite, memberAuthority, memberAuthorityOrg, penalty } = await loadBound();
        const size = await set.authorityCount();
        await castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToSetMinimum(size));
        await suite.registry.connect(penalty).expel(memberAuthorityOrg, id("reason"));
        await expect(set.removeInactive(memberAuthority))
          .to.be.revertedWithCustomError(set, "ValidatorSetAtMinimum")
          .withArgs(size, await set.minimumAuthorities());
        expect(await set.isAuthority(memberAuthority)).to.equal(true);
      });
    });
  });

  describe("inactive authorities (once bound)", () => {
    it("an authority whose organization was expelled can neither vote nor withdraw its vote", async () => {
      const { set, suite, memberAuthority, memberAuthorityOrg, penalty, trusted, trustedMember, registryAddress } =
        await loadBound();
      await set.connect(memberAuthority).voteToAdd(trusted);
      const proposal = await offChainProposalId(set, Action.Add, trusted.address, 0n);
      await suite.registry.connect(penalty).expel(memberAuthorityOrg, id("reason"));
      const calls: [string, () => Promise<unknown>][] = [
        ["voteToAdd", () => set.connect(memberAuthority).voteToAdd(trustedMember)],
        ["voteToRemove", () => set.connect(memberAuthority).voteToRemove(trustedMember)],
        ["voteToBind", () => set.connect(memberAuthority).voteToBind(registryAddress, 0n)],
        ["voteToSetMinimum", () => set.connect(memberAuthority).voteToSetMinimum(2)],
        ["withdrawVote", () => set.connect(memberAuthority).withdrawVote(Action.Add, trusted, 0n)],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name)
          .to.be.revertedWithCustomError(set, "ValidatorSetInactiveAuthority")
          .withArgs(memberAuthority.address);
      }
      expect(await set.hasVoted(proposal, memberAuthority)).to.equal(true);
      expect(await set.votesFor(proposal)).to.equal(1n);
    });

    it("a released authority and one that never joined are refused too", async () => {
      const { suite, authorities, steward, stewardOrg, registryAddress, minTrust, stranger } = await loadBound();
      const set = await deploySet(
        [...authorities, stranger].map((a) => a.address),
        3,
      );
      // Unbound, the account that never joined votes like any authority.
      await castAll([stranger, ...authorities.slice(0, 3)], (voter) =>
        set.connect(voter).voteToBind(registryAddress, minTrust),
      );
      const released = authorities[2];
      await suite.registry.connect(steward).removeMember(stewardOrg, released);
      for (const inactive of [stranger, released]) {
        await expect(set.connect(inactive).voteToSetMinimum(2))
          .to.be.revertedWithCustomError(set, "ValidatorSetInactiveAuthority")
          .withArgs(inactive.address);
      }
      // The others still vote.
      await expect(set.connect(steward).voteToSetMinimum(2)).to.emit(set, "VoteCast");
    });

    it("unbound, an authority of an expelled organization still votes", async () => {
      const f = await loadBound();
      const set = await deploySet(
        f.authorities.map((a) => a.address),
        1,
      );
      await f.suite.registry.connect(f.penalty).expel(f.memberAuthorityOrg, id("reason"));
      await expect(set.connect(f.memberAuthority).voteToSetMinimum(2)).to.emit(set, "VoteCast");
      await expect(set.connect(f.memberAuthority).withdrawVote(Action.SetMinimum, ZeroAddress, 2n)).to.emit(
        set,
        "VoteWithdrawn",
      );
    });
  });

  describe("organizationOf", () => {
    it("is 0 for authorities from before the binding, unbound admissions and other accounts", async () => {
      const f = await loadBound();
      for (const account of [...f.authorities, f.stranger, f.trusted]) {
        expect(await f.set.organizationOf(account), account.address).to.equal(0n);
      }
      // The steward is the admin of an Active organization, yet the set recorded none for it.
      expect(await f.suite.registry.organizationOf(f.steward)).to.equal(f.stewardOrg);
      const unbound = await deploySet(
        f.authorities.map((a) => a.address),
        1,
      );
      await castAll(f.authorities.slice(0, 3), (voter) => unbound.connect(voter).voteToAdd(f.trustedMember));
      expect(await unbound.organizationOf(f.trustedMember)).to.equal(0n);
    });

    it("records the organization at a bound admission and clears it on removal, by vote or as inactive", async () => {
      const { set, authorities, suite, trusted, trustedMember, trustedOrg } = await loadBound();
      const admit = () => castAll(authorities.slice(0, 3), (voter) => set.connect(voter).voteToAdd(trustedMember));
      await admit();
      expect(await set.organizationOf(trustedMember)).to.equal(trustedOrg);

      // Five authorities: the four others vote it out.
      await castAll(authorities, (voter) => set.connect(voter).voteToRemove(trustedMember));
      expect(await set.isAuthority(trustedMember)).to.equal(false);
      expect(await set.organizationOf(trustedMember)).to.equal(0n);

      await admit();
      expect(await set.organizationOf(trustedMember)).to.equal(trustedOrg);
      await suite.registry.connect(trusted).removeMember(trustedOrg, trustedMember);
      await set.removeInactive(trustedMember);
      expect(await set.organizationOf(trustedMember)).to.equal(0n);
    });
  });

  describe("version", () => {
    it("is 1.0.0", async () => {
      const { set } = await loadSet(1);
      expect(await set.version()).to.equal("1.0.0");
    });
  });
});
