/**
 * Writes a network directory. Every artifact is built in memory from a NetworkPlan (buildNetworkFiles), written
 * into a temporary sibling directory, and only then renamed into place, so a failure never leaves a half-written
 * network: without --force an existing non-empty directory is refused; with it, the old directory is moved aside,
 * the new one renamed in, and the old one deleted — or put back if the swap fails.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";

import { buildDockerCompose, buildStartScript, buildStopScript } from "./compose.js";
import { buildGenesis } from "./genesis.js";
import type { NetworkManifest } from "./manifest.js";
import { MANIFEST_FILE } from "./manifest.js";
import { NODE_FILES, buildNodeConfig, buildPermissionsConfig, buildStaticNodes } from "./nodeConfig.js";
import { REPOSITORY_ROOT, UsageError, type CreateNetworkOptions } from "./options.js";
import { buildCredenceParameters } from "./parameters.js";
import { type NetworkPlan, type PlanNetworkParameters, buildManifest, planNetwork } from "./plan.js";
import { buildReadme } from "./readme.js";
import type { ValidatorSetArtifact } from "./validatorSet.js";

/** One file of a network directory. */
export interface NetworkFile {
  /** Relative to the network directory, `/`-separated. */
  path: string;
  content: string;
  /** 0o600 for private keys, 0o755 for scripts; otherwise the default (0o644 less the umask). */
  mode?: number;
}

/** Mode of private-key files: owner read/write only. */
export const SECRET_MODE = 0o600;
/** Mode of start.sh and stop.sh. */
export const SCRIPT_MODE = 0o755;

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** .gitignore inside the network directory: keys and chain data never reach a repository. */
export const NETWORK_GITIGNORE = [
  "# Private keys (unencrypted) and chain data: never commit them.",
  "**/key",
  "nodes/*/data/",
  "nodes/*/besu.log",
  "nodes/*/besu.pid",
  "",
].join("\n");

/**
 * Every file of `plan`'s directory, in memory. `artifact` is the compiled ValidatorSet, needed by a public
 * community (read from artifacts/ when omitted); `root` is the repository root the README's commands run from.
 */
export function buildNetworkFiles(
  plan: NetworkPlan,
  { artifact, root = REPOSITORY_ROOT }: { artifact?: ValidatorSetArtifact; root?: string } = {},
): NetworkFile[] {
  const files: NetworkFile[] = [
    { path: "README.md", content: buildReadme(plan, root) },
    { path: MANIFEST_FILE, content: json(buildManifest(plan)) },
    { path: "genesis.json", content: json(buildGenesis(plan, artifact)) },
    { path: "static-nodes.json", content: buildStaticNodes(plan) },
    { path: "docker-compose.yml", content: buildDockerCompose(plan) },
    { path: "start.sh", content: buildStartScript(plan), mode: SCRIPT_MODE },
    { path: "stop.sh", content: buildStopScript(plan), mode: SCRIPT_MODE },
    { path: "credence-parameters.json", content: json(buildCredenceParameters(plan)) },
    { path: ".gitignore", content: NETWORK_GITIGNORE },
    { path: "accounts/deployer/key", content: plan.deployer.privateKey, mode: SECRET_MODE },
    { path: "accounts/deployer/address", content: plan.deployer.address + "\n" },
  ];
  const permissions = buildPermissionsConfig(plan);
  for (const node of plan.nodes) {
    const dir = `nodes/${node.name}`;
    files.push(
      // Besu reads the key file as exactly one line of hex (KeyPairUtil.loadPrivateKey), 0x-prefixed as it writes it.
      { path: `${dir}/${NODE_FILES.key}`, content: node.keys.privateKey, mode: SECRET_MODE },
      { path: `${dir}/${NODE_FILES.publicKey}`, content: "0x" + node.keys.publicKey + "\n" },
      { path: `${dir}/${NODE_FILES.address}`, content: node.keys.address + "\n" },
      { path: `${dir}/${NODE_FILES.enode}`, content: node.enode + "\n" },
      { path: `${dir}/${NODE_FILES.config}`, content: buildNodeConfig(plan, node) },
      { path: `${dir}/${NODE_FILES.permissions}`, content: permissions },
    );
  }
  return files;
}

/** Test seams: a hook that throws simulates a failure at that point. */
export interface CreateNetworkHooks {
  /** After each file is written into the temporary directory. */
  afterWrite?: (file: string) => void | Promise<void>;
  /** With --force, after the old directory was moved aside and before the new one is renamed in. */
  beforeSwap?: () => void | Promise<void>;
}

export interface CreateNetworkParameters extends PlanNetworkParameters {
  artifact?: ValidatorSetArtifact;
  root?: string;
  hooks?: CreateNetworkHooks;
}

export interface CreateNetworkReturnType {
  /** Absolute path of the written directory. */
  out: string;
  plan: NetworkPlan;
  manifest: NetworkManifest;
  /** Relative paths of the written files. */
  files: string[];
  /** True when an existing directory was replaced (--force). */
  replaced: boolean;
}

type OutState = "absent" | "empty" | "non-empty";

async function outState(out: string): Promise<OutState> {
  let info;
  try {
    info = await stat(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
  if (!info.isDirectory()) throw new UsageError(`${out} exists and is not a directory`);
  return (await readdir(out)).length === 0 ? "empty" : "non-empty";
}

/** Refuses to replace a directory whose nodes a local `besu` (start.sh) still runs. */
async function assertNotRunning(out: string): Promise<void> {
  let nodes: string[];
  try {
    nodes = await readdir(path.join(out, "nodes"));
  } catch {
    return;
  }
  for (const node of nodes) {
    let pid: number;
    try {
      pid = Number((await readFile(path.join(out, "nodes", node, "besu.pid"), "utf8")).trim());
    } catch {
      continue;
    }
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 0);
    } catch {
      continue; // no such process: a stale pid file
    }
    throw new UsageError(`${out}: node ${node} may still be running (pid ${pid}): run its stop.sh before --force`);
  }
}

async function writeAll(dir: string, files: NetworkFile[], hooks: CreateNetworkHooks): Promise<void> {
  for (const file of files) {
    const target = path.join(dir, ...file.path.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    // The mode is set when the file is created ("wx": never through an existing file), so a key is never readable
    // by others, not even for a moment.
    await writeFile(target, file.content, { mode: file.mode ?? 0o644, flag: "wx" });
    // The umask may strip the executable bits of a script; a key's 0600 only loses bits it never had.
    if (file.mode === SCRIPT_MODE) await chmod(target, SCRIPT_MODE);
    await hooks.afterWrite?.(file.path);
  }
}

/**
 * Plans and writes a network directory at `options.out` (see the module comment for the replace semantics).
 * Throws UsageError for an existing non-empty directory without `force`; any other error leaves the file system
 * as it was.
 */
export async function createNetwork(
  options: CreateNetworkOptions,
  { artifact, root = REPOSITORY_ROOT, hooks = {}, ...planParameters }: CreateNetworkParameters = {},
): Promise<CreateNetworkReturnType> {
  const out = path.resolve(options.out);
  const state = await outState(out);
  if (state === "non-empty") {
    if (!options.force) throw new UsageError(`${out} exists and is not empty: pass --force to replace it`);
    await assertNotRunning(out);
  }

  const plan = planNetwork({ ...options, out }, planParameters);
  const files = buildNetworkFiles(plan, { artifact, root });

  const parent = path.dirname(out);
  const base = path.basename(out);
  await mkdir(parent, { recursive: true });
  const temporary = await mkdtemp(path.join(parent, `.${base}.tmp-`));
  try {
    await writeAll(temporary, files, hooks);
    if (state === "non-empty") {
      const aside = path.join(parent, `.${base}.old-${randomBytes(4).toString("hex")}`);
      await rename(out, aside);
      try {
        await hooks.beforeSwap?.();
        await rename(temporary, out);
      } catch (error) {
        await rename(aside, out);
        throw error;
      }
      await rm(aside, { recursive: true, force: true });
    } else {
      if (state === "empty") await rmdir(out);
      await rename(temporary, out);
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }

  return {
    out,
    plan,
    manifest: buildManifest(plan),
    files: files.map((f) => f.path),
    replaced: state === "non-empty",
  };
}
