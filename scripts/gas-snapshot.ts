/**
 * Gas snapshot of the suite's operations, measured on the in-process Hardhat chain (deterministic: same
 * accounts, same nonces, same block numbers on every run).
 *
 *   tsx scripts/gas-snapshot.ts --write   records gas-snapshot.json
 *   tsx scripts/gas-snapshot.ts --check   fails (exit 1) when any figure moved, or an operation is missing or new
 *
 * The scenario (scripts/lib/gasScenario.ts, shared with `npm run bench`) deploys the suite with the Ignition
 * module (default parameters) and runs every operation once in a fixed order.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { network } from "hardhat";

import { runGasScenario } from "./lib/gasScenario.js";
import {
  compareGasSnapshots,
  describeGasProblems,
  formatGasTable,
  serializeGasSnapshot,
  type GasSnapshot,
} from "./lib/gasSnapshot.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const snapshotFile = path.join(root, "gas-snapshot.json");

const mode = process.argv[2];
if (mode !== "--write" && mode !== "--check") {
  console.error("usage: tsx scripts/gas-snapshot.ts --write | --check");
  process.exit(2);
}

const connection = await network.create();
try {
  const { gas: current } = await runGasScenario(connection);
  const previous: GasSnapshot = existsSync(snapshotFile) ? JSON.parse(readFileSync(snapshotFile, "utf8")) : {};
  const differences = compareGasSnapshots(previous, current);
  console.log(formatGasTable(differences));
  if (mode === "--write") {
    writeFileSync(snapshotFile, serializeGasSnapshot(current));
    console.log(`gas snapshot: wrote ${Object.keys(current).length} operations to gas-snapshot.json`);
  } else {
    const problems = describeGasProblems(differences);
    if (problems.length > 0) {
      console.error(`gas snapshot: ${problems.length} operation(s) differ from gas-snapshot.json:`);
      for (const problem of problems) console.error(`  ${problem}`);
      console.error("If the change is intended, run `npm run gas:snapshot` and commit gas-snapshot.json.");
      process.exitCode = 1;
    } else {
      console.log(`gas snapshot: ${Object.keys(current).length} operations match gas-snapshot.json`);
    }
  }
} finally {
  await connection.close();
}
