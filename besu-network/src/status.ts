/**
 * The health of a QBFT / IBFT 2.0 network as one node sees it: height, age of the latest block, peers, the
 * current validators and how recently each proposed a block.
 *
 * Signer metrics come from `qbft_getSignerMetrics` / `ibft_getSignerMetrics`, which count the proposer (coinbase)
 * of each block in `[from, to)`: the end block is excluded, so the latest block's proposer is taken from the block
 * itself. A validator that proposed nothing in the window (no metrics entry, or an entry with a zero count) has been
 * idle at least since the window began. The window spans at least the idle threshold plus one block, so that
 * "idle for more than N blocks" is always decidable.
 */
import type { Consensus } from "./extraData.js";
import {
  type RpcClient,
  type RpcClientOptions,
  RpcError,
  createRpcClient,
  normalizeAddress,
  parseQuantity,
  toQuantity,
} from "./rpc.js";

/** Blocks of signer metrics requested at least (Besu's own default range). */
export const DEFAULT_METRICS_WINDOW = 100;
/** Seconds without a new block after which the network is reported unhealthy. */
export const DEFAULT_MAX_BLOCK_AGE_SECONDS = 60;

/** The RPC method prefix of each consensus protocol. */
const PREFIX: Record<Consensus, string> = { qbft: "qbft", ibft2: "ibft" };

/**
 * Default idle threshold: twice the validator count. With round-robin proposer selection a live validator proposes
 * about once per `n` blocks, so `2n` tolerates a round change or two without false alarms.
 */
export function defaultIdleBlocks(validatorCount: number): number {
  return 2 * Math.max(1, validatorCount);
}

export interface GetNetworkStatusParameters {
  /** The node's RPC endpoint, or a client for it. */
  rpc: string | RpcClient;
  /** Options of the client built from a URL (timeout, retries). */
  client?: RpcClientOptions;
  /** The consensus protocol; detected when absent (QBFT first, then IBFT 2.0). */
  consensus?: Consensus;
  /** A validator that has not proposed for more than this many blocks is idle (default: {@link defaultIdleBlocks}). */
  idleBlocks?: number;
  /** Unhealthy when the latest block is older than this (default {@link DEFAULT_MAX_BLOCK_AGE_SECONDS}). */
  maxBlockAgeSeconds?: number;
  /** The current Unix time in seconds (default: the system clock). */
  now?: () => number;
}

export interface ValidatorStatus {
  /** Lower-case address. */
  address: string;
  /** Blocks proposed in the metrics window (the latest block included). */
  proposedBlocks: number;
  /** The last block it proposed, if it proposed one in the window. */
  lastProposedBlock: number | null;
  /** Whether the signer metrics listed it at all. */
  inMetrics: boolean;
  /**
   * Blocks since its last proposal (`height − lastProposedBlock`). When it proposed nothing in the window this is a
   * lower bound (`idleSince` tells from when).
   */
  idleBlocks: number;
  /** Whether `idleBlocks` is only a lower bound. */
  idleAtLeast: boolean;
  /** Idle for more than the threshold. */
  idle: boolean;
}

export interface GetNetworkStatusReturnType {
  url: string;
  consensus: Consensus;
  /** Whether the consensus protocol was detected rather than given. */
  consensusDetected: boolean;
  height: number;
  latestBlockTimestamp: number;
  /** Seconds between the latest block's timestamp and now (0 if the block is from the future). */
  secondsSinceLastBlock: number;
  peerCount: number;
  /** The validators of the latest block, with their signer metrics. */
  validators: ValidatorStatus[];
  /** The blocks the signer metrics cover (both ends included), or null at height 0. */
  metricsWindow: { from: number; to: number } | null;
  idleThresholdBlocks: number;
  maxBlockAgeSeconds: number;
  /** Everything that makes the network unhealthy, one sentence each; empty when healthy. */
  problems: string[];
  healthy: boolean;
}

interface SignerMetric {
  address: string;
  proposedBlockCount: number;
  lastProposedBlockNumber: number;
}

function parseSignerMetrics(value: unknown, method: string): SignerMetric[] {
  if (!Array.isArray(value)) throw new Error(`unexpected ${method} answer: not an array`);
  return value.map((entry, i) => {
    const what = `${method} entry ${i}`;
    if (typeof entry !== "object" || entry === null) throw new Error(`unexpected ${what}: not an object`);
    const e = entry as Record<string, unknown>;
    return {
      address: normalizeAddress(e.address, `${what} address`),
      proposedBlockCount: parseQuantity(e.proposedBlockCount, `${what} proposedBlockCount`),
      lastProposedBlockNumber: parseQuantity(e.lastProposedBlockNumber, `${what} lastProposedBlockNumber`),
    };
  });
}

function parseAddressList(value: unknown, method: string): string[] {
  if (!Array.isArray(value)) throw new Error(`unexpected ${method} answer: not an array of addresses`);
  return value.map((v, i) => normalizeAddress(v, `${method} address ${i}`));
}

/**
 * Asks which consensus protocol the node serves: the validators call of QBFT, then of IBFT 2.0. A method that is
 * unknown or not enabled means "not this one"; any other failure is thrown.
 */
async function detectValidators(
  client: RpcClient,
  block: string,
): Promise<{ consensus: Consensus; validators: unknown }> {
  for (const consensus of ["qbft", "ibft2"] as const) {
    try {
      const validators = await client.call(`${PREFIX[consensus]}_getValidatorsByBlockNumber`, [block]);
      return { consensus, validators };
    } catch (error) {
      if (!(error instanceof RpcError && error.methodUnavailable)) throw error;
    }
  }
  throw new RpcError(
    "rpc",
    "qbft_getValidatorsByBlockNumber / ibft_getValidatorsByBlockNumber",
    client.url,
    "neither the QBFT nor the IBFT API answers: is QBFT or IBFT in --rpc-http-api, and is this a BFT network?",
  );
}

/** Reads the network's status from one node, every value at the same block. */
export async function getNetworkStatus(parameters: GetNetworkStatusParameters): Promise<GetNetworkStatusReturnType> {
  const client =
    typeof parameters.rpc === "string" ? createRpcClient(parameters.rpc, parameters.client) : parameters.rpc;
  const now = parameters.now ?? (() => Math.floor(Date.now() / 1000));
  const maxBlockAgeSeconds = parameters.maxBlockAgeSeconds ?? DEFAULT_MAX_BLOCK_AGE_SECONDS;

  // Pin the height first so that a block arriving mid-way does not mix two views.
  const height = parseQuantity(await client.call("eth_blockNumber"), "eth_blockNumber answer");
  const block = toQuantity(height);
  const [latest, peers] = await Promise.all([
    client.call<Record<string, unknown> | null>("eth_getBlockByNumber", [block, false]),
    client.call("net_peerCount"),
  ]);
  if (latest === null || typeof latest !== "object") throw new Error(`the node has no block ${height} yet`);
  const latestBlockTimestamp = parseQuantity(latest.timestamp, "block timestamp");
  const headProposer = normalizeAddress(latest.miner, "block miner");
  const peerCount = parseQuantity(peers, "net_peerCount answer");

  let consensus: Consensus;
  let rawValidators: unknown;
  if (parameters.consensus === undefined) {
    ({ consensus, validators: rawValidators } = await detectValidators(client, block));
  } else {
    consensus = parameters.consensus;
    rawValidators = await client.call(`${PREFIX[consensus]}_getValidatorsByBlockNumber`, [block]);
  }
  const validatorAddresses = parseAddressList(rawValidators, `${PREFIX[consensus]}_getValidatorsByBlockNumber`);

  const idleThresholdBlocks = parameters.idleBlocks ?? defaultIdleBlocks(validatorAddresses.length);
  const windowLength = Math.max(DEFAULT_METRICS_WINDOW, idleThresholdBlocks + 1);
  const from = Math.max(0, height - windowLength);
  let metrics: SignerMetric[] = [];
  if (height > 0) {
    const method = `${PREFIX[consensus]}_getSignerMetrics`;
    metrics = parseSignerMetrics(await client.call(method, [toQuantity(from), block]), method);
  }
  const byAddress = new Map(metrics.map((m) => [m.address, m]));

  const validators = validatorAddresses.map((address): ValidatorStatus => {
    const metric = byAddress.get(address);
    let proposedBlocks = metric?.proposedBlockCount ?? 0;
    // A zero count comes with lastProposedBlockNumber 0x0, which means "none", not the genesis block.
    let lastProposedBlock = proposedBlocks > 0 ? metric!.lastProposedBlockNumber : null;
    if (height > 0 && address === headProposer) {
      proposedBlocks += 1;
      lastProposedBlock = height;
    }
    // Nothing proposed in [from, height]: the last proposal, if any, is before `from` (block 0 has no proposer).
    const idleAtLeast = lastProposedBlock === null && from > 0;
    const idleBlocks = lastProposedBlock === null ? height - from + (from > 0 ? 1 : 0) : height - lastProposedBlock;
    return {
      address,
      proposedBlocks,
      lastProposedBlock,
      inMetrics: metric !== undefined,
      idleBlocks,
      idleAtLeast,
      idle: idleBlocks > idleThresholdBlocks,
    };
  });

  const secondsSinceLastBlock = Math.max(0, now() - latestBlockTimestamp);
  const problems: string[] = [];
  if (secondsSinceLastBlock > maxBlockAgeSeconds) {
    problems.push(`no new block for ${secondsSinceLastBlock} s (more than ${maxBlockAgeSeconds} s)`);
  }
  const idle = validators.filter((v) => v.idle);
  if (idle.length > 0) {
    problems.push(
      `${idle.length} of ${validators.length} validators idle for more than ${idleThresholdBlocks} blocks: ` +
        idle.map((v) => v.address).join(", "),
    );
  }
  if (validators.length === 0) problems.push("the node reports no validators");
  if (peerCount === 0 && validators.length > 1) problems.push("the node has no peers");

  return {
    url: client.url,
    consensus,
    consensusDetected: parameters.consensus === undefined,
    height,
    latestBlockTimestamp,
    secondsSinceLastBlock,
    peerCount,
    validators,
    metricsWindow: height > 0 ? { from, to: height } : null,
    idleThresholdBlocks,
    maxBlockAgeSeconds,
    problems,
    healthy: problems.length === 0,
  };
}

/** The status as a text report for operators, one fact per line. */
export function formatNetworkStatus(status: GetNetworkStatusReturnType): string {
  const name = status.consensus === "qbft" ? "QBFT" : "IBFT 2.0";
  const lines = [
    `node              ${status.url}`,
    `consensus         ${name}${status.consensusDetected ? " (detected)" : ""}`,
    `height            ${status.height}`,
    `last block        ${status.secondsSinceLastBlock} s ago (timestamp ${status.latestBlockTimestamp})`,
    `peers             ${status.peerCount}`,
    `validators        ${status.validators.length}, idle threshold ${status.idleThresholdBlocks} blocks`,
  ];
  if (status.metricsWindow !== null) {
    lines.push(`signer metrics    blocks ${status.metricsWindow.from}–${status.metricsWindow.to}`);
  }
  for (const v of status.validators) {
    const last = v.lastProposedBlock === null ? "last —" : `last #${v.lastProposedBlock}`;
    const idle = `idle ${v.idleAtLeast ? "≥ " : ""}${v.idleBlocks}`;
    const notes = [v.inMetrics ? "" : "no metrics entry", v.idle ? "IDLE" : ""].filter((s) => s !== "").join(", ");
    lines.push(`  ${v.address}  proposed ${v.proposedBlocks}  ${last}  ${idle}${notes === "" ? "" : "  " + notes}`);
  }
  lines.push(
    status.healthy ? "status            healthy" : `status            UNHEALTHY: ${status.problems.join("; ")}`,
  );
  return lines.join("\n");
}
