import { usageError } from "./errors.js";

/** A positive decimal id (organization, case) from the command line. */
export function parseId(value: string, what: string): bigint {
  if (!/^[1-9]\d{0,76}$/.test(value)) throw usageError(`${what} must be a positive integer, not "${value}"`);
  return BigInt(value);
}

/** A block number or count from an option, at least `min`. */
export function parseBlockNumber(value: string | undefined, option: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw usageError(`${option} must be an integer of at least ${min}, not "${value}"`);
  }
  return number;
}
