import { expect } from "chai";
import { network } from "hardhat";

import { rate } from "../../src/actions/rate.js";
import { ONE } from "../../src/constants.js";
import { community, evolve, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** Baseline 1: trust never decays, so the trust before a rating is exactly the recorded value. */
async function withoutDecay() {
  return community(connection, { trustParameters: { baseline: ONE } });
}

async function withDefaults() {
  return community(connection);
}

describe("rate", () => {
  it("moves trust towards the score and returns the change", async () => {
    const { ledger, governance, alphaId } = await networkHelpers.loadFixture(withoutDecay);
    const [before] = await ledger.recordedTrustOf(alphaId);
    const rating = ratingOf(alphaId, "good", ["0.9", "0.8", "0.95", "0.95"]);
    const rated = await rate({ ledger, assessor: governance, rating });
    const { gainRate, lossRate } = await ledger.parameters();
    expect(rated.orgId).to.equal(alphaId);
    expect(rated.contributionId).to.equal(rating.contributionId);
    expect(rated.rater).to.equal(governance.address);
    expect(rated.raterOrgId).to.equal(0n);
    expect(rated.weight).to.equal(ONE);
    expect(rated.score).to.equal(await ledger.scoreOf(rating.scores));
    expect(rated.oldTrust).to.equal(before);
    expect(rated.newTrust).to.equal(evolve(before, rated.score, gainRate, lossRate, ONE));
    expect(rated.newTrust).to.be.greaterThan(before);
    expect(rated.delta).to.equal(rated.newTrust - rated.oldTrust);
    expect((await ledger.recordedTrustOf(alphaId))[0]).to.equal(rated.newTrust);
    expect(rated.signal).to.equal(undefined);
  });

  it("returns the low-integrity signal of a rating under the flag threshold", async () => {
    const { ledger, governance, betaId } = await networkHelpers.loadFixture(withoutDecay);
    const rating = ratingOf(betaId, "bad", ["0.5", "0.5", "0.1", "0.9"]);
    const rated = await rate({ ledger, assessor: governance, rating });
    expect(rated.signal).to.deep.equal({
      orgId: betaId,
      contributionId: rating.contributionId,
      rater: governance.address,
      raterOrgId: 0n,
      integrity: rating.scores.integrity,
      intent: rating.scores.intent,
    });
    expect(rated.delta).to.be.lessThan(0n);
  });

  it("reads the trust before the rating with decay included", async () => {
    const { ledger, governance, alphaId } = await networkHelpers.loadFixture(withDefaults);
    const [recorded] = await ledger.recordedTrustOf(alphaId);
    await networkHelpers.mine(100_000);
    const rated = await rate({ ledger, assessor: governance, rating: ratingOf(alphaId, "late", ["1", "1", "1", "1"]) });
    const { baseline } = await ledger.parameters();
    expect(rated.oldTrust).to.be.lessThan(recorded);
    expect(rated.oldTrust).to.be.greaterThan(baseline);
    expect((await ledger.recordedTrustOf(alphaId))[0]).to.equal(rated.newTrust);
  });

  describe("reverts", () => {
    it("when the contribution was already rated by the platform", async () => {
      const { ledger, governance, alphaId } = await networkHelpers.loadFixture(withoutDecay);
      const rating = ratingOf(alphaId, "twice", ["0.9", "0.9", "0.9", "0.9"]);
      await rate({ ledger, assessor: governance, rating });
      await expect(rate({ ledger, assessor: governance, rating }))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerAlreadyRated")
        .withArgs(alphaId, rating.contributionId, 0n);
    });
  });
});
