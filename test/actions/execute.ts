import { expect } from "chai";
import { network } from "hardhat";

import { castVote } from "../../src/actions/castVote.js";
import { execute } from "../../src/actions/execute.js";
import { Status, VoteType } from "../../src/constants.js";
import { mineTo, openCase, tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

/** delta flags gamma, alpha and beta both vote `support` (or nobody votes, with no `support`); voting ends. */
async function votedBy(support?: number) {
  const fixture = await deployed();
  const { penalty, ledger, alpha, beta, deltaId } = fixture;
  const [reporterTrust] = await ledger.recordedTrustOf(deltaId);
  const opened = await openCase(connection, fixture);
  if (support !== undefined) {
    for (const signer of [alpha, beta]) await castVote({ penalty, signer, caseId: opened.caseId, support });
  }
  await mineTo(connection, opened.voteEnd);
  const { ratificationDeadline, expelWeight, keepWeight, abstainWeight } = await penalty.getCase(opened.caseId);
  const cast = expelWeight + keepWeight + abstainWeight;
  return { ...fixture, opened, reporterTrust, ratificationDeadline, cast };
}

const kept = () => votedBy(VoteType.Keep);
const expelled = () => votedBy(VoteType.Expel);
const unvoted = () => votedBy();

describe("execute", () => {
  it("dismisses a kept case after the ratifier's silence; a misuse forfeits the reporter's bond", async () => {
    const { penalty, registry, ledger, outsider, opened, reporterTrust, ratificationDeadline, cast, deltaId, gammaId } =
      await networkHelpers.loadFixture(kept);
    // The vote reached its quorum: it is a verdict on the flag, which the misuse inquiry may judge.
    expect(cast).to.be.greaterThanOrEqual(opened.quorum);
    await mineTo(connection, ratificationDeadline);
    const executed = await execute({ penalty, signer: outsider, caseId: opened.caseId });
    expect(executed).to.deep.include({
      caseId: opened.caseId,
      accusedId: gammaId,
      expelled: false,
      ratified: false,
      resolution: "Dismissed",
      executor: outsider.address,
      bondReleased: undefined,
    });
    expect(executed.finalized?.outcome).to.equal("Defeated");
    expect(executed.bondForfeited).to.deep.equal({ amount: opened.bond, expelShare: 0n });
    const { maxMisuses } = await penalty.parameters();
    expect(maxMisuses).to.be.greaterThan(1n); // so one misuse does not bar yet
    expect(executed.misuse).to.deep.equal({ reporterId: deltaId, misuses: 1n, barredUntil: 0n });
    expect((await penalty.reporterRecord(deltaId)).misuses).to.equal(1n);
    expect((await ledger.recordedTrustOf(deltaId))[0]).to.equal(reporterTrust - opened.bond);
    expect(await registry.statusOf(gammaId)).to.equal(Status.Active);
  });

  it("dismisses a case nobody voted on and releases the bond: a vote short of its quorum is no verdict", async () => {
    const { penalty, ledger, outsider, opened, reporterTrust, ratificationDeadline, cast, deltaId } =
      await networkHelpers.loadFixture(unvoted);
    expect(cast).to.equal(0n);
    expect(opened.quorum).to.be.greaterThan(0n);
    await mineTo(connection, ratificationDeadline);
    const executed = await execute({ penalty, signer: outsider, caseId: opened.caseId });
    expect(executed).to.deep.include({
      expelled: false,
      resolution: "Dismissed",
      bondReleased: opened.bond,
      bondForfeited: undefined,
      misuse: undefined,
    });
    expect(executed.finalized?.outcome).to.equal("Defeated");
    expect((await penalty.reporterRecord(deltaId)).misuses).to.equal(0n);
    expect((await ledger.recordedTrustOf(deltaId))[0]).to.equal(reporterTrust);
  });

  it("expels after the ratifier's silence when the vote succeeded", async () => {
    const { penalty, registry, outsider, opened, ratificationDeadline, gammaId } =
      await networkHelpers.loadFixture(expelled);
    await mineTo(connection, ratificationDeadline);
    const executed = await execute({ penalty, signer: outsider, caseId: opened.caseId });
    expect(executed).to.deep.include({ expelled: true, ratified: false, resolution: "Executed" });
    expect(executed.bondReleased).to.equal(opened.bond);
    expect(await registry.statusOf(gammaId)).to.equal(Status.Expelled);
  });

  describe("reverts", () => {
    it("when the ratification window is still open", async () => {
      const { penalty, outsider, opened, ratificationDeadline } = await networkHelpers.loadFixture(kept);
      await expect(execute({ penalty, signer: outsider, caseId: opened.caseId }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesRatificationOpen")
        .withArgs(opened.caseId, ratificationDeadline);
    });
  });
});
