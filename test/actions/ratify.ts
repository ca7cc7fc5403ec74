import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { castVote } from "../../src/actions/castVote.js";
import { finalize } from "../../src/actions/finalize.js";
import { ratify } from "../../src/actions/ratify.js";
import { CaseState, Status, VoteType } from "../../src/constants.js";
import { mineTo, openCase, tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

/** delta flags gamma, alpha and beta vote Expel, and voting ends: the case is Succeeded. */
async function succeeded() {
  const fixture = await deployed();
  const { penalty, ledger, alpha, beta, deltaId } = fixture;
  const [reporterTrust] = await ledger.recordedTrustOf(deltaId);
  const opened = await openCase(connection, fixture);
  await castVote({ penalty, signer: alpha, caseId: opened.caseId, support: VoteType.Expel });
  await castVote({ penalty, signer: beta, caseId: opened.caseId, support: VoteType.Expel });
  await mineTo(connection, opened.voteEnd);
  return { ...fixture, opened, reporterTrust };
}

describe("ratify", () => {
  it("confirms an expulsion: the accused is expelled and the reporter's bond released", async () => {
    const { penalty, registry, ledger, governance, opened, reporterTrust, deltaId, gammaId } =
      await networkHelpers.loadFixture(succeeded);
    const ratified = await ratify({
      penalty,
      ratifier: governance,
      caseId: opened.caseId,
      expel: true,
      reasonHash: id("ok"),
    });
    expect(ratified).to.deep.include({
      caseId: opened.caseId,
      accusedId: gammaId,
      expelled: true,
      ratified: true,
      resolution: "Executed",
      ratifier: governance.address,
      overturned: false,
      reasonHash: id("ok"),
      bondReleased: opened.bond,
      bondForfeited: undefined,
      misuse: undefined,
    });
    expect(ratified.finalized?.outcome).to.equal("Succeeded"); // nobody had finalized: ratify recorded it
    expect(await registry.statusOf(gammaId)).to.equal(Status.Expelled);
    expect(await ledger.trustOf(gammaId)).to.equal(0n);
    expect((await ledger.recordedTrustOf(deltaId))[0]).to.equal(reporterTrust);
    expect(await penalty.state(opened.caseId)).to.equal(CaseState.Executed);
  });

  it("overturns a vote to expel: the organization stays and the reporter keeps its bond", async () => {
    const { penalty, registry, ledger, governance, outsider, opened, reporterTrust, deltaId, gammaId } =
      await networkHelpers.loadFixture(succeeded);
    await finalize({ penalty, signer: outsider, caseId: opened.caseId });
    const ratified = await ratify({
      penalty,
      ratifier: governance,
      caseId: opened.caseId,
      expel: false,
      reasonHash: id("no"),
    });
    expect(ratified).to.deep.include({
      expelled: false,
      ratified: true,
      resolution: "Dismissed",
      overturned: true,
      finalized: undefined, // already recorded by finalize
      bondReleased: opened.bond, // a unanimous Expel share is no misuse
      bondForfeited: undefined,
    });
    expect(await registry.statusOf(gammaId)).to.equal(Status.Active);
    expect((await ledger.recordedTrustOf(deltaId))[0]).to.equal(reporterTrust);
  });

  describe("reverts", () => {
    it("when the caller is not the ratifier", async () => {
      const { penalty, alpha, opened } = await networkHelpers.loadFixture(succeeded);
      await expect(ratify({ penalty, ratifier: alpha, caseId: opened.caseId, expel: true, reasonHash: id("me") }))
        .to.be.revertedWithCustomError(penalty, "AccessManagedUnauthorized")
        .withArgs(alpha.address);
    });

    it("when the ratification window has closed", async () => {
      const { penalty, governance, opened } = await networkHelpers.loadFixture(succeeded);
      const { ratificationDeadline } = await penalty.getCase(opened.caseId);
      await mineTo(connection, ratificationDeadline);
      await expect(
        ratify({ penalty, ratifier: governance, caseId: opened.caseId, expel: true, reasonHash: id("late") }),
      )
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesRatificationClosed")
        .withArgs(opened.caseId, ratificationDeadline);
    });
  });
});
