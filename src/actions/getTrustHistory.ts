import { TrustChangeReason } from "../constants.js";
import type { TrustLedger } from "../../types/index.js";

export type TrustChangeReasonName = keyof typeof TrustChangeReason;

export interface GetTrustHistoryParameters {
  ledger: TrustLedger;
  /** The organization; omit for every organization's changes. */
  orgId?: bigint;
  /** First block to search (default 0). */
  fromBlock?: number;
  /** Last block to search (default: the latest). */
  toBlock?: number;
}

/** One TrustChanged event, decoded. */
export interface TrustChange {
  orgId: bigint;
  blockNumber: number;
  transactionHash: string;
  /** Effective trust before the change (decay up to that block included). */
  oldValue: bigint;
  newValue: bigint;
  /** `newValue - oldValue`, signed. */
  delta: bigint;
  reason: TrustChangeReasonName;
  evidenceHash: string;
}

export type GetTrustHistoryReturnType = TrustChange[];

/** The TrustChanged events of an organization (or of all), oldest first. */
export async function getTrustHistory(parameters: GetTrustHistoryParameters): Promise<GetTrustHistoryReturnType> {
  const { ledger, orgId, fromBlock = 0, toBlock } = parameters;
  const filter = ledger.filters.TrustChanged(orgId);
  const events = await ledger.queryFilter(filter, fromBlock, toBlock ?? "latest");
  const reasons = Object.keys(TrustChangeReason) as TrustChangeReasonName[];
  return events.map((event) => ({
    orgId: event.args.orgId,
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
    oldValue: event.args.oldValue,
    newValue: event.args.newValue,
    delta: event.args.delta,
    reason: reasons.find((name) => BigInt(TrustChangeReason[name]) === event.args.reason)!,
    evidenceHash: event.args.evidenceHash,
  }));
}
