/**
 * A small JSON-RPC-over-HTTP client for Besu's admin-side APIs (PERM, QBFT / IBFT, NET, ETH), with a per-call
 * timeout, typed errors and a bounded retry with exponential backoff.
 *
 * What is retried: connection failures, timeouts, HTTP 5xx / 429 and JSON-RPC `-32603` (internal error, which
 * Besu also returns as "Timeout expired"). What is not: any other JSON-RPC error, because Besu answers the same
 * request the same way again (an unknown or disabled method, bad parameters, an allowlist refusing a duplicate).
 */
import { getAddress } from "ethers";

/** JSON-RPC error codes Besu uses that callers test for. */
export const RpcErrorCode = {
  /** The method is unknown to Besu. */
  MethodNotFound: -32601,
  /** Besu knows the method but its API group is not in `--rpc-http-api` (or does not apply to this chain). */
  MethodNotEnabled: -32604,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Besu's generic server error; the message tells which (e.g. the allowlist errors). */
  ServerError: -32000,
} as const;

/** Why a call failed: before an answer (`network`, `timeout`), with a bad answer (`http`, `invalid-response`), or with a JSON-RPC error (`rpc`). */
export type RpcErrorKind = "network" | "timeout" | "http" | "invalid-response" | "rpc";

const API_GROUPS: Record<string, string> = {
  perm: "PERM",
  qbft: "QBFT",
  ibft: "IBFT",
  net: "NET",
  eth: "ETH",
  txpool: "TXPOOL",
  admin: "ADMIN",
};

/** The `--rpc-http-api` group a method belongs to, e.g. `PERM` for `perm_getAccountsAllowlist`. */
export function apiGroupOf(method: string): string {
  const prefix = method.split("_")[0];
  return API_GROUPS[prefix] ?? prefix.toUpperCase();
}

/** A failed JSON-RPC call; the message is one line naming the method and the URL. */
export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly method: string;
  readonly url: string;
  /** JSON-RPC error code (`kind === "rpc"`). */
  readonly code?: number;
  /** JSON-RPC error message as the node sent it (`kind === "rpc"`). */
  readonly rpcMessage?: string;
  /** JSON-RPC error data, if any. */
  readonly data?: unknown;
  /** HTTP status (`kind === "http"`). */
  readonly status?: number;
  /** How many attempts were made before giving up (set by {@link withRetry}). */
  attempts = 1;

  constructor(
    kind: RpcErrorKind,
    method: string,
    url: string,
    detail: string,
    extra: { code?: number; rpcMessage?: string; data?: unknown; status?: number; cause?: unknown } = {},
  ) {
    super(`${method} failed at ${url}: ${detail}`, { cause: extra.cause });
    this.name = "RpcError";
    this.kind = kind;
    this.method = method;
    this.url = url;
    this.code = extra.code;
    this.rpcMessage = extra.rpcMessage;
    this.data = extra.data;
    this.status = extra.status;
  }

  /** Whether sending the same request again may succeed. */
  get retryable(): boolean {
    switch (this.kind) {
      case "network":
      case "timeout":
        return true;
      case "http":
        return this.status !== undefined && (this.status >= 500 || this.status === 429);
      case "rpc":
        return this.code === RpcErrorCode.InternalError;
      default:
        return false;
    }
  }

  /** Whether the node says it does not serve this method (unknown, or its API group is not enabled). */
  get methodUnavailable(): boolean {
    return this.code === RpcErrorCode.MethodNotFound || this.code === RpcErrorCode.MethodNotEnabled;
  }
}

function describeRpcError(method: string, code: number, message: string): string {
  const base = `${message} (${code})`;
  if (code === RpcErrorCode.MethodNotFound || code === RpcErrorCode.MethodNotEnabled) {
    return `${base}: is the ${apiGroupOf(method)} API enabled on this node? (--rpc-http-api)`;
  }
  return base;
}

function networkDetail(error: unknown): string {
  // undici wraps the socket error: TypeError("fetch failed", { cause: { code: "ECONNREFUSED", … } }).
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return `cannot connect (${cause.code})`;
  return `cannot connect (${cause?.message ?? (error as Error).message})`;
}

export interface RpcCallOptions {
  /** Abort the call after this many milliseconds (default 10 000). */
  timeoutMs?: number;
}

let nextId = 1;

/** One JSON-RPC call, no retry. Throws {@link RpcError}. */
export async function rpcCall<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
  options: RpcCallOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const id = nextId++;
  let response: Response;
  let text: string;
  // The signal covers the body too: a node that sends headers and then stalls is a timeout as well.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) {
      throw new RpcError("timeout", method, url, `no answer within ${timeoutMs} ms`, { cause: error });
    }
    throw new RpcError("network", method, url, networkDetail(error), { cause: error });
  }
  if (!response.ok) {
    const status = response.status;
    throw new RpcError("http", method, url, `HTTP ${status} ${response.statusText}`.trim(), { status });
  }
  let body: { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new RpcError("invalid-response", method, url, "the answer is not JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RpcError("invalid-response", method, url, "the answer is not a JSON-RPC response object");
  }
  if (body.error !== undefined && body.error !== null) {
    const code = typeof body.error.code === "number" ? body.error.code : NaN;
    const message = typeof body.error.message === "string" ? body.error.message : "unknown error";
    throw new RpcError("rpc", method, url, describeRpcError(method, code, message), {
      code,
      rpcMessage: message,
      data: body.error.data,
    });
  }
  if (!("result" in body)) {
    throw new RpcError("invalid-response", method, url, "the answer has neither result nor error");
  }
  return body.result as T;
}

export interface RetryOptions {
  /** Total attempts, the first included (default 4). */
  attempts?: number;
  /** Delay before the first retry; each later retry doubles it (default 250 ms). */
  baseDelayMs?: number;
  /** Upper bound of one delay (default 5 000 ms). */
  maxDelayMs?: number;
  /** Which errors to retry (default: {@link isRetryable}). */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Whether an error from {@link rpcCall} is worth another attempt. */
export function isRetryable(error: unknown): boolean {
  return error instanceof RpcError && error.retryable;
}

/**
 * Runs `operation` until it succeeds, it throws an error that is not retryable, or `attempts` are spent, waiting
 * `baseDelayMs × 2^(n−1)` (capped at `maxDelayMs`) before retry n. The last error is rethrown; an {@link RpcError}
 * records how many attempts were made.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? 4));
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const shouldRetry = options.shouldRetry ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (error instanceof RpcError) error.attempts = attempt;
      if (attempt >= attempts || !shouldRetry(error)) throw error;
      const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export interface RpcClientOptions extends RpcCallOptions {
  retry?: RetryOptions;
}

/** A node's JSON-RPC endpoint: `call` retries as {@link withRetry} does; `callOnce` does not. */
export interface RpcClient {
  readonly url: string;
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  callOnce<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

/** A client for one node. */
export function createRpcClient(url: string, options: RpcClientOptions = {}): RpcClient {
  const callOptions = { timeoutMs: options.timeoutMs };
  return {
    url,
    call: (method, params = []) => withRetry(() => rpcCall(url, method, params, callOptions), options.retry),
    callOnce: (method, params = []) => rpcCall(url, method, params, callOptions),
  };
}

// ------------------------------------------------------------------ answer checking

/** A JSON-RPC quantity (`0x`-prefixed hex, no leading zeros required) as a safe integer; throws naming `what`. */
export function parseQuantity(value: unknown, what: string): number {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) {
    throw new Error(`unexpected ${what} ${JSON.stringify(value)}: expected a hex quantity`);
  }
  const n = Number.parseInt(value.slice(2), 16);
  if (!Number.isSafeInteger(n)) throw new Error(`unexpected ${what} ${value}: too large`);
  return n;
}

/** A block number as a JSON-RPC quantity. */
export function toQuantity(n: number): string {
  return "0x" + n.toString(16);
}

/**
 * Checks an address (`0x` and 40 hex digits; a mixed-case one must carry a valid EIP-55 checksum) and returns it
 * in lower case, the form Besu stores allowlists in. Throws naming `what` and the value.
 */
export function normalizeAddress(value: unknown, what: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new Error(`invalid ${what} "${String(value)}": expected 0x followed by 40 hex digits`);
  }
  try {
    getAddress(value);
  } catch {
    throw new Error(`invalid ${what} "${value}": bad EIP-55 checksum`);
  }
  return value.toLowerCase();
}
