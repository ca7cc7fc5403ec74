/**
 * The simulator's charts: Vega-Lite specifications rendered headless to SVG (vega's own renderer), then to PNG by
 * resvg. The PNG renderer is given the DejaVu Sans files of the `dejavu-fonts-ttf` package and no system font, and
 * the specifications ask for that family, so a chart's text renders the same on every machine, fonts installed
 * or not.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import * as vegaLite from "vega-lite";

import type { ModelName, SimResults } from "./types.js";

/** The font family every chart's text uses (shipped by `dejavu-fonts-ttf`, loaded by {@link renderPng}). */
export const CHART_FONT = "DejaVu Sans";

const require = createRequire(import.meta.url);
const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((file) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
);

/** The models in the order the charts and tables show them. */
export const MODEL_ORDER: ModelName[] = ["credence", "none", "average", "beta", "eigentrust"];

/** How a model is named in charts and tables. */
export const MODEL_LABELS: Record<ModelName, string> = {
  credence: "Credence",
  none: "no reputation",
  average: "average",
  beta: "beta",
  eigentrust: "EigenTrust",
};

/** The AUC goal, drawn as a rule on the AUC chart. */
export const AUC_GOAL = 0.95;

const config = {
  font: CHART_FONT,
  background: "white",
  view: { stroke: "#ddd" },
} as const;

const groupColours = { domain: ["honest", "malicious"], range: ["#1f77b4", "#d62728"] };

/** The model labels of the models present, in {@link MODEL_ORDER}. */
const modelSort = (models: Iterable<ModelName>) => {
  const present = new Set(models);
  return MODEL_ORDER.filter((m) => present.has(m)).map((m) => MODEL_LABELS[m]);
};

/** A scenario's name as it appears in a file name. */
const slug = (scenario: string) =>
  scenario
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** The file name (without extension) of a scenario's trajectory chart. */
export const trajectoryFile = (scenario: string) => `trajectories-${slug(scenario)}`;

/** The file name (without extension) of the AUC chart. */
export const AUC_FILE = "auc";

/**
 * Mean trust per round of the honest and the malicious identities, one panel per model, each group's mean as a line
 * over its 10th–90th percentile band.
 */
export function trajectoryChart(results: SimResults, scenario: string): TopLevelSpec {
  const result = results.scenarios.find((s) => s.scenario === scenario);
  if (result === undefined) throw new Error(`no scenario named ${scenario} in the results`);
  // A group with no identity in a round (before any malicious identity joined, say) has no figure there.
  const values = result.trajectories
    .filter((p) => [p.mean, p.p10, p.p90].every(Number.isFinite))
    .map((p) => ({ ...p, model: MODEL_LABELS[p.model] }));
  // One legend for both layers (colour and dash merge into it), drawn as lines rather than the bands' swatches.
  const colour = {
    field: "group",
    type: "nominal",
    title: null,
    scale: groupColours,
    legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolOpacity: 1 },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Trust per round: ${scenario}`,
      subtitle: `mean over the group's identities and ${result.runs} run${result.runs === 1 ? "" : "s"}; band: 10th–90th percentile`,
    },
    config,
    data: { values },
    facet: {
      field: "model",
      type: "nominal",
      title: null,
      sort: modelSort(result.trajectories.map((p) => p.model)),
    },
    columns: 3,
    spec: {
      width: 220,
      height: 160,
      encoding: {
        x: { field: "round", type: "quantitative", title: "round" },
      },
      layer: [
        {
          mark: { type: "area", opacity: 0.2 },
          encoding: {
            y: { field: "p10", type: "quantitative", title: "trust", scale: { domain: [0, 1] } },
            y2: { field: "p90" },
            color: colour,
          },
        },
        {
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            y: { field: "mean", type: "quantitative", title: "trust" },
            color: colour,
            strokeDash: { field: "group", type: "nominal", title: null, scale: { domain: groupColours.domain } },
          },
        },
      ],
    },
  };
}

/** The scenarios of the sweep that have more than one malicious share (the AUC chart's panels), in sweep order. */
export function sweptScenarios(results: SimResults): string[] {
  const shares = new Map<string, Set<number>>();
  for (const p of results.sweep) {
    const set = shares.get(p.scenario) ?? new Set<number>();
    set.add(p.maliciousShare);
    shares.set(p.scenario, set);
  }
  return [...shares].filter(([, set]) => set.size > 1).map(([scenario]) => scenario);
}

/**
 * AUC against the malicious share, one line per model (mean over the runs, with min–max error bars), one panel per
 * scenario swept over more than one share, with the 0.95 goal as a dashed rule.
 */
export function aucChart(results: SimResults): TopLevelSpec {
  const scenarios = sweptScenarios(results);
  if (scenarios.length === 0) throw new Error("no scenario of the sweep has more than one malicious share");
  const points = results.sweep.filter((p) => scenarios.includes(p.scenario) && Number.isFinite(p.auc.mean));
  const values = points.map((p) => ({
    scenario: p.scenario,
    share: p.maliciousShare,
    model: MODEL_LABELS[p.model],
    mean: p.auc.mean,
    min: p.auc.min,
    max: p.auc.max,
  }));
  const colour = {
    field: "model",
    type: "nominal",
    title: "model",
    sort: modelSort(points.map((p) => p.model)),
  } as const;
  const share = {
    field: "share",
    type: "quantitative",
    title: "malicious share",
    axis: { format: "%" },
    // Keep the outermost error bars off the panel's edges.
    scale: { zero: false, nice: false, padding: 12 },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "AUC against malicious share",
      subtitle: `mean over the runs, bars from min to max; dashed: the ${AUC_GOAL} goal`,
    },
    config,
    data: { values },
    facet: { field: "scenario", type: "nominal", title: null, sort: scenarios },
    columns: 3,
    spec: {
      width: 240,
      height: 200,
      layer: [
        {
          mark: { type: "line", point: true },
          encoding: {
            x: share,
            y: { field: "mean", type: "quantitative", title: "AUC", scale: { domain: [0, 1] } },
            color: colour,
          },
        },
        {
          mark: { type: "errorbar", ticks: true },
          encoding: {
            x: share,
            y: { field: "min", type: "quantitative", title: "AUC" },
            y2: { field: "max" },
            color: colour,
          },
        },
        {
          mark: { type: "rule", strokeDash: [4, 4], color: "#555" },
          encoding: { y: { datum: AUC_GOAL } },
        },
      ],
    },
  };
}

/** A Vega-Lite specification rendered to SVG, headless. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** An SVG rendered to PNG at `scale` times its size, with the shipped DejaVu Sans and no system font. */
export function renderPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
    },
  });
  return resvg.render().asPng();
}

/**
 * Writes each scenario's trajectory chart and the AUC chart (when the sweep has a scenario with more than one
 * share) into `dir`, as SVG and PNG; returns the file names written, relative to `dir`.
 */
export async function writeCharts(results: SimResults, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const charts: Array<[string, TopLevelSpec]> = results.scenarios.map((s) => [
    trajectoryFile(s.scenario),
    trajectoryChart(results, s.scenario),
  ]);
  if (sweptScenarios(results).length > 0) charts.push([AUC_FILE, aucChart(results)]);
  const written: string[] = [];
  for (const [name, spec] of charts) {
    const svg = await renderSvg(spec);
    await writeFile(path.join(dir, `${name}.svg`), svg);
    await writeFile(path.join(dir, `${name}.png`), renderPng(svg));
    written.push(`${name}.svg`, `${name}.png`);
  }
  return written;
}
