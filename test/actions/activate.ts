import { expect } from "chai";
import { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { recommend } from "../../src/actions/recommend.js";
import { setEntryCriteria } from "../../src/actions/setEntryCriteria.js";
import { Level, ONE, Status } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("activate", () => {
  it("activates the candidate and returns its pre-trust and the initial trust the ledger wrote", async () => {
    const { registry, ledger, governance, alpha, beta, gammaId } = await networkHelpers.loadFixture(deployed);
    const made = [
      await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.9") }),
      await recommend({ registry, signer: beta, candidateId: gammaId, score: toFixed("0.6") }),
    ];
    const expectedPreTrust = await registry.preTrustOf(gammaId);
    // TrustMath.preTrust: the trust-weighted score sum over (W + k), W the recommenders' total trust.
    const weightedScoreSum = made.reduce((sum, r) => sum + (r.weight * r.score) / ONE, 0n);
    const weightSum = made.reduce((sum, r) => sum + r.weight, 0n);
    const { recommendationDamping } = await ledger.parameters();
    expect(expectedPreTrust).to.equal((weightedScoreSum * ONE) / (weightSum + recommendationDamping * ONE));
    const activated = await activate({
      registry,
      assessor: governance,
      orgId: gammaId,
      legal: Level.Medium,
      capability: Level.High,
    });
    expect(activated.orgId).to.equal(gammaId);
    expect([activated.legal, activated.capability]).to.deep.equal([Level.Medium, Level.High]);
    expect(activated.preTrust).to.equal(expectedPreTrust);
    expect(activated.preTrust).to.be.greaterThan(0n);
    const [recorded, updatedAt] = await ledger.recordedTrustOf(gammaId);
    expect(activated.initialTrust).to.equal(recorded);
    expect(updatedAt).to.equal(BigInt(activated.blockNumber));
    expect(await registry.statusOf(gammaId)).to.equal(BigInt(Status.Active));
    const org = await registry.organization(gammaId);
    expect([org.preTrust, org.initialTrust]).to.deep.equal([activated.preTrust, activated.initialTrust]);
  });

  describe("reverts", () => {
    it("when the candidate fails the entry criteria", async () => {
      const { registry, governance, alpha, gammaId } = await networkHelpers.loadFixture(deployed);
      await setEntryCriteria({ registry, governance, criteria: { minRecommendations: 2n } });
      await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.9") });
      await expect(
        activate({ registry, assessor: governance, orgId: gammaId, legal: Level.High, capability: Level.High }),
      )
        .to.be.revertedWithCustomError(registry, "EntityRegistryEntryCriteriaNotMet")
        .withArgs(gammaId, "recommendations", 1n, 2n);
    });

    it("when the sender does not hold the ASSESSOR role", async () => {
      const { registry, outsider, gammaId } = await networkHelpers.loadFixture(deployed);
      await expect(
        activate({ registry, assessor: outsider, orgId: gammaId, legal: Level.High, capability: Level.High }),
      )
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
