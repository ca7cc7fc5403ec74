/**
 * The network generator (besu-network/src/create.ts and its CLI): every file of a generated directory, read back
 * and checked against what it must hold — keys re-derived from the key files, genesis decoded, TOML parsed — and
 * the directory replacement that never leaves a half-written network behind.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { SigningKey, Wallet, computeAddress, getAddress } from "ethers";
import { parse as parseToml } from "smol-toml";

import { CommunityType } from "../../src/constants.js";
import { defaultEntryCriteria, defaultPenaltyParameters, defaultTrustParameters } from "../../src/defaults.js";
import { CONTAINER_ROOT } from "../../besu-network/src/compose.js";
import { createNetwork } from "../../besu-network/src/create.js";
import { decodeExtraData } from "../../besu-network/src/extraData.js";
import { BFT_MIX_HASH, type Genesis } from "../../besu-network/src/genesis.js";
import { readNetworkManifest, type NetworkManifest } from "../../besu-network/src/manifest.js";
import { type CreateNetworkInput, UsageError, resolveCreateOptions } from "../../besu-network/src/options.js";
import { rescaleBlocks } from "../../besu-network/src/parameters.js";
import {
  DEFAULT_VALIDATOR_CONTRACT,
  loadValidatorSetArtifact,
  validatorSetGenesisAccount,
} from "../../besu-network/src/validatorSet.js";

/** The penalty parameters that count blocks, listed here independently of the generator's own list. */
const PENALTY_DURATIONS = [
  "votingDelay",
  "votingPeriod",
  "ratificationWindow",
  "misuseWindow",
  "barPeriod",
  "liabilityWindow",
] as const;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cliPath = path.join(root, "besu-network/cli/create.ts");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const exec = promisify(execFile);

// Besu docs, "Configure QBFT consensus", contract validator selection genesis:
// https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft
const DOCS_QBFT_CONTRACT_MODE_EXTRA_DATA =
  "0xe5a00000000000000000000000000000000000000000000000000000000000000000c0c080c0";

const EXTRA_ACCOUNT = "0x000000000000000000000000000000000000dEaD";
const artifact = loadValidatorSetArtifact();

let tmp: string;
const options = (input: CreateNetworkInput) =>
  resolveCreateOptions({ name: "acme", consensus: "qbft", validators: 4, ...input }, { baseDir: tmp });

type Toml = Record<string, unknown>;
const readText = (dir: string, file: string) => readFile(path.join(dir, file), "utf8");
const readJson = async <T>(dir: string, file: string) => JSON.parse(await readText(dir, file)) as T;
const readToml = async (dir: string, file: string) => parseToml(await readText(dir, file)) as Toml;

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Names in `dir`'s parent that are leftovers of a write (temporary or moved-aside directories). */
async function leftovers(dir: string): Promise<string[]> {
  const base = path.basename(dir);
  return (await readdir(path.dirname(dir))).filter((n) => n.startsWith(`.${base}.`));
}

/** Runs the CLI; resolves with its exit code and output instead of throwing on a non-zero exit. */
async function runCli(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [tsxCli, cliPath, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const nodeDirs = (manifest: NetworkManifest) => manifest.nodes.map((n) => `nodes/${n.name}`);

before(async function () {
  tmp = await mkdtemp(path.join(os.tmpdir(), "credence-create-"));
});

after(async function () {
  await rm(tmp, { recursive: true, force: true });
});

describe("createNetwork", function () {
  describe("a private QBFT network", function () {
    let dir: string;
    let manifest: NetworkManifest;

    before(async function () {
      dir = path.join(tmp, "private");
      await createNetwork(options({ members: 2, out: dir, accounts: [EXTRA_ACCOUNT] }));
      manifest = await readNetworkManifest(dir);
    });

    it("writes every file of the layout and nothing else", async function () {
      const perNode = ["address", "config.toml", "enode", "key", "key.pub", "permissions_config.toml"];
      const expected = [
        ".gitignore",
        "README.md",
        "accounts/deployer/address",
        "accounts/deployer/key",
        "credence-parameters.json",
        "docker-compose.yml",
        "genesis.json",
        "network.json",
        "start.sh",
        "static-nodes.json",
        "stop.sh",
        ...["member-1", "member-2", "validator-1", "validator-2", "validator-3", "validator-4"].flatMap((n) =>
          perNode.map((f) => `nodes/${n}/${f}`),
        ),
      ].sort();
      expect(await listFiles(dir)).to.deep.equal(expected);
      expect(await leftovers(dir)).to.deep.equal([]);
    });

    it("writes a manifest the operating commands accept, without private keys", async function () {
      expect(manifest).to.include({ name: "acme", consensus: "qbft", variant: "private", chainId: 1337 });
      expect(manifest.blockPeriodSeconds).to.equal(2);
      expect(manifest.validatorContract).to.equal(null);
      expect(manifest.nodes.map((n) => `${n.role}:${n.name}`)).to.deep.equal([
        "validator:validator-1",
        "validator:validator-2",
        "validator:validator-3",
        "validator:validator-4",
        "member:member-1",
        "member:member-2",
      ]);
      const deployer = (await readText(dir, "accounts/deployer/address")).trim();
      expect(manifest.accounts).to.deep.equal([
        { name: "deployer", address: deployer },
        { name: "account-1", address: EXTRA_ACCOUNT },
      ]);
      const text = await readText(dir, "network.json");
      for (const keyFile of [...nodeDirs(manifest).map((d) => `${d}/key`), "accounts/deployer/key"]) {
        const key = (await readText(dir, keyFile)).trim();
        expect(text).to.not.include(key.slice(2));
      }
    });

    it("derives every address, public key and enode from the key files", async function () {
      for (const node of manifest.nodes) {
        const nodeDir = `nodes/${node.name}`;
        const key = await readText(dir, `${nodeDir}/key`);
        expect(key).to.match(/^0x[0-9a-f]{64}$/, "one line of hex, as Besu reads and writes a key file");
        const publicKey = new SigningKey(key).publicKey; // 0x04 + 128 hex digits
        const nodeId = publicKey.slice(4);
        expect((await readText(dir, `${nodeDir}/key.pub`)).trim()).to.equal("0x" + nodeId);
        expect((await readText(dir, `${nodeDir}/address`)).trim()).to.equal(computeAddress(publicKey));
        expect(node.address).to.equal(computeAddress(publicKey));
        const enode = `enode://${nodeId}@127.0.0.1:${node.p2pPort}`;
        expect((await readText(dir, `${nodeDir}/enode`)).trim()).to.equal(enode);
        expect(node.enode).to.equal(enode);
      }
      const deployerKey = await readText(dir, "accounts/deployer/key");
      expect(new Wallet(deployerKey).address).to.equal(manifest.accounts[0].address);
    });

    it("creates the private keys with mode 0600 and the scripts with 0755", async function () {
      for (const file of [...nodeDirs(manifest).map((d) => `${d}/key`), "accounts/deployer/key"]) {
        expect((await stat(path.join(dir, file))).mode & 0o777).to.equal(0o600, file);
      }
      for (const script of ["start.sh", "stop.sh"]) {
        expect((await stat(path.join(dir, script))).mode & 0o777).to.equal(0o755, script);
      }
    });

    it("git-ignores the keys and the chain data", async function () {
      await exec("git", ["init", "-q"], { cwd: dir });
      const paths = [
        ...nodeDirs(manifest).flatMap((d) => [`${d}/key`, `${d}/data/database/x`, `${d}/besu.log`]),
        "accounts/deployer/key",
      ];
      const { stdout } = await exec("git", ["check-ignore", ...paths], { cwd: dir });
      expect(stdout.trim().split("\n")).to.deep.equal(paths);
      // …but not what an operator may share or review.
      const shared = await exec("git", ["check-ignore", "genesis.json", "nodes/validator-1/config.toml"], {
        cwd: dir,
      }).catch((error: { code: number }) => error);
      expect((shared as { code: number }).code).to.equal(1, "git check-ignore exits 1 when nothing is ignored");
      await rm(path.join(dir, ".git"), { recursive: true, force: true });
    });

    it("writes a QBFT genesis with the validators sorted in extraData and Shanghai from block 0", async function () {
      const genesis = await readJson<Genesis>(dir, "genesis.json");
      const validators = manifest.nodes.filter((n) => n.role === "validator").map((n) => n.address.toLowerCase());
      expect(decodeExtraData(genesis.extraData, "qbft").validators).to.deep.equal([...validators].sort());
      expect(validators).to.deep.equal([...validators].sort(), "validator-1 is the lowest address");
      expect(genesis.config.chainId).to.equal(1337);
      expect(genesis.config.qbft).to.deep.equal({
        blockperiodseconds: 2,
        epochlength: 30000,
        requesttimeoutseconds: 4,
      });
      expect(genesis.config).to.not.have.property("ibft2");
      expect(genesis.config).to.include({ berlinBlock: 0, londonBlock: 0, shanghaiTime: 0, zeroBaseFee: true });
      expect(genesis).to.include({ mixHash: BFT_MIX_HASH, difficulty: "0x1", nonce: "0x0" });
      expect(BigInt(genesis.gasLimit)).to.be.greaterThanOrEqual(30_000_000n);
      // Only the deployer is funded in a private community, and nothing holds code.
      expect(Object.keys(genesis.alloc)).to.deep.equal([manifest.accounts[0].address.toLowerCase().slice(2)]);
      expect(BigInt(Object.values(genesis.alloc)[0].balance)).to.be.greaterThan(0n);
    });

    it("configures each node with its ports, APIs, paths and permissioning", async function () {
      for (const node of manifest.nodes) {
        const nodeDir = path.join(dir, "nodes", node.name);
        const config = await readToml(nodeDir, "config.toml");
        expect(config).to.include({
          "p2p-host": "127.0.0.1",
          "p2p-port": node.p2pPort,
          "discovery-enabled": false,
          "rpc-http-enabled": true,
          "rpc-http-host": "127.0.0.1",
          "rpc-http-port": Number(new URL(node.rpcHttp).port),
          "rpc-ws-enabled": true,
          "rpc-ws-port": Number(new URL(node.rpcWs).port),
          "metrics-enabled": true,
          "metrics-port": node.metricsPort,
          "min-gas-price": 0,
          "permissions-nodes-config-file-enabled": true,
          "permissions-accounts-config-file-enabled": true,
        });
        const apis = ["ETH", "NET", "WEB3", "TXPOOL", "QBFT", "PERM"];
        expect(config["rpc-http-api"]).to.have.members(apis);
        expect(config["rpc-ws-api"]).to.have.members(apis);
        expect(config["rpc-http-cors-origins"]).to.not.include("*");
        // Relative paths resolve from the node directory, where start.sh and Compose start Besu.
        expect(path.resolve(nodeDir, config["genesis-file"] as string)).to.equal(path.join(dir, "genesis.json"));
        expect(path.resolve(nodeDir, config["static-nodes-file"] as string)).to.equal(
          path.join(dir, "static-nodes.json"),
        );
        expect(path.resolve(nodeDir, config["node-private-key-file"] as string)).to.equal(path.join(nodeDir, "key"));
        for (const key of ["permissions-nodes-config-file", "permissions-accounts-config-file"]) {
          expect(path.resolve(nodeDir, config[key] as string)).to.equal(path.join(nodeDir, "permissions_config.toml"));
        }
        expect(path.resolve(nodeDir, config["data-path"] as string)).to.equal(path.join(nodeDir, "data"));
      }
    });

    it("allowlists every node's enode and the initial accounts on every node", async function () {
      const enodes = manifest.nodes.map((n) => n.enode);
      expect(await readJson<string[]>(dir, "static-nodes.json")).to.deep.equal(enodes);
      const accounts = manifest.accounts.map((a) => a.address.toLowerCase());
      for (const node of manifest.nodes) {
        const permissions = await readToml(path.join(dir, "nodes", node.name), "permissions_config.toml");
        expect(permissions["nodes-allowlist"]).to.deep.equal(enodes);
        // Private community: deployer and --accounts; validators send no transactions of their own.
        expect(permissions["accounts-allowlist"]).to.deep.equal(accounts);
      }
    });

    it("gives no two services of any nodes the same port", async function () {
      const ports = manifest.nodes.flatMap((n) => [
        n.p2pPort,
        n.metricsPort,
        Number(new URL(n.rpcHttp).port),
        Number(new URL(n.rpcWs).port),
      ]);
      expect(new Set(ports).size).to.equal(ports.length);
      expect(manifest.nodes[0]).to.include({ p2pPort: 30303, rpcHttp: "http://127.0.0.1:8545", metricsPort: 9545 });
    });

    it("writes the suite's deployment parameters for a private community at 2-second blocks", async function () {
      const { Credence } = await readJson<{ Credence: Record<string, unknown> }>(dir, "credence-parameters.json");
      const decimal = (o: Record<string, bigint>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, `${v}`]));
      expect(Credence.communityType).to.equal(CommunityType.Private);
      expect(Credence.entryCriteria).to.deep.equal(decimal(defaultEntryCriteria));
      expect(Credence.trustParameters).to.deep.equal(decimal(defaultTrustParameters));
      expect(Credence.penaltyParameters).to.deep.equal(decimal(defaultPenaltyParameters));
    });

    it("writes start.sh and stop.sh that bash accepts", async function () {
      for (const script of ["start.sh", "stop.sh"]) {
        const { stderr } = await exec("bash", ["-n", path.join(dir, script)]);
        expect(stderr).to.equal("");
        const text = await readText(dir, script);
        expect(text.split("\n")[0]).to.equal("#!/usr/bin/env bash");
        expect(text).to.include("set -euo pipefail");
      }
      const start = await readText(dir, "start.sh");
      expect(start).to.include("up -d");
      expect(start).to.include("besu --config-file=config.toml >besu.log 2>&1 &");
      expect(start).to.include("echo $! >besu.pid");
      expect(await readText(dir, "stop.sh")).to.include(" down");
    });

    it("writes one pinned, host-networked Compose service per node", async function () {
      const compose = await readText(dir, "docker-compose.yml");
      const services = [...compose.matchAll(/^ {2}([a-z0-9-]+):$/gm)].map((m) => m[1]);
      expect(services).to.deep.equal(manifest.nodes.map((n) => n.name));
      const count = (pattern: RegExp) => compose.match(pattern)?.length ?? 0;
      expect(count(/^ {4}image: hyperledger\/besu:26\.2\.0$/gm)).to.equal(services.length);
      expect(count(/^ {4}network_mode: host$/gm)).to.equal(services.length);
      expect(count(/^ {4}user: "\$\{UID:-1000\}:\$\{GID:-1000\}"$/gm)).to.equal(services.length);
      expect(count(/^ {4}command: \["--config-file=config\.toml"\]$/gm)).to.equal(services.length);
      for (const node of manifest.nodes) {
        expect(compose).to.include(`    working_dir: ${CONTAINER_ROOT}/nodes/${node.name}\n`);
      }
      expect(compose).to.not.include("/opt/besu");
      expect(compose).to.not.include("latest");
    });

    it("writes a README that tells how to start, check, deploy, sync and stop, and that the keys are secret", async function () {
      const readme = await readText(dir, "README.md");
      for (const text of [
        "./start.sh",
        "./stop.sh",
        "npm run network:status -- --rpc http://127.0.0.1:8545",
        "npm run deploy -- --network besu",
        "BESU_CHAIN_ID=1337",
        `--parameters ${dir}/credence-parameters.json`,
        `network:sync-allowlist -- --registry <EntityRegistry address> --network-dir ${dir}`,
        "Linux only",
        "secrets",
      ]) {
        expect(readme).to.include(text);
      }
    });
  });

  describe("a public QBFT network", function () {
    let dir: string;
    let manifest: NetworkManifest;
    let genesis: Genesis;

    before(async function () {
      dir = path.join(tmp, "public");
      await createNetwork(options({ variant: "public", validators: 5, blockPeriod: 5, out: dir }), { artifact });
      manifest = await readNetworkManifest(dir);
      genesis = await readJson<Genesis>(dir, "genesis.json");
    });

    it("selects validators by contract: no validators in extraData, the contract address in qbft", function () {
      expect(genesis.extraData).to.equal(DOCS_QBFT_CONTRACT_MODE_EXTRA_DATA);
      expect(decodeExtraData(genesis.extraData, "qbft").validators).to.deep.equal([]);
      expect(genesis.config.qbft).to.deep.equal({
        blockperiodseconds: 5,
        epochlength: 30000,
        requesttimeoutseconds: 10,
        validatorcontractaddress: DEFAULT_VALIDATOR_CONTRACT,
      });
      expect(manifest.validatorContract).to.equal(DEFAULT_VALIDATOR_CONTRACT);
    });

    it("pre-deploys the ValidatorSet holding the sorted validators with a minimum of 4", function () {
      const validators = manifest.nodes.filter((n) => n.role === "validator").map((n) => n.address);
      const account = genesis.alloc[DEFAULT_VALIDATOR_CONTRACT.slice(2).toLowerCase()];
      const sorted = [...validators].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      const expected = validatorSetGenesisAccount({ authorities: sorted, minimum: 4 }, artifact);
      expect(account.code).to.equal(expected.code);
      expect(account.storage).to.deep.equal(expected.storage);
    });

    it("funds and allowlists the validators, which send their own ValidatorSet votes", async function () {
      const validators = manifest.nodes.filter((n) => n.role === "validator");
      for (const node of validators) {
        expect(BigInt(genesis.alloc[node.address.toLowerCase().slice(2)].balance)).to.be.greaterThan(0n);
      }
      expect(manifest.accounts.map((a) => a.name)).to.deep.equal(["deployer", ...validators.map((n) => n.name)]);
      const permissions = await readToml(path.join(dir, "nodes/validator-1"), "permissions_config.toml");
      expect(permissions["accounts-allowlist"]).to.deep.equal(manifest.accounts.map((a) => a.address.toLowerCase()));
    });

    it("rescales the block-count durations to 5-second blocks (2/5 of the counts)", async function () {
      const { Credence } = await readJson<{
        Credence: {
          communityType: number;
          trustParameters: Record<string, string>;
          penaltyParameters: Record<string, string>;
        };
      }>(dir, "credence-parameters.json");
      expect(Credence.communityType).to.equal(CommunityType.Public);
      const at5s = (blocks: bigint) => `${Math.round((Number(blocks) * 2) / 5)}`;
      expect(Credence.trustParameters.halfLife).to.equal(at5s(defaultTrustParameters.halfLife));
      for (const key of PENALTY_DURATIONS) {
        expect(Credence.penaltyParameters[key]).to.equal(at5s(defaultPenaltyParameters[key]), key);
      }
      // Counts and shares are no durations and stay as they are.
      expect(Credence.penaltyParameters.maxMisuses).to.equal(`${defaultPenaltyParameters.maxMisuses}`);
      expect(Credence.trustParameters.gainRate).to.equal(`${defaultTrustParameters.gainRate}`);
    });
  });

  describe("an IBFT 2.0 network", function () {
    let dir: string;
    let manifest: NetworkManifest;

    before(async function () {
      dir = path.join(tmp, "ibft");
      const entryCriteria = { minRecommendations: 2, maxRecommendations: "8" };
      await createNetwork(options({ consensus: "ibft2", blockPeriod: 1, out: dir, entryCriteria }));
      manifest = await readNetworkManifest(dir);
    });

    it("writes an ibft2 section and IBFT 2.0 extraData", async function () {
      const genesis = await readJson<Genesis>(dir, "genesis.json");
      expect(genesis.config).to.not.have.property("qbft");
      expect(genesis.config.ibft2).to.deep.equal({
        blockperiodseconds: 1,
        epochlength: 30000,
        requesttimeoutseconds: 2,
      });
      const validators = manifest.nodes.map((n) => n.address.toLowerCase());
      expect(decodeExtraData(genesis.extraData, "ibft2").validators).to.deep.equal([...validators].sort());
      expect(() => decodeExtraData(genesis.extraData, "qbft")).to.throw(/IBFT 2.0/);
    });

    it("serves the IBFT API instead of QBFT", async function () {
      const config = await readToml(path.join(dir, "nodes/validator-1"), "config.toml");
      expect(config["rpc-http-api"]).to.include("IBFT").and.not.include("QBFT");
    });

    it("doubles the block-count durations at 1-second blocks and takes the entry criteria given", async function () {
      const { Credence } = await readJson<{
        Credence: {
          trustParameters: Record<string, string>;
          penaltyParameters: Record<string, string>;
          entryCriteria: Record<string, string>;
        };
      }>(dir, "credence-parameters.json");
      expect(Credence.trustParameters.halfLife).to.equal(`${defaultTrustParameters.halfLife * 2n}`);
      for (const key of PENALTY_DURATIONS) {
        expect(Credence.penaltyParameters[key]).to.equal(`${defaultPenaltyParameters[key] * 2n}`, key);
      }
      expect(Credence.entryCriteria).to.deep.equal({
        minPreTrust: `${defaultEntryCriteria.minPreTrust}`,
        minRecommendations: "2",
        maxRecommendations: "8",
        minCapability: `${defaultEntryCriteria.minCapability}`,
        minLegal: `${defaultEntryCriteria.minLegal}`,
      });
    });
  });

  describe("replacing a directory", function () {
    let count = 0;
    /** A fresh generated network directory to try replacing. */
    async function existing(): Promise<{ dir: string; manifest: string }> {
      const dir = path.join(tmp, `existing-${++count}`);
      await createNetwork(options({ out: dir }));
      await writeFile(path.join(dir, "marker"), "old");
      return { dir, manifest: await readText(dir, "network.json") };
    }

    it("refuses an existing non-empty directory without --force and leaves it untouched", async function () {
      const { dir, manifest } = await existing();
      const error = await createNetwork(options({ out: dir })).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(UsageError);
      expect((error as Error).message).to.match(/exists and is not empty: pass --force/);
      expect(await readText(dir, "marker")).to.equal("old");
      expect(await readText(dir, "network.json")).to.equal(manifest);
    });

    it("fills an existing empty directory", async function () {
      const dir = path.join(tmp, "empty");
      await mkdir(dir);
      await createNetwork(options({ out: dir }));
      expect(await listFiles(dir)).to.include("genesis.json");
    });

    it("replaces it with --force and leaves nothing else behind", async function () {
      const { dir, manifest } = await existing();
      const result = await createNetwork(options({ out: dir, force: true }));
      expect(result.replaced).to.equal(true);
      expect(await listFiles(dir)).to.not.include("marker");
      expect(await readText(dir, "network.json")).to.not.equal(manifest);
      expect(await leftovers(dir)).to.deep.equal([]);
    });

    it("keeps the old directory intact when writing fails midway", async function () {
      const { dir, manifest } = await existing();
      let written = 0;
      const afterWrite = () => {
        if (++written === 5) throw new Error("disk full (injected)");
      };
      const error = await createNetwork(options({ out: dir, force: true }), { hooks: { afterWrite } }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).to.equal("disk full (injected)");
      expect(written).to.equal(5);
      expect(await readText(dir, "marker")).to.equal("old");
      expect(await readText(dir, "network.json")).to.equal(manifest);
      expect(await leftovers(dir)).to.deep.equal([]);
    });

    it("puts the old directory back when the swap fails", async function () {
      const { dir, manifest } = await existing();
      const beforeSwap = () => {
        throw new Error("rename failed (injected)");
      };
      const error = await createNetwork(options({ out: dir, force: true }), { hooks: { beforeSwap } }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).to.equal("rename failed (injected)");
      expect(await readText(dir, "marker")).to.equal("old");
      expect(await readText(dir, "network.json")).to.equal(manifest);
      expect(await leftovers(dir)).to.deep.equal([]);
    });

    it("creates nothing when writing a new directory fails", async function () {
      const dir = path.join(tmp, "never");
      const afterWrite = (file: string) => {
        if (file.endsWith("/key")) throw new Error("injected");
      };
      await createNetwork(options({ out: dir }), { hooks: { afterWrite } }).catch(() => undefined);
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      expect(exists).to.equal(false);
      expect(await leftovers(dir)).to.deep.equal([]);
    });
  });
});

describe("start.sh and stop.sh with a local besu", function () {
  // A stand-in `besu` on PATH: it logs where and how it was started, then idles under the name "besu" (what the
  // scripts check before trusting a pid file). A `docker` that always fails makes the scripts pick the local mode.
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let pids: number[] = [];

  /** True while `pid` exists and is not a zombie (an exited child that nobody reaped yet). */
  async function alive(pid: number): Promise<boolean> {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
    return stat !== null && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  }

  before(async function () {
    dir = path.join(tmp, "scripts");
    await createNetwork(options({ out: dir }));
    const bin = path.join(tmp, "fake-bin");
    await mkdir(bin);
    await writeFile(path.join(bin, "besu"), '#!/usr/bin/env bash\necho "cwd=$PWD args=$*"\nexec -a besu sleep 300\n', {
      mode: 0o755,
    });
    await writeFile(path.join(bin, "docker"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  });

  after(async function () {
    for (const pid of pids) if (await alive(pid)) process.kill(pid, "SIGKILL");
  });

  it("start.sh runs every node from its directory, and stop.sh stops them all", async function () {
    const names = ["validator-1", "validator-2", "validator-3", "validator-4"];
    const start = await exec("bash", [path.join(dir, "start.sh")], { env });
    for (const name of names) expect(start.stdout).to.include(`started ${name} (pid `);
    pids = await Promise.all(names.map(async (n) => Number(await readText(dir, `nodes/${n}/besu.pid`))));
    for (const pid of pids) expect(await alive(pid)).to.equal(true);
    for (const name of names) {
      // The stand-in writes its log line as it starts: poll until it is there.
      const log = path.join(dir, "nodes", name, "besu.log");
      const deadline = Date.now() + 10_000;
      let text = "";
      while (!text.includes("\n") && Date.now() < deadline) {
        text = await readFile(log, "utf8");
        if (!text.includes("\n")) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(text).to.equal(`cwd=${path.join(dir, "nodes", name)} args=--config-file=config.toml\n`);
    }

    const again = await exec("bash", [path.join(dir, "start.sh"), "local"], { env });
    for (const name of names) expect(again.stdout).to.include(`${name} is already running`);

    const stop = await exec("bash", [path.join(dir, "stop.sh")], { env });
    for (const [i, name] of names.entries()) expect(stop.stdout).to.include(`stopped ${name} (pid ${pids[i]})`);
    for (const pid of pids) expect(await alive(pid)).to.equal(false);
    for (const name of names) {
      const left = await stat(path.join(dir, "nodes", name, "besu.pid")).catch(() => null);
      expect(left).to.equal(null);
    }
    expect((await exec("bash", [path.join(dir, "stop.sh")], { env })).stdout).to.equal("nothing was running\n");
  });

  it("start.sh explains what is missing when neither Docker nor besu is there", async function () {
    const bin = path.join(tmp, "docker-only-bin");
    await mkdir(bin);
    await writeFile(path.join(bin, "docker"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const result = await exec("bash", [path.join(dir, "start.sh")], {
      env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((result as { code: number }).code).to.equal(1);
    expect((result as { stderr: string }).stderr).to.match(/^start\.sh: neither Docker Compose .* nor a besu binary/);
  });
});

describe("rescaleBlocks", function () {
  it("keeps the wall-clock time, rounding to the nearest block", function () {
    for (const [blocks, period] of [
      [300n, 7],
      [21_600n, 7],
      [3n, 4],
      [5n, 3],
      [1_296_000n, 11],
    ] as const) {
      expect(rescaleBlocks(blocks, period)).to.equal(
        BigInt(Math.round((Number(blocks) * 2) / period)),
        `${blocks}@${period}s`,
      );
    }
  });

  it("keeps zero at zero and any other duration at one block at least", function () {
    expect(rescaleBlocks(0n, 5)).to.equal(0n);
    expect(rescaleBlocks(300n, 3600)).to.equal(1n);
  });
});

describe("resolveCreateOptions", function () {
  const rejects = (input: CreateNetworkInput, message: RegExp) =>
    expect(() => options(input)).to.throw(UsageError, message);

  it("fills in the defaults", function () {
    const resolved = resolveCreateOptions({ name: "acme", consensus: "qbft", validators: "4" });
    expect(resolved).to.deep.include({
      members: 0,
      variant: "private",
      chainId: 1337,
      blockPeriod: 2,
      host: "127.0.0.1",
      besuImage: "hyperledger/besu:26.2.0",
      force: false,
      accounts: [],
      entryCriteria: defaultEntryCriteria,
    });
    expect(resolved.out).to.equal(path.join(root, "besu-network/networks/acme"));
  });

  it("rejects a name that is not a slug", function () {
    rejects({ name: "../etc" }, /--name "\.\.\/etc" must be 1 to 63 lower-case letters/);
    rejects({ name: "Acme" }, /lower-case/);
  });

  it("rejects fewer than 4 validators and more than the contract holds", function () {
    rejects({ validators: 3 }, /--validators 3 is too few: BFT needs 3f \+ 1 validators.*at least 4/);
    rejects({ validators: 65 }, /--validators 65 exceeds 64/);
    rejects({ validators: "four" }, /--validators must be an integer/);
  });

  it("rejects a negative member count", function () {
    rejects({ members: -1 }, /--members must be an integer from 0 to 64/);
  });

  it("rejects a public IBFT 2.0 community", function () {
    rejects({ variant: "public", consensus: "ibft2" }, /--variant public needs --consensus qbft/);
    rejects({ variant: "open" }, /--variant must be private or public/);
  });

  it("rejects chain id 1 and non-positive ones", function () {
    rejects({ chainId: 1 }, /--chain-id 1 is Ethereum mainnet's/);
    rejects({ chainId: 0 }, /--chain-id must be an integer/);
  });

  it("rejects a block period outside 1 to 3600 whole seconds", function () {
    rejects({ blockPeriod: 0 }, /--block-period must be an integer from 1 to 3600/);
    rejects({ blockPeriod: 3601 }, /--block-period/);
    rejects({ blockPeriod: 1.5 }, /--block-period/);
  });

  it("rejects an unpinned image, a host name and a bad account", function () {
    rejects({ besuImage: "hyperledger/besu" }, /must pin a version/);
    rejects({ besuImage: "hyperledger/besu:latest" }, /must pin a version/);
    rejects({ host: "localhost" }, /--host "localhost" must be an IPv4 address/);
    rejects({ accounts: "0x1234" }, /--accounts: "0x1234" is not an address/);
    rejects({ accounts: [EXTRA_ACCOUNT, EXTRA_ACCOUNT.toLowerCase()] }, /is listed twice/);
  });

  it("rejects unknown entry criteria", function () {
    rejects({ entryCriteria: { minTrust: 1 } }, /unknown key "minTrust"/);
    rejects({ entryCriteria: { minLegal: -1 } }, /minLegal must be a non-negative integer/);
  });
});

describe("network:create CLI", function () {
  // The processes start together in before(): each takes a second or two, mostly loading TypeScript.
  let results: Record<string, { code: number; stdout: string; stderr: string }>;
  let configDir: string;

  before(async function () {
    configDir = await mkdtemp(path.join(tmp, "cli-"));
    await writeFile(path.join(configDir, "bad.json"), "{ name: acme }");
    await writeFile(path.join(configDir, "unknown.json"), JSON.stringify({ name: "acme", chainID: 5 }));
    await writeFile(
      path.join(configDir, "good.json"),
      JSON.stringify({ name: "from-file", consensus: "ibft2", validators: 7, chainId: 4242, out: "written" }),
    );
    const cases: Record<string, string[]> = {
      unknownFlag: ["--name", "acme", "--consensus", "qbft", "--validators", "4", "--colour"],
      tooFew: ["--name", "acme", "--consensus", "qbft", "--validators", "3", "--out", path.join(configDir, "x")],
      publicIbft: ["--name", "acme", "--consensus", "ibft2", "--validators", "4", "--variant", "public"],
      badJson: ["--config", path.join(configDir, "bad.json")],
      unknownKey: ["--config", path.join(configDir, "unknown.json")],
      // The file's values, with --validators overridden by the flag.
      good: ["--config", path.join(configDir, "good.json"), "--validators", "4"],
      help: ["--help"],
    };
    const entries = await Promise.all(Object.entries(cases).map(async ([k, args]) => [k, await runCli(args)] as const));
    results = Object.fromEntries(entries);
  });

  for (const [name, pattern] of [
    ["unknownFlag", /^create: Unknown option '--colour'/],
    ["tooFew", /^create: --validators 3 is too few/],
    ["publicIbft", /^create: --variant public needs --consensus qbft/],
    ["badJson", /^create: config file .*bad\.json is not valid JSON/],
    ["unknownKey", /^create: config file .*unknown\.json: unknown key "chainID"/],
  ] as const) {
    it(`exits 2 with one line on stderr: ${name}`, function () {
      const { code, stdout, stderr } = results[name];
      expect(code).to.equal(2);
      expect(stdout).to.equal("");
      expect(stderr).to.match(pattern);
      expect(stderr.trimEnd().split("\n")).to.have.length(1);
    });
  }

  it("writes the network a config file describes, flags overriding it, and prints no private key", async function () {
    const { code, stdout, stderr } = results.good;
    expect(stderr).to.equal("");
    expect(code).to.equal(0);
    const dir = path.join(configDir, "written"); // relative to the config file
    const manifest = await readNetworkManifest(dir);
    expect(manifest).to.include({ name: "from-file", consensus: "ibft2", chainId: 4242 });
    expect(manifest.nodes).to.have.length(4);
    expect(stdout).to.include(`Created network "from-file" in ${dir}`);
    expect(stdout).to.include("static-nodes.json lists 4 enodes");
    for (const node of manifest.nodes) expect(stdout).to.include(getAddress(node.address));
    for (const keyFile of [...nodeDirs(manifest).map((d) => `${d}/key`), "accounts/deployer/key"]) {
      expect(stdout).to.not.include((await readText(dir, keyFile)).slice(2));
    }
  });

  it("prints the usage with --help", function () {
    expect(results.help.code).to.equal(0);
    expect(results.help.stdout).to.match(/^usage: network:create/);
  });
});
