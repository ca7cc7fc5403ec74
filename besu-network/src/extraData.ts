/**
 * Besu BFT genesis `extraData`: `RLP([vanity (32 bytes), [validators], vote, round, [seals]])`.
 *
 * The two consensus protocols differ only in how an absent vote and the round are written:
 * - QBFT (`QbftExtraDataCodec`): no vote = empty list (`c0`), round = RLP scalar (0 → `80`);
 * - IBFT 2.0 (`IbftExtraDataCodec`): no vote = empty string (`80`), round = 4 bytes (0 → `84 00000000`).
 *
 * A genesis block has no vote, round 0 and no seals (an empty list).
 */
import { decodeRlp, encodeRlp, getAddress, hexlify, isHexString, type RlpStructuredData } from "ethers";

export type Consensus = "qbft" | "ibft2";

export const CONSENSUS_TYPES: readonly Consensus[] = ["qbft", "ibft2"];

const VANITY_BYTES = 32;
const ZERO_VANITY = "0x" + "00".repeat(VANITY_BYTES);

export interface EncodeExtraDataParameters {
  consensus: Consensus;
  /** Validator addresses (any case; a mixed-case address must carry a valid EIP-55 checksum). */
  validators: readonly string[];
  /** 32-byte hex; zeros by default. */
  vanity?: string;
  /**
   * Sort the validators ascending (the default, and what this project writes). `false` keeps the given order,
   * as `besu rlp encode` does; Besu accepts either in a genesis block.
   */
  sort?: boolean;
}

/** 0x-prefixed hex of the RLP-encoded extraData. */
export type EncodeExtraDataReturnType = string;

export interface ExtraDataVote {
  /** Lower-case 0x address the vote is about. */
  recipient: string;
  /** `true` to add the recipient, `false` to drop it (Besu's vote bytes `0xff` and `0x00`). */
  add: boolean;
}

export interface DecodeExtraDataReturnType {
  vanity: string;
  /** Lower-case 0x addresses, in the order they are encoded. */
  validators: string[];
  vote: ExtraDataVote | null;
  round: number;
  /** Committed seals as 0x hex, empty for a genesis block. */
  seals: string[];
}

function assertConsensus(consensus: unknown): asserts consensus is Consensus {
  if (!CONSENSUS_TYPES.includes(consensus as Consensus)) {
    throw new Error(`unknown consensus "${String(consensus)}": expected one of ${CONSENSUS_TYPES.join(", ")}`);
  }
}

/** Checks an address and returns it in lower case; throws naming the bad value. */
function normalizeAddress(value: unknown, what: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new Error(`invalid ${what} address "${String(value)}": expected 0x followed by 40 hex digits`);
  }
  try {
    getAddress(value); // rejects a mixed-case address whose EIP-55 checksum is wrong
  } catch {
    throw new Error(`invalid ${what} address "${value}": bad EIP-55 checksum`);
  }
  return value.toLowerCase();
}

function normalizeVanity(vanity: string | undefined): string {
  if (vanity === undefined) return ZERO_VANITY;
  if (!isHexString(vanity, VANITY_BYTES)) {
    throw new Error(`invalid vanity "${vanity}": expected ${VANITY_BYTES} bytes of 0x hex`);
  }
  return vanity.toLowerCase();
}

/** Encodes genesis extraData (no vote, round 0, no seals) exactly as Besu does. */
export function encodeExtraData({
  consensus,
  validators,
  vanity,
  sort = true,
}: EncodeExtraDataParameters): EncodeExtraDataReturnType {
  assertConsensus(consensus);
  if (validators.length === 0) {
    throw new Error("empty validator list: a BFT network needs at least one validator");
  }
  const addresses = validators.map((v) => normalizeAddress(v, "validator"));
  const seen = new Set<string>();
  for (const address of addresses) {
    if (seen.has(address)) throw new Error(`duplicate validator ${address}`);
    seen.add(address);
  }
  // Lower-case hex of equal length sorts as the bytes do.
  const ordered = sort ? [...addresses].sort() : addresses;
  const noVote = consensus === "qbft" ? [] : "0x";
  const roundZero = consensus === "qbft" ? "0x" : "0x00000000";
  return encodeRlp([normalizeVanity(vanity), ordered, noVote, roundZero, []]);
}

function expectBytes(item: RlpStructuredData, what: string): string {
  if (typeof item !== "string") throw new Error(`wrong extraData layout: ${what} is a list, expected bytes`);
  return item;
}

function expectList(item: RlpStructuredData, what: string): RlpStructuredData[] {
  if (typeof item === "string") throw new Error(`wrong extraData layout: ${what} is bytes, expected a list`);
  return item;
}

function decodeVote(item: RlpStructuredData): ExtraDataVote {
  const fields = expectList(item, "vote");
  if (fields.length !== 2) throw new Error(`wrong extraData layout: vote has ${fields.length} items, expected 2`);
  const recipient = normalizeAddress(expectBytes(fields[0], "vote recipient"), "vote recipient");
  const type = expectBytes(fields[1], "vote type");
  if (type !== "0xff" && type !== "0x00") {
    throw new Error(`wrong extraData layout: vote type ${type}, expected 0xff (add) or 0x00 (drop)`);
  }
  return { recipient, add: type === "0xff" };
}

/** Decodes extraData written by `encodeExtraData` or by Besu, checking the layout of the given consensus. */
export function decodeExtraData(hex: string, consensus: Consensus): DecodeExtraDataReturnType {
  assertConsensus(consensus);
  if (typeof hex !== "string" || !isHexString(hex) || hex.length === 2) {
    throw new Error(`invalid extraData "${String(hex)}": expected non-empty 0x hex with whole bytes`);
  }
  let decoded: RlpStructuredData;
  try {
    decoded = decodeRlp(hex);
  } catch (error) {
    throw new Error(`invalid extraData: not RLP (${(error as Error).message.split(" (")[0]})`);
  }
  const items = expectList(decoded, "extraData");
  if (items.length !== 5) {
    throw new Error(
      `wrong extraData layout: ${items.length} items, expected 5 (vanity, validators, vote, round, seals)`,
    );
  }
  const [vanityItem, validatorsItem, voteItem, roundItem, sealsItem] = items;

  const vanity = expectBytes(vanityItem, "vanity");
  if ((vanity.length - 2) / 2 !== VANITY_BYTES) {
    throw new Error(`wrong extraData layout: vanity is ${(vanity.length - 2) / 2} bytes, expected ${VANITY_BYTES}`);
  }
  const validators = expectList(validatorsItem, "validators").map((v) =>
    normalizeAddress(expectBytes(v, "a validator"), "validator"),
  );

  let vote: ExtraDataVote | null;
  let round: number;
  const roundBytes = expectBytes(roundItem, "round");
  if (consensus === "qbft") {
    if (typeof voteItem === "string") {
      throw new Error("wrong extraData layout for qbft: the vote is bytes, not a list (is this IBFT 2.0 extraData?)");
    }
    vote = voteItem.length === 0 ? null : decodeVote(voteItem);
    if (roundBytes.length > 10 || roundBytes.startsWith("0x00")) {
      throw new Error(`wrong extraData layout for qbft: round ${roundBytes} is not a scalar of at most 4 bytes`);
    }
    round = roundBytes === "0x" ? 0 : Number(roundBytes);
  } else {
    if (voteItem === "0x") vote = null;
    else if (typeof voteItem === "string") throw new Error(`wrong extraData layout for ibft2: vote ${voteItem}`);
    else if (voteItem.length === 0) {
      throw new Error("wrong extraData layout for ibft2: the vote is an empty list (is this QBFT extraData?)");
    } else vote = decodeVote(voteItem);
    if (roundBytes.length !== 10) {
      throw new Error(`wrong extraData layout for ibft2: round ${roundBytes} is not 4 bytes (is this QBFT extraData?)`);
    }
    round = Number(roundBytes);
  }

  const seals = expectList(sealsItem, "seals").map((s) => expectBytes(s, "a seal"));
  return { vanity, validators, vote, round, seals: seals.map((s) => hexlify(s)) };
}
