/**
 * What the network commands share: the bad-input error, option parsers, and the run wrapper that turns an
 * error into one line on stderr with the exit code (2 for bad input, 1 for anything else).
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";

import { UsageError } from "../src/options.js";

export { UsageError };

/** The command's flags, strictly (no positionals, no unknown flag); a parse error is a one-line UsageError. */
export function parseOptions<const T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
}

/** A whole number ≥ 0 (≥ 1 unless `allowZero`) written in decimal digits. */
export function integerOption(value: string, option: string, { allowZero = false } = {}): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || (!allowZero && n === 0)) {
    throw new UsageError(`${option} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${value}"`);
  }
  return n;
}

/** An http(s) URL. */
export function httpUrlOption(value: string, option: string): string {
  try {
    const protocol = new URL(value).protocol;
    if (protocol === "http:" || protocol === "https:") return value;
  } catch {
    // reported below
  }
  throw new UsageError(`${option} must be an http(s) URL, got "${value}"`);
}

/**
 * Runs `main` and sets the exit code it returns; an error becomes `<command>: <first line>` on stderr with exit
 * code 2 for a UsageError and 1 otherwise.
 */
export async function runCommand(command: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    // ethers errors carry a shortMessage without the request dump.
    const { message, shortMessage } = error as Error & { shortMessage?: string };
    process.stderr.write(`${command}: ${(shortMessage ?? message).split("\n")[0]}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
