import { expect } from "chai";
import { network } from "hardhat";

import { peerRate } from "../../src/actions/peerRate.js";
import { ONE } from "../../src/constants.js";
import { community, evolve, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function withoutDecay() {
  return community(connection, { trustParameters: { baseline: ONE } });
}

describe("peerRate", () => {
  it("applies a rating weighted by the rater organization's trust", async () => {
    const { ledger, alpha, alphaId, betaId } = await networkHelpers.loadFixture(withoutDecay);
    const [raterTrust] = await ledger.recordedTrustOf(alphaId);
    const [before] = await ledger.recordedTrustOf(betaId);
    const rating = ratingOf(betaId, "peer", ["0.95", "0.9", "0.95", "0.95"]);
    const rated = await peerRate({ ledger, signer: alpha, rating });
    const { gainRate, lossRate } = await ledger.parameters();
    expect(rated.orgId).to.equal(betaId);
    expect(rated.rater).to.equal(alpha.address);
    expect(rated.raterOrgId).to.equal(alphaId);
    expect(rated.weight).to.equal(raterTrust);
    expect(rated.oldTrust).to.equal(before);
    expect(rated.newTrust).to.equal(evolve(before, rated.score, gainRate, lossRate, raterTrust));
    expect(rated.signal).to.equal(undefined);
    expect(await ledger.hasRated(betaId, rating.contributionId, alphaId)).to.equal(true);
  });

  describe("reverts", () => {
    it("when a member rates its own organization", async () => {
      const { ledger, alpha, alphaId } = await networkHelpers.loadFixture(withoutDecay);
      await expect(peerRate({ ledger, signer: alpha, rating: ratingOf(alphaId, "self", ["1", "1", "1", "1"]) }))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerSelfRating")
        .withArgs(alphaId);
    });
  });
});
