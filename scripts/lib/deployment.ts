/**
 * Deploying the suite to a named network and recording where it went: `deployments/<chainId>.json`, the one file a
 * front-end imports (contract name → address and ABI, proxies with their implementation).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import type { ArtifactManager } from "hardhat/types/artifacts";

import { deploySuite, type Connection, type DeploySuiteReturnType } from "../../src/actions/deploySuite.js";
import { defaultEntryCriteria, defaultPenaltyParameters, defaultTrustParameters } from "../../src/defaults.js";

/** The parameters of the Credence Ignition module (deploy/modules/Credence.ts). */
export const MODULE_PARAMETERS = [
  "communityType",
  "trustParameters",
  "entryCriteria",
  "countries",
  "penaltyParameters",
  "assessor",
  "ratifier",
] as const;

/** Struct parameters a file may give in part: the missing fields keep their defaults. */
const STRUCT_DEFAULTS: Record<string, object> = {
  trustParameters: defaultTrustParameters,
  entryCriteria: defaultEntryCriteria,
  penaltyParameters: defaultPenaltyParameters,
};

/** A contract behind no proxy. */
export interface ExportedContract {
  address: string;
  abi: readonly unknown[];
}

/** A contract behind a UUPS proxy: `address` is the proxy's (the one to call), `implementation` its logic. */
export interface ExportedProxy extends ExportedContract {
  implementation: string;
}

/** The content of deployments/<chainId>.json. */
export interface DeploymentExport {
  chainId: number;
  /** The Ignition deployment id; its journal is deploy/deployments/<deploymentId>/ on a JSON-RPC network. */
  deploymentId: string;
  contracts: {
    CredenceAccessManager: ExportedContract;
    TrustLedger: ExportedProxy;
    EntityRegistry: ExportedProxy;
    PenaltyCases: ExportedProxy;
  };
}

/** A parameter file that is not what the Credence module takes: bad input, not a deployment failure. */
export class ParametersFileError extends Error {}

/**
 * Reads an Ignition parameter file (`{ "Credence": { … } }`, bigints as decimal strings: deploy/parameters/*.json
 * or a generated network's credence-parameters.json) and returns the Credence module's parameters, with partial
 * `trustParameters`, `entryCriteria` and `penaltyParameters` completed from src/defaults.ts. Throws
 * ParametersFileError on unreadable JSON, a missing `Credence` object or an unknown parameter name.
 */
export async function readParametersFile(file: string): Promise<Record<string, unknown>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ParametersFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const credence = isObject(json) ? json.Credence : undefined;
  if (!isObject(credence)) throw new ParametersFileError(`${file}: expected { "Credence": { … } }`);
  const parameters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(credence)) {
    if (!(MODULE_PARAMETERS as readonly string[]).includes(name)) {
      throw new ParametersFileError(`${file}: unknown parameter Credence.${name}`);
    }
    const defaults = STRUCT_DEFAULTS[name];
    parameters[name] = defaults !== undefined && isObject(value) ? { ...decimalStrings(defaults), ...value } : value;
  }
  return parameters;
}

/**
 * The export of a deployed suite: addresses from `deployed`, ABIs from the compiled artifacts. A proxy carries
 * its implementation's ABI, since that is the interface callers use at the proxy's address.
 */
export async function buildDeploymentExport({
  artifacts,
  chainId,
  deploymentId,
  addresses,
}: {
  artifacts: ArtifactManager;
  chainId: number;
  deploymentId: string;
  addresses: DeploySuiteReturnType["addresses"];
}): Promise<DeploymentExport> {
  const abi = async (name: string) => (await artifacts.readArtifact(name)).abi as readonly unknown[];
  return {
    chainId,
    deploymentId,
    contracts: {
      CredenceAccessManager: { address: addresses.manager, abi: await abi("CredenceAccessManager") },
      TrustLedger: {
        address: addresses.ledger,
        implementation: addresses.ledgerImplementation,
        abi: await abi("TrustLedger"),
      },
      EntityRegistry: {
        address: addresses.registry,
        implementation: addresses.registryImplementation,
        abi: await abi("EntityRegistry"),
      },
      PenaltyCases: {
        address: addresses.penalty,
        implementation: addresses.penaltyImplementation,
        abi: await abi("PenaltyCases"),
      },
    },
  };
}

export interface DeployAndExportParameters {
  connection: Connection;
  artifacts: ArtifactManager;
  /** The Credence module's parameters (readParametersFile); unset ones take the defaults of src/defaults.ts. */
  parameters?: Record<string, unknown>;
  /** The Ignition deployment id (default `chain-<chainId>`, Ignition's own default). */
  deploymentId?: string;
  /** Where `<chainId>.json` is written (default: deployments/ under the working directory). */
  outDir?: string;
}

export interface DeployAndExportReturnType {
  deployment: DeploymentExport;
  /** The file written. */
  file: string;
}

/**
 * Deploys the suite through Ignition on `connection` — resuming the journal of `deploymentId` when there is one,
 * a no-op when that deployment is complete — and writes `<outDir>/<chainId>.json`. The file is replaced
 * atomically (written beside, then renamed), so a reader never sees half of it.
 */
export async function deployAndExport({
  connection,
  artifacts,
  parameters = {},
  deploymentId,
  outDir = "deployments",
}: DeployAndExportParameters): Promise<DeployAndExportReturnType> {
  const chainId = Number(await connection.provider.request({ method: "eth_chainId" }));
  const id = deploymentId ?? `chain-${chainId}`;
  const { addresses } = await deploySuite({ connection, ignitionParameters: parameters, deploymentId: id });
  const deployment = await buildDeploymentExport({ artifacts, chainId, deploymentId: id, addresses });
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `${chainId}.json`);
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(deployment, null, 2) + "\n");
  await rename(partial, file);
  return { deployment, file };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decimalStrings(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
