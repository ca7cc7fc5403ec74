/**
 * Options of `network:create`: what the operator may set (flags or a JSON config file with the same keys in
 * camelCase), checked once here so that every artifact builder can trust them.
 */
import { readFile } from "node:fs/promises";
import { isIPv4 } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { getAddress } from "ethers";

import { defaultEntryCriteria, type EntryCriteria } from "../../src/defaults.js";
import { CONSENSUS_TYPES, type Consensus } from "./extraData.js";
import { MAX_AUTHORITIES } from "./validatorSet.js";

export type Variant = "private" | "public";

export const VARIANTS: readonly Variant[] = ["private", "public"];

/** The repository root (this file is besu-network/src/options.ts). */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where networks go by default, relative to the repository root (git-ignored). */
export const DEFAULT_NETWORKS_DIR = "besu-network/networks";

/**
 * BFT tolerates f faulty validators out of 3f + 1; one fault needs 4. Besu docs: "QBFT requires four validators to
 * be Byzantine fault tolerant" (https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft).
 */
export const MIN_VALIDATORS = 4;

/** At most this many member (non-validator) nodes: keeps every port range of the scheme in nodePorts() apart. */
export const MAX_MEMBERS = 64;

/**
 * Besu 26.2.0 fixed the regression of Shanghai on QBFT / IBFT 2.0 (time-based forks on BFT chains,
 * https://github.com/besu-eth/besu/pull/9785); the suite is compiled for Shanghai.
 */
export const DEFAULT_BESU_IMAGE = "hyperledger/besu:26.2.0";

export const DEFAULTS = {
  members: 0,
  variant: "private" as Variant,
  chainId: 1337,
  /** The suite's block-count defaults (src/defaults.ts) assume 2-second blocks. */
  blockPeriod: 2,
  host: "127.0.0.1",
  besuImage: DEFAULT_BESU_IMAGE,
} as const;

/** Fully checked options; every builder takes these. */
export interface CreateNetworkOptions {
  /** Community name: a lower-case slug, also the Docker Compose project suffix. */
  name: string;
  consensus: Consensus;
  /** Number of validator nodes (MIN_VALIDATORS … MAX_AUTHORITIES). */
  validators: number;
  /** Number of non-validating member nodes. */
  members: number;
  variant: Variant;
  chainId: number;
  /** Seconds between blocks (`blockperiodseconds`). */
  blockPeriod: number;
  /** Absolute path of the directory to create. */
  out: string;
  /** Replace an existing non-empty `out`. */
  force: boolean;
  /** IPv4 address the nodes listen on and advertise in their enodes. */
  host: string;
  /** Pinned Besu Docker image (`repository:tag` or `repository@sha256:…`). */
  besuImage: string;
  /** Extra accounts to allowlist from the start (checksummed, no duplicates). */
  accounts: string[];
  /** The suite's entry criteria for this community. */
  entryCriteria: EntryCriteria;
}

/**
 * Unchecked input, as flags (strings) or a config file (JSON values) give it. Keys are the flag names in camelCase.
 */
export interface CreateNetworkInput {
  name?: unknown;
  consensus?: unknown;
  validators?: unknown;
  members?: unknown;
  variant?: unknown;
  chainId?: unknown;
  blockPeriod?: unknown;
  out?: unknown;
  force?: unknown;
  host?: unknown;
  besuImage?: unknown;
  accounts?: unknown;
  entryCriteria?: unknown;
}

/** The keys a config file may hold: the flags (camelCase) and the entry criteria. */
export const CONFIG_KEYS = [
  "name",
  "consensus",
  "validators",
  "members",
  "variant",
  "chainId",
  "blockPeriod",
  "out",
  "force",
  "host",
  "besuImage",
  "accounts",
  "entryCriteria",
] as const satisfies readonly (keyof CreateNetworkInput)[];

/** Bad input: the CLI prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
// Docker reference: name[:tag] or name@sha256:digest; the tag must pin a version (not "latest").
const IMAGE = /^[a-z0-9][a-z0-9._/:-]*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})$/;
const MAX_CHAIN_ID = Number.MAX_SAFE_INTEGER;

/** Where a value came from, for messages: `--chain-id` or `chainId in FILE`. */
type Source = (key: keyof CreateNetworkInput) => string;

const flagName = (key: string) => "--" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

function integer(value: unknown, what: string, min: number, max: number): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`${what} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function flag(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new UsageError(`${what} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function accountList(value: unknown, what: string): string[] {
  const items =
    typeof value === "string"
      ? value.split(",")
      : Array.isArray(value)
        ? value
        : (() => {
            throw new UsageError(`${what} must be a comma-separated string or an array of addresses`);
          })();
  const seen = new Set<string>();
  const accounts: string[] = [];
  for (const item of items) {
    if (typeof item !== "string") throw new UsageError(`${what}: ${JSON.stringify(item)} is not an address`);
    if (item.trim() === "") continue;
    let address: string;
    try {
      address = getAddress(item.trim());
    } catch {
      throw new UsageError(`${what}: "${item.trim()}" is not an address (0x and 40 hex digits, valid checksum)`);
    }
    if (BigInt(address) === 0n) throw new UsageError(`${what}: the zero address cannot be allowlisted`);
    if (seen.has(address)) throw new UsageError(`${what}: ${address} is listed twice`);
    seen.add(address);
    accounts.push(address);
  }
  return accounts;
}

function entryCriteria(value: unknown, what: string): EntryCriteria {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${what} must be an object with keys of ${Object.keys(defaultEntryCriteria).join(", ")}`);
  }
  const criteria: EntryCriteria = { ...defaultEntryCriteria };
  for (const [key, raw] of Object.entries(value)) {
    if (!(key in defaultEntryCriteria)) {
      throw new UsageError(`${what}: unknown key "${key}" (expected ${Object.keys(defaultEntryCriteria).join(", ")})`);
    }
    const digits = typeof raw === "number" && Number.isSafeInteger(raw) ? String(raw) : raw;
    if (typeof digits !== "string" || !/^\d+$/.test(digits) || BigInt(digits) >= 2n ** 256n) {
      throw new UsageError(`${what}.${key} must be a non-negative integer (uint256), got ${JSON.stringify(raw)}`);
    }
    criteria[key as keyof EntryCriteria] = BigInt(digits);
  }
  return criteria;
}

/**
 * Checks `input` (config-file values already overridden by flags) and fills in the defaults. `source` names a key
 * the way the user wrote it; `baseDir` resolves a relative `out` (the config file's directory, or the cwd).
 */
export function resolveCreateOptions(
  input: CreateNetworkInput,
  {
    source = flagName,
    baseDir = process.cwd(),
    root = REPOSITORY_ROOT,
  }: { source?: Source; baseDir?: string; root?: string } = {},
): CreateNetworkOptions {
  const has = (key: keyof CreateNetworkInput) => input[key] !== undefined;

  if (!has("name")) throw new UsageError("--name is required (the community's name, e.g. --name acme)");
  const name = text(input.name, source("name"));
  if (!SLUG.test(name)) {
    throw new UsageError(
      `${source("name")} "${name}" must be 1 to 63 lower-case letters, digits or hyphens, starting with a letter or digit`,
    );
  }

  if (!has("consensus")) throw new UsageError(`--consensus is required: ${CONSENSUS_TYPES.join(" or ")}`);
  const consensus = input.consensus as Consensus;
  if (!CONSENSUS_TYPES.includes(consensus)) {
    throw new UsageError(
      `${source("consensus")} must be ${CONSENSUS_TYPES.join(" or ")}, got ${JSON.stringify(input.consensus)}`,
    );
  }

  if (!has("validators")) throw new UsageError(`--validators is required (at least ${MIN_VALIDATORS})`);
  const validators = integer(input.validators, source("validators"), 0, Number.MAX_SAFE_INTEGER);
  if (validators < MIN_VALIDATORS) {
    throw new UsageError(
      `${source("validators")} ${validators} is too few: BFT needs 3f + 1 validators to tolerate f faults, so at least ${MIN_VALIDATORS}`,
    );
  }
  if (validators > MAX_AUTHORITIES) {
    throw new UsageError(
      `${source("validators")} ${validators} exceeds ${MAX_AUTHORITIES}, the most the ValidatorSet contract holds`,
    );
  }

  const members = has("members") ? integer(input.members, source("members"), 0, MAX_MEMBERS) : DEFAULTS.members;

  const variant = has("variant") ? (input.variant as Variant) : DEFAULTS.variant;
  if (!VARIANTS.includes(variant)) {
    throw new UsageError(`${source("variant")} must be ${VARIANTS.join(" or ")}, got ${JSON.stringify(input.variant)}`);
  }
  if (variant === "public" && consensus !== "qbft") {
    throw new UsageError(
      `${source("variant")} public needs --consensus qbft: Besu selects validators by contract only under QBFT`,
    );
  }

  const chainId = has("chainId") ? integer(input.chainId, source("chainId"), 1, MAX_CHAIN_ID) : DEFAULTS.chainId;
  if (chainId === 1) throw new UsageError(`${source("chainId")} 1 is Ethereum mainnet's chain id: choose another`);

  const blockPeriod = has("blockPeriod")
    ? integer(input.blockPeriod, source("blockPeriod"), 1, 3600)
    : DEFAULTS.blockPeriod;

  const out = has("out")
    ? path.resolve(baseDir, text(input.out, source("out")))
    : path.join(root, DEFAULT_NETWORKS_DIR, name);

  const force = has("force") ? flag(input.force, source("force")) : false;

  const host = has("host") ? text(input.host, source("host")) : DEFAULTS.host;
  // Enode URLs need an IP address (host names only with Besu's early-access --Xdns-enabled).
  if (!isIPv4(host)) throw new UsageError(`${source("host")} "${host}" must be an IPv4 address, e.g. 127.0.0.1`);

  const besuImage = has("besuImage") ? text(input.besuImage, source("besuImage")) : DEFAULTS.besuImage;
  if (!IMAGE.test(besuImage) || /:latest$/.test(besuImage)) {
    throw new UsageError(
      `${source("besuImage")} "${besuImage}" must pin a version: repository:tag (not latest) or repository@sha256:digest`,
    );
  }

  const accounts = has("accounts") ? accountList(input.accounts, source("accounts")) : [];
  const criteria = has("entryCriteria")
    ? entryCriteria(input.entryCriteria, source("entryCriteria"))
    : { ...defaultEntryCriteria };

  return {
    name,
    consensus,
    validators,
    members,
    variant,
    chainId,
    blockPeriod,
    out,
    force,
    host,
    besuImage,
    accounts,
    entryCriteria: criteria,
  };
}

/**
 * Reads a JSON config file holding any of CONFIG_KEYS. Throws a UsageError naming the file when it is missing, not
 * JSON, not an object or has an unknown key.
 */
export async function readConfigFile(file: string): Promise<CreateNetworkInput> {
  let textContent: string;
  try {
    textContent = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read config file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(textContent);
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`config file ${file} must hold a JSON object`);
  }
  for (const key of Object.keys(data)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(`config file ${file}: unknown key "${key}" (expected ${CONFIG_KEYS.join(", ")})`);
    }
  }
  return data as CreateNetworkInput;
}
