import type { network } from "hardhat";

import CredenceModule from "../../deploy/modules/Credence.js";
import {
  defaultCommunityType,
  defaultCountries,
  defaultEntryCriteria,
  defaultTrustParameters,
  toCountryEntry,
  type CountryRow,
  type EntryCriteria,
  type TrustParameters,
} from "../defaults.js";
import type { CredenceAccessManager, EntityRegistry, TrustLedger } from "../../types/index.js";

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
  /** The account granted the ASSESSOR role (default: account 0, the deployer). */
  assessor?: string;
  /**
   * Raw parameters of the Credence Ignition module (JSON values, bigints as decimal strings, as in
   * deploy/parameters/*.json), applied last: each key given here replaces, whole, the one built from the fields
   * above. For callers that already hold Ignition parameters; prefer the typed fields.
   */
  ignitionParameters?: Record<string, unknown>;
}

export interface DeploySuiteReturnType {
  manager: CredenceAccessManager;
  ledger: TrustLedger;
  registry: EntityRegistry;
  addresses: {
    manager: string;
    ledger: string;
    registry: string;
    ledgerImplementation: string;
    registryImplementation: string;
  };
}

/**
 * Deploys the Credence suite with the Ignition module deploy/modules/Credence.ts (AccessManager, TrustLedger and
 * EntityRegistry behind UUPS proxies, wired, roles configured) and returns typed contract instances.
 */
export async function deploySuite(parameters: DeploySuiteParameters): Promise<DeploySuiteReturnType> {
  const { connection } = parameters;
  const moduleParameters: Record<string, unknown> = {
    communityType: parameters.communityType ?? defaultCommunityType,
    trustParameters: stringify({ ...defaultTrustParameters, ...parameters.trustParameters }),
    entryCriteria: stringify({ ...defaultEntryCriteria, ...parameters.entryCriteria }),
    countries: (parameters.countries ?? defaultCountries).map(toCountryEntry).map(stringify),
  };
  if (parameters.assessor !== undefined) moduleParameters.assessor = parameters.assessor;
  Object.assign(moduleParameters, parameters.ignitionParameters);

  const deployed = await connection.ignition.deploy(CredenceModule, {
    parameters: { Credence: moduleParameters as never },
  });
  const addresses = {
    manager: await deployed.manager.getAddress(),
    ledger: await deployed.ledger.getAddress(),
    registry: await deployed.registry.getAddress(),
    ledgerImplementation: await deployed.ledgerImplementation.getAddress(),
    registryImplementation: await deployed.registryImplementation.getAddress(),
  };
  const { ethers } = connection;
  return {
    manager: (await ethers.getContractAt(
      "CredenceAccessManager",
      addresses.manager,
    )) as unknown as CredenceAccessManager,
    ledger: (await ethers.getContractAt("TrustLedger", addresses.ledger)) as unknown as TrustLedger,
    registry: (await ethers.getContractAt("EntityRegistry", addresses.registry)) as unknown as EntityRegistry,
    addresses,
  };
}

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
function stringify(value: object): unknown {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
