import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { type BaseContract, getAddress, id, MaxUint256, type Result, toBeHex, ZeroAddress } from "ethers";
import { network } from "hardhat";

import { CaseState, CommunityType, Level, ONE, Role, Status, VoteType } from "../../src/constants.js";
import { defaultEntryCriteria, defaultPenaltyParameters, defaultTrustParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type { EntityRegistryV2Mock, PenaltyCases, PenaltyCasesV2Mock, TrustLedgerV2Mock } from "../../types/index.js";
import { deploySuite, joinAndActivate, newIdentity, profileOf } from "../helpers/fixtures.js";
import { signBallot } from "../penalty/helpers.js";
import { snapshotTrust, trustAtBlock } from "../trust/helpers.js";

/**
 * UUPS upgrades of the three proxies (TrustLedger, EntityRegistry, PenaltyCases): governance (ADMIN) moves each
 * proxy to a V2 mock and everything written before is still there (for PenaltyCases: cases, tallies, votes,
 * reporter records, parameters and signature nonces); nobody else can; a non-UUPS target is refused; neither the
 * implementations nor the proxies can be (re-)initialized.
 */

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** ERC-1967: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

const REASON = id("upgrades:reason");

/** Not the ERC-1967 implementation slot. */
const WRONG_UUID = id("not the ERC-1967 implementation slot");

/** Short penalty periods, so that cases move on in a few blocks. */
const penaltyParameters = {
  ...defaultPenaltyParameters,
  votingDelay: 2n,
  votingPeriod: 10n,
  ratificationWindow: 10n,
};

/** The parameters governance sets before the upgrade: a long vote, so that case 2 stays Active. */
const laterPenaltyParameters = {
  ...penaltyParameters,
  quorumShare: toFixed("0.25"),
  votingPeriod: 1_000n,
  ratificationWindow: 50n,
};

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
const stringify = (value: object): unknown =>
  JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));

/** A signed-ballot deadline far in the future. */
const DEADLINE = MaxUint256;

/** `voter`'s EIP-712 ballot for `caseId`, with its current nonce unless another is given. */
async function signVoterBallot(
  penalty: PenaltyCases,
  voter: HardhatEthersSigner,
  caseId: bigint,
  support: number,
  nonce?: bigint,
) {
  return signBallot(voter, penalty, (await ethers.provider.getNetwork()).chainId, {
    caseId,
    support,
    voter: voter.address,
    nonce: nonce ?? (await penalty.nonces(voter.address)),
    deadline: DEADLINE,
  });
}

/** Mines blocks until the latest is `block`. */
async function mineTo(block: bigint): Promise<void> {
  const latest = BigInt(await ethers.provider.getBlockNumber());
  expect(block >= latest, `block ${block} is not after ${latest}`).to.equal(true);
  await networkHelpers.mine(block - latest);
}

async function implementationOf(proxy: BaseContract): Promise<string> {
  const word = await ethers.provider.getStorage(await proxy.getAddress(), IMPLEMENTATION_SLOT);
  return getAddress("0x" + word.slice(26));
}

const rating = (orgId: bigint, label: string, quality = toFixed("0.9")) => ({
  orgId,
  contributionId: id(`contribution:${label}`),
  scores: { quality, quantity: toFixed("0.7"), integrity: ONE, intent: ONE },
  evidenceHash: id(`evidence:${label}`),
});

/**
 * A community with some of everything the three proxies store: Active organizations with members, a profile
 * edit, recommendations, platform and peer ratings (trust history and the total's), non-default parameters,
 * entry criteria, a new country and the penalty hook (PenaltyCases, the only caller of `adjustTrust`); a dismissed penalty case (a vote, a ratification, a forfeited
 * bond and a reporter's misuse record) and an open one (dave's organization reports bob's; alice's voted by
 * signature, a used nonce; erin's has yet to vote). Then a V2 mock for each proxy: a subclass of the first
 * implementation that changes `version()` (virtual) and adds `upgradedMarker()`.
 */
async function deployUpgrades() {
  const [admin, assessor, penaltyRole, outsider, alice, alice2, bob, carol, dave, ratifier, relayer, erin] =
    await ethers.getSigners();
  const suite = await deploySuite(connection, {
    assessor: assessor.address,
    ratifier: ratifier.address,
    penaltyParameters: stringify(penaltyParameters),
  });
  const { manager, ledger, registry, penalty: penaltyCases } = suite;
  // PENALTY belongs to the PenaltyCases contract; a test signer holds it too, to call expel directly.
  await manager.connect(admin).grantRole(Role.PENALTY, penaltyRole.address, 0);

  const aliceOrg = await joinAndActivate(suite, alice, assessor);
  await registry.connect(alice).addMember(aliceOrg, alice2.address);
  const [editedHash, editedURI] = profileOf("alice:v2");
  await registry.connect(alice).setProfile(aliceOrg, editedHash, editedURI);
  const bobOrg = await joinAndActivate(suite, bob, assessor, { recommenders: [alice] });
  await ledger.connect(assessor).rate(rating(aliceOrg, "a1"));
  // Peers rate only contributions the platform has rated: bob rates the same one.
  await ledger.connect(bob).peerRate(rating(aliceOrg, "a1", toFixed("0.2")));
  await ledger.connect(assessor).rate(rating(bobOrg, "b1"));
  const daveOrg = await joinAndActivate(suite, dave, assessor);

  // Case 1, dismissed: alice's organization flags dave's, bob's votes Keep, the ratifier confirms the defeat; the
  // flag was a misuse (no Expel weight), so alice's bond is forfeited and the misuse counted.
  await penaltyCases.connect(alice).flag(daveOrg, 3, id("upgrades:evidence:1"));
  await networkHelpers.mine(penaltyParameters.votingDelay);
  await penaltyCases.connect(bob).castVote(1n, VoteType.Keep);
  await networkHelpers.mine(penaltyParameters.votingPeriod);
  await penaltyCases.connect(outsider).finalize(1n);
  await penaltyCases.connect(ratifier).ratify(1n, false, id("upgrades:ratified:1"));
  expect(await penaltyCases.state(1n)).to.equal(CaseState.Dismissed);
  // Bob's Keep reached the quorum, so the vote is a verdict the misuse inquiry judges: the bond is forfeited.
  expect((await penaltyCases.reporterRecord(aliceOrg)).misuses).to.equal(1n);
  await penaltyCases.connect(admin).setParameters(laterPenaltyParameters);
  // erin's organization joins: a voter on case 2 besides alice's (dave's, the reporter, cannot vote on it).
  const erinOrg = await joinAndActivate(suite, erin, assessor);
  // Case 2, open and Active: dave's organization flags bob's; alice's votes Expel by a signature that a relayer
  // submits (alice2's nonce moves to 1).
  await penaltyCases.connect(dave).flag(bobOrg, 5, id("upgrades:evidence:2"));
  await networkHelpers.mine(laterPenaltyParameters.votingDelay);
  const ballot = await signVoterBallot(penaltyCases, alice2, 2n, VoteType.Expel);
  await penaltyCases.connect(relayer).castVoteBySig(2n, VoteType.Expel, alice2.address, DEADLINE, ballot);
  expect(await penaltyCases.state(2n)).to.equal(CaseState.Active);
  expect(await penaltyCases.nonces(alice2.address)).to.equal(1n);

  const [carolHash, carolURI] = profileOf("carol");
  await registry.connect(carol).requestJoin(newIdentity("carol"), countryCode("FR"), carolHash, carolURI);
  const carolOrg = await registry.organizationOf(carol.address);
  await registry.connect(alice).recommend(carolOrg, toFixed("0.6"));
  await registry.connect(bob).recommend(carolOrg, toFixed("0.9"));

  await ledger.connect(admin).setParameters({ ...defaultTrustParameters, gainRate: toFixed("0.12"), halfLife: 5000n });
  expect(await ledger.penaltyHook()).to.equal(await penaltyCases.getAddress());
  await registry.connect(admin).setEntryCriteria({ ...defaultEntryCriteria, maxRecommendations: 20n });
  await registry.connect(admin).setCountry(countryCode("IT"), {
    dataPrivacy: toFixed("0.7"),
    copyright: toFixed("0.75"),
    cybercrime: toFixed("0.4"),
    listed: true,
    excluded: false,
  });
  // Blocks pass, so that the history has past timepoints to look up and trust has decay pending.
  await networkHelpers.mine(10);

  const ledgerImplementation = await implementationOf(ledger);
  const registryImplementation = await implementationOf(registry);
  const penaltyImplementation = await implementationOf(penaltyCases);
  const ledgerV2 = (await ethers.deployContract("TrustLedgerV2Mock")) as unknown as TrustLedgerV2Mock;
  const registryV2 = (await ethers.deployContract("EntityRegistryV2Mock")) as unknown as EntityRegistryV2Mock;
  // PenaltyCases' registry and ledger are immutables: its V2 is built with the same proxies.
  const penaltyV2 = (await ethers.deployContract("PenaltyCasesV2Mock", [
    await registry.getAddress(),
    await ledger.getAddress(),
  ])) as unknown as PenaltyCasesV2Mock;

  return {
    ...suite,
    admin,
    assessor,
    penaltyRole,
    outsider,
    alice,
    alice2,
    bob,
    carol,
    dave,
    ratifier,
    relayer,
    erin,
    orgs: [aliceOrg, bobOrg, carolOrg, daveOrg, erinOrg],
    ledgerImplementation,
    registryImplementation,
    penaltyImplementation,
    ledgerV2,
    registryV2,
    penaltyV2,
  };
}

type Fixture = Awaited<ReturnType<typeof deployUpgrades>>;

/** A struct result as an object keyed by field name. */
const fields = (struct: object) => (struct as Result).toObject(true);

/** Plain JSON of contract results (bigints as strings), for deep comparison. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
    (_, v) => v,
  );
}

/**
 * Everything the three proxies answer about the community, except `trustOf`, which moves with every mined block:
 * recorded trust, the history at every past block, organizations, recommendations, parameters and tables; cases,
 * their states, tallies and votes, open cases, reporter records, nonces, the EIP-712 domain, and the registry and
 * ledger PenaltyCases acts on.
 */
async function snapshotState(f: Fixture) {
  const { ledger, registry, penalty } = f;
  const upTo = (await ethers.provider.getBlockNumber()) - 1;
  const history: Record<string, unknown> = {};
  for (let block = 1; block <= upTo; block += 1) {
    history[`total@${block}`] = await ledger.totalTrustAt(block);
    for (const org of f.orgs) history[`${org}@${block}`] = await ledger.trustAt(org, block);
  }
  const organizations: Record<string, unknown> = {};
  for (const org of f.orgs) {
    const recommenders = await registry.recommendersOf(org);
    organizations[org.toString()] = {
      organization: fields(await registry.organization(org)),
      status: await registry.statusOf(org),
      recorded: await ledger.recordedTrustOf(org),
      recommenders,
      recommendations: await Promise.all(recommenders.map((r: bigint) => registry.recommendation(org, r))),
      preTrust: await registry.preTrustOf(org),
    };
  }
  const rated = [
    await ledger.hasRated(f.orgs[0], id("contribution:a1"), 0),
    await ledger.hasRated(f.orgs[0], id("contribution:a1"), f.orgs[1]),
    await ledger.hasRated(f.orgs[1], id("contribution:b1"), 0),
  ];
  const accounts = [f.alice, f.alice2, f.bob, f.carol, f.dave, f.erin];
  const caseIds = [1n, 2n];
  const penaltyState = {
    caseCount: await penalty.caseCount(),
    cases: await Promise.all(caseIds.map(async (c) => fields(await penalty.getCase(c)))),
    states: await Promise.all(caseIds.map((c) => penalty.state(c))),
    votes: await Promise.all(caseIds.map((c) => Promise.all(f.orgs.map((org) => penalty.hasVoted(c, org))))),
    openCases: await Promise.all(f.orgs.map((org) => penalty.openCaseOf(org))),
    reporters: await Promise.all(f.orgs.map(async (org) => fields(await penalty.reporterRecord(org)))),
    parameters: fields(await penalty.parameters()),
    nonces: await Promise.all(accounts.map((a) => penalty.nonces(a.address))),
    domainSeparator: await penalty.DOMAIN_SEPARATOR(),
    eip712Domain: await penalty.eip712Domain(),
    authority: await penalty.authority(),
    registry: await penalty.registry(),
    ledger: await penalty.ledger(),
  };
  return plain({
    history,
    organizations,
    rated,
    totalTrust: await ledger.totalTrust(),
    parameters: fields(await ledger.parameters()),
    communityType: await ledger.communityType(),
    ledgerRegistry: await ledger.registry(),
    penaltyHook: await ledger.penaltyHook(),
    ledgerAuthority: await ledger.authority(),
    organizationCount: await registry.organizationCount(),
    organizationOf: await Promise.all(accounts.map((a) => registry.organizationOf(a.address))),
    entryCriteria: fields(await registry.entryCriteria()),
    countries: [fields(await registry.country(countryCode("DE"))), fields(await registry.country(countryCode("IT")))],
    registryLedger: await registry.ledger(),
    registryAuthority: await registry.authority(),
    penalty: penaltyState,
  } as Record<string, unknown | Result>);
}

type V2Mock = TrustLedgerV2Mock | EntityRegistryV2Mock | PenaltyCasesV2Mock;

/** The three proxies and their V2 mocks, for tests that apply to each. */
const proxies = [
  {
    name: "TrustLedger",
    proxy: (f: Fixture) => f.ledger as BaseContract,
    v2: (f: Fixture) => f.ledgerV2 as V2Mock,
    v1: (f: Fixture) => f.ledgerImplementation,
    marker: id("TrustLedgerV2Mock"),
  },
  {
    name: "EntityRegistry",
    proxy: (f: Fixture) => f.registry as BaseContract,
    v2: (f: Fixture) => f.registryV2 as V2Mock,
    v1: (f: Fixture) => f.registryImplementation,
    marker: id("EntityRegistryV2Mock"),
  },
  {
    name: "PenaltyCases",
    proxy: (f: Fixture) => f.penalty as BaseContract,
    v2: (f: Fixture) => f.penaltyV2 as V2Mock,
    v1: (f: Fixture) => f.penaltyImplementation,
    marker: id("PenaltyCasesV2Mock"),
  },
];

/** Upgrades the three proxies to their V2 mocks as governance. */
async function upgradeAll(f: Fixture) {
  await f.ledger.connect(f.admin).upgradeToAndCall(await f.ledgerV2.getAddress(), "0x");
  await f.registry.connect(f.admin).upgradeToAndCall(await f.registryV2.getAddress(), "0x");
  await f.penalty.connect(f.admin).upgradeToAndCall(await f.penaltyV2.getAddress(), "0x");
}

describe("upgrades", function () {
  for (const { name, proxy, v2, v1, marker } of proxies) {
    describe(`${name}.upgradeToAndCall`, function () {
      it("lets governance (ADMIN) move the proxy to the V2 mock", async function () {
        const f = await networkHelpers.loadFixture(deployUpgrades);
        const target = proxy(f);
        const newImplementation = await v2(f).getAddress();
        expect(await target.getFunction("version")()).to.equal("1.1.0");

        await expect(target.connect(f.admin).getFunction("upgradeToAndCall")(newImplementation, "0x"))
          .to.emit(target, "Upgraded")
          .withArgs(newImplementation);

        expect(await implementationOf(target)).to.equal(newImplementation);
        const upgraded = v2(f).attach(await target.getAddress()) as V2Mock;
        expect(await upgraded.version()).to.equal("2.0.0-mock");
        expect(await upgraded.upgradedMarker()).to.equal(marker);
        // The V2 mock is itself a valid UUPS implementation (the ERC-1967 slot), as the first one is.
        expect(await v2(f).proxiableUUID()).to.equal(IMPLEMENTATION_SLOT);
      });

      it("preserves every stored value", async function () {
        const f = await networkHelpers.loadFixture(deployUpgrades);
        const before = await snapshotState(f);
        await proxy(f).connect(f.admin).getFunction("upgradeToAndCall")(await v2(f).getAddress(), "0x");
        await networkHelpers.mine(1);
        const after = await snapshotState(f);
        // `after` also covers the blocks mined since: only compare what both snapshots hold.
        const afterHistory = (after as { history: Record<string, unknown> }).history;
        const beforeHistory = (before as { history: Record<string, unknown> }).history;
        for (const key of Object.keys(beforeHistory)) expect(afterHistory[key], key).to.deep.equal(beforeHistory[key]);
        expect({ ...(after as object), history: undefined }).to.deep.equal({
          ...(before as object),
          history: undefined,
        });
      });

      it("can move the proxy back to the first implementation", async function () {
        const f = await networkHelpers.loadFixture(deployUpgrades);
        const target = proxy(f);
        await target.connect(f.admin).getFunction("upgradeToAndCall")(await v2(f).getAddress(), "0x");
        await target.connect(f.admin).getFunction("upgradeToAndCall")(v1(f), "0x");
        expect(await implementationOf(target)).to.equal(v1(f));
        expect(await target.getFunction("version")()).to.equal("1.1.0");
        const upgraded = v2(f).attach(await target.getAddress()) as V2Mock;
        await expect(upgraded.upgradedMarker()).to.be.revert(ethers);
      });

      describe("reverts", function () {
        for (const role of ["assessor", "penaltyRole", "ratifier", "outsider"] as const) {
          it(`when called by ${role} (not ADMIN)`, async function () {
            const f = await networkHelpers.loadFixture(deployUpgrades);
            const target = proxy(f);
            const previous = await implementationOf(target);
            await expect(target.connect(f[role]).getFunction("upgradeToAndCall")(await v2(f).getAddress(), "0x"))
              .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
              .withArgs(f[role].address);
            expect(await implementationOf(target)).to.equal(previous);
          });
        }

        it("when the new implementation is an account without code", async function () {
          // UUPSUpgradeable asks the target for proxiableUUID() in a try/catch, but decoding the empty return
          // data of a code-less account fails in the caller, outside the catch: OpenZeppelin 5 then reverts
          // without data instead of ERC1967InvalidImplementation. The proxy is left where it was.
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const target = proxy(f);
          const previous = await implementationOf(target);
          await expect(
            target.connect(f.admin).getFunction("upgradeToAndCall")(f.outsider.address, "0x"),
          ).to.be.revertedWithoutReason(ethers);
          expect(await implementationOf(target)).to.equal(previous);
        });

        it("when the new implementation is a contract that is not UUPS (the AccessManager)", async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const target = proxy(f);
          const manager = await f.manager.getAddress();
          await expect(target.connect(f.admin).getFunction("upgradeToAndCall")(manager, "0x"))
            .to.be.revertedWithCustomError(target, "ERC1967InvalidImplementation")
            .withArgs(manager);
        });

        it("when the new implementation reports another proxiable UUID", async function () {
          // A minimal contract, from raw bytecode, that answers every call with WRONG_UUID.
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const target = proxy(f);
          const wrong = await deployConstantResponder(f, WRONG_UUID);
          await expect(target.connect(f.admin).getFunction("upgradeToAndCall")(wrong, "0x"))
            .to.be.revertedWithCustomError(target, "UUPSUnsupportedProxiableUUID")
            .withArgs(WRONG_UUID);
        });

        it("when the new implementation is a UUPS proxy rather than an implementation", async function () {
          // A proxy answers proxiableUUID through its implementation, whose notDelegated guard reverts.
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const target = proxy(f);
          const otherProxy = await (name === "TrustLedger" ? f.registry : f.ledger).getAddress();
          await expect(target.connect(f.admin).getFunction("upgradeToAndCall")(otherProxy, "0x"))
            .to.be.revertedWithCustomError(target, "ERC1967InvalidImplementation")
            .withArgs(otherProxy);
        });

        it("when called on the implementation rather than through the proxy", async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const implementation = (await ethers.getContractAt(name, v1(f))) as unknown as BaseContract;
          await expect(
            implementation.connect(f.admin).getFunction("upgradeToAndCall")(await v2(f).getAddress(), "0x"),
          ).to.be.revertedWithCustomError(implementation, "UUPSUnauthorizedCallContext");
        });
      });
    });

    describe(`${name}.initialize`, function () {
      describe("reverts", function () {
        it("when called on the first implementation", async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const implementation = (await ethers.getContractAt(name, v1(f))) as unknown as BaseContract;
          await expect(callInitialize(f, implementation)).to.be.revertedWithCustomError(
            implementation,
            "InvalidInitialization",
          );
        });

        it("when called on the V2 mock implementation", async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          // The mock inherits the first implementation's constructor, which disables initializers.
          const mock = (await ethers.getContractAt(name, await v2(f).getAddress())) as unknown as BaseContract;
          await expect(callInitialize(f, mock)).to.be.revertedWithCustomError(mock, "InvalidInitialization");
        });

        it("when called again on the proxy", async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          await expect(callInitialize(f, proxy(f))).to.be.revertedWithCustomError(proxy(f), "InvalidInitialization");
        });

        it("when called again on the proxy after the upgrade", async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          await upgradeAll(f);
          await expect(callInitialize(f, proxy(f))).to.be.revertedWithCustomError(proxy(f), "InvalidInitialization");
        });
      });
    });
  }

  describe("PenaltyCases.registry and PenaltyCases.ledger", function () {
    it("name the suite's registry and ledger before and after the upgrade", async function () {
      const f = await networkHelpers.loadFixture(deployUpgrades);
      const expected = [await f.registry.getAddress(), await f.ledger.getAddress()];
      expect([await f.penalty.registry(), await f.penalty.ledger()]).to.deep.equal(expected);
      await upgradeAll(f);
      expect([await f.penalty.registry(), await f.penalty.ledger()]).to.deep.equal(expected);
      expect(await f.penalty.caseCount()).to.equal(2n);
    });

    describe("reverts", function () {
      // They are immutables of the implementation: an upgrade to one built for other contracts is refused.
      for (const which of ["registry", "ledger"] as const) {
        it(`when the new implementation was built with another ${which}`, async function () {
          const f = await networkHelpers.loadFixture(deployUpgrades);
          const registry = await f.registry.getAddress();
          const ledger = await f.ledger.getAddress();
          const other = f.outsider.address;
          const built = which === "registry" ? [other, ledger] : [registry, other];
          const wrong = await ethers.deployContract("PenaltyCasesV2Mock", built);
          const previous = await implementationOf(f.penalty);
          await expect(f.penalty.connect(f.admin).upgradeToAndCall(await wrong.getAddress(), "0x"))
            .to.be.revertedWithCustomError(f.penalty, "PenaltyCasesAddressMismatch")
            .withArgs(which === "registry" ? registry : ledger, other);
          expect(await implementationOf(f.penalty)).to.equal(previous);
        });
      }
    });
  });

  describe("after the three proxies are upgraded", function () {
    it("the registry and the ledger still work together", async function () {
      const f = await networkHelpers.loadFixture(deployUpgrades);
      await upgradeAll(f);
      const { ledger, registry, assessor } = f;
      const [, , carolOrg] = f.orgs;
      const totalBefore = await ledger.totalTrust();

      // Activation runs the registry's code and calls the ledger as the ledger's registry().
      const preTrust = await registry.preTrustOf(carolOrg);
      const indirect = await registry.indirectTrustOf(countryCode("FR"));
      const expected = await ledger.computeInitialTrust({
        preTrust,
        legal: Level.High,
        capability: Level.High,
        indirect,
      });
      await expect(registry.connect(assessor).activate(carolOrg, Level.High, Level.High))
        .to.emit(registry, "OrganizationActivated")
        .withArgs(carolOrg, Level.High, Level.High, preTrust, expected);
      expect(await registry.statusOf(carolOrg)).to.equal(Status.Active);
      const [recorded] = await ledger.recordedTrustOf(carolOrg);
      expect(recorded).to.equal(expected);
      expect(await ledger.totalTrust()).to.equal(totalBefore + expected);

      // A platform rating and a peer rating on the upgraded ledger.
      await expect(ledger.connect(assessor).rate(rating(carolOrg, "c1"))).to.emit(ledger, "ContributionRated");
      await expect(ledger.connect(f.alice2).peerRate(rating(carolOrg, "c1"))).to.emit(ledger, "ContributionRated");
      expect(await ledger.hasRated(carolOrg, id("contribution:c1"), f.orgs[0])).to.equal(true);
      // The inherited rules still hold: peers rate only what the platform rated.
      await expect(ledger.connect(f.alice2).peerRate(rating(carolOrg, "c2")))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
        .withArgs(carolOrg, id("contribution:c2"));

      // Restricted functions are still gated, through the same AccessManager.
      await expect(ledger.connect(f.outsider).rate(rating(carolOrg, "c3")))
        .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
      await expect(registry.connect(f.assessor).expel(carolOrg, REASON))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(f.assessor.address);
      await expect(registry.connect(f.penaltyRole).expel(carolOrg, REASON))
        .to.emit(registry, "OrganizationExpelled")
        .withArgs(carolOrg, REASON);
    });

    it("PenaltyCases runs the open case to its end: a ballot signed before counts, a replayed one does not", async function () {
      const f = await networkHelpers.loadFixture(deployUpgrades);
      const { penalty, ledger, registry } = f;
      const [aliceOrg, bobOrg, , daveOrg, erinOrg] = f.orgs;
      // erin signs its ballot before the upgrade: the EIP-712 domain is the proxy's, so the upgrade keeps it valid.
      // dave, whose organization opened the case, signs one too.
      const erinBallot = await signVoterBallot(penalty, f.erin, 2n, VoteType.Abstain);
      const daveBallot = await signVoterBallot(penalty, f.dave, 2n, VoteType.Expel);
      await upgradeAll(f);
      expect(await penalty.version()).to.equal("2.0.0-mock");

      const before = await penalty.getCase(2n);
      expect(before.reporterId).to.equal(daveOrg);
      const erinWeight = await ledger.trustAt(erinOrg, before.snapshot);
      await expect(penalty.connect(f.relayer).castVoteBySig(2n, VoteType.Abstain, f.erin.address, DEADLINE, erinBallot))
        .to.emit(penalty, "VoteCast")
        .withArgs(2n, erinOrg, f.erin.address, VoteType.Abstain, erinWeight);
      expect(await penalty.nonces(f.erin.address)).to.equal(1n);

      // The upgraded code keeps the rules: the reporter's organization cannot vote on its case, even by signature.
      await expect(penalty.connect(f.relayer).castVoteBySig(2n, VoteType.Expel, f.dave.address, DEADLINE, daveBallot))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterCannotVote")
        .withArgs(2n, daveOrg);
      // alice2's ballot of nonce 0, already used before the upgrade, cannot be replayed.
      const replayed = await signVoterBallot(penalty, f.alice2, 2n, VoteType.Expel, 0n);
      await expect(penalty.connect(f.relayer).castVoteBySig(2n, VoteType.Expel, f.alice2.address, DEADLINE, replayed))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesInvalidSignature")
        .withArgs(f.alice2.address);
      // The vote recorded before the upgrade still counts: another account of alice's organization cannot vote.
      await expect(penalty.connect(f.alice).castVote(2n, VoteType.Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAlreadyVoted")
        .withArgs(2n, aliceOrg);
      await expect(penalty.connect(f.bob).castVote(2n, VoteType.Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAccusedCannotVote")
        .withArgs(2n, bobOrg);

      const tallied = await penalty.getCase(2n);
      expect(tallied.expelWeight).to.equal(before.expelWeight);
      expect(tallied.abstainWeight).to.equal(before.abstainWeight + erinWeight);
      expect(tallied.keepWeight).to.equal(0n);

      // Voting ends (Expel only: Succeeded), the ratifier stays silent, anyone executes after the deadline.
      await mineTo(tallied.voteEnd + 1n);
      expect(await penalty.state(2n)).to.equal(CaseState.Succeeded);
      // The execution's block is the first after the ratification deadline.
      await mineTo(tallied.ratificationDeadline);
      const reporter = await snapshotTrust(ledger, daveOrg);
      const execution = penalty.connect(f.outsider).execute(2n);
      await expect(execution)
        .to.emit(penalty, "CaseResolved")
        .withArgs(2n, bobOrg, true, false)
        .and.to.emit(registry, "OrganizationExpelled")
        .withArgs(bobOrg, toBeHex(2n, 32))
        .and.to.emit(penalty, "BondReleased")
        .withArgs(2n, daveOrg, tallied.bond);
      expect(tallied.bond).to.be.greaterThan(0n);
      expect(await penalty.state(2n)).to.equal(CaseState.Executed);
      expect(await penalty.openCaseOf(bobOrg)).to.equal(0n);
      expect(await registry.statusOf(bobOrg)).to.equal(Status.Expelled);
      // The bond goes back on top of the reporter's trust at the execution's block (decay included).
      const executedAt = BigInt((await (await execution).wait())!.blockNumber);
      const [recorded, updatedAt] = await ledger.recordedTrustOf(daveOrg);
      expect(updatedAt).to.equal(executedAt);
      expect(recorded).to.equal(trustAtBlock(reporter, executedAt) + tallied.bond);
    });

    it("PenaltyCases.upgradeToAndCall runs the call in the same transaction", async function () {
      const f = await networkHelpers.loadFixture(deployUpgrades);
      const data = f.penalty.interface.encodeFunctionData("setParameters", [defaultPenaltyParameters]);
      await expect(f.penalty.connect(f.admin).upgradeToAndCall(await f.penaltyV2.getAddress(), data)).to.emit(
        f.penalty,
        "PenaltyParametersUpdated",
      );
      expect(fields(await f.penalty.parameters())).to.deep.equal(defaultPenaltyParameters);
      expect(await implementationOf(f.penalty)).to.equal(await f.penaltyV2.getAddress());
    });

    it("upgradeToAndCall runs the call in the same transaction", async function () {
      const f = await networkHelpers.loadFixture(deployUpgrades);
      const data = f.ledger.interface.encodeFunctionData("setPenaltyHook", [ZeroAddress]);
      await expect(f.ledger.connect(f.admin).upgradeToAndCall(await f.ledgerV2.getAddress(), data))
        .to.emit(f.ledger, "PenaltyHookUpdated")
        .withArgs(ZeroAddress);
      expect(await f.ledger.penaltyHook()).to.equal(ZeroAddress);
      expect(await implementationOf(f.ledger)).to.equal(await f.ledgerV2.getAddress());
    });
  });
});

/** Calls `initialize` with valid arguments for the contract behind `target`. */
async function callInitialize(f: Fixture, target: BaseContract) {
  const authority = await f.manager.getAddress();
  const initialize = target.connect(f.admin).getFunction("initialize");
  if (target.interface.getFunction("ratify") !== null) {
    return initialize(authority, await f.registry.getAddress(), await f.ledger.getAddress(), penaltyParameters);
  }
  if (target.interface.getFunction("setRegistry") !== null) {
    return initialize(authority, CommunityType.Private, defaultTrustParameters);
  }
  return initialize(authority, await f.ledger.getAddress(), defaultEntryCriteria, []);
}

/**
 * Deploys a contract whose runtime code returns `word` for any call:
 * `PUSH32 word PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN` (41 bytes), behind an init code that copies it out.
 */
async function deployConstantResponder(f: Fixture, word: string): Promise<string> {
  const runtime = "7f" + word.slice(2) + "6000526020" + "6000f3";
  const init = "6029" + "80" + "600b" + "6000" + "39" + "6000" + "f3";
  const tx = await f.admin.sendTransaction({ data: "0x" + init + runtime });
  const receipt = await tx.wait();
  const address = receipt!.contractAddress!;
  expect(await ethers.provider.getCode(address)).to.equal("0x" + runtime);
  return address;
}
