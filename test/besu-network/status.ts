import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { Wallet } from "ethers";

import { RpcError, createRpcClient, rpcCall, withRetry } from "../../besu-network/src/rpc.js";
import { type GetNetworkStatusParameters, getNetworkStatus } from "../../besu-network/src/status.js";
import { FakeBesu, type FakeBesuState } from "./support/fakeBesu.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "besu-network/cli/status.ts");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

const NOW = 1_750_000_000;
const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
const newAddresses = (n: number) => Array.from({ length: n }, () => Wallet.createRandom().address.toLowerCase());

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("network status", function () {
  const validators = newAddresses(4);
  const [v0, v1, v2, v3] = validators;
  let fake: FakeBesu;
  let url: string;

  /** Four validators, round robin, 40 blocks, the latest 2 s old, 3 peers. */
  const healthyState = (): Partial<FakeBesuState> => ({
    consensus: "qbft",
    validators,
    height: 40,
    lastBlockTime: NOW - 2,
    peers: 3,
  });

  const status = (overrides: Partial<GetNetworkStatusParameters> = {}) =>
    getNetworkStatus({ rpc: url, client: { retry: FAST_RETRY }, now: () => NOW, ...overrides });

  beforeEach(async function () {
    fake = new FakeBesu(healthyState());
    url = await fake.start();
  });

  afterEach(async function () {
    await fake.stop();
  });

  describe("getNetworkStatus", function () {
    it("reports a healthy QBFT network: height, block age, peers, validators and their proposals", async function () {
      const result = await status();
      expect(result).to.include({
        url,
        consensus: "qbft",
        consensusDetected: true,
        height: 40,
        latestBlockTimestamp: NOW - 2,
        secondsSinceLastBlock: 2,
        peerCount: 3,
        idleThresholdBlocks: 8, // 2 × 4 validators
        healthy: true,
      });
      expect(result.problems).to.deep.equal([]);
      expect(result.metricsWindow).to.deep.equal({ from: 0, to: 40 });
      // Round robin over blocks 1–40: ten blocks each; v0 proposed the latest (40), which metrics exclude.
      expect(result.validators).to.deep.equal([
        {
          address: v0,
          proposedBlocks: 10,
          lastProposedBlock: 40,
          inMetrics: true,
          idleBlocks: 0,
          idleAtLeast: false,
          idle: false,
        },
        {
          address: v1,
          proposedBlocks: 10,
          lastProposedBlock: 37,
          inMetrics: true,
          idleBlocks: 3,
          idleAtLeast: false,
          idle: false,
        },
        {
          address: v2,
          proposedBlocks: 10,
          lastProposedBlock: 38,
          inMetrics: true,
          idleBlocks: 2,
          idleAtLeast: false,
          idle: false,
        },
        {
          address: v3,
          proposedBlocks: 10,
          lastProposedBlock: 39,
          inMetrics: true,
          idleBlocks: 1,
          idleAtLeast: false,
          idle: false,
        },
      ]);
    });

    it("reads every value at the pinned height", async function () {
      await status();
      const params = (method: string) => fake.log.filter((c) => c.method === method).map((c) => c.params);
      expect(params("eth_getBlockByNumber")).to.deep.equal([["0x28", false]]);
      expect(params("qbft_getValidatorsByBlockNumber")).to.deep.equal([["0x28"]]);
      expect(params("qbft_getSignerMetrics")).to.deep.equal([["0x0", "0x28"]]);
    });

    it("calls out a validator that stopped proposing, and is unhealthy", async function () {
      // v3 proposes until block 19; from block 21 on the three others take turns.
      fake.state.proposerOf = (b) => (b <= 20 ? validators[b % 4] : validators[b % 3]);
      const result = await status();
      expect(result.healthy).to.equal(false);
      const idle = result.validators.filter((v) => v.idle);
      expect(idle).to.have.length(1);
      expect(idle[0]).to.include({ address: v3, lastProposedBlock: 19, idleBlocks: 21, idleAtLeast: false });
      expect(result.problems).to.deep.equal([`1 of 4 validators idle for more than 8 blocks: ${v3}`]);
    });

    it("honours --idle-blocks", async function () {
      fake.state.proposerOf = (b) => (b <= 20 ? validators[b % 4] : validators[b % 3]);
      const result = await status({ idleBlocks: 30 });
      expect(result.idleThresholdBlocks).to.equal(30);
      expect(result.healthy).to.equal(true);
    });

    it("calls out a validator without a metrics entry, and one with a zero count", async function () {
      const [newcomer, silent] = newAddresses(2);
      fake.state.validators = [...validators, silent, newcomer];
      fake.state.height = 200;
      fake.state.proposerOf = (b) => validators[b % 4];
      // Besu lists a silent validator with zero counts; a raw answer can also leave one out entirely.
      fake.state.signerMetrics = [
        ...validators.map((address, i) => ({
          address,
          proposedBlockCount: "0x19",
          lastProposedBlockNumber: "0x" + (196 + i).toString(16),
        })),
        { address: silent, proposedBlockCount: "0x0", lastProposedBlockNumber: "0x0" },
      ];
      const result = await status();
      expect(result.idleThresholdBlocks).to.equal(12);
      expect(result.metricsWindow).to.deep.equal({ from: 100, to: 200 });
      const byAddress = new Map(result.validators.map((v) => [v.address, v]));
      // Nothing proposed in blocks 100–200: idle for at least 101 blocks.
      expect(byAddress.get(newcomer)).to.deep.include({
        inMetrics: false,
        idle: true,
        idleAtLeast: true,
        idleBlocks: 101,
      });
      expect(byAddress.get(silent)).to.deep.include({
        inMetrics: true,
        proposedBlocks: 0,
        lastProposedBlock: null,
        idle: true,
        idleBlocks: 101,
      });
      expect(byAddress.get(v0)).to.deep.include({ idle: false, lastProposedBlock: 200, proposedBlocks: 26 });
      expect(result.problems).to.deep.equal([`2 of 6 validators idle for more than 12 blocks: ${silent}, ${newcomer}`]);
    });

    it("asks for a window of at least the idle threshold plus one block", async function () {
      fake.state.height = 1000;
      await status({ idleBlocks: 500 });
      const call = fake.log.find((c) => c.method === "qbft_getSignerMetrics");
      // 1000 − 501 = 499 = 0x1f3
      expect(call?.params).to.deep.equal(["0x1f3", "0x3e8"]);
    });

    it("is unhealthy when the latest block is older than the limit", async function () {
      fake.state.lastBlockTime = NOW - 120;
      const stale = await status();
      expect(stale.healthy).to.equal(false);
      expect(stale.problems).to.deep.equal(["no new block for 120 s (more than 60 s)"]);
      expect((await status({ maxBlockAgeSeconds: 300 })).healthy).to.equal(true);
    });

    it("is unhealthy when a multi-validator node has no peers", async function () {
      fake.state.peers = 0;
      expect((await status()).problems).to.deep.equal(["the node has no peers"]);
    });

    it("reports a chain at its genesis block without asking for metrics", async function () {
      fake.state.height = 0;
      const result = await status();
      expect(result.metricsWindow).to.equal(null);
      expect(result.validators.every((v) => v.idleBlocks === 0 && !v.idle && v.lastProposedBlock === null)).to.equal(
        true,
      );
      expect(fake.callCount("qbft_getSignerMetrics")).to.equal(0);
    });

    describe("consensus", function () {
      it("detects IBFT 2.0 after QBFT answers that its methods are not enabled", async function () {
        fake.state.consensus = "ibft2";
        const result = await status();
        expect(result).to.include({ consensus: "ibft2", consensusDetected: true, healthy: true });
        expect(fake.callCount("qbft_getValidatorsByBlockNumber")).to.equal(1);
        expect(fake.callCount("ibft_getValidatorsByBlockNumber")).to.equal(1);
        expect(fake.callCount("ibft_getSignerMetrics")).to.equal(1);
        expect(fake.callCount("qbft_getSignerMetrics")).to.equal(0);
      });

      it("uses the given consensus without probing", async function () {
        fake.state.consensus = "ibft2";
        const result = await status({ consensus: "ibft2" });
        expect(result).to.include({ consensus: "ibft2", consensusDetected: false });
        expect(fake.callCount("qbft_getValidatorsByBlockNumber")).to.equal(0);
      });

      it("fails when neither API answers", async function () {
        fake.state.apis = new Set(["ETH", "NET", "PERM"]);
        const error = await status().catch((e: unknown) => e);
        expect(error).to.be.instanceOf(RpcError);
        expect((error as Error).message).to.include("neither the QBFT nor the IBFT API answers");
      });

      it("names the API to enable when the given consensus is wrong", async function () {
        fake.state.consensus = "ibft2";
        const error = (await status({ consensus: "qbft" }).catch((e: unknown) => e)) as RpcError;
        expect(error).to.be.instanceOf(RpcError);
        expect(error).to.include({ kind: "rpc", code: -32604, method: "qbft_getValidatorsByBlockNumber", url });
        expect(error.message).to.equal(
          `qbft_getValidatorsByBlockNumber failed at ${url}: Method not enabled (-32604): ` +
            "is the QBFT API enabled on this node? (--rpc-http-api)",
        );
        // A request the node calls wrong is not retried.
        expect(fake.callCount("qbft_getValidatorsByBlockNumber")).to.equal(1);
      });
    });
  });

  describe("rpc client", function () {
    it("retries HTTP 503 until the node answers", async function () {
      fake.failNext("eth_blockNumber", 2, "http503");
      expect(await createRpcClient(url, { retry: FAST_RETRY }).call("eth_blockNumber")).to.equal("0x28");
      expect(fake.callCount("eth_blockNumber")).to.equal(3);
    });

    it("gives up after the last attempt with the HTTP status", async function () {
      fake.failNext("net_peerCount", 5, "http503");
      const error = (await createRpcClient(url, { retry: FAST_RETRY })
        .call("net_peerCount")
        .catch((e: unknown) => e)) as RpcError;
      expect(error).to.include({ kind: "http", status: 503, attempts: 3, method: "net_peerCount", url });
      expect(fake.callCount("net_peerCount")).to.equal(3);
    });

    it("times out a call the node does not answer, and retries it", async function () {
      this.timeout(10_000);
      fake.failNext("net_peerCount", 1, "hang");
      const once = (await rpcCall(url, "net_peerCount", [], { timeoutMs: 150 }).catch((e: unknown) => e)) as RpcError;
      expect(once).to.include({ kind: "timeout", retryable: true });
      expect(once.message).to.equal(`net_peerCount failed at ${url}: no answer within 150 ms`);

      fake.failNext("net_peerCount", 1, "hang");
      const client = createRpcClient(url, { timeoutMs: 1000, retry: FAST_RETRY });
      expect(await client.call("net_peerCount")).to.equal("0x3");
      expect(fake.callCount("net_peerCount")).to.equal(3);
    });

    it("does not retry an unknown method", async function () {
      const error = (await createRpcClient(url, { retry: FAST_RETRY })
        .call("perm_nonsense")
        .catch((e: unknown) => e)) as RpcError;
      expect(error).to.include({ kind: "rpc", code: -32601, rpcMessage: "Method not found", attempts: 1 });
      expect(error.message).to.include("is the PERM API enabled on this node? (--rpc-http-api)");
      expect(fake.callCount("perm_nonsense")).to.equal(1);
    });

    it("reports a refused connection as a network error", async function () {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      const error = (await rpcCall(dead, "eth_blockNumber").catch((e: unknown) => e)) as RpcError;
      expect(error).to.include({ kind: "network", retryable: true });
      expect(error.message).to.equal(`eth_blockNumber failed at ${dead}: cannot connect (ECONNREFUSED)`);
    });

    it("backs off exponentially from the base delay", async function () {
      const delays: number[] = [];
      const failing = new RpcError("timeout", "eth_blockNumber", "http://x", "no answer");
      const error = await withRetry(() => Promise.reject(failing), {
        attempts: 4,
        baseDelayMs: 1,
        onRetry: (_e, _attempt, delayMs) => delays.push(delayMs),
      }).catch((e: unknown) => e);
      expect(error).to.equal(failing);
      expect(delays).to.deep.equal([1, 2, 4]);
      expect(failing.attempts).to.equal(4);
    });
  });

  describe("status command", function () {
    this.timeout(30_000);

    const runCli = (args: string[]) =>
      promisify(execFile)(process.execPath, [tsxCli, cli, ...args], { cwd: root }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    // The command reads the system clock: the latest block is a second old.
    beforeEach(function () {
      fake.state.lastBlockTime = Math.floor(Date.now() / 1000) - 1;
    });

    it("prints a healthy report and exits 0; an unhealthy one as JSON and exits 3", async function () {
      const healthy = await runCli(["--rpc", url]);
      expect(healthy).to.include({ code: 0, stderr: "" });
      expect(healthy.stdout).to.include("consensus         QBFT (detected)\n");
      expect(healthy.stdout).to.include("height            40\n");
      expect(healthy.stdout).to.include(`  ${v0}  proposed 10  last #40  idle 0\n`);
      expect(healthy.stdout).to.match(/status {12}healthy\n$/);

      fake.state.proposerOf = (b) => (b <= 20 ? validators[b % 4] : validators[b % 3]);
      const unhealthy = await runCli(["--rpc", url, "--json"]);
      expect(unhealthy).to.include({ code: 3, stderr: "" });
      const report = JSON.parse(unhealthy.stdout);
      expect(report.healthy).to.equal(false);
      expect(
        report.validators.filter((v: { idle: boolean }) => v.idle).map((v: { address: string }) => v.address),
      ).to.deep.equal([v3]);
    });

    it("reports IBFT 2.0 with --consensus ibft2 and an idle threshold", async function () {
      fake.state.consensus = "ibft2";
      const result = await runCli(["--rpc", url, "--consensus", "ibft2", "--idle-blocks", "2"]);
      // Round robin over four validators leaves each idle up to 3 blocks: more than 2.
      expect(result.code).to.equal(3);
      expect(result.stdout).to.include("consensus         IBFT 2.0\n");
      expect(result.stdout).to.include("validators        4, idle threshold 2 blocks\n");
      expect(result.stdout).to.include(`UNHEALTHY: 1 of 4 validators idle for more than 2 blocks: ${v1}`);
    });

    it("exits 1 with one line when the node is unreachable", async function () {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      const result = await runCli(["--rpc", dead, "--timeout", "2"]);
      expect(result).to.include({ code: 1, stdout: "" });
      expect(result.stderr).to.equal(`status: eth_blockNumber failed at ${dead}: cannot connect (ECONNREFUSED)\n`);
    });

    it("exits 2 with one line on bad input", async function () {
      const cases: [string[], string][] = [
        [[], "status: --rpc URL is required (see --help)\n"],
        [["--rpc", "localhost:8545"], 'status: --rpc must be an http(s) URL, got "localhost:8545"\n'],
        [["--rpc", url, "--consensus", "clique"], 'status: --consensus must be one of qbft, ibft2, got "clique"\n'],
        [["--rpc", url, "--idle-blocks", "0"], 'status: --idle-blocks must be a positive integer, got "0"\n'],
        [["--rpc", url, "--max-block-age", "1.5"], 'status: --max-block-age must be a positive integer, got "1.5"\n'],
      ];
      const [help, unknown, ...results] = await Promise.all([
        runCli(["--help"]),
        runCli(["--rpc", url, "--verbose"]),
        ...cases.map(([args]) => runCli(args)),
      ]);
      results.forEach((result, i) => expect(result).to.deep.equal({ code: 2, stdout: "", stderr: cases[i][1] }));
      expect(unknown).to.include({ code: 2, stdout: "" });
      expect(unknown.stderr).to.match(/^status: Unknown option '--verbose'[^\n]*\n$/);
      expect(help).to.include({ code: 0, stderr: "" });
      expect(help.stdout).to.match(/^usage: network:status -- --rpc URL/);
      expect(fake.callCount("eth_blockNumber")).to.equal(0);
    });
  });
});
