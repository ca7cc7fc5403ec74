/**
 * Contract storage for a genesis `alloc`, computed from the compiler's storage-layout output.
 *
 * A genesis-allocated contract never runs its constructor, so its initial state must be written as raw slots.
 * Rather than typing slot numbers by hand (and silently breaking when a variable moves), every slot here is
 * derived from solc's `storageLayout` for the contract as it is compiled now: a renamed, retyped or removed
 * variable is an error, not a wrong genesis.
 *
 * Supported types: value types (address, contract, uintN, intN ≥ 0, bool, bytesN), dynamic arrays of value
 * types (packed as solc packs them), and mappings from value-type keys to value types or to such mappings.
 */
import { AbiCoder, getAddress, keccak256, toBeHex } from "ethers";

import type { SolcStorageLayout, SolcStorageTypeInfo } from "../../scripts/lib/storageLayout.js";

/** solc's `storageLayout` output for one contract (the types the storage-layout check uses too). */
export type StorageLayout = SolcStorageLayout;
type LayoutType = SolcStorageTypeInfo;

/** A value for a variable: scalars as bigint/number/boolean/hex string, arrays, mappings as Map or object. */
export type StorageValue =
  | bigint
  | number
  | boolean
  | string
  | readonly StorageValue[]
  | ReadonlyMap<string | bigint, StorageValue>
  | { readonly [key: string]: StorageValue };

/** Genesis storage: 32-byte slot → 32-byte value, both 0x-prefixed lower-case hex; zero words omitted. */
export type GenesisStorage = Record<string, string>;

const WORD = 32;

/**
 * Encodes `values` (variable label → value) into storage slots following `layout`. Variables not given stay
 * zero. Throws for a label the layout does not have, for a value that does not fit its type, and for types this
 * encoder does not support.
 */
export function encodeStorage(layout: StorageLayout, values: Record<string, StorageValue>): GenesisStorage {
  const types = layout.types ?? {};
  const byLabel = new Map(layout.storage.map((item) => [item.label, item]));
  const words = new Map<bigint, Uint8Array>();
  for (const [label, value] of Object.entries(values)) {
    const item = byLabel.get(label);
    if (item === undefined) {
      const known = layout.storage.map((entry) => entry.label).join(", ");
      throw new Error(`the storage layout has no variable "${label}" (it has: ${known}); was it renamed?`);
    }
    writeValue(words, types, item.type, BigInt(item.slot), item.offset, value, label);
  }
  const storage: GenesisStorage = {};
  for (const slot of [...words.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const word = words.get(slot)!;
    if (word.every((byte) => byte === 0)) continue;
    storage[toBeHex(slot, WORD)] = "0x" + Buffer.from(word).toString("hex");
  }
  return storage;
}

function typeOf(types: Record<string, LayoutType>, id: string, path: string): LayoutType {
  const type = types[id];
  if (type === undefined) throw new Error(`${path}: type ${id} is missing from the storage layout`);
  return type;
}

function writeValue(
  words: Map<bigint, Uint8Array>,
  types: Record<string, LayoutType>,
  typeId: string,
  slot: bigint,
  offset: number,
  value: StorageValue,
  path: string,
): void {
  const type = typeOf(types, typeId, path);
  switch (type.encoding) {
    case "inplace": {
      if (typeId.startsWith("t_struct") || typeId.startsWith("t_array")) {
        throw new Error(`${path}: ${type.label} (static arrays and structs) is not supported`);
      }
      writeBytes(words, slot, offset, scalarBytes(typeId, Number(type.numberOfBytes), value, path));
      return;
    }
    case "dynamic_array": {
      if (!Array.isArray(value)) throw new Error(`${path}: expected an array for ${type.label}`);
      const items = value as readonly StorageValue[];
      writeBytes(words, slot, 0, scalarBytes("t_uint256", WORD, BigInt(items.length), `${path}.length`));
      const base = typeOf(types, type.base!, path);
      if (base.encoding !== "inplace" || type.base!.startsWith("t_struct") || type.base!.startsWith("t_array")) {
        throw new Error(`${path}: arrays of ${base.label} are not supported`);
      }
      const size = Number(base.numberOfBytes);
      const perSlot = Math.floor(WORD / size);
      const first = BigInt(keccak256(toBeHex(slot, WORD)));
      items.forEach((item, index) => {
        const itemSlot = first + BigInt(Math.floor(index / perSlot));
        writeValue(words, types, type.base!, itemSlot, (index % perSlot) * size, item, `${path}[${index}]`);
      });
      return;
    }
    case "mapping": {
      let entries: [string | bigint, StorageValue][];
      if (value instanceof Map) entries = [...(value as ReadonlyMap<string | bigint, StorageValue>).entries()];
      else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        entries = Object.entries(value as Record<string, StorageValue>);
      } else throw new Error(`${path}: expected a Map or an object for ${type.label}`);
      for (const [key, entry] of entries) {
        // Value-type keys become one word: numbers and addresses left-padded, bytesN right-padded (solc's rule).
        const keyWord = scalarBytes(type.key!, WORD, key as StorageValue, `${path} key`);
        const entrySlot = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [keyWord, slot])));
        writeValue(words, types, type.value!, entrySlot, 0, entry, `${path}[${String(key)}]`);
      }
      return;
    }
    default:
      throw new Error(`${path}: ${type.label} (${type.encoding}) is not supported`);
  }
}

/** The big-endian bytes of a value type, `size` bytes long (bytesN are left-aligned in their own size). */
function scalarBytes(typeId: string, size: number, value: StorageValue, path: string): Uint8Array {
  if (typeId === "t_address" || typeId.startsWith("t_contract")) {
    if (typeof value !== "string") throw new Error(`${path}: expected an address`);
    let address: string;
    try {
      address = getAddress(value);
    } catch {
      throw new Error(`${path}: "${value}" is not an address`);
    }
    return fit(BigInt(address), size, path);
  }
  if (typeId === "t_bool") {
    if (typeof value !== "boolean") throw new Error(`${path}: expected a boolean`);
    return fit(value ? 1n : 0n, size, path);
  }
  if (/^t_uint\d+$/.test(typeId) || /^t_int\d+$/.test(typeId)) {
    let number: bigint;
    try {
      number = BigInt(value as bigint | number | string);
    } catch {
      throw new Error(`${path}: "${String(value)}" is not an integer`);
    }
    if (number < 0n) throw new Error(`${path}: negative values are not supported`);
    return fit(number, size, path);
  }
  const fixedBytes = /^t_bytes(\d+)$/.exec(typeId);
  if (fixedBytes !== null) {
    if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value)) throw new Error(`${path}: expected hex`);
    const bytes = Buffer.from(value.slice(2), "hex");
    if (bytes.length !== Number(fixedBytes[1])) throw new Error(`${path}: expected ${fixedBytes[1]} bytes`);
    // Only ever asked for as a whole word (mapping keys) or in its own size (in place).
    if (size === bytes.length) return bytes;
    const word = new Uint8Array(size);
    word.set(bytes, 0);
    return word;
  }
  throw new Error(`${path}: type ${typeId} is not supported`);
}

function fit(value: bigint, size: number, path: string): Uint8Array {
  if (value >= 1n << BigInt(size * 8)) throw new Error(`${path}: ${value} does not fit in ${size} bytes`);
  return Buffer.from(toBeHex(value, size).slice(2), "hex");
}

/** Writes `bytes` at `offset` bytes from the low-order end of the word at `slot` (solc's packing). */
function writeBytes(words: Map<bigint, Uint8Array>, slot: bigint, offset: number, bytes: Uint8Array): void {
  let word = words.get(slot);
  if (word === undefined) {
    word = new Uint8Array(WORD);
    words.set(slot, word);
  }
  const end = WORD - offset;
  word.set(bytes, end - bytes.length);
}
