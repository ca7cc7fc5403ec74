import { readFile } from "node:fs/promises";
import path from "node:path";

import {
  FeeData,
  type HDNodeWallet,
  JsonRpcProvider,
  Network,
  Wallet,
  getAddress,
  isAddress,
  isKeystoreJson,
} from "ethers";

import { CredenceAccessManager__factory } from "../../types/factories/access/CredenceAccessManager__factory.js";
import { PenaltyCases__factory } from "../../types/factories/penalty/PenaltyCases__factory.js";
import { EntityRegistry__factory } from "../../types/factories/registry/EntityRegistry__factory.js";
import { TrustLedger__factory } from "../../types/factories/trust/TrustLedger__factory.js";
import type { CredenceAccessManager, EntityRegistry, PenaltyCases, TrustLedger } from "../../types/index.js";
import { CliError, ExitCode, usageError } from "./errors.js";
import { readPassword } from "./password.js";

/** The options every command accepts (before or after the command's name). */
export interface GlobalOptions {
  rpc?: string;
  deployment?: string;
  wallet?: string;
  json?: boolean;
  verbose?: boolean;
  /** Gas price in wei for transactions (a decimal string); default: see {@link choosePricing}. */
  gasPrice?: string;
}

/** The node used when neither `--rpc` nor CREDENCE_RPC_URL is given: Besu's and anvil's default HTTP port. */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/** How long the first request to the node may take before the node counts as unreachable. */
const PROBE_TIMEOUT_MS = 10_000;

/** Gas headroom over the node's estimate: a quarter (see {@link CredenceProvider.estimateGas}). */
const GAS_HEADROOM_DIVISOR = 4n;

/** How often a sent transaction's receipt is asked for. */
const RECEIPT_POLL_MS = 500;

/** The contracts a deployment file must name, as the deploy step writes them. */
export const CONTRACT_NAMES = ["CredenceAccessManager", "TrustLedger", "EntityRegistry", "PenaltyCases"] as const;

export type ContractName = (typeof CONTRACT_NAMES)[number];

/** A deployment file: `{ chainId, contracts: { Name: { address, abi? } } }` (the ABI is not needed). */
export interface Deployment {
  file: string;
  chainId: bigint;
  addresses: Record<ContractName, string>;
}

/**
 * The command line's provider: ethers' JSON-RPC provider with a gas price that can be fixed. ethers asks the node
 * (eth_gasPrice, eth_maxPriorityFeePerGas), and anvil answers 1 gwei even with a zero base fee, which an account
 * without funds on a free-gas network cannot pay; a fixed price, 0 there, replaces that estimate.
 */
export class CredenceProvider extends JsonRpcProvider {
  /** The legacy gas price every transaction is sent with; undefined: ethers' estimate from the node. */
  fixedGasPrice: bigint | undefined;

  /**
   * The node's estimate plus a quarter. A node estimates against the state it has (anvil and Besu: the pending
   * block), and a trust write costs more in a block where the organization has no checkpoint yet (~17,000 gas for
   * a new slot) or after more blocks of decay: an exact estimate can run out of gas when the transaction lands
   * in another block than the one it was estimated for. Unused gas is not charged (and gas is free on the
   * networks this targets).
   */
  override async estimateGas(transaction: Parameters<JsonRpcProvider["estimateGas"]>[0]): Promise<bigint> {
    const estimate = await super.estimateGas(transaction);
    return estimate + estimate / GAS_HEADROOM_DIVISOR;
  }

  override async getFeeData(): Promise<FeeData> {
    if (this.fixedGasPrice === undefined) return super.getFeeData();
    return new FeeData(this.fixedGasPrice, null, null);
  }
}

/** A connection to the node and the suite's contracts, read-only until a wallet is connected. */
export interface Chain {
  url: string;
  provider: CredenceProvider;
  chainId: bigint;
  deployment: Deployment;
  manager: CredenceAccessManager;
  ledger: TrustLedger;
  registry: EntityRegistry;
  penalty: PenaltyCases;
}

/** Progress and diagnostics for `--verbose`, on stderr so that stdout stays the result. */
export function debug(options: GlobalOptions, message: string): void {
  if (options.verbose) process.stderr.write(`credence: ${message}\n`);
}

/**
 * Connects to the node, reads the deployment file and checks both: the node must answer, be on the deployment's
 * chain, and hold code at each of the suite's addresses. Without `--deployment` the file is
 * `deployments/<chainId>.json` (in the working directory) of the node's chain.
 */
export async function connect(options: GlobalOptions): Promise<Chain> {
  const url = options.rpc ?? process.env.CREDENCE_RPC_URL ?? DEFAULT_RPC_URL;
  if (!/^https?:\/\//.test(url)) throw usageError(`--rpc must be an http:// or https:// URL, not "${url}"`);
  const chainId = await probeChainId(url);
  debug(options, `node at ${url} is chain ${chainId}`);

  const file = options.deployment ?? process.env.CREDENCE_DEPLOYMENT ?? path.join("deployments", `${chainId}.json`);
  const deployment = await readDeployment(file, options.deployment === undefined && !process.env.CREDENCE_DEPLOYMENT);
  if (deployment.chainId !== chainId) {
    throw new CliError(
      `wrong network: deployment file ${file} is for chain ${deployment.chainId}, the node at ${url} is chain ${chainId}`,
      ExitCode.Network,
    );
  }

  // The chain id is known: a static network spares ethers its own detection (which retries forever and logs).
  // No response cache, so that a batch's next transaction sees the nonce its previous one used; receipts polled
  // every half second rather than ethers' 4 s, a fraction of a Besu block period.
  const provider = new CredenceProvider(url, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: RECEIPT_POLL_MS,
  });
  const codes = await Promise.all(CONTRACT_NAMES.map((name) => provider.getCode(deployment.addresses[name])));
  const missing = CONTRACT_NAMES.findIndex((_, i) => codes[i] === "0x");
  if (missing !== -1) {
    const name = CONTRACT_NAMES[missing];
    provider.destroy();
    throw new CliError(
      `wrong network: no contract code at ${name} ${deployment.addresses[name]} (from ${file}) on chain ${chainId}`,
      ExitCode.Network,
    );
  }
  debug(options, `deployment ${file}: ${CONTRACT_NAMES.map((n) => `${n} ${deployment.addresses[n]}`).join(", ")}`);
  const { addresses } = deployment;
  return {
    url,
    provider,
    chainId,
    deployment,
    manager: CredenceAccessManager__factory.connect(addresses.CredenceAccessManager, provider),
    ledger: TrustLedger__factory.connect(addresses.TrustLedger, provider),
    registry: EntityRegistry__factory.connect(addresses.EntityRegistry, provider),
    penalty: PenaltyCases__factory.connect(addresses.PenaltyCases, provider),
  };
}

/**
 * The node's chain id from one `eth_chainId` request with a timeout. Plain fetch rather than an ethers provider:
 * a provider that cannot reach its node keeps retrying and logging instead of failing.
 */
async function probeChainId(url: string): Promise<bigint> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError(`cannot reach the node at ${url}: ${reasonOf(error)}`, ExitCode.Network, { cause: error });
  }
  const body = (await response.json().catch(() => undefined)) as { result?: unknown } | undefined;
  if (!response.ok || typeof body?.result !== "string" || !/^0x[0-9a-f]+$/i.test(body.result)) {
    throw new CliError(
      `the node at ${url} did not answer eth_chainId (HTTP ${response.status}): is it an Ethereum JSON-RPC endpoint?`,
      ExitCode.Network,
    );
  }
  return BigInt(body.result);
}

/** The innermost message of a fetch failure ("connect ECONNREFUSED 127.0.0.1:8545", "timed out"). */
function reasonOf(error: unknown): string {
  let current = error as { name?: string; message?: string; cause?: unknown } | undefined;
  while (current?.cause !== undefined && typeof current.cause === "object") current = current.cause as typeof current;
  if (current?.name === "TimeoutError") return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  return current?.message ?? String(error);
}

/** Reads and checks a deployment file; `defaulted` tells whether the user named it (for the message). */
export async function readDeployment(file: string, defaulted = false): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw usageError(
        defaulted
          ? `no deployment file ${file} for the node's chain: pass --deployment FILE`
          : `deployment file ${file} not found`,
      );
    }
    throw usageError(`cannot read deployment file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError(`deployment file ${file} is not valid JSON`);
  }
  const record = json as { chainId?: unknown; contracts?: Record<string, { address?: unknown } | undefined> };
  const chainId = record?.chainId;
  if (
    !(typeof chainId === "number" && Number.isSafeInteger(chainId) && chainId > 0) &&
    !(typeof chainId === "string" && /^[1-9]\d*$/.test(chainId))
  ) {
    throw usageError(`deployment file ${file}: chainId must be a positive integer`);
  }
  const addresses = {} as Record<ContractName, string>;
  for (const name of CONTRACT_NAMES) {
    const address = record.contracts?.[name]?.address;
    if (typeof address !== "string" || !isAddress(address)) {
      throw usageError(`deployment file ${file}: contracts.${name}.address is missing or not an address`);
    }
    addresses[name] = getAddress(address);
  }
  return { file, chainId: BigInt(chainId), addresses };
}

/**
 * Opens an encrypted JSON keystore (`--wallet FILE`) with the password from CREDENCE_PASSWORD or a hidden
 * prompt. A wrong password or a file that is not a keystore is a wallet failure (exit code 4).
 */
export async function openWallet(options: GlobalOptions): Promise<Wallet | HDNodeWallet> {
  const file = options.wallet;
  if (file === undefined) throw usageError("this command needs --wallet FILE (an encrypted JSON keystore)");
  let json: string;
  try {
    json = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
    throw new CliError(`wallet ${file}: ${reason}`, ExitCode.Wallet);
  }
  if (!isKeystoreJson(json)) throw new CliError(`wallet ${file} is not an encrypted JSON keystore`, ExitCode.Wallet);
  const password = await readPassword(`Password for ${file}: `);
  debug(options, `decrypting ${file}`);
  try {
    return await Wallet.fromEncryptedJson(json, password);
  } catch (error) {
    if ((error as { shortMessage?: string }).shortMessage === "incorrect password") {
      throw new CliError(`wrong password for wallet ${file}`, ExitCode.Wallet);
    }
    throw new CliError(`wallet ${file} cannot be decrypted: ${(error as Error).message}`, ExitCode.Wallet, {
      cause: error,
    });
  }
}
