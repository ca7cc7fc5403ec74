/**
 * Fails when line coverage of contracts/ (test doubles in contracts/mocks/ and the benchmark's peers and populator
 * in contracts/bench/ excluded) is under the threshold.
 * Reads the lcov report that `hardhat test --coverage` writes.
 *
 * Usage: tsx scripts/ci/coverage-threshold.ts [--lcov coverage/lcov.info] [--min 95]
 */
import { existsSync, readFileSync } from "node:fs";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const lcovPath = option("--lcov", "coverage/lcov.info");
const minimum = Number(option("--min", "95"));
if (!existsSync(lcovPath)) {
  console.error(`coverage: no report at ${lcovPath}; run \`npm run coverage\` first`);
  process.exit(2);
}

interface FileCoverage {
  file: string;
  found: number;
  hit: number;
}

const files: FileCoverage[] = [];
let current: FileCoverage | undefined;
for (const line of readFileSync(lcovPath, "utf8").split("\n")) {
  if (line.startsWith("SF:")) current = { file: line.slice(3).replace(`${process.cwd()}/`, ""), found: 0, hit: 0 };
  else if (line.startsWith("LF:") && current) current.found = Number(line.slice(3));
  else if (line.startsWith("LH:") && current) current.hit = Number(line.slice(3));
  else if (line === "end_of_record" && current) {
    const { file } = current;
    const excluded = ["contracts/mocks/", "contracts/bench/"].some((dir) => file.startsWith(dir));
    if (file.startsWith("contracts/") && !excluded) files.push(current);
    current = undefined;
  }
}
if (files.length === 0) {
  console.error(`coverage: ${lcovPath} has no file under contracts/`);
  process.exit(1);
}

const percent = (hit: number, found: number) => (found === 0 ? 100 : (100 * hit) / found);
for (const f of files) {
  console.log(`  ${f.file.padEnd(48)} ${percent(f.hit, f.found).toFixed(2).padStart(6)}%  (${f.hit}/${f.found} lines)`);
}
const found = files.reduce((s, f) => s + f.found, 0);
const hit = files.reduce((s, f) => s + f.hit, 0);
const total = percent(hit, found);
console.log(`line coverage of contracts/: ${total.toFixed(2)}% (${hit}/${found}); minimum ${minimum}%`);
process.exit(total >= minimum ? 0 : 1);
