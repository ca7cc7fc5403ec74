/**
 * Scale: the gas of a rating, a castVote and a finalize in one community grown from 10 to 1,000 to 100,000
 * organizations, on the in-process chain. Constant-cost contracts give the same figures at every size; a naive
 * on-chain EigenTrust would grow quadratically.
 *
 *   tsx scripts/bench/scale.ts [--quick]   prints the result as JSON (progress on stderr); --quick: 10 and 1,000
 *
 * Population: the bench-only contracts/bench/Populator.sol, granted the ASSESSOR role, submits a chunk of join
 * requests (`requestJoinFor`) and activates each new organization (`activate`) in one transaction, so the
 * community grows through the registry's own logic and events. A chunk fills 90% of what one transaction may use
 * on the in-process chain (the lower of its block gas limit, 60M, and EDR's per-transaction cap, 2^24), divided
 * by the gas per organization measured on the first chunks. Raising both limits
 * (`network.create({ override: { blockGasLimit, transactionGasCap: false } })`) works but is slower: EDR takes
 * longer per organization in bigger transactions.
 *
 * Comparable measurements: each size has its own rated and voting organizations, registered (Pending) before
 * any population and activated only in their round, so at every size the measured calls see the same history
 * (one trust checkpoint, no prior rating), the same blocks elapsed since it (trust decay costs gas by elapsed
 * blocks), the same small organization ids (calldata gas), a fresh contribution, a fresh case and a first vote.
 * The total's history is packed two checkpoints to a slot, so a rating's cost also depends on whether it starts a
 * slot of that history or fills one, which the number of blocks the population took decides: before each round,
 * the total's checkpoint count is made even (one platform rating of the reporter when it is odd), so that at every
 * size the measured rating starts a slot of both its organization's history and the total's, as the gas
 * snapshot's rating does.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AbiCoder, dataSlice, getAddress, id, keccak256, type TransactionReceipt, ZeroHash } from "ethers";
import { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { castVote } from "../../src/actions/castVote.js";
import { deploySuite, type Connection } from "../../src/actions/deploySuite.js";
import { finalize } from "../../src/actions/finalize.js";
import { flag } from "../../src/actions/flag.js";
import { rate, type RatingInput } from "../../src/actions/rate.js";
import { requestJoin } from "../../src/actions/requestJoin.js";
import { CaseState, Level, ONE, Role, VoteType, enumName } from "../../src/constants.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type { EntityRegistry, Populator } from "../../types/index.js";
import { totalCheckpointCount } from "../lib/totalCheckpoints.js";

/** The community sizes of a full run, and of a quick one. */
export const FULL_SIZES = [10, 1_000, 100_000] as const;
export const QUICK_SIZES = [10, 1_000] as const;

/** Short penalty periods (blocks), so a case runs its course in a few mined blocks. */
const PENALTY_PERIODS = { votingDelay: 1n, votingPeriod: 5n, ratificationWindow: 5n };
/** The country and grades of every organization, populated or not. */
const COUNTRY = "DE";
const GRADES = { legal: Level.High, capability: Level.High };
/** The share of the gas limit a population chunk may use. */
const LIMIT_SHARE = 0.9;
/** EIP-7825's per-transaction gas cap, EDR's default whatever the hardfork. */
const EIP_7825_TRANSACTION_GAS_CAP = 2 ** 24;

export interface ScaleSize {
  /** Organizations registered in the community when the three calls were measured (registry.organizationCount). */
  organizations: number;
  /** Wall-clock seconds spent populating the organizations added since the previous size. */
  populateSeconds: number;
  /** Population transactions sent for this size. */
  populateTransactions: number;
  /** Gas of one platform rating of a fresh contribution. */
  rate: number;
  /** Gas of the first vote on a fresh case. */
  castVote: number;
  /** Gas of recording that case's outcome once voting is over. */
  finalize: number;
}

export interface ScaleResult {
  sizes: ScaleSize[];
  /** (max − min) / min over the sizes, per operation, as a fraction. */
  spread: { rate: number; castVote: number; finalize: number };
  /** Organizations per population transaction. */
  chunkSize: number;
  /** The in-process chain's block gas limit. */
  blockGasLimit: number;
  /** Its per-transaction gas cap (null: none); a chunk fits the lower of the two. */
  transactionGasCap: number | null;
  /** Gas per populated organization (join request and activation), from the first full chunk. */
  populateGasPerOrganization: number;
  /** How the community was populated, in a sentence. */
  population: string;
  /** How the measurements were kept comparable, in a sentence. */
  conditions: string;
  /** The outcome every measured case was finalized with (the same at every size, by construction). */
  caseOutcome: string;
}

export interface BenchScaleOptions {
  /** Community sizes, ascending (default FULL_SIZES, or QUICK_SIZES when `quick`). */
  sizes?: readonly number[];
  quick?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** One size's actors: the organization rated (and then flagged) and the one that votes. */
interface RoundActors {
  voter: HardhatEthersSigner;
  ratedId: bigint;
  voterId: bigint;
}

/**
 * Grows one community through `sizes` (ascending) and measures, at each size, one platform rating, one castVote
 * and one finalize; returns the figures with their spread. Opens its own in-process chain and closes it.
 */
export async function benchScale(options: BenchScaleOptions = {}): Promise<ScaleResult> {
  const sizes = [...(options.sizes ?? (options.quick === true ? QUICK_SIZES : FULL_SIZES))];
  const log = options.log ?? ((line: string) => console.error(line));
  if (sizes.length === 0 || sizes.some((size, i) => !Number.isSafeInteger(size) || (i > 0 && size <= sizes[i - 1]))) {
    throw new Error(`scale: sizes must be ascending integers, got ${sizes.join(", ")}`);
  }
  const connection = await network.create();
  try {
    return await run(connection, sizes, log);
  } finally {
    await connection.close();
  }
}

/** Rated contributions of the reporter before the rounds (see run). */
const REPORTER_RECORD = 8;

async function run(connection: Connection, sizes: number[], log: (line: string) => void): Promise<ScaleResult> {
  const { ethers, networkHelpers } = connection;
  const signers = await ethers.getSigners();
  const [governance, reporter] = signers;
  // The reporter, then a rated and a voting organization per size: all must fit in the smallest community.
  const actorCount = 1 + 2 * sizes.length;
  if (signers.length < actorCount + 1) throw new Error(`scale: needs ${actorCount + 1} accounts`);
  if (sizes[0] < actorCount) throw new Error(`scale: the smallest size must hold the ${actorCount} actors`);

  // No probation: each round rates a newly activated organization, and its rating must move trust (and the total)
  // as a member's with a record does, the same work at every size.
  const { manager, registry, ledger, penalty } = await deploySuite({
    connection,
    trustParameters: { probationRatings: 0n },
    penaltyParameters: PENALTY_PERIODS,
  });
  const populator = (await ethers.deployContract("Populator", [await registry.getAddress()])) as unknown as Populator;
  await (await manager.connect(governance).grantRole(Role.ASSESSOR, await populator.getAddress(), 0)).wait();

  // The actors join first, as real accounts (they sign later), so their ids are small at every size. Only the
  // reporter is activated now; each round's pair waits, Pending, for its round.
  const join = async (signer: HardhatEthersSigner, label: string) =>
    (
      await requestJoin({
        registry,
        signer,
        identityHash: id(`credence-bench-scale:identity:${label}`),
        country: COUNTRY,
        profileHash: id(`credence-bench-scale:profile:${label}`),
        profileURI: `bench://scale/${label}`,
      })
    ).orgId;
  const reporterId = await join(reporter, "reporter");
  await activate({ registry, assessor: governance, orgId: reporterId, ...GRADES });
  // A record first: activation leaves the reporter at the private initial cap (0.40), the reporting threshold, and
  // each flag's bond takes a share of its trust; rated work lifts it clear of the threshold for every round.
  const rateReporter = (label: string, scores: RatingInput["scores"]) =>
    rate({
      ledger,
      assessor: governance,
      rating: {
        orgId: reporterId,
        contributionId: id(`credence-bench-scale:${label}`),
        scores,
        evidenceHash: ZeroHash,
      },
    });
  const perfect = { quality: ONE, quantity: ONE, integrity: ONE, intent: ONE };
  for (let k = 0; k < REPORTER_RECORD; k++) await rateReporter(`record:${k}`, perfect);
  const rounds: RoundActors[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const [rated, voter] = signers.slice(2 + 2 * i, 4 + 2 * i);
    rounds.push({ voter, ratedId: await join(rated, `rated-${i}`), voterId: await join(voter, `voter-${i}`) });
  }

  const blockGasLimit = Number((await ethers.provider.getBlock("latest"))!.gasLimit);
  const transactionGasCap = transactionGasCapOf(connection);
  const population = new PopulationState(
    registry,
    populator,
    transactionGasCap === null ? blockGasLimit : Math.min(blockGasLimit, transactionGasCap),
    log,
  );
  const parameters = await penalty.parameters();
  const scores = { quality: toFixed("0.9"), quantity: toFixed("0.8"), integrity: toFixed("0.9"), intent: ONE };
  const outcomes: string[] = [];
  const results: ScaleSize[] = [];

  for (const [i, size] of sizes.entries()) {
    const { seconds, transactions } = await population.growTo(size);
    const organizations = Number(await registry.organizationCount());
    if (organizations !== size) throw new Error(`scale: ${organizations} organizations, expected ${size}`);
    log(`scale: ${size.toLocaleString("en-US")} organizations (populated in ${seconds.toFixed(1)} s); measuring`);

    // The same parity of the total's checkpoint count at every size (see the header).
    if ((await totalCheckpointCount(ethers.provider, await ledger.getAddress())) % 2n === 1n) {
      // A rating, not applyDecay: the reporter's bond can leave it at or under the baseline, with no decay to write.
      await rateReporter(`parity:${size}`, scores);
      if ((await totalCheckpointCount(ethers.provider, await ledger.getAddress())) % 2n === 1n) {
        throw new Error("scale: a rating of the reporter did not checkpoint the total");
      }
    }
    // The round: the same transactions in the same blocks relative to the activations at every size.
    const { voter, ratedId, voterId } = rounds[i];
    await activate({ registry, assessor: governance, orgId: ratedId, ...GRADES });
    await activate({ registry, assessor: governance, orgId: voterId, ...GRADES });

    const rating = await rate({
      ledger,
      assessor: governance,
      // One contribution id for every round: the rated organization differs, so the rating is fresh.
      rating: {
        orgId: ratedId,
        contributionId: id("credence-bench-scale:contribution"),
        scores,
        evidenceHash: id("credence-bench-scale:evidence"),
      },
    });
    if (rating.orgId !== ratedId || rating.newTrust === rating.oldTrust) {
      throw new Error(`scale: the rating of organization ${ratedId} did not move its trust`);
    }

    const opened = await flag({
      penalty,
      signer: reporter,
      accusedId: ratedId,
      reasonCode: 1,
      evidenceHash: id("credence-bench-scale:flag"),
    });
    await networkHelpers.mine(Number(parameters.votingDelay));
    const vote = await castVote({ penalty, signer: voter, caseId: opened.caseId, support: VoteType.Expel });
    if (vote.voterOrgId !== voterId || vote.weight === 0n)
      throw new Error(`scale: the vote on case ${opened.caseId} did not count`);

    await networkHelpers.mine(Number(parameters.votingPeriod));
    const finalized = await finalize({ penalty, signer: governance, caseId: opened.caseId });
    const state = enumName(CaseState, await penalty.state(opened.caseId));
    if (!(await penalty.getCase(opened.caseId)).finalized)
      throw new Error(`scale: case ${opened.caseId} not finalized`);
    outcomes.push(state);

    results.push({
      organizations,
      populateSeconds: round(seconds, 2),
      populateTransactions: transactions,
      rate: Number(rating.gasUsed),
      castVote: Number(vote.gasUsed),
      finalize: Number(finalized.gasUsed),
    });
    log(
      `scale: ${size.toLocaleString("en-US")} organizations: rate ${rating.gasUsed}, castVote ${vote.gasUsed}, finalize ${finalized.gasUsed} gas`,
    );
  }
  // Same outcome, same code path in finalize: a different one would make the figures incomparable.
  if (new Set(outcomes).size !== 1) throw new Error(`scale: cases ended differently (${outcomes.join(", ")})`);

  const spreadOf = (pick: (s: ScaleSize) => number) => {
    const values = results.map(pick);
    return (Math.max(...values) - Math.min(...values)) / Math.min(...values);
  };
  return {
    sizes: results,
    spread: {
      rate: spreadOf((s) => s.rate),
      castVote: spreadOf((s) => s.castVote),
      finalize: spreadOf((s) => s.finalize),
    },
    chunkSize: population.chunkSize,
    blockGasLimit,
    transactionGasCap,
    populateGasPerOrganization: population.gasPerOrganization,
    population:
      `A bench-only Populator contract holding the ASSESSOR role calls EntityRegistry.requestJoinFor then activate ` +
      `for up to ${population.chunkSize} organizations per transaction (admin, identity and profile hash derived ` +
      `from the organization's index), so every organization joins through the registry's own checks and events.`,
    conditions:
      `Each size has its own rated and voting organizations, registered before any population and activated in ` +
      `their round, so every measured call sees the same trust history, the same blocks elapsed since it, the same ` +
      `organization-id widths, a fresh contribution and a fresh case voted on first; the total's checkpoint count ` +
      `is made even before each round, so that every measured rating starts a slot of the total's packed history.`,
    caseOutcome: outcomes[0],
  };
}

/** The synthetic organizations added so far, and how to add more. */
class PopulationState {
  /** Organizations per population transaction; sized on the first chunk. */
  chunkSize = 0;
  gasPerOrganization = 0;
  private sized = false;
  private added = 0;
  private readonly coder = AbiCoder.defaultAbiCoder();
  private readonly country = countryCode(COUNTRY);

  constructor(
    private readonly registry: EntityRegistry,
    private readonly populator: Populator,
    private readonly gasLimit: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Populates until the registry holds `size` organizations; returns the wall-clock time and transactions. */
  async growTo(size: number): Promise<{ seconds: number; transactions: number }> {
    const start = performance.now();
    let transactions = 0;
    let missing = size - Number(await this.registry.organizationCount());
    let lastReport = start;
    while (missing > 0) {
      // A small probe chunk first, to measure the gas per organization; then chunks sized from it.
      const count = Math.min(missing, this.chunkSize === 0 ? 10 : this.chunkSize);
      await this.addChunk(count);
      transactions += 1;
      missing -= count;
      const now = performance.now();
      if (now - lastReport > 10_000) {
        lastReport = now;
        this.log(
          `scale: ${(size - missing).toLocaleString("en-US")}/${size.toLocaleString("en-US")} organizations (${((now - start) / 1000).toFixed(0)} s)`,
        );
      }
    }
    return { seconds: (performance.now() - start) / 1000, transactions };
  }

  private async addChunk(count: number): Promise<void> {
    const requests = Array.from({ length: count }, (_, k) => this.request(this.added + k));
    const before = await this.registry.organizationCount();
    const sent = await this.populator.populate(requests, GRADES.legal, GRADES.capability, {
      // An explicit limit skips the gas estimation, which would execute every chunk twice.
      gasLimit: this.chunkSize === 0 ? undefined : this.gasLimit,
    });
    const receipt = (await sent.wait())!;
    this.check(receipt, count, before);
    this.added += count;
    // Sized twice: on the probe (its fixed costs spread over few organizations overstate the marginal gas, so
    // the first chunks are smaller than they could be), then once on the first chunk of that size.
    if (!this.sized && (this.chunkSize === 0 || count === this.chunkSize)) {
      this.sized = this.chunkSize !== 0;
      this.gasPerOrganization = Math.ceil(Number(receipt.gasUsed) / count);
      this.chunkSize = Math.max(1, Math.floor((this.gasLimit * LIMIT_SHARE) / this.gasPerOrganization));
    }
  }

  /** The chunk did its job: one Populated event, `count` activations, the count moved by `count`. */
  private check(receipt: TransactionReceipt, count: number, before: bigint): void {
    const populated = receipt.logs.filter((l) => l.topics[0] === this.populatedTopic);
    const activated = receipt.logs.filter((l) => l.topics[0] === this.activatedTopic).length;
    if (populated.length !== 1 || activated !== count) {
      throw new Error(
        `scale: a population chunk of ${count} emitted ${populated.length} Populated, ${activated} OrganizationActivated`,
      );
    }
    const firstOrgId = BigInt(populated[0].topics[1]);
    if (firstOrgId !== before + 1n)
      throw new Error(`scale: chunk started at organization ${firstOrgId}, expected ${before + 1n}`);
  }

  private get populatedTopic(): string {
    return this.populator.interface.getEvent("Populated")!.topicHash;
  }

  private get activatedTopic(): string {
    return this.registry.interface.getEvent("OrganizationActivated")!.topicHash;
  }

  /** Synthetic organization `index`: an admin account nobody holds the key of, distinct identity and profile. */
  private request(index: number) {
    const derive = (label: string) => keccak256(this.coder.encode(["string", "uint256"], [label, index]));
    return {
      identityHash: derive("credence-bench-identity"),
      country: this.country,
      admin: getAddress(dataSlice(derive("credence-bench"), 12)),
      profileHash: derive("credence-bench-profile"),
      profileURI: "bench://credence/profile",
    };
  }
}

/**
 * EDR's per-transaction gas cap on the in-process chain: the network config's `transactionGasCap` when set (false:
 * none), else its default, the EIP-7825 cap of 2^24 gas, which EDR applies even to a Shanghai chain ("Transaction
 * gas limit is 60000000 and exceeds transaction gas cap of 16777216" without it).
 */
function transactionGasCapOf(connection: Connection): number | null {
  const config = connection.networkConfig;
  const cap = config.type === "edr-simulated" ? config.transactionGasCap : undefined;
  if (cap === false) return null;
  return cap === undefined ? EIP_7825_TRANSACTION_GAS_CAP : Number(cap);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const USAGE = `usage: tsx scripts/bench/scale.ts [--quick]
  --quick  10 and 1,000 organizations (default: 10, 1,000 and 100,000; the full run takes minutes)`;

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let quick = false;
  try {
    const { values } = parseArgs({ options: { quick: { type: "boolean" }, help: { type: "boolean" } }, strict: true });
    if (values.help === true) {
      console.log(USAGE);
      process.exit(0);
    }
    quick = values.quick === true;
  } catch (error) {
    console.error(`scale: ${(error as Error).message}`);
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(await benchScale({ quick }), null, 2));
  } catch (error) {
    console.error(`scale: ${(error as Error).message}`);
    process.exit(1);
  }
}
