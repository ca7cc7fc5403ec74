import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, dataSlice, getAddress, id } from "ethers";
import { network } from "hardhat";

import { Level, ONE, ProfileAction, Status, TrustChangeReason } from "../../src/constants.js";
import { defaultCountries, defaultEntryCriteria, defaultTrustParameters, toCountryEntry } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type { EntityRegistry } from "../../types/index.js";
import { joinAndActivate, newIdentity, profileOf } from "../helpers/fixtures.js";
import { rating, scores } from "../trust/helpers.js";
import { shouldBehaveLikeJoinRequest, shouldBehaveLikeOrganizationAdminOperation } from "./EntityRegistry.behavior.js";
import {
  type CommunityFixture,
  DE,
  Org,
  REASON,
  criteriaTuple,
  criteriaWith,
  decay,
  deployCommunity,
  deployRegistry,
  indirectTrust,
  levelValue,
  preTrust,
  trustAtBlock,
} from "./helpers.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const registryFixture = () => deployRegistry(connection);
const communityFixture = () => deployCommunity(connection);
const loadRegistry = () => networkHelpers.loadFixture(registryFixture);
const loadCommunity = () => networkHelpers.loadFixture(communityFixture);

/** ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** An unlisted, well-formed code. */
const ZZ = countryCode("ZZ");

async function implementationOf(registry: EntityRegistry): Promise<string> {
  const slot = await ethers.provider.getStorage(await registry.getAddress(), IMPLEMENTATION_SLOT);
  return getAddress(dataSlice(slot, 12));
}

async function blockOf(tx: { wait(): Promise<{ blockNumber: number } | null> }): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt(receipt!.blockNumber);
}

function countryRow(dataPrivacy: string, copyright: string, cybercrime: string, excluded = false) {
  return {
    dataPrivacy: toFixed(dataPrivacy),
    copyright: toFixed(copyright),
    cybercrime: toFixed(cybercrime),
    listed: true,
    excluded,
  };
}

function tupleOf(row: ReturnType<typeof countryRow>) {
  return [row.dataPrivacy, row.copyright, row.cybercrime, row.listed, row.excluded];
}

describe("EntityRegistry", () => {
  describe("initialize", () => {
    /** Deploys a fresh proxy of the suite's implementation with the given `initialize` arguments. */
    async function deployProxy(registry: EntityRegistry, args: unknown[]) {
      const data = registry.interface.encodeFunctionData("initialize", args as never);
      const factory = await ethers.getContractFactory("CredenceProxy");
      return factory.deploy(await implementationOf(registry), data);
    }

    const countries = defaultCountries.map(toCountryEntry);

    it("stores the authority, the ledger, the entry criteria and the country table", async () => {
      const { registry, manager, ledger } = await loadRegistry();
      expect(await registry.authority()).to.equal(await manager.getAddress());
      expect(await registry.ledger()).to.equal(await ledger.getAddress());
      expect(await registry.entryCriteria()).to.deep.equal(criteriaTuple(defaultEntryCriteria));
      for (const entry of countries) {
        const row = await registry.country(entry.code);
        expect(row.dataPrivacy).to.equal(entry.country.dataPrivacy);
        expect(row.copyright).to.equal(entry.country.copyright);
        expect(row.cybercrime).to.equal(entry.country.cybercrime);
        expect(row.listed).to.equal(true);
        expect(row.excluded).to.equal(false);
      }
      expect(await registry.organizationCount()).to.equal(0n);
    });

    it("initializes a fresh proxy and emits the criteria and each country row", async () => {
      const { registry, manager, ledger } = await loadRegistry();
      const criteria = criteriaWith({ minRecommendations: 2n, maxRecommendations: 8n });
      const xx = countryRow("0.1", "0.2", "0.3", true);
      const proxy = await deployProxy(registry, [
        await manager.getAddress(),
        await ledger.getAddress(),
        criteria,
        [{ code: countryCode("XX"), country: xx }],
      ]);
      const fresh = (await ethers.getContractAt(
        "EntityRegistry",
        await proxy.getAddress(),
      )) as unknown as EntityRegistry;
      const tx = proxy.deploymentTransaction()!;
      await expect(tx).to.emit(fresh, "EntryCriteriaUpdated").withArgs(criteriaTuple(criteria));
      await expect(tx).to.emit(fresh, "CountryUpdated").withArgs(countryCode("XX"), tupleOf(xx));
      expect(await fresh.entryCriteria()).to.deep.equal(criteriaTuple(criteria));
      expect((await fresh.country(countryCode("XX"))).excluded).to.equal(true);
      expect((await fresh.country(DE)).listed).to.equal(false);
    });

    describe("reverts", () => {
      it("when the proxy is initialized a second time", async () => {
        const { registry, manager, ledger } = await loadRegistry();
        await expect(registry.initialize(manager, ledger, defaultEntryCriteria, [])).to.be.revertedWithCustomError(
          registry,
          "InvalidInitialization",
        );
      });

      it("when the implementation itself is initialized", async () => {
        const { registry, manager, ledger } = await loadRegistry();
        const implementation = (await ethers.getContractAt(
          "EntityRegistry",
          await implementationOf(registry),
        )) as unknown as EntityRegistry;
        expect(await implementation.getAddress()).to.not.equal(await registry.getAddress());
        await expect(
          implementation.initialize(manager, ledger, defaultEntryCriteria, []),
        ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
      });

      it("when the authority is the zero address", async () => {
        const { registry, ledger } = await loadRegistry();
        await expect(
          deployProxy(registry, [ZeroAddress, await ledger.getAddress(), defaultEntryCriteria, countries]),
        ).to.be.revertedWithCustomError(registry, "EntityRegistryZeroAddress");
      });

      it("when the ledger is the zero address", async () => {
        const { registry, manager } = await loadRegistry();
        await expect(
          deployProxy(registry, [await manager.getAddress(), ZeroAddress, defaultEntryCriteria, countries]),
        ).to.be.revertedWithCustomError(registry, "EntityRegistryZeroAddress");
      });

      it("when the entry criteria are invalid", async () => {
        const { registry, manager, ledger } = await loadRegistry();
        await expect(
          deployProxy(registry, [
            await manager.getAddress(),
            await ledger.getAddress(),
            criteriaWith({ maxRecommendations: 0n }),
            countries,
          ]),
        )
          .to.be.revertedWithCustomError(registry, "EntityRegistryInvalidEntryCriteria")
          .withArgs("maxRecommendations");
      });

      it("when a country row has an invalid code", async () => {
        const { registry, manager, ledger } = await loadRegistry();
        await expect(
          deployProxy(registry, [
            await manager.getAddress(),
            await ledger.getAddress(),
            defaultEntryCriteria,
            [{ code: "0x6465", country: countryRow("0.5", "0.5", "0.5") }],
          ]),
        )
          .to.be.revertedWithCustomError(registry, "EntityRegistryInvalidCountryCode")
          .withArgs("0x6465");
      });

      it("when a country row has a score above 1e18", async () => {
        const { registry, manager, ledger } = await loadRegistry();
        const row = { ...countryRow("0.5", "0.5", "0.5"), copyright: ONE + 1n };
        await expect(
          deployProxy(registry, [
            await manager.getAddress(),
            await ledger.getAddress(),
            defaultEntryCriteria,
            [{ code: countryCode("XX"), country: row }],
          ]),
        )
          .to.be.revertedWithCustomError(registry, "EntityRegistryScoreOutOfRange")
          .withArgs(ONE + 1n);
      });
    });
  });

  describe("requestJoin", () => {
    shouldBehaveLikeJoinRequest(loadRegistry, loadCommunity, {
      send: (f, r) => f.registry.connect(r.admin).requestJoin(r.identityHash, r.country, r.profileHash, r.profileURI),
      staticCall: (f, r) =>
        f.registry.connect(r.admin).requestJoin.staticCall(r.identityHash, r.country, r.profileHash, r.profileURI),
      submitter: (_f, r) => r.admin.address,
    });

    it("lets an account released by its organization join again", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.alice).removeMember(Org.Active, f.alice2);
      const [profileHash, profileURI] = profileOf("alice2");
      await f.registry.connect(f.alice2).requestJoin(newIdentity("alice2"), DE, profileHash, profileURI);
      expect(await f.registry.organizationOf(f.alice2)).to.equal(6n);
      expect((await f.registry.organization(6n)).admin).to.equal(f.alice2.address);
    });
  });

  describe("requestJoinFor", () => {
    shouldBehaveLikeJoinRequest(loadRegistry, loadCommunity, {
      send: (f, r) => f.registry.connect(f.assessor).requestJoinFor({ ...r, admin: r.admin.address }),
      staticCall: (f, r) => f.registry.connect(f.assessor).requestJoinFor.staticCall({ ...r, admin: r.admin.address }),
      submitter: (f) => f.assessor.address,
    });

    it("makes the candidate's account the admin, not the platform's", async () => {
      const f = await loadRegistry();
      const [profileHash, profileURI] = profileOf("frank");
      const request = { identityHash: newIdentity(), country: DE, admin: f.frank.address, profileHash, profileURI };
      await f.registry.connect(f.assessor).requestJoinFor(request);
      expect(await f.registry.organizationOf(f.assessor)).to.equal(0n);
      await expect(f.registry.connect(f.frank).addMember(1n, f.grace))
        .to.emit(f.registry, "MemberAdded")
        .withArgs(1n, f.grace.address, f.frank.address);
    });

    describe("reverts", () => {
      it("when the caller is not the assessor", async () => {
        const f = await loadRegistry();
        const [profileHash, profileURI] = profileOf("frank");
        const request = { identityHash: newIdentity(), country: DE, admin: f.frank.address, profileHash, profileURI };
        await expect(f.registry.connect(f.governance).requestJoinFor(request))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.governance.address);
      });

      it("when the admin is the zero address", async () => {
        const f = await loadRegistry();
        const [profileHash, profileURI] = profileOf("nobody");
        const request = { identityHash: newIdentity(), country: DE, admin: ZeroAddress, profileHash, profileURI };
        await expect(f.registry.connect(f.assessor).requestJoinFor(request))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
          .withArgs("admin");
      });
    });
  });

  describe("recommend", () => {
    const SCORE = toFixed("0.8");
    const LOW = toFixed("0.05");

    /**
     * Activates six organizations (admins frank, grace, outsider and three spare signers) and brings each one's
     * trust to exactly `trust`: with a loss rate of 1 a platform rating sets trust to its score, and a value under
     * the baseline does not decay. Returns their admins.
     */
    async function activateLowTrust(f: CommunityFixture, trust: bigint): Promise<HardhatEthersSigner[]> {
      expect(trust).to.be.lessThan(defaultTrustParameters.baseline);
      await f.ledger.connect(f.governance).setParameters({ ...defaultTrustParameters, lossRate: ONE });
      const admins = [f.frank, f.grace, f.outsider, ...(await ethers.getSigners()).slice(15, 18)];
      for (const [index, admin] of admins.entries()) {
        const orgId = await joinAndActivate(f, admin, f.assessor);
        await f.ledger.connect(f.assessor).rate(rating(orgId, `low-${index}`, scores(trust)));
        expect((await f.ledger.recordedTrustOf(orgId))[0]).to.equal(trust);
      }
      return admins;
    }

    it("records the recommender organization's trust at that block as the weight", async () => {
      const f = await loadCommunity();
      // Let the recommender's trust decay so that its current trust differs from the recorded value.
      await networkHelpers.mine(300_000);
      const [recorded] = await f.ledger.recordedTrustOf(Org.Active);

      const tx = await f.registry.connect(f.alice).recommend(Org.Pending, SCORE);
      const block = await blockOf(tx);
      const weight = await trustAtBlock(f.ledger, Org.Active, block);
      expect(weight).to.be.lessThan(recorded);

      await expect(tx)
        .to.emit(f.registry, "RecommendationMade")
        .withArgs(Org.Pending, Org.Active, f.alice.address, SCORE, weight);
      const record = await f.registry.recommendation(Org.Pending, Org.Active);
      expect(record.score).to.equal(SCORE);
      expect(record.weight).to.equal(weight);
      expect(record.recommendedAt).to.equal(block);

      await networkHelpers.mine(1);
      expect(await f.ledger.trustAt(Org.Active, block)).to.equal(weight);
    });

    it("aggregates count, weight sum and weighted score sum, and lists recommenders in order", async () => {
      const f = await loadCommunity();
      const second = toFixed("0.35");
      const first = await blockOf(await f.registry.connect(f.bob).recommend(Org.Pending, SCORE));
      await networkHelpers.mine(50_000);
      const then = await blockOf(await f.registry.connect(f.alice).recommend(Org.Pending, second));
      const bobWeight = await trustAtBlock(f.ledger, Org.Active2, first);
      const aliceWeight = await trustAtBlock(f.ledger, Org.Active, then);

      const candidate = await f.registry.organization(Org.Pending);
      expect(candidate.recommendationCount).to.equal(2n);
      expect(candidate.recommendationWeightSum).to.equal(bobWeight + aliceWeight);
      const scoreSum = (bobWeight * SCORE) / ONE + (aliceWeight * second) / ONE;
      expect(candidate.recommendationScoreSum).to.equal(scoreSum);
      expect(await f.registry.recommendersOf(Org.Pending)).to.deep.equal([Org.Active2, Org.Active]);

      const { recommendationDamping } = await f.ledger.parameters();
      const expected = preTrust(scoreSum, bobWeight + aliceWeight, recommendationDamping);
      expect(expected).to.be.greaterThan(0n);
      // weightedScoreSum * 1e18 / (W + k * 1e18): the weighted mean damped by W / (W + k).
      expect(expected).to.equal((scoreSum * ONE) / (bobWeight + aliceWeight + recommendationDamping * ONE));
      expect(await f.registry.preTrustOf(Org.Pending)).to.equal(expected);
    });

    it("damps pre-trust by the recommenders' total trust: many low-trust recommenders add little", async () => {
      const f = await loadCommunity();
      const lowTrust = await activateLowTrust(f, LOW);
      const { recommendationDamping } = await f.ledger.parameters();
      /** The candidate's pre-trust from its recorded aggregates, checked against preTrustOf. */
      const preTrustNow = async () => {
        const candidate = await f.registry.organization(Org.Pending);
        const expected = preTrust(
          candidate.recommendationScoreSum,
          candidate.recommendationWeightSum,
          recommendationDamping,
        );
        expect(await f.registry.preTrustOf(Org.Pending)).to.equal(expected);
        return expected;
      };

      // One trusted recommender (alice's organization), full score.
      const aliceBlock = await blockOf(await f.registry.connect(f.alice).recommend(Org.Pending, ONE));
      const aliceWeight = await trustAtBlock(f.ledger, Org.Active, aliceBlock);
      const afterTrusted = await preTrustNow();
      expect(afterTrusted).to.equal((aliceWeight * ONE) / (aliceWeight + recommendationDamping * ONE));

      // Six low-trust recommenders, full score each: their total trust (0.3) is less than alice's alone.
      for (const admin of lowTrust) await f.registry.connect(admin).recommend(Org.Pending, ONE);
      const afterLow = await preTrustNow();
      const lowWeight = LOW * BigInt(lowTrust.length);
      expect(lowWeight).to.be.lessThan(aliceWeight);
      expect((await f.registry.organization(Org.Pending)).recommendationWeightSum).to.equal(aliceWeight + lowWeight);
      expect(afterLow).to.equal(
        ((aliceWeight + lowWeight) * ONE) / (aliceWeight + lowWeight + recommendationDamping * ONE),
      );

      // One more trusted recommender (bob's organization) adds more than the six low-trust ones together.
      await f.registry.connect(f.bob).recommend(Org.Pending, ONE);
      const afterSecondTrusted = await preTrustNow();
      expect(afterLow).to.be.greaterThan(afterTrusted);
      expect(afterSecondTrusted - afterLow).to.be.greaterThan(afterLow - afterTrusted);
      expect((await f.registry.organization(Org.Pending)).recommendationCount).to.equal(8n);
    });

    it("gives less pre-trust to six low-trust recommenders than to one trusted recommender", async () => {
      const f = await loadCommunity();
      const lowTrust = await activateLowTrust(f, LOW);
      const [profileHash, profileURI] = profileOf("second-candidate");
      // The Pending candidate (carol) gets the six low-trust recommendations; a second candidate gets alice's.
      for (const admin of lowTrust) await f.registry.connect(admin).recommend(Org.Pending, ONE);
      const signer = (await ethers.getSigners())[18];
      await f.registry.connect(signer).requestJoin(newIdentity("second"), DE, profileHash, profileURI);
      const secondId = await f.registry.organizationOf(signer);
      const aliceBlock = await blockOf(await f.registry.connect(f.alice).recommend(secondId, ONE));
      const aliceWeight = await trustAtBlock(f.ledger, Org.Active, aliceBlock);

      const { recommendationDamping } = await f.ledger.parameters();
      const manyLow = await f.registry.preTrustOf(Org.Pending);
      const oneTrusted = await f.registry.preTrustOf(secondId);
      const lowWeight = LOW * BigInt(lowTrust.length);
      expect(lowWeight).to.be.lessThan(aliceWeight);
      expect(manyLow).to.equal((lowWeight * ONE) / (lowWeight + recommendationDamping * ONE));
      expect(oneTrusted).to.equal((aliceWeight * ONE) / (aliceWeight + recommendationDamping * ONE));
      expect(oneTrusted).to.be.greaterThan(manyLow);
    });

    it("accepts any member account of an Active organization", async () => {
      const f = await loadCommunity();
      const tx = await f.registry.connect(f.alice2).recommend(Org.Pending, SCORE);
      const weight = await trustAtBlock(f.ledger, Org.Active, await blockOf(tx));
      await expect(tx)
        .to.emit(f.registry, "RecommendationMade")
        .withArgs(Org.Pending, Org.Active, f.alice2.address, SCORE, weight);
      expect(await f.registry.recommendersOf(Org.Pending)).to.deep.equal([Org.Active]);
    });

    it("accepts the scores 0 and 1e18", async () => {
      const f = await loadCommunity();
      const aliceBlock = await blockOf(await f.registry.connect(f.alice).recommend(Org.Pending, ONE));
      await f.registry.connect(f.bob).recommend(Org.Pending, 0n);
      const aliceWeight = await trustAtBlock(f.ledger, Org.Active, aliceBlock);
      const candidate = await f.registry.organization(Org.Pending);
      expect(candidate.recommendationCount).to.equal(2n);
      expect(candidate.recommendationScoreSum).to.equal(aliceWeight);
      expect((await f.registry.recommendation(Org.Pending, Org.Active2)).score).to.equal(0n);
    });

    describe("reverts", () => {
      const notMembers: [string, keyof Awaited<ReturnType<typeof loadCommunity>>][] = [
        ["bound to no organization", "frank"],
        ["the admin of a Pending organization", "carol"],
        ["a member account of a Pending organization", "carol2"],
        ["the admin of a Rejected organization", "dave"],
        ["the admin of an Expelled organization", "erin"],
        ["a member account of an Expelled organization", "erin2"],
      ];
      for (const [label, name] of notMembers) {
        it(`when the caller is ${label}`, async () => {
          const f = await loadCommunity();
          // A second candidate, so that a Pending organization's account has someone else to recommend.
          const [profileHash, profileURI] = profileOf("grace");
          await f.registry.connect(f.grace).requestJoin(newIdentity(), DE, profileHash, profileURI);
          const caller = f[name] as HardhatEthersSigner;
          await expect(f.registry.connect(caller).recommend(6n, SCORE))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotActiveMember")
            .withArgs(caller.address);
        });
      }

      it("when the candidate is unknown", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).recommend(99n, SCORE))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
          .withArgs(99n);
      });

      const notPending: [string, bigint, number][] = [
        ["Active", Org.Active2, Status.Active],
        ["Rejected", Org.Rejected, Status.Rejected],
        ["Expelled", Org.Expelled, Status.Expelled],
      ];
      for (const [label, candidate, status] of notPending) {
        it(`when the candidate is ${label}`, async () => {
          const f = await loadCommunity();
          await expect(f.registry.connect(f.alice).recommend(candidate, SCORE))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
            .withArgs(candidate, status, Status.Pending);
        });
      }

      it("when an organization recommends itself", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice2).recommend(Org.Active, SCORE))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistrySelfRecommendation")
          .withArgs(Org.Active);
      });

      it("when the score is above 1e18", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).recommend(Org.Pending, ONE + 1n))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryScoreOutOfRange")
          .withArgs(ONE + 1n);
      });

      it("when the organization already recommended the candidate", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).recommend(Org.Pending, SCORE);
        await expect(f.registry.connect(f.alice).recommend(Org.Pending, SCORE))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryAlreadyRecommended")
          .withArgs(Org.Pending, Org.Active);
      });

      it("when another member account of the organization already recommended the candidate", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).recommend(Org.Pending, SCORE);
        await expect(f.registry.connect(f.alice2).recommend(Org.Pending, toFixed("0.1")))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryAlreadyRecommended")
          .withArgs(Org.Pending, Org.Active);
      });

      it("when the candidate already has maxRecommendations recommendations", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.governance).setEntryCriteria(criteriaWith({ maxRecommendations: 1n }));
        await f.registry.connect(f.alice).recommend(Org.Pending, SCORE);
        await expect(f.registry.connect(f.bob).recommend(Org.Pending, SCORE))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryTooManyRecommendations")
          .withArgs(Org.Pending, 1n);
        expect(await f.registry.recommendersOf(Org.Pending)).to.deep.equal([Org.Active]);
      });
    });
  });

  describe("activate", () => {
    /** The initial-trust formula of the ledger under its current parameters (private community). */
    async function expectedInitialTrust(
      f: Awaited<ReturnType<typeof loadCommunity>>,
      pre: bigint,
      legal: number,
      capability: number,
    ) {
      const p = await f.ledger.parameters();
      const row = await f.registry.country(DE);
      return (
        (p.weightPreTrust * pre +
          p.weightLegal * levelValue(legal) +
          p.weightCapability * levelValue(capability) +
          p.weightIndirect * indirectTrust(row)) /
        ONE
      );
    }

    it("activates a recommended candidate with the ledger's initial trust", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.alice).recommend(Org.Pending, toFixed("0.9"));
      await f.registry.connect(f.bob).recommend(Org.Pending, toFixed("0.6"));
      const pre = await f.registry.preTrustOf(Org.Pending);
      expect(pre).to.be.greaterThan(0n);
      const pending = await f.registry.organization(Org.Pending);
      const { recommendationDamping } = await f.ledger.parameters();
      expect(pre).to.equal(
        preTrust(pending.recommendationScoreSum, pending.recommendationWeightSum, recommendationDamping),
      );
      // Nothing is recorded before activation.
      expect(pending.preTrust).to.equal(0n);
      expect(pending.initialTrust).to.equal(0n);
      const initial = await expectedInitialTrust(f, pre, Level.High, Level.Medium);
      const totalBefore = await f.ledger.totalTrust();

      const assessor = f.registry.connect(f.assessor);
      expect(await assessor.activate.staticCall(Org.Pending, Level.High, Level.Medium)).to.equal(initial);
      const tx = await assessor.activate(Org.Pending, Level.High, Level.Medium);
      const block = await blockOf(tx);

      await expect(tx)
        .to.emit(f.registry, "OrganizationActivated")
        .withArgs(Org.Pending, Level.High, Level.Medium, pre, initial);
      await expect(tx)
        .to.emit(f.ledger, "TrustChanged")
        .withArgs(Org.Pending, 0n, initial, initial, TrustChangeReason.Initialized, ZeroHash);

      const org = await f.registry.organization(Org.Pending);
      expect(org.status).to.equal(Status.Active);
      expect(org.legal).to.equal(Level.High);
      expect(org.capability).to.equal(Level.Medium);
      expect(org.activatedAt).to.equal(block);
      // The record keeps the OrganizationActivated figures.
      expect(org.preTrust).to.equal(pre);
      expect(org.initialTrust).to.equal(initial);
      expect(await f.ledger.recordedTrustOf(Org.Pending)).to.deep.equal([initial, block]);
      expect(await f.ledger.totalTrust()).to.equal(totalBefore + initial);
      await networkHelpers.mine(1);
      expect(await f.ledger.trustAt(Org.Pending, block)).to.equal(initial);

      for (const account of [f.carol, f.carol2]) {
        expect(await f.registry.isActiveMember(account)).to.equal(true);
        expect(await f.registry.activeOrganizationOf(account)).to.equal(Org.Pending);
      }
    });

    it("activates a founder without recommendations under the default criteria (pre-trust 0)", async () => {
      const f = await loadCommunity();
      const initial = await expectedInitialTrust(f, 0n, Level.Low, Level.Low);
      expect(initial).to.be.greaterThan(0n);
      await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.Low, Level.Low))
        .to.emit(f.registry, "OrganizationActivated")
        .withArgs(Org.Pending, Level.Low, Level.Low, 0n, initial);
      const org = await f.registry.organization(Org.Pending);
      expect(org.preTrust).to.equal(0n);
      expect(org.initialTrust).to.equal(initial);
    });

    it("keeps the activation's pre-trust and initial trust in the record when parameters change later", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.alice).recommend(Org.Pending, toFixed("0.9"));
      const tx = await f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High);
      const receipt = await tx.wait();
      const activated = receipt!.logs
        .map((log) => f.registry.interface.parseLog(log))
        .find((event) => event?.name === "OrganizationActivated");
      const [, , , pre, initial] = activated!.args;
      expect(pre).to.be.greaterThan(0n);

      // A different damping changes what the formula gives now, not what was recorded at activation.
      await f.ledger.connect(f.governance).setParameters({ ...defaultTrustParameters, recommendationDamping: 0n });
      expect(await f.registry.preTrustOf(Org.Pending)).to.not.equal(pre);
      const org = await f.registry.organization(Org.Pending);
      expect(org.preTrust).to.equal(pre);
      expect(org.initialTrust).to.equal(initial);
      expect((await f.ledger.recordedTrustOf(Org.Pending))[0]).to.equal(initial);
    });

    it("activates a candidate exactly at every minimum", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.alice).recommend(Org.Pending, toFixed("0.7"));
      await f.registry.connect(f.bob).recommend(Org.Pending, toFixed("0.5"));
      const pre = await f.registry.preTrustOf(Org.Pending);
      await f.registry.connect(f.governance).setEntryCriteria(
        criteriaWith({
          minPreTrust: pre,
          minRecommendations: 2n,
          minCapability: BigInt(Level.Medium),
          minLegal: BigInt(Level.High),
        }),
      );
      await f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.Medium);
      expect(await f.registry.statusOf(Org.Pending)).to.equal(Status.Active);
    });

    describe("reverts", () => {
      it("when the caller is not the assessor", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.governance).activate(Org.Pending, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.governance.address);
      });

      it("when the legal grade is None", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.None, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
          .withArgs("legal");
      });

      it("when the capability grade is None", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.None))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
          .withArgs("capability");
      });

      it("when the candidate's country was excluded after it asked to join", async () => {
        const f = await loadCommunity();
        const row = await f.registry.country(DE);
        await f.registry.connect(f.governance).setCountry(DE, {
          dataPrivacy: row.dataPrivacy,
          copyright: row.copyright,
          cybercrime: row.cybercrime,
          listed: true,
          excluded: true,
        });
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryExcludedCountry")
          .withArgs(DE);
      });

      it("when the candidate's country was unlisted and excluded after it asked to join (unlisted first)", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.governance).setCountry(DE, {
          dataPrivacy: 0n,
          copyright: 0n,
          cybercrime: 0n,
          listed: false,
          excluded: true,
        });
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownCountry")
          .withArgs(DE);
      });

      it("when the candidate's country was unlisted after it asked to join", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.governance).setCountry(DE, {
          dataPrivacy: 0n,
          copyright: 0n,
          cybercrime: 0n,
          listed: false,
          excluded: false,
        });
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownCountry")
          .withArgs(DE);
      });

      it("when the candidate has too few recommendations", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).recommend(Org.Pending, toFixed("0.9"));
        await f.registry.connect(f.governance).setEntryCriteria(criteriaWith({ minRecommendations: 2n }));
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryEntryCriteriaNotMet")
          .withArgs(Org.Pending, "recommendations", 1n, 2n);
      });

      it("when the capability grade is under the minimum", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.governance).setEntryCriteria(criteriaWith({ minCapability: BigInt(Level.High) }));
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.Medium))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryEntryCriteriaNotMet")
          .withArgs(Org.Pending, "capability", Level.Medium, Level.High);
      });

      it("when the legal grade is under the minimum", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.governance).setEntryCriteria(criteriaWith({ minLegal: BigInt(Level.Medium) }));
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.Low, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryEntryCriteriaNotMet")
          .withArgs(Org.Pending, "legal", Level.Low, Level.Medium);
      });

      it("when the pre-trust is under the minimum", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).recommend(Org.Pending, toFixed("0.5"));
        const pre = await f.registry.preTrustOf(Org.Pending);
        expect(pre).to.be.greaterThan(0n);
        await f.registry.connect(f.governance).setEntryCriteria(criteriaWith({ minPreTrust: pre + 1n }));
        await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryEntryCriteriaNotMet")
          .withArgs(Org.Pending, "preTrust", pre, pre + 1n);
      });

      it("when the organization is unknown", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.assessor).activate(99n, Level.High, Level.High))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
          .withArgs(99n);
      });

      const notPending: [string, bigint, number][] = [
        ["Active", Org.Active, Status.Active],
        ["Rejected", Org.Rejected, Status.Rejected],
        ["Expelled", Org.Expelled, Status.Expelled],
      ];
      for (const [label, orgId, status] of notPending) {
        it(`when the organization is ${label}`, async () => {
          const f = await loadCommunity();
          await expect(f.registry.connect(f.assessor).activate(orgId, Level.High, Level.High))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
            .withArgs(orgId, status, Status.Pending);
        });
      }
    });
  });

  describe("reject", () => {
    it("moves a Pending organization to Rejected", async () => {
      const f = await loadCommunity();
      const reason = id("incomplete documents");
      await expect(f.registry.connect(f.assessor).reject(Org.Pending, reason))
        .to.emit(f.registry, "OrganizationRejected")
        .withArgs(Org.Pending, reason);
      expect(await f.registry.statusOf(Org.Pending)).to.equal(Status.Rejected);
      expect(await f.registry.isActiveMember(f.carol)).to.equal(false);
      expect(await f.registry.organizationOf(f.carol)).to.equal(Org.Pending);
      await expect(f.registry.connect(f.assessor).activate(Org.Pending, Level.High, Level.High))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
        .withArgs(Org.Pending, Status.Rejected, Status.Pending);
    });

    describe("reverts", () => {
      it("when the caller is not the assessor", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.governance).reject(Org.Pending, REASON))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.governance.address);
      });

      it("when the organization is unknown", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.assessor).reject(99n, REASON))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
          .withArgs(99n);
      });

      const notPending: [string, bigint, number][] = [
        ["Active", Org.Active, Status.Active],
        ["Rejected", Org.Rejected, Status.Rejected],
        ["Expelled", Org.Expelled, Status.Expelled],
      ];
      for (const [label, orgId, status] of notPending) {
        it(`when the organization is ${label}`, async () => {
          const f = await loadCommunity();
          await expect(f.registry.connect(f.assessor).reject(orgId, REASON))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
            .withArgs(orgId, status, Status.Pending);
        });
      }
    });
  });

  describe("expel", () => {
    it("expels an Active organization, clears its trust and strips every member account", async () => {
      const f = await loadCommunity();
      await networkHelpers.mine(100_000);
      const [recorded, updatedAt] = await f.ledger.recordedTrustOf(Org.Active);
      const { baseline, halfLife } = await f.ledger.parameters();
      const totalBefore = await f.ledger.totalTrust();
      const reason = id("case 7");

      const tx = await f.registry.connect(f.penalty).expel(Org.Active, reason);
      const block = await blockOf(tx);
      const current = decay(recorded, baseline, block - updatedAt, halfLife);
      expect(current).to.be.lessThan(recorded);

      await expect(tx).to.emit(f.registry, "OrganizationExpelled").withArgs(Org.Active, reason);
      await expect(tx)
        .to.emit(f.ledger, "TrustChanged")
        .withArgs(Org.Active, current, 0n, -current, TrustChangeReason.Cleared, reason);

      expect(await f.registry.statusOf(Org.Active)).to.equal(Status.Expelled);
      expect(await f.ledger.trustOf(Org.Active)).to.equal(0n);
      expect(await f.ledger.recordedTrustOf(Org.Active)).to.deep.equal([0n, block]);
      expect(await f.ledger.totalTrust()).to.equal(totalBefore - recorded);
      for (const account of [f.alice, f.alice2]) {
        expect(await f.registry.isActiveMember(account)).to.equal(false);
        expect(await f.registry.organizationOf(account)).to.equal(Org.Active);
        await expect(f.registry.activeOrganizationOf(account))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotActiveMember")
          .withArgs(account.address);
      }
      expect(await f.registry.isActiveMember(f.bob)).to.equal(true);
    });

    describe("reverts", () => {
      it("when the caller does not hold the PENALTY role", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.governance).expel(Org.Active, REASON))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.governance.address);
      });

      it("when the organization is unknown", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.penalty).expel(99n, REASON))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
          .withArgs(99n);
      });

      const notActive: [string, bigint, number][] = [
        ["Pending", Org.Pending, Status.Pending],
        ["Rejected", Org.Rejected, Status.Rejected],
        ["Expelled", Org.Expelled, Status.Expelled],
      ];
      for (const [label, orgId, status] of notActive) {
        it(`when the organization is ${label}`, async () => {
          const f = await loadCommunity();
          await expect(f.registry.connect(f.penalty).expel(orgId, REASON))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
            .withArgs(orgId, status, Status.Active);
        });
      }
    });
  });

  describe("addMember", () => {
    it("binds an account to an Active organization", async () => {
      const f = await loadCommunity();
      const before = (await f.registry.organization(Org.Active)).memberCount;
      await expect(f.registry.connect(f.alice).addMember(Org.Active, f.frank))
        .to.emit(f.registry, "MemberAdded")
        .withArgs(Org.Active, f.frank.address, f.alice.address);
      expect(before).to.equal(2n);
      expect((await f.registry.organization(Org.Active)).memberCount).to.equal(3n);
      expect(await f.registry.organizationOf(f.frank)).to.equal(Org.Active);
      expect(await f.registry.isActiveMember(f.frank)).to.equal(true);
      expect(await f.registry.activeOrganizationOf(f.frank)).to.equal(Org.Active);
    });

    it("binds an account to a Pending organization without making it an active member", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.carol).addMember(Org.Pending, f.frank))
        .to.emit(f.registry, "MemberAdded")
        .withArgs(Org.Pending, f.frank.address, f.carol.address);
      expect((await f.registry.organization(Org.Pending)).memberCount).to.equal(3n);
      expect(await f.registry.organizationOf(f.frank)).to.equal(Org.Pending);
      expect(await f.registry.isActiveMember(f.frank)).to.equal(false);
    });

    describe("reverts", () => {
      shouldBehaveLikeOrganizationAdminOperation(
        loadCommunity,
        (f, caller, orgId) => f.registry.connect(caller).addMember(orgId, f.frank),
        { allowedWhenRejected: false },
      );

      it("when the account is the zero address", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).addMember(Org.Active, ZeroAddress)).to.be.revertedWithCustomError(
          f.registry,
          "EntityRegistryZeroAddress",
        );
      });

      const bound: [string, "alice" | "alice2" | "bob" | "carol2" | "dave2" | "erin2", bigint][] = [
        ["the organization's own admin", "alice", Org.Active],
        ["already a member account of the organization", "alice2", Org.Active],
        ["the admin of another organization", "bob", Org.Active2],
        ["a member account of a Pending organization", "carol2", Org.Pending],
        ["a member account of a Rejected organization", "dave2", Org.Rejected],
        ["a member account of an Expelled organization", "erin2", Org.Expelled],
      ];
      for (const [label, name, boundTo] of bound) {
        it(`when the account is ${label}`, async () => {
          const f = await loadCommunity();
          await expect(f.registry.connect(f.alice).addMember(Org.Active, f[name]))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryAccountAlreadyBound")
            .withArgs(f[name].address, boundTo);
        });
      }
    });
  });

  describe("removeMember", () => {
    it("releases a member account of an Active organization", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.alice).removeMember(Org.Active, f.alice2))
        .to.emit(f.registry, "MemberRemoved")
        .withArgs(Org.Active, f.alice2.address, f.alice.address);
      expect((await f.registry.organization(Org.Active)).memberCount).to.equal(1n);
      expect(await f.registry.organizationOf(f.alice2)).to.equal(0n);
      expect(await f.registry.isActiveMember(f.alice2)).to.equal(false);
      await expect(f.registry.connect(f.alice2).recommend(Org.Pending, ONE))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotActiveMember")
        .withArgs(f.alice2.address);
      // The released account can be bound again, to any organization.
      await f.registry.connect(f.bob).addMember(Org.Active2, f.alice2);
      expect(await f.registry.activeOrganizationOf(f.alice2)).to.equal(Org.Active2);
    });

    it("releases a member account of a Pending organization", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.carol).removeMember(Org.Pending, f.carol2))
        .to.emit(f.registry, "MemberRemoved")
        .withArgs(Org.Pending, f.carol2.address, f.carol.address);
      expect((await f.registry.organization(Org.Pending)).memberCount).to.equal(1n);
    });

    it("lets the admin of a Rejected organization leave it as its last member account", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave2);
      await expect(f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave))
        .to.emit(f.registry, "MemberRemoved")
        .withArgs(Org.Rejected, f.dave.address, f.dave.address);
      const org = await f.registry.organization(Org.Rejected);
      expect(org.admin).to.equal(ZeroAddress);
      expect(org.memberCount).to.equal(0n);
      expect(org.status).to.equal(Status.Rejected);
      expect(await f.registry.organizationOf(f.dave)).to.equal(0n);

      // Nobody administers the rejected organization any more, the old admin included.
      await expect(f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
        .withArgs(Org.Rejected, f.dave.address);
      await expect(f.registry.connect(f.dave).addMember(Org.Rejected, f.frank))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
        .withArgs(Org.Rejected, f.dave.address);
    });

    it("lets the released admin of a Rejected organization ask again with the same identity, as a new id", async () => {
      const f = await loadCommunity();
      const identity = (await f.registry.organization(Org.Rejected)).identityHash;
      await f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave2);
      await f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave);

      const [profileHash, profileURI] = profileOf("dave-again");
      const newId = (await f.registry.organizationCount()) + 1n;
      await expect(f.registry.connect(f.dave).requestJoin(identity, DE, profileHash, profileURI))
        .to.emit(f.registry, "JoinRequested")
        .withArgs(newId, identity, f.dave.address, DE, f.dave.address);
      expect(newId).to.not.equal(Org.Rejected);
      expect(await f.registry.organizationOf(f.dave)).to.equal(newId);
      expect(await f.registry.organizationByIdentity(identity)).to.equal(newId);
      expect(await f.registry.statusOf(newId)).to.equal(Status.Pending);
      expect((await f.registry.organization(newId)).admin).to.equal(f.dave.address);
      // The rejected organization stays as it was, without an admin.
      expect(await f.registry.statusOf(Org.Rejected)).to.equal(Status.Rejected);
      expect((await f.registry.organization(Org.Rejected)).admin).to.equal(ZeroAddress);
      // Its former member account is free too, and can be bound to the new organization.
      await f.registry.connect(f.dave).addMember(newId, f.dave2);
      expect(await f.registry.organizationOf(f.dave2)).to.equal(newId);
    });

    it("releases a member account of a Rejected organization", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave2))
        .to.emit(f.registry, "MemberRemoved")
        .withArgs(Org.Rejected, f.dave2.address, f.dave.address);
      expect((await f.registry.organization(Org.Rejected)).memberCount).to.equal(1n);
      expect(await f.registry.organizationOf(f.dave2)).to.equal(0n);
    });

    it("keeps memberCount in step with additions and removals", async () => {
      const f = await loadCommunity();
      const admin = f.registry.connect(f.alice);
      await admin.addMember(Org.Active, f.frank);
      await admin.addMember(Org.Active, f.grace);
      expect((await f.registry.organization(Org.Active)).memberCount).to.equal(4n);
      await admin.removeMember(Org.Active, f.frank);
      await admin.removeMember(Org.Active, f.alice2);
      expect((await f.registry.organization(Org.Active)).memberCount).to.equal(2n);
      await admin.addMember(Org.Active, f.frank);
      expect((await f.registry.organization(Org.Active)).memberCount).to.equal(3n);
    });

    describe("reverts", () => {
      shouldBehaveLikeOrganizationAdminOperation(
        loadCommunity,
        (f, caller, orgId) => f.registry.connect(caller).removeMember(orgId, f.alice2),
        { allowedWhenRejected: true },
      );

      it("when the account is bound to no organization", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).removeMember(Org.Active, f.frank))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotMemberOf")
          .withArgs(Org.Active, f.frank.address);
      });

      it("when the account belongs to another organization", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).removeMember(Org.Active, f.bob))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotMemberOf")
          .withArgs(Org.Active, f.bob.address);
      });

      it("when the account was already removed", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).removeMember(Org.Active, f.alice2);
        await expect(f.registry.connect(f.alice).removeMember(Org.Active, f.alice2))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotMemberOf")
          .withArgs(Org.Active, f.alice2.address);
      });

      it("when the account is the admin of an Active organization", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).removeMember(Org.Active, f.alice))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryCannotRemoveAdmin")
          .withArgs(Org.Active, f.alice.address);
      });

      it("when the account is the admin of an Active organization, even as its last member account", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).removeMember(Org.Active, f.alice2);
        expect((await f.registry.organization(Org.Active)).memberCount).to.equal(1n);
        await expect(f.registry.connect(f.alice).removeMember(Org.Active, f.alice))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryCannotRemoveAdmin")
          .withArgs(Org.Active, f.alice.address);
      });

      it("when the account is the admin of a Pending organization", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.carol).removeMember(Org.Pending, f.carol))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryCannotRemoveAdmin")
          .withArgs(Org.Pending, f.carol.address);
      });

      it("when the account is the admin of a Pending organization, even as its last member account", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.carol).removeMember(Org.Pending, f.carol2);
        expect((await f.registry.organization(Org.Pending)).memberCount).to.equal(1n);
        await expect(f.registry.connect(f.carol).removeMember(Org.Pending, f.carol))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryCannotRemoveAdmin")
          .withArgs(Org.Pending, f.carol.address);
      });

      it("when the account is the admin of a Rejected organization that has other member accounts", async () => {
        const f = await loadCommunity();
        expect((await f.registry.organization(Org.Rejected)).memberCount).to.equal(2n);
        await expect(f.registry.connect(f.dave).removeMember(Org.Rejected, f.dave))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryCannotRemoveAdmin")
          .withArgs(Org.Rejected, f.dave.address);
        expect((await f.registry.organization(Org.Rejected)).admin).to.equal(f.dave.address);
      });

      it("when the organization is Expelled, even for one of its own accounts", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.erin).removeMember(Org.Expelled, f.erin2))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
          .withArgs(Org.Expelled, Status.Expelled, Status.Active);
      });
    });
  });

  describe("transferAdmin", () => {
    it("hands the admin role to another member account", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.alice).transferAdmin(Org.Active, f.alice2))
        .to.emit(f.registry, "AdminTransferred")
        .withArgs(Org.Active, f.alice.address, f.alice2.address);
      const org = await f.registry.organization(Org.Active);
      expect(org.admin).to.equal(f.alice2.address);
      expect(org.memberCount).to.equal(2n);
      expect(await f.registry.organizationOf(f.alice)).to.equal(Org.Active);
    });

    it("lets the new admin act and stops the previous one", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.alice).transferAdmin(Org.Active, f.alice2);
      await expect(f.registry.connect(f.alice).addMember(Org.Active, f.frank))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
        .withArgs(Org.Active, f.alice.address);
      await expect(f.registry.connect(f.alice2).addMember(Org.Active, f.frank))
        .to.emit(f.registry, "MemberAdded")
        .withArgs(Org.Active, f.frank.address, f.alice2.address);
      // The previous admin is an ordinary member account now, so it can be removed.
      await expect(f.registry.connect(f.alice2).removeMember(Org.Active, f.alice))
        .to.emit(f.registry, "MemberRemoved")
        .withArgs(Org.Active, f.alice.address, f.alice2.address);
      expect((await f.registry.organization(Org.Active)).memberCount).to.equal(2n);
    });

    it("works for a Pending organization", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.carol).transferAdmin(Org.Pending, f.carol2))
        .to.emit(f.registry, "AdminTransferred")
        .withArgs(Org.Pending, f.carol.address, f.carol2.address);
      expect((await f.registry.organization(Org.Pending)).admin).to.equal(f.carol2.address);
    });

    describe("reverts", () => {
      shouldBehaveLikeOrganizationAdminOperation(
        loadCommunity,
        (f, caller, orgId) => f.registry.connect(caller).transferAdmin(orgId, f.alice2),
        { allowedWhenRejected: false },
      );

      it("when the new admin is bound to no organization", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).transferAdmin(Org.Active, f.frank))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotMemberOf")
          .withArgs(Org.Active, f.frank.address);
      });

      it("when the new admin belongs to another organization", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).transferAdmin(Org.Active, f.bob))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotMemberOf")
          .withArgs(Org.Active, f.bob.address);
      });

      it("when the new admin is the zero address", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).transferAdmin(Org.Active, ZeroAddress))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotMemberOf")
          .withArgs(Org.Active, ZeroAddress);
      });
    });
  });

  describe("setProfile", () => {
    const [nextHash, nextURI] = profileOf("next");

    it("edits the existing record and increments the version", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.alice).setProfile(Org.Active, nextHash, nextURI))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Active, 2n, ProfileAction.Edited, nextHash, nextURI);
      const org = await f.registry.organization(Org.Active);
      expect(org.profileHash).to.equal(nextHash);
      expect(org.profileURI).to.equal(nextURI);
      expect(org.profileVersion).to.equal(2n);
    });

    it("adds a record after a deletion", async () => {
      const f = await loadCommunity();
      await f.registry.connect(f.alice).deleteProfile(Org.Active);
      await expect(f.registry.connect(f.alice).setProfile(Org.Active, nextHash, nextURI))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Active, 3n, ProfileAction.Added, nextHash, nextURI);
      expect((await f.registry.organization(Org.Active)).profileHash).to.equal(nextHash);
    });

    it("increments the version on every add, edit and delete", async () => {
      const f = await loadCommunity();
      const admin = f.registry.connect(f.carol);
      const [hash2, uri2] = profileOf("v2");
      const [hash3, uri3] = profileOf("v3");
      const [hash5, uri5] = profileOf("v5");
      await expect(admin.setProfile(Org.Pending, hash2, uri2))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Pending, 2n, ProfileAction.Edited, hash2, uri2);
      await expect(admin.setProfile(Org.Pending, hash3, uri3))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Pending, 3n, ProfileAction.Edited, hash3, uri3);
      await expect(admin.deleteProfile(Org.Pending))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Pending, 4n, ProfileAction.Deleted, ZeroHash, "");
      await expect(admin.setProfile(Org.Pending, hash5, uri5))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Pending, 5n, ProfileAction.Added, hash5, uri5);
      const org = await f.registry.organization(Org.Pending);
      expect(org.profileVersion).to.equal(5n);
      expect(org.profileHash).to.equal(hash5);
      expect(org.profileURI).to.equal(uri5);
    });

    describe("reverts", () => {
      shouldBehaveLikeOrganizationAdminOperation(
        loadCommunity,
        (f, caller, orgId) => f.registry.connect(caller).setProfile(orgId, nextHash, nextURI),
        { allowedWhenRejected: false },
      );

      it("when the hash is zero", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).setProfile(Org.Active, ZeroHash, nextURI))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
          .withArgs("profileHash");
      });

      it("when the URI is empty", async () => {
        const f = await loadCommunity();
        await expect(f.registry.connect(f.alice).setProfile(Org.Active, nextHash, ""))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
          .withArgs("profileURI");
      });
    });
  });

  describe("deleteProfile", () => {
    it("clears the hash and the URI and emits Deleted", async () => {
      const f = await loadCommunity();
      await expect(f.registry.connect(f.alice).deleteProfile(Org.Active))
        .to.emit(f.registry, "ProfileRecordChanged")
        .withArgs(Org.Active, 2n, ProfileAction.Deleted, ZeroHash, "");
      const org = await f.registry.organization(Org.Active);
      expect(org.profileHash).to.equal(ZeroHash);
      expect(org.profileURI).to.equal("");
      expect(org.profileVersion).to.equal(2n);
      expect(org.status).to.equal(Status.Active);
    });

    describe("reverts", () => {
      shouldBehaveLikeOrganizationAdminOperation(
        loadCommunity,
        (f, caller, orgId) => f.registry.connect(caller).deleteProfile(orgId),
        { allowedWhenRejected: false },
      );

      it("when there is no profile record", async () => {
        const f = await loadCommunity();
        await f.registry.connect(f.alice).deleteProfile(Org.Active);
        await expect(f.registry.connect(f.alice).deleteProfile(Org.Active))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryNoProfile")
          .withArgs(Org.Active);
      });
    });
  });

  describe("setCountry", () => {
    const XX = countryCode("XX");

    it("adds a row and emits CountryUpdated", async () => {
      const f = await loadRegistry();
      const row = countryRow("0.4", "0.7", "0.6");
      await expect(f.registry.connect(f.governance).setCountry(XX, row))
        .to.emit(f.registry, "CountryUpdated")
        .withArgs(XX, tupleOf(row));
      expect(await f.registry.country(XX)).to.deep.equal(tupleOf(row));
      expect(await f.registry.indirectTrustOf(XX)).to.equal(indirectTrust(row));
    });

    it("replaces an existing row", async () => {
      const f = await loadRegistry();
      const row = countryRow("0.1", "0.2", "0.9", true);
      await f.registry.connect(f.governance).setCountry(DE, row);
      expect(await f.registry.country(DE)).to.deep.equal(tupleOf(row));
    });

    it("accepts scores of exactly 1e18", async () => {
      const f = await loadRegistry();
      const row = countryRow("1", "1", "1");
      await f.registry.connect(f.governance).setCountry(XX, row);
      expect(await f.registry.country(XX)).to.deep.equal(tupleOf(row));
    });

    describe("reverts", () => {
      it("when the caller is not governance", async () => {
        const f = await loadRegistry();
        await expect(f.registry.connect(f.assessor).setCountry(XX, countryRow("0.5", "0.5", "0.5")))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.assessor.address);
      });

      for (const code of ["0x6465", "0x3132", "0x0000", "0x445b"]) {
        it(`when the code is invalid (${code})`, async () => {
          const f = await loadRegistry();
          await expect(f.registry.connect(f.governance).setCountry(code, countryRow("0.5", "0.5", "0.5")))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryInvalidCountryCode")
            .withArgs(code);
        });
      }

      for (const field of ["dataPrivacy", "copyright", "cybercrime"] as const) {
        it(`when ${field} is above 1e18`, async () => {
          const f = await loadRegistry();
          const row = { ...countryRow("0.5", "0.5", "0.5"), [field]: ONE + 1n };
          await expect(f.registry.connect(f.governance).setCountry(XX, row))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryScoreOutOfRange")
            .withArgs(ONE + 1n);
        });
      }
    });
  });

  describe("setEntryCriteria", () => {
    it("replaces the criteria and emits EntryCriteriaUpdated", async () => {
      const f = await loadRegistry();
      const criteria = {
        minPreTrust: toFixed("0.4"),
        minRecommendations: 3n,
        maxRecommendations: 10n,
        minCapability: BigInt(Level.Medium),
        minLegal: BigInt(Level.High),
      };
      await expect(f.registry.connect(f.governance).setEntryCriteria(criteria))
        .to.emit(f.registry, "EntryCriteriaUpdated")
        .withArgs(criteriaTuple(criteria));
      expect(await f.registry.entryCriteria()).to.deep.equal(criteriaTuple(criteria));
    });

    it("accepts the limits: minPreTrust 1e18, maxRecommendations 64, min equal to max", async () => {
      const f = await loadRegistry();
      const criteria = criteriaWith({ minPreTrust: ONE, minRecommendations: 64n, maxRecommendations: 64n });
      await f.registry.connect(f.governance).setEntryCriteria(criteria);
      expect(await f.registry.entryCriteria()).to.deep.equal(criteriaTuple(criteria));
    });

    describe("reverts", () => {
      it("when the caller is not governance", async () => {
        const f = await loadRegistry();
        await expect(f.registry.connect(f.assessor).setEntryCriteria(criteriaWith()))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.assessor.address);
      });

      const invalid: [string, Parameters<typeof criteriaWith>[0], string][] = [
        ["minPreTrust is above 1e18", { minPreTrust: ONE + 1n }, "minPreTrust"],
        ["maxRecommendations is 0", { minRecommendations: 0n, maxRecommendations: 0n }, "maxRecommendations"],
        ["maxRecommendations is above 64", { maxRecommendations: 65n }, "maxRecommendations"],
        [
          "minRecommendations is above maxRecommendations",
          { minRecommendations: 5n, maxRecommendations: 4n },
          "minRecommendations",
        ],
      ];
      for (const [label, overrides, field] of invalid) {
        it(`when ${label}`, async () => {
          const f = await loadRegistry();
          await expect(f.registry.connect(f.governance).setEntryCriteria(criteriaWith(overrides)))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryInvalidEntryCriteria")
            .withArgs(field);
        });
      }
    });
  });

  describe("upgradeToAndCall", () => {
    it("lets governance upgrade the implementation and keeps the state", async () => {
      const f = await loadCommunity();
      const next = await ethers.deployContract("EntityRegistry");
      await expect(f.registry.connect(f.governance).upgradeToAndCall(next, "0x"))
        .to.emit(f.registry, "Upgraded")
        .withArgs(await next.getAddress());
      expect(await implementationOf(f.registry)).to.equal(await next.getAddress());
      expect(await f.registry.organizationCount()).to.equal(5n);
      expect((await f.registry.organization(Org.Active)).admin).to.equal(f.alice.address);
    });

    describe("reverts", () => {
      it("when the caller is not governance", async () => {
        const f = await loadCommunity();
        const next = await ethers.deployContract("EntityRegistry");
        await expect(f.registry.connect(f.assessor).upgradeToAndCall(next, "0x"))
          .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
          .withArgs(f.assessor.address);
      });
    });
  });

  describe("views", () => {
    describe("statusOf", () => {
      it("returns each organization's status and None for an unknown id", async () => {
        const f = await loadCommunity();
        expect(await f.registry.statusOf(0n)).to.equal(Status.None);
        expect(await f.registry.statusOf(99n)).to.equal(Status.None);
        expect(await f.registry.statusOf(Org.Active)).to.equal(Status.Active);
        expect(await f.registry.statusOf(Org.Pending)).to.equal(Status.Pending);
        expect(await f.registry.statusOf(Org.Rejected)).to.equal(Status.Rejected);
        expect(await f.registry.statusOf(Org.Expelled)).to.equal(Status.Expelled);
      });
    });

    describe("organization", () => {
      it("keeps the request's fields through the lifecycle", async () => {
        const f = await loadCommunity();
        const org = await f.registry.organization(Org.Pending);
        expect(org.identityHash).to.equal(f.candidateIdentity);
        expect(org.admin).to.equal(f.carol.address);
        expect(org.memberCount).to.equal(2n);
        expect(org.profileHash).to.equal(f.candidateProfileHash);
        expect(org.profileURI).to.equal(f.candidateProfileURI);
      });

      describe("reverts", () => {
        for (const orgId of [0n, 6n, 99n]) {
          it(`when the id is unknown (${orgId})`, async () => {
            const f = await loadCommunity();
            await expect(f.registry.organization(orgId))
              .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
              .withArgs(orgId);
          });
        }
      });
    });

    describe("isActiveMember and activeOrganizationOf", () => {
      const cases: [
        string,
        "alice" | "alice2" | "carol" | "carol2" | "dave" | "dave2" | "erin" | "erin2" | "frank",
        boolean,
      ][] = [
        ["the admin of an Active organization", "alice", true],
        ["a member account of an Active organization", "alice2", true],
        ["the admin of a Pending organization", "carol", false],
        ["a member account of a Pending organization", "carol2", false],
        ["the admin of a Rejected organization", "dave", false],
        ["a member account of a Rejected organization", "dave2", false],
        ["the admin of an Expelled organization", "erin", false],
        ["a member account of an Expelled organization", "erin2", false],
        ["an account bound to no organization", "frank", false],
      ];
      for (const [label, name, active] of cases) {
        it(`${active ? "accepts" : "rejects"} ${label}`, async () => {
          const f = await loadCommunity();
          const account = f[name];
          expect(await f.registry.isActiveMember(account)).to.equal(active);
          if (active) {
            expect(await f.registry.activeOrganizationOf(account)).to.equal(await f.registry.organizationOf(account));
          } else {
            await expect(f.registry.activeOrganizationOf(account))
              .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotActiveMember")
              .withArgs(account.address);
          }
        });
      }
    });

    describe("organizationOf and organizationByIdentity", () => {
      it("return 0 for an unbound account and an unknown identity", async () => {
        const f = await loadCommunity();
        expect(await f.registry.organizationOf(f.frank)).to.equal(0n);
        expect(await f.registry.organizationOf(ZeroAddress)).to.equal(0n);
        expect(await f.registry.organizationByIdentity(id("nobody"))).to.equal(0n);
        expect(await f.registry.organizationByIdentity(f.candidateIdentity)).to.equal(Org.Pending);
        expect(await f.registry.organizationOf(f.erin2)).to.equal(Org.Expelled);
      });
    });

    describe("recommendation and recommendersOf", () => {
      it("return an empty record and list when there is no recommendation", async () => {
        const f = await loadCommunity();
        expect(await f.registry.recommendation(Org.Pending, Org.Active)).to.deep.equal([0n, 0n, 0n]);
        expect(await f.registry.recommendersOf(Org.Pending)).to.deep.equal([]);
        expect(await f.registry.recommendersOf(99n)).to.deep.equal([]);
      });
    });

    describe("preTrustOf", () => {
      it("is zero without recommendations", async () => {
        const f = await loadCommunity();
        expect(await f.registry.preTrustOf(Org.Pending)).to.equal(0n);
      });

      describe("reverts", () => {
        it("when the organization is unknown", async () => {
          const f = await loadCommunity();
          await expect(f.registry.preTrustOf(99n))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
            .withArgs(99n);
        });
      });
    });

    describe("country and indirectTrustOf", () => {
      it("returns the mean of data privacy, copyright and 1 - cybercrime for each default country", async () => {
        const f = await loadRegistry();
        for (const entry of defaultCountries.map(toCountryEntry)) {
          const expected = indirectTrust(entry.country);
          expect(await f.registry.indirectTrustOf(entry.code)).to.equal(expected);
        }
        // DE: (0.90 + 0.85 + (1 - 0.30)) / 3 = 2.45 / 3, rounded down.
        expect(await f.registry.indirectTrustOf(DE)).to.equal((245n * 10n ** 16n) / 3n);
      });

      it("rounds down and spans [0, 1e18]", async () => {
        const f = await loadRegistry();
        const gov = f.registry.connect(f.governance);
        const best = countryCode("QA");
        const worst = countryCode("QB");
        const tiny = countryCode("QC");
        await gov.setCountry(best, countryRow("1", "1", "0"));
        await gov.setCountry(worst, countryRow("0", "0", "1"));
        await gov.setCountry(tiny, { ...countryRow("0", "0", "1"), dataPrivacy: 2n });
        expect(await f.registry.indirectTrustOf(best)).to.equal(ONE);
        expect(await f.registry.indirectTrustOf(worst)).to.equal(0n);
        // (2 + 0 + 0) / 3 = 0 in integer division.
        expect(await f.registry.indirectTrustOf(tiny)).to.equal(0n);
      });

      it("returns an all-zero row for an unlisted country", async () => {
        const f = await loadRegistry();
        expect(await f.registry.country(ZZ)).to.deep.equal([0n, 0n, 0n, false, false]);
      });

      describe("reverts", () => {
        it("when the country is not listed", async () => {
          const f = await loadRegistry();
          await expect(f.registry.indirectTrustOf(ZZ))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownCountry")
            .withArgs(ZZ);
        });

        it("when the country has scores but is marked unlisted", async () => {
          const f = await loadRegistry();
          const code = countryCode("QD");
          await f.registry
            .connect(f.governance)
            .setCountry(code, { ...countryRow("0.5", "0.5", "0.5"), listed: false });
          await expect(f.registry.indirectTrustOf(code))
            .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownCountry")
            .withArgs(code);
        });
      });
    });

    describe("entryCriteria, organizationCount, ledger, version", () => {
      it("return the deployment's values", async () => {
        const f = await loadCommunity();
        expect(await f.registry.entryCriteria()).to.deep.equal(criteriaTuple(defaultEntryCriteria));
        expect(await f.registry.organizationCount()).to.equal(5n);
        expect(await f.registry.ledger()).to.equal(await f.ledger.getAddress());
        expect(await f.registry.version()).to.equal("1.1.0");
      });
    });
  });
});
