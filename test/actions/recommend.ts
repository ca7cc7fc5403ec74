import { expect } from "chai";
import { network } from "hardhat";

import { recommend } from "../../src/actions/recommend.js";
import { toFixed } from "../../src/fixedPoint.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("recommend", () => {
  it("returns the recommender organization and its trust as the weight", async () => {
    const { registry, ledger, alpha, alphaId, gammaId } = await networkHelpers.loadFixture(deployed);
    const made = await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.8") });
    expect(made.candidateId).to.equal(gammaId);
    expect(made.recommenderId).to.equal(alphaId);
    expect(made.score).to.equal(toFixed("0.8"));
    expect(made.weight).to.equal(await ledger.trustOf(alphaId, { blockTag: made.blockNumber }));
    const stored = await registry.recommendation(gammaId, alphaId);
    expect([stored.score, stored.weight, stored.recommendedAt]).to.deep.equal([
      made.score,
      made.weight,
      BigInt(made.blockNumber),
    ]);
  });

  describe("reverts", () => {
    it("when the recommender organization already recommended the candidate", async () => {
      const { registry, alpha, alphaId, gammaId } = await networkHelpers.loadFixture(deployed);
      await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.8") });
      await expect(recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.5") }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryAlreadyRecommended")
        .withArgs(gammaId, alphaId);
    });
  });
});
