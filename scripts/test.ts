/**
 * `npm test`: the whole suite — Solidity tests (fuzz and invariants), mocha tests, the storage-layout check and
 * the gas-snapshot check — with one tally computed from the runners' per-test results (not from their
 * summary lines). With CREDENCE_RESULTS=<file>, the tally is also written there as JSON for .ci/run.
 *
 * Usage: npm test [-- --only solidity|mocha|checks]
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

import hre from "hardhat";
import Mocha from "mocha";

interface Tally {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
}

const only = (() => {
  const index = process.argv.indexOf("--only");
  if (index === -1) return undefined;
  const value = process.argv[index + 1];
  if (!["solidity", "mocha", "checks"].includes(value ?? "")) {
    console.error(`npm test: --only takes solidity, mocha or checks, not "${value ?? ""}"`);
    process.exit(2);
  }
  return value;
})();

const tallies: Tally[] = [];

async function runSolidity(): Promise<Tally> {
  const tally: Tally = { name: "solidity tests", passed: 0, failed: 0, skipped: 0 };
  try {
    const result = await hre.tasks.getTask(["test", "solidity"]).run({});
    const value = result.success ? result.value : result.error;
    for (const suite of value.suiteResults ?? []) {
      for (const test of suite.testResults) {
        if (test.status === "Success") tally.passed += 1;
        else if (test.status === "Failure") tally.failed += 1;
        else tally.skipped += 1;
      }
    }
    // A run that failed without a failing test (a setUp or build error) still fails.
    if (!result.success && tally.failed === 0) tally.failed = 1;
  } catch (error) {
    console.error(`solidity tests did not run: ${(error as Error).message}`);
    tally.failed += 1;
  }
  return tally;
}

async function runMocha(): Promise<Tally> {
  const tally: Tally = { name: "mocha tests", passed: 0, failed: 0, skipped: 0 };
  const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
  // Spec output as usual, plus a count of each test's own outcome (a failing hook counts as a failure).
  class CountingReporter extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(EVENT_TEST_PASS, () => (tally.passed += 1));
      runner.on(EVENT_TEST_FAIL, () => (tally.failed += 1));
      runner.on(EVENT_TEST_PENDING, () => (tally.skipped += 1));
    }
  }
  hre.config.test.mocha.reporter = CountingReporter as unknown as string;
  try {
    await hre.tasks.getTask(["test", "mocha"]).run({});
  } catch (error) {
    console.error(`mocha tests did not run: ${(error as Error).message}`);
    tally.failed += 1;
  }
  return tally;
}

function runCheck(name: string, script: string): Tally {
  console.log(`\n${name}`);
  const run = spawnSync("npx", ["tsx", script, "--check"], { stdio: "inherit" });
  const ok = run.status === 0;
  return { name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
}

if (only === undefined || only === "solidity") tallies.push(await runSolidity());
if (only === undefined || only === "mocha") tallies.push(await runMocha());
if (only === undefined || only === "checks") {
  tallies.push(runCheck("storage-layout check", "scripts/storage-layout.ts"));
  tallies.push(runCheck("gas-snapshot check", "scripts/gas-snapshot.ts"));
}

const total = tallies.reduce(
  (sum, t) => ({ passed: sum.passed + t.passed, failed: sum.failed + t.failed, skipped: sum.skipped + t.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log();
for (const t of tallies) console.log(`  ${t.name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
if (process.env.CREDENCE_RESULTS) {
  writeFileSync(process.env.CREDENCE_RESULTS, JSON.stringify({ tallies, ...total }, null, 2));
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
