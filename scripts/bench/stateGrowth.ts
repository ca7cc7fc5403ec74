/**
 * State growth of a transaction, counted from the state: every storage slot the transaction wrote (found in its
 * trace, with the contract whose storage it is — the proxy's under a delegatecall), read before and after from
 * the node. A slot that was zero and is not any more is new state; one that went to zero was freed. The block
 * must hold that transaction alone (the in-process chain mines one per block), so that "before" is the parent
 * block's state.
 */
import { Transaction, getAddress, toBeHex, zeroPadValue, type TransactionReceipt } from "ethers";

/** A JSON-RPC endpoint (a Hardhat connection's provider, or an ethers provider's `send`). */
export interface Rpc {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export interface StateGrowth {
  /** Distinct (contract, slot) pairs written. */
  slotsWritten: number;
  /** Slots that were zero before and are not after: new state. */
  newSlots: number;
  /** Slots that were non-zero before and are zero after. */
  freedSlots: number;
  /** newSlots × 32. */
  newBytes: number;
  /** The signed transaction's size (RLP), what a block carries for it. */
  transactionBytes: number;
  /** Its logs' size: 32 bytes a topic plus the data (the receipt's share of the chain's history). */
  logBytes: number;
}

interface StructLog {
  op: string;
  depth: number;
  stack?: string[];
}

const word = (hex: string) => zeroPadValue(toBeHex(BigInt(hex)), 32);

/**
 * The (contract, slot) pairs a transaction stored to, from a structLog trace: a CALL or STATICCALL enters the
 * callee's storage, a DELEGATECALL or CALLCODE keeps the caller's. Contract creation is not followed (no measured
 * operation creates one).
 */
export function storageWrites(structLogs: StructLog[], to: string): Array<{ address: string; slot: string }> {
  const contexts: string[] = [];
  contexts[1] = getAddress(to);
  let next: string | undefined;
  const seen = new Set<string>();
  const writes: Array<{ address: string; slot: string }> = [];
  for (const log of structLogs) {
    if (next !== undefined && log.depth > 1 && contexts[log.depth] === undefined) contexts[log.depth] = next;
    // Returning to a shallower frame forgets the deeper ones, so the next call at that depth sets its own.
    contexts.length = log.depth + 1;
    next = undefined;
    const stack = log.stack ?? [];
    const top = (i: number) => stack[stack.length - 1 - i];
    const current = contexts[log.depth];
    if (log.op === "CALL" || log.op === "STATICCALL") next = getAddress(`0x${word(top(1)).slice(-40)}`);
    else if (log.op === "DELEGATECALL" || log.op === "CALLCODE") next = current;
    else if (log.op === "SSTORE") {
      const slot = word(top(0));
      const key = `${current}:${slot}`;
      if (!seen.has(key)) {
        seen.add(key);
        writes.push({ address: current, slot });
      }
    }
  }
  return writes;
}

/** Measures what `receipt`'s transaction added to the state. */
export async function stateGrowth(rpc: Rpc, receipt: TransactionReceipt): Promise<StateGrowth> {
  if (receipt.to === null) throw new Error("stateGrowth: a contract creation is not measured");
  const trace = (await rpc.request({
    method: "debug_traceTransaction",
    params: [receipt.hash, { disableMemory: true, disableStorage: true, disableStack: false }],
  })) as { structLogs: StructLog[] };
  const writes = storageWrites(trace.structLogs, receipt.to);
  const block = receipt.blockNumber;
  const read = (address: string, slot: string, at: number) =>
    rpc.request({ method: "eth_getStorageAt", params: [address, slot, toBeHex(at)] }) as Promise<string>;
  let newSlots = 0;
  let freedSlots = 0;
  for (const { address, slot } of writes) {
    const [before, after] = await Promise.all([read(address, slot, block - 1), read(address, slot, block)]);
    const wasZero = BigInt(before) === 0n;
    const isZero = BigInt(after) === 0n;
    if (wasZero && !isZero) newSlots++;
    if (!wasZero && isZero) freedSlots++;
  }
  const raw = (await rpc.request({ method: "eth_getTransactionByHash", params: [receipt.hash] })) as Record<
    string,
    string
  >;
  const transactionBytes = serializedLength(raw);
  const logBytes = receipt.logs.reduce((sum, log) => sum + 32 * log.topics.length + (log.data.length - 2) / 2, 0);
  return { slotsWritten: writes.length, newSlots, freedSlots, newBytes: newSlots * 32, transactionBytes, logBytes };
}

/** The length in bytes of a transaction as signed, rebuilt from its JSON-RPC form. */
function serializedLength(raw: Record<string, string>): number {
  const tx = Transaction.from({
    type: Number(raw.type),
    chainId: raw.chainId === undefined ? undefined : BigInt(raw.chainId),
    nonce: Number(raw.nonce),
    gasLimit: BigInt(raw.gas),
    to: raw.to,
    value: BigInt(raw.value),
    data: raw.input,
    gasPrice: Number(raw.type) === 2 ? undefined : BigInt(raw.gasPrice),
    maxFeePerGas: raw.maxFeePerGas === undefined ? undefined : BigInt(raw.maxFeePerGas),
    maxPriorityFeePerGas: raw.maxPriorityFeePerGas === undefined ? undefined : BigInt(raw.maxPriorityFeePerGas),
    accessList: (raw.accessList as unknown as []) ?? undefined,
    signature: { r: raw.r, s: raw.s, v: BigInt(raw.v) },
  });
  return (tx.serialized.length - 2) / 2;
}
