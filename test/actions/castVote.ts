import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { castVote } from "../../src/actions/castVote.js";
import { flag } from "../../src/actions/flag.js";
import { rate } from "../../src/actions/rate.js";
import { CaseState, VoteType } from "../../src/constants.js";
import { mineTo, openCase, ratingOf, tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

describe("castVote", () => {
  it("counts the organization's trust at the case's snapshot for the chosen side", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, ledger, beta, betaId } = fixture;
    const opened = await openCase(connection, fixture);
    const vote = await castVote({ penalty, signer: beta, caseId: opened.caseId, support: VoteType.Expel });
    expect(vote).to.deep.include({
      caseId: opened.caseId,
      voterOrgId: betaId,
      voter: beta.address,
      support: "Expel",
    });
    expect(vote.weight).to.equal(await ledger.trustAt(betaId, opened.snapshot));
    expect(vote.weight).to.equal((await ledger.recordedTrustOf(betaId))[0]); // no decay: unchanged since
    const tallies = await penalty.getCase(opened.caseId);
    expect([tallies.expelWeight, tallies.keepWeight, tallies.abstainWeight]).to.deep.equal([vote.weight, 0n, 0n]);
    expect(await penalty.hasVoted(opened.caseId, betaId)).to.equal(true);
  });

  it("adds Keep and Abstain weights to their own tallies", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, alpha, beta } = fixture;
    const opened = await openCase(connection, fixture);
    const keep = await castVote({ penalty, signer: alpha, caseId: opened.caseId, support: VoteType.Keep });
    const abstain = await castVote({ penalty, signer: beta, caseId: opened.caseId, support: VoteType.Abstain });
    expect([keep.support, abstain.support]).to.deep.equal(["Keep", "Abstain"]);
    const tallies = await penalty.getCase(opened.caseId);
    expect([tallies.expelWeight, tallies.keepWeight, tallies.abstainWeight]).to.deep.equal([
      0n,
      keep.weight,
      abstain.weight,
    ]);
  });

  it("ignores trust the voter gained after the flag", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, ledger, governance, beta, betaId } = fixture;
    const opened = await openCase(connection, fixture);
    const before = await ledger.trustAt(betaId, opened.snapshot);
    const rated = await rate({ ledger, assessor: governance, rating: ratingOf(betaId, "late", ["1", "1", "1", "1"]) });
    expect(rated.newTrust).to.be.greaterThan(before);
    const vote = await castVote({ penalty, signer: beta, caseId: opened.caseId, support: VoteType.Keep });
    expect(vote.weight).to.equal(before);
  });

  it("lets every organization but the accused vote on a case the platform opened (no reporter organization)", async () => {
    const { penalty, ledger, governance, delta, deltaId, gammaId } = await networkHelpers.loadFixture(deployed);
    const lowIntegrity = ratingOf(gammaId, "platform-flag", ["0.9", "0.9", "0", "0.9"]);
    await rate({ ledger, assessor: governance, rating: lowIntegrity });
    const caseId = await penalty.openCaseOf(gammaId);
    const opened = await penalty.getCase(caseId);
    expect(opened.reporterId).to.equal(0n);
    await mineTo(connection, opened.voteStart);
    const vote = await castVote({ penalty, signer: delta, caseId, support: VoteType.Expel });
    expect(vote).to.deep.include({ caseId, voterOrgId: deltaId, support: "Expel" });
    expect(vote.weight).to.equal(await ledger.trustAt(deltaId, opened.snapshot));
  });

  describe("reverts", () => {
    it("when voting has not started", async () => {
      const { penalty, alpha, beta, gammaId } = await networkHelpers.loadFixture(deployed);
      const flagged = await flag({ penalty, signer: alpha, accusedId: gammaId, reasonCode: 1, evidenceHash: id("e") });
      await expect(castVote({ penalty, signer: beta, caseId: flagged.caseId, support: VoteType.Expel }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnexpectedState")
        .withArgs(flagged.caseId, CaseState.Pending, CaseState.Active);
    });

    it("when another account of the same organization already voted", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, alpha, spare, alphaId } = fixture;
      const opened = await openCase(connection, fixture);
      await castVote({ penalty, signer: alpha, caseId: opened.caseId, support: VoteType.Expel });
      await expect(castVote({ penalty, signer: spare, caseId: opened.caseId, support: VoteType.Keep }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAlreadyVoted")
        .withArgs(opened.caseId, alphaId);
    });

    it("when the reporter organization votes on the case it opened", async () => {
      // Its flag is its say and its bond its stake; an Expel vote of its own would shield it from the misuse inquiry.
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, delta, deltaId } = fixture;
      const opened = await openCase(connection, fixture);
      expect(opened.reporterId).to.equal(deltaId);
      await expect(castVote({ penalty, signer: delta, caseId: opened.caseId, support: VoteType.Expel }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterCannotVote")
        .withArgs(opened.caseId, deltaId);
      expect(await penalty.hasVoted(opened.caseId, deltaId)).to.equal(false);
    });

    it("when the accused organization votes", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, gamma, gammaId } = fixture;
      const opened = await openCase(connection, fixture);
      await expect(castVote({ penalty, signer: gamma, caseId: opened.caseId, support: VoteType.Keep }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAccusedCannotVote")
        .withArgs(opened.caseId, gammaId);
    });
  });
});
