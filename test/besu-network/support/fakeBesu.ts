/**
 * A STAND-IN FOR A BESU NODE'S JSON-RPC ENDPOINT, NOT BESU. Besu cannot run on the machines these tests run on,
 * so this small HTTP server answers the handful of methods the network commands use, following Besu's
 * documentation (besu.hyperledger.org, "Private network API methods") and, where the documentation is silent,
 * Besu's source (hyperledger/besu):
 *
 * - a method Besu does not know answers `-32601 Method not found`; a method Besu knows whose API group is not
 *   enabled, or that does not apply to the chain's consensus (`qbft_*` on IBFT 2.0), answers
 *   `-32604 Method not enabled` (`JsonRpcExecutor.validateMethodAvailability`);
 * - `perm_addAccountsToAllowlist` / `perm_removeAccountsFromAllowlist` lower-case the accounts, then refuse, in
 *   this order, an empty list, an invalid account, duplicates in the request, and (all or nothing) an account
 *   already present / absent, each as `-32000` with Besu's message (`AccountLocalConfigPermissioningController`,
 *   `RpcErrorType`); success is the string `"Success"`;
 * - `*_getSignerMetrics` counts the proposer (the block's coinbase) of each block in `[from, to)` — the end is
 *   exclusive — and adds every current validator with zero counts (`AbstractGetSignerMetricsMethod`); without
 *   parameters the range is the last 100 blocks;
 * - quantities are lower-case hex (`0x1a`), HTTP status 200 for JSON-RPC errors.
 *
 * Test hooks: {@link FakeBesu.state} is read on every request, {@link FakeBesu.failNext} injects failures
 * (HTTP 503, or a request left unanswered, applied or not), {@link FakeBesu.calls} counts requests per method.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

import type { Consensus } from "../../../besu-network/src/extraData.js";

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export type ApiGroup = "ETH" | "NET" | "QBFT" | "IBFT" | "PERM";

export interface SignerMetricJson {
  address: string;
  proposedBlockCount: string;
  lastProposedBlockNumber: string;
}

export interface FakeBesuState {
  consensus: Consensus;
  /** The `--rpc-http-api` groups enabled (the consensus group still has to match `consensus`). */
  apis: Set<ApiGroup>;
  /** Number of the latest block. */
  height: number;
  /** Unix time (seconds) of the latest block; earlier blocks are `blockPeriodSeconds` apart. */
  lastBlockTime: number;
  blockPeriodSeconds: number;
  peers: number;
  /** The validators of every block (the fake does not model validator votes). */
  validators: string[];
  /** The proposer (coinbase) of block n ≥ 1; by default round robin over `validators`. */
  proposerOf: (block: number) => string;
  /** A raw `*_getSignerMetrics` result to return instead of the computed one (e.g. to leave a validator out). */
  signerMetrics: SignerMetricJson[] | null;
  /** The accounts allowlist as stored (lower case), or null when account permissioning is not enabled. */
  allowlist: string[] | null;
}

/**
 * `http503`: answer HTTP 503 without doing anything; `hang`: never answer; `apply-and-hang`: do what was asked,
 * then never answer (a write that timed out at the client but took effect).
 */
export type Failure = "http503" | "hang" | "apply-and-hang";

interface JsonRpcRequest {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const METHOD_NOT_FOUND = () => new RpcFailure(-32601, "Method not found");
const METHOD_NOT_ENABLED = () => new RpcFailure(-32604, "Method not enabled");
const INVALID_PARAMS = () => new RpcFailure(-32602, "Invalid params");
// Besu's RpcErrorType messages for the account allowlist.
const ALLOWLIST = {
  notEnabled: () => new RpcFailure(-32000, "Account allowlist has not been enabled"),
  empty: () => new RpcFailure(-32000, "Request contains an empty list of accounts"),
  invalid: () => new RpcFailure(-32000, "Request contains an invalid account"),
  duplicated: () => new RpcFailure(-32000, "Request contains duplicate accounts"),
  existing: () => new RpcFailure(-32000, "Cannot add an existing account to allowlist"),
  absent: () => new RpcFailure(-32000, "Cannot remove an absent account from allowlist"),
};

const hex = (n: number) => "0x" + n.toString(16);

/** A Besu-like JSON-RPC server on 127.0.0.1 and a random port. */
export class FakeBesu {
  state: FakeBesuState;
  /** Requests received per method, failed ones included. */
  readonly calls = new Map<string, number>();
  /** Every request received, in order. */
  readonly log: { method: string; params: unknown[] }[] = [];

  #server: Server | null = null;
  #failures = new Map<string, { mode: Failure; remaining: number }>();
  #hanging = new Set<ServerResponse>();

  constructor(state: Partial<FakeBesuState> = {}) {
    const validators = (state.validators ?? []).map((v) => v.toLowerCase());
    this.state = {
      consensus: "qbft",
      apis: new Set<ApiGroup>(["ETH", "NET", "QBFT", "IBFT", "PERM"]),
      height: 0,
      lastBlockTime: Math.floor(Date.now() / 1000),
      blockPeriodSeconds: 2,
      peers: Math.max(0, validators.length - 1),
      proposerOf: (block) => this.state.validators[block % this.state.validators.length] ?? ZERO_ADDRESS,
      signerMetrics: null,
      allowlist: [],
      ...state,
      validators,
    };
  }

  /** Starts listening; resolves to the endpoint URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    if (this.#server === null) throw new Error("the fake node is not started");
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops open connections, hanging requests included. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    this.#server = null;
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `count` requests for `method` fail as `mode` says. */
  failNext(method: string, count: number, mode: Failure = "http503"): void {
    this.#failures.set(method, { mode, remaining: count });
  }

  /** Requests received for `method`. */
  callCount(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  /** Requests received for the allowlist-changing methods. */
  get writeCount(): number {
    return this.callCount("perm_addAccountsToAllowlist") + this.callCount("perm_removeAccountsFromAllowlist");
  }

  resetCounts(): void {
    this.calls.clear();
    this.log.length = 0;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of req) body += chunk;
    let request: JsonRpcRequest | JsonRpcRequest[];
    try {
      request = JSON.parse(body);
    } catch {
      return this.#send(res, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
    }
    const requests = Array.isArray(request) ? request : [request];
    for (const r of requests) {
      const method = typeof r.method === "string" ? r.method : "";
      this.calls.set(method, this.callCount(method) + 1);
      this.log.push({ method, params: Array.isArray(r.params) ? r.params : [] });
      const failure = this.#failures.get(method);
      if (failure !== undefined && failure.remaining > 0) {
        failure.remaining -= 1;
        if (failure.mode === "apply-and-hang") this.#answer(r);
        if (failure.mode === "hang" || failure.mode === "apply-and-hang") {
          this.#hanging.add(res);
          res.on("close", () => this.#hanging.delete(res));
          return;
        }
        res.writeHead(503, { "content-type": "text/plain" }).end("Service Unavailable");
        return;
      }
    }
    const answers = requests.map((r) => this.#answer(r));
    this.#send(res, Array.isArray(request) ? answers : answers[0]);
  }

  #send(res: ServerResponse, payload: unknown): void {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(payload));
  }

  #answer(request: JsonRpcRequest): unknown {
    const id = request.id ?? null;
    try {
      const method = typeof request.method === "string" ? request.method : "";
      const params = Array.isArray(request.params) ? request.params : [];
      return { jsonrpc: "2.0", id, result: this.#dispatch(method, params) };
    } catch (error) {
      if (error instanceof RpcFailure)
        return { jsonrpc: "2.0", id, error: { code: error.code, message: error.message } };
      return { jsonrpc: "2.0", id, error: { code: -32603, message: "Internal error" } };
    }
  }

  #dispatch(method: string, params: unknown[]): unknown {
    const group = (
      { eth: "ETH", net: "NET", qbft: "QBFT", ibft: "IBFT", perm: "PERM" } as Record<string, ApiGroup | undefined>
    )[method.split("_")[0]];
    const handler = this.#methods[method];
    if (handler === undefined || group === undefined) throw METHOD_NOT_FOUND();
    if (!this.state.apis.has(group)) throw METHOD_NOT_ENABLED();
    // The consensus methods of the other protocol are known to Besu but not registered on this chain.
    if (
      (group === "QBFT" && this.state.consensus !== "qbft") ||
      (group === "IBFT" && this.state.consensus !== "ibft2")
    ) {
      throw METHOD_NOT_ENABLED();
    }
    return handler(params);
  }

  #methods: Record<string, (params: unknown[]) => unknown> = {
    eth_blockNumber: () => hex(this.state.height),
    eth_getBlockByNumber: (params) => {
      const n = this.#blockNumber(params[0], this.state.height);
      return n === null ? null : this.#block(n);
    },
    net_peerCount: () => hex(this.state.peers),
    qbft_getValidatorsByBlockNumber: (params) => this.#validatorsAt(params),
    ibft_getValidatorsByBlockNumber: (params) => this.#validatorsAt(params),
    qbft_getSignerMetrics: (params) => this.#signerMetrics(params),
    ibft_getSignerMetrics: (params) => this.#signerMetrics(params),
    perm_getAccountsAllowlist: () => [...this.#allowlist()],
    perm_addAccountsToAllowlist: (params) => {
      const accounts = this.#allowlistInput(params);
      const allowlist = this.#allowlist();
      if (accounts.some((a) => allowlist.includes(a))) throw ALLOWLIST.existing();
      allowlist.push(...accounts);
      return "Success";
    },
    perm_removeAccountsFromAllowlist: (params) => {
      const accounts = this.#allowlistInput(params);
      const allowlist = this.#allowlist();
      if (!accounts.every((a) => allowlist.includes(a))) throw ALLOWLIST.absent();
      this.state.allowlist = allowlist.filter((a) => !accounts.includes(a));
      return "Success";
    },
  };

  /** A block parameter: hex or decimal number, or a tag; null for a block the chain does not have. */
  #blockNumber(param: unknown, fallback: number): number | null {
    if (param === undefined) return fallback;
    if (param === "latest" || param === "pending" || param === "safe" || param === "finalized")
      return this.state.height;
    if (param === "earliest") return 0;
    if (typeof param !== "string" || !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(param)) throw INVALID_PARAMS();
    const n = Number(param);
    return n > this.state.height ? null : n;
  }

  #block(n: number) {
    const hash = "0x" + n.toString(16).padStart(64, "0");
    return {
      number: hex(n),
      hash,
      parentHash:
        "0x" +
        Math.max(0, n - 1)
          .toString(16)
          .padStart(64, "0"),
      timestamp: hex(this.state.lastBlockTime - (this.state.height - n) * this.state.blockPeriodSeconds),
      // Besu's BFT block interface takes the proposer from the coinbase.
      miner: n === 0 ? ZERO_ADDRESS : this.state.proposerOf(n).toLowerCase(),
      extraData: "0x",
      gasLimit: hex(30_000_000),
      gasUsed: "0x0",
      baseFeePerGas: "0x0",
      transactions: [],
    };
  }

  #validatorsAt(params: unknown[]): string[] | null {
    if (params.length !== 1) throw INVALID_PARAMS();
    return this.#blockNumber(params[0], this.state.height) === null ? null : [...this.state.validators];
  }

  #signerMetrics(params: unknown[]): SignerMetricJson[] {
    const head = this.state.height;
    const from = params.length > 0 ? this.#blockNumber(params[0], head) : Math.max(0, head - 100);
    // An end past the head means the head.
    const to = params.length > 1 ? (this.#blockNumber(params[1], head) ?? head) : head;
    if (from === null || from >= to) throw new RpcFailure(-32602, "Invalid block number params");
    if (this.state.signerMetrics !== null) return this.state.signerMetrics;
    const metrics = new Map<string, { count: number; last: number }>();
    for (let n = from; n < to; n++) {
      const proposer = n === 0 ? ZERO_ADDRESS : this.state.proposerOf(n).toLowerCase();
      const entry = metrics.get(proposer) ?? { count: 0, last: 0 };
      metrics.set(proposer, { count: entry.count + 1, last: n });
    }
    for (const validator of this.state.validators) {
      if (!metrics.has(validator)) metrics.set(validator, { count: 0, last: 0 });
    }
    return [...metrics].map(([address, { count, last }]) => ({
      address,
      proposedBlockCount: hex(count),
      lastProposedBlockNumber: hex(last),
    }));
  }

  #allowlist(): string[] {
    if (this.state.allowlist === null) throw ALLOWLIST.notEnabled();
    return this.state.allowlist;
  }

  /** Besu's input checks for the allowlist-changing methods, in Besu's order. */
  #allowlistInput(params: unknown[]): string[] {
    this.#allowlist();
    const list = params[0];
    if (!Array.isArray(list)) throw new RpcFailure(-32602, "Invalid accounts list parameter (index 0)");
    const accounts = list.map((a) => (typeof a === "string" ? a.toLowerCase() : a));
    if (accounts.length === 0) throw ALLOWLIST.empty();
    if (!accounts.every((a) => typeof a === "string" && /^0x[0-9a-f]{40}$/.test(a))) throw ALLOWLIST.invalid();
    if (new Set(accounts).size !== accounts.length) throw ALLOWLIST.duplicated();
    return accounts as string[];
  }
}
