import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { castVote } from "../../src/actions/castVote.js";
import { flag } from "../../src/actions/flag.js";
import { getCase } from "../../src/actions/getCase.js";
import { ratify } from "../../src/actions/ratify.js";
import { ONE, VoteType } from "../../src/constants.js";
import { mineTo, tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

/** delta flags gamma with reason 4. */
async function flagged() {
  const fixture = await deployed();
  const { penalty, delta, gammaId } = fixture;
  const opened = await flag({ penalty, signer: delta, accusedId: gammaId, reasonCode: 4, evidenceHash: id("ev") });
  return { ...fixture, opened };
}

describe("getCase", () => {
  it("returns a new case's record, deadlines and bond, Pending until voting opens", async () => {
    const { penalty, delta, deltaId, gammaId, opened } = await networkHelpers.loadFixture(flagged);
    const { ratificationWindow, expelThreshold, misuseThreshold } = await penalty.parameters();
    const c = await getCase({ penalty, caseId: opened.caseId });
    expect(c).to.deep.include({
      caseId: opened.caseId,
      blockNumber: opened.blockNumber,
      state: "Pending",
      accusedId: gammaId,
      reporterId: deltaId,
      reporter: delta.address,
      reasonCode: 4,
      evidenceHash: id("ev"),
      snapshot: opened.snapshot,
      voteStart: opened.voteStart,
      voteEnd: opened.voteEnd,
      ratificationDeadline: opened.voteEnd + ratificationWindow,
      resolvedAt: 0n,
      bond: opened.bond,
      quorum: opened.quorum,
      expelWeight: 0n,
      keepWeight: 0n,
      abstainWeight: 0n,
      castWeight: 0n,
      expelShare: 0n,
      expelThreshold,
      misuseThreshold,
      voteOutcome: undefined,
      finalized: false,
      ratified: false,
    });
  });

  it("follows the case through voting, its outcome and its resolution", async () => {
    const { penalty, governance, alpha, beta, opened } = await networkHelpers.loadFixture(flagged);
    const caseId = opened.caseId;
    await mineTo(connection, opened.voteStart);
    expect((await getCase({ penalty, caseId })).state).to.equal("Active");
    const expel = await castVote({ penalty, signer: alpha, caseId, support: VoteType.Expel });
    const keep = await castVote({ penalty, signer: beta, caseId, support: VoteType.Keep });
    await mineTo(connection, opened.voteEnd + 1n);
    const concluded = await getCase({ penalty, caseId });
    expect(concluded).to.deep.include({
      expelWeight: expel.weight,
      keepWeight: keep.weight,
      castWeight: expel.weight + keep.weight,
      expelShare: (expel.weight * ONE) / (expel.weight + keep.weight),
    });
    // getCase's own reading of the vote agrees with the contract's state.
    expect(concluded.voteOutcome).to.equal(concluded.state);
    expect(concluded.expelShare >= concluded.expelThreshold).to.equal(concluded.state === "Succeeded");
    const decision = concluded.voteOutcome === "Succeeded";
    const ratified = await ratify({ penalty, ratifier: governance, caseId, expel: !decision, reasonHash: id("r") });
    const resolved = await getCase({ penalty, caseId });
    expect(resolved).to.deep.include({
      state: decision ? "Dismissed" : "Executed",
      voteOutcome: concluded.voteOutcome, // overturned: the vote said otherwise
      resolvedAt: BigInt(ratified.blockNumber),
      finalized: true,
      ratified: true,
    });
  });

  it("reads a case as of a past block", async () => {
    const { penalty, opened } = await networkHelpers.loadFixture(flagged);
    await mineTo(connection, opened.voteEnd + 1n);
    expect((await getCase({ penalty, caseId: opened.caseId })).state).to.equal("Defeated");
    const past = await getCase({ penalty, caseId: opened.caseId, blockTag: Number(opened.voteStart) });
    expect(past).to.deep.include({ state: "Active", blockNumber: Number(opened.voteStart), voteOutcome: undefined });
  });

  describe("reverts", () => {
    it("when no case has the id", async () => {
      const { penalty } = await networkHelpers.loadFixture(flagged);
      await expect(getCase({ penalty, caseId: 99n }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnknownCase")
        .withArgs(99n);
    });
  });
});
