import { readFile } from "node:fs/promises";

import { keccak256 } from "ethers";

import { usageError } from "./errors.js";
import { hashOrText } from "./input.js";

/** The options naming a profile document: where it is, and its hash or the file to hash. */
export interface ProfileOptions {
  profileUri?: string;
  profileHash?: string;
  profileFile?: string;
}

/**
 * The profile record's (hash, URI): `--profile-uri` with either `--profile-hash 0x…` or `--profile-file FILE`
 * (keccak256 of the file's bytes, the document the URI serves).
 */
export async function readProfile(options: ProfileOptions): Promise<{ profileHash: string; profileURI: string }> {
  const { profileUri, profileHash, profileFile } = options;
  if (profileUri === undefined || profileUri.trim() === "") throw usageError("--profile-uri URI is required");
  if ((profileHash === undefined) === (profileFile === undefined)) {
    throw usageError("pass exactly one of --profile-hash 0x… and --profile-file FILE");
  }
  if (profileHash !== undefined) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(profileHash)) {
      throw usageError(`--profile-hash must be 32 bytes (0x and 64 hex digits), not "${profileHash}"`);
    }
    return { profileHash: hashOrText(profileHash, "--profile-hash"), profileURI: profileUri };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(profileFile!);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw usageError(`profile file ${profileFile}: ${reason}`);
  }
  return { profileHash: keccak256(bytes), profileURI: profileUri };
}
