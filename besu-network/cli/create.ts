/**
 * Generate the directory of a new Besu network for a Credence community.
 *
 *   npm run -s network:create -- --name NAME --consensus qbft|ibft2 --validators N [--members M]
 *       [--variant private|public] [--chain-id ID] [--block-period S] [--out DIR] [--force] [--host IP]
 *       [--besu-image IMAGE] [--accounts 0x…,0x…] [--config FILE]
 *
 * Prints a short summary (never a private key). Exit codes: 0 written; 2 bad input (one line on stderr,
 * `create: <problem>`); 1 any other failure (nothing is left half-written).
 */
import path from "node:path";

import { parseOptions, runCommand } from "./common.js";
import { createNetwork } from "../src/create.js";
import {
  type CreateNetworkInput,
  DEFAULTS,
  DEFAULT_NETWORKS_DIR,
  MAX_MEMBERS,
  MIN_VALIDATORS,
  readConfigFile,
  resolveCreateOptions,
} from "../src/options.js";
import { commandPath } from "../src/readme.js";
import { MAX_AUTHORITIES } from "../src/validatorSet.js";

const COMMAND = "create";

const USAGE = `usage: network:create -- --name NAME --consensus qbft|ibft2 --validators N [options]

  --name NAME          community name: lower-case letters, digits and hyphens (directory and Compose project)
  --consensus          qbft or ibft2
  --validators N       validator nodes, ${MIN_VALIDATORS} to ${MAX_AUTHORITIES} (3f + 1 tolerate f faulty ones)
  --members M          non-validating member nodes, 0 to ${MAX_MEMBERS} (default ${DEFAULTS.members})
  --variant V          private (validators in the genesis header) or public (validators chosen by the
                       ValidatorSet contract; QBFT only) (default ${DEFAULTS.variant})
  --chain-id ID        chain id, not 1 (default ${DEFAULTS.chainId})
  --block-period S     seconds per block, 1 to 3600 (default ${DEFAULTS.blockPeriod})
  --out DIR            directory to create (default ${DEFAULT_NETWORKS_DIR}/NAME)
  --force              replace DIR if it exists and is not empty
  --host IP            IPv4 address the nodes listen on and advertise (default ${DEFAULTS.host})
  --besu-image IMAGE   pinned Besu image for docker-compose.yml (default ${DEFAULTS.besuImage})
  --accounts 0x…,…     more accounts to allowlist from genesis (the deployer always is)
  --config FILE        JSON file with any of these keys in camelCase (chainId, blockPeriod, besuImage, …) and
                       "entryCriteria"; flags override it, and its relative "out" is relative to the file

exit codes: 0 written, 2 bad input, 1 other failure`;

const FLAGS = {
  name: { type: "string" },
  consensus: { type: "string" },
  validators: { type: "string" },
  members: { type: "string" },
  variant: { type: "string" },
  "chain-id": { type: "string" },
  "block-period": { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  host: { type: "string" },
  "besu-image": { type: "string" },
  accounts: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean" },
} as const;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

async function run(argv: string[]): Promise<string> {
  const values: Record<string, string | boolean | undefined> = parseOptions(argv, FLAGS);
  if (values.help) return USAGE;

  // npm runs scripts from the package root and passes the caller's directory as INIT_CWD: relative paths given
  // on the command line are the caller's.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let input: CreateNetworkInput = {};
  const fromFile = new Set<string>();
  let baseDir = cwd;
  const config = values.config === undefined ? undefined : path.resolve(cwd, values.config as string);
  if (config !== undefined) {
    input = await readConfigFile(config);
    Object.keys(input).forEach((key) => fromFile.add(key));
    baseDir = path.dirname(config);
  }
  for (const [flag, value] of Object.entries(values)) {
    if (flag === "config" || flag === "help" || value === undefined) continue;
    const key = camel(flag) as keyof CreateNetworkInput;
    input[key] = value;
    fromFile.delete(key);
  }
  // A relative --out given as a flag is relative to the working directory, not to the config file.
  if (values.out !== undefined) baseDir = cwd;

  const options = resolveCreateOptions(input, {
    baseDir,
    source: (key) => (fromFile.has(key) ? `"${key}" in ${config}` : `--${kebab(key)}`),
  });
  const { out, plan, replaced } = await createNetwork(options);

  const validators = plan.nodes.filter((n) => n.role === "validator");
  const dir = commandPath(out);
  const width = Math.max(...plan.nodes.map((n) => n.name.length), "deployer".length);
  return [
    `${replaced ? "Replaced" : "Created"} network "${options.name}" in ${dir}`,
    `  ${options.consensus === "qbft" ? "QBFT" : "IBFT 2.0"}, ${options.variant} community, chain id ${options.chainId}, ` +
      `${options.blockPeriod} s blocks; ${validators.length} validators, ${plan.nodes.length - validators.length} member nodes; ` +
      `static-nodes.json lists ${plan.nodes.length} enodes`,
    ...plan.nodes.map((n) => `  ${n.name.padEnd(width)}  ${n.keys.address}  http://${options.host}:${n.ports.rpcHttp}`),
    `  ${"deployer".padEnd(width)}  ${plan.deployer.address}  (key: accounts/deployer/key)`,
    `Private keys: ${dir}/nodes/*/key and ${dir}/accounts/deployer/key (mode 0600, git-ignored); keep them secret.`,
    `Next: ${dir}/start.sh, then npm run network:status -- --rpc http://${options.host}:${plan.nodes[0].ports.rpcHttp}; ` +
      `see ${dir}/README.md to deploy the suite.`,
  ].join("\n");
}

await runCommand(COMMAND, async () => {
  process.stdout.write((await run(process.argv.slice(2))) + "\n");
  return 0;
});
