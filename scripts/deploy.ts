/**
 * Deploy the Credence suite to a network of hardhat.config.ts and record it in deployments/<chainId>.json.
 *
 *   npm run deploy -- [--network NAME] [--parameters FILE] [--deployment-id ID] [--out-dir DIR]
 *
 * `npm run deploy` builds first, then runs this file with tsx: `hardhat run` passes no arguments to a script in
 * Hardhat 3, so the network is opened here with `network.create(name)`. Ignition journals every transaction
 * under deploy/deployments/<ID>/ (default `chain-<chainId>`): after an interruption the same command continues
 * where it stopped, and on a complete deployment it sends nothing. Bad input prints one line on stderr and exits
 * with code 2; a failed deployment (node unreachable, wrong chain id, reverted transaction) exits with code 1.
 */
import { parseArgs } from "node:util";

import { getAddress } from "ethers";

import { deployAndExport, ParametersFileError, readParametersFile } from "./lib/deployment.js";

const USAGE =
  "usage: npm run deploy -- [--network NAME] [--parameters FILE] [--deployment-id ID] [--out-dir DIR]\n" +
  "\n" +
  "  --network NAME        a network of hardhat.config.ts: hardhat (in-process, default), localhost, anvil\n" +
  "                        (ANVIL_RPC_URL), besu (BESU_RPC_URL, BESU_DEPLOYER_KEY, optional BESU_CHAIN_ID)\n" +
  '  --parameters FILE     Ignition parameters { "Credence": { … } }: deploy/parameters/*.json or a generated\n' +
  "                        network's credence-parameters.json (default: src/defaults.ts)\n" +
  "  --deployment-id ID    the Ignition journal deploy/deployments/ID (default chain-<chainId>)\n" +
  "  --out-dir DIR         where <chainId>.json is written (default deployments)";

/** Ignition's own rule for deployment ids (they name a directory). */
const DEPLOYMENT_ID = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        network: { type: "string", default: "hardhat" },
        parameters: { type: "string" },
        "deployment-id": { type: "string" },
        "out-dir": { type: "string", default: "deployments" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const deploymentId = values["deployment-id"];
  if (deploymentId !== undefined && !DEPLOYMENT_ID.test(deploymentId)) {
    throw new UsageError(`--deployment-id must start with a letter and hold only letters, digits, _ and -`);
  }
  let parameters: Record<string, unknown> | undefined;
  try {
    parameters = values.parameters === undefined ? undefined : await readParametersFile(values.parameters);
  } catch (error) {
    if (error instanceof ParametersFileError) throw new UsageError(error.message);
    throw error;
  }

  // Loaded only now: loading the config can fail (e.g. a malformed BESU_CHAIN_ID), and --help must not need it.
  const { default: hre } = await import("hardhat");
  if (!(values.network in hre.config.networks)) {
    const known = Object.keys(hre.config.networks).join(", ");
    throw new UsageError(`unknown network "${values.network}" (hardhat.config.ts has: ${known})`);
  }
  const connection = await hre.network.create(values.network);
  try {
    const [account] = (await connection.provider.request({ method: "eth_accounts" })) as string[];
    if (account === undefined) throw new Error(`network "${values.network}" offers no account to deploy from`);
    const deployer = getAddress(account);
    const nonce = async () =>
      Number(await connection.provider.request({ method: "eth_getTransactionCount", params: [deployer, "latest"] }));
    const before = await nonce();
    const { deployment, file } = await deployAndExport({
      connection,
      artifacts: hre.artifacts,
      parameters,
      deploymentId,
      outDir: values["out-dir"],
    });
    const sent = (await nonce()) - before;
    const rows = Object.entries(deployment.contracts).map(([name, contract]) =>
      [
        name.padEnd(22),
        contract.address,
        "implementation" in contract ? `(implementation ${contract.implementation})` : "",
      ]
        .join(" ")
        .trimEnd(),
    );
    process.stdout.write(
      [
        `network ${values.network}, chain ${deployment.chainId}, deployment ${deployment.deploymentId}, deployer ${deployer}`,
        ...rows,
        sent === 0 ? "nothing to deploy: the deployment was already complete" : `sent ${sent} transaction(s)`,
        `wrote ${file}`,
      ].join("\n") + "\n",
    );
  } finally {
    await connection.close();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  // One line: Hardhat and Ignition messages span several lines (Ignition lists each failed future).
  const message = (error as Error).message.trim().replace(/\s*\n\s*/g, " ");
  process.stderr.write(`deploy: ${message}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
