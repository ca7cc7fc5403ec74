import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { dataSlice, getAddress, id, TypedDataEncoder, ZeroAddress, ZeroHash } from "ethers";
import { network } from "hardhat";

import { Level, Role } from "../../src/constants.js";
import { defaultPenaltyParameters, type PenaltyParameters } from "../../src/defaults.js";
import { toFixed } from "../../src/fixedPoint.js";
import { CredenceProxy__factory, ERC1271WalletMock__factory, PenaltyCases__factory } from "../../types/index.js";
import {
  shouldBehaveLikeDismissal,
  shouldBehaveLikeExpulsion,
  type Resolution,
  type Scenario,
} from "./PenaltyCases.behavior.js";
import {
  BALLOT_TYPE,
  ballotDomain,
  ballotTypes,
  blockOf,
  caseHash,
  CaseState,
  castVotes,
  deployPenaltyCommunity,
  evidence,
  evolve,
  mulDiv,
  nextTxAt,
  ONE,
  openCase,
  openPlatformCase,
  Org,
  penaltyParametersOf,
  penaltyParametersTuple,
  penaltyParametersWith,
  platformRating,
  reach,
  scoreOf,
  shareOf,
  signBallot,
  Status,
  testPenaltyParameters,
  TrustChangeReason,
  trustAtBlock,
  trustRecord,
  viewAt,
  VoteType,
  weightOf,
  type Ballot,
  type PenaltyFixture,
} from "./helpers.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, mine, setBalance, impersonateAccount, time } = networkHelpers;

/** ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

const REASON = id("ratifier: reasons");
const UNKNOWN_CASE = 99n;
/** The longest duration parameter: type(uint32).max blocks. */
const MAX_DURATION = 2n ** 32n - 1n;
const durations = [
  "votingDelay",
  "votingPeriod",
  "ratificationWindow",
  "misuseWindow",
  "barPeriod",
  "liabilityWindow",
] as const;
const UNKNOWN_ORG = 99n;
const { Keep, Expel, Abstain } = VoteType;

// ------------------------------------------------------------------ fixtures

/** The community of helpers.ts: A, B, C, D, F, M Active (F under the reporting threshold), P Pending. */
async function communityFixture(): Promise<PenaltyFixture> {
  return deployPenaltyCommunity(connection);
}

/** A (alice) flags M: case 1, Pending; the next transaction is mined in the block after the flag. */
async function openFixture(): Promise<Scenario> {
  const f = await communityFixture();
  return { ...f, c: await openCase(f, f.alice, Org.M) };
}

/** Case 1 in its first voting block (for the next transaction). */
async function activeFixture(): Promise<Scenario> {
  const s = await openFixture();
  await nextTxAt(s, s.c.voteStart);
  return s;
}

/** Casts the votes on case 1 and moves past voting, so that views and the next transaction see the outcome. */
async function endedWith(votes: (s: Scenario) => [HardhatEthersSigner, number][]): Promise<Scenario> {
  const s = await activeFixture();
  await castVotes(s, s.c, votes(s));
  await viewAt(s, s.c.voteEnd + 1n);
  return s;
}

/** B, C and D vote Expel (A, the reporter, does not vote): Succeeded. */
async function succeededFixture(): Promise<Scenario> {
  return endedWith((s) => [
    [s.bob, Expel],
    [s.carol, Expel],
    [s.dave, Expel],
  ]);
}

/** D abstains, B and C vote Keep: the quorum is met with an expel share of 0 (a misuse by A). */
async function misuseFixture(): Promise<Scenario> {
  return endedWith((s) => [
    [s.dave, Abstain],
    [s.bob, Keep],
    [s.carol, Keep],
  ]);
}

/**
 * D and F vote Expel, B and C Keep: Defeated, but with an expel share at or above the misuse threshold (about
 * 0.42 of the decided weight, between the default misuse threshold 0.40 and expel threshold 0.60).
 */
async function backedFlagFixture(): Promise<Scenario> {
  return endedWith((s) => [
    [s.dave, Expel],
    [s.frank, Expel],
    [s.bob, Keep],
    [s.carol, Keep],
  ]);
}

/** B alone votes Keep: an expel share of 0, but short of the quorum (no verdict on the flag). */
async function thinKeepFixture(): Promise<Scenario> {
  return endedWith((s) => [[s.bob, Keep]]);
}

/** D alone votes Expel: every decided vote says expel, but the quorum is not met. */
async function noQuorumFixture(): Promise<Scenario> {
  return endedWith((s) => [[s.dave, Expel]]);
}

/** D votes Expel, B and C abstain: the abstentions bring the quorum. */
async function abstainQuorumFixture(): Promise<Scenario> {
  return endedWith((s) => [
    [s.dave, Expel],
    [s.bob, Abstain],
    [s.carol, Abstain],
  ]);
}

/** B, C and D abstain: the quorum is met, but nobody decided. */
async function allAbstainFixture(): Promise<Scenario> {
  return endedWith((s) => [
    [s.bob, Abstain],
    [s.carol, Abstain],
    [s.dave, Abstain],
  ]);
}

/** Nobody votes. */
async function noVoteFixture(): Promise<Scenario> {
  return endedWith(() => []);
}

/** Case 1 Succeeded and confirmed by the ratifier: M expelled. */
async function expelledFixture(): Promise<Scenario> {
  const s = await succeededFixture();
  await s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON);
  return s;
}

/**
 * M flagged 975 blocks after its activation (liability window 1,000): voting ends 997 blocks after it, the
 * ratification deadline 1,007 blocks after it, so the ratifier can resolve on either side of the window's end.
 */
async function lateCaseFixture() {
  const f = await communityFixture();
  const activatedAt = (await f.registry.organization(Org.M)).activatedAt;
  await nextTxAt(f, activatedAt + 975n);
  const c = await openCase(f, f.alice, Org.M);
  await nextTxAt(f, c.voteStart);
  await castVotes(f, c, [
    [f.bob, Expel],
    [f.carol, Expel],
    [f.dave, Expel],
  ]);
  return { ...f, c, activatedAt };
}

/**
 * B flags M (case 1), then C flags B (case 2); A, C and D vote Expel on case 1, A, D and F on case 2 (C
 * reported it). Case 2 is ratified first, so B — reporter of case 1 and recommender of M — is Expelled when
 * case 1 expels M.
 */
async function expelledReporterFixture() {
  const f = await communityFixture();
  const first = await openCase(f, f.bob, Org.M, "first");
  const second = await openCase(f, f.carol, Org.B, "second");
  await nextTxAt(f, second.voteStart);
  await castVotes(f, first, [
    [f.alice, Expel],
    [f.carol, Expel],
    [f.dave, Expel],
  ]);
  await castVotes(f, second, [
    [f.alice, Expel],
    [f.dave, Expel],
    [f.frank, Expel],
  ]);
  await viewAt(f, second.voteEnd + 1n);
  await f.penalty.connect(f.ratifier).ratify(second.caseId, true, REASON);
  return { ...f, first, second };
}

/** A platform case against M (a low-integrity platform rating). */
async function platformCaseFixture() {
  const f = await communityFixture();
  const { c, rating } = await openPlatformCase(f, Org.M);
  return { ...f, c, rating };
}

// ------------------------------------------------------------------ helpers

const ratifyAs = (expel: boolean): Resolution => ({
  ratified: true,
  resolve: (s) => s.penalty.connect(s.ratifier).ratify(s.c.caseId, expel, REASON),
});

const executeAfterDeadline: Resolution = {
  ratified: false,
  resolve: async (s) => {
    await nextTxAt(s, s.c.deadline + 1n);
    return s.penalty.connect(s.outsider).execute(s.c.caseId);
  },
};

async function latestBlock(): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber());
}

async function chainId(): Promise<bigint> {
  return (await ethers.provider.getNetwork()).chainId;
}

/** A ballot of `voter` on case 1 with its current nonce and a deadline an hour ahead. */
async function ballotFor(s: Scenario, voter: string, support: number): Promise<Ballot> {
  const deadline = BigInt(await time.latest()) + 3600n;
  return { caseId: s.c.caseId, support, voter, nonce: await s.penalty.nonces(voter), deadline };
}

/** A flags M, B and C vote Keep, the ratifier confirms: a misuse by A. Optionally at chosen blocks. */
async function misuse(f: PenaltyFixture, label: string, at: { flag?: bigint; resolve?: bigint } = {}) {
  if (at.flag !== undefined) await nextTxAt(f, at.flag);
  const c = await openCase(f, f.alice, Org.M, label);
  await nextTxAt(f, c.voteStart);
  await castVotes(f, c, [
    [f.bob, Keep],
    [f.carol, Keep],
  ]);
  await nextTxAt(f, at.resolve ?? c.voteEnd + 1n);
  const tx = await f.penalty.connect(f.ratifier).ratify(c.caseId, false, REASON);
  return { c, tx, block: await blockOf(tx) };
}

/**
 * The community with no reporting threshold, for the tests of the misuse count. Each misuse forfeits a bond of
 * bondShare (0.30 by default) of A's trust, and each flag locks one: after two flags A is under the default
 * reporting threshold (see "reporterRecord"), so without this only the threshold, not the bar, would stop its
 * next flag.
 */
async function countingFixture(): Promise<PenaltyFixture> {
  const f = await communityFixture();
  await f.penalty.setParameters(penaltyParametersWith({ reportingThreshold: 0n }));
  return f;
}

/** Two misuses by A in a row: A is barred (no reporting threshold, so that only the bar stops A's flags). */
async function barredFixture() {
  const f = await countingFixture();
  const first = await misuse(f, "first");
  const second = await misuse(f, "second");
  return { ...f, first, second, barredUntil: second.block + testPenaltyParameters.barPeriod };
}

/** The trust C (`e`) and D (`k`) will have at the snapshot of a flag sent next, and the total then. */
interface Weights {
  e: bigint;
  k: bigint;
  total: bigint;
}

/** The smallest quorum share whose quorum (total * share / 1e18, rounded down) exceeds e + k. */
function exceedingQuorumShare(w: Weights): bigint {
  return ((w.e + w.k + 1n) * ONE + w.total - 1n) / w.total;
}

/**
 * Sets `overrides` (computed from the trust each organization will have at the snapshot), then A flags M,
 * C votes `supports[0]` (Expel by default) and D `supports[1]` (Keep by default), and voting ends. The
 * parameters are set one block before the flag, i.e. at its snapshot.
 */
async function voteWith(
  overrides: (w: Weights) => Partial<PenaltyParameters>,
  supports: [number, number] = [Expel, Keep],
) {
  const f = await loadFixture(communityFixture);
  const snapshot = (await latestBlock()) + 1n;
  const e = trustAtBlock(await trustRecord(f.ledger, Org.C), snapshot);
  const k = trustAtBlock(await trustRecord(f.ledger, Org.D), snapshot);
  const total = await f.ledger.totalTrust();
  await f.penalty.setParameters(penaltyParametersWith(overrides({ e, k, total })));
  const c = await openCase(f, f.alice, Org.M);
  expect([weightOf(c, Org.C), weightOf(c, Org.D), c.total]).to.deep.equal([e, k, total]);
  await nextTxAt(f, c.voteStart);
  await castVotes(f, c, [
    [f.carol, supports[0]],
    [f.dave, supports[1]],
  ]);
  await viewAt(f, c.voteEnd + 1n);
  return { ...f, c };
}

async function recordOf(f: PenaltyFixture, orgId: bigint) {
  const r = await f.penalty.reporterRecord(orgId);
  return [r.misuses, r.windowStart, r.barredUntil];
}

// ------------------------------------------------------------------ tests

describe("PenaltyCases", () => {
  describe("initialize", () => {
    it("wires the proxy: authority, parameters, ledger hook and roles", async () => {
      const f = await loadFixture(communityFixture);
      const { manager, penalty, ledger } = f;
      expect(await penalty.authority()).to.equal(await manager.getAddress());
      expect(penaltyParametersTuple(await penaltyParametersOf(penalty))).to.deep.equal(
        penaltyParametersTuple(testPenaltyParameters),
      );
      expect(await ledger.penaltyHook()).to.equal(await penalty.getAddress());
      expect((await manager.hasRole(Role.PENALTY, penalty))[0]).to.equal(true);
      expect((await manager.hasRole(Role.RATIFIER, f.ratifier))[0]).to.equal(true);
      expect((await manager.hasRole(Role.RATIFIER, f.governance))[0]).to.equal(false);
      expect((await manager.hasRole(Role.ASSESSOR, f.assessor))[0]).to.equal(true);
      expect((await manager.hasRole(Role.ASSESSOR, f.governance))[0]).to.equal(false);
    });

    async function implementation(f: PenaltyFixture) {
      const raw = await ethers.provider.getStorage(await f.penalty.getAddress(), IMPLEMENTATION_SLOT);
      return getAddress(dataSlice(raw, 12));
    }

    async function initData(
      f: PenaltyFixture,
      overrides: Partial<Record<"authority" | "registry" | "ledger", string>>,
    ) {
      return f.penalty.interface.encodeFunctionData("initialize", [
        overrides.authority ?? (await f.manager.getAddress()),
        overrides.registry ?? (await f.registry.getAddress()),
        overrides.ledger ?? (await f.ledger.getAddress()),
        testPenaltyParameters,
      ]);
    }

    it("emits PenaltyParametersUpdated when a fresh proxy is initialized", async () => {
      const f = await loadFixture(communityFixture);
      const parameters = penaltyParametersWith({ votingDelay: 7n, quorumShare: toFixed("0.5") });
      const data = f.penalty.interface.encodeFunctionData("initialize", [
        await f.manager.getAddress(),
        await f.registry.getAddress(),
        await f.ledger.getAddress(),
        parameters,
      ]);
      const proxy = await new CredenceProxy__factory(f.governance).deploy(await implementation(f), data);
      const fresh = PenaltyCases__factory.connect(await proxy.getAddress(), f.governance);
      await expect(proxy.deploymentTransaction())
        .to.emit(fresh, "PenaltyParametersUpdated")
        .withArgs(penaltyParametersTuple(parameters));
      expect(penaltyParametersTuple(await penaltyParametersOf(fresh))).to.deep.equal(
        penaltyParametersTuple(parameters),
      );
      expect(await fresh.caseCount()).to.equal(0n);
    });

    describe("reverts", () => {
      for (const field of ["authority", "registry", "ledger"] as const) {
        it(`when the ${field} is the zero address`, async () => {
          const f = await loadFixture(communityFixture);
          await expect(
            new CredenceProxy__factory(f.governance).deploy(
              await implementation(f),
              await initData(f, { [field]: ZeroAddress }),
            ),
          ).to.be.revertedWithCustomError(f.penalty, "PenaltyCasesZeroAddress");
        });
      }

      for (const field of ["registry", "ledger"] as const) {
        it(`when the ${field} is not the one the implementation was built with`, async () => {
          // The registry and the ledger are immutables of the implementation; initialize must name the same.
          const f = await loadFixture(communityFixture);
          const other = f.outsider.address;
          const built = field === "registry" ? await f.registry.getAddress() : await f.ledger.getAddress();
          await expect(
            new CredenceProxy__factory(f.governance).deploy(
              await implementation(f),
              await initData(f, { [field]: other }),
            ),
          )
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesAddressMismatch")
            .withArgs(built, other);
        });

        it(`when an implementation is built with a zero ${field}`, async () => {
          const f = await loadFixture(communityFixture);
          const args = [await f.registry.getAddress(), await f.ledger.getAddress()];
          args[field === "registry" ? 0 : 1] = ZeroAddress;
          await expect(ethers.deployContract("PenaltyCases", args)).to.be.revertedWithCustomError(
            f.penalty,
            "PenaltyCasesZeroAddress",
          );
        });
      }

      it("when the parameters are invalid", async () => {
        const f = await loadFixture(communityFixture);
        for (const [name, value] of [
          ["votingPeriod", 0n],
          ["liabilityWindow", MAX_DURATION + 1n],
        ] as const) {
          const data = f.penalty.interface.encodeFunctionData("initialize", [
            await f.manager.getAddress(),
            await f.registry.getAddress(),
            await f.ledger.getAddress(),
            penaltyParametersWith({ [name]: value }),
          ]);
          await expect(new CredenceProxy__factory(f.governance).deploy(await implementation(f), data))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesInvalidParameter")
            .withArgs(name, value);
        }
      });

      it("when the proxy is initialized a second time", async () => {
        const f = await loadFixture(communityFixture);
        await expect(
          f.penalty.initialize(f.manager, f.registry, f.ledger, testPenaltyParameters),
        ).to.be.revertedWithCustomError(f.penalty, "InvalidInitialization");
      });
    });
  });

  describe("views", () => {
    it("version, clock, BALLOT_TYPEHASH, DOMAIN_SEPARATOR and eip712Domain", async () => {
      const f = await loadFixture(communityFixture);
      const { penalty } = f;
      expect(await penalty.version()).to.equal("1.1.0");
      // Views run on the latest block; its number is the clock, as the ledger's.
      expect(await penalty.clock()).to.equal(await latestBlock());
      expect(await penalty.clock()).to.equal(await f.ledger.clock());
      await mine(3);
      expect(await penalty.clock()).to.equal(await latestBlock());

      expect(await penalty.BALLOT_TYPEHASH()).to.equal(id(BALLOT_TYPE));
      const domain = await ballotDomain(penalty, await chainId());
      expect(await penalty.DOMAIN_SEPARATOR()).to.equal(TypedDataEncoder.hashDomain(domain));
      // The outputs are unnamed (ERC-5267 fixes their order): read them by position.
      const outputs = penalty.interface.getFunction("eip712Domain").outputs;
      expect(outputs.map((output) => [output.name, output.type])).to.deep.equal([
        ["", "bytes1"],
        ["", "string"],
        ["", "string"],
        ["", "uint256"],
        ["", "address"],
        ["", "bytes32"],
        ["", "uint256[]"],
      ]);
      const domainResult = await penalty.eip712Domain();
      expect(domainResult.length).to.equal(7);
      const [fields, name, version, chain, verifyingContract, salt, extensions] = domainResult;
      expect([fields, name, version, chain, verifyingContract, salt, [...extensions]]).to.deep.equal([
        "0x0f",
        domain.name,
        domain.version,
        domain.chainId,
        domain.verifyingContract,
        ZeroHash,
        [],
      ]);
    });

    it("registry and ledger: the proxies the cases act on", async () => {
      const f = await loadFixture(communityFixture);
      expect(await f.penalty.registry()).to.equal(await f.registry.getAddress());
      expect(await f.penalty.ledger()).to.equal(await f.ledger.getAddress());
      expect(await f.registry.getAddress()).not.to.equal(await f.ledger.getAddress());
    });

    it("answer for a community without cases", async () => {
      const f = await loadFixture(communityFixture);
      const { penalty } = f;
      expect(await penalty.caseCount()).to.equal(0n);
      expect(await penalty.state(1n)).to.equal(CaseState.None);
      expect(await penalty.openCaseOf(Org.M)).to.equal(0n);
      expect(await penalty.hasVoted(1n, Org.A)).to.equal(false);
      expect(await recordOf(f, Org.A)).to.deep.equal([0n, 0n, 0n]);
      expect(await penalty.nonces(f.alice)).to.equal(0n);
    });

    describe("getCase", () => {
      describe("reverts", () => {
        it("when the case is unknown", async () => {
          const s = await loadFixture(openFixture);
          for (const caseId of [0n, 2n, UNKNOWN_CASE]) {
            await expect(s.penalty.getCase(caseId))
              .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnknownCase")
              .withArgs(caseId);
          }
        });
      });
    });
  });

  describe("flag", () => {
    it("opens a Pending case with the snapshot, the voting period and the quorum fixed now", async () => {
      const f = await loadFixture(communityFixture);
      const { penalty, ledger } = f;
      expect(await penalty.connect(f.alice).flag.staticCall(Org.M, 7, evidence("case"))).to.equal(1n);
      const c = await openCase(f, f.alice, Org.M, "case", 7n);

      expect(c.caseId).to.equal(1n);
      expect(c.bond).to.be.greaterThan(0n);
      await expect(c.tx)
        .to.emit(penalty, "CaseOpened")
        .withArgs(
          1n,
          Org.M,
          Org.A,
          f.alice.address,
          7n,
          evidence("case"),
          c.block - 1n,
          c.block + 2n,
          c.block + 22n,
          c.bond,
          c.quorum,
        );
      // The quorum is a share of the ledger's total at the snapshot block.
      expect(await ledger.totalTrustAt(c.snapshot)).to.equal(c.total);
      expect(c.quorum).to.equal(mulDiv(c.total, toFixed("0.30"), ONE));

      const stored = await penalty.getCase(1n);
      expect(stored.accusedId).to.equal(Org.M);
      expect(stored.reporterId).to.equal(Org.A);
      expect(stored.reporter).to.equal(f.alice.address);
      expect(stored.snapshot).to.equal(c.snapshot);
      expect(stored.voteStart).to.equal(c.voteStart);
      expect(stored.voteEnd).to.equal(c.voteEnd);
      expect(stored.ratificationDeadline).to.equal(c.block + 32n);
      expect(stored.resolvedAt).to.equal(0n);
      expect(stored.bond).to.equal(c.bond);
      expect(stored.reasonCode).to.equal(7n);
      expect(stored.resolution).to.equal(CaseState.None);
      expect(stored.finalized).to.equal(false);
      expect(stored.ratified).to.equal(false);
      expect(stored.quorum).to.equal(c.quorum);
      expect([stored.expelWeight, stored.keepWeight, stored.abstainWeight]).to.deep.equal([0n, 0n, 0n]);
      expect(stored.expelThreshold).to.equal(testPenaltyParameters.expelThreshold);
      expect(stored.misuseThreshold).to.equal(testPenaltyParameters.misuseThreshold);
      expect(stored.evidenceHash).to.equal(evidence("case"));

      expect(await penalty.caseCount()).to.equal(1n);
      expect(await penalty.openCaseOf(Org.M)).to.equal(1n);
      expect(await penalty.state(1n)).to.equal(CaseState.Pending);
    });

    it("locks a bond of bondShare of the reporter organization's trust", async () => {
      const f = await loadFixture(communityFixture);
      const { ledger } = f;
      const reporter = await trustRecord(ledger, Org.A);
      const { bondShare } = await f.penalty.parameters();
      expect(bondShare).to.equal(defaultPenaltyParameters.bondShare);
      const c = await openCase(f, f.alice, Org.M);

      expect(c.reporterTrust).to.equal(trustAtBlock(reporter, c.block));
      expect(c.bond).to.equal(mulDiv(c.reporterTrust, bondShare, ONE));
      expect(c.bond).to.be.greaterThan(0n);
      await expect(c.tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(
          Org.A,
          c.reporterTrust,
          c.reporterTrust - c.bond,
          -c.bond,
          TrustChangeReason.BondLocked,
          caseHash(1n),
        );
      expect(await ledger.trustOf(Org.A)).to.equal(c.reporterTrust - c.bond);
      expect(await ledger.totalTrust()).to.equal(c.total - reporter.value + c.reporterTrust - c.bond);
    });

    it("accepts any member account of the reporter organization", async () => {
      const f = await loadFixture(communityFixture);
      const c = await openCase(f, f.alice2, Org.M);
      await expect(c.tx)
        .to.emit(f.penalty, "CaseOpened")
        .withArgs(
          1n,
          Org.M,
          Org.A,
          f.alice2.address,
          c.reasonCode,
          c.evidenceHash,
          c.snapshot,
          c.voteStart,
          c.voteEnd,
          c.bond,
          c.quorum,
        );
      expect((await f.penalty.getCase(1n)).reporter).to.equal(f.alice2.address);
    });

    it("numbers cases from 1 and keeps one open case per accused organization", async () => {
      const f = await loadFixture(communityFixture);
      const first = await openCase(f, f.alice, Org.M, "first");
      const second = await openCase(f, f.bob, Org.D, "second");
      expect([first.caseId, second.caseId]).to.deep.equal([1n, 2n]);
      expect(await f.penalty.caseCount()).to.equal(2n);
      expect(await f.penalty.openCaseOf(Org.M)).to.equal(1n);
      expect(await f.penalty.openCaseOf(Org.D)).to.equal(2n);
      expect(await f.penalty.openCaseOf(Org.A)).to.equal(0n);
      expect((await f.penalty.getCase(2n)).reporterId).to.equal(Org.B);
    });

    it("takes no bond when bondShare is zero", async () => {
      const f = await loadFixture(communityFixture);
      await f.penalty.setParameters(penaltyParametersWith({ bondShare: 0n }));
      const c = await openCase(f, f.alice, Org.M);
      expect(c.bond).to.equal(0n);
      await expect(c.tx).not.to.emit(f.ledger, "TrustChanged");
      await expect(c.tx)
        .to.emit(f.penalty, "CaseOpened")
        .withArgs(
          1n,
          Org.M,
          Org.A,
          f.alice.address,
          c.reasonCode,
          c.evidenceHash,
          c.snapshot,
          c.voteStart,
          c.voteEnd,
          0n,
          c.quorum,
        );
      expect((await f.penalty.getCase(1n)).bond).to.equal(0n);
    });

    describe("reverts", () => {
      it("when the caller is not a member account of an Active organization", async () => {
        const f = await loadFixture(communityFixture);
        for (const account of [f.outsider, f.pat, f.governance, f.ratifier]) {
          await expect(f.penalty.connect(account).flag(Org.M, 1, evidence("x")))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesNotActiveMember")
            .withArgs(account.address);
        }
      });

      it("with the registry's own error when the registry fails otherwise (passed on unchanged)", async () => {
        // The reporter's organization comes from one call, registry.activeOrganizationOf: its "not an Active
        // member" becomes PenaltyCasesNotActiveMember, any other failure is passed on as the registry gave it. A
        // PenaltyCases built for a registry that always fails shows it.
        const f = await loadFixture(communityFixture);
        const reason = "0xdeadbeef" + "00".repeat(31) + "2a";
        const failing = await (await ethers.deployContract("RawRevertMock", [reason])).getAddress();
        const ledger = await f.ledger.getAddress();
        const implementation = await ethers.deployContract("PenaltyCases", [failing, ledger]);
        const data = f.penalty.interface.encodeFunctionData("initialize", [
          await f.manager.getAddress(),
          failing,
          ledger,
          testPenaltyParameters,
        ]);
        const proxy = await new CredenceProxy__factory(f.governance).deploy(await implementation.getAddress(), data);
        const built = PenaltyCases__factory.connect(await proxy.getAddress(), f.alice);
        const call = built.flag.staticCall(Org.M, 1, evidence("x"));
        await expect(call).to.be.revert(ethers);
        expect(await call.catch((error: { data?: string }) => error.data)).to.equal(reason);
      });

      it("when the reporter organization's trust is under the reporting threshold", async () => {
        const f = await loadFixture(communityFixture);
        const record = await trustRecord(f.ledger, Org.F);
        const trust = trustAtBlock(record, (await latestBlock()) + 1n);
        expect(trust).to.be.lessThan(testPenaltyParameters.reportingThreshold);
        await expect(f.penalty.connect(f.frank).flag(Org.M, 1, evidence("x")))
          .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesReporterBelowThreshold")
          .withArgs(Org.F, trust, testPenaltyParameters.reportingThreshold);
      });

      it("when an organization flags itself", async () => {
        const f = await loadFixture(communityFixture);
        for (const account of [f.alice, f.alice2]) {
          await expect(f.penalty.connect(account).flag(Org.A, 1, evidence("x")))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesSelfFlag")
            .withArgs(Org.A);
        }
      });

      it("when the accused organization is unknown", async () => {
        const f = await loadFixture(communityFixture);
        await expect(f.penalty.connect(f.alice).flag(UNKNOWN_ORG, 1, evidence("x")))
          .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesAccusedNotActive")
          .withArgs(UNKNOWN_ORG, Status.None);
      });

      it("when the accused organization is Pending", async () => {
        const f = await loadFixture(communityFixture);
        await expect(f.penalty.connect(f.alice).flag(Org.P, 1, evidence("x")))
          .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesAccusedNotActive")
          .withArgs(Org.P, Status.Pending);
      });

      it("when the accused organization is Rejected", async () => {
        const f = await loadFixture(communityFixture);
        await f.registry.connect(f.assessor).reject(Org.P, REASON);
        await expect(f.penalty.connect(f.alice).flag(Org.P, 1, evidence("x")))
          .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesAccusedNotActive")
          .withArgs(Org.P, Status.Rejected);
      });

      it("when the accused organization is Expelled", async () => {
        const s = await loadFixture(expelledFixture);
        await expect(s.penalty.connect(s.bob).flag(Org.M, 1, evidence("x")))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAccusedNotActive")
          .withArgs(Org.M, Status.Expelled);
      });

      it("when the accused organization already has an open case", async () => {
        const s = await loadFixture(openFixture);
        for (const account of [s.bob, s.alice2]) {
          await expect(s.penalty.connect(account).flag(Org.M, 2, evidence("again")))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesCaseAlreadyOpen")
            .withArgs(Org.M, 1n);
        }
        // Still open once voting has ended, until the case is resolved.
        await viewAt(s, s.c.voteEnd + 1n);
        await expect(s.penalty.connect(s.bob).flag(Org.M, 2, evidence("again")))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesCaseAlreadyOpen")
          .withArgs(Org.M, 1n);
      });

      it("when the reporter organization is barred, until the last block of the bar", async () => {
        const f = await loadFixture(barredFixture);
        for (const account of [f.alice, f.alice2]) {
          await expect(f.penalty.connect(account).flag(Org.M, 1, evidence("x")))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesReporterBarred")
            .withArgs(Org.A, f.barredUntil);
        }
        // Other organizations still flag.
        await openCase(f, f.bob, Org.D, "other");
        await nextTxAt(f, f.barredUntil);
        await expect(f.penalty.connect(f.alice).flag(Org.M, 1, evidence("x")))
          .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesReporterBarred")
          .withArgs(Org.A, f.barredUntil);
        // The block after the bar, the reporter flags again.
        await nextTxAt(f, f.barredUntil + 1n);
        const c = await openCase(f, f.alice, Org.M, "after the bar");
        expect(c.block).to.equal(f.barredUntil + 1n);
        await expect(c.tx).to.emit(f.penalty, "CaseOpened");
      });
    });
  });

  describe("onLowIntegrity", () => {
    it("opens a platform case on a low-integrity platform rating: reporter 0, no bond", async () => {
      const f = await loadFixture(communityFixture);
      const { ledger, penalty } = f;
      const accused = await trustRecord(ledger, Org.M);
      const { c, rating } = await openPlatformCase(f, Org.M);

      await expect(c.tx)
        .to.emit(ledger, "LowIntegritySignalled")
        .withArgs(Org.M, rating.contributionId, f.assessor.address, 0n, rating.scores.integrity, rating.scores.intent);
      await expect(c.tx)
        .to.emit(penalty, "CaseOpened")
        .withArgs(
          1n,
          Org.M,
          0n,
          f.assessor.address,
          0n,
          rating.evidenceHash,
          c.snapshot,
          c.voteStart,
          c.voteEnd,
          0n,
          c.quorum,
        );
      // The rating itself is applied, in the same transaction.
      const p = await ledger.parameters();
      const old = trustAtBlock(accused, c.block);
      const updated = evolve(old, scoreOf(p, rating.scores), p.gainRate, p.lossRate, ONE);
      await expect(c.tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(Org.M, old, updated, updated - old, TrustChangeReason.Rated, rating.evidenceHash);

      const stored = await penalty.getCase(1n);
      expect([stored.accusedId, stored.reporterId, stored.reporter, stored.bond]).to.deep.equal([
        Org.M,
        0n,
        f.assessor.address,
        0n,
      ]);
      expect(stored.quorum).to.equal(c.quorum);
      expect(await penalty.openCaseOf(Org.M)).to.equal(1n);
      expect(await penalty.state(1n)).to.equal(CaseState.Pending);
    });

    it("opens a platform case on a low-intent platform rating", async () => {
      const f = await loadFixture(communityFixture);
      const rating = platformRating(Org.M, "low intent", toFixed("0.5"), toFixed("0.5"), toFixed("0.1"));
      await expect(f.ledger.connect(f.assessor).rate(rating)).to.emit(f.penalty, "CaseOpened");
      expect(await f.penalty.openCaseOf(Org.M)).to.equal(1n);
    });

    it("ignores a second signal while the case is open (PlatformSignalIgnored); the rating still applies", async () => {
      const f = await loadFixture(platformCaseFixture);
      const { ledger, penalty } = f;
      const accused = await trustRecord(ledger, Org.M);
      const second = platformRating(Org.M, "second", toFixed("0.5"), toFixed("0.1"));

      const tx = await ledger.connect(f.assessor).rate(second);
      const block = await blockOf(tx);
      const p = await ledger.parameters();
      const old = trustAtBlock(accused, block);
      const updated = evolve(old, scoreOf(p, second.scores), p.gainRate, p.lossRate, ONE);

      await expect(tx).to.emit(penalty, "PlatformSignalIgnored").withArgs(Org.M, second.contributionId, 1n);
      await expect(tx).not.to.emit(penalty, "CaseOpened");
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(Org.M, old, updated, updated - old, TrustChangeReason.Rated, second.evidenceHash);
      expect(updated).to.be.lessThan(old);
      expect(await ledger.trustOf(Org.M)).to.equal(updated);
      expect(await penalty.caseCount()).to.equal(1n);
    });

    it("ignores a signal while a member's case against the organization is open", async () => {
      const s = await loadFixture(openFixture);
      const rating = platformRating(Org.M, "during", toFixed("0.5"), toFixed("0.1"));
      await expect(s.ledger.connect(s.assessor).rate(rating))
        .to.emit(s.penalty, "PlatformSignalIgnored")
        .withArgs(Org.M, rating.contributionId, s.c.caseId);
      expect(await s.penalty.caseCount()).to.equal(1n);
    });

    it("opens a new case once the previous one is resolved", async () => {
      const f = await loadFixture(platformCaseFixture);
      await nextTxAt(f, f.c.deadline + 1n);
      await f.penalty.execute(f.c.caseId);
      expect(await f.penalty.state(f.c.caseId)).to.equal(CaseState.Dismissed);
      const { c } = await openPlatformCase(f, Org.M, "after");
      expect(c.caseId).to.equal(2n);
      expect(await f.penalty.openCaseOf(Org.M)).to.equal(2n);
    });

    it("ignores a signal about an organization that is not Active", async () => {
      const f = await loadFixture(communityFixture);
      const ledgerAddress = await f.ledger.getAddress();
      await impersonateAccount(ledgerAddress);
      await setBalance(ledgerAddress, ONE);
      const asLedger = await ethers.getSigner(ledgerAddress);
      const contributionId = id("contribution:pending");
      await expect(
        f.penalty.connect(asLedger).onLowIntegrity(Org.P, contributionId, f.assessor, 0n, 0n, evidence("pending")),
      )
        .to.emit(f.penalty, "PlatformSignalIgnored")
        .withArgs(Org.P, contributionId, 0n);
      expect(await f.penalty.caseCount()).to.equal(0n);
      // For an Active organization the case names the rater passed by the ledger as its reporter.
      await expect(
        f.penalty.connect(asLedger).onLowIntegrity(Org.M, contributionId, f.outsider, 0n, 0n, evidence("active")),
      ).to.emit(f.penalty, "CaseOpened");
      expect((await f.penalty.getCase(1n)).reporter).to.equal(f.outsider.address);
    });

    it("is not called for a peer's low-integrity rating (no case)", async () => {
      const f = await loadFixture(communityFixture);
      const contribution = platformRating(Org.M, "known", toFixed("0.8"), toFixed("0.8"));
      await f.ledger.connect(f.assessor).rate(contribution);
      const peer = { ...contribution, scores: { ...contribution.scores, integrity: toFixed("0.1") } };
      const tx = await f.ledger.connect(f.alice).peerRate(peer);
      await expect(tx).to.emit(f.ledger, "LowIntegritySignalled");
      await expect(tx).not.to.emit(f.penalty, "CaseOpened");
      expect(await f.penalty.caseCount()).to.equal(0n);
    });

    describe("reverts", () => {
      it("when the caller is not the ledger", async () => {
        const f = await loadFixture(communityFixture);
        for (const account of [f.outsider, f.governance, f.assessor]) {
          await expect(f.penalty.connect(account).onLowIntegrity(Org.M, id("c"), account, 0n, 0n, evidence("direct")))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesOnlyLedger")
            .withArgs(account.address);
        }
      });
    });
  });

  describe("castVote", () => {
    it("counts the organization's trust at the snapshot and emits VoteCast", async () => {
      const s = await loadFixture(activeFixture);
      const { penalty, ledger, c } = s;
      const weight = weightOf(c, Org.B);
      expect(weight).to.be.greaterThan(0n);
      expect(await ledger.trustAt(Org.B, c.snapshot)).to.equal(weight);
      // Views run on the latest block: mine the first voting block for the static call.
      await mine(1);
      expect(await penalty.connect(s.bob).castVote.staticCall(c.caseId, Expel)).to.equal(weight);

      await expect(penalty.connect(s.bob).castVote(c.caseId, Expel))
        .to.emit(penalty, "VoteCast")
        .withArgs(c.caseId, Org.B, s.bob.address, Expel, weight);
      expect(await penalty.hasVoted(c.caseId, Org.B)).to.equal(true);
      expect(await penalty.hasVoted(c.caseId, Org.C)).to.equal(false);
      expect((await penalty.getCase(c.caseId)).expelWeight).to.equal(weight);
    });

    it("adds each ballot to its tally: Expel, Keep, Abstain", async () => {
      const s = await loadFixture(activeFixture);
      const { penalty, c } = s;
      const txs = await castVotes(s, c, [
        [s.frank, Expel],
        [s.bob, Keep],
        [s.carol, Abstain],
        [s.dave2, Keep],
      ]);
      await expect(txs[3])
        .to.emit(penalty, "VoteCast")
        .withArgs(c.caseId, Org.D, s.dave2.address, Keep, weightOf(c, Org.D));
      const stored = await penalty.getCase(c.caseId);
      expect(stored.expelWeight).to.equal(weightOf(c, Org.F));
      expect(stored.keepWeight).to.equal(weightOf(c, Org.B) + weightOf(c, Org.D));
      expect(stored.abstainWeight).to.equal(weightOf(c, Org.C));
    });

    it("is open from voteStart to voteEnd, both included", async () => {
      const s = await loadFixture(openFixture);
      const { penalty, c } = s;
      await nextTxAt(s, c.voteStart - 1n);
      await expect(penalty.connect(s.bob).castVote(c.caseId, Expel))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnexpectedState")
        .withArgs(c.caseId, CaseState.Pending, CaseState.Active);
      await nextTxAt(s, c.voteStart);
      expect(await blockOf(await penalty.connect(s.bob).castVote(c.caseId, Expel))).to.equal(c.voteStart);
      await nextTxAt(s, c.voteEnd);
      expect(await blockOf(await penalty.connect(s.carol).castVote(c.caseId, Expel))).to.equal(c.voteEnd);
      // B and C reach the quorum with an expel share of 1: the case Succeeded as the next block starts.
      expect(weightOf(c, Org.B) + weightOf(c, Org.C)).to.be.greaterThanOrEqual(c.quorum);
      await expect(penalty.connect(s.dave).castVote(c.caseId, Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnexpectedState")
        .withArgs(c.caseId, CaseState.Succeeded, CaseState.Active);
    });

    it("accepts one member account per organization, any of them", async () => {
      const s = await loadFixture(activeFixture);
      await expect(s.penalty.connect(s.carol2).castVote(s.c.caseId, Abstain))
        .to.emit(s.penalty, "VoteCast")
        .withArgs(s.c.caseId, Org.C, s.carol2.address, Abstain, weightOf(s.c, Org.C));
      expect(await s.penalty.hasVoted(s.c.caseId, Org.C)).to.equal(true);
    });

    it("weighs trust at the snapshot: trust moved after the flag changes nothing", async () => {
      const s = await loadFixture(openFixture);
      const { penalty, ledger, c } = s;
      // After the flag, the platform rates B up and C down (integrity above the flag threshold).
      await ledger.connect(s.assessor).rate(platformRating(Org.B, "up", ONE, ONE));
      await ledger.connect(s.assessor).rate(platformRating(Org.C, "down", toFixed("0.35"), toFixed("0.35")));
      await reach(s, c.voteStart);
      const [up, down] = [weightOf(c, Org.B), weightOf(c, Org.C)];
      expect(await ledger.trustOf(Org.B)).to.be.greaterThan(up);
      expect(await ledger.trustOf(Org.C)).to.be.lessThan(down);

      await expect(penalty.connect(s.bob).castVote(c.caseId, Expel))
        .to.emit(penalty, "VoteCast")
        .withArgs(c.caseId, Org.B, s.bob.address, Expel, up);
      await expect(penalty.connect(s.carol).castVote(c.caseId, Keep))
        .to.emit(penalty, "VoteCast")
        .withArgs(c.caseId, Org.C, s.carol.address, Keep, down);
      const stored = await penalty.getCase(c.caseId);
      expect([stored.expelWeight, stored.keepWeight]).to.deep.equal([up, down]);
    });

    it("bars the reporter from its own case only: it votes on others, weighed after its bond", async () => {
      const s = await loadFixture(openFixture);
      const { penalty, ledger, c } = s;
      // B flags D (case 2) after A's bond was locked: A's weight there is its trust net of the bond.
      const other = await openCase(s, s.bob, Org.D, "other");
      const weight = weightOf(other, Org.A);
      expect(weight).to.equal(await ledger.trustAt(Org.A, other.snapshot));
      expect(weight).to.be.lessThan(weightOf(c, Org.A));
      await reach(s, other.voteStart);
      await expect(penalty.connect(s.alice).castVote(other.caseId, Expel))
        .to.emit(penalty, "VoteCast")
        .withArgs(other.caseId, Org.A, s.alice.address, Expel, weight);
      // B, the reporter of case 2, votes on case 1; A still cannot.
      await expect(penalty.connect(s.bob).castVote(c.caseId, Keep))
        .to.emit(penalty, "VoteCast")
        .withArgs(c.caseId, Org.B, s.bob.address, Keep, weightOf(c, Org.B));
      await expect(penalty.connect(s.alice).castVote(c.caseId, Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterCannotVote")
        .withArgs(c.caseId, Org.A);
      await expect(penalty.connect(s.bob2).castVote(other.caseId, Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterCannotVote")
        .withArgs(other.caseId, Org.B);
    });

    it("lets every organization but the accused vote on a platform case", async () => {
      const f = await loadFixture(platformCaseFixture);
      const { penalty, c } = f;
      await nextTxAt(f, c.voteStart);
      const votes: [HardhatEthersSigner, number, bigint][] = [
        [f.alice, Expel, Org.A],
        [f.bob2, Expel, Org.B],
        [f.carol, Keep, Org.C],
        [f.dave, Abstain, Org.D],
        [f.frank, Expel, Org.F],
      ];
      for (const [voter, support, orgId] of votes) {
        await expect(penalty.connect(voter).castVote(c.caseId, support))
          .to.emit(penalty, "VoteCast")
          .withArgs(c.caseId, orgId, voter.address, support, weightOf(c, orgId));
        expect(await penalty.hasVoted(c.caseId, orgId)).to.equal(true);
      }
      await expect(penalty.connect(f.mallory).castVote(c.caseId, Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAccusedCannotVote")
        .withArgs(c.caseId, Org.M);
      const stored = await penalty.getCase(c.caseId);
      expect(stored.expelWeight).to.equal(weightOf(c, Org.A) + weightOf(c, Org.B) + weightOf(c, Org.F));
      expect(stored.keepWeight).to.equal(weightOf(c, Org.C));
      expect(stored.abstainWeight).to.equal(weightOf(c, Org.D));
    });

    describe("reverts", () => {
      it("when the case is unknown", async () => {
        const s = await loadFixture(activeFixture);
        await expect(s.penalty.connect(s.bob).castVote(UNKNOWN_CASE, Expel))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnknownCase")
          .withArgs(UNKNOWN_CASE);
      });

      it("when voting has not started (Pending)", async () => {
        const s = await loadFixture(openFixture);
        await expect(s.penalty.connect(s.bob).castVote(s.c.caseId, Expel))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Pending, CaseState.Active);
      });

      it("when voting has ended", async () => {
        const succeeded = await loadFixture(succeededFixture);
        await expect(succeeded.penalty.connect(succeeded.frank).castVote(succeeded.c.caseId, Keep))
          .to.be.revertedWithCustomError(succeeded.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(succeeded.c.caseId, CaseState.Succeeded, CaseState.Active);
        const defeated = await loadFixture(misuseFixture);
        await expect(defeated.penalty.connect(defeated.frank).castVote(defeated.c.caseId, Expel))
          .to.be.revertedWithCustomError(defeated.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(defeated.c.caseId, CaseState.Defeated, CaseState.Active);
      });

      it("when the case is resolved", async () => {
        const s = await loadFixture(expelledFixture);
        await expect(s.penalty.connect(s.frank).castVote(s.c.caseId, Keep))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Executed, CaseState.Active);
      });

      it("when the vote type is not Keep, Expel or Abstain", async () => {
        const s = await loadFixture(activeFixture);
        for (const support of [3, 255]) {
          await expect(s.penalty.connect(s.bob).castVote(s.c.caseId, support))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidVoteType")
            .withArgs(support);
        }
      });

      it("when the caller is not a member account of an Active organization", async () => {
        const s = await loadFixture(activeFixture);
        for (const account of [s.outsider, s.pat, s.ratifier]) {
          await expect(s.penalty.connect(account).castVote(s.c.caseId, Keep))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesNotActiveMember")
            .withArgs(account.address);
        }
      });

      it("when the accused organization votes", async () => {
        const s = await loadFixture(activeFixture);
        for (const account of [s.mallory, s.mallory2]) {
          await expect(s.penalty.connect(account).castVote(s.c.caseId, Keep))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAccusedCannotVote")
            .withArgs(s.c.caseId, Org.M);
        }
      });

      it("when the reporter organization votes, through any of its accounts", async () => {
        const s = await loadFixture(activeFixture);
        for (const account of [s.alice, s.alice2]) {
          for (const support of [Keep, Expel, Abstain]) {
            await expect(s.penalty.connect(account).castVote(s.c.caseId, support))
              .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesReporterCannotVote")
              .withArgs(s.c.caseId, Org.A);
          }
        }
        expect(await s.penalty.hasVoted(s.c.caseId, Org.A)).to.equal(false);
        // The vote type is checked first.
        await expect(s.penalty.connect(s.alice).castVote(s.c.caseId, 3))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidVoteType")
          .withArgs(3);
      });

      it("when another account of the same organization already voted", async () => {
        const s = await loadFixture(activeFixture);
        await s.penalty.connect(s.bob).castVote(s.c.caseId, Expel);
        for (const [account, support] of [
          [s.bob2, Keep],
          [s.bob, Expel],
        ] as const) {
          await expect(s.penalty.connect(account).castVote(s.c.caseId, support))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAlreadyVoted")
            .withArgs(s.c.caseId, Org.B);
        }
        expect((await s.penalty.getCase(s.c.caseId)).keepWeight).to.equal(0n);
      });

      it("when the organization had no trust at the snapshot (activated after the flag)", async () => {
        const s = await loadFixture(openFixture);
        await s.registry.connect(s.assessor).activate(Org.P, Level.High, Level.High);
        await nextTxAt(s, s.c.voteStart);
        expect(await s.ledger.trustOf(Org.P)).to.be.greaterThan(0n);
        expect(await s.ledger.trustAt(Org.P, s.c.snapshot)).to.equal(0n);
        await expect(s.penalty.connect(s.pat).castVote(s.c.caseId, Expel))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesNoWeight")
          .withArgs(s.c.caseId, Org.P);
      });
    });
  });

  describe("castVoteBySig", () => {
    it("counts a relayed vote: the relayer pays, the voter needs no funds", async () => {
      const s = await loadFixture(activeFixture);
      const { penalty, c } = s;
      await setBalance(s.bob2.address, 0n);
      const ballot = await ballotFor(s, s.bob2.address, Expel);
      expect(ballot.nonce).to.equal(0n);
      const signature = await signBallot(s.bob2, penalty, await chainId(), ballot);
      const relayerBalance = await ethers.provider.getBalance(s.relayer);

      await mine(1); // views run on the latest block: a voting block for the static call
      expect(
        await penalty.connect(s.relayer).castVoteBySig.staticCall(c.caseId, Expel, s.bob2, ballot.deadline, signature),
      ).to.equal(weightOf(c, Org.B));
      const tx = await penalty.connect(s.relayer).castVoteBySig(c.caseId, Expel, s.bob2, ballot.deadline, signature);
      const receipt = await tx.wait();

      await expect(tx)
        .to.emit(penalty, "VoteCast")
        .withArgs(c.caseId, Org.B, s.bob2.address, Expel, weightOf(c, Org.B));
      expect(await penalty.nonces(s.bob2)).to.equal(1n);
      expect(await penalty.hasVoted(c.caseId, Org.B)).to.equal(true);
      expect(await ethers.provider.getBalance(s.bob2)).to.equal(0n);
      const fee = receipt!.gasUsed * receipt!.gasPrice;
      expect(fee).to.be.greaterThan(0n);
      expect(await ethers.provider.getBalance(s.relayer)).to.equal(relayerBalance - fee);
    });

    it("accepts a deadline equal to the block's timestamp", async () => {
      const s = await loadFixture(activeFixture);
      const ballot = await ballotFor(s, s.bob.address, Keep);
      const signature = await signBallot(s.bob, s.penalty, await chainId(), ballot);
      await time.setNextBlockTimestamp(ballot.deadline);
      await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, s.bob, ballot.deadline, signature))
        .to.emit(s.penalty, "VoteCast")
        .withArgs(s.c.caseId, Org.B, s.bob.address, Keep, weightOf(s.c, Org.B));
    });

    it("accepts an ERC-1271 contract wallet's approval", async () => {
      const s = await loadFixture(activeFixture);
      const wallet = await new ERC1271WalletMock__factory(s.dave).deploy(s.dave.address);
      const walletAddress = await wallet.getAddress();
      await s.registry.connect(s.dave).addMember(Org.D, walletAddress);
      const ballot = await ballotFor(s, walletAddress, Keep);
      // The wallet's owner signs the ballot whose voter is the wallet.
      const signature = await signBallot(s.dave, s.penalty, await chainId(), ballot);

      await expect(
        s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, walletAddress, ballot.deadline, signature),
      )
        .to.emit(s.penalty, "VoteCast")
        .withArgs(s.c.caseId, Org.D, walletAddress, Keep, weightOf(s.c, Org.D));
      expect(await s.penalty.nonces(walletAddress)).to.equal(1n);
      expect((await s.penalty.getCase(s.c.caseId)).keepWeight).to.equal(weightOf(s.c, Org.D));
    });

    describe("reverts", () => {
      it("when the same signature is replayed (the nonce moved on)", async () => {
        const s = await loadFixture(activeFixture);
        const ballot = await ballotFor(s, s.bob2.address, Expel);
        const signature = await signBallot(s.bob2, s.penalty, await chainId(), ballot);
        await s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Expel, s.bob2, ballot.deadline, signature);
        await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Expel, s.bob2, ballot.deadline, signature))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
          .withArgs(s.bob2.address);
        expect(await s.penalty.nonces(s.bob2)).to.equal(1n);
      });

      it("when the deadline has passed", async () => {
        const s = await loadFixture(activeFixture);
        const ballot = { ...(await ballotFor(s, s.bob.address, Keep)), deadline: BigInt(await time.latest()) };
        const signature = await signBallot(s.bob, s.penalty, await chainId(), ballot);
        await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, s.bob, ballot.deadline, signature))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesExpiredSignature")
          .withArgs(ballot.deadline);
      });

      it("when another account signed", async () => {
        const s = await loadFixture(activeFixture);
        const ballot = await ballotFor(s, s.bob.address, Keep);
        for (const signer of [s.bob2, s.carol, s.outsider]) {
          const signature = await signBallot(signer, s.penalty, await chainId(), ballot);
          await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, s.bob, ballot.deadline, signature))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
            .withArgs(s.bob.address);
        }
      });

      it("when the signed ballot differs from the one submitted", async () => {
        const s = await loadFixture(activeFixture);
        const ballot = await ballotFor(s, s.bob.address, Expel);
        const chain = await chainId();
        const submit = async (
          signed: Ballot,
          caseId = ballot.caseId,
          support = ballot.support,
          deadline = ballot.deadline,
        ) => {
          const signature = await signBallot(s.bob, s.penalty, chain, signed);
          await expect(s.penalty.connect(s.relayer).castVoteBySig(caseId, support, s.bob, deadline, signature))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
            .withArgs(s.bob.address);
        };
        await submit({ ...ballot, caseId: 2n }); // signed for another case
        await submit(ballot, 2n); // submitted for another case
        await submit(ballot, ballot.caseId, Keep); // another support value
        await submit(ballot, ballot.caseId, ballot.support, ballot.deadline + 1n); // another deadline
        await submit({ ...ballot, nonce: 1n }); // a future nonce
        await submit({ ...ballot, voter: s.bob2.address }); // signed as another voter
        // Signed for another domain: another chain or another verifying contract.
        const otherChain = await s.bob.signTypedData(await ballotDomain(s.penalty, chain + 1n), ballotTypes, ballot);
        const otherContract = await s.bob.signTypedData(
          { ...(await ballotDomain(s.penalty, chain)), verifyingContract: await s.registry.getAddress() },
          ballotTypes,
          ballot,
        );
        for (const signature of [otherChain, otherContract]) {
          await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Expel, s.bob, ballot.deadline, signature))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
            .withArgs(s.bob.address);
        }
        expect(await s.penalty.hasVoted(s.c.caseId, Org.B)).to.equal(false);
      });

      it("when the signature is malformed", async () => {
        const s = await loadFixture(activeFixture);
        const ballot = await ballotFor(s, s.bob.address, Keep);
        const signature = await signBallot(s.bob, s.penalty, await chainId(), ballot);
        for (const malformed of ["0x", dataSlice(signature, 0, 64), signature + "00"]) {
          await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, s.bob, ballot.deadline, malformed))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
            .withArgs(s.bob.address);
        }
      });

      it("when an ERC-1271 wallet does not approve the signature", async () => {
        const s = await loadFixture(activeFixture);
        const wallet = await new ERC1271WalletMock__factory(s.dave).deploy(s.dave.address);
        const walletAddress = await wallet.getAddress();
        await s.registry.connect(s.dave).addMember(Org.D, walletAddress);
        const ballot = await ballotFor(s, walletAddress, Keep);
        const signature = await signBallot(s.dave2, s.penalty, await chainId(), ballot);
        await expect(
          s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, walletAddress, ballot.deadline, signature),
        )
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
          .withArgs(walletAddress);
      });

      it("when the voter is a contract that is not an ERC-1271 wallet", async () => {
        const s = await loadFixture(activeFixture);
        const ledgerAddress = await s.ledger.getAddress();
        const ballot = await ballotFor(s, ledgerAddress, Keep);
        const signature = await signBallot(s.bob, s.penalty, await chainId(), ballot);
        await expect(
          s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Keep, ledgerAddress, ballot.deadline, signature),
        )
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesInvalidSignature")
          .withArgs(ledgerAddress);
      });

      it("when a valid ballot cannot be counted", async () => {
        const s = await loadFixture(openFixture);
        const relay = async (voter: HardhatEthersSigner) => {
          const ballot = await ballotFor(s, voter.address, Expel);
          const signature = await signBallot(voter, s.penalty, await chainId(), ballot);
          return s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Expel, voter, ballot.deadline, signature);
        };
        await expect(relay(s.bob2))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Pending, CaseState.Active);
        await nextTxAt(s, s.c.voteStart);
        await expect(relay(s.outsider))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesNotActiveMember")
          .withArgs(s.outsider.address);
        await expect(relay(s.mallory2))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAccusedCannotVote")
          .withArgs(s.c.caseId, Org.M);
        await expect(relay(s.alice2))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesReporterCannotVote")
          .withArgs(s.c.caseId, Org.A);
        await s.penalty.connect(s.bob).castVote(s.c.caseId, Keep);
        await expect(relay(s.bob2))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAlreadyVoted")
          .withArgs(s.c.caseId, Org.B);
        // A reverted ballot does not use the nonce.
        expect(await s.penalty.nonces(s.bob2)).to.equal(0n);
        expect(await s.penalty.nonces(s.alice2)).to.equal(0n);
      });

      it("when the reporter organization signs, with any of its accounts or its contract wallet", async () => {
        const s = await loadFixture(activeFixture);
        const wallet = await new ERC1271WalletMock__factory(s.alice).deploy(s.alice.address);
        const walletAddress = await wallet.getAddress();
        await s.registry.connect(s.alice).addMember(Org.A, walletAddress);
        const chain = await chainId();
        for (const [voter, signer] of [
          [s.alice.address, s.alice],
          [s.alice2.address, s.alice2],
          [walletAddress, s.alice],
        ] as const) {
          const ballot = await ballotFor(s, voter, Expel);
          const signature = await signBallot(signer, s.penalty, chain, ballot);
          await expect(s.penalty.connect(s.relayer).castVoteBySig(s.c.caseId, Expel, voter, ballot.deadline, signature))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesReporterCannotVote")
            .withArgs(s.c.caseId, Org.A);
          expect(await s.penalty.nonces(voter)).to.equal(0n);
        }
        expect(await s.penalty.hasVoted(s.c.caseId, Org.A)).to.equal(false);
      });
    });
  });

  describe("state", () => {
    it("follows a case: Pending, Active (voteStart to voteEnd), the vote's outcome, the resolution", async () => {
      const s = await loadFixture(openFixture);
      const { penalty, c } = s;
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Pending);
      await viewAt(s, c.voteStart - 1n);
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Pending);
      await viewAt(s, c.voteStart);
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Active);
      await castVotes(s, c, [
        [s.bob, Expel],
        [s.carol, Expel],
      ]);
      await viewAt(s, c.voteEnd);
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Active);
      await viewAt(s, c.voteEnd + 1n);
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Succeeded);
      await penalty.connect(s.ratifier).ratify(c.caseId, true, REASON);
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Executed);
    });

    it("is None for an unknown case", async () => {
      const s = await loadFixture(openFixture);
      expect(await s.penalty.state(0n)).to.equal(CaseState.None);
      expect(await s.penalty.state(UNKNOWN_CASE)).to.equal(CaseState.None);
    });
  });

  describe("finalize", () => {
    async function expectOutcome(s: Scenario, outcome: number) {
      const stored = await s.penalty.getCase(s.c.caseId);
      expect(await s.penalty.state(s.c.caseId)).to.equal(outcome);
      await expect(s.penalty.connect(s.outsider).finalize(s.c.caseId))
        .to.emit(s.penalty, "CaseFinalized")
        .withArgs(s.c.caseId, outcome, stored.expelWeight, stored.keepWeight, stored.abstainWeight, s.c.quorum);
      const after = await s.penalty.getCase(s.c.caseId);
      expect(after.finalized).to.equal(true);
      expect(after.resolution).to.equal(CaseState.None);
      expect(await s.penalty.state(s.c.caseId)).to.equal(outcome);
    }

    it("records a succeeded vote, whoever calls", async () => {
      const s = await loadFixture(succeededFixture);
      const stored = await s.penalty.getCase(s.c.caseId);
      expect(stored.expelWeight).to.equal(weightOf(s.c, Org.B) + weightOf(s.c, Org.C) + weightOf(s.c, Org.D));
      await expectOutcome(s, CaseState.Succeeded);
    });

    it("records a vote defeated under the expel threshold", async () => {
      const s = await loadFixture(backedFlagFixture);
      const { expelWeight, keepWeight } = await s.penalty.getCase(s.c.caseId);
      expect(expelWeight + keepWeight).to.be.greaterThanOrEqual(s.c.quorum);
      expect(mulDiv(expelWeight, ONE, expelWeight + keepWeight)).to.be.lessThan(s.c.expelThreshold);
      await expectOutcome(s, CaseState.Defeated);
    });

    it("records a vote under the quorum as Defeated, whatever its expel share", async () => {
      const s = await loadFixture(noQuorumFixture);
      expect(weightOf(s.c, Org.D)).to.be.lessThan(s.c.quorum);
      expect((await s.penalty.getCase(s.c.caseId)).keepWeight).to.equal(0n);
      await expectOutcome(s, CaseState.Defeated);
    });

    it("counts abstentions toward the quorum, not toward the expel share", async () => {
      const s = await loadFixture(abstainQuorumFixture);
      const [d, b, c] = [weightOf(s.c, Org.D), weightOf(s.c, Org.B), weightOf(s.c, Org.C)];
      expect(d).to.be.lessThan(s.c.quorum);
      expect(d + b + c).to.be.greaterThanOrEqual(s.c.quorum);
      await expectOutcome(s, CaseState.Succeeded);
    });

    it("records a vote in which nobody decided (all abstained, or nobody voted) as Defeated", async () => {
      const abstained = await loadFixture(allAbstainFixture);
      expect((await abstained.penalty.getCase(1n)).abstainWeight).to.be.greaterThanOrEqual(abstained.c.quorum);
      await expectOutcome(abstained, CaseState.Defeated);
      await expectOutcome(await loadFixture(noVoteFixture), CaseState.Defeated);
    });

    describe("thresholds", () => {
      it("succeeds when the expel share equals the expel threshold, not one wei under", async () => {
        const share = (w: Pick<Weights, "e" | "k">) => mulDiv(w.e, ONE, w.e + w.k);
        const at = await voteWith((w) => ({ expelThreshold: share(w) }));
        expect(at.c.expelThreshold).to.equal(share({ e: weightOf(at.c, Org.C), k: weightOf(at.c, Org.D) }));
        expect(await at.penalty.state(1n)).to.equal(CaseState.Succeeded);
        const above = await voteWith((w) => ({ expelThreshold: share(w) + 1n }));
        expect(await above.penalty.state(1n)).to.equal(CaseState.Defeated);
      });

      it("succeeds when the cast weight reaches the quorum, not when the quorum is one wei more", async () => {
        // C (Expel) has more than half of C + D: with an expel threshold of 1/2 only the quorum decides.
        const expelThreshold = toFixed("0.5");
        const at = await voteWith((w) => ({ quorumShare: exceedingQuorumShare(w) - 1n, expelThreshold }));
        const cast = weightOf(at.c, Org.C) + weightOf(at.c, Org.D);
        expect(at.c.quorum).to.be.lessThanOrEqual(cast);
        expect((await at.penalty.getCase(1n)).quorum).to.equal(at.c.quorum);
        expect(await at.penalty.state(1n)).to.equal(CaseState.Succeeded);
        expect(weightOf(at.c, Org.C)).to.be.greaterThan(weightOf(at.c, Org.D));
        const above = await voteWith((w) => ({ quorumShare: exceedingQuorumShare(w), expelThreshold }));
        expect(above.c.quorum).to.be.greaterThan(cast);
        expect((await above.penalty.getCase(1n)).quorum).to.equal(above.c.quorum);
        expect(await above.penalty.state(1n)).to.equal(CaseState.Defeated);
      });
    });

    describe("reverts", () => {
      it("when the case is unknown", async () => {
        const s = await loadFixture(succeededFixture);
        await expect(s.penalty.finalize(UNKNOWN_CASE))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnknownCase")
          .withArgs(UNKNOWN_CASE);
      });

      it("when voting has not ended", async () => {
        const s = await loadFixture(openFixture);
        await expect(s.penalty.finalize(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Pending, CaseState.Succeeded);
        await nextTxAt(s, s.c.voteEnd);
        await expect(s.penalty.finalize(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Active, CaseState.Succeeded);
      });

      it("when the outcome was already recorded", async () => {
        const s = await loadFixture(succeededFixture);
        await s.penalty.finalize(s.c.caseId);
        await expect(s.penalty.connect(s.outsider).finalize(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAlreadyFinalized")
          .withArgs(s.c.caseId);
      });

      it("when the case is resolved (resolving records the outcome)", async () => {
        const s = await loadFixture(expelledFixture);
        await expect(s.penalty.finalize(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesAlreadyFinalized")
          .withArgs(s.c.caseId);
      });
    });
  });

  describe("ratify", () => {
    describe("when the ratifier confirms a succeeded vote", () => {
      shouldBehaveLikeExpulsion(() => loadFixture(succeededFixture), ratifyAs(true));
    });

    describe("when the ratifier overturns a succeeded vote", () => {
      shouldBehaveLikeDismissal(() => loadFixture(succeededFixture), ratifyAs(false), "backed");
    });

    describe("when the ratifier confirms a defeated vote with a low expel share (misuse)", () => {
      shouldBehaveLikeDismissal(() => loadFixture(misuseFixture), ratifyAs(false), "misuse");
    });

    describe("when the ratifier confirms a defeated vote the community partly backed", () => {
      shouldBehaveLikeDismissal(() => loadFixture(backedFlagFixture), ratifyAs(false), "backed");
    });

    describe("when the ratifier confirms a vote defeated for want of quorum, with a low expel share", () => {
      shouldBehaveLikeDismissal(() => loadFixture(thinKeepFixture), ratifyAs(false), "noQuorum");
    });

    describe("when the ratifier overturns a defeated vote", () => {
      shouldBehaveLikeExpulsion(() => loadFixture(backedFlagFixture), ratifyAs(true));
    });

    it("records the outcome and emits CaseRatified with whether it confirms or overturns the vote", async () => {
      for (const [fixture, outcome] of [
        [succeededFixture, CaseState.Succeeded],
        [backedFlagFixture, CaseState.Defeated],
      ] as const) {
        for (const expel of [true, false]) {
          const s = await loadFixture(fixture);
          const stored = await s.penalty.getCase(s.c.caseId);
          const tx = await s.penalty.connect(s.ratifier).ratify(s.c.caseId, expel, REASON);
          const overturned = expel !== (outcome === CaseState.Succeeded);
          await expect(tx)
            .to.emit(s.penalty, "CaseFinalized")
            .withArgs(s.c.caseId, outcome, stored.expelWeight, stored.keepWeight, stored.abstainWeight, s.c.quorum);
          await expect(tx)
            .to.emit(s.penalty, "CaseRatified")
            .withArgs(s.c.caseId, s.ratifier.address, expel, overturned, REASON);
          await expect(tx).to.emit(s.penalty, "CaseResolved").withArgs(s.c.caseId, Org.M, expel, true);
          expect(await s.penalty.state(s.c.caseId)).to.equal(expel ? CaseState.Executed : CaseState.Dismissed);
        }
      }
    });

    it("does not record the outcome again after finalize", async () => {
      const s = await loadFixture(succeededFixture);
      await s.penalty.finalize(s.c.caseId);
      const tx = await s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON);
      await expect(tx).not.to.emit(s.penalty, "CaseFinalized");
      await expect(tx).to.emit(s.penalty, "CaseRatified");
    });

    it("decides until the ratification deadline, included", async () => {
      const s = await loadFixture(succeededFixture);
      await nextTxAt(s, s.c.deadline);
      const tx = await s.penalty.connect(s.ratifier).ratify(s.c.caseId, false, REASON);
      expect(await blockOf(tx)).to.equal(s.c.deadline);
      expect(await s.penalty.state(s.c.caseId)).to.equal(CaseState.Dismissed);
    });

    describe("reverts", () => {
      it("when the caller is not the ratifier", async () => {
        const s = await loadFixture(succeededFixture);
        for (const account of [s.governance, s.assessor, s.alice, s.outsider]) {
          await expect(s.penalty.connect(account).ratify(s.c.caseId, true, REASON))
            .to.be.revertedWithCustomError(s.penalty, "AccessManagedUnauthorized")
            .withArgs(account.address);
        }
      });

      it("when the case is unknown", async () => {
        const s = await loadFixture(succeededFixture);
        await expect(s.penalty.connect(s.ratifier).ratify(UNKNOWN_CASE, true, REASON))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnknownCase")
          .withArgs(UNKNOWN_CASE);
      });

      it("when voting has not ended", async () => {
        const s = await loadFixture(openFixture);
        await expect(s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Pending, CaseState.Succeeded);
        await nextTxAt(s, s.c.voteEnd);
        await expect(s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Active, CaseState.Succeeded);
      });

      it("when the ratification deadline has passed", async () => {
        const s = await loadFixture(succeededFixture);
        await nextTxAt(s, s.c.deadline + 1n);
        await expect(s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesRatificationClosed")
          .withArgs(s.c.caseId, s.c.deadline);
      });

      it("when the case is resolved", async () => {
        const s = await loadFixture(expelledFixture);
        await expect(s.penalty.connect(s.ratifier).ratify(s.c.caseId, false, REASON))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Executed, CaseState.Succeeded);
        const dismissed = await loadFixture(misuseFixture);
        await dismissed.penalty.connect(dismissed.ratifier).ratify(dismissed.c.caseId, false, REASON);
        await expect(dismissed.penalty.connect(dismissed.ratifier).ratify(dismissed.c.caseId, true, REASON))
          .to.be.revertedWithCustomError(dismissed.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(dismissed.c.caseId, CaseState.Dismissed, CaseState.Succeeded);
      });
    });
  });

  describe("execute", () => {
    describe("when the ratifier stayed silent on a succeeded vote", () => {
      shouldBehaveLikeExpulsion(() => loadFixture(succeededFixture), executeAfterDeadline);
    });

    describe("when the ratifier stayed silent on a defeated vote with a low expel share (misuse)", () => {
      shouldBehaveLikeDismissal(() => loadFixture(misuseFixture), executeAfterDeadline, "misuse");
    });

    describe("when the ratifier stayed silent on a defeated vote the community partly backed", () => {
      shouldBehaveLikeDismissal(() => loadFixture(backedFlagFixture), executeAfterDeadline, "backed");
    });

    describe("when the ratifier stayed silent on a case nobody voted on", () => {
      shouldBehaveLikeDismissal(() => loadFixture(noVoteFixture), executeAfterDeadline, "noQuorum");
    });

    it("releases the bond and counts no misuse when the quorum was met by abstentions alone", async () => {
      const s = await loadFixture(allAbstainFixture);
      const stored = await s.penalty.getCase(s.c.caseId);
      expect(stored.expelWeight + stored.keepWeight).to.equal(0n);
      expect(stored.abstainWeight).to.be.greaterThanOrEqual(stored.quorum);
      expect(s.c.bond).to.be.greaterThan(0n);
      const tx = await executeAfterDeadline.resolve(s);
      await expect(tx).to.emit(s.penalty, "BondReleased").withArgs(s.c.caseId, s.c.reporterId, s.c.bond);
      await expect(tx).to.not.emit(s.penalty, "BondForfeited");
      await expect(tx).to.not.emit(s.penalty, "ReporterMisuseRecorded");
      expect((await s.penalty.reporterRecord(s.c.reporterId)).misuses).to.equal(0n);
    });

    it("records the outcome on the way, without CaseRatified", async () => {
      const s = await loadFixture(succeededFixture);
      const stored = await s.penalty.getCase(s.c.caseId);
      const tx = await executeAfterDeadline.resolve(s);
      await expect(tx)
        .to.emit(s.penalty, "CaseFinalized")
        .withArgs(s.c.caseId, CaseState.Succeeded, stored.expelWeight, 0n, 0n, s.c.quorum);
      await expect(tx).not.to.emit(s.penalty, "CaseRatified");
      expect((await s.penalty.getCase(s.c.caseId)).ratified).to.equal(false);
    });

    it("does not record the outcome again after finalize", async () => {
      const s = await loadFixture(misuseFixture);
      await s.penalty.finalize(s.c.caseId);
      const tx = await executeAfterDeadline.resolve(s);
      await expect(tx).not.to.emit(s.penalty, "CaseFinalized");
      await expect(tx).to.emit(s.penalty, "CaseResolved").withArgs(s.c.caseId, Org.M, false, false);
    });

    it("resolves a platform case: no bond to release, no reporter to investigate", async () => {
      const dismissed = await loadFixture(platformCaseFixture);
      await viewAt(dismissed, dismissed.c.voteEnd + 1n);
      const tx = await executeAfterDeadline.resolve(dismissed);
      await expect(tx).to.emit(dismissed.penalty, "CaseResolved").withArgs(1n, Org.M, false, false);
      await expect(tx).not.to.emit(dismissed.penalty, "BondForfeited");
      await expect(tx).not.to.emit(dismissed.penalty, "ReporterMisuseRecorded");
      await expect(tx).not.to.emit(dismissed.penalty, "BondReleased");
      expect(await recordOf(dismissed, 0n)).to.deep.equal([0n, 0n, 0n]);

      const expelled = await loadFixture(platformCaseFixture);
      await nextTxAt(expelled, expelled.c.voteStart);
      await castVotes(expelled, expelled.c, [
        [expelled.alice, Expel],
        [expelled.bob, Expel],
      ]);
      const executed = await executeAfterDeadline.resolve(expelled);
      await expect(executed).to.emit(expelled.registry, "OrganizationExpelled").withArgs(Org.M, caseHash(1n));
      await expect(executed).not.to.emit(expelled.penalty, "BondReleased");
      expect(await expelled.registry.statusOf(Org.M)).to.equal(Status.Expelled);
    });

    describe("reverts", () => {
      it("when the case is unknown", async () => {
        const s = await loadFixture(succeededFixture);
        await expect(s.penalty.execute(UNKNOWN_CASE))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnknownCase")
          .withArgs(UNKNOWN_CASE);
      });

      it("when voting has not ended", async () => {
        const s = await loadFixture(openFixture);
        await expect(s.penalty.execute(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Pending, CaseState.Succeeded);
        await nextTxAt(s, s.c.voteEnd);
        await expect(s.penalty.execute(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Active, CaseState.Succeeded);
      });

      it("when the ratification window is open, its deadline included", async () => {
        const s = await loadFixture(succeededFixture);
        for (const block of [s.c.voteEnd + 2n, s.c.deadline]) {
          await nextTxAt(s, block);
          await expect(s.penalty.connect(s.outsider).execute(s.c.caseId))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesRatificationOpen")
            .withArgs(s.c.caseId, s.c.deadline);
        }
      });

      it("when the case is resolved", async () => {
        const s = await loadFixture(succeededFixture);
        await executeAfterDeadline.resolve(s);
        await expect(s.penalty.execute(s.c.caseId))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Executed, CaseState.Succeeded);
        const ratified = await loadFixture(misuseFixture);
        await ratified.penalty.connect(ratified.ratifier).ratify(ratified.c.caseId, false, REASON);
        await nextTxAt(ratified, ratified.c.deadline + 1n);
        await expect(ratified.penalty.execute(ratified.c.caseId))
          .to.be.revertedWithCustomError(ratified.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(ratified.c.caseId, CaseState.Dismissed, CaseState.Succeeded);
      });
    });
  });

  describe("applyLiability", () => {
    it("takes liabilityShare of each recommender's trust, once each, whoever calls", async () => {
      const s = await loadFixture(expelledFixture);
      const { penalty, ledger, c } = s;
      expect([...(await s.registry.recommendersOf(Org.M))]).to.deep.equal([Org.A, Org.B]);
      for (const recommender of [Org.A, Org.B]) {
        const record = await trustRecord(ledger, recommender);
        const share = testPenaltyParameters.liabilityShare;
        // Views run on the latest block, the transaction on the next one.
        expect(await penalty.connect(s.outsider).applyLiability.staticCall(c.caseId, recommender)).to.equal(
          shareOf(trustAtBlock(record, await latestBlock()), share),
        );
        const tx = await penalty.connect(s.outsider).applyLiability(c.caseId, recommender);
        const trust = trustAtBlock(record, await blockOf(tx));
        const amount = shareOf(trust, share);
        expect(amount).to.be.greaterThan(0n);

        await expect(tx).to.emit(penalty, "LiabilityApplied").withArgs(c.caseId, recommender, amount);
        await expect(tx)
          .to.emit(ledger, "TrustChanged")
          .withArgs(recommender, trust, trust - amount, -amount, TrustChangeReason.Liability, caseHash(c.caseId));
        expect(await ledger.trustOf(recommender)).to.equal(trust - amount);
      }
    });

    it("applies at the last block of the liability window", async () => {
      const s = await loadFixture(lateCaseFixture);
      await nextTxAt(s, s.activatedAt + testPenaltyParameters.liabilityWindow);
      const resolved = await s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON);
      expect((await s.penalty.getCase(s.c.caseId)).resolvedAt).to.equal(await blockOf(resolved));
      await expect(s.penalty.applyLiability(s.c.caseId, Org.A)).to.emit(s.penalty, "LiabilityApplied");
    });

    it("takes the liability share in force at the expulsion, not at the flag", async () => {
      const s = await loadFixture(succeededFixture);
      const share = toFixed("0.2");
      await s.penalty.setParameters(penaltyParametersWith({ liabilityShare: share }));
      await s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON);
      const record = await trustRecord(s.ledger, Org.A);
      const tx = await s.penalty.applyLiability(s.c.caseId, Org.A);
      const amount = shareOf(trustAtBlock(record, await blockOf(tx)), share);
      await expect(tx).to.emit(s.penalty, "LiabilityApplied").withArgs(s.c.caseId, Org.A, amount);
    });

    it("keeps the terms fixed at the expulsion: a later setParameters changes neither share nor window", async () => {
      const s = await loadFixture(expelledFixture);
      // Twice the share, and a window that the expulsion would have missed.
      await s.penalty.setParameters(penaltyParametersWith({ liabilityShare: toFixed("0.2"), liabilityWindow: 0n }));
      for (const recommender of [Org.A, Org.B]) {
        const record = await trustRecord(s.ledger, recommender);
        const tx = await s.penalty.applyLiability(s.c.caseId, recommender);
        const trust = trustAtBlock(record, await blockOf(tx));
        const amount = shareOf(trust, testPenaltyParameters.liabilityShare);
        await expect(tx).to.emit(s.penalty, "LiabilityApplied").withArgs(s.c.caseId, recommender, amount);
        await expect(tx)
          .to.emit(s.ledger, "TrustChanged")
          .withArgs(recommender, trust, trust - amount, -amount, TrustChangeReason.Liability, caseHash(s.c.caseId));
      }
    });

    it("charges nothing to a recommender that is no longer Active, and counts it as applied", async () => {
      const s = await loadFixture(expelledReporterFixture);
      expect(await s.registry.statusOf(Org.B)).to.equal(Status.Expelled);
      await s.penalty.connect(s.ratifier).ratify(s.first.caseId, true, REASON);
      expect(await s.penalty.applyLiability.staticCall(s.first.caseId, Org.B)).to.equal(0n);
      const tx = await s.penalty.applyLiability(s.first.caseId, Org.B);
      await expect(tx).not.to.emit(s.penalty, "LiabilityApplied");
      await expect(tx).not.to.emit(s.ledger, "TrustChanged");
      await expect(s.penalty.applyLiability(s.first.caseId, Org.B))
        .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesLiabilityAlreadyApplied")
        .withArgs(s.first.caseId, Org.B);
      await expect(s.penalty.applyLiability(s.first.caseId, Org.A)).to.emit(s.penalty, "LiabilityApplied");
    });

    describe("reverts", () => {
      it("when the case is unknown", async () => {
        const s = await loadFixture(expelledFixture);
        await expect(s.penalty.applyLiability(UNKNOWN_CASE, Org.A))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnknownCase")
          .withArgs(UNKNOWN_CASE);
      });

      it("when the case is still open", async () => {
        const s = await loadFixture(succeededFixture);
        await expect(s.penalty.applyLiability(s.c.caseId, Org.A))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Succeeded, CaseState.Executed);
      });

      it("when the case was dismissed", async () => {
        const s = await loadFixture(succeededFixture);
        await s.penalty.connect(s.ratifier).ratify(s.c.caseId, false, REASON);
        await expect(s.penalty.applyLiability(s.c.caseId, Org.A))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesUnexpectedState")
          .withArgs(s.c.caseId, CaseState.Dismissed, CaseState.Executed);
      });

      it("when the recommender's liability was already applied", async () => {
        const s = await loadFixture(expelledFixture);
        await s.penalty.applyLiability(s.c.caseId, Org.A);
        await expect(s.penalty.connect(s.outsider).applyLiability(s.c.caseId, Org.A))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesLiabilityAlreadyApplied")
          .withArgs(s.c.caseId, Org.A);
      });

      it("when the organization did not recommend the expelled one", async () => {
        const s = await loadFixture(expelledFixture);
        for (const orgId of [Org.C, Org.D, Org.M, 0n, UNKNOWN_ORG]) {
          await expect(s.penalty.applyLiability(s.c.caseId, orgId))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesNotLiable")
            .withArgs(s.c.caseId, orgId);
        }
      });

      it("when the expulsion came after the liability window", async () => {
        const s = await loadFixture(lateCaseFixture);
        await nextTxAt(s, s.activatedAt + testPenaltyParameters.liabilityWindow + 1n);
        await s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON);
        for (const recommender of [Org.A, Org.B]) {
          await expect(s.penalty.applyLiability(s.c.caseId, recommender))
            .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesLiabilityWindowPassed")
            .withArgs(s.c.caseId, s.activatedAt);
        }
      });

      it("when the expulsion came after the window, even once governance widens it", async () => {
        const s = await loadFixture(lateCaseFixture);
        await nextTxAt(s, s.activatedAt + testPenaltyParameters.liabilityWindow + 1n);
        await s.penalty.connect(s.ratifier).ratify(s.c.caseId, true, REASON);
        await s.penalty.setParameters(penaltyParametersWith({ liabilityWindow: 1_000_000n }));
        await expect(s.penalty.applyLiability(s.c.caseId, Org.A))
          .to.be.revertedWithCustomError(s.penalty, "PenaltyCasesLiabilityWindowPassed")
          .withArgs(s.c.caseId, s.activatedAt);
      });
    });
  });

  describe("bond release", () => {
    it("reports in BondReleased the trust actually given back when the reporter's trust is capped", async () => {
      const s = await loadFixture(openFixture);
      const { ledger, penalty, c } = s;
      // While the case runs, 40 perfect platform ratings lift A to within less than its bond of 1e18.
      const ratings = Array.from({ length: 40 }, (_, i) => platformRating(Org.A, `good-${i}`, ONE, ONE));
      await ledger.connect(s.assessor).rateBatch(ratings);
      await reach(s, c.voteStart);
      await castVotes(s, c, [
        [s.bob, Expel],
        [s.carol, Expel],
        [s.dave, Expel],
      ]);
      await viewAt(s, c.voteEnd + 1n);
      const reporter = await trustRecord(ledger, Org.A);
      const tx = await penalty.connect(s.ratifier).ratify(c.caseId, true, REASON);
      const trust = trustAtBlock(reporter, await blockOf(tx));
      const credited = ONE - trust;
      expect(credited).to.be.lessThan(c.bond);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(Org.A, trust, ONE, credited, TrustChangeReason.BondReleased, caseHash(c.caseId));
      await expect(tx).to.emit(penalty, "BondReleased").withArgs(c.caseId, Org.A, credited);
      expect(await ledger.trustOf(Org.A)).to.equal(ONE);
    });
  });

  describe("misuse inquiry", () => {
    /** C keeps and D abstains (an expel share of 0), with the quorum just reached or just missed. */
    const keptWithQuorum = (exceeded: boolean) =>
      voteWith((w) => ({ quorumShare: exceedingQuorumShare(w) - (exceeded ? 0n : 1n) }), [Keep, Abstain]);

    it("finds no misuse when the expel share equals the misuse threshold, a misuse one wei over it", async () => {
      // C expels and D keeps: a share of about 0.53, under the default expel threshold (Defeated), with a quorum.
      const share = (w: Pick<Weights, "e" | "k">) => mulDiv(w.e, ONE, w.e + w.k);
      for (const over of [0n, 1n]) {
        const s = await voteWith((w) => ({ misuseThreshold: share(w) + over }));
        const { penalty, c } = s;
        expect(c.misuseThreshold).to.equal(share({ e: weightOf(c, Org.C), k: weightOf(c, Org.D) }) + over);
        expect(await penalty.state(c.caseId)).to.equal(CaseState.Defeated);
        const tx = await penalty.connect(s.ratifier).ratify(c.caseId, false, REASON);
        if (over === 0n) {
          await expect(tx).to.emit(penalty, "BondReleased").withArgs(c.caseId, Org.A, c.bond);
          await expect(tx).not.to.emit(penalty, "ReporterMisuseRecorded");
        } else {
          await expect(tx)
            .to.emit(penalty, "BondForfeited")
            .withArgs(c.caseId, Org.A, c.bond, c.misuseThreshold - 1n);
          await expect(tx).to.emit(penalty, "ReporterMisuseRecorded").withArgs(Org.A, 1n, 0n);
        }
      }
    });

    it("judges a vote whose cast weight, abstentions included, reaches the quorum: the bond is forfeited", async () => {
      const s = await keptWithQuorum(false);
      const { penalty, c } = s;
      const cast = weightOf(c, Org.C) + weightOf(c, Org.D);
      expect(c.quorum).to.be.lessThanOrEqual(cast);
      expect(weightOf(c, Org.C)).to.be.lessThan(c.quorum);
      const tx = await penalty.connect(s.ratifier).ratify(c.caseId, false, REASON);
      await expect(tx).to.emit(penalty, "BondForfeited").withArgs(c.caseId, Org.A, c.bond, 0n);
      await expect(tx).to.emit(penalty, "ReporterMisuseRecorded").withArgs(Org.A, 1n, 0n);
      await expect(tx).not.to.emit(penalty, "BondReleased");
      expect(await recordOf(s, Org.A)).to.deep.equal([1n, await blockOf(tx), 0n]);
    });

    it("does not judge a vote short of its quorum: the bond is released, no misuse counted", async () => {
      const s = await keptWithQuorum(true);
      const { ledger, penalty, c } = s;
      // One quorum-share step (a few wei of quorum) above the previous test's.
      expect(c.quorum).to.be.greaterThan(weightOf(c, Org.C) + weightOf(c, Org.D));
      const reporter = await trustRecord(ledger, Org.A);
      const tx = await penalty.connect(s.ratifier).ratify(c.caseId, false, REASON);
      const trust = trustAtBlock(reporter, await blockOf(tx));
      await expect(tx).to.emit(penalty, "BondReleased").withArgs(c.caseId, Org.A, c.bond);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(Org.A, trust, trust + c.bond, c.bond, TrustChangeReason.BondReleased, caseHash(c.caseId));
      await expect(tx).not.to.emit(penalty, "BondForfeited");
      await expect(tx).not.to.emit(penalty, "ReporterMisuseRecorded");
      expect(await recordOf(s, Org.A)).to.deep.equal([0n, 0n, 0n]);
    });

    it("never bars a reporter for flags the community left short of quorum", async () => {
      const f = await loadFixture(communityFixture);
      for (const label of ["first", "second", "third"]) {
        const c = await openCase(f, f.alice, Org.M, label);
        await nextTxAt(f, c.voteStart);
        await castVotes(f, c, [[f.bob, Keep]]);
        expect(weightOf(c, Org.B)).to.be.lessThan(c.quorum);
        await nextTxAt(f, c.voteEnd + 1n);
        const tx = await f.penalty.connect(f.ratifier).ratify(c.caseId, false, REASON);
        await expect(tx).to.emit(f.penalty, "BondReleased").withArgs(c.caseId, Org.A, c.bond);
        await expect(tx).not.to.emit(f.penalty, "ReporterMisuseRecorded");
      }
      expect(await recordOf(f, Org.A)).to.deep.equal([0n, 0n, 0n]);
      await expect(f.penalty.connect(f.alice).flag(Org.M, 1, evidence("x"))).to.emit(f.penalty, "CaseOpened");
    });
  });

  describe("expelled reporter", () => {
    it("gets no bond back when its case expels the accused", async () => {
      const s = await loadFixture(expelledReporterFixture);
      expect(s.first.bond).to.be.greaterThan(0n);
      const tx = await s.penalty.connect(s.ratifier).ratify(s.first.caseId, true, REASON);
      await expect(tx).to.emit(s.registry, "OrganizationExpelled").withArgs(Org.M, caseHash(s.first.caseId));
      await expect(tx).not.to.emit(s.penalty, "BondReleased");
      expect(await s.ledger.trustOf(Org.B)).to.equal(0n);
    });
  });

  describe("reporterRecord", () => {
    it("counts a first misuse and opens the misuse window", async () => {
      const f = await loadFixture(barredFixture);
      await expect(f.first.tx).to.emit(f.penalty, "ReporterMisuseRecorded").withArgs(Org.A, 1n, 0n);
      await expect(f.second.tx).to.emit(f.penalty, "ReporterMisuseRecorded").withArgs(Org.A, 2n, f.barredUntil);
      expect(await recordOf(f, Org.A)).to.deep.equal([2n, f.first.block, f.barredUntil]);
      expect(f.barredUntil).to.equal(f.second.block + testPenaltyParameters.barPeriod);
    });

    it("counts a misuse at the last block of the window", async () => {
      const f = await loadFixture(communityFixture);
      const first = await misuse(f, "first");
      const end = first.block + testPenaltyParameters.misuseWindow;
      const second = await misuse(f, "second", { flag: end - 30n, resolve: end });
      expect(second.block).to.equal(end);
      await expect(second.tx)
        .to.emit(f.penalty, "ReporterMisuseRecorded")
        .withArgs(Org.A, 2n, end + testPenaltyParameters.barPeriod);
    });

    it("restarts the count once the window has passed", async () => {
      const f = await loadFixture(countingFixture);
      const first = await misuse(f, "first");
      const after = first.block + testPenaltyParameters.misuseWindow + 1n;
      const second = await misuse(f, "second", { flag: after - 30n, resolve: after });
      expect(second.block).to.equal(after);
      await expect(second.tx).to.emit(f.penalty, "ReporterMisuseRecorded").withArgs(Org.A, 1n, 0n);
      expect(await recordOf(f, Org.A)).to.deep.equal([1n, after, 0n]);
      await expect(f.penalty.connect(f.alice).flag(Org.M, 1, evidence("x"))).to.emit(f.penalty, "CaseOpened");
    });

    it("keeps counting after a bar: the next misuse in the window bars again", async () => {
      const f = await loadFixture(barredFixture);
      await nextTxAt(f, f.barredUntil + 1n);
      const third = await misuse(f, "third");
      expect(third.block).to.be.lessThanOrEqual(f.first.block + testPenaltyParameters.misuseWindow);
      const barredUntil = third.block + testPenaltyParameters.barPeriod;
      await expect(third.tx).to.emit(f.penalty, "ReporterMisuseRecorded").withArgs(Org.A, 3n, barredUntil);
      expect(await recordOf(f, Org.A)).to.deep.equal([3n, f.first.block, barredUntil]);
    });

    it("with the default shares, two forfeited bonds leave the reporter under the reporting threshold", async () => {
      const f = await loadFixture(communityFixture);
      const { reportingThreshold, bondShare } = await penaltyParametersOf(f.penalty);
      expect([reportingThreshold, bondShare]).to.deep.equal([
        defaultPenaltyParameters.reportingThreshold,
        defaultPenaltyParameters.bondShare,
      ]);
      const first = await misuse(f, "first");
      const second = await misuse(f, "second");
      // A could flag both times: each bond was a share of a trust at or above the threshold.
      for (const { c } of [first, second]) {
        expect(c.reporterTrust).to.be.greaterThanOrEqual(reportingThreshold);
        expect(c.bond).to.equal(shareOf(c.reporterTrust, bondShare));
      }
      const barredUntil = second.block + testPenaltyParameters.barPeriod;
      expect(await recordOf(f, Org.A)).to.deep.equal([2n, first.block, barredUntil]);
      // Once the bar is over, the bonds it forfeited keep A from flagging (decay never raises trust; ratings can).
      const record = await trustRecord(f.ledger, Org.A);
      expect(record.value).to.equal(second.c.reporterTrust - second.c.bond);
      await nextTxAt(f, barredUntil + 1n);
      const trust = trustAtBlock(record, barredUntil + 1n);
      expect(trust).to.be.lessThan(reportingThreshold);
      await expect(f.penalty.connect(f.alice).flag(Org.M, 1, evidence("x")))
        .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesReporterBelowThreshold")
        .withArgs(Org.A, trust, reportingThreshold);
    });
  });

  describe("setParameters", () => {
    const updated = penaltyParametersWith({
      reportingThreshold: toFixed("0.5"),
      bondShare: toFixed("0.1"),
      quorumShare: toFixed("0.9"),
      expelThreshold: toFixed("0.1"),
      misuseThreshold: toFixed("0.9"),
      liabilityShare: toFixed("0.2"),
      votingDelay: 5n,
      votingPeriod: 30n,
      ratificationWindow: 15n,
      misuseWindow: 100n,
      barPeriod: 10n,
      liabilityWindow: 20n,
      maxMisuses: 3n,
    });

    it("stores the parameters and emits PenaltyParametersUpdated", async () => {
      const f = await loadFixture(communityFixture);
      await expect(f.penalty.connect(f.governance).setParameters(updated))
        .to.emit(f.penalty, "PenaltyParametersUpdated")
        .withArgs(penaltyParametersTuple(updated));
      expect(penaltyParametersTuple(await penaltyParametersOf(f.penalty))).to.deep.equal(
        penaltyParametersTuple(updated),
      );
    });

    it("accepts the bounds: shares of 0 and 1e18, a zero voting delay and windows", async () => {
      const f = await loadFixture(communityFixture);
      for (const bounds of [
        penaltyParametersWith({
          reportingThreshold: ONE,
          bondShare: ONE,
          quorumShare: ONE,
          expelThreshold: ONE,
          misuseThreshold: ONE,
          liabilityShare: ONE,
        }),
        penaltyParametersWith({
          reportingThreshold: 0n,
          bondShare: 0n,
          quorumShare: 0n,
          expelThreshold: 1n,
          misuseThreshold: 0n,
          liabilityShare: 0n,
          votingDelay: 0n,
          votingPeriod: 1n,
          ratificationWindow: 0n,
          misuseWindow: 0n,
          barPeriod: 0n,
          liabilityWindow: 0n,
          maxMisuses: 1n,
        }),
      ]) {
        await expect(f.penalty.setParameters(bounds))
          .to.emit(f.penalty, "PenaltyParametersUpdated")
          .withArgs(penaltyParametersTuple(bounds));
      }
    });

    it("accepts durations of 2^32 - 1 blocks, and cases and bars run with them", async () => {
      const f = await loadFixture(communityFixture);
      const longest = penaltyParametersWith({
        ...Object.fromEntries(durations.map((name) => [name, MAX_DURATION])),
        maxMisuses: 1n,
      });
      await expect(f.penalty.setParameters(longest))
        .to.emit(f.penalty, "PenaltyParametersUpdated")
        .withArgs(penaltyParametersTuple(longest));
      const c = await openCase(f, f.bob, Org.D);
      const stored = await f.penalty.getCase(c.caseId);
      expect([stored.voteStart, stored.voteEnd, stored.ratificationDeadline]).to.deep.equal([
        c.block + MAX_DURATION,
        c.block + 2n * MAX_DURATION,
        c.block + 3n * MAX_DURATION,
      ]);
      expect(await f.penalty.state(c.caseId)).to.equal(CaseState.Pending);
      // With short voting again, one misuse bars the reporter for the longest bar.
      await f.penalty.setParameters(penaltyParametersWith({ barPeriod: MAX_DURATION, maxMisuses: 1n }));
      const { tx, block } = await misuse(f, "longest bar");
      await expect(tx)
        .to.emit(f.penalty, "ReporterMisuseRecorded")
        .withArgs(Org.A, 1n, block + MAX_DURATION);
    });

    it("applies to cases opened afterwards, never to an open case", async () => {
      const s = await loadFixture(openFixture);
      const { penalty, c } = s;
      await penalty.setParameters(updated);
      const stored = await penalty.getCase(c.caseId);
      expect([stored.voteStart, stored.voteEnd, stored.ratificationDeadline]).to.deep.equal([
        c.voteStart,
        c.voteEnd,
        c.deadline,
      ]);
      expect([stored.quorum, stored.expelThreshold, stored.misuseThreshold, stored.bond]).to.deep.equal([
        c.quorum,
        c.expelThreshold,
        c.misuseThreshold,
        c.bond,
      ]);

      // D and F expel, B and C keep: under the case's expel threshold but over the new one.
      await nextTxAt(s, c.voteStart);
      await castVotes(s, c, [
        [s.dave, Expel],
        [s.frank, Expel],
        [s.bob, Keep],
        [s.carol, Keep],
      ]);
      await viewAt(s, c.voteEnd + 1n);
      const { expelWeight, keepWeight } = await penalty.getCase(c.caseId);
      const share = mulDiv(expelWeight, ONE, expelWeight + keepWeight);
      expect(share).to.be.greaterThanOrEqual(updated.expelThreshold);
      expect(share).to.be.lessThan(c.expelThreshold);
      expect(await penalty.state(c.caseId)).to.equal(CaseState.Defeated);
      // Dismissed without a misuse: the share is at or over the case's misuse threshold, under the new one.
      expect(share).to.be.greaterThanOrEqual(c.misuseThreshold);
      expect(share).to.be.lessThan(updated.misuseThreshold);
      await expect(penalty.connect(s.ratifier).ratify(c.caseId, false, REASON))
        .to.emit(penalty, "BondReleased")
        .withArgs(c.caseId, Org.A, c.bond);

      const next = await openCase(s, s.bob, Org.D, "next");
      const nextStored = await penalty.getCase(next.caseId);
      expect(next.voteStart).to.equal(next.block + 5n);
      expect(nextStored.voteStart).to.equal(next.block + 5n);
      expect(nextStored.voteEnd).to.equal(next.block + 35n);
      expect(nextStored.ratificationDeadline).to.equal(next.block + 50n);
      expect(nextStored.quorum).to.equal(shareOf(next.total, updated.quorumShare));
      expect(nextStored.bond).to.equal(shareOf(next.reporterTrust, updated.bondShare));
      expect([nextStored.expelThreshold, nextStored.misuseThreshold]).to.deep.equal([
        updated.expelThreshold,
        updated.misuseThreshold,
      ]);
    });

    describe("reverts", () => {
      it("when the caller is not governance (ADMIN)", async () => {
        const f = await loadFixture(communityFixture);
        for (const account of [f.ratifier, f.assessor, f.alice, f.outsider]) {
          await expect(f.penalty.connect(account).setParameters(updated))
            .to.be.revertedWithCustomError(f.penalty, "AccessManagedUnauthorized")
            .withArgs(account.address);
        }
      });

      for (const name of [
        "reportingThreshold",
        "bondShare",
        "quorumShare",
        "expelThreshold",
        "misuseThreshold",
        "liabilityShare",
      ] as const) {
        it(`when ${name} is above 1e18`, async () => {
          const f = await loadFixture(communityFixture);
          await expect(f.penalty.setParameters(penaltyParametersWith({ [name]: ONE + 1n })))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesInvalidParameter")
            .withArgs(name, ONE + 1n);
        });
      }

      for (const name of durations) {
        it(`when ${name} is above 2^32 - 1 blocks`, async () => {
          const f = await loadFixture(communityFixture);
          for (const value of [MAX_DURATION + 1n, 2n ** 48n - 1n]) {
            await expect(f.penalty.setParameters(penaltyParametersWith({ [name]: value })))
              .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesInvalidParameter")
              .withArgs(name, value);
          }
        });
      }

      for (const name of ["expelThreshold", "votingPeriod", "maxMisuses"] as const) {
        it(`when ${name} is zero`, async () => {
          const f = await loadFixture(communityFixture);
          await expect(f.penalty.setParameters(penaltyParametersWith({ [name]: 0n })))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesInvalidParameter")
            .withArgs(name, 0n);
        });
      }
    });
  });
});
