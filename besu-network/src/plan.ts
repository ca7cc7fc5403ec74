/**
 * A NetworkPlan is everything the generator decides before writing a byte: the checked options, every node's
 * keys, name and ports, and the deployer account. The artifact builders are pure functions of a plan, so a test
 * can build them in memory and a failed write never leaves a half-decided network behind.
 */
import { enodeUrl, generateKeyPair, type KeyPair } from "./keys.js";
import type { NetworkManifest, NetworkManifestAccount, NodeRole } from "./manifest.js";
import type { CreateNetworkOptions } from "./options.js";
import { DEFAULT_VALIDATOR_CONTRACT } from "./validatorSet.js";

/**
 * The ports of one node. Node `i` (0-based: validators first, then members) gets
 *   P2P (TCP and UDP discovery) 30303 + i, JSON-RPC HTTP 8545 + 2i, JSON-RPC WebSocket 8546 + 2i, metrics 9545 + i.
 * Node 0 thus has Besu's default ports. With at most 128 nodes the ranges stay apart: HTTP/WS 8545–8800 (even/odd),
 * metrics 9545–9672, P2P 30303–30430, so no two services of any nodes share a port.
 */
export interface NodePorts {
  p2p: number;
  rpcHttp: number;
  rpcWs: number;
  metrics: number;
}

/** Ports of the node at `index`; see NodePorts for the scheme. */
export function nodePorts(index: number): NodePorts {
  if (!Number.isInteger(index) || index < 0 || index >= 128) throw new Error(`node index ${index} out of 0 … 127`);
  return { p2p: 30303 + index, rpcHttp: 8545 + 2 * index, rpcWs: 8546 + 2 * index, metrics: 9545 + index };
}

export interface PlannedNode {
  /** `validator-1` … / `member-1` …: also the node's directory under nodes/. */
  name: string;
  role: NodeRole;
  keys: KeyPair;
  ports: NodePorts;
  enode: string;
}

export interface NetworkPlan {
  options: CreateNetworkOptions;
  /** Validators (ascending by address, so validator-1 is the first in extraData), then members. */
  nodes: PlannedNode[];
  /** The account that deploys the suite: allowlisted and funded in genesis. */
  deployer: KeyPair;
  /** Genesis block timestamp, seconds. */
  timestamp: number;
}

export interface PlanNetworkParameters {
  /** Key source; tests may pass a deterministic one. */
  generateKey?: () => KeyPair;
  /** Genesis timestamp in seconds; now by default. */
  timestamp?: number;
}

/** Draws every key and assigns names and ports. */
export function planNetwork(
  options: CreateNetworkOptions,
  { generateKey = generateKeyPair, timestamp = Math.floor(Date.now() / 1000) }: PlanNetworkParameters = {},
): NetworkPlan {
  const validatorKeys = Array.from({ length: options.validators }, generateKey).sort((a, b) =>
    a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1,
  );
  const memberKeys = Array.from({ length: options.members }, generateKey);
  const node = (role: NodeRole, keys: KeyPair, number: number, index: number): PlannedNode => {
    const ports = nodePorts(index);
    return { name: `${role}-${number}`, role, keys, ports, enode: enodeUrl(keys.publicKey, options.host, ports.p2p) };
  };
  const nodes = [
    ...validatorKeys.map((keys, i) => node("validator", keys, i + 1, i)),
    ...memberKeys.map((keys, i) => node("member", keys, i + 1, validatorKeys.length + i)),
  ];
  const deployer = generateKey();
  const addresses = new Set([...nodes.map((n) => n.keys.address), deployer.address, ...options.accounts]);
  if (addresses.size !== nodes.length + 1 + options.accounts.length) {
    // Only a caller-supplied key source or --accounts naming a generated key can collide.
    throw new Error("two keys of the plan share an address: use distinct keys");
  }
  return { options, nodes, deployer, timestamp };
}

/** The validator nodes, ascending by address. */
export function validatorNodes(plan: NetworkPlan): PlannedNode[] {
  return plan.nodes.filter((n) => n.role === "validator");
}

/**
 * The accounts every node's `accounts-allowlist` starts with: the deployer, the `--accounts`, and in a public
 * community the validators, which send the ValidatorSet votes themselves.
 */
export function initialAccounts(plan: NetworkPlan): NetworkManifestAccount[] {
  const accounts: NetworkManifestAccount[] = [{ name: "deployer", address: plan.deployer.address }];
  plan.options.accounts.forEach((address, i) => accounts.push({ name: `account-${i + 1}`, address }));
  if (plan.options.variant === "public") {
    for (const node of validatorNodes(plan)) accounts.push({ name: node.name, address: node.keys.address });
  }
  return accounts;
}

/** The validator-selection contract of a public community, or null. */
export function validatorContract(plan: NetworkPlan): string | null {
  return plan.options.variant === "public" ? DEFAULT_VALIDATOR_CONTRACT : null;
}

/** `network.json`: what the operating commands (status, allowlist sync) read. No private keys. */
export function buildManifest(plan: NetworkPlan): NetworkManifest {
  const { options } = plan;
  return {
    name: options.name,
    consensus: options.consensus,
    variant: options.variant,
    chainId: options.chainId,
    blockPeriodSeconds: options.blockPeriod,
    validatorContract: validatorContract(plan),
    nodes: plan.nodes.map((node) => ({
      name: node.name,
      role: node.role,
      address: node.keys.address,
      enode: node.enode,
      rpcHttp: `http://${options.host}:${node.ports.rpcHttp}`,
      rpcWs: `ws://${options.host}:${node.ports.rpcWs}`,
      p2pPort: node.ports.p2p,
      metricsPort: node.ports.metrics,
    })),
    accounts: initialAccounts(plan),
  };
}
