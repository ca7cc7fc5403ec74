import { Level, Status } from "../constants.js";
import type { EntityRegistry, TrustLedger } from "../../types/index.js";

export type StatusName = keyof typeof Status;
export type LevelName = keyof typeof Level;

export interface GetOrganizationParameters {
  registry: EntityRegistry;
  ledger: TrustLedger;
  orgId: bigint;
  /** Read the state as of this block (default: the latest). */
  blockTag?: number;
}

export interface GetOrganizationReturnType {
  orgId: bigint;
  /** The block the state was read at. */
  blockNumber: number;
  status: StatusName;
  /** ISO 3166-1 alpha-2 code, e.g. "DE". */
  country: string;
  admin: string;
  identityHash: string;
  /** Assessed grades ("None" before activation). */
  legal: LevelName;
  capability: LevelName;
  /** Blocks of the join request and of activation (0 before). */
  requestedAt: bigint;
  activatedAt: bigint;
  memberCount: bigint;
  recommendationCount: bigint;
  /** Pre-trust from the recommendations received, under the ledger's current parameters. */
  preTrust: bigint;
  /** The pre-trust and initial trust that activation used and wrote (0 before activation). */
  preTrustAtActivation: bigint;
  initialTrust: bigint;
  profileVersion: bigint;
  profileHash: string;
  profileURI: string;
  /** Current trust, decay included. */
  trust: bigint;
  /** The trust as last written and the block it was written at (decay runs from there). */
  recordedTrust: bigint;
  trustUpdatedAt: bigint;
  /** Contributions the platform has rated, and whether the organization is still on probation (fewer than
   * `probationRatings` of them: no rating lifts its trust above the community's initial cap yet). */
  ratedContributions: bigint;
  onProbation: boolean;
}

/** An organization's registry record and its trust, as plain data. Reverts for an unknown id. */
export async function getOrganization(parameters: GetOrganizationParameters): Promise<GetOrganizationReturnType> {
  const { registry, ledger, orgId } = parameters;
  // Every read at one block: trust decays with each block, so mixed blocks would not add up.
  const provider = registry.runner?.provider;
  if (provider == null) throw new Error("getOrganization needs a registry connected to a provider");
  const blockNumber = parameters.blockTag ?? (await provider.getBlockNumber());
  const overrides = { blockTag: blockNumber };
  const [org, preTrust, trust, [recordedTrust, trustUpdatedAt], [ratedContributions, onProbation]] = await Promise.all([
    registry.organization(orgId, overrides),
    registry.preTrustOf(orgId, overrides),
    ledger.trustOf(orgId, overrides),
    ledger.recordedTrustOf(orgId, overrides),
    ledger.ratedContributionsOf(orgId, overrides),
  ]);
  return {
    orgId,
    blockNumber,
    status: nameOf(Status, org.status),
    country: Buffer.from(org.country.slice(2), "hex").toString("ascii"),
    admin: org.admin,
    identityHash: org.identityHash,
    legal: nameOf(Level, org.legal),
    capability: nameOf(Level, org.capability),
    requestedAt: org.requestedAt,
    activatedAt: org.activatedAt,
    memberCount: org.memberCount,
    recommendationCount: org.recommendationCount,
    preTrust,
    preTrustAtActivation: org.preTrust,
    initialTrust: org.initialTrust,
    profileVersion: org.profileVersion,
    profileHash: org.profileHash,
    profileURI: org.profileURI,
    trust,
    recordedTrust,
    trustUpdatedAt,
    ratedContributions,
    onProbation,
  };
}

function nameOf<T extends Record<string, number>>(table: T, value: bigint): keyof T & string {
  const name = Object.keys(table).find((key) => BigInt(table[key]) === value);
  if (name === undefined) throw new Error(`unknown enum value ${value}`);
  return name;
}
