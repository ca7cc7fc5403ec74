import type { BaseContract, LogDescription, TransactionReceipt } from "ethers";

export interface ParseEventsParameters {
  /** The mined transaction's receipt. */
  receipt: TransactionReceipt;
  /** The contract whose logs to decode (only logs emitted at its address are read). */
  contract: BaseContract;
  /** The event's name, e.g. "TrustChanged". */
  eventName: string;
}

export type ParseEventsReturnType = LogDescription[];

/** The `eventName` events that `contract` emitted in a transaction, decoded, in log order. */
export function parseEvents({ receipt, contract, eventName }: ParseEventsParameters): ParseEventsReturnType {
  if (typeof contract.target !== "string") throw new Error("parseEvents needs a contract attached to an address");
  const address = contract.target.toLowerCase();
  const events: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed !== null && parsed.name === eventName) events.push(parsed);
  }
  return events;
}
