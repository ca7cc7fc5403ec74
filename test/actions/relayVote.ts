import { expect } from "chai";
import { network } from "hardhat";

import { addMember } from "../../src/actions/addMember.js";
import { relayVote } from "../../src/actions/relayVote.js";
import { signVote } from "../../src/actions/signVote.js";
import { VoteType } from "../../src/constants.js";
import { describeError } from "../../src/errors.js";
import { openCase, tribunal } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("relayVote", () => {
  it("counts the vote of a member with no funds for its organization; the relayer pays", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, ledger, outsider, officer, betaId } = fixture;
    const opened = await openCase(connection, fixture);
    expect(await ethers.provider.getBalance(officer.address)).to.equal(0n);
    const relayerBalance = await ethers.provider.getBalance(outsider.address);
    const { ballot, signature } = await signVote({ penalty, voter: officer, caseId: opened.caseId, support: 1 });
    const relayed = await relayVote({ penalty, relayer: outsider, ballot, signature });
    expect(relayed).to.deep.include({
      caseId: opened.caseId,
      voterOrgId: betaId,
      voter: officer.address,
      relayer: outsider.address,
      support: "Expel",
    });
    expect(relayed.weight).to.equal(await ledger.trustAt(betaId, opened.snapshot));
    expect((await penalty.getCase(opened.caseId)).expelWeight).to.equal(relayed.weight);
    expect(await penalty.nonces(officer.address)).to.equal(ballot.nonce + 1n);
    expect(await ethers.provider.getBalance(officer.address)).to.equal(0n);
    expect(await ethers.provider.getBalance(outsider.address)).to.be.lessThan(relayerBalance);
  });

  it("counts the vote of a contract wallet (ERC-1271) whose owner signed for it", async () => {
    const fixture = await networkHelpers.loadFixture(deployed);
    const { penalty, registry, beta, outsider, spare, betaId } = fixture;
    const wallet = await ethers.deployContract("ERC1271WalletMock", [outsider.address]);
    const account = await wallet.getAddress();
    await addMember({ registry, admin: beta, orgId: betaId, account });
    const opened = await openCase(connection, fixture);
    const signed = await signVote({ penalty, voter: outsider, account, caseId: opened.caseId, support: 0 });
    expect(signed.ballot.voter).to.equal(account);
    const relayed = await relayVote({ penalty, relayer: spare, ...signed });
    expect(relayed).to.deep.include({ voter: account, voterOrgId: betaId, support: "Keep" });
  });

  describe("reverts", () => {
    it("when the same signed ballot is submitted again, with a decodable error", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, registry, ledger, manager, outsider, spare, officer } = fixture;
      const opened = await openCase(connection, fixture);
      const signed = await signVote({ penalty, voter: officer, caseId: opened.caseId, support: VoteType.Keep });
      await relayVote({ penalty, relayer: outsider, ...signed });
      const replay = relayVote({ penalty, relayer: spare, ...signed });
      await expect(replay).to.be.revertedWithCustomError(penalty, "PenaltyCasesInvalidSignature").withArgs(officer);
      const error = await failureOf(relayVote({ penalty, relayer: spare, ...signed }));
      expect(describeError(error, [registry, ledger, manager, penalty])).to.equal(
        `PenaltyCasesInvalidSignature(voter: ${officer.address})`,
      );
    });

    it("when the ballot's deadline has passed", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, outsider, officer } = fixture;
      const opened = await openCase(connection, fixture);
      const latest = await ethers.provider.getBlock("latest");
      const deadline = BigInt(latest!.timestamp) + 10n;
      const signed = await signVote({ penalty, voter: officer, caseId: opened.caseId, support: 1, deadline });
      await networkHelpers.time.increase(60);
      await expect(relayVote({ penalty, relayer: outsider, ...signed }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesExpiredSignature")
        .withArgs(deadline);
    });

    it("when the ballot names another voter than its signer", async () => {
      const fixture = await networkHelpers.loadFixture(deployed);
      const { penalty, outsider, officer, beta } = fixture;
      const opened = await openCase(connection, fixture);
      const { ballot, signature } = await signVote({ penalty, voter: officer, caseId: opened.caseId, support: 1 });
      await expect(relayVote({ penalty, relayer: outsider, ballot: { ...ballot, voter: beta.address }, signature }))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesInvalidSignature")
        .withArgs(beta.address);
    });
  });
});
