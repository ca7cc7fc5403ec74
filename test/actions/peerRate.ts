import { expect } from "chai";
import { network } from "hardhat";

import { peerRate } from "../../src/actions/peerRate.js";
import { rate } from "../../src/actions/rate.js";
import { ONE } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import { community, evolve, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** Baseline 1 (no decay); the platform has rated beta's contribution "report" (peers rate only such ones). */
async function withoutDecay() {
  const suite = await community(connection, { trustParameters: { baseline: ONE } });
  const { ledger, governance, betaId } = suite;
  const platformRating = ratingOf(betaId, "report", ["0.8", "0.8", "0.8", "0.8"]);
  await rate({ ledger, assessor: governance, rating: platformRating });
  return { ...suite, platformRating };
}

describe("peerRate", () => {
  it("applies a rating of a platform-rated contribution, weighted by the rater organization's trust", async () => {
    const { ledger, alpha, alphaId, betaId } = await networkHelpers.loadFixture(withoutDecay);
    const [raterTrust] = await ledger.recordedTrustOf(alphaId);
    const [before] = await ledger.recordedTrustOf(betaId);
    const rating = ratingOf(betaId, "report", ["0.95", "0.9", "0.95", "0.95"]);
    const rated = await peerRate({ ledger, signer: alpha, rating });
    const { gainRate, lossRate } = await ledger.parameters();
    expect(rated.orgId).to.equal(betaId);
    expect(rated.contributionId).to.equal(rating.contributionId);
    expect(rated.rater).to.equal(alpha.address);
    expect(rated.raterOrgId).to.equal(alphaId);
    expect(rated.weight).to.equal(raterTrust);
    expect(rated.oldTrust).to.equal(before);
    expect(rated.newTrust).to.equal(evolve(before, rated.score, gainRate, lossRate, raterTrust));
    expect(rated.signal).to.equal(undefined);
    expect(await ledger.hasRated(betaId, rating.contributionId, alphaId)).to.equal(true);
  });

  it("returns the peer's low-integrity signal with the rater's organization", async () => {
    const { ledger, governance, alpha, alphaId, betaId } = await networkHelpers.loadFixture(withoutDecay);
    await rate({ ledger, assessor: governance, rating: ratingOf(betaId, "weak", ["0.6", "0.6", "0.6", "0.6"]) });
    const rating = ratingOf(betaId, "weak", ["0.5", "0.5", "0.1", "0.9"]);
    const [before] = await ledger.recordedTrustOf(betaId);
    const rated = await peerRate({ ledger, signer: alpha, rating });
    expect(rated.signal).to.deep.equal({
      orgId: betaId,
      contributionId: rating.contributionId,
      rater: alpha.address,
      raterOrgId: alphaId,
      integrity: rating.scores.integrity,
      intent: rating.scores.intent,
    });
    // Its score 0.5 lies within 0.20 of the platform's 0.6, so it counts as given, and is under beta's trust.
    expect(rated.score).to.equal(toFixed("0.5"));
    expect(before).to.be.greaterThan(toFixed("0.5"));
    expect(rated.delta).to.be.lessThan(0n);
  });

  describe("reverts", () => {
    it("when a member rates its own organization", async () => {
      const { ledger, alpha, alphaId } = await networkHelpers.loadFixture(withoutDecay);
      await expect(peerRate({ ledger, signer: alpha, rating: ratingOf(alphaId, "self", ["1", "1", "1", "1"]) }))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerSelfRating")
        .withArgs(alphaId);
    });

    it("when the platform has not rated the contribution", async () => {
      const { ledger, alpha, betaId } = await networkHelpers.loadFixture(withoutDecay);
      const rating = ratingOf(betaId, "unrated", ["1", "1", "1", "1"]);
      await expect(peerRate({ ledger, signer: alpha, rating }))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
        .withArgs(betaId, rating.contributionId);
    });

    it("when the platform rated the same contribution id of another organization", async () => {
      // The check is per organization: beta's "report" being rated makes nothing of alpha's "report" known.
      const { ledger, beta, alphaId } = await networkHelpers.loadFixture(withoutDecay);
      const rating = ratingOf(alphaId, "report", ["1", "1", "1", "1"]);
      await expect(peerRate({ ledger, signer: beta, rating }))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
        .withArgs(alphaId, rating.contributionId);
    });
  });
});
