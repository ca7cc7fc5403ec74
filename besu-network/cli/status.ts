/**
 * The health of a Besu QBFT / IBFT 2.0 network, as one node sees it.
 *
 *   tsx besu-network/cli/status.ts --rpc URL [--consensus qbft|ibft2] [--idle-blocks N] [--max-block-age S]
 *                                  [--timeout S] [--json]
 *
 * Exit codes: 0 healthy; 3 unhealthy (a validator idle for more than N blocks, no block for more than S seconds,
 * no validators, or no peers in a multi-validator network); 1 the node could not be asked (unreachable, timeout,
 * API not enabled); 2 bad input. Errors are one line on stderr.
 */
import { UsageError, httpUrlOption, integerOption, parseOptions, runCommand } from "./common.js";
import { CONSENSUS_TYPES, type Consensus } from "../src/extraData.js";
import {
  DEFAULT_MAX_BLOCK_AGE_SECONDS,
  formatNetworkStatus,
  getNetworkStatus,
  type GetNetworkStatusReturnType,
} from "../src/status.js";

const COMMAND = "status";
const EXIT_UNHEALTHY = 3;

const USAGE = `usage: network:status -- --rpc URL [--consensus qbft|ibft2] [--idle-blocks N] [--max-block-age S] [--timeout S] [--json]

  --rpc URL            the node's JSON-RPC HTTP endpoint (needs the ETH, NET and QBFT or IBFT APIs)
  --consensus          qbft or ibft2; detected when absent (QBFT first, then IBFT 2.0)
  --idle-blocks N      a validator that has not proposed for more than N blocks is idle
                       (default: 2 × the number of validators)
  --max-block-age S    unhealthy when the latest block is more than S seconds old (default ${DEFAULT_MAX_BLOCK_AGE_SECONDS})
  --timeout S          seconds to wait for each answer (default 10)
  --json               print one JSON object instead of the text report

exit codes: 0 healthy, 3 unhealthy, 1 node unreachable or API not enabled, 2 bad input`;

function parse(argv: string[]) {
  const values = parseOptions(argv, {
    rpc: { type: "string" },
    consensus: { type: "string" },
    "idle-blocks": { type: "string" },
    "max-block-age": { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (values.help) return null;
  if (values.rpc === undefined) throw new UsageError("--rpc URL is required (see --help)");
  httpUrlOption(values.rpc, "--rpc");
  if (values.consensus !== undefined && !CONSENSUS_TYPES.includes(values.consensus as Consensus)) {
    throw new UsageError(`--consensus must be one of ${CONSENSUS_TYPES.join(", ")}, got "${values.consensus}"`);
  }
  return {
    rpc: values.rpc,
    consensus: values.consensus as Consensus | undefined,
    idleBlocks: values["idle-blocks"] === undefined ? undefined : integerOption(values["idle-blocks"], "--idle-blocks"),
    maxBlockAgeSeconds:
      values["max-block-age"] === undefined ? undefined : integerOption(values["max-block-age"], "--max-block-age"),
    timeoutMs: values.timeout === undefined ? undefined : integerOption(values.timeout, "--timeout") * 1000,
    json: values.json,
  };
}

async function main(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (options === null) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const status: GetNetworkStatusReturnType = await getNetworkStatus({
    rpc: options.rpc,
    client: { timeoutMs: options.timeoutMs, retry: { attempts: 3 } },
    consensus: options.consensus,
    idleBlocks: options.idleBlocks,
    maxBlockAgeSeconds: options.maxBlockAgeSeconds,
  });
  process.stdout.write((options.json ? JSON.stringify(status) : formatNetworkStatus(status)) + "\n");
  return status.healthy ? 0 : EXIT_UNHEALTHY;
}

await runCommand(COMMAND, () => main(process.argv.slice(2)));
