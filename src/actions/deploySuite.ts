import type { network } from "hardhat";

import CredenceModule from "../../deploy/modules/Credence.js";
import {
  defaultCommunityType,
  defaultCountries,
  defaultEntryCriteria,
  defaultPenaltyParameters,
  defaultTrustParameters,
  toCountryEntry,
  type CountryRow,
  type EntryCriteria,
  type PenaltyParameters,
  type TrustParameters,
} from "../defaults.js";
import type { CredenceAccessManager, EntityRegistry, PenaltyCases, TrustLedger } from "../../types/index.js";

/** A Hardhat network connection (`await network.connect()` or `network.create()`). */
export type Connection = Awaited<ReturnType<typeof network.create>>;

export interface DeploySuiteParameters {
  connection: Connection;
  /** `CommunityType.Private` (default) or `CommunityType.Public`. */
  communityType?: number;
  /** Overrides of the default trust-model parameters (src/defaults.ts). */
  trustParameters?: Partial<TrustParameters>;
  /** Overrides of the default entry criteria. */
  entryCriteria?: Partial<EntryCriteria>;
  /** The country table (default: src/defaults.ts). */
  countries?: CountryRow[];
  /**
   * Overrides of the default penalty-case parameters (src/defaults.ts `defaultPenaltyParameters`), e.g. short
   * voting and ratification periods for a test or a demo.
   */
  penaltyParameters?: Partial<PenaltyParameters>;
  /** The account granted the ASSESSOR role (default: account 0, the deployer). */
  assessor?: string;
  /** The account granted the RATIFIER role, which confirms or overturns penalty votes (default: account 0). */
  ratifier?: string;
  /**
   * Raw parameters of the Credence Ignition module (JSON values, bigints as decimal strings, as in
   * deploy/parameters/*.json), applied last: each key given here replaces, whole, the one built from the fields
   * above. For callers that already hold Ignition parameters; prefer the typed fields.
   */
  ignitionParameters?: Record<string, unknown>;
  /**
   * Ignition deployment id: on a JSON-RPC network Ignition journals the deployment under
   * deploy/deployments/<id> (default `chain-<chainId>`) and resumes it from there. Ignored in memory.
   */
  deploymentId?: string;
}

export interface DeploySuiteReturnType {
  manager: CredenceAccessManager;
  ledger: TrustLedger;
  registry: EntityRegistry;
  /** The penalty mechanism: flags, votes, ratification, expulsion (the ledger's penalty hook). */
  penalty: PenaltyCases;
  addresses: {
    manager: string;
    ledger: string;
    registry: string;
    penalty: string;
    ledgerImplementation: string;
    registryImplementation: string;
    penaltyImplementation: string;
  };
}

/**
 * Deploys the Credence suite with the Ignition module deploy/modules/Credence.ts (AccessManager, TrustLedger,
 * EntityRegistry and PenaltyCases behind UUPS proxies, wired, roles configured) and returns typed contract
 * instances.
 */
export async function deploySuite(parameters: DeploySuiteParameters): Promise<DeploySuiteReturnType> {
  const { connection } = parameters;
  const moduleParameters: Record<string, unknown> = {
    communityType: parameters.communityType ?? defaultCommunityType,
    trustParameters: stringify({ ...defaultTrustParameters, ...parameters.trustParameters }),
    entryCriteria: stringify({ ...defaultEntryCriteria, ...parameters.entryCriteria }),
    countries: (parameters.countries ?? defaultCountries).map(toCountryEntry).map(stringify),
    penaltyParameters: stringify({ ...defaultPenaltyParameters, ...parameters.penaltyParameters }),
  };
  if (parameters.assessor !== undefined) moduleParameters.assessor = parameters.assessor;
  if (parameters.ratifier !== undefined) moduleParameters.ratifier = parameters.ratifier;
  Object.assign(moduleParameters, parameters.ignitionParameters);

  const deployed = await connection.ignition.deploy(CredenceModule, {
    parameters: { Credence: moduleParameters as never },
    deploymentId: parameters.deploymentId,
  });
  const addresses = {
    manager: await deployed.manager.getAddress(),
    ledger: await deployed.ledger.getAddress(),
    registry: await deployed.registry.getAddress(),
    penalty: await deployed.penalty.getAddress(),
    ledgerImplementation: await deployed.ledgerImplementation.getAddress(),
    registryImplementation: await deployed.registryImplementation.getAddress(),
    penaltyImplementation: await deployed.penaltyImplementation.getAddress(),
  };
  const { ethers } = connection;
  return {
    manager: (await ethers.getContractAt(
      "CredenceAccessManager",
      addresses.manager,
    )) as unknown as CredenceAccessManager,
    ledger: (await ethers.getContractAt("TrustLedger", addresses.ledger)) as unknown as TrustLedger,
    registry: (await ethers.getContractAt("EntityRegistry", addresses.registry)) as unknown as EntityRegistry,
    penalty: (await ethers.getContractAt("PenaltyCases", addresses.penalty)) as unknown as PenaltyCases,
    addresses,
  };
}

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
function stringify(value: object): unknown {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
