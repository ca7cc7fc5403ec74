/**
 * Storage-layout guard for the upgradeable contracts.
 *
 *   tsx scripts/storage-layout.ts --write   records storage-layouts/<Contract>.json (the last release's layout)
 *   tsx scripts/storage-layout.ts --check   compares the current sources with those snapshots
 *
 * --check exits 1 with one line per problem (a member removed, renamed, retyped, moved or inserted, a struct
 * in a mapping or array changed other than by appending, the namespace id or slot changed) and prints allowed
 * changes (members appended at the end) without failing. Both modes fail if a STORAGE_LOCATION constant is
 * not the ERC-7201 slot of its namespace id.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { probeStorageLayouts } from "./lib/probeStorageLayouts.js";
import {
  checkNamespaceSlot,
  compareLayouts,
  formatChange,
  type LayoutChange,
  type NamespaceLayout,
} from "./lib/storageLayout.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const snapshotDir = path.join(root, "storage-layouts");

const mode = process.argv[2];
if (mode !== "--write" && mode !== "--check") {
  console.error("usage: tsx scripts/storage-layout.ts --write | --check");
  process.exit(2);
}

const layouts = probeStorageLayouts({ root });
const invalidSlots = layouts.flatMap(checkNamespaceSlot);
const changes: LayoutChange[] = [...invalidSlots];
const snapshots = readSnapshots();

for (const layout of layouts) {
  const previous = snapshots.get(layout.contract);
  if (previous === undefined) {
    changes.push({
      contract: layout.contract,
      path: "(namespace)",
      message: `new namespaced contract, no snapshot yet (${layout.namespace})`,
      allowed: true,
    });
  } else {
    changes.push(...compareLayouts(previous, layout));
  }
}
for (const contract of snapshots.keys()) {
  if (!layouts.some((l) => l.contract === contract)) {
    changes.push({
      contract,
      path: "(namespace)",
      message: "has a snapshot but no namespaced contract of that name is in contracts/ any more",
      allowed: mode === "--write",
    });
  }
}

for (const change of changes) console.log(formatChange(change));
const errors = changes.filter((c) => !c.allowed);
const names = layouts.map((l) => l.contract).join(", ");

if (mode === "--write") {
  if (invalidSlots.length > 0) {
    console.error("storage layout: not written: fix STORAGE_LOCATION first");
    process.exit(1);
  }
  mkdirSync(snapshotDir, { recursive: true });
  for (const layout of layouts) {
    writeFileSync(path.join(snapshotDir, `${layout.contract}.json`), `${JSON.stringify(layout, null, 2)}\n`);
  }
  console.log(
    `storage layout: wrote ${layouts.length} snapshot(s) to storage-layouts/ (${names})` +
      (errors.length > 0 ? `; the ${errors.length} incompatible change(s) above are now the recorded layout` : ""),
  );
} else if (errors.length > 0) {
  console.error(
    `storage layout: ${errors.length} incompatible change(s) against storage-layouts/: an upgrade would ` +
      "corrupt the proxies' storage. Append new members at the end of a struct instead. " +
      "(At a release, `npm run storage:snapshot` records the released layout.)",
  );
  process.exit(1);
} else {
  const allowed = changes.length;
  console.log(
    `storage layout: ${layouts.length} contract(s) compatible with storage-layouts/ (${names}); ` +
      `${allowed} allowed change(s)`,
  );
}

function readSnapshots(): Map<string, NamespaceLayout> {
  const out = new Map<string, NamespaceLayout>();
  if (!existsSync(snapshotDir)) return out;
  for (const file of readdirSync(snapshotDir).filter((f) => f.endsWith(".json"))) {
    const layout = JSON.parse(readFileSync(path.join(snapshotDir, file), "utf8")) as NamespaceLayout;
    out.set(layout.contract, layout);
  }
  return out;
}
