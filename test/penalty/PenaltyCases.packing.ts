import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, id, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { Level } from "../../src/constants.js";
import type { EntityRegistry } from "../../types/index.js";
import { joinAndActivate } from "../helpers/fixtures.js";
import { CaseState, deployPenaltySuite, evidence, testPenaltyParameters, VoteType } from "./helpers.js";

/**
 * The packed state of PenaltyCases: who voted is a bitmap (bit `orgId % 256` of word `orgId / 256` of the case),
 * and a case keeps its parties in 64 bits (the registry's ids stop at 2^64 - 1). Votes by organizations on both
 * sides of word boundaries (255 | 256, 511 | 512) set exactly their own bits; a case whose parties and voter have
 * the largest ids runs to its end. Ids are chosen by moving the registry's organization count with
 * `hardhat_setStorageAt` before a join.
 */

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, mine } = networkHelpers;

const MAX_ID = 2n ** 64n - 1n;
const coder = AbiCoder.defaultAbiCoder();
const namespace = (name: string) => BigInt(keccak256(coder.encode(["uint256"], [BigInt(id(name)) - 1n]))) & ~0xffn;
/** `organizationCount` is slot 1 of the registry's namespace; `voted` slot 6 of PenaltyCases' (after the count,
 * three slots of parameters, `cases` and `openCase`). */
const ORGANIZATION_COUNT = namespace("credence.storage.EntityRegistry") + 1n;
const VOTED = namespace("credence.storage.PenaltyCases") + 6n;
const mappingSlot = (key: bigint, slot: bigint) => BigInt(keccak256(coder.encode(["uint256", "uint256"], [key, slot])));

async function deployFixture() {
  const [governance, assessor, ratifier, ...admins] = await ethers.getSigners();
  const suite = await deployPenaltySuite(connection, assessor.address, ratifier.address);
  /** Joins and activates an organization for `admin` with id `orgId` (ids in between stay unused). */
  const activateAs = async (admin: HardhatEthersSigner, orgId: bigint, recommenders: HardhatEthersSigner[] = []) => {
    await setOrganizationCount(suite.registry, orgId - 1n);
    const created = await joinAndActivate(suite, admin, assessor, {
      legal: Level.High,
      capability: Level.High,
      recommenders,
    });
    expect(created).to.equal(orgId);
    return created;
  };
  return { ...suite, governance, assessor, ratifier, admins, activateAs };
}

async function setOrganizationCount(registry: EntityRegistry, count: bigint) {
  await ethers.provider.send("hardhat_setStorageAt", [
    await registry.getAddress(),
    toBeHex(ORGANIZATION_COUNT, 32),
    toBeHex(count, 32),
  ]);
}

/** The voted bitmap's word `word` of case `caseId`, read from storage. */
async function votedWord(penalty: { getAddress(): Promise<string> }, caseId: bigint, word: bigint) {
  const slot = mappingSlot(word, mappingSlot(caseId, VOTED));
  return BigInt(await ethers.provider.getStorage(await penalty.getAddress(), toBeHex(slot, 32)));
}

describe("PenaltyCases packed votes and cases", function () {
  it("records votes across bitmap word boundaries, each organization's bit only", async function () {
    const f = await loadFixture(deployFixture);
    const { penalty, ledger, admins } = f;
    const [reporterAdmin, accusedAdmin, ...voterAdmins] = admins;
    await f.activateAs(reporterAdmin, 1n);
    const accused = await f.activateAs(accusedAdmin, 2n);
    const voterIds = [255n, 256n, 511n, 512n];
    for (const [i, orgId] of voterIds.entries()) await f.activateAs(voterAdmins[i], orgId);

    await penalty.connect(reporterAdmin).flag(accused, 1, evidence("bitmap"));
    const caseId = await penalty.caseCount();
    await mine(testPenaltyParameters.votingDelay + 1n);
    const { snapshot } = await penalty.getCase(caseId);
    const supports = [VoteType.Expel, VoteType.Keep, VoteType.Abstain, VoteType.Expel];
    const tally = { expel: 0n, keep: 0n, abstain: 0n };
    for (const [i, orgId] of voterIds.entries()) {
      const weight = await ledger.trustAt(orgId, snapshot);
      await expect(penalty.connect(voterAdmins[i]).castVote(caseId, supports[i]))
        .to.emit(penalty, "VoteCast")
        .withArgs(caseId, orgId, voterAdmins[i].address, supports[i], weight);
      if (supports[i] === VoteType.Expel) tally.expel += weight;
      else if (supports[i] === VoteType.Keep) tally.keep += weight;
      else tally.abstain += weight;
    }

    for (const orgId of voterIds) expect(await penalty.hasVoted(caseId, orgId), `org ${orgId}`).to.equal(true);
    for (const orgId of [0n, 1n, 2n, 254n, 257n, 510n, 513n, 767n, 768n]) {
      expect(await penalty.hasVoted(caseId, orgId), `org ${orgId}`).to.equal(false);
    }
    // Word 0 holds bit 255, word 1 bits 0 (256) and 255 (511), word 2 bit 0 (512); word 3 is untouched.
    expect(await votedWord(penalty, caseId, 0n)).to.equal(1n << 255n);
    expect(await votedWord(penalty, caseId, 1n)).to.equal((1n << 255n) | 1n);
    expect(await votedWord(penalty, caseId, 2n)).to.equal(1n);
    expect(await votedWord(penalty, caseId, 3n)).to.equal(0n);
    const counted = await penalty.getCase(caseId);
    expect([counted.expelWeight, counted.keepWeight, counted.abstainWeight]).to.deep.equal([
      tally.expel,
      tally.keep,
      tally.abstain,
    ]);

    for (const [i, orgId] of voterIds.entries()) {
      await expect(penalty.connect(voterAdmins[i]).castVote(caseId, VoteType.Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesAlreadyVoted")
        .withArgs(caseId, orgId);
    }
    // Another case has its own bitmap.
    expect(await penalty.hasVoted(caseId + 1n, 256n)).to.equal(false);
  });

  it("runs a case whose parties and voter have the largest ids (64 bits) to its end", async function () {
    const f = await loadFixture(deployFixture);
    const { penalty, registry, ledger, admins, ratifier } = f;
    const [recommenderAdmin, reporterAdmin, accusedAdmin, voterAdmin] = admins;
    const recommender = await f.activateAs(recommenderAdmin, MAX_ID - 3n);
    const reporter = await f.activateAs(reporterAdmin, MAX_ID - 2n);
    const accused = await f.activateAs(accusedAdmin, MAX_ID - 1n, [recommenderAdmin]);
    const voter = await f.activateAs(voterAdmin, MAX_ID);
    expect(await registry.recommendersOf(accused)).to.deep.equal([recommender]);

    await penalty.connect(reporterAdmin).flag(accused, 7, evidence("largest"));
    const caseId = await penalty.caseCount();
    const opened = await penalty.getCase(caseId);
    expect([opened.accusedId, opened.reporterId]).to.deep.equal([accused, reporter]);
    expect(await penalty.openCaseOf(accused)).to.equal(caseId);
    await mine(testPenaltyParameters.votingDelay + 1n);
    await expect(penalty.connect(accusedAdmin).castVote(caseId, VoteType.Keep))
      .to.be.revertedWithCustomError(penalty, "PenaltyCasesAccusedCannotVote")
      .withArgs(caseId, accused);
    await expect(penalty.connect(reporterAdmin).castVote(caseId, VoteType.Expel))
      .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterCannotVote")
      .withArgs(caseId, reporter);
    const weight = await ledger.trustAt(voter, opened.snapshot);
    await expect(penalty.connect(voterAdmin).castVote(caseId, VoteType.Expel))
      .to.emit(penalty, "VoteCast")
      .withArgs(caseId, voter, voterAdmin.address, VoteType.Expel, weight);
    expect(await penalty.hasVoted(caseId, voter)).to.equal(true);
    expect(await penalty.hasVoted(caseId, voter - 1n)).to.equal(false);
    // The top word of the bitmap, its top bit.
    expect(await votedWord(penalty, caseId, MAX_ID >> 8n)).to.equal(1n << 255n);
    // The recommender votes too, so that the cast weight reaches the quorum.
    await penalty.connect(recommenderAdmin).castVote(caseId, VoteType.Expel);
    const counted = await penalty.getCase(caseId);
    expect(counted.expelWeight).to.equal(weight + (await ledger.trustAt(recommender, opened.snapshot)));
    expect(counted.expelWeight).to.be.at.least(counted.quorum);

    await mine(testPenaltyParameters.votingPeriod);
    expect(await penalty.state(caseId)).to.equal(CaseState.Succeeded);
    await expect(penalty.connect(ratifier).ratify(caseId, true, id("largest:ratified")))
      .to.emit(penalty, "CaseResolved")
      .withArgs(caseId, accused, true, true);
    expect(await penalty.openCaseOf(accused)).to.equal(0n);
    // The liability lands on the recommender with the largest-but-three id, as read back from the registry.
    await expect(penalty.applyLiability(caseId, recommender))
      .to.emit(penalty, "LiabilityApplied")
      .withArgs(caseId, recommender, (amount: bigint) => amount > 0n);
    expect((await penalty.getCase(caseId)).resolution).to.equal(CaseState.Executed);
  });
});
