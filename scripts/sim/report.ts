/**
 * The simulator's report: sim/results.md (the run, the goals, every model's metrics per scenario, the charts), the
 * block of docs/robustness.md between the sim markers, and the summary printed on the terminal. Figures come in as
 * measured; a metric that does not apply to a model (or was not measured) is printed `n/a`, never as a number.
 */
import * as prettier from "prettier";

import { markdownTable } from "../bench/report.js";
import { AUC_FILE, MODEL_LABELS, MODEL_ORDER, sweptScenarios, trajectoryFile } from "./charts.js";
import { DEFAULT_FORGETTING } from "./models/beta.js";
import { EIGENTRUST_DEFAULTS } from "./models/eigentrust.js";
import type { ModelName, RunMetrics, ScenarioResult, SimResults, Summary } from "./types.js";

/** The markers of the block of docs/robustness.md that a full run rewrites. */
export const DOCS_BEGIN = "<!-- sim:results:begin -->";
export const DOCS_END = "<!-- sim:results:end -->";

const NA = "n/a";

/** A figure that was measured: a number, not NaN. JSON turns NaN and Infinity into null, so null is not one. */
const measured = (n: number | null | undefined): n is number => typeof n === "number" && !Number.isNaN(n);

const decimal = (n: number | null | undefined) =>
  !measured(n) ? NA : n === Infinity ? "∞" : n === -Infinity ? "−∞" : n.toFixed(3);

/** A share in [0, 1] as a percentage (three decimals of the fraction). */
const percent = (n: number | null | undefined) =>
  !measured(n) || !Number.isFinite(n) ? NA : `${(n * 100).toFixed(1)}%`;

/** A summary over runs: the mean, and the min–max range when the runs differ. */
function summary(s: Summary | undefined, show: (n: number) => string): string {
  if (s === undefined || !measured(s.mean)) return NA;
  if (!measured(s.min) || !measured(s.max) || s.min === s.max) return show(s.mean);
  return `${show(s.mean)} (${show(s.min)} to ${show(s.max)})`;
}

/** Text as one Markdown table cell. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

/** The metrics table's rows, in order: label, metric, how the figure is shown. */
const METRIC_ROWS: Array<{ label: string; metric: keyof RunMetrics; show: (n: number) => string }> = [
  { label: "AUC, honest above malicious", metric: "auc", show: decimal },
  { label: "malicious identities' share of final trust", metric: "maliciousTrustShare", show: percent },
  { label: "malicious identities' share of identities", metric: "maliciousMemberShare", show: percent },
  { label: "bad contributions' share of trust-weighted acceptance", metric: "badAcceptedShare", show: percent },
  { label: "bad contributions' share of contributions", metric: "badContributionShare", show: percent },
  { label: "rounds from first bad contribution to a case", metric: "roundsToFlag", show: decimal },
  { label: "rounds from first bad contribution to expulsion", metric: "roundsToExpel", show: decimal },
  { label: "bad contributions before a case", metric: "badContributionsToFlag", show: decimal },
  { label: "honest identities expelled", metric: "honestExpelled", show: decimal },
  { label: "reporters penalized for a flag not upheld", metric: "reportersPenalized", show: decimal },
  {
    label: "Sybil amplification (attacker's trust ÷ single-identity run)",
    metric: "sybilAmplification",
    show: decimal,
  },
];

/** Rows every model has; the others are shown only in scenarios where some model measured them. */
const ALWAYS: Array<keyof RunMetrics> = [
  "auc",
  "maliciousTrustShare",
  "maliciousMemberShare",
  "badAcceptedShare",
  "badContributionShare",
];
/** Credence's own rows: shown wherever Credence ran, `n/a` when nothing happened to measure. */
const CREDENCE_ONLY: Array<keyof RunMetrics> = [
  "roundsToFlag",
  "roundsToExpel",
  "badContributionsToFlag",
  "honestExpelled",
  "reportersPenalized",
];

/** The models of the results, in the report's order. */
function modelsOf(results: SimResults): ModelName[] {
  const present = new Set<ModelName>();
  for (const s of results.scenarios) for (const m of Object.keys(s.metrics)) present.add(m as ModelName);
  for (const p of results.sweep) present.add(p.model);
  return MODEL_ORDER.filter((m) => present.has(m));
}

/** One scenario's metrics: a row per metric, a column per model. */
function metricsTable(scenario: ScenarioResult, models: ModelName[]): string {
  const rows = METRIC_ROWS.filter(
    ({ metric }) =>
      ALWAYS.includes(metric) ||
      (CREDENCE_ONLY.includes(metric) && scenario.metrics.credence !== undefined) ||
      models.some((m) => scenario.metrics[m]?.[metric] !== undefined),
  );
  return markdownTable(
    ["metric", ...models.map((m) => MODEL_LABELS[m])],
    rows.map(({ label, metric, show }) => [label, ...models.map((m) => summary(scenario.metrics[m]?.[metric], show))]),
  );
}

/** Every scenario's goals as one table. */
function goalsTable(results: SimResults): string {
  return markdownTable(
    ["scenario", "goal", "target", "measured", "met"],
    results.scenarios.flatMap((s) =>
      s.goals.map((g) => [s.scenario, cell(g.goal), cell(g.target), cell(g.measured), g.met ? "✓" : "✗"]),
    ),
  );
}

/** How many of the run's goals were met, of how many. */
export function goalsSummary(results: SimResults): { met: number; total: number } {
  const goals = results.scenarios.flatMap((s) => s.goals);
  return { met: goals.filter((g) => g.met).length, total: goals.length };
}

const goalsLine = (results: SimResults) => {
  const { met, total } = goalsSummary(results);
  return `${met} of ${total} goal${total === 1 ? "" : "s"} met.`;
};

const duration = (seconds: number) => {
  const whole = Math.round(seconds);
  return whole < 120 ? `${seconds.toFixed(1)} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
};

/** The command line as run (the options' values, not interpreted). */
const commandLine = (results: SimResults) => {
  const {
    members,
    malicious,
    rounds,
    runs,
    seed,
    params = [],
    ratifier = "evidence",
    teleport,
    forgetting,
  } = results.options;
  return (
    `npm run simulate -- ${results.quick ? "--quick " : ""}--members ${members} ` +
    `${typeof malicious === "number" && Number.isFinite(malicious) ? `--malicious ${malicious} ` : ""}` +
    `--rounds ${rounds} --runs ${runs} --seed ${seed}` +
    params.map((p) => ` --param ${p}`).join("") +
    (ratifier === "evidence" ? "" : ` --ratifier ${ratifier}`) +
    (teleport === undefined || teleport === EIGENTRUST_DEFAULTS.teleport ? "" : ` --teleport ${teleport}`) +
    (forgetting === undefined || forgetting === DEFAULT_FORGETTING ? "" : ` --forgetting ${forgetting}`)
  );
};

const machineLine = (results: SimResults) =>
  `${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}`;

/** The scenarios' AUC, mean over the runs, a row per scenario. */
function aucTable(results: SimResults, models: ModelName[]): string {
  return markdownTable(
    ["scenario", "malicious share", ...models.map((m) => MODEL_LABELS[m])],
    results.scenarios.map((s) => [
      s.scenario,
      percent(s.maliciousShare),
      ...models.map((m) => summary(s.metrics[m]?.auc, decimal)),
    ]),
  );
}

/** A scenario's description and run parameters. */
const scenarioLine = (s: ScenarioResult) =>
  `${s.description.trim()}${/[.!?]$/.test(s.description.trim()) ? "" : "."} ${s.members} members, ` +
  `${percent(s.maliciousShare)} malicious, ${s.rounds} rounds, ${s.runs} run${s.runs === 1 ? "" : "s"} ` +
  `(seed${s.seeds.length === 1 ? "" : "s"} ${s.seeds.join(", ")}).`;

/**
 * sim/results.md: the run, the goals, then per scenario its metrics (mean over the runs, min to max in brackets when
 * the runs differ) and its trajectory chart, then the AUC sweep. Chart links are relative to the results' folder.
 */
export function renderMarkdown(results: SimResults): string {
  const models = modelsOf(results);
  const parts = [
    "# Attack simulation results",
    "",
    `Generated by \`${commandLine(results)}\` at ${results.generatedAt} on ${machineLine(results)}, in ` +
      `${duration(results.durationSeconds)}. Every figure was measured in that run; docs/robustness.md describes ` +
      "the scenarios, the models and the metrics.",
    "",
    "## Goals",
    "",
    goalsTable(results),
    "",
    goalsLine(results),
    "",
    "## AUC per scenario",
    "",
    aucTable(results, models),
  ];
  for (const s of results.scenarios) {
    parts.push(
      "",
      `## ${s.scenario}`,
      "",
      scenarioLine(s),
      "",
      metricsTable(s, models),
      "",
      `![Trust per round: ${s.scenario}](${trajectoryFile(s.scenario)}.svg) ` +
        `([PNG](${trajectoryFile(s.scenario)}.png))`,
    );
  }
  const swept = sweptScenarios(results);
  if (swept.length > 0) {
    parts.push(
      "",
      "## AUC against malicious share",
      "",
      `Swept: ${swept.join(", ")}. Mean over the runs, min to max in brackets.`,
      "",
      markdownTable(
        ["scenario", "malicious share", ...models.map((m) => MODEL_LABELS[m])],
        swept.flatMap((scenario) => {
          const points = results.sweep.filter((p) => p.scenario === scenario);
          const shares = [...new Set(points.map((p) => p.maliciousShare))].sort((a, b) => a - b);
          return shares.map((share) => [
            scenario,
            percent(share),
            ...models.map((m) =>
              summary(points.find((p) => p.maliciousShare === share && p.model === m)?.auc, decimal),
            ),
          ]);
        }),
      ),
      "",
      `![AUC against malicious share](${AUC_FILE}.svg) ([PNG](${AUC_FILE}.png))`,
    );
  }
  return parts.join("\n") + "\n";
}

/**
 * The block between the markers of docs/robustness.md: the run, the goals and each scenario's AUC, with links to
 * the full report and the charts in sim/ (relative to docs/).
 */
export function renderDocsBlock(results: SimResults): string {
  const models = modelsOf(results);
  const parts = [
    `Measured by \`${commandLine(results)}\` at ${results.generatedAt.slice(0, 10)} on ${machineLine(results)}, in ` +
      `${duration(results.durationSeconds)}. Every model's metrics per scenario: [sim/results.md](../sim/results.md).`,
    "",
    goalsTable(results),
    "",
    goalsLine(results),
    "",
    "AUC (mean over the runs, min to max in brackets):",
    "",
    aucTable(results, models),
    "",
    results.scenarios
      .map((s) => `![Trust per round: ${s.scenario}](../sim/${trajectoryFile(s.scenario)}.svg)`)
      .join("\n\n"),
  ];
  if (sweptScenarios(results).length > 0) {
    parts.push("", `![AUC against malicious share](../sim/${AUC_FILE}.svg)`);
  }
  return parts.join("\n");
}

/** `doc` with the block between the markers replaced by `block`; throws if the markers are missing or misplaced. */
export function replaceDocsBlock(doc: string, block: string): string {
  const begin = doc.indexOf(DOCS_BEGIN);
  const end = doc.indexOf(DOCS_END);
  if (begin === -1 || end === -1) throw new Error(`docs/robustness.md lacks ${DOCS_BEGIN} … ${DOCS_END}`);
  if (end < begin) throw new Error(`docs/robustness.md has ${DOCS_END} before ${DOCS_BEGIN}`);
  return `${doc.slice(0, begin + DOCS_BEGIN.length)}\n\n${block}\n\n${doc.slice(end)}`;
}

/** Markdown formatted by prettier with the project's configuration for `filepath` (as docs/ is checked). */
export async function formatMarkdown(markdown: string, filepath: string): Promise<string> {
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(markdown, { ...options, filepath });
}

/** docs/robustness.md's text `doc` with the results' block in place, formatted as prettier checks it. */
export async function updateDocs(doc: string, results: SimResults, filepath: string): Promise<string> {
  return formatMarkdown(replaceDocsBlock(doc, renderDocsBlock(results)), filepath);
}

/** A compact table for the terminal: each scenario's AUC per model and goals met, then the goals missed. */
export function printSummary(results: SimResults): string {
  const models = modelsOf(results);
  const header = ["scenario", ...models.map((m) => MODEL_LABELS[m]), "goals met"];
  const rows = results.scenarios.map((s) => [
    s.scenario,
    ...models.map((m) => decimal(s.metrics[m]?.auc?.mean)),
    `${s.goals.filter((g) => g.met).length}/${s.goals.length}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  const missed = results.scenarios.flatMap((s) =>
    s.goals
      .filter((g) => !g.met)
      .map((g) => `missed: ${s.scenario}: ${g.goal} (target ${g.target}, measured ${g.measured})`),
  );
  return [`AUC by scenario and model`, line(header), ...rows.map(line), goalsLine(results), ...missed].join("\n");
}
