import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { Interface, Wallet, getAddress } from "ethers";
import { network } from "hardhat";

import {
  REGISTRY_ABI,
  getActiveMemberAccounts,
  syncAllowlist,
  syncNodeAllowlist,
  type SyncAllowlistParameters,
} from "../../besu-network/src/allowlist.js";
import { type NetworkManifest, readNetworkManifest } from "../../besu-network/src/manifest.js";
import { Org, REASON, deployCommunity } from "../registry/helpers.js";
import { serveChain as serveChainOf } from "../helpers/serveChain.js";
import { FakeBesu } from "./support/fakeBesu.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "besu-network/cli/sync-allowlist.ts");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const loadCommunity = () => networkHelpers.loadFixture(communityFixture);
const communityFixture = () => deployCommunity(connection);

const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
const lower = (...accounts: { address: string }[]) => accounts.map((a) => a.address.toLowerCase());
const sorted = (accounts: string[]) => [...accounts].sort();

const serveChain = () => serveChainOf(connection);

describe("allowlist sync", function () {
  let f: Awaited<ReturnType<typeof communityFixture>>;
  let registry: string;
  let nodeA: FakeBesu;
  let nodeB: FakeBesu;
  // The network's initial account (network.json) and an operator key given with --keep.
  const ops = Wallet.createRandom().address.toLowerCase();
  let deployer: string;

  /** Active member accounts of the fixture: org 1 (alice, alice2) and org 2 (bob). */
  const activeMembers = () => sorted(lower(f.alice, f.alice2, f.bob));

  beforeEach(async function () {
    f = await loadCommunity();
    registry = await f.registry.getAddress();
    deployer = f.governance.address.toLowerCase();
    // Node A: an active member is missing, a rejected and an unbound account are extra; frank is protected.
    nodeA = new FakeBesu({ allowlist: [deployer, ...lower(f.alice, f.dave, f.outsider, f.frank)] });
    // Node B: most accounts missing, both expelled accounts still allowed.
    nodeB = new FakeBesu({ allowlist: lower(f.bob, f.erin, f.erin2) });
    await Promise.all([nodeA.start(), nodeB.start()]);
  });

  afterEach(async function () {
    await Promise.all([nodeA.stop(), nodeB.stop()]);
  });

  const sync = (overrides: Partial<SyncAllowlistParameters> = {}) =>
    syncAllowlist({
      provider: ethers.provider,
      registry,
      nodes: [nodeA.url, nodeB.url],
      protectedAccounts: [getAddress(deployer), f.frank.address, ops],
      retry: FAST_RETRY,
      ...overrides,
    });

  describe("getActiveMemberAccounts", function () {
    it("finds the active member accounts, join-request admins included", async function () {
      const result = await getActiveMemberAccounts({ provider: ethers.provider, registry });
      expect(result.blockNumber).to.equal(await ethers.provider.getBlockNumber());
      // bob only ever appears in JoinRequested: the registry emits no MemberAdded for an organization's admin.
      expect(result.active).to.deep.equal(activeMembers());
      expect(result.candidates).to.deep.equal(
        sorted(lower(f.alice, f.alice2, f.bob, f.carol, f.carol2, f.dave, f.dave2, f.erin, f.erin2)),
      );
    });

    it("reads events in ranges of at most logsRange blocks", async function () {
      const small = await getActiveMemberAccounts({ provider: ethers.provider, registry, logsRange: 2 });
      expect(small.active).to.deep.equal(activeMembers());
      expect(small.candidates).to.have.length(9);
    });

    it("reads the membership at the pinned block", async function () {
      // The fixture's last transaction expels organization 5 (erin, erin2).
      const beforeExpulsion = (await ethers.provider.getBlockNumber()) - 1;
      const result = await getActiveMemberAccounts({
        provider: ethers.provider,
        registry,
        blockNumber: beforeExpulsion,
      });
      expect(result.active).to.deep.equal(sorted([...activeMembers(), ...lower(f.erin, f.erin2)]));
    });

    it("follows expulsions, releases and new members", async function () {
      await f.registry.connect(f.penalty).expel(Org.Active, REASON);
      await f.registry.connect(f.bob).addMember(Org.Active2, f.frank);
      const result = await getActiveMemberAccounts({ provider: ethers.provider, registry });
      expect(result.active).to.deep.equal(sorted(lower(f.bob, f.frank)));
      await f.registry.connect(f.bob).removeMember(Org.Active2, f.frank);
      expect((await getActiveMemberAccounts({ provider: ethers.provider, registry })).active).to.deep.equal(
        lower(f.bob),
      );
    });

    it("uses the registry's own event and function signatures", async function () {
      const ours = new Interface(REGISTRY_ABI);
      for (const name of ["JoinRequested", "MemberAdded"]) {
        expect(ours.getEvent(name)!.topicHash).to.equal(f.registry.interface.getEvent(name as "MemberAdded").topicHash);
      }
      expect(ours.getFunction("isActiveMember")!.selector).to.equal(
        f.registry.interface.getFunction("isActiveMember").selector,
      );
    });

    describe("reverts", function () {
      it("when there is no contract at the address", async function () {
        const nowhere = Wallet.createRandom().address;
        await expect(getActiveMemberAccounts({ provider: ethers.provider, registry: nowhere })).to.be.rejectedWith(
          `no contract at ${nowhere.toLowerCase()}`,
        );
      });

      it("when fromBlock is after the pinned block", async function () {
        await expect(
          getActiveMemberAccounts({ provider: ethers.provider, registry, fromBlock: 10_000 }),
        ).to.be.rejectedWith("--from-block 10000 is after the chain's block");
      });
    });
  });

  describe("syncAllowlist", function () {
    it("fixes each node's drift and never removes a protected account", async function () {
      const report = await sync();
      const desired = sorted([...activeMembers(), deployer, f.frank.address.toLowerCase(), ops]);
      expect(report).to.deep.include({ registry: registry.toLowerCase(), desired, dryRun: false, failed: [] });
      expect(report.activeMembers).to.deep.equal(activeMembers());
      expect(report.nodes).to.deep.equal([
        {
          url: nodeA.url,
          status: "synced",
          added: sorted([...lower(f.alice2, f.bob), ops]),
          removed: sorted(lower(f.dave, f.outsider)),
        },
        {
          url: nodeB.url,
          status: "synced",
          added: sorted([...lower(f.alice, f.alice2, f.frank), deployer, ops]),
          removed: sorted(lower(f.erin, f.erin2)),
        },
      ]);
      expect(sorted(nodeA.state.allowlist!)).to.deep.equal(desired);
      expect(sorted(nodeB.state.allowlist!)).to.deep.equal(desired);
      // frank is no member at all, but protected: still allowed.
      expect(nodeA.state.allowlist).to.include(f.frank.address.toLowerCase());
      // One add and one remove per node, then a confirming read.
      expect(nodeA.callCount("perm_addAccountsToAllowlist")).to.equal(1);
      expect(nodeA.callCount("perm_removeAccountsFromAllowlist")).to.equal(1);
      expect(nodeA.callCount("perm_getAccountsAllowlist")).to.equal(2);
    });

    it("changes nothing on a second run and says the nodes are in step", async function () {
      await sync();
      nodeA.resetCounts();
      nodeB.resetCounts();
      const again = await sync();
      expect(again.nodes.map((n) => n.status)).to.deep.equal(["in-step", "in-step"]);
      expect(again.nodes.every((n) => n.added.length === 0 && n.removed.length === 0)).to.equal(true);
      expect(nodeA.writeCount + nodeB.writeCount).to.equal(0);
      expect(nodeA.callCount("perm_getAccountsAllowlist")).to.equal(1);
    });

    it("follows the registry: an expelled organization's accounts are removed", async function () {
      await sync();
      await f.registry.connect(f.penalty).expel(Org.Active, REASON);
      const report = await sync();
      for (const node of report.nodes) {
        expect(node).to.deep.include({ status: "synced", added: [], removed: sorted(lower(f.alice, f.alice2)) });
      }
      expect(nodeB.state.allowlist).to.not.include(f.alice.address.toLowerCase());
    });

    it("reports the drift without writing on a dry run", async function () {
      const before = [[...nodeA.state.allowlist!], [...nodeB.state.allowlist!]];
      const report = await sync({ dryRun: true });
      expect(report.dryRun).to.equal(true);
      expect(report.nodes.map((n) => n.status)).to.deep.equal(["drift", "drift"]);
      expect(report.nodes[0]).to.deep.include({
        added: sorted([...lower(f.alice2, f.bob), ops]),
        removed: sorted(lower(f.dave, f.outsider)),
      });
      expect(nodeA.writeCount + nodeB.writeCount).to.equal(0);
      expect([nodeA.state.allowlist, nodeB.state.allowlist]).to.deep.equal(before);
    });

    it("retries a write that failed with HTTP 503", async function () {
      nodeA.failNext("perm_addAccountsToAllowlist", 2, "http503");
      const report = await sync();
      expect(report.nodes[0].status).to.equal("synced");
      expect(nodeA.callCount("perm_addAccountsToAllowlist")).to.equal(3);
      expect(nodeA.state.allowlist).to.include(ops);
    });

    it("recovers when a timed-out write did take effect", async function () {
      this.timeout(10_000);
      // The first add is applied but never answered; its retry is refused as a duplicate.
      nodeA.failNext("perm_addAccountsToAllowlist", 1, "apply-and-hang");
      const report = await sync({ timeoutMs: 1000 });
      expect(report.nodes[0]).to.deep.include({ status: "synced", added: sorted([...lower(f.alice2, f.bob), ops]) });
      expect(nodeA.callCount("perm_addAccountsToAllowlist")).to.equal(2);
      expect(sorted(nodeA.state.allowlist!)).to.deep.equal(report.desired);
    });

    it("carries on with the other nodes when one keeps failing, and names it", async function () {
      nodeB.failNext("perm_getAccountsAllowlist", 100, "http503");
      const report = await sync();
      expect(report.failed).to.deep.equal([nodeB.url]);
      expect(report.nodes[0].status).to.equal("synced");
      expect(report.nodes[1]).to.deep.include({ status: "failed", added: [], removed: [] });
      expect(report.nodes[1].error).to.equal(
        `perm_getAccountsAllowlist failed at ${nodeB.url}: HTTP 503 Service Unavailable (after 3 attempts)`,
      );
      expect(nodeB.callCount("perm_getAccountsAllowlist")).to.equal(3);
      expect(nodeB.writeCount).to.equal(0);
    });

    it("says how to enable the accounts allowlist when a node has none", async function () {
      nodeB.state.allowlist = null;
      const report = await sync();
      expect(report.nodes[1].error).to.equal(
        `perm_getAccountsAllowlist failed at ${nodeB.url}: Account allowlist has not been enabled (-32000): ` +
          "start the node with --permissions-accounts-config-file-enabled",
      );
    });

    it("does not retry a node whose PERM API is not enabled", async function () {
      nodeB.state.apis = new Set(["ETH", "NET", "QBFT"]);
      const report = await sync();
      expect(report.nodes[1].error).to.equal(
        `perm_getAccountsAllowlist failed at ${nodeB.url}: Method not enabled (-32604): ` +
          "is the PERM API enabled on this node? (--rpc-http-api)",
      );
      expect(nodeB.callCount("perm_getAccountsAllowlist")).to.equal(1);
    });
  });

  describe("syncNodeAllowlist", function () {
    it("compares addresses case-insensitively and keeps protected accounts the desired set lacks", async function () {
      // Besu stores and returns lower case; the registry, network.json and --keep may give checksummed addresses.
      nodeA.state.allowlist = [...lower(f.alice, f.bob), ops];
      const report = await syncNodeAllowlist({
        node: nodeA.url,
        desired: [getAddress(f.alice.address)],
        protectedAccounts: ["0x" + ops.slice(2).toUpperCase()],
        retry: FAST_RETRY,
      });
      expect(report).to.deep.equal({ url: nodeA.url, status: "synced", added: [], removed: lower(f.bob) });
      expect(nodeA.state.allowlist).to.deep.equal([f.alice.address.toLowerCase(), ops]);
    });
  });

  describe("readNetworkManifest", function () {
    let dir: string;
    const manifest = (): NetworkManifest => ({
      name: "acme",
      consensus: "qbft",
      variant: "private",
      chainId: 1337,
      blockPeriodSeconds: 2,
      validatorContract: null,
      nodes: [
        {
          name: "validator-1",
          role: "validator",
          address: ops,
          enode: "enode://" + "ab".repeat(64) + "@127.0.0.1:30303",
          rpcHttp: nodeA.url,
          rpcWs: "ws://127.0.0.1:8546",
          p2pPort: 30303,
          metricsPort: 9545,
        },
        {
          name: "member-1",
          role: "member",
          address: f.frank.address,
          enode: "enode://" + "cd".repeat(64) + "@127.0.0.1:30304",
          rpcHttp: nodeB.url,
          rpcWs: "ws://127.0.0.1:8548",
          p2pPort: 30304,
          metricsPort: 9546,
        },
      ],
      accounts: [{ name: "deployer", address: getAddress(deployer) }],
    });
    const write = (data: unknown) => writeFile(path.join(dir, "network.json"), JSON.stringify(data));

    beforeEach(async function () {
      dir = await mkdtemp(path.join(tmpdir(), "credence-network-"));
    });

    afterEach(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("reads a generated manifest", async function () {
      await write(manifest());
      expect(await readNetworkManifest(dir)).to.deep.equal(manifest());
    });

    describe("reverts", function () {
      it("when the file is missing", async function () {
        await expect(readNetworkManifest(dir)).to.be.rejectedWith(
          `${path.join(dir, "network.json")} not found: is ${dir} a generated network directory?`,
        );
      });

      it("when the file is not JSON", async function () {
        await writeFile(path.join(dir, "network.json"), "{ nodes: ");
        await expect(readNetworkManifest(dir)).to.be.rejectedWith("network.json is not valid JSON");
      });

      it("when a field is missing or wrong, naming it", async function () {
        const { accounts: _accounts, ...noAccounts } = manifest();
        await write(noAccounts);
        await expect(readNetworkManifest(dir)).to.be.rejectedWith("network.json: accounts is missing");

        const badNode = manifest();
        (badNode.nodes[1] as { rpcHttp: unknown }).rpcHttp = "127.0.0.1:8545";
        await write(badNode);
        await expect(readNetworkManifest(dir)).to.be.rejectedWith(
          "network.json: nodes[1].rpcHttp must be a http or https URL",
        );

        await write({ ...manifest(), validatorContract: "0x1234" });
        await expect(readNetworkManifest(dir)).to.be.rejectedWith(
          "network.json: validatorContract must be null or an address",
        );
      });
    });
  });

  describe("sync-allowlist command", function () {
    this.timeout(30_000);
    let chain: { url: string; server: Server };
    let dir: string;

    const runCli = (args: string[]) =>
      promisify(execFile)(process.execPath, [tsxCli, cli, ...args], { cwd: root }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    beforeEach(async function () {
      chain = await serveChain();
      dir = await mkdtemp(path.join(tmpdir(), "credence-network-"));
      const nodes = [nodeA, nodeB].map((node, i) => ({
        name: `validator-${i + 1}`,
        role: "validator",
        address: Wallet.createRandom().address,
        enode: `enode://${"ab".repeat(64)}@127.0.0.1:${30303 + i}`,
        rpcHttp: node.url,
        rpcWs: `ws://127.0.0.1:${8546 + 2 * i}`,
        p2pPort: 30303 + i,
        metricsPort: 9545 + i,
      }));
      const manifest = {
        name: "acme",
        consensus: "qbft",
        variant: "private",
        chainId: 31337,
        blockPeriodSeconds: 2,
        validatorContract: null,
        nodes,
        accounts: [{ name: "deployer", address: getAddress(deployer) }],
      };
      await writeFile(path.join(dir, "network.json"), JSON.stringify(manifest, null, 2));
    });

    afterEach(async function () {
      chain.server.closeAllConnections();
      await new Promise((resolve) => chain.server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    });

    it("syncs the nodes of a network directory, then finds them in step", async function () {
      const args = ["--registry", registry, "--network-dir", dir, "--chain-rpc", chain.url, "--keep", ops];
      const first = await runCli(args);
      expect(first).to.include({ code: 0, stderr: "" });
      const lines = first.stdout.trimEnd().split("\n");
      expect(lines[0]).to.match(
        new RegExp(`^registry ${registry.toLowerCase()} at block \\d+: 3 active member account\\(s\\), 2 protected$`),
      );
      expect(lines[1]).to.equal(
        `${nodeA.url}  added 3: ${sorted([...lower(f.alice2, f.bob), ops]).join(", ")}; ` +
          `removed 3: ${sorted(lower(f.dave, f.outsider, f.frank)).join(", ")}`,
      );
      expect(lines[2]).to.match(new RegExp(`^${nodeB.url}  added 4: .*; removed 2: `));
      const desired = sorted([...activeMembers(), deployer, ops]);
      expect(sorted(nodeA.state.allowlist!)).to.deep.equal(desired);
      expect(sorted(nodeB.state.allowlist!)).to.deep.equal(desired);

      nodeA.resetCounts();
      nodeB.resetCounts();
      const second = await runCli([...args, "--json"]);
      expect(second).to.include({ code: 0, stderr: "" });
      expect(JSON.parse(second.stdout).nodes.map((n: { status: string }) => n.status)).to.deep.equal([
        "in-step",
        "in-step",
      ]);
      expect(nodeA.writeCount + nodeB.writeCount).to.equal(0);
    });

    it("exits 3 on a dry run that finds drift, and writes nothing", async function () {
      const result = await runCli(["--registry", registry, "--rpc", nodeA.url, "--chain-rpc", chain.url, "--dry-run"]);
      expect(result).to.include({ code: 3, stderr: "" });
      expect(result.stdout).to.include("(dry run: nothing changed)");
      expect(result.stdout).to.include(`${nodeA.url}  would add 2: `);
      expect(nodeA.writeCount).to.equal(0);
    });

    it("exits 1 naming a node that keeps failing, after syncing the others", async function () {
      nodeB.failNext("perm_getAccountsAllowlist", 100, "http503");
      const result = await runCli([
        "--registry",
        registry,
        "--rpc",
        `${nodeA.url},${nodeB.url}`,
        "--chain-rpc",
        chain.url,
        "--retries",
        "1",
      ]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.equal(`sync-allowlist: 1 of 2 node(s) failed: ${nodeB.url}\n`);
      expect(result.stdout).to.include(
        `${nodeB.url}  FAILED: perm_getAccountsAllowlist failed at ${nodeB.url}: HTTP 503`,
      );
      expect(nodeB.callCount("perm_getAccountsAllowlist")).to.equal(2);
      expect(sorted(nodeA.state.allowlist!)).to.deep.equal(activeMembers());
    });

    it("exits 2 with one line on bad input", async function () {
      const missingDir = path.join(dir, "nowhere");
      const cases: [string[], string][] = [
        [["--rpc", nodeA.url], "sync-allowlist: --registry 0xADDR is required (see --help)\n"],
        [
          ["--registry", "0x1234", "--rpc", nodeA.url],
          'sync-allowlist: invalid --registry address "0x1234": expected 0x followed by 40 hex digits\n',
        ],
        [["--registry", registry], "sync-allowlist: give exactly one of --rpc URL[,URL…] and --network-dir DIR\n"],
        [
          ["--registry", registry, "--rpc", nodeA.url, "--network-dir", dir],
          "sync-allowlist: give exactly one of --rpc URL[,URL…] and --network-dir DIR\n",
        ],
        [
          ["--registry", registry, "--network-dir", missingDir],
          `sync-allowlist: ${path.join(missingDir, "network.json")} not found: is ${missingDir} a generated network directory?\n`,
        ],
        [
          ["--registry", registry, "--rpc", nodeA.url, "--keep", "0xnope"],
          'sync-allowlist: invalid --keep account "0xnope": expected 0x followed by 40 hex digits\n',
        ],
        [
          ["--registry", registry, "--rpc", nodeA.url, "--from-block", "latest"],
          'sync-allowlist: --from-block must be a non-negative integer, got "latest"\n',
        ],
      ];
      const results = await Promise.all(cases.map(([args]) => runCli(args)));
      results.forEach((result, i) => expect(result).to.deep.equal({ code: 2, stdout: "", stderr: cases[i][1] }));
      expect(nodeA.callCount("perm_getAccountsAllowlist")).to.equal(0);
    });
  });
});
