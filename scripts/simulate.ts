/**
 * `npm run simulate -- --scenario <name|all> [--members N] [--malicious F] [--rounds R] [--runs K] [--seed S]
 * [--quick] [--json] [--out DIR]`: drives the real contracts on the in-process chain through attack scenarios
 * (scripts/sim/scenarios.ts, policy in scripts/sim/engine.ts), replays every trace through the baselines
 * (scripts/sim/models/), and scores them all (scripts/sim/metrics.ts). Writes DIR/results.json, DIR/results.md
 * and the charts (SVG and PNG). DIR is sim/ for the canonical run (`--scenario all` with the default options),
 * which also rewrites the results block of docs/robustness.md; sim/quick/ with --quick; sim/custom/ otherwise.
 * Deterministic for a given seed: run k of a scenario uses seed S + k.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import * as prettier from "prettier";

import { defaultPenaltyParameters, defaultTrustParameters } from "../src/defaults.js";
import { type SimChain, openChain, revertTo, snapshot } from "./sim/chain.js";
import { writeCharts } from "./sim/charts.js";
import { contractsFingerprint } from "./sim/fingerprint.js";
import { runScenario } from "./sim/engine.js";
import { computeRunMetrics, summarize } from "./sim/metrics.js";
import { DEFAULT_FORGETTING } from "./sim/models/beta.js";
import { EIGENTRUST_DEFAULTS } from "./sim/models/eigentrust.js";
import { BASELINES, type ModelOptions, runModel } from "./sim/models/index.js";
import { printSummary, renderMarkdown, updateDocs } from "./sim/report.js";
import { createRng } from "./sim/rng.js";
import { SCENARIOS, type Scenario, scenarioNamed } from "./sim/scenarios.js";
import type {
  GoalResult,
  ModelName,
  RunMetrics,
  ScenarioResult,
  SimResults,
  SimTrace,
  Summary,
  SweepPoint,
  TrajectoryPoint,
} from "./sim/types.js";

const COMMAND = "simulate";
const DEFAULTS = { members: 40, rounds: 20, runs: 30, seed: 1 };
const QUICK = { members: 16, rounds: 8, runs: 2, seed: 1 };
/** Malicious shares of the AUC sweep, and its runs per point (the scenario's own share reuses its runs). */
const SWEEP_SHARES = [0.1, 0.2, 0.3, 0.4, 0.5];
const QUICK_SWEEP_SHARES = [0.1, 0.3];
const SWEEP_RUNS = 5;
/** The issue's goals apply up to this malicious share. */
const GOAL_MAX_SHARE = 0.3;
const GOAL_MIN_RUNS = 30;
const MODELS: ModelName[] = ["credence", ...BASELINES];

function fail(message: string): never {
  process.stderr.write(`${COMMAND}: ${message}\n`);
  process.exit(2);
}

function parseOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        scenario: { type: "string", default: "all" },
        members: { type: "string" },
        malicious: { type: "string" },
        rounds: { type: "string" },
        runs: { type: "string" },
        seed: { type: "string" },
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        out: { type: "string" },
        param: { type: "string", multiple: true },
        ratifier: { type: "string", default: "evidence" },
        teleport: { type: "string" },
        forgetting: { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail((error as Error).message.split("\n")[0]);
  }
  if (parsed.help) {
    process.stdout.write(
      `usage: npm run simulate -- [--scenario <${SCENARIOS.map((s) => s.name).join("|")}|all>] [--members N]\n` +
        "       [--malicious F] [--rounds R] [--runs K] [--seed S] [--quick] [--json] [--out DIR]\n" +
        "       [--param NAME=VALUE ...]   (a trust or penalty parameter other than its default, as an integer)\n" +
        "       [--ratifier evidence|vote]  (governance overturns votes the platform's record contradicts, or not)\n" +
        `       [--teleport A]    (EigenTrust's teleport weight, in (0, 1]; ${EIGENTRUST_DEFAULTS.teleport})\n` +
        `       [--forgetting L]  (beta reputation's forgetting factor, in [0, 1]; ${DEFAULT_FORGETTING})\n`,
    );
    process.exit(0);
  }
  const base = parsed.quick ? QUICK : DEFAULTS;
  const int = (name: string, text: string | undefined, fallback: number, min: number, max: number) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      fail(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    }
    return Number(text);
  };
  let malicious: number | undefined;
  if (parsed.malicious !== undefined) {
    malicious = Number(parsed.malicious);
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(parsed.malicious) || malicious > 0.8) {
      fail(`--malicious must be a fraction from 0 to 0.8, not "${parsed.malicious}"`);
    }
  }
  let scenarios: Scenario[];
  try {
    scenarios = parsed.scenario === "all" ? [...SCENARIOS] : [scenarioNamed(parsed.scenario)];
  } catch (error) {
    fail((error as Error).message);
  }
  const options = {
    members: int("members", parsed.members, base.members, 8, 500),
    rounds: int("rounds", parsed.rounds, base.rounds, 1, 500),
    runs: int("runs", parsed.runs, base.runs, 1, 1000),
    seed: int("seed", parsed.seed, base.seed, 0, 2 ** 31 - 1),
  };
  const trustParameters: Record<string, bigint> = {};
  const penaltyParameters: Record<string, bigint> = {};
  for (const assignment of parsed.param ?? []) {
    const match = /^(\w+)=(\d+)$/.exec(assignment);
    if (match === null) fail(`--param must be NAME=INTEGER, not "${assignment}"`);
    const [, name, value] = match;
    if (name in defaultTrustParameters) trustParameters[name] = BigInt(value);
    else if (name in defaultPenaltyParameters) penaltyParameters[name] = BigInt(value);
    else fail(`--param: "${name}" is neither a trust nor a penalty parameter`);
  }
  if (parsed.ratifier !== "evidence" && parsed.ratifier !== "vote") {
    fail(`--ratifier must be evidence or vote, not "${parsed.ratifier}"`);
  }
  const ratifier: "evidence" | "vote" = parsed.ratifier;
  const fraction = (name: string, text: string | undefined, fallback: number, zeroAllowed: boolean) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || value > 1 || (!zeroAllowed && value === 0)) {
      fail(`--${name} must be a number in ${zeroAllowed ? "[0, 1]" : "(0, 1]"}, not "${text}"`);
    }
    return value;
  };
  const models: Required<Pick<ModelOptions, "beta" | "eigentrust">> = {
    beta: { forgetting: fraction("forgetting", parsed.forgetting, DEFAULT_FORGETTING, true) },
    eigentrust: { teleport: fraction("teleport", parsed.teleport, EIGENTRUST_DEFAULTS.teleport, false) },
  };
  const canonical =
    ratifier === "evidence" &&
    (parsed.param ?? []).length === 0 &&
    parsed.teleport === undefined &&
    parsed.forgetting === undefined &&
    !parsed.quick &&
    parsed.scenario === "all" &&
    [parsed.members, parsed.malicious, parsed.rounds, parsed.runs, parsed.seed].every((v) => v === undefined);
  const out = parsed.out ?? (canonical ? "sim" : parsed.quick ? path.join("sim", "quick") : path.join("sim", "custom"));
  return {
    ...options,
    malicious,
    scenarios,
    quick: parsed.quick,
    json: parsed.json,
    out,
    canonical,
    ratifier,
    models,
    trustParameters,
    penaltyParameters,
  };
}

/** A progress bar on stderr: rewritten in place on a terminal, a line per finished run otherwise. */
class Bar {
  private readonly tty = process.stderr.isTTY === true;
  private done = 0;
  private readonly started = Date.now();
  constructor(private readonly total: number) {}

  update(label: string, finishedRun: boolean): void {
    if (finishedRun) this.done += 1;
    if (!this.tty && !finishedRun) return;
    const share = this.done / this.total;
    const width = 24;
    const filled = Math.round(share * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = this.done > 0 ? Math.round((elapsed / this.done) * (this.total - this.done)) : undefined;
    const text =
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total} runs` +
      `${eta === undefined ? "" : `, ~${eta} s left`} · ${label}`;
    process.stderr.write(this.tty ? `\r\u001b[2K${text}` : `${text}\n`);
  }

  end(): void {
    if (this.tty) process.stderr.write("\n");
  }
}

/** Every model's metrics for one run (the trace's own Credence trust, and the baselines replaying it). */
function scoreRun(trace: SimTrace, models: ModelOptions, control?: SimTrace): Map<ModelName, RunMetrics> {
  const scored = new Map<ModelName, RunMetrics>();
  for (const model of MODELS) {
    const run = runModel(model, trace, models);
    const sybilControl = control === undefined ? undefined : { trace: control, run: runModel(model, control, models) };
    scored.set(model, computeRunMetrics(trace, run, { sybilControl }));
  }
  return scored;
}

const hasMalicious = (trace: SimTrace) =>
  trace.members.some((m) => m.malicious) && trace.members.some((m) => !m.malicious);

async function main(): Promise<void> {
  const options = parseOptions();
  const started = Date.now();
  const sweepShares = options.quick ? QUICK_SWEEP_SHARES : SWEEP_SHARES;
  const sweepRuns = options.quick ? 1 : Math.min(SWEEP_RUNS, options.runs);

  // The plan: each scenario's runs at its share (with a paired single-identity run for Sybil scenarios), then the
  // sweep's other shares for every scenario that has malicious members at all.
  interface Job {
    scenario: Scenario;
    share: number;
    runs: number;
    main: boolean;
  }
  const jobs: Job[] = [];
  for (const scenario of options.scenarios) {
    // The honest baseline has no malicious member, whatever --malicious says.
    const share = scenario.defaultMalicious === 0 ? 0 : (options.malicious ?? scenario.defaultMalicious);
    jobs.push({ scenario, share, runs: options.runs, main: true });
    if (scenario.defaultMalicious > 0 && !scenario.lowTrustMajority && options.malicious === undefined) {
      for (const s of sweepShares) if (s !== share) jobs.push({ scenario, share: s, runs: sweepRuns, main: false });
    }
  }
  const totalRuns = jobs.reduce((n, job) => n + job.runs * (job.scenario.sybils > 0 ? 2 : 1), 0);
  const bar = new Bar(totalRuns);

  // The contracts' defaults unless --param says otherwise (a parameter set the contracts refuse fails here).
  const chain: SimChain = await openChain({
    trustParameters: options.trustParameters,
    penaltyParameters: options.penaltyParameters,
  });
  let base = await snapshot(chain);

  const scenarioResults: ScenarioResult[] = [];
  const sweep: SweepPoint[] = [];
  for (const job of jobs) {
    const perModel = new Map<ModelName, RunMetrics[]>(MODELS.map((m) => [m, []]));
    const traces: Array<{ trace: SimTrace; runs: Map<ModelName, number[][]> }> = [];
    const seeds: number[] = [];
    for (let k = 0; k < job.runs; k += 1) {
      const seed = options.seed + k;
      seeds.push(seed);
      const runOnce = async (sybils?: number) => {
        await revertTo(chain, base);
        base = await snapshot(chain);
        return runScenario(
          chain,
          job.scenario,
          {
            members: options.members,
            malicious: job.share,
            rounds: options.rounds,
            seed,
            sybils,
            ratifier: options.ratifier,
          },
          createRng(seed),
          (round) =>
            bar.update(
              `${job.scenario.name} at ${Math.round(job.share * 100)}%: run ${k + 1}/${job.runs}, round ${round + 1}/${options.rounds}`,
              false,
            ),
        );
      };
      const trace = await runOnce();
      bar.update(`${job.scenario.name}: run ${k + 1}/${job.runs}`, true);
      let control: SimTrace | undefined;
      if (job.scenario.sybils > 0) {
        control = await runOnce(0);
        bar.update(`${job.scenario.name}: control run ${k + 1}/${job.runs}`, true);
      }
      const scored = scoreRun(trace, options.models, control);
      for (const [model, metrics] of scored) perModel.get(model)!.push(metrics);
      if (job.main) {
        traces.push({ trace, runs: new Map(MODELS.map((m) => [m, runModel(m, trace, options.models).trust])) });
      }
    }

    if (job.scenario.defaultMalicious > 0 || options.malicious !== undefined) {
      for (const model of MODELS) {
        const aucs = perModel.get(model)!.map((m) => m.auc);
        if (aucs.some((a) => Number.isFinite(a))) {
          sweep.push({ scenario: job.scenario.name, maliciousShare: job.share, model, auc: summarize(aucs) });
        }
      }
    }
    if (!job.main) continue;

    const metrics: ScenarioResult["metrics"] = {};
    for (const model of MODELS) {
      const runs = perModel.get(model)!;
      const summary: Partial<Record<keyof RunMetrics, Summary>> = {};
      for (const key of Object.keys(runs[0] ?? {}) as Array<keyof RunMetrics>) {
        const values = runs.map((r) => r[key]).filter((v): v is number => typeof v === "number");
        if (values.length > 0) summary[key] = summarize(values);
      }
      metrics[model] = summary;
    }
    scenarioResults.push({
      scenario: job.scenario.name,
      description: job.scenario.description,
      members: options.members,
      maliciousShare: job.share,
      rounds: options.rounds,
      runs: job.runs,
      seeds,
      metrics,
      goals: evaluateGoals(job.scenario, job.share, perModel, traces.length > 0 && hasMalicious(traces[0].trace)),
      trajectories: trajectories(traces),
    });
  }
  bar.end();

  const results: SimResults = {
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    options: {
      members: options.members,
      malicious: options.malicious ?? Number.NaN,
      rounds: options.rounds,
      runs: options.runs,
      seed: options.seed,
      params: [...Object.entries(options.trustParameters), ...Object.entries(options.penaltyParameters)].map(
        ([name, value]) => `${name}=${value}`,
      ),
      ratifier: options.ratifier,
      teleport: options.models.eigentrust.teleport,
      forgetting: options.models.beta.forgetting,
    },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version },
    contracts: await contractsFingerprint(),
    parameters: {
      trust: stringify(await chain.ledger.parameters(), defaultTrustParameters),
      penalty: stringify(await chain.penalty.parameters(), defaultPenaltyParameters),
    },
    durationSeconds: Math.round((Date.now() - started) / 1000),
    scenarios: scenarioResults,
    sweep,
  };

  await mkdir(options.out, { recursive: true });
  await writeFile(path.join(options.out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const charts = await writeCharts(results, options.out);
  const markdown = await prettier.format(renderMarkdown(results), { parser: "markdown", printWidth: 120 });
  await writeFile(path.join(options.out, "results.md"), markdown);
  if (options.canonical) {
    const docPath = path.join("docs", "robustness.md");
    const doc = await readFile(docPath, "utf8");
    await writeFile(docPath, await updateDocs(doc, results, docPath));
  }

  if (options.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    process.stdout.write(`${printSummary(results)}\n`);
    process.stdout.write(
      `${results.durationSeconds} s; wrote ${options.out}/results.json, results.md and ${charts.length} charts\n`,
    );
  }
}

/** A parameters struct read from a contract, as decimal strings under the names of `names`. */
function stringify(struct: object, names: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(names).map((name) => [name, String((struct as Record<string, unknown>)[name])]),
  );
}

/** The issue's goals for one scenario, from its runs. */
function evaluateGoals(
  scenario: Scenario,
  share: number,
  perModel: Map<ModelName, RunMetrics[]>,
  mixed: boolean,
): GoalResult[] {
  const credence = perModel.get("credence")!;
  const goals: GoalResult[] = [];
  const mean = (values: Array<number | undefined>) => summarize(values.filter((v): v is number => v !== undefined));
  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
  const inRange = share <= GOAL_MAX_SHARE;

  if (mixed) {
    const auc = mean(credence.map((m) => m.auc));
    if (inRange) {
      goals.push({
        goal: "AUC (malicious vs honest, by final trust)",
        target: "≥ 0.95",
        measured: `${f3(auc.mean)} (min ${f3(auc.min)})`,
        met: auc.mean >= 0.95,
      });
    }
    const trustShare = mean(credence.map((m) => m.maliciousTrustShare));
    const memberShare = mean(credence.map((m) => m.maliciousMemberShare));
    goals.push({
      goal: "malicious share of total trust",
      target: `≤ their share of members (${f3(memberShare.mean)})`,
      measured: f3(trustShare.mean),
      met: trustShare.mean <= memberShare.mean,
    });
    for (const baseline of BASELINES) {
      if (baseline === "none") continue;
      const other = mean(perModel.get(baseline)!.map((m) => m.auc));
      goals.push({
        goal: `AUC at least the ${baseline} baseline's`,
        target: `≥ ${f3(other.mean)}`,
        measured: f3(auc.mean),
        met: auc.mean >= other.mean,
      });
    }
  }
  if (scenario.sybils > 0) {
    const amplification = mean(credence.map((m) => m.sybilAmplification));
    goals.push({
      goal: "Sybil amplification",
      target: "≤ 1.0",
      measured: `${f3(amplification.mean)} (max ${f3(amplification.max)})`,
      met: amplification.mean <= 1,
    });
  }
  if (inRange) {
    const expelled = credence.reduce((n, m) => n + (m.honestExpelled ?? 0), 0);
    const enough = credence.length >= GOAL_MIN_RUNS;
    goals.push({
      goal: "honest members expelled",
      target: `0 in ≥ ${GOAL_MIN_RUNS} runs`,
      measured: `${expelled} in ${credence.length} runs`,
      met: expelled === 0 && enough,
    });
  }
  if (scenario.behaviour === "onoff" && mixed) {
    const toFlag = mean(credence.map((m) => m.badContributionsToFlag));
    goals.push({
      goal: "bad contributions before an on-off attacker is flagged",
      target: "≤ 3",
      measured: `${f3(toFlag.mean)} (worst run ${f3(toFlag.max)})`,
      met: toFlag.max <= 3,
    });
  }
  return goals;
}

/** Mean and 10th/90th percentile trust per round, honest against malicious, for every model. */
function trajectories(traces: Array<{ trace: SimTrace; runs: Map<ModelName, number[][]> }>): TrajectoryPoint[] {
  const points: TrajectoryPoint[] = [];
  if (traces.length === 0) return points;
  const rounds = traces[0].trace.rounds;
  for (const model of MODELS) {
    for (const group of ["honest", "malicious"] as const) {
      for (let round = 0; round < rounds; round += 1) {
        const values: number[] = [];
        for (const { trace, runs } of traces) {
          const row = runs.get(model)![round];
          trace.members.forEach((m, i) => {
            if (m.malicious === (group === "malicious") && Number.isFinite(row[i])) values.push(row[i]);
          });
        }
        if (values.length === 0) continue;
        values.sort((a, b) => a - b);
        const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
        points.push({
          model,
          group,
          round,
          mean: values.reduce((s, v) => s + v, 0) / values.length,
          p10: at(0.1),
          p90: at(0.9),
        });
      }
    }
  }
  return points;
}

main().catch((error: unknown) => {
  process.stderr.write(`${COMMAND}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
