import { CaseState, ONE, enumName } from "../constants.js";
import type { PenaltyCases } from "../../types/index.js";
import type { CaseStateName } from "./decodeResolution.js";

export interface GetCaseParameters {
  penalty: PenaltyCases;
  caseId: bigint;
  /** Read the case as of this block (default: the latest). */
  blockTag?: number;
}

export interface GetCaseReturnType {
  caseId: bigint;
  /** The block the case was read at. */
  blockNumber: number;
  /** The current state: Pending, Active, Defeated, Succeeded (voting over, unresolved), Executed or Dismissed. */
  state: CaseStateName;
  accusedId: bigint;
  /** The reporter organization; 0 for a case the platform's low-integrity rating opened (no bond). */
  reporterId: bigint;
  /** The account that flagged (the platform's account for a platform case). */
  reporter: string;
  reasonCode: number;
  evidenceHash: string;
  /** Block whose trust weighs the votes, first and last blocks of voting, last block the ratifier may decide. */
  snapshot: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  ratificationDeadline: bigint;
  /** Block of the resolution (0 while open). */
  resolvedAt: bigint;
  /** Trust locked from the reporter organization while the case runs. */
  bond: bigint;
  quorum: bigint;
  expelWeight: bigint;
  keepWeight: bigint;
  abstainWeight: bigint;
  /** Expel + Keep + Abstain: the weight counted against the quorum. */
  castWeight: bigint;
  /** Expel / (Expel + Keep), 18 decimals (0 with no Expel or Keep vote). */
  expelShare: bigint;
  /** The expel and misuse thresholds in force when the case was opened. */
  expelThreshold: bigint;
  misuseThreshold: bigint;
  /**
   * What the vote says once voting is over: "Succeeded" (quorum reached and Expel share at least the expel
   * threshold) or "Defeated"; undefined while Pending or Active. The resolution may differ if the ratifier
   * overturned it.
   */
  voteOutcome: "Succeeded" | "Defeated" | undefined;
  /** Whether the vote's outcome was recorded and whether the ratifier decided. */
  finalized: boolean;
  ratified: boolean;
}

/**
 * A penalty case as plain data: its state by name, tallies, deadlines, bond. Reverts for an unknown id.
 *
 * NOTE: the state is the one at the block read (`clock()` is that block's number); a transaction sent now is
 * mined in a later block, so a case read as Pending at `voteStart - 1` already accepts a vote sent then.
 */
export async function getCase(parameters: GetCaseParameters): Promise<GetCaseReturnType> {
  const { penalty, caseId } = parameters;
  const provider = penalty.runner?.provider;
  if (provider == null) throw new Error("getCase needs a penalty contract connected to a provider");
  const blockNumber = parameters.blockTag ?? (await provider.getBlockNumber());
  const overrides = { blockTag: blockNumber };
  const [c, state] = await Promise.all([penalty.getCase(caseId, overrides), penalty.state(caseId, overrides)]);
  const stateName = enumName(CaseState, state);
  const castWeight = c.expelWeight + c.keepWeight + c.abstainWeight;
  const decided = c.expelWeight + c.keepWeight;
  const expelShare = decided === 0n ? 0n : (c.expelWeight * ONE) / decided;
  const votingOver = stateName !== "Pending" && stateName !== "Active";
  // PenaltyCases._voteOutcome, the same integer arithmetic.
  const expels = castWeight !== 0n && castWeight >= c.quorum && decided !== 0n && expelShare >= c.expelThreshold;
  return {
    caseId,
    blockNumber,
    state: stateName,
    accusedId: c.accusedId,
    reporterId: c.reporterId,
    reporter: c.reporter,
    reasonCode: Number(c.reasonCode),
    evidenceHash: c.evidenceHash,
    snapshot: c.snapshot,
    voteStart: c.voteStart,
    voteEnd: c.voteEnd,
    ratificationDeadline: c.ratificationDeadline,
    resolvedAt: c.resolvedAt,
    bond: c.bond,
    quorum: c.quorum,
    expelWeight: c.expelWeight,
    keepWeight: c.keepWeight,
    abstainWeight: c.abstainWeight,
    castWeight,
    expelShare,
    expelThreshold: c.expelThreshold,
    misuseThreshold: c.misuseThreshold,
    voteOutcome: votingOver ? (expels ? "Succeeded" : "Defeated") : undefined,
    finalized: c.finalized,
    ratified: c.ratified,
  };
}
