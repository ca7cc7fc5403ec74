/**
 * Keeps each Besu node's accounts allowlist in step with the registry: the allowed accounts are the registry's
 * active member accounts plus protected accounts (the network's initial accounts, operators' keys).
 *
 * Besu removed contract-based (on-chain) permissioning in 25.6.0; local allowlists changed at run time through
 * `perm_addAccountsToAllowlist` / `perm_removeAccountsFromAllowlist` are what remains, so the network follows the
 * registry through this reconciliation, run after membership changes or periodically.
 *
 * The registry has no list of accounts, so candidates come from its events: a join request binds the admin
 * account (`JoinRequested`, which carries the admin; no `MemberAdded` is emitted for it), and `addMember` binds
 * the others (`MemberAdded`). Every candidate is then checked with `isActiveMember` at one pinned block, which
 * drops released, rejected, pending and expelled accounts whatever events followed.
 */
import { Contract, Interface, type Provider } from "ethers";

import { DEFAULT_MAX_LOGS_RANGE, blockRanges } from "../../src/blockRanges.js";

import { type RetryOptions, RpcError, createRpcClient, normalizeAddress, type RpcClient } from "./rpc.js";

/** The registry's events and view this module relies on (contracts/interfaces/IEntityRegistry.sol). */
export const REGISTRY_ABI = [
  "event JoinRequested(uint256 indexed orgId, bytes32 indexed identityHash, address indexed admin, bytes2 country, address submittedBy)",
  "event MemberAdded(uint256 indexed orgId, address indexed account, address indexed by)",
  "function isActiveMember(address account) view returns (bool)",
] as const;

const registryInterface = new Interface(REGISTRY_ABI);

/** Besu's allowlist error messages (`RpcErrorType`), all with code -32000. */
export const BesuAllowlistError = {
  NotEnabled: "Account allowlist has not been enabled",
  EmptyEntry: "Request contains an empty list of accounts",
  InvalidEntry: "Request contains an invalid account",
  DuplicatedEntry: "Request contains duplicate accounts",
  ExistingEntry: "Cannot add an existing account to allowlist",
  AbsentEntry: "Cannot remove an absent account from allowlist",
} as const;

// ------------------------------------------------------------------ registry side

export interface GetActiveMemberAccountsParameters {
  provider: Provider;
  /** The EntityRegistry (proxy) address. */
  registry: string;
  /** First block to read events from (default 0; the registry's deployment block is enough). */
  fromBlock?: number;
  /** The block every read is pinned to (default: the latest). */
  blockNumber?: number;
  /** Blocks per `eth_getLogs` call (default {@link DEFAULT_MAX_LOGS_RANGE}). */
  logsRange?: number;
  /** `isActiveMember` calls sent at once (default 50). */
  concurrency?: number;
}

export interface GetActiveMemberAccountsReturnType {
  /** The block the events and the membership were read at. */
  blockNumber: number;
  /** Every account the registry ever bound (lower case, sorted). */
  candidates: string[];
  /** The accounts acting for an Active organization at `blockNumber` (lower case, sorted). */
  active: string[];
}

/** The registry's active member accounts at one block, found through its events. */
export async function getActiveMemberAccounts(
  parameters: GetActiveMemberAccountsParameters,
): Promise<GetActiveMemberAccountsReturnType> {
  const { provider } = parameters;
  const registry = normalizeAddress(parameters.registry, "registry address");
  const blockNumber = parameters.blockNumber ?? (await provider.getBlockNumber());
  const fromBlock = parameters.fromBlock ?? 0;
  const logsRange = parameters.logsRange ?? DEFAULT_MAX_LOGS_RANGE;
  const concurrency = parameters.concurrency ?? 50;
  if (fromBlock > blockNumber) throw new Error(`--from-block ${fromBlock} is after the chain's block ${blockNumber}`);
  if ((await provider.getCode(registry, blockNumber)) === "0x") {
    throw new Error(`no contract at ${registry} at block ${blockNumber}: is this the registry on this chain?`);
  }

  const joinTopic = registryInterface.getEvent("JoinRequested")!.topicHash;
  const memberTopic = registryInterface.getEvent("MemberAdded")!.topicHash;
  const candidates = new Set<string>();
  for (const [start, end] of blockRanges(fromBlock, blockNumber, logsRange)) {
    const logs = await provider.getLogs({
      address: registry,
      topics: [[joinTopic, memberTopic]],
      fromBlock: start,
      toBlock: end,
    });
    for (const log of logs) {
      const event = registryInterface.parseLog(log);
      if (event === null) continue;
      const account = event.name === "JoinRequested" ? event.args.admin : event.args.account;
      candidates.add((account as string).toLowerCase());
    }
  }

  const contract = new Contract(registry, registryInterface, provider);
  const sorted = [...candidates].sort();
  const active: string[] = [];
  for (let i = 0; i < sorted.length; i += concurrency) {
    const batch = sorted.slice(i, i + concurrency);
    const flags: boolean[] = await Promise.all(
      batch.map((account) => contract.isActiveMember(account, { blockTag: blockNumber })),
    );
    batch.forEach((account, j) => flags[j] && active.push(account));
  }
  return { blockNumber, candidates: sorted, active };
}

// ------------------------------------------------------------------ node side

export type NodeSyncStatus = "in-step" | "synced" | "drift" | "failed";

export interface NodeSyncReport {
  url: string;
  /** `in-step`: nothing to do; `synced`: drift fixed; `drift`: found by a dry run, not fixed; `failed`: see `error`. */
  status: NodeSyncStatus;
  /** Accounts added (or, in a dry run, to add). */
  added: string[];
  /** Accounts removed (or, in a dry run, to remove). */
  removed: string[];
  error?: string;
}

export interface SyncNodeAllowlistParameters {
  /** The node, as a URL or a client. */
  node: string | RpcClient;
  /** The accounts the allowlist must hold exactly (any case). */
  desired: readonly string[];
  /** Accounts never removed, whatever `desired` says (any case). */
  protectedAccounts?: readonly string[];
  dryRun?: boolean;
  timeoutMs?: number;
  retry?: RetryOptions;
}

function parseAllowlist(value: unknown): string[] {
  if (!Array.isArray(value)) throw new Error("unexpected perm_getAccountsAllowlist answer: not an array");
  return value.map((v, i) => normalizeAddress(v, `allowlist entry ${i}`));
}

const isBesuError = (error: unknown, message: string) => error instanceof RpcError && error.rpcMessage === message;

/** One line for a failure, with a hint for Besu's configuration errors. */
function describeFailure(error: unknown): string {
  if (isBesuError(error, BesuAllowlistError.NotEnabled)) {
    return `${(error as Error).message}: start the node with --permissions-accounts-config-file-enabled`;
  }
  const message = (error as Error).message.split("\n")[0];
  const attempts = error instanceof RpcError && error.attempts > 1 ? ` (after ${error.attempts} attempts)` : "";
  return message + attempts;
}

/**
 * Makes one node's accounts allowlist equal to `desired`, never removing a protected account. Reads the allowlist,
 * adds what is missing, removes what is extra, and reads it again to confirm. A write that Besu refuses because the
 * allowlist changed meanwhile (an earlier attempt that timed out but was applied, or another operator) is
 * recomputed from a fresh read once. Never throws: a failure is reported with status `failed`.
 */
export async function syncNodeAllowlist(parameters: SyncNodeAllowlistParameters): Promise<NodeSyncReport> {
  const client =
    typeof parameters.node === "string"
      ? createRpcClient(parameters.node, { timeoutMs: parameters.timeoutMs, retry: parameters.retry })
      : parameters.node;
  const added: string[] = [];
  const removed: string[] = [];
  let desired: Set<string>;
  let keep: Set<string>;
  try {
    desired = new Set(parameters.desired.map((a) => normalizeAddress(a, "desired account")));
    keep = new Set((parameters.protectedAccounts ?? []).map((a) => normalizeAddress(a, "protected account")));
  } catch (error) {
    return { url: client.url, status: "failed", added, removed, error: describeFailure(error) };
  }

  const read = async () => new Set(parseAllowlist(await client.call("perm_getAccountsAllowlist")));
  const diff = (current: Set<string>) => ({
    missing: [...desired].filter((a) => !current.has(a)).sort(),
    extra: [...current].filter((a) => !desired.has(a) && !keep.has(a)).sort(),
  });
  // Besu refuses an empty list, and the whole request if one account is already there / already gone.
  const write = async (
    method: string,
    accounts: string[],
    conflict: string,
    pick: (d: ReturnType<typeof diff>) => string[],
  ) => {
    if (accounts.length === 0) return [];
    try {
      await client.call(method, [accounts]);
      return accounts;
    } catch (error) {
      if (!isBesuError(error, conflict)) throw error;
      const again = pick(diff(await read()));
      if (again.length > 0) await client.call(method, [again]);
      return again;
    }
  };

  try {
    const { missing, extra } = diff(await read());
    if (parameters.dryRun) {
      const status = missing.length + extra.length === 0 ? "in-step" : "drift";
      return { url: client.url, status, added: missing, removed: extra };
    }
    if (missing.length + extra.length === 0) return { url: client.url, status: "in-step", added, removed };
    added.push(
      ...(await write("perm_addAccountsToAllowlist", missing, BesuAllowlistError.ExistingEntry, (d) => d.missing)),
    );
    removed.push(
      ...(await write("perm_removeAccountsFromAllowlist", extra, BesuAllowlistError.AbsentEntry, (d) => d.extra)),
    );
    // The drift fixed is what differed at first: an account that a timed-out attempt did change is fixed too.
    const after = diff(await read());
    if (after.missing.length + after.extra.length > 0) {
      throw new Error(
        `allowlist still differs after the sync (missing ${after.missing.join(", ") || "none"}; ` +
          `extra ${after.extra.join(", ") || "none"}): is another process changing it?`,
      );
    }
    return { url: client.url, status: "synced", added: missing, removed: extra };
  } catch (error) {
    return { url: client.url, status: "failed", added, removed, error: describeFailure(error) };
  }
}

export interface SyncAllowlistParameters extends GetActiveMemberAccountsParameters {
  /** The nodes' JSON-RPC endpoints (each needs the PERM API). */
  nodes: readonly string[];
  /** Accounts always allowed and never removed (e.g. `network.json` accounts, operators' keys). */
  protectedAccounts?: readonly string[];
  /** Report the drift without changing any allowlist. */
  dryRun?: boolean;
  /** Per-call timeout towards the nodes (default 10 s). */
  timeoutMs?: number;
  /** Retries towards the nodes. */
  retry?: RetryOptions;
}

export interface SyncAllowlistReturnType {
  registry: string;
  blockNumber: number;
  /** Active member accounts at `blockNumber`. */
  activeMembers: string[];
  protectedAccounts: string[];
  /** What every allowlist must hold: active members ∪ protected accounts (lower case, sorted). */
  desired: string[];
  dryRun: boolean;
  nodes: NodeSyncReport[];
  /** URLs of the nodes that failed. */
  failed: string[];
}

/**
 * Reads the registry's active member accounts at one block, then brings every node's allowlist to those accounts
 * plus the protected ones. Nodes are handled independently: one failing does not stop the others. Throws only when
 * the registry cannot be read (nothing is written then).
 */
export async function syncAllowlist(parameters: SyncAllowlistParameters): Promise<SyncAllowlistReturnType> {
  const protectedAccounts = [
    ...new Set((parameters.protectedAccounts ?? []).map((a) => normalizeAddress(a, "protected account"))),
  ].sort();
  const members = await getActiveMemberAccounts(parameters);
  const desired = [...new Set([...members.active, ...protectedAccounts])].sort();
  const nodes = await Promise.all(
    parameters.nodes.map((node) =>
      syncNodeAllowlist({
        node,
        desired,
        protectedAccounts,
        dryRun: parameters.dryRun,
        timeoutMs: parameters.timeoutMs,
        retry: parameters.retry,
      }),
    ),
  );
  return {
    registry: normalizeAddress(parameters.registry, "registry address"),
    blockNumber: members.blockNumber,
    activeMembers: members.active,
    protectedAccounts,
    desired,
    dryRun: parameters.dryRun ?? false,
    nodes,
    failed: nodes.filter((n) => n.status === "failed").map((n) => n.url),
  };
}

/** The sync's outcome as text, one line per node. */
export function formatSyncReport(report: SyncAllowlistReturnType): string {
  const lines = [
    `registry ${report.registry} at block ${report.blockNumber}: ${report.activeMembers.length} active member ` +
      `account(s), ${report.protectedAccounts.length} protected${report.dryRun ? " (dry run: nothing changed)" : ""}`,
  ];
  const list = (verb: string, accounts: string[]) => `${verb} ${accounts.length}: ${accounts.join(", ")}`;
  for (const node of report.nodes) {
    const changes = (add: string, remove: string) =>
      [node.added.length > 0 ? list(add, node.added) : "", node.removed.length > 0 ? list(remove, node.removed) : ""]
        .filter((s) => s !== "")
        .join("; ");
    let line: string;
    switch (node.status) {
      case "in-step":
        line = "in step";
        break;
      case "synced":
        line = changes("added", "removed");
        break;
      case "drift":
        line = changes("would add", "would remove");
        break;
      case "failed":
        line =
          `FAILED: ${node.error}` +
          (node.added.length + node.removed.length > 0 ? ` (${changes("added", "removed")})` : "");
        break;
    }
    lines.push(`${node.url}  ${line}`);
  }
  return lines.join("\n");
}
