import type { Result, TransactionReceipt } from "ethers";

import { CaseState, enumName } from "../constants.js";
import type { PenaltyCases } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";

export type CaseStateName = keyof typeof CaseState;

/** The vote's outcome as recorded (CaseFinalized). */
export interface CaseOutcome {
  caseId: bigint;
  /** "Succeeded" (the vote says expel) or "Defeated" (it says keep). */
  outcome: CaseStateName;
  expelWeight: bigint;
  keepWeight: bigint;
  abstainWeight: bigint;
  quorum: bigint;
}

export interface DecodeResolutionParameters {
  receipt: TransactionReceipt;
  penalty: PenaltyCases;
}

export interface DecodeResolutionReturnType {
  caseId: bigint;
  accusedId: bigint;
  /** Whether the organization was expelled (else it was kept: the case is Dismissed). */
  expelled: boolean;
  /** Whether the ratifier decided (else the vote's outcome was executed after the ratification deadline). */
  ratified: boolean;
  /** "Executed" or "Dismissed". */
  resolution: CaseStateName;
  /** The vote's outcome, when this transaction recorded it (nobody had called finalize before). */
  finalized: CaseOutcome | undefined;
  /**
   * The trust given back to the reporter organization: on an expulsion, or on a dismissal that was no misuse (the
   * vote fell short of its quorum, or its Expel share reached the misuse threshold). It is what the ledger
   * credited, which is less than the bond when the reporter's trust would pass 1e18.
   */
  bondReleased: bigint | undefined;
  /** The bond forfeited by a misuse: its amount and the case's Expel share (Expel / (Expel + Keep)). */
  bondForfeited: { amount: bigint; expelShare: bigint } | undefined;
  /** The reporter's misuse record after a misuse; `barredUntil` is 0 unless it is now barred from flagging. */
  misuse: { reporterId: bigint; misuses: bigint; barredUntil: bigint } | undefined;
}

/** Decodes how a `ratify` or `execute` transaction ended a case: outcome, resolution, bond and misuse. */
export function decodeResolution({ receipt, penalty }: DecodeResolutionParameters): DecodeResolutionReturnType {
  const events = (eventName: string) => parseEvents({ receipt, contract: penalty, eventName });
  const [resolved] = events("CaseResolved");
  if (resolved === undefined) throw new Error(`transaction ${receipt.hash} resolved no case`);
  const [finalized] = events("CaseFinalized");
  const [released] = events("BondReleased");
  const [forfeited] = events("BondForfeited");
  const [misuse] = events("ReporterMisuseRecorded");
  const expelled: boolean = resolved.args.expelled;
  return {
    caseId: resolved.args.caseId,
    accusedId: resolved.args.accusedId,
    expelled,
    ratified: resolved.args.ratified,
    resolution: expelled ? "Executed" : "Dismissed",
    finalized: finalized === undefined ? undefined : toCaseOutcome(finalized.args),
    bondReleased: released?.args.amount,
    bondForfeited:
      forfeited === undefined ? undefined : { amount: forfeited.args.amount, expelShare: forfeited.args.expelShare },
    misuse:
      misuse === undefined
        ? undefined
        : { reporterId: misuse.args.reporterId, misuses: misuse.args.misuses, barredUntil: misuse.args.barredUntil },
  };
}

/** A CaseFinalized event's arguments as a CaseOutcome (finalize, ratify and execute all decode it). */
export function toCaseOutcome(args: Result): CaseOutcome {
  return {
    caseId: args.caseId,
    outcome: enumName(CaseState, args.outcome),
    expelWeight: args.expelWeight,
    keepWeight: args.keepWeight,
    abstainWeight: args.abstainWeight,
    quorum: args.quorum,
  };
}
