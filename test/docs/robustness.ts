/**
 * Keeps docs/robustness.md and the committed simulation results in step with the code:
 * - sim/results.json comes from the canonical run (every scenario, the default options, 30 runs each);
 * - it simulated the contracts of the current build with the current defaults (a contract or default change
 *   leaves results stale: rerun `npm run simulate`);
 * - the block between the sim markers of docs/robustness.md is the one the results give, and its charts exist;
 * - the docs describe every scenario the simulator has.
 */
import { existsSync, readFileSync } from "node:fs";

import { expect } from "chai";

import { contractsFingerprint } from "../../scripts/sim/fingerprint.js";
import { DOCS_BEGIN, DOCS_END, formatMarkdown, renderDocsBlock } from "../../scripts/sim/report.js";
import { SCENARIOS } from "../../scripts/sim/scenarios.js";
import type { SimResults } from "../../scripts/sim/types.js";
import { defaultPenaltyParameters, defaultTrustParameters } from "../../src/defaults.js";

const root = new URL("../../", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), "utf8");

describe("docs/robustness.md and sim/results.json", function () {
  let results: SimResults;

  before(function () {
    // Read here, not at load: a missing file fails these tests, not the whole mocha run.
    results = JSON.parse(read("sim/results.json")) as SimResults;
  });

  it("come from the canonical run: every scenario, 30 runs each, default options", function () {
    expect(results.quick).to.equal(false);
    expect(results.options.params ?? []).to.deep.equal([]);
    expect(results.scenarios.map((s) => s.scenario)).to.deep.equal(SCENARIOS.map((s) => s.name));
    for (const scenario of results.scenarios) expect(scenario.runs, scenario.scenario).to.be.at.least(30);
    expect(results.sweep.length).to.be.greaterThan(0);
  });

  it("simulated the contracts of the current build with the current defaults", async function () {
    expect(results.contracts, "contracts changed since the run: npm run simulate").to.equal(
      await contractsFingerprint(new URL(".", root).pathname),
    );
    const strings = (o: Record<string, bigint>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
    expect(results.parameters.trust).to.deep.equal(strings(defaultTrustParameters));
    expect(results.parameters.penalty).to.deep.equal(strings(defaultPenaltyParameters));
  });

  it("show the block the results give, with its charts", async function () {
    const doc = read("docs/robustness.md");
    const begin = doc.indexOf(DOCS_BEGIN) + DOCS_BEGIN.length;
    const end = doc.indexOf(DOCS_END);
    expect(end).to.be.greaterThan(begin);
    const block = await formatMarkdown(`${DOCS_BEGIN}\n\n${renderDocsBlock(results)}\n\n${DOCS_END}\n`, "docs/x.md");
    expect(doc).to.contain(block.trim());
    for (const [, file] of doc.matchAll(/\]\(\.\.\/(sim\/[^)]+\.svg)\)/g)) {
      expect(existsSync(new URL(file, root)), file).to.equal(true);
      expect(existsSync(new URL(file.replace(/\.svg$/, ".png"), root)), file).to.equal(true);
    }
    expect(existsSync(new URL("sim/results.md", root))).to.equal(true);
  });

  it("describe every scenario", function () {
    const doc = read("docs/robustness.md");
    for (const scenario of SCENARIOS) expect(doc, scenario.name).to.contain(`| \`${scenario.name}\``);
  });
});
