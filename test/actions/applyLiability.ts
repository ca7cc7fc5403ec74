import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { applyLiability } from "../../src/actions/applyLiability.js";
import { castVote } from "../../src/actions/castVote.js";
import { ratify } from "../../src/actions/ratify.js";
import { CaseState, ONE, VoteType } from "../../src/constants.js";
import { mineTo, openCase, tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** gamma (recommended by alpha and beta) is flagged, voted out and expelled by the ratifier. */
async function expelled() {
  const fixture = await tribunal(connection);
  const { penalty, governance, alpha, beta } = fixture;
  const opened = await openCase(connection, fixture);
  await castVote({ penalty, signer: alpha, caseId: opened.caseId, support: VoteType.Expel });
  await castVote({ penalty, signer: beta, caseId: opened.caseId, support: VoteType.Expel });
  await mineTo(connection, opened.voteEnd);
  await ratify({ penalty, ratifier: governance, caseId: opened.caseId, expel: true, reasonHash: id("out") });
  return { ...fixture, caseId: opened.caseId };
}

/** gamma is flagged and nobody votes: the case is dismissed after the deadline. */
async function dismissed() {
  const fixture = await tribunal(connection);
  const { penalty, governance } = fixture;
  const opened = await openCase(connection, fixture);
  await mineTo(connection, opened.voteEnd);
  await ratify({ penalty, ratifier: governance, caseId: opened.caseId, expel: false, reasonHash: id("stay") });
  return { ...fixture, caseId: opened.caseId };
}

describe("applyLiability", () => {
  it("takes the liability share of a recommender's trust and returns its trust before and after", async () => {
    const { penalty, ledger, outsider, caseId, betaId } = await networkHelpers.loadFixture(expelled);
    const [before] = await ledger.recordedTrustOf(betaId);
    const { liabilityShare } = await penalty.parameters();
    const applied = await applyLiability({ penalty, ledger, signer: outsider, caseId, recommenderId: betaId });
    const amount = (before * liabilityShare) / ONE;
    expect(amount).to.be.greaterThan(0n);
    expect(applied).to.deep.include({
      caseId,
      recommenderId: betaId,
      amount,
      trustBefore: before,
      trustAfter: before - amount,
    });
    expect((await ledger.recordedTrustOf(betaId))[0]).to.equal(before - amount);
  });

  it("applies each recommender's liability separately", async () => {
    const { penalty, ledger, outsider, caseId, alphaId, betaId } = await networkHelpers.loadFixture(expelled);
    const [betaBefore] = await ledger.recordedTrustOf(betaId);
    const alpha = await applyLiability({ penalty, ledger, signer: outsider, caseId, recommenderId: alphaId });
    expect(alpha.recommenderId).to.equal(alphaId);
    expect(alpha.trustAfter).to.be.lessThan(alpha.trustBefore);
    expect((await ledger.recordedTrustOf(betaId))[0]).to.equal(betaBefore);
  });

  describe("reverts", () => {
    it("when it was already applied to this recommender", async () => {
      const { penalty, ledger, outsider, caseId, betaId } = await networkHelpers.loadFixture(expelled);
      await applyLiability({ penalty, ledger, signer: outsider, caseId, recommenderId: betaId });
      await expect(applyLiability({ penalty, ledger, signer: outsider, caseId, recommenderId: betaId }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesLiabilityAlreadyApplied")
        .withArgs(caseId, betaId);
    });

    it("when the organization did not recommend the expelled one", async () => {
      const { penalty, ledger, outsider, caseId, gammaId } = await networkHelpers.loadFixture(expelled);
      await expect(applyLiability({ penalty, ledger, signer: outsider, caseId, recommenderId: gammaId }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesNotLiable")
        .withArgs(caseId, gammaId);
    });

    it("when the case did not expel", async () => {
      const { penalty, ledger, outsider, caseId, alphaId } = await networkHelpers.loadFixture(dismissed);
      await expect(applyLiability({ penalty, ledger, signer: outsider, caseId, recommenderId: alphaId }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnexpectedState")
        .withArgs(caseId, CaseState.Dismissed, CaseState.Executed);
    });
  });
});
