/**
 * Encode or decode Besu genesis extraData.
 *
 *   tsx besu-network/cli/extradata.ts --consensus qbft|ibft2 --validators 0x…,0x… [--vanity 0x…]
 *   tsx besu-network/cli/extradata.ts --consensus qbft|ibft2 --decode 0x…
 *
 * Encoding prints the hex; decoding prints the validators one per line. Bad input prints one line on stderr
 * and exits with code 2.
 */
import { parseArgs } from "node:util";

import { decodeExtraData, encodeExtraData, type Consensus } from "../src/extraData.js";

const USAGE = "usage: extradata --consensus qbft|ibft2 (--validators 0x…,0x… [--vanity 0x…] | --decode 0x…)";

function run(argv: string[]): string {
  const { values } = parseArgs({
    args: argv,
    options: {
      consensus: { type: "string" },
      validators: { type: "string" },
      vanity: { type: "string" },
      decode: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.consensus === undefined) throw new Error(`--consensus is required; ${USAGE}`);
  const consensus = values.consensus as Consensus;
  if (values.decode !== undefined) {
    if (values.validators !== undefined || values.vanity !== undefined) {
      throw new Error(`--decode cannot be combined with --validators or --vanity; ${USAGE}`);
    }
    return decodeExtraData(values.decode, consensus).validators.join("\n");
  }
  if (values.validators === undefined) throw new Error(`--validators or --decode is required; ${USAGE}`);
  const validators = values.validators
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
  return encodeExtraData({ consensus, validators, vanity: values.vanity });
}

try {
  process.stdout.write(run(process.argv.slice(2)) + "\n");
} catch (error) {
  process.stderr.write(`extradata: ${(error as Error).message.split("\n")[0]}\n`);
  process.exitCode = 2;
}
