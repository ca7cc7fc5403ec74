/**
 * Throughput and latency of ratings over JSON-RPC against anvil, through the command line's library path: the
 * CLI's provider (src/cli/context.ts CredenceProvider: fixed gas price 0, no response cache), a Wallet holding
 * ASSESSOR and no ether, and the actions src/actions/rate.ts and rateBatch.ts.
 *
 *   npx tsx scripts/bench/throughput.ts [--quick]     prints the result as JSON, progress on stderr
 *
 * - Single ratings: N ratings pipelined (nonces kept locally by ethers' NonceManager, up to IN_FLIGHT rate()
 *   calls outstanding, each with PIPELINE_GAS_HEADROOM_PERCENT over the gas estimate; then all receipts awaited;
 *   transactions anvil strands are re-sent and counted: see PipelineSigner),
 *   and one at a time with the plain wallet (send, wait, repeat: what one CLI process does per rating).
 * - Batched ratings: rateBatch in chunks of 100 and of 50 (the CLI's default), pipelined and one chunk at a time
 *   (what `credence trust rate-batch` does).
 * - Latency: a second anvil mining a block every second (evm_setIntervalMining, the mode `anvil --block-time 1`
 *   starts in, set once the suite is set up); K ratings sent 100-300 ms apart, each timed from the call of rate()
 *   (gas estimation, signing, sending) to its receipt seen by the provider polling every LATENCY_POLL_MS.
 * - The rate a generated Besu network implies: genesis block gas limit ÷ gas per rating ÷ block period, with the
 *   gas measured here: a single rating alone in its block, and a rateBatch of 100 over the ORGANIZATIONS
 *   organizations (several ratings per organization, whose checkpoints are then overwritten in place) and over
 *   DISTINCT_ORGANIZATIONS organizations (one rating each, every checkpoint a new slot).
 *
 * The suite is deployed on each anvil with the library's deploySuite (the Ignition module) through a Hardhat
 * connection to the `anvil` network of hardhat.config.ts, its URL overridden; the Ignition journal goes to a
 * per-run deploy/deployments/<id> and is removed afterwards. The organizations join through the platform
 * (requestJoinFor) and are activated by it. Every rating's receipt is decoded and checked for its
 * ContributionRated event, so no figure counts a skipped or reverted rating.
 */
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import {
  type HDNodeWallet,
  Network,
  NonceManager,
  type Signer,
  type TransactionRequest,
  type TransactionResponse,
  Wallet,
  dataSlice,
  getAddress,
  id,
} from "ethers";
import { network } from "hardhat";

import { GENESIS_GAS_LIMIT } from "../../besu-network/src/genesis.js";
import { DEFAULTS as NETWORK_DEFAULTS } from "../../besu-network/src/options.js";
import { activate } from "../../src/actions/activate.js";
import { deploySuite } from "../../src/actions/deploySuite.js";
import { rate, type RatingInput } from "../../src/actions/rate.js";
import { rateBatch } from "../../src/actions/rateBatch.js";
import { requestJoin } from "../../src/actions/requestJoin.js";
import { DEFAULT_BATCH_SIZE } from "../../src/cli/commands/rate.js";
import { CredenceProvider } from "../../src/cli/context.js";
import { Level, ONE } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import { EntityRegistry__factory } from "../../types/factories/registry/EntityRegistry__factory.js";
import { TrustLedger__factory } from "../../types/factories/trust/TrustLedger__factory.js";
import type { EntityRegistry, TrustLedger } from "../../types/index.js";
import { startAnvil } from "../../test/helpers/anvil.js";
import { type Summary, median, perSecond, round, summarize } from "./stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Sizes of the quick run (CI) and the full run. */
export const SIZES = {
  quick: { single: 200, sequential: 50, batched: 1_000, sequentialBatches: 5, latency: 20 },
  full: { single: 2_000, sequential: 500, batched: 20_000, sequentialBatches: 40, latency: 200 },
} as const;

/** Ratings per rateBatch transaction of the headline figure and of the Besu figure. */
export const BATCH_SIZE = 100;

/** Active organizations the ratings are spread over (round-robin). */
export const ORGANIZATIONS = 8;

/** Organizations of the batches whose every rating is for a different organization (Besu figure). */
export const DISTINCT_ORGANIZATIONS = 100;

/** Batches measured over DISTINCT_ORGANIZATIONS organizations (the median counts). */
const DISTINCT_BATCHES = 3;

/** Joins and activations outstanding at once while organizations are set up: a few million gas, one block. */
const SETUP_IN_FLIGHT = 16;

/**
 * Pipelined rate()/rateBatch() calls outstanding at once, at most: enough to keep the node busy. Fewer when their
 * gas would not fit in one block (see inFlightLimit).
 */
export const IN_FLIGHT = 64;

/** Receipt polling of the throughput runs: short, so that the wall time is not rounded up to a poll. */
export const THROUGHPUT_POLL_MS = 50;

/** How often a pipelined run checks anvil's pool for stranded transactions (see PipelineSigner). */
const WATCH_MS = 1_000;

/** Receipt polling of the latency run (the CLI polls every 500 ms; a shorter poll measures the chain, not it). */
export const LATENCY_POLL_MS = 50;

/** Block period of the latency run's anvil, seconds. */
export const LATENCY_BLOCK_TIME = 1;

/** Spacing of the latency run's ratings, milliseconds. */
const LATENCY_SPACING_MS = { min: 100, max: 300 } as const;

const CHAIN_ID = 31_337;

/**
 * Gas limit of pipelined transactions over the node's estimate, percent. A rating's gas depends on the block it is
 * mined in: the ledger's checkpoints (the organization's and the total) are pushed to a new slot in a block's
 * first rating and overwritten in place by the next ones (about 17 k gas less), and the decay since the
 * organization's last update costs one multiplication per set bit of the elapsed fraction of a half-life (a few
 * hundred gas). anvil estimates for its pending block, mempool included, and answers the exact amount; a
 * transaction mined a block later than estimated can then run out of gas. 25 % covers both with room to spare.
 */
export const PIPELINE_GAS_HEADROOM_PERCENT = 25n;

export interface ThroughputOptions {
  /** The small version (CI). */
  quick?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface BatchedResult {
  batchSize: number;
  /** Chunks outstanding at once in the pipelined run. */
  inFlight: number;
  /** Pipelined: all chunks sent without waiting for the previous one's receipt. */
  ratings: number;
  transactions: number;
  seconds: number;
  perSecond: number;
  /** Pipelined chunks anvil stranded and the run re-sent (see PipelineSigner); their wait is in `seconds`. */
  resent: number;
  /** One chunk at a time (send, wait, next): what `credence trust rate-batch` does. */
  sequentialRatings: number;
  sequentialSeconds: number;
  sequentialPerSecond: number;
  /** Median gas of a full chunk, and that divided by the chunk's ratings. */
  gasPerTransaction: number;
  gasPerRating: number;
}

export interface ThroughputResult {
  mode: "quick" | "full";
  /** web3_clientVersion of the node. */
  node: string;
  organizations: number;
  pollingMs: number;
  single: {
    ratings: number;
    inFlight: number;
    seconds: number;
    perSecond: number;
    sequentialRatings: number;
    sequentialSeconds: number;
    sequentialPerSecond: number;
    /** Median gas of a single rate() mined alone in its block (the one-at-a-time run). */
    gasPerRating: number;
    /** Pipelined transactions anvil stranded and the run re-sent (see PipelineSigner); their wait is in `seconds`. */
    resent: number;
  };
  /** Chunks of BATCH_SIZE. */
  batched: BatchedResult;
  /** Chunks of the CLI's default size (src/cli/commands/rate.ts DEFAULT_BATCH_SIZE). */
  cliBatched: BatchedResult;
  latency: {
    blockTime: number;
    pollingMs: number;
    spacingMs: { min: number; max: number };
    samples: number;
    /** Distinct blocks the ratings landed in. */
    blocks: number;
    /** Seconds from the call of rate() to its receipt. */
    min: number;
    p50: number;
    p95: number;
    max: number;
    mean: number;
  };
  besu: {
    /** besu-network/src/genesis.ts GENESIS_GAS_LIMIT. */
    gasLimit: number;
    /** besu-network/src/options.ts DEFAULTS.blockPeriod, seconds. */
    blockPeriod: number;
    gasPerRating: number;
    batchSize: number;
    gasPerBatch: number;
    gasPerBatchedRating: number;
    /** Whole rate() transactions per block ÷ block period. */
    singlePerSecond: number;
    /** Whole rateBatch transactions per block × batch size ÷ block period. */
    batchedPerSecond: number;
    /** The same for batches whose every rating is for a different organization. */
    distinct: {
      organizations: number;
      gasPerBatch: number;
      gasPerBatchedRating: number;
      batchedPerSecond: number;
    };
  };
  machine: { cpus: number; loadAverage1mBefore: number; loadAverage1mAfter: number };
}

/**
 * Runs the benchmark and returns what it measured. Each part runs on a fresh anvil, started and stopped here:
 * anvil slows down as its chain grows (the set-up of 100 organizations took 2 s on a fresh node and 13 s after
 * the 45,000 ratings of a full run), which would otherwise penalise whichever part comes last.
 */
export async function measureThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const mode = options.quick ? "quick" : "full";
  const sizes = SIZES[mode];
  const begun = performance.now();
  const log =
    options.log ??
    ((line: string) =>
      process.stderr.write(`throughput: [${((performance.now() - begun) / 1000).toFixed(1)} s] ${line}\n`));
  const loadBefore = os.loadavg()[0];
  const journals: string[] = [];
  // The Ignition journals go even if the process exits before `finally` runs (process.exit by a caller).
  const removeJournals = () => journals.forEach((journal) => rmSync(journal, { recursive: true, force: true }));
  process.once("exit", removeJournals);
  try {
    let node = "";
    const single = await onFreshNode("single ratings", THROUGHPUT_POLL_MS, journals, log, async (fast, version) => {
      node = version;
      const singleRatings = ratings("single", sizes.single, fast.orgIds);
      const limit = await inFlightLimit(fast, fast.ledger.connect(fast.assessor).rate.estimateGas(singleRatings[0]));
      log(`single: ${sizes.single} ratings pipelined, ${limit} in flight`);
      const pipeline = new PipelineSigner(fast.assessor, log);
      const pipelined = await timed(() =>
        pipeline.watch(() => inFlight(singleRatings, limit, rateChecked(fast.ledger, pipeline))),
      );
      log(`single: ${round(perSecond(sizes.single, pipelined.seconds), 1)} ratings/s pipelined`);
      log(`single: ${sizes.sequential} ratings one at a time`);
      const sequentialRatings = ratings("sequential", sizes.sequential, fast.orgIds);
      const sequential = await timed(async () => {
        const gas: number[] = [];
        const send = rateChecked(fast.ledger, fast.assessor);
        for (const rating of sequentialRatings) gas.push(await send(rating));
        return gas;
      });
      log(`single: ${round(perSecond(sizes.sequential, sequential.seconds), 1)} ratings/s one at a time`);
      log(`besu: ${DISTINCT_BATCHES} batches of ${BATCH_SIZE}, each over ${DISTINCT_ORGANIZATIONS} organizations`);
      const distinctGas = await measureDistinctBatches(fast, BATCH_SIZE);
      return {
        result: {
          ratings: sizes.single,
          inFlight: limit,
          seconds: round(pipelined.seconds),
          perSecond: round(perSecond(sizes.single, pipelined.seconds), 1),
          sequentialRatings: sizes.sequential,
          sequentialSeconds: round(sequential.seconds),
          sequentialPerSecond: round(perSecond(sizes.sequential, sequential.seconds), 1),
          gasPerRating: median(sequential.value),
          resent: pipeline.resent,
        },
        distinctGas,
      };
    });

    const measureBatched = (batchSize: number) =>
      onFreshNode(
        `batches of ${batchSize}`,
        THROUGHPUT_POLL_MS,
        journals,
        log,
        async (fast): Promise<BatchedResult> => {
          const chunks = chunk(ratings(`batch${batchSize}`, sizes.batched, fast.orgIds), batchSize);
          const limit = await inFlightLimit(fast, fast.ledger.connect(fast.assessor).rateBatch.estimateGas(chunks[0]));
          log(`batched ${batchSize}: ${sizes.batched} ratings pipelined, ${limit} chunks in flight`);
          const pipeline = new PipelineSigner(fast.assessor, log);
          const piped = await timed(() =>
            pipeline.watch(() => inFlight(chunks, limit, rateBatchChecked(fast.ledger, pipeline))),
          );
          const oneByOne = chunk(
            ratings(`batch${batchSize}-sequential`, sizes.sequentialBatches * batchSize, fast.orgIds),
            batchSize,
          );
          log(`batched ${batchSize}: ${oneByOne.length} chunks one at a time`);
          const sequential = await timed(async () => {
            const send = rateBatchChecked(fast.ledger, fast.assessor);
            for (const ratingsOfChunk of oneByOne) await send(ratingsOfChunk);
          });
          const sequentialRatings = oneByOne.length * batchSize;
          log(
            `batched ${batchSize}: ${round(perSecond(sizes.batched, piped.seconds), 1)} ratings/s pipelined, ` +
              `${round(perSecond(sequentialRatings, sequential.seconds), 1)} one chunk at a time`,
          );
          const gasPerTransaction = median(piped.value);
          return {
            batchSize,
            inFlight: limit,
            ratings: sizes.batched,
            transactions: chunks.length,
            seconds: round(piped.seconds),
            perSecond: round(perSecond(sizes.batched, piped.seconds), 1),
            resent: pipeline.resent,
            sequentialRatings,
            sequentialSeconds: round(sequential.seconds),
            sequentialPerSecond: round(perSecond(sequentialRatings, sequential.seconds), 1),
            gasPerTransaction,
            gasPerRating: Math.round(gasPerTransaction / batchSize),
          };
        },
      );
    const batched = await measureBatched(BATCH_SIZE);
    const cliBatched = await measureBatched(DEFAULT_BATCH_SIZE);

    // Latency: set up on automine (Ignition waits for confirmations, which at one block a second takes some 40 s),
    // then a block every LATENCY_BLOCK_TIME seconds whatever arrives: evm_setIntervalMining puts anvil in the mode
    // its --block-time option starts it in.
    const latency = await onFreshNode("latency", LATENCY_POLL_MS, journals, log, async (slow) => {
      await slow.provider.send("evm_setIntervalMining", [LATENCY_BLOCK_TIME]);
      if ((await slow.provider.send("anvil_getAutomine", [])) !== false) throw new Error("anvil still automines");
      log(`latency: ${sizes.latency} ratings, ${LATENCY_SPACING_MS.min}-${LATENCY_SPACING_MS.max} ms apart`);
      return measureLatency(slow, ratings("latency", sizes.latency, slow.orgIds));
    });

    const gasPerRating = single.result.gasPerRating;
    const gasLimit = Number(GENESIS_GAS_LIMIT);
    const blockPeriod = NETWORK_DEFAULTS.blockPeriod;
    /** Whole transactions of `gas` per Besu block, times the ratings each carries, per second. */
    const besuRate = (gas: number, ratingsPerTransaction: number) =>
      round((Math.floor(gasLimit / gas) * ratingsPerTransaction) / blockPeriod, 1);
    return {
      mode,
      node,
      organizations: ORGANIZATIONS,
      pollingMs: THROUGHPUT_POLL_MS,
      single: single.result,
      batched,
      cliBatched,
      latency: {
        blockTime: LATENCY_BLOCK_TIME,
        pollingMs: LATENCY_POLL_MS,
        spacingMs: { ...LATENCY_SPACING_MS },
        blocks: latency.blocks,
        ...roundSummary(summarize(latency.seconds)),
      },
      besu: {
        gasLimit,
        blockPeriod,
        gasPerRating,
        batchSize: batched.batchSize,
        gasPerBatch: batched.gasPerTransaction,
        gasPerBatchedRating: batched.gasPerRating,
        singlePerSecond: besuRate(gasPerRating, 1),
        batchedPerSecond: besuRate(batched.gasPerTransaction, batched.batchSize),
        distinct: {
          organizations: DISTINCT_ORGANIZATIONS,
          gasPerBatch: single.distinctGas,
          gasPerBatchedRating: Math.round(single.distinctGas / batched.batchSize),
          batchedPerSecond: besuRate(single.distinctGas, batched.batchSize),
        },
      },
      machine: { cpus: os.cpus().length, loadAverage1mBefore: loadBefore, loadAverage1mAfter: os.loadavg()[0] },
    };
  } finally {
    removeJournals();
    process.off("exit", removeJournals);
  }
}

/** A node with the suite deployed, ORGANIZATIONS Active organizations and the assessor's wallet. */
interface Prepared {
  ledger: TrustLedger;
  registry: EntityRegistry;
  assessor: HDNodeWallet;
  orgIds: bigint[];
  provider: CredenceProvider;
}

/**
 * Starts anvil (automine), deploys the suite with a fresh, unfunded wallet as ASSESSOR, sets up ORGANIZATIONS
 * Active organizations, runs `work` with the CLI's provider (polling every `pollingMs`) and the node's
 * web3_clientVersion, and stops anvil whatever happens. The Ignition journal's directory is added to `journals`.
 */
async function onFreshNode<R>(
  label: string,
  pollingMs: number,
  journals: string[],
  log: (line: string) => void,
  work: (node: Prepared, version: string) => Promise<R>,
): Promise<R> {
  log(`${label}: starting anvil`);
  const anvil = await startAnvil(undefined, CHAIN_ID);
  const provider = new CredenceProvider(anvil.url, Network.from(CHAIN_ID), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: pollingMs,
  });
  try {
    // A generated Besu network's free gas, as the CLI sets it there: the assessor holds no ether.
    provider.fixedGasPrice = 0n;
    const assessor = Wallet.createRandom().connect(provider);
    const deploymentId = `bench-throughput-${process.pid}-${journals.length}`;
    journals.push(path.join(root, "deploy/deployments", deploymentId));
    // Ignition sends from anvil's first dev account, through Hardhat's own provider.
    const connection = await network.create({ network: "anvil", override: { url: anvil.url } });
    let addresses;
    try {
      ({ addresses } = await deploySuite({ connection, assessor: assessor.address, deploymentId }));
    } finally {
      await connection.close();
    }
    const ledger = TrustLedger__factory.connect(addresses.ledger, provider);
    const registry = EntityRegistry__factory.connect(addresses.registry, provider);
    const node: Prepared = { ledger, registry, assessor, orgIds: [], provider };
    node.orgIds = await addOrganizations(node, ORGANIZATIONS, "member");
    return await work(node, String(await provider.send("web3_clientVersion", [])));
  } finally {
    provider.destroy();
    await anvil.stop();
  }
}

/**
 * `count` new Active organizations: the platform submits each join request for an admin account of its own
 * (requestJoinFor) and activates it. Returns their ids.
 */
async function addOrganizations(node: Prepared, count: number, label: string): Promise<bigint[]> {
  const platform = new PipelineSigner(node.assessor);
  const indexes = Array.from({ length: count }, (_, i) => i);
  const joined = await platform.watch(() =>
    inFlight(indexes, SETUP_IN_FLIGHT, (i) =>
      requestJoin({
        registry: node.registry,
        signer: platform,
        // An address nobody holds the key of: the admin never acts here.
        admin: getAddress(dataSlice(id(`bench:${label}:admin:${i}`), 12)),
        identityHash: id(`bench:${label}:identity:${i}`),
        country: "DE",
        profileHash: id(`bench:${label}:profile:${i}`),
        profileURI: `https://${label}${i}.example/profile.json`,
      }),
    ),
  );
  const orgIds = joined.map((request) => request.orgId);
  await platform.watch(() =>
    inFlight(orgIds, SETUP_IN_FLIGHT, (orgId) =>
      activate({ registry: node.registry, assessor: platform, orgId, legal: Level.High, capability: Level.High }),
    ),
  );
  return orgIds;
}

/**
 * Median gas of DISTINCT_BATCHES rateBatch transactions of `batchSize` ratings, each for a different one of
 * DISTINCT_ORGANIZATIONS new organizations, sent one at a time (each alone in its block on automine).
 */
async function measureDistinctBatches(node: Prepared, batchSize: number): Promise<number> {
  if (DISTINCT_ORGANIZATIONS < batchSize) throw new Error(`a batch of ${batchSize} needs as many organizations`);
  const orgIds = await addOrganizations(node, DISTINCT_ORGANIZATIONS, "distinct");
  const send = rateBatchChecked(node.ledger, node.assessor);
  const gas: number[] = [];
  for (let i = 0; i < DISTINCT_BATCHES; i++) gas.push(await send(ratings(`distinct${i}`, batchSize, orgIds)));
  return median(gas);
}

/**
 * ethers' NonceManager (nonces counted locally, so transactions need not wait for each other's receipts) sending
 * with PIPELINE_GAS_HEADROOM_PERCENT over the node's gas estimate, and keeping what it signed so that `watch` can
 * re-send what anvil strands.
 *
 * Pipelined sends reach anvil out of nonce order, and anvil 1.7.1's pool can then strand them: a transaction that
 * arrives while its predecessor is being mined waits for a predecessor that will never be announced, and every
 * later one waits behind it. Seen here twice (once in CI): 26 and 64 transactions queued for good, the first at
 * exactly the account's next nonce, nothing pending, the benchmark waiting forever. Mining more blocks does not
 * free them (they are not ready); removing them from the pool and sending the same signed bytes again, in order,
 * does, and their hashes (so the receipts awaited) are unchanged.
 */
export class PipelineSigner extends NonceManager {
  /** Signed transactions by nonce: what `watch` re-sends. */
  private readonly signedByNonce = new Map<number, string>();
  /** Transactions re-sent after anvil stranded them, over this signer's life. */
  resent = 0;

  constructor(
    signer: Signer,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    super(signer);
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    // The nonce is taken at the call, as NonceManager does.
    const nonce = this.getNonce("pending");
    this.increment();
    const gasLimit = tx.gasLimit ?? ((await this.estimateGas(tx)) * (100n + PIPELINE_GAS_HEADROOM_PERCENT)) / 100n;
    const populated = await this.signer.populateTransaction({ ...tx, gasLimit, nonce: await nonce });
    const signed = await this.signer.signTransaction(populated);
    this.signedByNonce.set(Number(populated.nonce), signed);
    return (this.provider as CredenceProvider).broadcastTransaction(signed);
  }

  /**
   * Runs `work` while checking anvil's pool every WATCH_MS: when this account's queue starts at its next nonce
   * with nothing pending, at two checks in a row, those transactions are stranded, and are dropped and re-sent in
   * nonce order (logged, and counted in `resent`). A failure to re-send fails `work`.
   */
  async watch<R>(work: () => Promise<R>): Promise<R> {
    let fail: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    let suspect: string | undefined;
    let checking = false;
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      this.stranded()
        .then(async (nonces) => {
          const key = nonces?.join(",");
          if (key === undefined || key !== suspect) {
            suspect = key;
            return;
          }
          suspect = undefined;
          await this.resend(nonces!);
        })
        .catch(fail)
        .finally(() => (checking = false));
    }, WATCH_MS);
    try {
      return await Promise.race([work(), failed]);
    } finally {
      clearInterval(timer);
    }
  }

  /** The nonces queued for this account when they start at its next nonce and nothing is pending. */
  private async stranded(): Promise<number[] | undefined> {
    const provider = this.provider as CredenceProvider;
    const address = (await this.getAddress()).toLowerCase();
    const pool = (await provider.send("txpool_inspect", [])) as Record<"pending" | "queued", Record<string, object>>;
    const entries = (group: Record<string, object>) =>
      Object.entries(group ?? {}).find(([account]) => account.toLowerCase() === address)?.[1] ?? {};
    const queued = Object.keys(entries(pool.queued))
      .map(Number)
      .sort((a, b) => a - b);
    if (queued.length === 0 || Object.keys(entries(pool.pending)).length > 0) return undefined;
    const next = await provider.getTransactionCount(address, "latest");
    return queued[0] === next ? queued : undefined;
  }

  private async resend(nonces: number[]): Promise<void> {
    const provider = this.provider as CredenceProvider;
    const signed = nonces.map((nonce) => {
      const bytes = this.signedByNonce.get(nonce);
      if (bytes === undefined) throw new Error(`anvil stranded nonce ${nonce}, which this signer did not sign`);
      return bytes;
    });
    this.log(`anvil stranded ${nonces.length} transactions from nonce ${nonces[0]}; dropping and re-sending them`);
    // Everything this account has in the pool is stranded (nothing pending, the queue starts at the next nonce).
    await provider.send("anvil_removePoolTransactions", [await this.getAddress()]);
    for (const bytes of signed) await provider.broadcastTransaction(bytes);
    this.resent += signed.length;
  }
}

/** `count` distinct good ratings (no low-integrity signal) spread over `orgIds`; `label` keeps runs apart. */
function ratings(label: string, count: number, orgIds: bigint[]): RatingInput[] {
  const scores = { quality: toFixed("0.9"), quantity: toFixed("0.8"), integrity: toFixed("0.9"), intent: ONE };
  return Array.from({ length: count }, (_, i) => ({
    orgId: orgIds[i % orgIds.length],
    contributionId: id(`bench:${label}:${i}`),
    scores,
    evidenceHash: id(`bench:evidence:${label}:${i}`),
  }));
}

/** rate() through the library, checked: its receipt carries this rating's ContributionRated. Returns its gas. */
function rateChecked(ledger: TrustLedger, assessor: Signer): (rating: RatingInput) => Promise<number> {
  return async (rating) => {
    const rated = await rate({ ledger, assessor, rating });
    if (rated.contributionId !== rating.contributionId || rated.orgId !== rating.orgId) {
      throw new Error(`rating ${rating.contributionId} was not applied (no ContributionRated in its receipt)`);
    }
    if (rated.signal !== undefined) throw new Error(`rating ${rating.contributionId} raised a low-integrity signal`);
    return Number(rated.gasUsed);
  };
}

/** rateBatch() through the library, checked: every item applied, none skipped. Returns the transaction's gas. */
function rateBatchChecked(ledger: TrustLedger, assessor: Signer): (batch: RatingInput[]) => Promise<number> {
  return async (batch) => {
    const sent = await rateBatch({ ledger, assessor, ratings: batch });
    const applied = sent.rated.map((item) => item.contributionId);
    if (
      sent.skipped.length > 0 ||
      applied.length !== batch.length ||
      applied.some((c, i) => c !== batch[i].contributionId)
    ) {
      throw new Error(
        `batch of ${batch.length}: ${sent.applied} applied, ${sent.skipped.length} skipped ` +
          `(${sent.skipped[0]?.error ?? "events out of order"})`,
      );
    }
    return Number(sent.gasUsed);
  };
}

/**
 * Latency at interval mining: the ratings are sent in order, each LATENCY_SPACING_MS after the previous one was
 * started (not after it was mined), so that they land in several blocks at every phase of the block period.
 */
async function measureLatency(node: Prepared, list: RatingInput[]): Promise<{ seconds: number[]; blocks: number }> {
  const manager = new PipelineSigner(node.assessor);
  const spacing = spacings(list.length);
  const pending: Array<Promise<{ seconds: number; block: number }>> = [];
  for (const [i, rating] of list.entries()) {
    const started = performance.now();
    const sample = rate({ ledger: node.ledger, assessor: manager, rating }).then((rated) => {
      const seconds = (performance.now() - started) / 1000;
      if (rated.contributionId !== rating.contributionId) {
        throw new Error(`rating ${rating.contributionId} was not applied (no ContributionRated in its receipt)`);
      }
      return { seconds, block: rated.blockNumber };
    });
    // Handled now, reported by Promise.all below: a failure while later ratings are still being paced out must
    // not be an unhandled rejection.
    sample.catch(() => undefined);
    pending.push(sample);
    // Pacing of the load, not synchronisation: the next rating is due this long after this one started.
    if (i < list.length - 1) await delay(spacing[i]);
  }
  const results = await Promise.all(pending);
  return { seconds: results.map((r) => r.seconds), blocks: new Set(results.map((r) => r.block)).size };
}

/**
 * Gaps between the latency run's ratings: spread evenly over [min, max] and shuffled by a fixed permutation, so
 * the run is the same every time while the arrivals fall at varied phases of the block period.
 */
function spacings(count: number): number[] {
  const { min, max } = LATENCY_SPACING_MS;
  const steps = Math.max(1, count - 1);
  // 7919 is prime, hence coprime with any count it is taken modulo (except its multiples, far beyond our sizes).
  return Array.from({ length: steps }, (_, i) => min + (((i * 7919) % steps) / Math.max(1, steps - 1)) * (max - min));
}

/**
 * Calls `run` on every item, in order, with at most `limit` calls outstanding; resolves to the results in order
 * once all have settled, rejecting with the first failure.
 */
async function inFlight<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * How many transactions of `estimate` gas (plus the pipeline's headroom) may be outstanding at once: IN_FLIGHT, or
 * fewer so that all of them fit in one block of the node. anvil's automine mines a block when a transaction
 * arrives, taking the ready transactions up to its block gas limit (30 M by default); what does not fit waits in
 * the pool for the next arrival, and after the last one it would wait forever.
 */
async function inFlightLimit(node: Prepared, estimate: Promise<bigint>): Promise<number> {
  const block = await node.provider.getBlock("latest");
  const perTransaction = ((await estimate) * (100n + PIPELINE_GAS_HEADROOM_PERCENT)) / 100n;
  return Math.max(1, Math.min(IN_FLIGHT, Number(block!.gasLimit / perTransaction)));
}

/** `items` in consecutive slices of `size`. */
function chunk<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Runs `work` and returns its value with the wall time it took, seconds. */
async function timed<R>(work: () => Promise<R>): Promise<{ value: R; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A latency summary with its times rounded to the millisecond. */
function roundSummary(summary: Summary): Summary {
  const { samples, min, p50, p95, max, mean } = summary;
  return { samples, min: round(min), p50: round(p50), p95: round(p95), max: round(max), mean: round(mean) };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  const usage =
    "usage: npx tsx scripts/bench/throughput.ts [--quick]\n\n" +
    "Ratings per second (single and batched) and submit-to-receipt latency over JSON-RPC against anvil, and the\n" +
    "rate a generated Besu network implies. Prints the result as JSON; progress on stderr.\n\n" +
    "  --quick   the small version (CI)";
  let values: { quick?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { quick: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`throughput: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage + "\n");
  } else {
    try {
      const result = await measureThroughput({ quick: values.quick });
      process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    } catch (error) {
      process.stderr.write(`throughput: ${(error as Error).message.split("\n")[0]}\n`);
      process.exitCode = 1;
    }
  }
}
