import { getAddress, id, isAddress } from "ethers";

import { ONE } from "../constants.js";
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

/** A non-negative integer of any size (a nonce, a timestamp, a gas price in wei). */
export function parseUint(value: string, what: string): bigint {
  if (!/^\d{1,78}$/.test(value)) throw usageError(`${what} must be a non-negative integer, not "${value}"`);
  return BigInt(value);
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * A bytes32 the contracts keep as a hash (contribution id, evidence, reasons, legal identity): a 0x-prefixed
 * 32-byte hex value is taken as it is, any other text is hashed (keccak256 of its UTF-8 bytes), so that
 * `--contribution report-2026-117` and the platform's own hash of that id agree.
 */
export function hashOrText(value: string, what: string): string {
  if (BYTES32.test(value)) return value.toLowerCase();
  if (value.startsWith("0x") && /^0x[0-9a-fA-F]*$/.test(value)) {
    throw usageError(`${what} looks like hex but is not 32 bytes (64 hex digits): "${value}"`);
  }
  if (value.trim() === "") throw usageError(`${what} must not be empty`);
  return id(value);
}

/** A score, share or trust value in [0, 1] with at most 18 decimals ("0.85", "1", ".5" is refused), as 18-decimal fixed point. */
export function parseScore(value: string, what: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(value.trim());
  const fixed = match === null ? undefined : BigInt(match[1]) * ONE + BigInt((match[2] ?? "").padEnd(18, "0"));
  if (fixed === undefined || fixed > ONE) {
    throw usageError(`${what} must be a decimal in [0, 1] with at most 18 decimals, not "${value}"`);
  }
  return fixed;
}

/** An account address (any checksum case), returned checksummed. */
export function parseAddress(value: string, what: string): string {
  if (!isAddress(value)) throw usageError(`${what} must be an address (0x and 40 hex digits), not "${value}"`);
  return getAddress(value);
}
