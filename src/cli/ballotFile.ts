/**
 * The file a signed vote travels in, from the voter's (possibly offline) machine to whoever relays it:
 * `credence case sign-vote` writes it, `credence case relay` reads it. Integers are decimal strings.
 */
import { readFile } from "node:fs/promises";

import { getAddress, isAddress, isHexString } from "ethers";

import { type Ballot, BALLOT_DOMAIN } from "../actions/signVote.js";
import { VoteType } from "../constants.js";
import { usageError } from "./errors.js";

/** What the file holds. `domain` repeats what the signature is bound to, so that a relay can say what is wrong. */
export interface BallotFile {
  domain: { name: string; version: string; chainId: string; verifyingContract: string };
  ballot: { caseId: string; support: number; voter: string; nonce: string; deadline: string };
  signature: string;
  /** The EIP-712 digest signed (for audit; the contract recomputes it). */
  digest: string;
}

export function toBallotFile(
  ballot: Ballot,
  signature: string,
  chainId: bigint,
  verifyingContract: string,
  digest: string,
): BallotFile {
  return {
    domain: { ...BALLOT_DOMAIN, chainId: String(chainId), verifyingContract },
    ballot: {
      caseId: String(ballot.caseId),
      support: ballot.support,
      voter: ballot.voter,
      nonce: String(ballot.nonce),
      deadline: String(ballot.deadline),
    },
    signature,
    digest,
  };
}

const DECIMAL = /^\d{1,78}$/;
const MAX_UINT256 = 2n ** 256n - 1n;

/** A uint256 as a decimal string. */
const isUint256 = (value: unknown): value is string =>
  typeof value === "string" && DECIMAL.test(value) && BigInt(value) <= MAX_UINT256;

/** Reads and checks a ballot file: every field present and well-formed (bad input, exit code 2, otherwise). */
export async function readBallotFile(
  file: string,
): Promise<{ ballot: Ballot; signature: string; chainId: bigint; verifyingContract: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw usageError(`ballot file ${file}: ${reason}`);
  }
  let json: Partial<BallotFile>;
  try {
    json = JSON.parse(text) as Partial<BallotFile>;
  } catch {
    throw usageError(`ballot file ${file} is not valid JSON`);
  }
  const bad = (field: string) => usageError(`ballot file ${file}: ${field} is missing or malformed`);
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw bad("the top-level object");
  const { domain, ballot, signature } = json;
  if (domain?.name !== BALLOT_DOMAIN.name || domain.version !== BALLOT_DOMAIN.version) throw bad("domain");
  if (!isUint256(domain.chainId)) throw bad("domain.chainId");
  if (typeof domain.verifyingContract !== "string" || !isAddress(domain.verifyingContract)) {
    throw bad("domain.verifyingContract");
  }
  if (typeof ballot !== "object" || ballot === null) throw bad("ballot");
  for (const field of ["caseId", "nonce", "deadline"] as const) {
    if (!isUint256(ballot[field])) throw bad(`ballot.${field}`);
  }
  if (!Object.values(VoteType).includes(ballot.support as 0)) throw bad("ballot.support");
  if (typeof ballot.voter !== "string" || !isAddress(ballot.voter)) throw bad("ballot.voter");
  // Whole bytes, at least one: an EOA signs 65 bytes, a contract wallet (ERC-1271) may use any length.
  if (typeof signature !== "string" || !isHexString(signature, true) || signature.length < 4) throw bad("signature");
  return {
    ballot: {
      caseId: BigInt(ballot.caseId),
      support: ballot.support,
      voter: getAddress(ballot.voter),
      nonce: BigInt(ballot.nonce),
      deadline: BigInt(ballot.deadline),
    },
    signature,
    chainId: BigInt(domain.chainId),
    verifyingContract: getAddress(domain.verifyingContract),
  };
}
