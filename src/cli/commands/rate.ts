import type { Command } from "commander";
import { ZeroHash } from "ethers";

import type { LowIntegritySignal, RatedContribution } from "../../actions/decodeRatings.js";
import { parseEvents } from "../../actions/parseEvents.js";
import { peerRate } from "../../actions/peerRate.js";
import { rate, type RatingInput } from "../../actions/rate.js";
import { rateBatch } from "../../actions/rateBatch.js";
import type { TransactionInfo } from "../../actions/waitForReceipt.js";
import { formatDelta, renderTable } from "../../format.js";
import type { GlobalOptions } from "../context.js";
import { CliError, ExitCode, toFailure, usageError } from "../errors.js";
import { hashOrText, parseBlockNumber, parseScore } from "../input.js";
import { parseOrganization, resolveOrganization } from "../organizations.js";
import { Progress, fixed, output, renderFields, section } from "../output.js";
import { type RatingsFormat, readRatingsFile } from "../ratingsFile.js";
import { type Session, openSession, requireRole, transactionFields } from "../transact.js";

/**
 * Ratings per rateBatch transaction by default: measured on anvil, a chunk costs about 120 k gas plus 60 k per
 * new rating, so about 3 M for 50 — far within anvil's 30 M block and a generated Besu network's 100 M, leaving
 * room for other transactions in the same block.
 */
export const DEFAULT_BATCH_SIZE = 50;

/** The skip reason of a rerun: the rating is on chain already, so the batch's goal is met for that item. */
const ALREADY_RATED = "TrustLedgerAlreadyRated";

interface RateOptions {
  contribution: string;
  quality: string;
  quantity: string;
  integrity: string;
  intent: string;
  evidence?: string;
  peer?: boolean;
}

/** What the penalty contract did with a platform rating's low-integrity signals, from the transaction's events. */
interface SignalOutcome {
  /** Cases the signals opened (one per organization at most). */
  casesOpened: bigint[];
  /** Signals ignored because their organization's case was open already: that case's id. */
  ignoredForOpenCase: bigint[];
}

async function signalOutcome(session: Session, transactionHash: string): Promise<SignalOutcome> {
  const receipt = (await session.provider.getTransactionReceipt(transactionHash))!;
  const events = (eventName: string) => parseEvents({ receipt, contract: session.penalty, eventName });
  return {
    casesOpened: events("CaseOpened").map((event) => event.args.caseId as bigint),
    ignoredForOpenCase: events("PlatformSignalIgnored").map((event) => event.args.openCaseId as bigint),
  };
}

type RateResult = TransactionInfo &
  RatedContribution & { signal: LowIntegritySignal | undefined } & Partial<SignalOutcome>;

function describeSignal(r: RateResult): string {
  if (r.signal === undefined) return "no";
  const scores = `integrity ${fixed(r.signal.integrity)}, intent ${fixed(r.signal.intent)}`;
  if (r.casesOpened?.length) return `yes (${scores}): case ${r.casesOpened[0]} opened`;
  if (r.ignoredForOpenCase?.length) return `yes (${scores}): case ${r.ignoredForOpenCase[0]} is open already`;
  // A peer's signal is an event only: the penalty contract acts on the platform's alone.
  return `yes (${scores})`;
}

function renderRating(r: RateResult): string {
  return renderFields([
    ["organization", String(r.orgId)],
    ["contribution", r.contributionId],
    ["rater", r.raterOrgId === 0n ? `platform (${r.rater})` : `organization ${r.raterOrgId} (${r.rater})`],
    ["score", fixed(r.score)],
    ["weight", fixed(r.weight)],
    ["trust", `${fixed(r.oldTrust)} -> ${fixed(r.newTrust)} (${formatDelta(r.delta)})`],
    ["low-integrity signal", describeSignal(r)],
    ...transactionFields(r),
  ]);
}

/** One item of `rate-batch` that the ledger skipped, named by its place in the file. */
interface SkippedItem {
  source: string;
  orgId: bigint;
  contributionId: string;
  error: string;
}

interface BatchResult {
  file: string;
  total: number;
  applied: number;
  /** Items already on chain (a rerun of the same file): skipped, and not a failure. */
  alreadyRated: number;
  /** Items skipped for any other reason (an organization no longer Active, say). */
  skipped: SkippedItem[];
  signals: number;
  /** Cases the batch's low-integrity signals opened. */
  casesOpened: bigint[];
  gasUsed: bigint;
  transactions: Array<TransactionInfo & { ratings: number }>;
}

function renderBatch(r: BatchResult): string {
  const summary = renderFields([
    ["file", r.file],
    ["ratings", String(r.total)],
    ["applied", String(r.applied)],
    ["already rated", String(r.alreadyRated)],
    ["skipped", String(r.skipped.length)],
    ["low-integrity signals", String(r.signals)],
    ["cases opened", r.casesOpened.length === 0 ? "-" : r.casesOpened.join(", ")],
    ["transactions", String(r.transactions.length)],
    ["gas used", String(r.gasUsed)],
    ["gas per applied rating", r.applied === 0 ? "-" : String(r.gasUsed / BigInt(r.applied))],
  ]);
  const transactions = renderTable(
    ["transaction", "block", "ratings", "gas used"],
    r.transactions.map((t) => [t.transactionHash, String(t.blockNumber), String(t.ratings), String(t.gasUsed)]),
    { align: ["left", "right", "right", "right"] },
  );
  let text = `${summary}\n\n${transactions}`;
  if (r.skipped.length > 0) {
    const skipped = renderTable(
      ["where", "organization", "contribution", "reason"],
      r.skipped.map((s) => [s.source, String(s.orgId), s.contributionId, s.error]),
    );
    text += `\n\n${section("Skipped", skipped)}`;
  }
  return text;
}

/** `credence trust rate | rate-batch`, registered on the `trust` group. */
export function registerRateCommands(trust: Command): void {
  trust
    .command("rate")
    .description("rate a contribution: as the platform (ASSESSOR), or with --peer as a member organization")
    .argument("<org>", "the organization whose contribution it is: id or an account address bound to it")
    .requiredOption("--contribution <id>", "the contribution's id (hashed), or its 32-byte hash as 0x…")
    .requiredOption("--quality <score>", "quality in [0, 1]")
    .requiredOption("--quantity <score>", "quantity in [0, 1]")
    .requiredOption("--integrity <score>", "integrity in [0, 1] (low integrity or intent signals misconduct)")
    .requiredOption("--intent <score>", "intent in [0, 1]")
    .option("--evidence <text>", "the evaluation (hashed), or its 32-byte hash as 0x… (default: none)")
    .option("--peer", "rate as the wallet's organization (peerRate) a contribution the platform has rated")
    .action(async (value: string, options: RateOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value);
      const rating: Omit<RatingInput, "orgId"> = {
        contributionId: hashOrText(options.contribution, "--contribution"),
        scores: {
          quality: parseScore(options.quality, "--quality"),
          quantity: parseScore(options.quantity, "--quantity"),
          integrity: parseScore(options.integrity, "--integrity"),
          intent: parseScore(options.intent, "--intent"),
        },
        evidenceHash: options.evidence === undefined ? ZeroHash : hashOrText(options.evidence, "--evidence"),
      };
      const session = await openSession(globals);
      if (!options.peer) await requireRole(session, "TrustLedger", "rate");
      const orgId = await resolveOrganization(session, ref);
      const parameters = { ledger: session.ledger, rating: { ...rating, orgId } };
      let result: RateResult;
      if (options.peer) {
        result = await peerRate({ ...parameters, signer: session.signer });
      } else {
        result = await rate({ ...parameters, assessor: session.signer });
        if (result.signal !== undefined) Object.assign(result, await signalOutcome(session, result.transactionHash));
      }
      output(globals, result, renderRating);
    });

  trust
    .command("rate-batch")
    .description("rate many contributions from a JSON or CSV file (ASSESSOR), in chunks, with progress on stderr")
    .argument("<file>", "ratings: org, contribution, quality, quantity, integrity, intent, evidence (docs/cli.md)")
    .option("--format <format>", "json or csv (default: from the file's extension)")
    .option("--batch-size <n>", `ratings per transaction (default ${DEFAULT_BATCH_SIZE})`)
    .action(async (file: string, options: { format?: string; batchSize?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.format !== undefined && options.format !== "json" && options.format !== "csv") {
        throw usageError(`--format must be json or csv, not "${options.format}"`);
      }
      const batchSize = parseBlockNumber(options.batchSize, "--batch-size", 1) ?? DEFAULT_BATCH_SIZE;
      // The whole file is checked before anything is sent: a bad line costs nothing on chain.
      const rows = await readRatingsFile(file, options.format as RatingsFormat | undefined);
      const session = await openSession(globals);
      await requireRole(session, "TrustLedger", "rateBatch");

      // What is on chain already (a rerun, a resumed batch) is not sent again: one eth_call per rating, which
      // ethers batches into a few requests. A rating that lands meanwhile is still skipped by the ledger itself.
      const onChain = await Promise.all(
        rows.map(({ rating }) => session.ledger.hasRated(rating.orgId, rating.contributionId, 0n)),
      );
      const pending = rows.filter((_, i) => !onChain[i]);
      const result: BatchResult = {
        file,
        total: rows.length,
        applied: 0,
        alreadyRated: rows.length - pending.length,
        skipped: [],
        signals: 0,
        casesOpened: [],
        gasUsed: 0n,
        transactions: [],
      };
      const progress = new Progress();
      if (result.alreadyRated > 0) {
        progress.update(`rate-batch: ${result.alreadyRated} of ${rows.length} ratings are on chain already`);
      }
      const chunks = Math.ceil(pending.length / batchSize);
      for (let chunk = 0; chunk < chunks; chunk++) {
        const start = chunk * batchSize;
        const slice = pending.slice(start, start + batchSize);
        progress.update(`rate-batch: sending ratings ${start + 1}-${start + slice.length} of ${pending.length}`);
        let sent;
        try {
          sent = await rateBatch({
            ledger: session.ledger,
            assessor: session.signer,
            ratings: slice.map((row) => row.rating),
          });
        } catch (error) {
          progress.done();
          const failure = toFailure(error);
          const done = start === 0 ? "nothing was applied" : `ratings 1-${start} of ${pending.length} were applied`;
          throw new CliError(
            `ratings ${start + 1}-${start + slice.length} (${slice[0].source} to ${slice.at(-1)!.source}) ` +
              `failed: ${failure.message}; ${done} — running the same file again skips what is on chain`,
            failure.exitCode,
            { cause: error },
          );
        }
        for (const item of sent.skipped) {
          if (item.error === ALREADY_RATED) {
            result.alreadyRated++;
            continue;
          }
          const { orgId, contributionId, error } = item;
          result.skipped.push({ source: slice[item.index].source, orgId, contributionId, error });
        }
        result.applied += sent.applied;
        result.signals += sent.signals.length;
        if (sent.signals.length > 0) {
          result.casesOpened.push(...(await signalOutcome(session, sent.transactionHash)).casesOpened);
        }
        result.gasUsed += sent.gasUsed;
        const { transactionHash, blockNumber, gasUsed } = sent;
        result.transactions.push({ transactionHash, blockNumber, gasUsed, ratings: slice.length });
        progress.update(
          `rate-batch: ${start + slice.length}/${pending.length} sent, ${result.applied} applied, ` +
            `${result.alreadyRated} already rated, ${result.skipped.length} skipped (block ${blockNumber})`,
        );
      }
      progress.done();
      output(globals, result, renderBatch);
      if (result.skipped.length > 0) {
        const first = result.skipped[0];
        throw new CliError(
          `${result.skipped.length} of ${result.total} ratings were skipped (first: ${first.source}, ${first.error})`,
          ExitCode.Failure,
        );
      }
    });
}
