/**
 * A fingerprint of the contracts a simulation ran: the SHA-256 of the Solidity sources the deployment compiles
 * from (EntityRegistry, TrustLedger, PenaltyCases, the access manager and the proxy, and every file they import,
 * OpenZeppelin's included), each hashed with its path. sim/results.json records it, and test/docs/robustness.ts
 * compares it with the working tree, so committed results cannot outlive a contract change: rerun
 * `npm run simulate`.
 *
 * Sources rather than bytecode: coverage compiles instrumented bytecode from the same sources, and the check must
 * hold under coverage too. Compiler settings are left out; they change gas, not what the contracts do.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { posix } from "node:path";

/** What the simulator deploys (scripts/sim/chain.ts, through deploy/). */
export const FINGERPRINT_ROOTS = [
  "contracts/registry/EntityRegistry.sol",
  "contracts/trust/TrustLedger.sol",
  "contracts/penalty/PenaltyCases.sol",
  "contracts/access/CredenceAccessManager.sol",
  "contracts/access/CredenceProxy.sol",
];

const IMPORT = /^\s*import\s+(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']\s*;/gm;

/** The project-relative path of `specifier` imported from `from`: relative to it, or a package in node_modules. */
export function resolveImport(from: string, specifier: string): string {
  return specifier.startsWith(".")
    ? posix.normalize(posix.join(posix.dirname(from), specifier))
    : `node_modules/${specifier}`;
}

/** The paths a Solidity source imports, in the order written. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1]);
}

/** The fingerprint of the sources under `root` (the repository by default). */
export async function contractsFingerprint(root = ".", roots = FINGERPRINT_ROOTS): Promise<string> {
  const sources = new Map<string, string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (sources.has(file)) continue;
    let text: string;
    try {
      text = await readFile(posix.join(root, file), "utf8");
    } catch {
      throw new Error(`contracts fingerprint: cannot read ${file}`);
    }
    sources.set(file, text);
    for (const specifier of importsOf(text)) pending.push(resolveImport(file, specifier));
  }
  const hash = createHash("sha256");
  for (const file of [...sources.keys()].sort()) hash.update(`${file}\0${sources.get(file)}\0`);
  return `sha256:${hash.digest("hex")}`;
}
