/**
 * Storage-layout snapshots of ERC-7201 namespaced storage, and the rules that decide whether an upgrade keeps
 * the storage of a deployed proxy intact. Everything here is pure: the compiler run lives in
 * probeStorageLayouts.ts, the files in scripts/storage-layout.ts.
 */
import { AbiCoder, keccak256, toBigInt, toBeHex, toUtf8Bytes } from "ethers";

// ------------------------------------------------------------------ solc's storageLayout output

/** One variable or struct member in solc's `storageLayout` output. */
export interface SolcStorageItem {
  label: string;
  slot: string;
  offset: number;
  type: string;
}

/** One entry of solc's `storageLayout.types`, keyed by a type id such as `t_struct(Country)5830_storage`. */
export interface SolcStorageTypeInfo {
  encoding: "inplace" | "mapping" | "dynamic_array" | "bytes";
  label: string;
  numberOfBytes: string;
  key?: string;
  value?: string;
  base?: string;
  members?: SolcStorageItem[];
}

export type SolcStorageTypes = Record<string, SolcStorageTypeInfo>;

/** solc's `storageLayout` output for one contract. */
export interface SolcStorageLayout {
  storage: SolcStorageItem[];
  types: SolcStorageTypes | null;
}

// ------------------------------------------------------------------ normalized layout

/**
 * A storage type reduced to what decides where data lives. Labels are solc's canonical type labels
 * (`mapping(uint256 => struct IEntityRegistry.Organization)`); AST ids are dropped so that a snapshot does not
 * change when unrelated code moves.
 */
export type StorageType =
  | { kind: "inplace"; label: string; bytes: string }
  | { kind: "bytes"; label: string }
  | { kind: "struct"; label: string; bytes: string; members: StorageMember[] }
  /** A struct already being expanded higher up (a struct reachable from itself through a mapping or array). */
  | { kind: "recursive"; label: string }
  | { kind: "mapping"; label: string; key: StorageType; value: StorageType }
  | { kind: "array"; label: string; bytes: string; base: StorageType };

/** A struct member: its slot is relative to the start of the struct. */
export interface StorageMember {
  label: string;
  slot: string;
  offset: number;
  type: StorageType;
}

/** The layout of one contract's ERC-7201 namespace: what storage-layouts/<Contract>.json holds. */
export interface NamespaceLayout {
  /** The contract's name, e.g. `EntityRegistry`. */
  contract: string;
  /** The namespace struct, e.g. `EntityRegistry.EntityRegistryStorage`. */
  struct: string;
  /** The ERC-7201 namespace id from `@custom:storage-location erc7201:<id>`. */
  namespace: string;
  /** The root slot, as written in the contract's `STORAGE_LOCATION` constant (0x-prefixed, 32 bytes). */
  slot: string;
  members: StorageMember[];
}

// ------------------------------------------------------------------ ERC-7201

/** The ERC-7201 root slot of a namespace: `keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff`. */
export function erc7201Slot(namespace: string): string {
  const inner = toBigInt(keccak256(toUtf8Bytes(namespace))) - 1n;
  const outer = toBigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner])));
  return toBeHex(outer & ~0xffn, 32);
}

/** A 32-byte slot in the canonical form snapshots use: lower-case, 0x-prefixed, 64 hex digits. */
export function canonicalSlot(slot: string | bigint): string {
  return toBeHex(toBigInt(slot), 32);
}

// ------------------------------------------------------------------ normalization

/** Normalizes one solc storage type (by id) and everything it contains. */
export function normalizeStorageType(typeId: string, types: SolcStorageTypes, expanding: string[] = []): StorageType {
  const info = types[typeId];
  if (info === undefined) throw new Error(`storage type ${typeId} is missing from solc's output`);
  switch (info.encoding) {
    case "inplace":
      // A static array is stored in place: its elements follow one another from its first slot.
      if (info.base !== undefined) return arrayType(info, types, expanding);
      if (info.members === undefined) return { kind: "inplace", label: info.label, bytes: info.numberOfBytes };
      if (expanding.includes(info.label)) return { kind: "recursive", label: info.label };
      return {
        kind: "struct",
        label: info.label,
        bytes: info.numberOfBytes,
        members: normalizeMembers(info.members, types, [...expanding, info.label]),
      };
    case "bytes":
      return { kind: "bytes", label: info.label };
    case "mapping":
      return {
        kind: "mapping",
        label: info.label,
        key: normalizeStorageType(info.key!, types, expanding),
        value: normalizeStorageType(info.value!, types, expanding),
      };
    case "dynamic_array":
      return arrayType(info, types, expanding);
    default:
      throw new Error(`unknown storage encoding ${String((info as SolcStorageTypeInfo).encoding)} of ${typeId}`);
  }
}

function arrayType(info: SolcStorageTypeInfo, types: SolcStorageTypes, expanding: string[]): StorageType {
  return {
    kind: "array",
    label: info.label,
    bytes: info.numberOfBytes,
    base: normalizeStorageType(info.base!, types, expanding),
  };
}

/** Normalizes a list of solc storage items (struct members or state variables). */
export function normalizeMembers(
  items: SolcStorageItem[],
  types: SolcStorageTypes,
  expanding: string[] = [],
): StorageMember[] {
  return items.map((item) => ({
    label: item.label,
    slot: item.slot,
    offset: item.offset,
    type: normalizeStorageType(item.type, types, expanding),
  }));
}

export interface NormalizeNamespaceParameters {
  contract: string;
  namespace: string;
  slot: string;
  /** solc's storageLayout of a probe contract whose only state variable is the namespace struct. */
  probeLayout: SolcStorageLayout;
}

/** The normalized layout of a namespace from the storage layout of its probe contract. */
export function normalizeNamespace({
  contract,
  namespace,
  slot,
  probeLayout,
}: NormalizeNamespaceParameters): NamespaceLayout {
  const [variable, ...rest] = probeLayout.storage;
  if (variable === undefined || rest.length > 0) {
    throw new Error(`${contract}: the layout probe must hold exactly one state variable, the namespace struct`);
  }
  const root = normalizeStorageType(variable.type, probeLayout.types ?? {});
  if (root.kind !== "struct") throw new Error(`${contract}: the namespace ${namespace} is not a struct`);
  return {
    contract,
    struct: root.label.replace(/^struct /, ""),
    namespace,
    slot: canonicalSlot(slot),
    members: root.members,
  };
}

// ------------------------------------------------------------------ comparison

/** One difference between a snapshot and the current layout. `allowed` ones cannot corrupt existing storage. */
export interface LayoutChange {
  contract: string;
  /** Where: `organizations[uint256].country`; `(namespace)` for the namespace itself. */
  path: string;
  message: string;
  allowed: boolean;
}

/** The problem, if any, with a layout's root slot: it must be the ERC-7201 slot of its namespace id. */
export function checkNamespaceSlot(layout: NamespaceLayout): LayoutChange[] {
  const expected = erc7201Slot(layout.namespace);
  if (canonicalSlot(layout.slot) === expected) return [];
  return [
    {
      contract: layout.contract,
      path: "(namespace)",
      message: `STORAGE_LOCATION ${layout.slot} is not the ERC-7201 slot of "${layout.namespace}" (${expected})`,
      allowed: false,
    },
  ];
}

/**
 * Every difference between the snapshot of the last release (`previous`) and the current layout. Not allowed:
 * a member removed, renamed, retyped, moved to another slot or offset, or inserted before existing members; a
 * struct held in a mapping or array changed other than by appending members at its end (and, for an array
 * element, without growing); a different namespace id or slot. Allowed: members appended at the end of a
 * struct, a renamed namespace struct.
 */
export function compareLayouts(previous: NamespaceLayout, current: NamespaceLayout): LayoutChange[] {
  const changes: LayoutChange[] = [];
  const contract = current.contract;
  const report = (path: string, message: string, allowed = false) => changes.push({ contract, path, message, allowed });

  if (previous.namespace !== current.namespace) {
    report("(namespace)", `namespace id changed from "${previous.namespace}" to "${current.namespace}"`);
  }
  if (canonicalSlot(previous.slot) !== canonicalSlot(current.slot)) {
    report("(namespace)", `namespace slot changed from ${previous.slot} to ${current.slot}`);
  }
  if (previous.struct !== current.struct) {
    report("(namespace)", `namespace struct renamed from ${previous.struct} to ${current.struct}`, true);
  }
  compareMembers("", previous.members, current.members, report);
  return changes;
}

type Report = (path: string, message: string, allowed?: boolean) => void;

function join(path: string, label: string): string {
  return path === "" ? label : `${path}.${label}`;
}

function compareMembers(path: string, previous: StorageMember[], current: StorageMember[], report: Report): void {
  const previousLabels = new Set(previous.map((m) => m.label));
  const currentIndex = new Map(current.map((m, i) => [m.label, i]));
  const renamedTo = new Set<string>();

  previous.forEach((old, i) => {
    const j = currentIndex.get(old.label);
    if (j !== undefined) {
      compareMember(join(path, old.label), old, current[j], report);
      return;
    }
    // Gone: a new label at the same position is a rename, anything else a removal.
    const sameIndex = current[i];
    if (sameIndex !== undefined && !previousLabels.has(sameIndex.label)) {
      renamedTo.add(sameIndex.label);
      report(join(path, old.label), `renamed to ${sameIndex.label}`);
      compareMember(join(path, old.label), old, sameIndex, report);
    } else {
      report(join(path, old.label), `removed (was ${old.type.label} at slot ${old.slot} offset ${old.offset})`);
    }
  });

  current.forEach((added, j) => {
    if (previousLabels.has(added.label) || renamedTo.has(added.label)) return;
    const following = current.slice(j + 1).find((m) => previousLabels.has(m.label));
    if (following !== undefined) {
      report(join(path, added.label), `inserted before existing member ${following.label}`);
    } else {
      report(
        join(path, added.label),
        `appended (${added.type.label} at slot ${added.slot} offset ${added.offset})`,
        true,
      );
    }
  });
}

function compareMember(path: string, previous: StorageMember, current: StorageMember, report: Report): void {
  if (previous.slot !== current.slot || previous.offset !== current.offset) {
    report(
      path,
      `moved from slot ${previous.slot} offset ${previous.offset} to slot ${current.slot} offset ${current.offset}`,
    );
  }
  compareTypes(path, previous.type, current.type, report);
}

function compareTypes(path: string, previous: StorageType, current: StorageType, report: Report): void {
  if (previous.kind !== current.kind || previous.label !== current.label) {
    report(path, `retyped from ${previous.label} to ${current.label}`);
    return;
  }
  if (previous.kind === "inplace" && current.kind === "inplace" && previous.bytes !== current.bytes) {
    report(path, `${current.label} changed size from ${previous.bytes} to ${current.bytes} bytes`);
  } else if (previous.kind === "struct" && current.kind === "struct") {
    compareMembers(path, previous.members, current.members, report);
  } else if (previous.kind === "mapping" && current.kind === "mapping") {
    compareTypes(`${path}[${current.key.label}]`, previous.value, current.value, report);
  } else if (previous.kind === "array" && current.kind === "array") {
    const element = `${path}[]`;
    compareTypes(element, previous.base, current.base, report);
    const before = sizeOf(previous.base);
    const after = sizeOf(current.base);
    if (before !== after) {
      report(
        element,
        `array element changes size from ${before} to ${after} bytes: every element after the first would move`,
      );
    }
  }
}

function sizeOf(type: StorageType): string | undefined {
  return "bytes" in type ? type.bytes : undefined;
}

/** One line of the report: `error: EntityRegistry: organizations[uint256].country: retyped from … to …`. */
export function formatChange(change: LayoutChange): string {
  return `${change.allowed ? "allowed" : "error"}: ${change.contract}: ${change.path}: ${change.message}`;
}
