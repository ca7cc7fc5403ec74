/**
 * The public community's ValidatorSet contract as a genesis `alloc` entry: runtime code from the compiled
 * artifact, initial storage computed from solc's storage-layout output (see storageLayout.ts), so the contract
 * answers `getValidators()` from block 0 without ever being deployed by a transaction.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { getAddress } from "ethers";

import { encodeStorage, type GenesisStorage, type StorageLayout } from "./storageLayout.js";

/** The repository root (this file is besu-network/src/validatorSet.ts). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where Hardhat writes the ValidatorSet artifact, relative to the repository root. */
export const VALIDATOR_SET_ARTIFACT = "artifacts/contracts/network/ValidatorSet.sol/ValidatorSet.json";

/** Largest set the contract accepts (ValidatorSet.MAX_AUTHORITIES). */
export const MAX_AUTHORITIES = 64;

/** Default address of the pre-deployed contract (`qbft.validatorcontractaddress`). */
export const DEFAULT_VALIDATOR_CONTRACT = "0x0000000000000000000000000000000000007a11";

/** The compiled contract: what a genesis entry needs. */
export interface ValidatorSetArtifact {
  /** Runtime (deployed) bytecode. */
  runtimeCode: string;
  /** Creation bytecode, for deploying the same contract by transaction. */
  creationCode: string;
  /** solc's storage layout for ValidatorSet. */
  storageLayout: StorageLayout;
}

/** A genesis `alloc` account. */
export interface GenesisAccount {
  balance: string;
  code?: string;
  storage?: GenesisStorage;
}

/** The initial state of the set, as its constructor would write it. */
export interface ValidatorSetInit {
  /** Initial authorities: the genesis validators. */
  authorities: readonly string[];
  /** Smallest size the set may shrink to (1 … authorities.length). */
  minimum: number;
}

interface HardhatArtifact {
  bytecode: string;
  deployedBytecode: string;
  immutableReferences?: Record<string, unknown>;
  buildInfoId: string;
  inputSourceName: string;
  contractName: string;
}

/**
 * Reads the compiled ValidatorSet (artifact and its build-info's storage layout) under `root`. Throws a
 * one-line error telling the user to build when the artifact is missing.
 */
export function loadValidatorSetArtifact(root: string = ROOT): ValidatorSetArtifact {
  const artifactPath = path.join(root, VALIDATOR_SET_ARTIFACT);
  let artifact: HardhatArtifact;
  try {
    artifact = JSON.parse(readFileSync(artifactPath, "utf8")) as HardhatArtifact;
  } catch {
    throw new Error(`cannot read ${VALIDATOR_SET_ARTIFACT}: run \`npx hardhat build\` first`);
  }
  if (artifact.immutableReferences !== undefined && Object.keys(artifact.immutableReferences).length > 0) {
    // Immutables live in the code a constructor returns; a genesis copy of the artifact would hold zeros.
    throw new Error("ValidatorSet has immutables, which a genesis alloc cannot set; keep its state in storage");
  }
  const outputPath = path.join(root, "artifacts/build-info", `${artifact.buildInfoId}.output.json`);
  let output: {
    output: { contracts: Record<string, Record<string, { storageLayout?: StorageLayout }>> };
  };
  try {
    output = JSON.parse(readFileSync(outputPath, "utf8")) as typeof output;
  } catch {
    throw new Error(`cannot read the build info of ValidatorSet (${outputPath}): run \`npx hardhat build\` again`);
  }
  const storageLayout = output.output.contracts[artifact.inputSourceName]?.[artifact.contractName]?.storageLayout;
  if (storageLayout === undefined) {
    throw new Error("the build info has no storage layout for ValidatorSet: is storageLayout in outputSelection?");
  }
  return { runtimeCode: artifact.deployedBytecode, creationCode: artifact.bytecode, storageLayout };
}

/** Checks an initial set as the constructor does, with the same messages a user can act on. */
export function checkValidatorSetInit({ authorities, minimum }: ValidatorSetInit): string[] {
  if (authorities.length === 0) throw new Error("the validator set needs at least one authority");
  if (authorities.length > MAX_AUTHORITIES) {
    throw new Error(`${authorities.length} authorities exceed the contract's maximum of ${MAX_AUTHORITIES}`);
  }
  if (!Number.isInteger(minimum) || minimum < 1 || minimum > authorities.length) {
    throw new Error(
      `minimum ${minimum} must be an integer between 1 and the number of authorities (${authorities.length})`,
    );
  }
  const seen = new Set<string>();
  return authorities.map((authority) => {
    let address: string;
    try {
      address = getAddress(authority);
    } catch {
      throw new Error(`authority "${authority}" is not an address`);
    }
    if (BigInt(address) === 0n) throw new Error("the zero address cannot be an authority");
    if (seen.has(address)) throw new Error(`authority ${address} is listed twice`);
    seen.add(address);
    return address;
  });
}

/**
 * The storage the constructor `ValidatorSet(authorities, minimum)` leaves behind: the authorities array, each
 * authority's 1-based position, and the minimum. Everything else starts at zero (epoch 0, unbound, no votes).
 */
export function validatorSetStorage(init: ValidatorSetInit, layout: StorageLayout): GenesisStorage {
  const authorities = checkValidatorSetInit(init);
  return encodeStorage(layout, {
    _authorities: authorities,
    _position: new Map(authorities.map((authority, index) => [authority, BigInt(index + 1)])),
    _minimum: BigInt(init.minimum),
  });
}

/** The genesis `alloc` entry of a ValidatorSet holding `init`. */
export function validatorSetGenesisAccount(
  init: ValidatorSetInit,
  artifact: ValidatorSetArtifact = loadValidatorSetArtifact(),
): GenesisAccount {
  return {
    balance: "0x0",
    code: artifact.runtimeCode,
    storage: validatorSetStorage(init, artifact.storageLayout),
  };
}
