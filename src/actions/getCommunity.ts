import { CommunityType } from "../constants.js";
import { toTrustParameters, type EntryCriteria, type TrustParameters } from "../defaults.js";
import type { EntityRegistry, TrustLedger } from "../../types/index.js";

export interface GetCommunityParameters {
  registry: EntityRegistry;
  ledger: TrustLedger;
  /** Read the state as of this block (default: the latest). */
  blockTag?: number;
}

export interface GetCommunityReturnType {
  /** The block the state was read at (the ledger's clock). */
  blockNumber: number;
  communityType: keyof typeof CommunityType;
  trustParameters: TrustParameters;
  entryCriteria: EntryCriteria;
  /** Organizations ever registered (ids run from 1 to this), whatever their status. */
  organizationCount: bigint;
  /** Sum of the organizations' recorded trust (pending decay is not subtracted until written). */
  totalTrust: bigint;
  ledgerVersion: string;
  registryVersion: string;
}

/** The community's settings and totals: type, trust-model parameters, entry criteria, counts, total trust. */
export async function getCommunity(parameters: GetCommunityParameters): Promise<GetCommunityReturnType> {
  const { registry, ledger } = parameters;
  const provider = registry.runner?.provider;
  if (provider == null) throw new Error("getCommunity needs a registry connected to a provider");
  const blockNumber = parameters.blockTag ?? (await provider.getBlockNumber());
  const overrides = { blockTag: blockNumber };
  const [type, p, c, organizationCount, totalTrust, ledgerVersion, registryVersion] = await Promise.all([
    ledger.communityType(overrides),
    ledger.parameters(overrides),
    registry.entryCriteria(overrides),
    registry.organizationCount(overrides),
    ledger.totalTrust(overrides),
    ledger.version(overrides),
    registry.version(overrides),
  ]);
  return {
    blockNumber,
    communityType: type === BigInt(CommunityType.Public) ? "Public" : "Private",
    trustParameters: toTrustParameters(p),
    entryCriteria: {
      minPreTrust: c.minPreTrust,
      minRecommendations: c.minRecommendations,
      maxRecommendations: c.maxRecommendations,
      minCapability: c.minCapability,
      minLegal: c.minLegal,
    },
    organizationCount,
    totalTrust,
    ledgerVersion,
    registryVersion,
  };
}
