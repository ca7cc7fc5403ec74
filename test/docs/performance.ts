/**
 * Keeps docs/performance.md and the committed benchmark results in step with the code:
 * - the table between the bench markers of docs/performance.md is the one bench/results.json gives;
 * - bench/results.json's gas per operation is what the gas snapshot of the current contracts records
 *   (gas-snapshot.json, itself checked against the contracts by `npm run gas:check`), so a contract change that
 *   moves a figure cannot leave stale results behind: rerun `npm run bench`;
 * - the targets in bench/results.json are the ones the report code evaluates from its figures.
 */
import { existsSync, readFileSync } from "node:fs";

import { expect } from "chai";

import { DOCS_BEGIN, DOCS_END, type Results, evaluateTargets, renderDocsBlock } from "../../scripts/bench/report.js";

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

describe("docs/performance.md and bench/results.json", function () {
  let results: Results;

  before(function () {
    // Read here, not at load: a missing file fails these tests, not the whole mocha run.
    results = JSON.parse(read("bench/results.json")) as Results;
  });

  it("come from a full run (not --quick), with every section measured", function () {
    expect(results.quick).to.equal(false);
    expect(results.scale?.sizes.map((size) => size.organizations)).to.deep.equal([10, 1_000, 100_000]);
    expect(results.peers).to.not.equal(undefined);
    expect(results.targets.filter((t) => t.met === undefined).map((t) => t.figure)).to.deep.equal([]);
  });

  it("show the table bench/results.json gives", function () {
    const doc = read("docs/performance.md");
    const begin = doc.indexOf(DOCS_BEGIN) + DOCS_BEGIN.length;
    const end = doc.indexOf(DOCS_END);
    expect(end).to.be.greaterThan(begin);
    // Prettier pads the table's cells: compare with the padding collapsed.
    const normalize = (text: string) =>
      text
        .replace(/-{3,}/g, "---")
        .replace(/[ \t]+/g, " ")
        .trim();
    expect(normalize(doc.slice(begin, end))).to.equal(normalize(renderDocsBlock(results)));
  });

  it("hold the gas the current contracts use, as the gas snapshot records it", function () {
    const snapshot = JSON.parse(read("gas-snapshot.json")) as Record<string, number>;
    expect(results.operations.length).to.be.greaterThan(10);
    for (const { operation, gas, source } of results.operations) {
      expect(gas, `${operation} (${source}): rerun npm run bench`).to.equal(snapshot[source]);
    }
  });

  it("hold the targets their figures give", function () {
    const { targets, ...figures } = results;
    expect(targets).to.deep.equal(evaluateTargets(figures));
  });

  it("come with the chart and the Markdown report", function () {
    for (const file of ["bench/results.md", "bench/gas.svg"]) {
      expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).to.equal(true);
    }
    expect(read("bench/gas.svg")).to.match(/^<svg /);
  });
});
