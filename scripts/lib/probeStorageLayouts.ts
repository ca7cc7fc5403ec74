import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import solc from "solc";

import { normalizeNamespace, type NamespaceLayout, type SolcStorageLayout } from "./storageLayout.js";

export interface ProbeStorageLayoutsParameters {
  /** The project root (holds contracts/, node_modules/ and remappings.txt). */
  root: string;
  /** Where to look for namespaced contracts, relative to `root`. */
  contractsDir?: string;
  /** Folders under `contractsDir` that are never deployed (mocks). */
  exclude?: string[];
  /** Must match the project's compiler settings. */
  evmVersion?: string;
}

/** One normalized layout per contract that declares an ERC-7201 namespace, sorted by contract name. */
export type ProbeStorageLayoutsReturnType = NamespaceLayout[];

const STORAGE_LOCATION_TAG = /@custom:storage-location\s+erc7201:(\S+)/;

/**
 * Finds the contracts that keep their state in an ERC-7201 namespaced struct and returns the layout of each
 * namespace. solc's storageLayout output lists state variables only, not namespaced structs, so each struct's
 * layout comes from a probe contract compiled in memory (nothing is written to disk):
 * `contract EntityRegistryLayoutProbe { EntityRegistry.EntityRegistryStorage internal s; }`. The namespace id
 * comes from the struct's `@custom:storage-location erc7201:<id>` tag and the root slot from the contract's
 * `STORAGE_LOCATION` constant, both read from the parsed source.
 */
export function probeStorageLayouts({
  root,
  contractsDir = "contracts",
  exclude = ["mocks"],
  evmVersion = "shanghai",
}: ProbeStorageLayoutsParameters): ProbeStorageLayoutsReturnType {
  const remappings = readRemappings(root);
  const candidates = listSolidity(root, contractsDir, exclude).filter((file) =>
    readFileSync(path.join(root, file), "utf8").includes("@custom:storage-location"),
  );
  if (candidates.length === 0) return [];

  // 1. Parse only (no imports needed) to find the namespaced structs and their STORAGE_LOCATION constants.
  const parsed = compile(
    {
      sources: Object.fromEntries(candidates.map((file) => [file, { content: readFile(root, file) }])),
      settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
    },
    root,
  );
  const namespaces = candidates.flatMap((file) => findNamespaces(file, parsed.sources[file].ast));

  // 2. Compile one probe per namespace and read the probe's storage layout.
  const probes = namespaces.map((ns) => ({
    ...ns,
    unit: `layout-probes/${ns.contract}LayoutProbe.sol`,
    probe: `${ns.contract}LayoutProbe`,
  }));
  const compiled = compile(
    {
      sources: Object.fromEntries(
        probes.map((p) => [
          p.unit,
          {
            content: [
              "// SPDX-License-Identifier: UNLICENSED",
              "pragma solidity >=0.8.20;",
              `import {${p.contract}} from "${p.file}";`,
              `contract ${p.probe} { ${p.contract}.${p.struct} internal s; }`,
              "",
            ].join("\n"),
          },
        ]),
      ),
      settings: {
        evmVersion,
        remappings,
        outputSelection: Object.fromEntries(probes.map((p) => [p.unit, { [p.probe]: ["storageLayout"] }])),
      },
    },
    root,
  );
  return probes
    .map((p) =>
      normalizeNamespace({
        contract: p.contract,
        namespace: p.namespace,
        slot: p.slot,
        probeLayout: compiled.contracts[p.unit][p.probe].storageLayout as SolcStorageLayout,
      }),
    )
    .sort((a, b) => a.contract.localeCompare(b.contract));
}

interface Namespace {
  file: string;
  contract: string;
  struct: string;
  namespace: string;
  slot: string;
}

interface AstNode {
  nodeType: string;
  name?: string;
  contractKind?: string;
  constant?: boolean;
  nodes?: AstNode[];
  documentation?: { text?: string } | null;
  value?: AstNode & { kind?: string; value?: string };
}

function findNamespaces(file: string, ast: AstNode): Namespace[] {
  const found: Namespace[] = [];
  for (const contract of ast.nodes ?? []) {
    if (contract.nodeType !== "ContractDefinition" || contract.contractKind !== "contract") continue;
    const members = contract.nodes ?? [];
    const tagged = members.filter(
      (n) => n.nodeType === "StructDefinition" && STORAGE_LOCATION_TAG.test(n.documentation?.text ?? ""),
    );
    if (tagged.length === 0) continue;
    const where = `${file}:${contract.name}`;
    if (tagged.length > 1) throw new Error(`${where}: one ERC-7201 namespace per contract is supported`);
    const constant = members.find(
      (n) => n.nodeType === "VariableDeclaration" && n.constant === true && n.name === "STORAGE_LOCATION",
    );
    if (constant === undefined) throw new Error(`${where}: no STORAGE_LOCATION constant`);
    const literal = constant.value;
    if (literal?.nodeType !== "Literal" || literal.kind !== "number" || literal.value === undefined) {
      throw new Error(`${where}: STORAGE_LOCATION must be a hex literal`);
    }
    found.push({
      file,
      contract: contract.name!,
      struct: tagged[0].name!,
      namespace: STORAGE_LOCATION_TAG.exec(tagged[0].documentation!.text!)![1],
      slot: literal.value.replaceAll("_", ""),
    });
  }
  return found;
}

interface CompileInput {
  sources: Record<string, { content: string }>;
  settings: Record<string, unknown>;
}

interface CompileOutput {
  errors?: { severity: string; formattedMessage: string }[];
  sources: Record<string, { ast: AstNode }>;
  contracts: Record<string, Record<string, { storageLayout?: unknown }>>;
}

function compile(input: CompileInput, root: string): CompileOutput {
  const findImports = (unit: string) => {
    for (const candidate of [path.join(root, unit), path.join(root, "node_modules", unit)]) {
      if (existsSync(candidate)) return { contents: readFileSync(candidate, "utf8") };
    }
    return { error: `not found in the project or node_modules: ${unit}` };
  };
  const output = JSON.parse(
    (solc.compile as (input: string, callbacks: object) => string)(JSON.stringify({ language: "Solidity", ...input }), {
      import: findImports,
    }),
  ) as CompileOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  return output;
}

function readFile(root: string, file: string): string {
  return readFileSync(path.join(root, file), "utf8");
}

function listSolidity(root: string, dir: string, exclude: string[]): string[] {
  const skip = new Set(exclude.map((e) => path.posix.join(dir, e)));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(child)) walk(child);
      } else if (entry.name.endsWith(".sol")) {
        out.push(child);
      }
    }
  };
  walk(dir);
  return out.sort();
}

function readRemappings(root: string): string[] {
  const file = path.join(root, "remappings.txt");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
