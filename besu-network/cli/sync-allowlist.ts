/**
 * Brings every node's accounts allowlist in step with the registry's active member accounts.
 *
 *   tsx besu-network/cli/sync-allowlist.ts --registry 0xADDR (--rpc URL[,URL…] | --network-dir DIR)
 *       [--chain-rpc URL] [--keep 0x…,0x…] [--from-block N] [--dry-run] [--retries N] [--timeout S] [--json]
 *
 * Exit codes: 0 every node in step (or brought in step); 3 a dry run found drift; 1 the chain could not be read
 * (nothing written) or a node failed (the others are still synced; the failed ones are named); 2 bad input.
 * Errors are one line on stderr.
 */
import { JsonRpcProvider, Network } from "ethers";

import { UsageError, httpUrlOption, integerOption, parseOptions, runCommand } from "./common.js";
import { formatSyncReport, syncAllowlist } from "../src/allowlist.js";
import { readNetworkManifest } from "../src/manifest.js";
import { normalizeAddress, parseQuantity, rpcCall, withRetry } from "../src/rpc.js";

const COMMAND = "sync-allowlist";
const EXIT_DRIFT = 3;

const USAGE = `usage: network:sync-allowlist -- --registry 0xADDR (--rpc URL[,URL…] | --network-dir DIR) [--chain-rpc URL]
                             [--keep 0x…,0x…] [--from-block N] [--dry-run] [--retries N] [--timeout S] [--json]

  --registry 0xADDR    the EntityRegistry (proxy) address
  --rpc URL,…          the nodes whose allowlists to sync (each needs the PERM API)
  --network-dir DIR    a generated network directory: every node's rpcHttp from DIR/network.json, and its
                       accounts protected
  --chain-rpc URL      where to read the registry (default: the first node)
  --keep 0x…,…         more protected accounts: always allowed, never removed
  --from-block N       first block of registry events to read (default 0; the registry's deployment block is enough)
  --dry-run            report the drift without changing anything
  --retries N          retries of a failed call to a node (default 3)
  --timeout S          seconds to wait for each answer (default 10)
  --json               print one JSON object instead of the text report

exit codes: 0 in step, 3 drift found by --dry-run, 1 chain unreadable or a node failed, 2 bad input`;

const nonNegativeInteger = (value: string, option: string) => integerOption(value, option, { allowZero: true });

const splitList = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");

async function parse(argv: string[]) {
  const values = parseOptions(argv, {
    registry: { type: "string" },
    rpc: { type: "string" },
    "network-dir": { type: "string" },
    "chain-rpc": { type: "string" },
    keep: { type: "string" },
    "from-block": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    retries: { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (values.help) return null;
  if (values.registry === undefined) throw new UsageError("--registry 0xADDR is required (see --help)");
  const address = (value: string, what: string) => {
    try {
      return normalizeAddress(value, what);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const registry = address(values.registry, "--registry address");
  if ((values.rpc === undefined) === (values["network-dir"] === undefined)) {
    throw new UsageError("give exactly one of --rpc URL[,URL…] and --network-dir DIR");
  }

  let nodes: string[];
  const protectedAccounts: string[] = [];
  if (values.rpc !== undefined) {
    nodes = splitList(values.rpc).map((url) => httpUrlOption(url, "--rpc"));
    if (nodes.length === 0) throw new UsageError("--rpc lists no URL");
  } else {
    let manifest;
    try {
      manifest = await readNetworkManifest(values["network-dir"]!);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    nodes = manifest.nodes.map((node) => node.rpcHttp);
    protectedAccounts.push(...manifest.accounts.map((a) => a.address));
  }
  if (new Set(nodes).size !== nodes.length) throw new UsageError("a node URL is listed twice");
  if (values.keep !== undefined)
    protectedAccounts.push(...splitList(values.keep).map((a) => address(a, "--keep account")));

  return {
    registry,
    nodes,
    chainRpc: values["chain-rpc"] === undefined ? nodes[0] : httpUrlOption(values["chain-rpc"], "--chain-rpc"),
    protectedAccounts,
    fromBlock: values["from-block"] === undefined ? 0 : nonNegativeInteger(values["from-block"], "--from-block"),
    dryRun: values["dry-run"],
    retries: values.retries === undefined ? 3 : nonNegativeInteger(values.retries, "--retries"),
    timeoutMs: values.timeout === undefined ? 10_000 : integerOption(values.timeout, "--timeout") * 1000,
    json: values.json,
  };
}

async function main(argv: string[]): Promise<number> {
  const options = await parse(argv);
  if (options === null) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const retry = { attempts: options.retries + 1 };
  // Ask for the chain id ourselves: ethers would otherwise retry network detection forever, logging each time.
  const chainId = parseQuantity(
    await withRetry(() => rpcCall(options.chainRpc, "eth_chainId", [], { timeoutMs: options.timeoutMs }), retry),
    "eth_chainId answer",
  );
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(options.chainRpc, network, { staticNetwork: network });
  try {
    const report = await syncAllowlist({
      provider,
      registry: options.registry,
      nodes: options.nodes,
      protectedAccounts: options.protectedAccounts,
      fromBlock: options.fromBlock,
      dryRun: options.dryRun,
      timeoutMs: options.timeoutMs,
      retry,
    });
    process.stdout.write((options.json ? JSON.stringify(report) : formatSyncReport(report)) + "\n");
    if (report.failed.length > 0) {
      const of = `${report.failed.length} of ${report.nodes.length} node(s)`;
      process.stderr.write(`${COMMAND}: ${of} failed: ${report.failed.join(", ")}\n`);
      return 1;
    }
    return report.nodes.some((n) => n.status === "drift") ? EXIT_DRIFT : 0;
  } finally {
    provider.destroy();
  }
}

await runCommand(COMMAND, () => main(process.argv.slice(2)));
