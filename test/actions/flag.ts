import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { flag } from "../../src/actions/flag.js";
import { ONE } from "../../src/constants.js";
import { tribunal } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

describe("flag", () => {
  it("opens a case and returns its id, voting window, quorum and the bond taken from the reporter", async () => {
    const { penalty, ledger, alpha, alphaId, gammaId } = await networkHelpers.loadFixture(deployed);
    const [trustBefore] = await ledger.recordedTrustOf(alphaId);
    const p = await penalty.parameters();
    const flagged = await flag({ penalty, signer: alpha, accusedId: gammaId, reasonCode: 7, evidenceHash: id("ev") });
    const block = BigInt(flagged.blockNumber);
    expect(flagged).to.deep.include({
      caseId: 1n,
      accusedId: gammaId,
      reporterId: alphaId,
      reporter: alpha.address,
      reasonCode: 7,
      evidenceHash: id("ev"),
      snapshot: block - 1n,
      voteStart: block + p.votingDelay,
      voteEnd: block + p.votingDelay + p.votingPeriod,
    });
    expect(await penalty.caseCount()).to.equal(flagged.caseId);
    expect(await penalty.openCaseOf(gammaId)).to.equal(flagged.caseId);
    expect(flagged.bond).to.equal((trustBefore * p.bondShare) / ONE);
    expect(flagged.bond).to.be.greaterThan(0n);
    expect((await ledger.recordedTrustOf(alphaId))[0]).to.equal(trustBefore - flagged.bond);
    const totalAtSnapshot = await ledger.totalTrustAt(flagged.snapshot);
    expect(flagged.quorum).to.equal((totalAtSnapshot * p.quorumShare) / ONE);
    expect(flagged.quorum).to.be.greaterThan(0n);
    expect(flagged.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(flagged.gasUsed).to.be.greaterThan(0n);
  });

  it("flags for the organization of a member account that is not its admin", async () => {
    const { penalty, spare, alphaId, betaId } = await networkHelpers.loadFixture(deployed);
    const flagged = await flag({ penalty, signer: spare, accusedId: betaId, reasonCode: 2, evidenceHash: id("x") });
    expect(flagged.reporterId).to.equal(alphaId);
    expect(flagged.reporter).to.equal(spare.address);
  });

  describe("reverts", () => {
    it("when the signer flags its own organization", async () => {
      const { penalty, alpha, alphaId } = await networkHelpers.loadFixture(deployed);
      await expect(flag({ penalty, signer: alpha, accusedId: alphaId, reasonCode: 1, evidenceHash: id("self") }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesSelfFlag")
        .withArgs(alphaId);
    });

    it("when the organization already has an open case", async () => {
      const { penalty, alpha, beta, gammaId } = await networkHelpers.loadFixture(deployed);
      const first = await flag({ penalty, signer: alpha, accusedId: gammaId, reasonCode: 1, evidenceHash: id("1") });
      await expect(flag({ penalty, signer: beta, accusedId: gammaId, reasonCode: 1, evidenceHash: id("2") }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesCaseAlreadyOpen")
        .withArgs(gammaId, first.caseId);
    });

    it("when the signer is not a member account of an Active organization", async () => {
      const { penalty, outsider, gammaId } = await networkHelpers.loadFixture(deployed);
      await expect(flag({ penalty, signer: outsider, accusedId: gammaId, reasonCode: 1, evidenceHash: id("o") }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesNotActiveMember")
        .withArgs(outsider.address);
    });
  });
});
