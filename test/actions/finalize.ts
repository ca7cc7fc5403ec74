import { expect } from "chai";
import { network } from "hardhat";

import { castVote } from "../../src/actions/castVote.js";
import { finalize } from "../../src/actions/finalize.js";
import { CaseState, VoteType } from "../../src/constants.js";
import { mineTo, openCase, tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

describe("finalize", () => {
  it("records a Succeeded outcome with its tallies once voting has ended", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, alpha, beta, outsider } = fixture;
    const opened = await openCase(connection, fixture);
    const expel = await castVote({ penalty, signer: alpha, caseId: opened.caseId, support: VoteType.Expel });
    const abstain = await castVote({ penalty, signer: beta, caseId: opened.caseId, support: VoteType.Abstain });
    await mineTo(connection, opened.voteEnd);
    const finalized = await finalize({ penalty, signer: outsider, caseId: opened.caseId });
    expect(finalized).to.deep.include({
      caseId: opened.caseId,
      outcome: "Succeeded",
      expelWeight: expel.weight,
      keepWeight: 0n,
      abstainWeight: abstain.weight,
      quorum: opened.quorum,
    });
    expect(expel.weight + abstain.weight).to.be.greaterThanOrEqual(opened.quorum);
    expect((await penalty.getCase(opened.caseId)).finalized).to.equal(true);
    expect(await penalty.state(opened.caseId)).to.equal(CaseState.Succeeded); // recorded, not resolved
  });

  it("records a Defeated outcome when nobody voted (quorum not reached)", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, outsider } = fixture;
    const opened = await openCase(connection, fixture);
    await mineTo(connection, opened.voteEnd);
    const finalized = await finalize({ penalty, signer: outsider, caseId: opened.caseId });
    expect(finalized).to.deep.include({ outcome: "Defeated", expelWeight: 0n, keepWeight: 0n, abstainWeight: 0n });
    expect(opened.quorum).to.be.greaterThan(0n);
  });

  describe("reverts", () => {
    it("when voting is still open", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, outsider } = fixture;
      const opened = await openCase(connection, fixture);
      await expect(finalize({ penalty, signer: outsider, caseId: opened.caseId }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnexpectedState")
        .withArgs(opened.caseId, CaseState.Active, CaseState.Succeeded);
    });

    it("when the outcome was already recorded", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, outsider } = fixture;
      const opened = await openCase(connection, fixture);
      await mineTo(connection, opened.voteEnd);
      await finalize({ penalty, signer: outsider, caseId: opened.caseId });
      await expect(finalize({ penalty, signer: outsider, caseId: opened.caseId }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAlreadyFinalized")
        .withArgs(opened.caseId);
    });
  });
});
