/**
 * The benchmark's report: the targets of issue 6 evaluated against the measured figures, the Markdown tables of
 * bench/results.md, and the SVG chart (Vega-Lite, rendered headless). Figures come in as measured; a target
 * whose figure was not measured in this run is reported as such, never as met.
 */
import * as vega from "vega";
import * as vegaLite from "vega-lite";

import type { PeerFigures } from "./peers.js";
import type { ScaleResult } from "./scale.js";
import type { ThroughputResult } from "./throughput.js";
import type { StateGrowth } from "./stateGrowth.js";

/** Gas of one of our operations, by the benchmark's label. */
export interface OperationGas {
  operation: string;
  gas: number;
  /** The scenario's operation it was read from (scripts/lib/gasScenario.ts). */
  source: string;
}

export interface Results {
  generatedAt: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  operations: OperationGas[];
  /** Per organization (join, recommendation, activation) and per rating. */
  stateGrowth: Array<{ what: string; perUnit: string; growth: StateGrowth; units: number }>;
  peers?: PeerFigures;
  scale?: ScaleResult;
  throughput?: ThroughputResult;
  targets: TargetResult[];
}

export interface TargetResult {
  figure: string;
  target: string;
  /** The measured value as printed, or "not measured". */
  measured: string;
  /** Whether the target is met; undefined when the figure was not measured in this run. */
  met: boolean | undefined;
  anchor: string;
}

const gasOf = (results: Omit<Results, "targets">, operation: string) =>
  results.operations.find((o) => o.operation === operation)?.gas;

const thousands = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (n: number) => n.toFixed(2);
const percent = (n: number) => `${(n * 100).toFixed(2)}%`;

/** Issue 6's targets, each with the figure it is checked against. */
export function evaluateTargets(results: Omit<Results, "targets">): TargetResult[] {
  const rows: TargetResult[] = [];
  const add = (
    figure: string,
    target: string,
    anchor: string,
    value: number | undefined,
    met: (v: number) => boolean,
    show: (v: number) => string,
  ) =>
    rows.push({
      figure,
      target,
      anchor,
      measured: value === undefined ? "not measured" : show(value),
      met: value === undefined ? undefined : met(value),
    });
  const rate = gasOf(results, "single rating");
  const batched = gasOf(results, "rating in a batch of 100 (per item)");
  const vote = gasOf(results, "castVote");
  const join = ["join request", "recommendation", "recommendation", "activation (2 recommendations)"].map((o) =>
    gasOf(results, o),
  );
  const joinPath = join.every((g) => g !== undefined) ? join.reduce((a, b) => a! + b!, 0)! : undefined;
  const eas = results.peers?.eas;
  const governor = results.peers?.governor;
  add(
    "single rating",
    "≤ 80,000 gas",
    eas === undefined
      ? "EAS attest ≈ 207,000–297,000"
      : `EAS attest ${thousands(eas.attest)} here (issue: ≈ 207,000–297,000)`,
    rate,
    (v) => v <= 80_000,
    (v) => `${thousands(v)} gas`,
  );
  add(
    "rating in a batch of 100",
    "≤ 35,000 gas per item",
    eas === undefined
      ? "EAS multiAttest ≈ 260,000 per item"
      : `EAS multiAttest ${thousands(eas.multiAttestPerItem)} per item here (issue: ≈ 260,000)`,
    batched,
    (v) => v <= 35_000,
    (v) => `${thousands(v)} gas`,
  );
  add(
    "rating ÷ EAS attest of the same data",
    "≤ 0.35",
    eas === undefined ? "" : `EAS attest ${thousands(eas.attest)} here`,
    rate !== undefined && eas !== undefined ? rate / eas.attest : undefined,
    (v) => v <= 0.35,
    ratio,
  );
  add(
    "castVote",
    "≤ 65,000 gas",
    governor === undefined
      ? "Governor castVote ≈ 85,000"
      : `Governor castVote ${thousands(governor.castVoteFirst)} (first) / ${thousands(governor.castVote)} here`,
    vote,
    (v) => v <= 65_000,
    (v) => `${thousands(v)} gas`,
  );
  // Like for like: the first vote of a case against a proposal's first vote (each sets a tally from zero).
  add(
    "castVote ÷ Governor castVote (first votes)",
    "≤ 0.8",
    governor === undefined ? "" : `Governor castVote ${thousands(governor.castVoteFirst)} here`,
    vote !== undefined && governor !== undefined ? vote / governor.castVoteFirst : undefined,
    (v) => v <= 0.8,
    ratio,
  );
  const later = gasOf(results, "castVote (a later vote)");
  add(
    "castVote ÷ Governor castVote (later votes)",
    "≤ 0.8",
    governor === undefined ? "" : `Governor castVote ${thousands(governor.castVote)} here`,
    later !== undefined && governor !== undefined ? later / governor.castVote : undefined,
    (v) => v <= 0.8,
    ratio,
  );
  add(
    "join request + 2 recommendations + activation",
    "≤ 450,000 gas in all",
    "",
    joinPath,
    (v) => v <= 450_000,
    (v) => `${thousands(v)} gas`,
  );
  const spread = results.scale?.spread;
  const largest = results.scale?.sizes.at(-1)?.organizations;
  add(
    `spread from 10 to ${largest === undefined ? "100,000" : thousands(largest)} organizations (worst of rate, castVote, finalize)`,
    "≤ 2%",
    "naive on-chain EigenTrust grows quadratically",
    spread === undefined ? undefined : Math.max(spread.rate, spread.castVote, spread.finalize),
    (v) => v <= 0.02,
    percent,
  );
  const perRating = results.stateGrowth.find((s) => s.what === "rating in a batch of 100");
  add(
    "new state per rating (batch of 100)",
    "≤ 1 slot (32 B)",
    "paper ≈ 400 B per transaction",
    perRating === undefined ? undefined : perRating.growth.newSlots / perRating.units,
    (v) => v <= 1,
    (v) => `${v.toFixed(2)} slots (${Math.round(v * 32)} B)`,
  );
  add(
    "batched ratings over JSON-RPC",
    "≥ 2,000 per second",
    "paper ≈ 0.38 transactions per second",
    results.throughput?.batched.perSecond,
    (v) => v >= 2_000,
    (v) => `${thousands(v)} per second`,
  );
  add(
    "latency p95 at 1 s blocks",
    "≤ 1.2 s",
    "paper ≈ 2.66 s",
    results.throughput?.latency.p95,
    (v) => v <= 1.2,
    (v) => `${v.toFixed(2)} s`,
  );
  return rows;
}

/** A Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A target's verdict as printed: met, MISSED, or not measured in this run. */
export const verdict = (met: boolean | undefined) => (met === undefined ? "not measured" : met ? "met" : "MISSED");

/** The targets as a Markdown table (bench/results.md and docs/performance.md show the same one). */
function targetsTable(results: Results): string {
  return markdownTable(
    ["figure", "target", "measured", "verdict", "peer / anchor"],
    results.targets.map((t) => [t.figure, t.target, t.measured, verdict(t.met), t.anchor]),
  );
}

/** The markers of the block of docs/performance.md that a full run rewrites. */
export const DOCS_BEGIN = "<!-- bench:targets:begin -->";
export const DOCS_END = "<!-- bench:targets:end -->";

/** The targets table with the run's date and machine: the block between the markers of docs/performance.md. */
export function renderDocsBlock(results: Results): string {
  const { machine } = results;
  return [
    `Measured by \`npm run bench\` at ${results.generatedAt.slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, ` +
      `${machine.memoryGiB} GiB, Node ${machine.node}.`,
    "",
    targetsTable(results),
    ...(results.throughput === undefined ? [] : ["", besuCapacity(results.throughput)]),
  ].join("\n");
}

/** `doc` with the block between the markers replaced by `block`; throws if the markers are missing. */
export function replaceDocsBlock(doc: string, block: string): string {
  const begin = doc.indexOf(DOCS_BEGIN);
  const end = doc.indexOf(DOCS_END);
  if (begin === -1 || end < begin) throw new Error(`docs/performance.md lacks ${DOCS_BEGIN} … ${DOCS_END}`);
  return `${doc.slice(0, begin + DOCS_BEGIN.length)}\n\n${block}\n\n${doc.slice(end)}`;
}

/** bench/results.md: the targets, then each section's figures. */
export function renderMarkdown(results: Results): string {
  const parts = [
    "# Benchmark results",
    "",
    `Generated by \`npm run bench${results.quick ? " -- --quick" : ""}\` at ${results.generatedAt} on ` +
      `${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}. ` +
      "Every figure was measured in that run; see docs/performance.md for the method.",
    "",
    "## Targets",
    "",
    targetsTable(results),
    "",
    "## Gas per operation (in-process chain)",
    "",
    markdownTable(
      ["operation", "gas", "scenario operation"],
      results.operations.map((o) => [o.operation, thousands(o.gas), `\`${o.source}\``]),
    ),
    ...(results.peers === undefined ? [] : ["", "## Peers, same run and chain", "", renderPeers(results)]),
    ...(results.scale === undefined ? [] : ["", "## Scale", "", renderScale(results.scale)]),
    ...(results.throughput === undefined
      ? []
      : ["", "## Throughput and latency", "", renderThroughput(results.throughput)]),
    "",
    "## State growth",
    "",
    markdownTable(
      ["transaction", "slots written", "new slots", "new bytes", "per", "new slots per unit", "tx bytes", "log bytes"],
      results.stateGrowth.map((s) => [
        s.what,
        String(s.growth.slotsWritten),
        String(s.growth.newSlots),
        String(s.growth.newBytes),
        s.perUnit,
        (s.growth.newSlots / s.units).toFixed(2),
        String(s.growth.transactionBytes),
        String(s.growth.logBytes),
      ]),
    ),
  ];
  return parts.join("\n") + "\n";
}

function renderThroughput(t: ThroughputResult): string {
  const rate = (n: number) => `${n.toFixed(1)} per second`;
  return [
    markdownTable(
      ["over JSON-RPC (" + t.node + ")", "pipelined", "one at a time", "gas per rating"],
      [
        [
          "single ratings",
          rate(t.single.perSecond),
          rate(t.single.sequentialPerSecond),
          thousands(t.single.gasPerRating),
        ],
        ...[t.batched, t.cliBatched].map((b) => [
          `ratings in batches of ${b.batchSize}`,
          rate(b.perSecond),
          rate(b.sequentialPerSecond),
          thousands(b.gasPerRating),
        ]),
      ],
    ),
    "",
    `Latency at ${t.latency.blockTime} s blocks, from the call to the receipt (${t.latency.samples} ratings over ` +
      `${t.latency.blocks} blocks, receipts polled every ${t.latency.pollingMs} ms): p50 ${t.latency.p50.toFixed(2)} s, ` +
      `p95 ${t.latency.p95.toFixed(2)} s, max ${t.latency.max.toFixed(2)} s.`,
    "",
    besuCapacity(t),
  ].join("\n");
}

/** What the measured gas means for a generated Besu network (block gas limit ÷ gas per rating ÷ block period). */
function besuCapacity(t: ThroughputResult): string {
  return (
    `A Besu network of ${thousands(t.besu.gasLimit)} gas a block every ${t.besu.blockPeriod} s takes ` +
    `${thousands(t.besu.singlePerSecond)} single ratings per second, ${thousands(t.besu.batchedPerSecond)} in ` +
    `batches of ${t.besu.batchSize} (${thousands(t.besu.gasPerBatchedRating)} gas a rating), and ` +
    `${thousands(t.besu.distinct.batchedPerSecond)} when every rating of a batch is for a different organization ` +
    `(${thousands(t.besu.distinct.gasPerBatchedRating)} gas a rating).`
  );
}

function renderScale(scale: ScaleResult): string {
  return [
    markdownTable(
      ["organizations", "rate", "castVote", "finalize", "population time"],
      scale.sizes.map((size) => [
        thousands(size.organizations),
        thousands(size.rate),
        thousands(size.castVote),
        thousands(size.finalize),
        `${size.populateSeconds.toFixed(1)} s (${size.populateTransactions} transaction${size.populateTransactions === 1 ? "" : "s"})`,
      ]),
    ),
    "",
    `Spread (max − min) / min: rate ${percent(scale.spread.rate)}, castVote ${percent(scale.spread.castVote)}, ` +
      `finalize ${percent(scale.spread.finalize)}. ${scale.population} ${scale.conditions}`,
  ].join("\n");
}

function renderPeers(results: Results): string {
  const { eas, governor } = results.peers!;
  const ours = (operation: string) => gasOf(results, operation);
  const pair = (what: string, mine: number | undefined, peer: number, peerName: string): string[] => [
    what,
    mine === undefined ? "-" : thousands(mine),
    `${peerName}: ${thousands(peer)}`,
    mine === undefined ? "-" : ratio(mine / peer),
  ];
  return [
    markdownTable(
      ["ours", "gas", "peer", "ours ÷ peer"],
      [
        pair("single rating", ours("single rating"), eas.attest, `EAS ${eas.version} attest`),
        pair(
          "rating in a batch of 10 (per item)",
          ours("rating in a batch of 10 (per item)"),
          eas.multiAttestPerItem,
          "EAS multiAttest of 10 (per item)",
        ),
        pair(
          "castVote (first vote of a case)",
          ours("castVote"),
          governor.castVoteFirst,
          `Governor ${governor.version} castVote (first vote)`,
        ),
        pair(
          "castVote (a later vote)",
          ours("castVote (a later vote)"),
          governor.castVote,
          `Governor ${governor.version} castVote (2nd vote)`,
        ),
      ],
    ),
    "",
    `EAS schema: \`${eas.schema}\` (no resolver, not revocable); the first attest of the schema cost ` +
      `${thousands(eas.attestFirst)}. Governor: ${governor.voters} voters with delegated ERC20Votes, ` +
      `GovernorCountingSimple, GovernorVotesQuorumFraction; its 3rd vote cost ${thousands(governor.castVoteThird)}. ` +
      `Chain: in-process, ${results.peers!.chain.hardfork}.`,
  ].join("\n");
}

/** The chart: gas per operation, ours against the peers measured in the same run, with the gas targets. */
export async function renderChart(results: Results): Promise<string> {
  const values: Array<{ operation: string; gas: number; system: string }> = results.operations.map((o) => ({
    operation: o.operation,
    gas: o.gas,
    system: "Credence",
  }));
  if (results.peers !== undefined) {
    values.push(
      { operation: "EAS attest", gas: results.peers.eas.attest, system: "EAS 1.9" },
      { operation: "EAS multiAttest (per item, of 10)", gas: results.peers.eas.multiAttestPerItem, system: "EAS 1.9" },
      {
        operation: "Governor castVote (first)",
        gas: results.peers.governor.castVoteFirst,
        system: "OpenZeppelin Governor",
      },
      { operation: "Governor castVote (later)", gas: results.peers.governor.castVote, system: "OpenZeppelin Governor" },
    );
  }
  const spec: vegaLite.TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Gas per operation (lower is better)",
    width: 520,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "operation", type: "nominal", sort: null, title: null },
      x: { field: "gas", type: "quantitative", title: "gas" },
      color: { field: "system", type: "nominal", title: null },
      tooltip: [{ field: "gas", type: "quantitative" }],
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}
