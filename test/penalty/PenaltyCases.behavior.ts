import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import {
  blockOf,
  caseHash,
  CaseState,
  mulDiv,
  ONE,
  openCase,
  Org,
  platformRating,
  reach,
  Status,
  TrustChangeReason,
  trustAtBlock,
  trustRecord,
  VoteType,
  weightOf,
  type OpenedCase,
  type PenaltyFixture,
} from "./helpers.js";

/** A community with one case whose vote has ended (views and the next transaction both see the outcome). */
export interface Scenario extends PenaltyFixture {
  c: OpenedCase;
}

/** How a case with an ended vote is resolved: by the ratifier within the window, or by anyone after it. */
export interface Resolution {
  /** Whether the ratifier decided (CaseResolved.ratified, Case.ratified). */
  ratified: boolean;
  resolve(s: Scenario): Promise<ContractTransactionResponse>;
}

/** The Expel share of the decided (Expel + Keep) weight, as the contract computes it; 0 when nobody decided. */
export async function expelShareOf(s: Scenario): Promise<bigint> {
  const { expelWeight, keepWeight } = await s.penalty.getCase(s.c.caseId);
  const decided = expelWeight + keepWeight;
  return decided === 0n ? 0n : mulDiv(expelWeight, ONE, decided);
}

/** The weight cast on the case (Expel + Keep + Abstain), which the quorum measures. */
export async function castWeightOf(s: Scenario): Promise<bigint> {
  const { expelWeight, keepWeight, abstainWeight } = await s.penalty.getCase(s.c.caseId);
  return expelWeight + keepWeight + abstainWeight;
}

/**
 * What the misuse inquiry of a dismissed case decides, and why:
 * - `misuse`: the vote reached its quorum with an expel share under the misuse threshold: the bond is forfeited;
 * - `backed`: the vote reached its quorum with an expel share at or above the threshold: the bond comes back;
 * - `noQuorum`: the vote fell short of its quorum (no verdict), although its expel share is under the
 *   threshold: the bond comes back and no misuse is counted.
 */
export type Inquiry = "misuse" | "backed" | "noQuorum";

/**
 * What an expulsion does, whoever resolves it: the accused organization (M, recommended by A and B, flagged by
 * A) is Expelled, its trust cleared and checkpointed, every one of its accounts loses its rights in every
 * contract, the reporter's bond comes back, and the case ends Executed.
 */
export function shouldBehaveLikeExpulsion(load: () => Promise<Scenario>, resolution: Resolution) {
  it("expels the organization and clears its trust, checkpointed, out of the total", async () => {
    const s = await load();
    const { ledger, registry, penalty, c } = s;
    const accused = await trustRecord(ledger, Org.M);
    const reporter = await trustRecord(ledger, c.reporterId);
    const total = await ledger.totalTrust();

    const tx = await resolution.resolve(s);
    const block = await blockOf(tx);
    const accusedTrust = trustAtBlock(accused, block);
    const reporterTrust = trustAtBlock(reporter, block);
    expect(accusedTrust).to.be.greaterThan(0n);

    await expect(tx).to.emit(registry, "OrganizationExpelled").withArgs(Org.M, caseHash(c.caseId));
    await expect(tx)
      .to.emit(ledger, "TrustChanged")
      .withArgs(Org.M, accusedTrust, 0n, -accusedTrust, TrustChangeReason.Cleared, caseHash(c.caseId));
    await expect(tx).to.emit(penalty, "CaseResolved").withArgs(c.caseId, Org.M, true, resolution.ratified);

    expect(await registry.statusOf(Org.M)).to.equal(Status.Expelled);
    expect(await ledger.trustOf(Org.M)).to.equal(0n);
    // The bond comes back to the reporter in the same transaction; the total follows both writes.
    expect(await ledger.totalTrust()).to.equal(total - accused.value + (reporterTrust + c.bond - reporter.value));

    await s.connection.networkHelpers.mine(1);
    expect(await ledger.trustAt(Org.M, block)).to.equal(0n);
    expect(await ledger.trustAt(Org.M, block - 1n)).to.equal(trustAtBlock(accused, block - 1n));
    expect(await ledger.totalTrustAt(block)).to.equal(await ledger.totalTrust());
    expect(await ledger.totalTrustAt(block - 1n)).to.equal(total);
  });

  it("releases the reporter's bond", async () => {
    const s = await load();
    const { ledger, penalty, c } = s;
    const reporter = await trustRecord(ledger, c.reporterId);
    expect(c.bond).to.be.greaterThan(0n);

    const tx = await resolution.resolve(s);
    const reporterTrust = trustAtBlock(reporter, await blockOf(tx));

    await expect(tx).to.emit(penalty, "BondReleased").withArgs(c.caseId, c.reporterId, c.bond);
    await expect(tx)
      .to.emit(ledger, "TrustChanged")
      .withArgs(
        c.reporterId,
        reporterTrust,
        reporterTrust + c.bond,
        c.bond,
        TrustChangeReason.BondReleased,
        caseHash(c.caseId),
      );
    await expect(tx).not.to.emit(penalty, "BondForfeited");
    await expect(tx).not.to.emit(penalty, "ReporterMisuseRecorded");
    expect(await ledger.trustOf(c.reporterId)).to.equal(reporterTrust + c.bond);
  });

  it("ends the case Executed and frees the organization's open-case slot", async () => {
    const s = await load();
    const { penalty, c } = s;
    expect(await penalty.openCaseOf(Org.M)).to.equal(c.caseId);

    const block = await blockOf(await resolution.resolve(s));

    expect(await penalty.state(c.caseId)).to.equal(CaseState.Executed);
    expect(await penalty.openCaseOf(Org.M)).to.equal(0n);
    const stored = await penalty.getCase(c.caseId);
    expect(stored.resolution).to.equal(CaseState.Executed);
    expect(stored.resolvedAt).to.equal(block);
    expect(stored.finalized).to.equal(true);
    expect(stored.ratified).to.equal(resolution.ratified);
    // An expelled organization cannot be flagged again.
    await expect(penalty.connect(s.bob).flag(Org.M, 1, caseHash(1n)))
      .to.be.revertedWithCustomError(penalty, "PenaltyCasesAccusedNotActive")
      .withArgs(Org.M, Status.Expelled);
  });

  it("takes every right from every account of the expelled organization", async () => {
    const s = await load();
    const { ledger, registry, penalty, mallory, mallory2 } = s;
    // A second case, opened while M was still Active: M had weight at its snapshot.
    const second = await openCase(s, s.bob, Org.D, "second");
    expect(weightOf(second, Org.M)).to.be.greaterThan(0n);
    expect(await registry.isActiveMember(mallory)).to.equal(true);

    await resolution.resolve(s);
    // Views run on the latest block: it must be a voting block of the second case.
    await reach(s, second.voteStart + 1n);
    expect(await penalty.state(second.caseId)).to.equal(CaseState.Active);

    for (const account of [mallory, mallory2]) {
      expect(await registry.isActiveMember(account)).to.equal(false);
      await expect(penalty.connect(account).castVote(second.caseId, VoteType.Keep))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesNotActiveMember")
        .withArgs(account.address);
      await expect(penalty.connect(account).flag(Org.A, 1, caseHash(1n)))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesNotActiveMember")
        .withArgs(account.address);
      await expect(ledger.connect(account).peerRate(platformRating(Org.A, "any", ONE, ONE)))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerNotActiveMember")
        .withArgs(account.address);
      await expect(registry.connect(account).recommend(Org.P, ONE))
        .to.be.revertedWithCustomError(registry, "EntityRegistryNotActiveMember")
        .withArgs(account.address);
    }
    await expect(registry.activeOrganizationOf(mallory))
      .to.be.revertedWithCustomError(registry, "EntityRegistryNotActiveMember")
      .withArgs(mallory.address);
  });
}

/**
 * What a dismissal does, whoever resolves it: the accused organization stays Active with its trust, and the
 * reporter is investigated — a vote that reached its quorum with an expel share under the case's misuse
 * threshold forfeits its bond and counts a misuse; otherwise (share at or above the threshold, or the quorum
 * not reached) the bond comes back. Each scenario first checks that its tally is the `inquiry` it claims.
 */
export function shouldBehaveLikeDismissal(load: () => Promise<Scenario>, resolution: Resolution, inquiry: Inquiry) {
  it("keeps the accused organization Active with its trust, and ends the case Dismissed", async () => {
    const s = await load();
    const { ledger, registry, penalty, c } = s;
    const accused = await trustRecord(ledger, Org.M);

    const tx = await resolution.resolve(s);
    const block = await blockOf(tx);

    await expect(tx).to.emit(penalty, "CaseResolved").withArgs(c.caseId, Org.M, false, resolution.ratified);
    await expect(tx).not.to.emit(registry, "OrganizationExpelled");
    expect(await registry.statusOf(Org.M)).to.equal(Status.Active);
    expect(await registry.isActiveMember(s.mallory)).to.equal(true);
    const [value, updatedAt] = await ledger.recordedTrustOf(Org.M);
    expect([value, updatedAt]).to.deep.equal([accused.value, accused.updatedAt]);
    expect(await ledger.trustOf(Org.M)).to.equal(trustAtBlock(accused, block));

    expect(await penalty.state(c.caseId)).to.equal(CaseState.Dismissed);
    expect(await penalty.openCaseOf(Org.M)).to.equal(0n);
    const stored = await penalty.getCase(c.caseId);
    expect(stored.resolution).to.equal(CaseState.Dismissed);
    expect(stored.resolvedAt).to.equal(block);
    expect(stored.finalized).to.equal(true);
    expect(stored.ratified).to.equal(resolution.ratified);
    // The organization can be flagged again.
    const next = await openCase(s, s.bob, Org.M, "again");
    expect(next.caseId).to.equal(c.caseId + 1n);
  });

  if (inquiry === "misuse") {
    it("forfeits the reporter's bond and counts a misuse (quorum reached, expel share under the threshold)", async () => {
      const s = await load();
      const { ledger, penalty, c } = s;
      const share = await expelShareOf(s);
      expect(await castWeightOf(s)).to.be.greaterThanOrEqual(c.quorum);
      expect(share).to.be.lessThan(c.misuseThreshold);
      const reporter = await trustRecord(ledger, c.reporterId);

      const tx = await resolution.resolve(s);
      const block = await blockOf(tx);

      await expect(tx).to.emit(penalty, "BondForfeited").withArgs(c.caseId, c.reporterId, c.bond, share);
      await expect(tx).to.emit(penalty, "ReporterMisuseRecorded").withArgs(c.reporterId, 1n, 0n);
      await expect(tx).not.to.emit(penalty, "BondReleased");
      await expect(tx).not.to.emit(ledger, "TrustChanged");
      expect(await ledger.trustOf(c.reporterId)).to.equal(trustAtBlock(reporter, block));
      const record = await penalty.reporterRecord(c.reporterId);
      expect([record.misuses, record.windowStart, record.barredUntil]).to.deep.equal([1n, block, 0n]);
    });
  } else {
    const why =
      inquiry === "backed"
        ? "quorum reached, expel share at or above the misuse threshold"
        : "quorum not reached, whatever the expel share";
    it(`releases the reporter's bond and counts no misuse (${why})`, async () => {
      const s = await load();
      const { ledger, penalty, c } = s;
      const [cast, share] = [await castWeightOf(s), await expelShareOf(s)];
      if (inquiry === "backed") {
        expect(cast).to.be.greaterThanOrEqual(c.quorum);
        expect(share).to.be.greaterThanOrEqual(c.misuseThreshold);
      } else {
        // Only the missing quorum saves the reporter: the share alone would forfeit the bond.
        expect(cast).to.be.lessThan(c.quorum);
        expect(share).to.be.lessThan(c.misuseThreshold);
      }
      expect(c.bond).to.be.greaterThan(0n);
      const reporter = await trustRecord(ledger, c.reporterId);

      const tx = await resolution.resolve(s);
      const reporterTrust = trustAtBlock(reporter, await blockOf(tx));

      await expect(tx).to.emit(penalty, "BondReleased").withArgs(c.caseId, c.reporterId, c.bond);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(
          c.reporterId,
          reporterTrust,
          reporterTrust + c.bond,
          c.bond,
          TrustChangeReason.BondReleased,
          caseHash(c.caseId),
        );
      await expect(tx).not.to.emit(penalty, "BondForfeited");
      await expect(tx).not.to.emit(penalty, "ReporterMisuseRecorded");
      const record = await penalty.reporterRecord(c.reporterId);
      expect([record.misuses, record.windowStart, record.barredUntil]).to.deep.equal([0n, 0n, 0n]);
    });
  }
}
