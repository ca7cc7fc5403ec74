/**
 * A fingerprint of the contracts a simulation ran: the SHA-256 of the EntityRegistry, TrustLedger and
 * PenaltyCases artifacts' deployed bytecode. sim/results.json records it, and test/docs/robustness.ts compares it
 * with the current build, so committed results cannot outlive a contract change: rerun `npm run simulate`.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

const ARTIFACTS = [
  "artifacts/contracts/registry/EntityRegistry.sol/EntityRegistry.json",
  "artifacts/contracts/trust/TrustLedger.sol/TrustLedger.json",
  "artifacts/contracts/penalty/PenaltyCases.sol/PenaltyCases.json",
];

/** The fingerprint of the current build (run `npx hardhat build` first). */
export async function contractsFingerprint(root = "."): Promise<string> {
  const hash = createHash("sha256");
  for (const artifact of ARTIFACTS) {
    const { deployedBytecode } = JSON.parse(await readFile(`${root}/${artifact}`, "utf8")) as {
      deployedBytecode: string;
    };
    hash.update(deployedBytecode);
  }
  return `sha256:${hash.digest("hex")}`;
}
