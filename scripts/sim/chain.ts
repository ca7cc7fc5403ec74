/**
 * The simulator's chain: the suite deployed with the library's Ignition deployment on a fresh in-process chain,
 * and a lean transaction path. A simulation sends thousands of transactions, so they go straight to the node
 * (`eth_sendTransaction` from unlocked accounts, a fixed gas limit, no estimate, no signer round trips) and the
 * receipt's logs are decoded here. Automine is on: each transaction is its own block, as on a real chain where
 * every write moves the clock.
 */
import { type Interface, type LogDescription, getAddress, id, toBeHex } from "ethers";
import { network } from "hardhat";

import { type Connection, deploySuite } from "../../src/actions/deploySuite.js";
import { describeError } from "../../src/errors.js";
import type { EntityRegistry, PenaltyCases, TrustLedger } from "../../types/index.js";

/** Enough for any single operation of the suite (a platform batch is sent in chunks that fit). */
const GAS_LIMIT = 8_000_000n;

export interface SimChain {
  connection: Connection;
  registry: EntityRegistry;
  ledger: TrustLedger;
  penalty: PenaltyCases;
  addresses: { registry: string; ledger: string; penalty: string };
  /** The deployer: ADMIN, ASSESSOR (the platform) and RATIFIER (governance). */
  operator: string;
}

/** A transaction that reverted: the decoded custom error, one line. */
export class SimRevert extends Error {}

/** Deploys the suite with the given parameters on a fresh in-process chain. */
export async function openChain(parameters: Omit<Parameters<typeof deploySuite>[0], "connection">): Promise<SimChain> {
  // The default network as configured (coverage runs enlarge its contract size limit for instrumented code).
  const connection = await network.create();
  const [deployer] = await connection.ethers.getSigners();
  const suite = await deploySuite({ connection, ...parameters });
  return {
    connection,
    registry: suite.registry,
    ledger: suite.ledger,
    penalty: suite.penalty,
    addresses: {
      registry: suite.addresses.registry,
      ledger: suite.addresses.ledger,
      penalty: suite.addresses.penalty,
    },
    operator: deployer.address,
  };
}

/** A deterministic member account for simulated identity `n` (never a real key: the node sends for it). */
export function accountOf(n: number): string {
  return getAddress(`0x${id(`credence-sim-account-${n}`).slice(26)}`);
}

/** Unlocks `account` on the in-process node and gives it ether for gas. */
export async function unlock(chain: SimChain, account: string): Promise<void> {
  const provider = chain.connection.ethers.provider;
  await provider.send("hardhat_impersonateAccount", [account]);
  await provider.send("hardhat_setBalance", [account, toBeHex(10n ** 24n)]);
}

export interface Sent {
  logs: LogDescription[];
  block: number;
}

/**
 * Sends `data` to `to` from `from` and returns the logs of the contracts in `interfaces` it emitted, decoded.
 * A revert throws a {@link SimRevert} naming the custom error.
 */
export async function send(
  chain: SimChain,
  from: string,
  to: string,
  data: string,
  interfaces: Interface[],
): Promise<Sent> {
  const provider = chain.connection.ethers.provider;
  let hash: string;
  try {
    hash = await provider.send("eth_sendTransaction", [{ from, to, data, gas: toBeHex(GAS_LIMIT) }]);
  } catch (error) {
    throw new SimRevert(describeError(error, interfaces));
  }
  const receipt = await provider.send("eth_getTransactionReceipt", [hash]);
  if (receipt === null || receipt.status !== "0x1") throw new SimRevert(`transaction ${hash} failed`);
  const logs: LogDescription[] = [];
  for (const log of receipt.logs as Array<{ topics: string[]; data: string }>) {
    for (const contract of interfaces) {
      const parsed = contract.parseLog(log);
      if (parsed !== null) {
        logs.push(parsed);
        break;
      }
    }
  }
  return { logs, block: Number(receipt.blockNumber) };
}

/** Mines `blocks` empty blocks at once (time passing between rounds, voting periods). */
export async function mine(chain: SimChain, blocks: number): Promise<void> {
  if (blocks > 0) await chain.connection.ethers.provider.send("hardhat_mine", [toBeHex(blocks)]);
}

/** The current block number (the contracts' clock). */
export async function clock(chain: SimChain): Promise<number> {
  return Number(await chain.connection.ethers.provider.send("eth_blockNumber", []));
}

/** Takes an EVM snapshot to return to with {@link revertTo}. */
export async function snapshot(chain: SimChain): Promise<string> {
  return chain.connection.ethers.provider.send("evm_snapshot", []);
}

export async function revertTo(chain: SimChain, snapshotId: string): Promise<void> {
  const ok = await chain.connection.ethers.provider.send("evm_revert", [snapshotId]);
  if (ok !== true) throw new Error(`could not return to snapshot ${snapshotId}`);
}
