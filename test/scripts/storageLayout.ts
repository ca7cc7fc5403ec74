import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { probeStorageLayouts } from "../../scripts/lib/probeStorageLayouts.js";
import {
  checkNamespaceSlot,
  compareLayouts,
  erc7201Slot,
  formatChange,
  normalizeNamespace,
  type LayoutChange,
  type NamespaceLayout,
  type SolcStorageTypes,
  type StorageMember,
  type StorageType,
} from "../../scripts/lib/storageLayout.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// ------------------------------------------------------------------ synthetic layouts

const value = (label: string, bytes: number): StorageType => ({ kind: "inplace", label, bytes: String(bytes) });
const struct = (label: string, slots: number, members: StorageMember[]): StorageType => ({
  kind: "struct",
  label: `struct ${label}`,
  bytes: String(slots * 32),
  members,
});
const mapping = (key: StorageType, to: StorageType): StorageType => ({
  kind: "mapping",
  label: `mapping(${key.label} => ${to.label})`,
  key,
  value: to,
});
const array = (base: StorageType): StorageType => ({ kind: "array", label: `${base.label}[]`, bytes: "32", base });
const member = (label: string, slot: number, offset: number, type: StorageType): StorageMember => ({
  label,
  slot: String(slot),
  offset,
  type,
});

const itemMembers = () => [member("amount", 0, 0, value("uint128", 16)), member("owner", 1, 0, value("address", 20))];
// 22 of the 32 bytes of its slot: 10 bytes are free at the end.
const entryMembers = () => [member("key", 0, 0, value("uint48", 6)), member("value", 0, 6, value("uint128", 16))];

/**
 * Example.ExampleStorage: `owner` and `count` share slot 0, `items` maps to a two-slot struct, `entries` is an
 * array of one-slot structs, `config` is a one-slot struct held in place, `total` follows it.
 */
function exampleLayout(edit: (members: StorageMember[]) => void = () => {}): NamespaceLayout {
  const members = [
    member("owner", 0, 0, value("address", 20)),
    member("count", 0, 20, value("uint64", 8)),
    member("items", 1, 0, mapping(value("uint256", 32), struct("Example.Item", 2, itemMembers()))),
    member("entries", 2, 0, array(struct("Example.Entry", 1, entryMembers()))),
    member("config", 3, 0, struct("Example.Config", 1, [member("rate", 0, 0, value("uint64", 8))])),
    member("total", 4, 0, value("uint256", 32)),
  ];
  edit(members);
  return {
    contract: "Example",
    struct: "Example.ExampleStorage",
    namespace: "test.storage.Example",
    slot: erc7201Slot("test.storage.Example"),
    members,
  };
}

/** The member of `members` reached by `labels` through structs, mapping values and array elements. */
function memberAt(members: StorageMember[], ...labels: string[]): StorageMember {
  let found = members.find((m) => m.label === labels[0])!;
  for (const label of labels.slice(1)) {
    let type = found.type;
    while (type.kind === "mapping" || type.kind === "array") type = type.kind === "mapping" ? type.value : type.base;
    if (type.kind !== "struct") throw new Error(`${found.label} holds no struct`);
    found = type.members.find((m) => m.label === label)!;
  }
  return found;
}

function membersOf(type: StorageType): StorageMember[] {
  let inner = type;
  while (inner.kind === "mapping" || inner.kind === "array")
    inner = inner.kind === "mapping" ? inner.value : inner.base;
  if (inner.kind !== "struct") throw new Error(`${type.label} holds no struct`);
  return inner.members;
}

const errorsOf = (changes: LayoutChange[]) => changes.filter((c) => !c.allowed).map(formatChange);
const allowedOf = (changes: LayoutChange[]) => changes.filter((c) => c.allowed).map(formatChange);

describe("erc7201Slot", () => {
  it("matches the slot OpenZeppelin declares for its AccessManaged namespace", () => {
    const source = readFileSync(
      path.join(root, "node_modules/@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol"),
      "utf8",
    );
    const namespace = /@custom:storage-location erc7201:(\S+)/.exec(source)![1];
    const declared = /AccessManagedStorageLocation = (0x[0-9a-f]{64})/.exec(source)![1];
    expect(namespace).to.equal("openzeppelin.storage.AccessManaged");
    expect(erc7201Slot(namespace)).to.equal(declared);
  });

  it("clears the low byte", () => {
    expect(erc7201Slot("test.storage.Example").slice(-2)).to.equal("00");
  });
});

describe("checkNamespaceSlot", () => {
  it("accepts the ERC-7201 slot of the namespace id", () => {
    expect(checkNamespaceSlot(exampleLayout())).to.deep.equal([]);
  });

  describe("reports an error", () => {
    it("when the slot is not derived from the namespace id", () => {
      const layout = { ...exampleLayout(), slot: erc7201Slot("test.storage.Other") };
      expect(checkNamespaceSlot(layout).map(formatChange)).to.deep.equal([
        `error: Example: (namespace): STORAGE_LOCATION ${layout.slot} is not the ERC-7201 slot of ` +
          `"test.storage.Example" (${erc7201Slot("test.storage.Example")})`,
      ]);
    });
  });
});

describe("compareLayouts", () => {
  it("reports nothing for an identical layout", () => {
    expect(compareLayouts(exampleLayout(), exampleLayout())).to.deep.equal([]);
  });

  describe("reports an error", () => {
    it("when a member is removed", () => {
      const current = exampleLayout((m) => m.splice(5, 1));
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: total: removed (was uint256 at slot 4 offset 0)",
      ]);
    });

    it("when a member is renamed", () => {
      const current = exampleLayout((m) => (m[1] = { ...m[1], label: "counter" }));
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: count: renamed to counter",
      ]);
    });

    it("when a member is retyped", () => {
      const current = exampleLayout((m) => (m[5] = member("total", 4, 0, value("int256", 32))));
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: total: retyped from uint256 to int256",
      ]);
    });

    it("when a member moves to another offset", () => {
      const current = exampleLayout((m) => (m[1] = member("count", 0, 24, value("uint64", 8))));
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: count: moved from slot 0 offset 20 to slot 0 offset 24",
      ]);
    });

    it("when a member is inserted before existing ones", () => {
      const current = exampleLayout((m) => {
        m.splice(5, 1, member("paused", 4, 0, value("bool", 1)), member("total", 5, 0, value("uint256", 32)));
      });
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: total: moved from slot 4 offset 0 to slot 5 offset 0",
        "error: Example: paused: inserted before existing member total",
      ]);
    });

    it("when a member of a mapping-value struct is inserted before existing ones", () => {
      const current = exampleLayout((m) => {
        membersOf(m[2].type).splice(
          1,
          1,
          member("since", 1, 0, value("uint48", 6)),
          member("owner", 2, 0, value("address", 20)),
        );
      });
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: items[uint256].owner: moved from slot 1 offset 0 to slot 2 offset 0",
        "error: Example: items[uint256].since: inserted before existing member owner",
      ]);
    });

    it("when a member of a mapping-value struct is retyped", () => {
      const current = exampleLayout((m) => (membersOf(m[2].type)[0].type = value("uint96", 12)));
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: items[uint256].amount: retyped from uint128 to uint96",
      ]);
    });

    it("when a member of an array-element struct is removed", () => {
      const current = exampleLayout((m) => membersOf(m[3].type).splice(1, 1));
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        "error: Example: entries[].value: removed (was uint128 at slot 0 offset 6)",
      ]);
    });

    it("when a member appended to an array-element struct grows the element", () => {
      const current = exampleLayout((m) => {
        const element = (m[3].type as { base: StorageType }).base as { bytes: string; members: StorageMember[] };
        element.members.push(member("note", 1, 0, value("bytes32", 32)));
        element.bytes = "64";
      });
      const changes = compareLayouts(exampleLayout(), current);
      expect(errorsOf(changes)).to.deep.equal([
        "error: Example: entries[]: array element changes size from 32 to 64 bytes: every element after the first would move",
      ]);
      expect(allowedOf(changes)).to.deep.equal([
        "allowed: Example: entries[].note: appended (bytes32 at slot 1 offset 0)",
      ]);
    });

    it("when a struct held in place grows and pushes the members after it", () => {
      const current = exampleLayout((m) => {
        m[4] = member(
          "config",
          3,
          0,
          struct("Example.Config", 2, [
            member("rate", 0, 0, value("uint64", 8)),
            member("note", 1, 0, value("bytes32", 32)),
          ]),
        );
        m[5] = member("total", 5, 0, value("uint256", 32));
      });
      const changes = compareLayouts(exampleLayout(), current);
      expect(errorsOf(changes)).to.deep.equal(["error: Example: total: moved from slot 4 offset 0 to slot 5 offset 0"]);
      expect(allowedOf(changes)).to.deep.equal([
        "allowed: Example: config.note: appended (bytes32 at slot 1 offset 0)",
      ]);
    });

    it("when the namespace id changes", () => {
      const current = {
        ...exampleLayout(),
        namespace: "test.storage.ExampleV2",
        slot: erc7201Slot("test.storage.ExampleV2"),
      };
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        'error: Example: (namespace): namespace id changed from "test.storage.Example" to "test.storage.ExampleV2"',
        `error: Example: (namespace): namespace slot changed from ${exampleLayout().slot} to ${current.slot}`,
      ]);
    });

    it("when the namespace slot changes", () => {
      const current = { ...exampleLayout(), slot: erc7201Slot("test.storage.Other") };
      expect(errorsOf(compareLayouts(exampleLayout(), current))).to.deep.equal([
        `error: Example: (namespace): namespace slot changed from ${exampleLayout().slot} to ${current.slot}`,
      ]);
    });
  });

  describe("allows", () => {
    it("when a member is appended at the end of the namespace struct", () => {
      const current = exampleLayout((m) => m.push(member("paused", 5, 0, value("bool", 1))));
      const changes = compareLayouts(exampleLayout(), current);
      expect(errorsOf(changes)).to.deep.equal([]);
      expect(allowedOf(changes)).to.deep.equal(["allowed: Example: paused: appended (bool at slot 5 offset 0)"]);
    });

    it("when a member is appended at the end of a mapping-value struct", () => {
      const current = exampleLayout((m) => membersOf(m[2].type).push(member("since", 1, 20, value("uint48", 6))));
      const changes = compareLayouts(exampleLayout(), current);
      expect(errorsOf(changes)).to.deep.equal([]);
      expect(allowedOf(changes)).to.deep.equal([
        "allowed: Example: items[uint256].since: appended (uint48 at slot 1 offset 20)",
      ]);
    });

    it("when a member appended to an array-element struct fits in its last slot", () => {
      const current = exampleLayout((m) => membersOf(m[3].type).push(member("flag", 0, 22, value("bool", 1))));
      const changes = compareLayouts(exampleLayout(), current);
      expect(errorsOf(changes)).to.deep.equal([]);
      expect(allowedOf(changes)).to.deep.equal([
        "allowed: Example: entries[].flag: appended (bool at slot 0 offset 22)",
      ]);
    });
  });
});

describe("normalizeNamespace", () => {
  it("normalizes a struct that reaches itself through a mapping without looping", () => {
    const types: SolcStorageTypes = {
      "t_struct(Node)1_storage": {
        encoding: "inplace",
        label: "struct Example.Node",
        numberOfBytes: "64",
        members: [
          { label: "weight", slot: "0", offset: 0, type: "t_uint256" },
          { label: "children", slot: "1", offset: 0, type: "t_mapping(t_uint256,t_struct(Node)1_storage)" },
        ],
      },
      "t_mapping(t_uint256,t_struct(Node)1_storage)": {
        encoding: "mapping",
        label: "mapping(uint256 => struct Example.Node)",
        numberOfBytes: "32",
        key: "t_uint256",
        value: "t_struct(Node)1_storage",
      },
      "t_array(t_uint64)3_storage": { encoding: "inplace", label: "uint64[3]", numberOfBytes: "32", base: "t_uint64" },
      t_uint64: { encoding: "inplace", label: "uint64", numberOfBytes: "8" },
      t_uint256: { encoding: "inplace", label: "uint256", numberOfBytes: "32" },
      "t_struct(ExampleStorage)2_storage": {
        encoding: "inplace",
        label: "struct Example.ExampleStorage",
        numberOfBytes: "96",
        members: [
          { label: "root", slot: "0", offset: 0, type: "t_struct(Node)1_storage" },
          { label: "window", slot: "2", offset: 0, type: "t_array(t_uint64)3_storage" },
        ],
      },
    };
    const layout = normalizeNamespace({
      contract: "Example",
      namespace: "test.storage.Example",
      slot: erc7201Slot("test.storage.Example"),
      probeLayout: {
        storage: [{ label: "s", slot: "0", offset: 0, type: "t_struct(ExampleStorage)2_storage" }],
        types,
      },
    });
    expect(layout.struct).to.equal("Example.ExampleStorage");
    expect(memberAt(layout.members, "root", "children").type).to.deep.equal({
      kind: "mapping",
      label: "mapping(uint256 => struct Example.Node)",
      key: { kind: "inplace", label: "uint256", bytes: "32" },
      value: { kind: "recursive", label: "struct Example.Node" },
    });
    expect(memberAt(layout.members, "window").type).to.deep.equal({
      kind: "array",
      label: "uint64[3]",
      bytes: "32",
      base: { kind: "inplace", label: "uint64", bytes: "8" },
    });
  });
});

describe("probeStorageLayouts", () => {
  let layouts: NamespaceLayout[];

  before(() => {
    layouts = probeStorageLayouts({ root });
  });

  for (const contract of ["EntityRegistry", "TrustLedger"]) {
    it(`compiles ${contract}'s namespace, which matches its committed snapshot`, () => {
      const current = layouts.find((l) => l.contract === contract);
      expect(current, `${contract} has no ERC-7201 namespace`).to.not.equal(undefined);
      const snapshot = JSON.parse(
        readFileSync(path.join(root, "storage-layouts", `${contract}.json`), "utf8"),
      ) as NamespaceLayout;
      expect(checkNamespaceSlot(current!).map(formatChange)).to.deep.equal([]);
      expect(current!.namespace).to.equal(`credence.storage.${contract}`);
      expect(current!.struct).to.equal(`${contract}.${contract}Storage`);
      expect(errorsOf(compareLayouts(snapshot, current!))).to.deep.equal([]);
    });
  }
});
