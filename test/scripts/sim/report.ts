/**
 * The simulator's report and charts (scripts/sim/report.ts, scripts/sim/charts.ts) on results built by hand:
 * the Markdown's tables and figures, the docs block between its markers, the terminal summary, the Vega-Lite
 * specifications, and their SVG and PNG renderings.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import {
  AUC_GOAL,
  CHART_FONT,
  aucChart,
  renderPng,
  renderSvg,
  trajectoryChart,
  writeCharts,
} from "../../../scripts/sim/charts.js";
import {
  DOCS_BEGIN,
  DOCS_END,
  goalsSummary,
  printSummary,
  renderDocsBlock,
  renderMarkdown,
  replaceDocsBlock,
  updateDocs,
} from "../../../scripts/sim/report.js";
import type {
  ModelName,
  RunMetrics,
  SimResults,
  Summary,
  SweepPoint,
  TrajectoryPoint,
} from "../../../scripts/sim/types.js";

const flat = (mean: number): Summary => ({ mean, min: mean, max: mean });
const spread = (mean: number, min: number, max: number): Summary => ({ mean, min, max });
const none: Summary = { mean: NaN, min: NaN, max: NaN };

type Metrics = Partial<Record<keyof RunMetrics, Summary>>;
const shares = (trust: number, accepted: number): Metrics => ({
  maliciousTrustShare: flat(trust),
  maliciousMemberShare: flat(0.2),
  badAcceptedShare: flat(accepted),
  badContributionShare: flat(0.25),
});

/** Straight lines per model and group; the malicious group has no identity in round 0 (NaN there). */
function trajectories(models: ModelName[], rounds: number): TrajectoryPoint[] {
  return models.flatMap((model, m) =>
    (["honest", "malicious"] as const).flatMap((group) =>
      Array.from({ length: rounds }, (_, round) => {
        const mean = group === "malicious" && round === 0 ? NaN : group === "honest" ? 0.6 : 0.4 - 0.1 * m;
        return { model, group, round, mean, p10: mean - 0.1, p90: mean + 0.1 };
      }),
    ),
  );
}

const sweepPoint = (scenario: string, maliciousShare: number, model: ModelName, auc: Summary): SweepPoint => ({
  scenario,
  maliciousShare,
  model,
  auc,
});

const MODELS: ModelName[] = ["credence", "beta", "eigentrust"];

/** Two scenarios, three models; the sweep has three shares for "collusion" and one for "sybil". */
const results: SimResults = {
  generatedAt: "2025-03-04T05:06:07.000Z",
  quick: false,
  options: { members: 30, malicious: 6, rounds: 12, runs: 3, seed: 42 },
  machine: { cpus: 2, cpuModel: "Example CPU @ 2.0GHz", node: "v22.1.0" },
  contracts: "sha256:00",
  parameters: { trust: {}, penalty: {} },
  durationSeconds: 183.4,
  scenarios: [
    {
      scenario: "collusion",
      description: "Malicious members rate each other 1 and honest members 0",
      members: 30,
      maliciousShare: 0.2,
      rounds: 12,
      runs: 3,
      seeds: [42, 43, 44],
      metrics: {
        credence: {
          auc: spread(0.9712, 0.95, 0.9934),
          ...shares(0.0412, 0.0655),
          roundsToFlag: flat(2.25),
          roundsToExpel: flat(5.5),
          badContributionsToFlag: flat(1.75),
          honestExpelled: flat(0),
          // No reporter was penalized in any run: nothing to average over.
          reportersPenalized: none,
        },
        beta: { auc: flat(0.8), ...shares(0.15, 0.2) },
        eigentrust: { auc: flat(0.6667), ...shares(0.1875, 0.22) },
      },
      goals: [
        { goal: "AUC", target: "≥ 0.95", measured: "0.971", met: true },
        { goal: "honest expelled | flagged", target: "0", measured: "0", met: true },
      ],
      trajectories: trajectories(MODELS, 12),
    },
    {
      scenario: "sybil",
      description: "One attacker registers 3 Sybil identities.",
      members: 30,
      maliciousShare: 0.1,
      rounds: 12,
      runs: 1,
      seeds: [42],
      metrics: {
        credence: { auc: flat(0.9), ...shares(0.02, 0.03), sybilAmplification: flat(1.25) },
        beta: { auc: flat(0.7), ...shares(0.3, 0.4), sybilAmplification: flat(Infinity) },
        eigentrust: { auc: flat(0.5), ...shares(0.35, 0.45), sybilAmplification: flat(3.5) },
      },
      goals: [{ goal: "Sybil amplification", target: "≤ 1.5", measured: "2.000", met: false }],
      trajectories: trajectories(MODELS, 12),
    },
  ],
  sweep: [
    ...[0.1, 0.2, 0.3].flatMap((share) =>
      MODELS.map((model, m) => {
        const auc = 1 - share * (m + 1);
        return sweepPoint("collusion", share, model, spread(auc, auc - 0.05, auc + 0.05));
      }),
    ),
    ...MODELS.map((model) => sweepPoint("sybil", 0.1, model, flat(0.9))),
  ],
};

/** The body of the Markdown section under `## heading` (up to the next `## `). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `section ${heading}`).to.not.equal(-1);
  const rest = markdown.slice(start + heading.length + 5);
  const next = rest.indexOf("\n## ");
  return next === -1 ? rest : rest.slice(0, next);
}

/** The rows of the first Markdown table in `text`: cells, trimmed, the separator row left out. */
function tableRows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

/** A table's rows keyed by their first cell. */
const byFirstCell = (rows: string[][]) => new Map(rows.map((r) => [r[0], r.slice(1)]));

const svgSize = (svg: string) => {
  const match = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  expect(match, "the SVG's width and height").to.not.equal(null);
  return { width: Number(match![1]), height: Number(match![2]) };
};

describe("simulator report", function () {
  describe("renderMarkdown", function () {
    const markdown = renderMarkdown(results);

    it("states the command line, the machine and the duration of the run", function () {
      expect(markdown).to.contain(
        "`npm run simulate -- --members 30 --malicious 6 --rounds 12 --runs 3 --seed 42` at 2025-03-04T05:06:07.000Z",
      );
      expect(markdown).to.contain("on 2 × Example CPU @ 2.0GHz, Node v22.1.0, in 3 min 3 s");
    });

    it("tables every scenario's goals with ✓ or ✗, escaping pipes, and counts those met", function () {
      const rows = tableRows(section(markdown, "Goals"));
      expect(rows).to.deep.equal([
        ["scenario", "goal", "target", "measured", "met"],
        ["collusion", "AUC", "≥ 0.95", "0.971", "✓"],
        ["collusion", "honest expelled \\| flagged", "0", "0", "✓"],
        ["sybil", "Sybil amplification", "≤ 1.5", "2.000", "✗"],
      ]);
      expect(section(markdown, "Goals")).to.contain("2 of 3 goals met.");
    });

    it("gives each scenario a metrics table with a column per model, 3 decimals, shares in %", function () {
      const collusion = section(markdown, "collusion");
      expect(collusion).to.contain("Malicious members rate each other 1 and honest members 0. 30 members, 20.0%");
      expect(collusion).to.contain("3 runs (seeds 42, 43, 44)");
      const rows = tableRows(collusion);
      expect(rows[0]).to.deep.equal(["metric", "Credence", "beta", "EigenTrust"]);
      const table = byFirstCell(rows);
      expect(table.get("AUC, honest above malicious")).to.deep.equal(["0.971 (0.950 to 0.993)", "0.800", "0.667"]);
      expect(table.get("malicious identities' share of final trust")).to.deep.equal(["4.1%", "15.0%", "18.8%"]);
      expect(table.get("malicious identities' share of identities")).to.deep.equal(["20.0%", "20.0%", "20.0%"]);
      expect(table.get("bad contributions' share of trust-weighted acceptance")).to.deep.equal([
        "6.6%",
        "20.0%",
        "22.0%",
      ]);
      expect(table.get("bad contributions' share of contributions")).to.deep.equal(["25.0%", "25.0%", "25.0%"]);
    });

    it("prints n/a where a metric does not apply or was not measured", function () {
      const table = byFirstCell(tableRows(section(markdown, "collusion")));
      expect(table.get("rounds from first bad contribution to a case")).to.deep.equal(["2.250", "n/a", "n/a"]);
      expect(table.get("rounds from first bad contribution to expulsion")).to.deep.equal(["5.500", "n/a", "n/a"]);
      expect(table.get("bad contributions before a case")).to.deep.equal(["1.750", "n/a", "n/a"]);
      expect(table.get("honest identities expelled")).to.deep.equal(["0.000", "n/a", "n/a"]);
      expect(table.get("reporters penalized for a flag not upheld")).to.deep.equal(["n/a", "n/a", "n/a"]);
      // No model measured Sybil amplification in this scenario: no row.
      expect([...table.keys()].some((label) => label.startsWith("Sybil amplification"))).to.equal(false);
    });

    it("shows Sybil amplification where it was measured, ∞ included", function () {
      const table = byFirstCell(tableRows(section(markdown, "sybil")));
      expect(table.get("Sybil amplification (attacker's trust ÷ single-identity run)")).to.deep.equal([
        "1.250",
        "∞",
        "3.500",
      ]);
      expect(table.get("rounds from first bad contribution to a case")).to.deep.equal(["n/a", "n/a", "n/a"]);
      expect(section(markdown, "sybil")).to.contain("1 run (seed 42)");
    });

    it("prints n/a for the figures JSON turned into null (NaN, Infinity)", function () {
      const reloaded = renderMarkdown(JSON.parse(JSON.stringify(results)) as SimResults);
      const table = byFirstCell(tableRows(section(reloaded, "sybil")));
      expect(table.get("Sybil amplification (attacker's trust ÷ single-identity run)")).to.deep.equal([
        "1.250",
        "n/a",
        "3.500",
      ]);
      expect(byFirstCell(tableRows(section(reloaded, "collusion"))).get("AUC, honest above malicious")).to.deep.equal([
        "0.971 (0.950 to 0.993)",
        "0.800",
        "0.667",
      ]);
    });

    it("tables the sweep's AUC by share for the scenarios swept over several shares", function () {
      const sweep = section(markdown, "AUC against malicious share");
      expect(sweep).to.contain("Swept: collusion.");
      expect(tableRows(sweep)).to.deep.equal([
        ["scenario", "malicious share", "Credence", "beta", "EigenTrust"],
        ["collusion", "10.0%", "0.900 (0.850 to 0.950)", "0.800 (0.750 to 0.850)", "0.700 (0.650 to 0.750)"],
        ["collusion", "20.0%", "0.800 (0.750 to 0.850)", "0.600 (0.550 to 0.650)", "0.400 (0.350 to 0.450)"],
        ["collusion", "30.0%", "0.700 (0.650 to 0.750)", "0.400 (0.350 to 0.450)", "0.100 (0.050 to 0.150)"],
      ]);
    });

    it("links the charts by relative paths", function () {
      expect(section(markdown, "collusion")).to.contain(
        "![Trust per round: collusion](trajectories-collusion.svg) ([PNG](trajectories-collusion.png))",
      );
      expect(section(markdown, "sybil")).to.contain("(trajectories-sybil.svg)");
      expect(markdown).to.contain("![AUC against malicious share](auc.svg) ([PNG](auc.png))");
    });
  });

  describe("docs block", function () {
    const doc = ["# Robustness", "", "Intro.", "", DOCS_BEGIN, "stale", DOCS_END, "", "Outro.", ""].join("\n");

    it("holds the goals, the AUC per scenario and links into sim/", function () {
      const block = renderDocsBlock(results);
      expect(block).to.contain("at 2025-03-04 on 2 × Example CPU @ 2.0GHz");
      expect(block).to.contain("[sim/results.md](../sim/results.md)");
      expect(block).to.contain("2 of 3 goals met.");
      expect(block).to.contain("| sybil | Sybil amplification | ≤ 1.5 | 2.000 | ✗ |");
      expect(block).to.contain("| collusion | 20.0% | 0.971 (0.950 to 0.993) | 0.800 | 0.667 |");
      expect(block).to.contain("(../sim/trajectories-sybil.svg)");
      expect(block).to.contain("(../sim/auc.svg)");
    });

    it("replaces what is between the markers, keeps the rest, and is idempotent", function () {
      const block = renderDocsBlock(results);
      const once = replaceDocsBlock(doc, block);
      expect(once).to.not.contain("stale");
      expect(once.startsWith("# Robustness\n\nIntro.\n\n" + DOCS_BEGIN + "\n\n" + block + "\n\n" + DOCS_END)).to.equal(
        true,
      );
      expect(once.endsWith(`${DOCS_END}\n\nOutro.\n`)).to.equal(true);
      expect(replaceDocsBlock(once, block)).to.equal(once);
    });

    it("throws a one-line error naming the file when a marker is missing or they are out of order", function () {
      for (const broken of [doc.replace(DOCS_BEGIN, ""), doc.replace(DOCS_END, ""), "# Robustness\n"]) {
        expect(() => replaceDocsBlock(broken, "x")).to.throw(/^docs\/robustness\.md lacks <!-- sim:results:begin -->/);
      }
      const swapped = ["a", DOCS_END, "b", DOCS_BEGIN, "c"].join("\n");
      expect(() => replaceDocsBlock(swapped, "x")).to.throw(`docs/robustness.md has ${DOCS_END} before ${DOCS_BEGIN}`);
      for (const broken of ["", swapped]) {
        const error = (() => {
          try {
            replaceDocsBlock(broken, "x");
          } catch (e) {
            return e as Error;
          }
        })();
        expect(error?.message).to.be.a("string").and.not.contain("\n");
      }
    });

    it("comes out prettier-formatted, stable when run again", async function () {
      const filepath = path.resolve("docs/robustness.md");
      const once = await updateDocs(doc, results, filepath);
      // Prettier pads the tables' cells: every line of the goals table is as long as the others.
      const lines = once.split("\n");
      const first = lines.findIndex((l) => l.startsWith("| scenario "));
      const goals = lines.slice(first, lines.indexOf("", first));
      expect(goals.length).to.equal(5);
      expect(new Set(goals.map((l) => l.length)).size).to.equal(1);
      expect(goals[2]).to.match(/^\| collusion \| AUC {24}\| ≥ 0\.95 \| 0\.971 {4}\| ✓ {3}\|$/);
      expect(once).to.contain("Outro.");
      expect(await updateDocs(once, results, filepath)).to.equal(once);
    });
  });

  describe("goalsSummary and printSummary", function () {
    it("count the goals met", function () {
      expect(goalsSummary(results)).to.deep.equal({ met: 2, total: 3 });
    });

    it("print each scenario's AUC per model, the goals met, and the goals missed", function () {
      const lines = printSummary(results).split("\n");
      expect(lines[1].split(/\s{2,}/)).to.deep.equal(["scenario", "Credence", "beta", "EigenTrust", "goals met"]);
      expect(lines[2].split(/\s{2,}/)).to.deep.equal(["collusion", "0.971", "0.800", "0.667", "2/2"]);
      expect(lines[3].split(/\s{2,}/)).to.deep.equal(["sybil", "0.900", "0.700", "0.500", "0/1"]);
      expect(lines).to.include("2 of 3 goals met.");
      expect(lines).to.include("missed: sybil: Sybil amplification (target ≤ 1.5, measured 2.000)");
      // Columns line up: every table line as wide as the header's cells allow.
      expect(new Set(lines.slice(1, 4).map((l) => l.length)).size).to.equal(1);
    });
  });
});

describe("simulator charts", function () {
  describe("trajectoryChart", function () {
    const spec = trajectoryChart(results, "collusion") as unknown as {
      title: { text: string };
      config: { font: string };
      data: { values: Array<TrajectoryPoint & { model: string }> };
      facet: { field: string; sort: string[] };
      spec: { layer: Array<{ mark: { type: string }; encoding: Record<string, { field?: string; scale?: object }> }> };
    };

    it("facets by model, in the report's order, under the scenario's title", function () {
      expect(spec.title.text).to.equal("Trust per round: collusion");
      expect(spec.facet.field).to.equal("model");
      expect(spec.facet.sort).to.deep.equal(["Credence", "beta", "EigenTrust"]);
      expect(spec.config.font).to.equal(CHART_FONT);
    });

    it("draws the p10–p90 band as an area and the mean as a line, coloured by group", function () {
      const [band, line] = spec.spec.layer;
      expect(band.mark.type).to.equal("area");
      expect(band.encoding.y.field).to.equal("p10");
      expect(band.encoding.y2.field).to.equal("p90");
      expect(band.encoding.y.scale).to.deep.equal({ domain: [0, 1] });
      expect(band.encoding.color.field).to.equal("group");
      expect(line.mark.type).to.equal("line");
      expect(line.encoding.y.field).to.equal("mean");
      expect(line.encoding.color.field).to.equal("group");
      expect(line.encoding.strokeDash.field).to.equal("group");
    });

    it("leaves out the rounds a group has no identity in", function () {
      const values = spec.data.values;
      expect(values.length).to.equal(3 * 2 * 12 - 3);
      expect(values.some((v) => v.group === "malicious" && v.round === 0)).to.equal(false);
      expect(values.every((v) => Number.isFinite(v.mean))).to.equal(true);
    });

    it("throws for a scenario not in the results", function () {
      expect(() => trajectoryChart(results, "whitewash")).to.throw("no scenario named whitewash in the results");
    });
  });

  describe("aucChart", function () {
    const spec = aucChart(results) as unknown as {
      data: { values: Array<{ scenario: string; share: number; model: string; mean: number }> };
      facet: { field: string; sort: string[] };
      spec: {
        layer: Array<{
          mark: { type: string; strokeDash?: number[] };
          encoding: Record<string, { field?: string; datum?: number; scale?: { domain?: number[] } }>;
        }>;
      };
    };

    it("has a panel per scenario swept over more than one share", function () {
      expect(spec.facet.field).to.equal("scenario");
      expect(spec.facet.sort).to.deep.equal(["collusion"]);
      expect(new Set(spec.data.values.map((v) => v.scenario))).to.deep.equal(new Set(["collusion"]));
      expect(spec.data.values.length).to.equal(9);
    });

    it("draws a line per model of the mean AUC against share, min–max error bars, and the goal", function () {
      const [line, bars, goal] = spec.spec.layer;
      expect(line.mark.type).to.equal("line");
      expect(line.encoding.x.field).to.equal("share");
      expect(line.encoding.y.field).to.equal("mean");
      expect(line.encoding.y.scale?.domain).to.deep.equal([0, 1]);
      expect(line.encoding.color.field).to.equal("model");
      expect(bars.mark.type).to.equal("errorbar");
      expect(bars.encoding.y.field).to.equal("min");
      expect(bars.encoding.y2.field).to.equal("max");
      expect(goal.mark.type).to.equal("rule");
      expect(goal.encoding.y.datum).to.equal(AUC_GOAL);
      expect(AUC_GOAL).to.equal(0.95);
    });

    it("throws when no scenario was swept over more than one share", function () {
      expect(() => aucChart({ ...results, sweep: results.sweep.filter((p) => p.scenario === "sybil") })).to.throw(
        "no scenario of the sweep has more than one malicious share",
      );
    });
  });

  describe("renderSvg and renderPng", function () {
    let svg: string;

    before(async function () {
      svg = await renderSvg(trajectoryChart(results, "sybil"));
    });

    it("render an SVG with the title, the axis titles and the panels, in the chart font", async function () {
      expect(svg).to.match(/^<svg /);
      expect(svg).to.contain(">Trust per round: sybil</text>");
      expect(svg).to.contain(">round</text>");
      expect(svg).to.contain(">trust</text>");
      expect(svg).to.contain(">EigenTrust</text>");
      expect(svg).to.contain(`font-family="${CHART_FONT}"`);
      const auc = await renderSvg(aucChart(results));
      expect(auc).to.contain(">AUC against malicious share</text>");
      expect(auc).to.contain(">malicious share</text>");
      expect(auc).to.contain(">AUC</text>");
    });

    it("render a PNG of the SVG's size times the scale", function () {
      const { width, height } = svgSize(svg);
      for (const scale of [1, 2]) {
        const png = renderPng(svg, scale);
        expect([...png.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        expect(png.subarray(12, 16).toString("latin1")).to.equal("IHDR");
        expect({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }).to.deep.equal({
          width: width * scale,
          height: height * scale,
        });
      }
    });

    it("draw text with the shipped font (no system font loaded)", function () {
      const text = (content: string) =>
        `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30"><text x="4" y="22" ` +
        `font-family="${CHART_FONT}" font-size="16">${content}</text></svg>`;
      // Without a font the text draws nothing and both images are the same blank.
      expect(renderPng(text("Trust")).equals(renderPng(text("")))).to.equal(false);
      expect(renderPng(text("Trust")).equals(renderPng(text("Trusts")))).to.equal(false);
    });
  });

  describe("writeCharts", function () {
    let dir: string;

    before(async function () {
      dir = await mkdtemp(path.join(tmpdir(), "sim-charts-"));
    });

    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("writes each scenario's trajectories and the AUC chart as SVG and PNG", async function () {
      const files = await writeCharts(results, dir);
      expect(files).to.deep.equal([
        "trajectories-collusion.svg",
        "trajectories-collusion.png",
        "trajectories-sybil.svg",
        "trajectories-sybil.png",
        "auc.svg",
        "auc.png",
      ]);
      for (const file of files) expect(existsSync(path.join(dir, file)), file).to.equal(true);
      expect(readFileSync(path.join(dir, "auc.svg"), "utf8")).to.contain(">AUC against malicious share</text>");
      expect(readFileSync(path.join(dir, "auc.png")).subarray(1, 4).toString("latin1")).to.equal("PNG");
    });
  });
});
