/**
 * `npm run bench [-- --quick] [--out DIR]`: measures the suite and writes DIR/results.json, DIR/results.md and
 * DIR/gas.svg (default DIR bench/, or bench/quick/ with --quick), and prints the targets table. Every figure is measured in the run: gas per
 * operation from the fixed scenario of scripts/lib/gasScenario.ts, state growth counted from the state after
 * each measured transaction (scripts/bench/stateGrowth.ts), the peers on the same chain (scripts/bench/peers.ts),
 * the same calls at growing community sizes (scripts/bench/scale.ts), and throughput and latency over JSON-RPC on
 * anvil (scripts/bench/throughput.ts). `--quick` is the small version `.ci/run` runs.
 * Targets are printed, not asserted: the command fails only when a measurement itself fails.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import * as prettier from "prettier";

import { renderTable } from "../src/format.js";
import {
  type OperationGas,
  type Results,
  evaluateTargets,
  renderChart,
  renderDocsBlock,
  renderMarkdown,
  replaceDocsBlock,
  verdict,
} from "./bench/report.js";
import { createPeerConnection, measurePeers } from "./bench/peers.js";
import { benchScale } from "./bench/scale.js";
import { measureThroughput } from "./bench/throughput.js";
import { stateGrowth } from "./bench/stateGrowth.js";
import { runGasScenario } from "./lib/gasScenario.js";

/** The operations, each read from the scenario operation that measures it. */
const OPERATIONS: ReadonlyArray<readonly [label: string, source: string]> = [
  ["join request", "EntityRegistry.requestJoin"],
  ["recommendation", "EntityRegistry.recommend"],
  ["activation (2 recommendations)", "EntityRegistry.activate (2 recommendations)"],
  ["member account add", "EntityRegistry.addMember"],
  ["profile record update", "EntityRegistry.setProfile (edit)"],
  ["single rating", "TrustLedger.rate"],
  ["rating in a batch of 10 (per item)", "TrustLedger.rateBatch (per rating, of 10)"],
  ["rating in a batch of 100 (per item)", "TrustLedger.rateBatch (per rating, of 100)"],
  ["flag", "PenaltyCases.flag"],
  ["castVote", "PenaltyCases.castVote"],
  ["castVote (a later vote)", "PenaltyCases.castVote (later vote)"],
  ["castVoteBySig", "PenaltyCases.castVoteBySig"],
  ["finalize", "PenaltyCases.finalize"],
  ["ratify (expel)", "PenaltyCases.ratify (expel)"],
  ["execute an expulsion", "PenaltyCases.execute (expel)"],
];

/** Transactions whose state growth is counted, and what one unit of each is. */
const GROWTH: ReadonlyArray<readonly [what: string, source: string, perUnit: string, units: number]> = [
  ["join request", "EntityRegistry.requestJoin", "organization", 1],
  ["recommendation", "EntityRegistry.recommend", "recommendation", 1],
  ["activation (2 recommendations)", "EntityRegistry.activate (2 recommendations)", "organization", 1],
  ["single rating", "TrustLedger.rate", "rating", 1],
  ["rating in a batch of 100", "TrustLedger.rateBatch (100 ratings)", "rating", 100],
  ["castVote", "PenaltyCases.castVote", "vote", 1],
];

const USAGE = "usage: npm run bench -- [--quick] [--out DIR]";

let values;
try {
  ({ values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, out: { type: "string" } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  console.error(`bench: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { quick } = values;
// The committed figures are the full run's; a quick run (CI) writes beside them, git-ignored.
const out = values.out ?? (quick ? "bench/quick" : "bench");
const started = performance.now();
const progress = (message: string) =>
  process.stderr.write(`bench: ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

// One chain for ours and the peers: Cancun, which OpenZeppelin 5.7's Governor needs (mcopy). The suite's
// Shanghai-compiled contracts cost the same there: gas:check runs the same scenario on Shanghai.
const connection = await createPeerConnection();
try {
  progress("gas per operation: the fixed scenario on the in-process chain");
  const { gas, receipts } = await runGasScenario(connection);
  const operations: OperationGas[] = OPERATIONS.map(([operation, source]) => {
    if (gas[source] === undefined) throw new Error(`bench: the scenario did not measure ${source}`);
    return { operation, gas: gas[source], source };
  });

  progress("state growth: slots written, read before and after");
  const growth: Results["stateGrowth"] = [];
  for (const [what, source, perUnit, units] of GROWTH) {
    growth.push({ what, perUnit, units, growth: await stateGrowth(connection.provider, receipts[source]) });
  }

  progress("peers on the same chain: EAS attest and multiAttest, OpenZeppelin Governor castVote");
  const peers = await measurePeers(connection);

  progress(`scale: the same calls with ${quick ? "10 and 1,000" : "10, 1,000 and 100,000"} organizations`);
  const scale = await benchScale({ quick, log: (line) => progress(`scale: ${line}`) });

  progress("throughput and latency over JSON-RPC on anvil (the command line's library path)");
  const throughput = await measureThroughput({ quick, log: (line) => progress(`throughput: ${line}`) });

  const cpus = os.cpus();
  const partial: Omit<Results, "targets"> = {
    generatedAt: new Date().toISOString(),
    quick,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      platform: `${os.platform()} ${os.arch()}`,
    },
    operations,
    stateGrowth: growth,
    peers,
    scale,
    throughput,
  };
  const results: Results = { ...partial, targets: evaluateTargets(partial) };

  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, "results.json"), JSON.stringify(results, null, 2) + "\n");
  await writeFile(path.join(out, "results.md"), renderMarkdown(results));
  await writeFile(path.join(out, "gas.svg"), await renderChart(results));
  // The committed figures (a full run into bench/) are the ones docs/performance.md shows.
  const docs = "docs/performance.md";
  if (!quick && path.resolve(out) === path.resolve("bench")) {
    const text = replaceDocsBlock(await readFile(docs, "utf8"), renderDocsBlock(results));
    // Formatted as `npm run lint` wants it, so that a run's output can be committed as it is.
    const options = (await prettier.resolveConfig(docs)) ?? {};
    await writeFile(docs, await prettier.format(text, { ...options, filepath: docs }));
  }

  console.log(
    renderTable(
      ["operation", "gas"],
      operations.map((o) => [o.operation, o.gas.toLocaleString("en-US")]),
    ),
  );
  console.log();
  console.log(
    renderTable(
      ["figure", "target", "measured", "verdict"],
      results.targets.map((t) => [t.figure, t.target, t.measured, verdict(t.met)]),
      { align: ["left", "left", "right", "left"] },
    ),
  );
  const missed = results.targets.filter((t) => t.met === false).length;
  const unmeasured = results.targets.filter((t) => t.met === undefined).length;
  console.log(
    `\n${results.targets.length - missed - unmeasured} targets met, ${missed} missed, ${unmeasured} not measured; ` +
      `wrote ${path.join(out, "results.json")}, results.md, gas.svg`,
  );
  progress("done");
} finally {
  await connection.close();
}
