import { expect } from "chai";
import { network } from "hardhat";

import { rateBatch } from "../../src/actions/rateBatch.js";
import { ONE } from "../../src/constants.js";
import { community, evolve, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function withoutDecay() {
  return community(connection, { trustParameters: { baseline: ONE } });
}

describe("rateBatch", () => {
  it("returns the applied count, the applied ratings, the signals and the decoded skipped items", async () => {
    const { ledger, governance, alphaId, betaId, gammaId } = await networkHelpers.loadFixture(withoutDecay);
    const [alphaBefore] = await ledger.recordedTrustOf(alphaId);
    const ratings = [
      ratingOf(alphaId, "a1", ["0.9", "0.9", "0.9", "0.9"]),
      ratingOf(gammaId, "g1", ["0.9", "0.9", "0.9", "0.9"]), // gamma is Pending: skipped
      ratingOf(betaId, "b1", ["0.4", "0.4", "0.2", "0.4"]), // low integrity: signalled
      ratingOf(alphaId, "a1", ["0.1", "0.1", "0.1", "0.1"]), // same contribution again: skipped
    ];
    const batch = await rateBatch({ ledger, assessor: governance, ratings });

    expect(batch.applied).to.equal(2);
    expect(batch.rated.map((r) => [r.orgId, r.contributionId])).to.deep.equal([
      [alphaId, ratings[0].contributionId],
      [betaId, ratings[2].contributionId],
    ]);
    const { gainRate, lossRate } = await ledger.parameters();
    expect(batch.rated[0].oldTrust).to.equal(alphaBefore);
    expect(batch.rated[0].newTrust).to.equal(evolve(alphaBefore, batch.rated[0].score, gainRate, lossRate, ONE));
    expect(batch.signals.map((s) => [s.orgId, s.raterOrgId, s.integrity])).to.deep.equal([
      [betaId, 0n, ratings[2].scores.integrity],
    ]);
    expect(batch.skipped).to.deep.equal([
      {
        index: 1,
        orgId: gammaId,
        contributionId: ratings[1].contributionId,
        selector: ledger.interface.getError("TrustLedgerInactiveOrganization")!.selector,
        error: "TrustLedgerInactiveOrganization",
      },
      {
        index: 3,
        orgId: alphaId,
        contributionId: ratings[3].contributionId,
        selector: ledger.interface.getError("TrustLedgerAlreadyRated")!.selector,
        error: "TrustLedgerAlreadyRated",
      },
    ]);
    // The skipped duplicate did not move alpha's trust.
    expect((await ledger.recordedTrustOf(alphaId))[0]).to.equal(batch.rated[0].newTrust);
  });

  describe("reverts", () => {
    it("when the sender does not hold the ASSESSOR role", async () => {
      const { ledger, outsider, alphaId } = await networkHelpers.loadFixture(withoutDecay);
      await expect(rateBatch({ ledger, assessor: outsider, ratings: [ratingOf(alphaId, "x", ["1", "1", "1", "1"])] }))
        .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
