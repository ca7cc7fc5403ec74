import { DEFAULT_MAX_LOGS_RANGE, blockRanges } from "../blockRanges.js";
import { TrustChangeReason, enumName } from "../constants.js";
import type { TrustLedger } from "../../types/index.js";

export type TrustChangeReasonName = keyof typeof TrustChangeReason;

/** How many blocks back from `toBlock` the history is searched when `fromBlock` is not given. */
export const DEFAULT_HISTORY_BLOCKS = 10_000;

export { DEFAULT_MAX_LOGS_RANGE };

export interface GetTrustHistoryParameters {
  ledger: TrustLedger;
  /** The organization; omit for every organization's changes. */
  orgId?: bigint;
  /**
   * First block to search (default: `toBlock - DEFAULT_HISTORY_BLOCKS + 1`, not below 0). Pass the ledger's
   * deployment block (or 0) for the whole history: that is one request per `maxLogsRange` blocks.
   */
  fromBlock?: number;
  /** Last block to search (default: the latest block when called). */
  toBlock?: number;
  /** Blocks per `eth_getLogs` request (default DEFAULT_MAX_LOGS_RANGE; raise it if the node allows more). */
  maxLogsRange?: number;
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

/**
 * The TrustChanged events of an organization (or of all) in a block range, oldest first. The range is bounded
 * (by default the last DEFAULT_HISTORY_BLOCKS blocks) and read in chunks of at most `maxLogsRange` blocks, so
 * that a long-lived chain never gets one unbounded log query.
 */
export async function getTrustHistory(parameters: GetTrustHistoryParameters): Promise<GetTrustHistoryReturnType> {
  const { ledger, orgId, maxLogsRange = DEFAULT_MAX_LOGS_RANGE } = parameters;
  const provider = ledger.runner?.provider;
  if (provider == null) throw new Error("getTrustHistory needs a ledger connected to a provider");
  const toBlock = parameters.toBlock ?? (await provider.getBlockNumber());
  const fromBlock = parameters.fromBlock ?? Math.max(0, toBlock - DEFAULT_HISTORY_BLOCKS + 1);
  for (const [name, value] of Object.entries({ fromBlock, toBlock, maxLogsRange })) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  }
  if (maxLogsRange === 0) throw new Error("maxLogsRange must be at least 1");
  if (fromBlock > toBlock) throw new Error(`fromBlock ${fromBlock} is after toBlock ${toBlock}`);

  const filter = ledger.filters.TrustChanged(orgId);
  const events = [];
  for (const [start, end] of blockRanges(fromBlock, toBlock, maxLogsRange)) {
    events.push(...(await ledger.queryFilter(filter, start, end)));
  }
  return events.map((event) => ({
    orgId: event.args.orgId,
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
    oldValue: event.args.oldValue,
    newValue: event.args.newValue,
    delta: event.args.delta,
    reason: enumName(TrustChangeReason, event.args.reason),
    evidenceHash: event.args.evidenceHash,
  }));
}
