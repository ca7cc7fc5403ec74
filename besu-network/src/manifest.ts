/**
 * `network.json`: the generator's description of a community's network (nodes, their endpoints, the initial
 * accounts). The commands that operate a running network read it instead of asking for every URL.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { Consensus } from "./extraData.js";

export type NodeRole = "validator" | "member";

export interface NetworkManifestNode {
  name: string;
  role: NodeRole;
  /** The node's account address (its key pair). */
  address: string;
  enode: string;
  rpcHttp: string;
  rpcWs: string;
  p2pPort: number;
  metricsPort: number;
}

export interface NetworkManifestAccount {
  name: string;
  address: string;
}

export interface NetworkManifest {
  name: string;
  consensus: Consensus;
  variant: "private" | "public";
  chainId: number;
  blockPeriodSeconds: number;
  /** The validator-selection contract (public communities), or null when the header carries the validators. */
  validatorContract: string | null;
  nodes: NetworkManifestNode[];
  /** The initially allowlisted accounts; the allowlist sync never removes them. */
  accounts: NetworkManifestAccount[];
}

export const MANIFEST_FILE = "network.json";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

type Check = (value: unknown) => string | null;

const string: Check = (v) => (typeof v === "string" && v !== "" ? null : "a non-empty string");
const address: Check = (v) => (typeof v === "string" && ADDRESS.test(v) ? null : "an address (0x and 40 hex digits)");
const port: Check = (v) => (Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536 ? null : "a port number");
const positiveInteger: Check = (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? null : "a positive integer");
const positiveNumber: Check = (v) =>
  typeof v === "number" && v > 0 && Number.isFinite(v) ? null : "a positive number";
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? null : `one of ${values.map((x) => `"${x}"`).join(", ")}`;
const url =
  (...protocols: string[]): Check =>
  (v) => {
    const expected = `a ${protocols.join(" or ")} URL`;
    if (typeof v !== "string") return expected;
    try {
      return protocols.includes(new URL(v).protocol.slice(0, -1)) ? null : expected;
    } catch {
      return expected;
    }
  };

/**
 * Reads and checks `DIR/network.json`. Throws one-line errors naming the file and the field, e.g.
 * `acme/network.json: nodes[1].rpcHttp must be a http or https URL`.
 */
export async function readNetworkManifest(dir: string): Promise<NetworkManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`${file} not found: is ${dir} a generated network directory?`);
    throw new Error(`cannot read ${file} (${code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }

  const fail = (field: string, problem: string): never => {
    throw new Error(`${file}: ${field} ${problem}`);
  };
  const field = (object: Record<string, unknown>, key: string, where: string, check: Check): void => {
    const name = where === "" ? key : `${where}.${key}`;
    if (!(key in object)) fail(name, "is missing");
    const problem = check(object[key]);
    if (problem !== null) fail(name, `must be ${problem}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const list = (object: Record<string, unknown>, key: string): Record<string, unknown>[] => {
    if (!(key in object)) fail(key, "is missing");
    const value = object[key];
    if (!Array.isArray(value)) return fail(key, "must be an array");
    value.forEach((item, i) => {
      if (!isObject(item)) fail(`${key}[${i}]`, "must be an object");
    });
    return value as Record<string, unknown>[];
  };

  if (!isObject(data)) return fail("the top level", "must be an object");
  field(data, "name", "", string);
  field(data, "consensus", "", oneOf("qbft", "ibft2"));
  field(data, "variant", "", oneOf("private", "public"));
  field(data, "chainId", "", positiveInteger);
  field(data, "blockPeriodSeconds", "", positiveNumber);
  field(data, "validatorContract", "", (v) => (v === null ? null : address(v) && "null or an address"));
  const nodes = list(data, "nodes");
  if (nodes.length === 0) fail("nodes", "must list at least one node");
  nodes.forEach((node, i) => {
    const where = `nodes[${i}]`;
    field(node, "name", where, string);
    field(node, "role", where, oneOf("validator", "member"));
    field(node, "address", where, address);
    field(node, "enode", where, (v) => (typeof v === "string" && v.startsWith("enode://") ? null : "an enode URL"));
    field(node, "rpcHttp", where, url("http", "https"));
    field(node, "rpcWs", where, url("ws", "wss"));
    field(node, "p2pPort", where, port);
    field(node, "metricsPort", where, port);
  });
  list(data, "accounts").forEach((account, i) => {
    field(account, "name", `accounts[${i}]`, string);
    field(account, "address", `accounts[${i}]`, address);
  });
  return data as unknown as NetworkManifest;
}
