import { ONE } from "../constants.js";
import type { EntityRegistry, TrustLedger } from "../../types/index.js";

export interface ExplainInitialTrustParameters {
  registry: EntityRegistry;
  ledger: TrustLedger;
  /** An activated organization. */
  orgId: bigint;
}

/** One input of initial trust: its value in [0, 1], its weight, and `weight * value`. */
export interface InitialTrustTerm {
  value: bigint;
  weight: bigint;
  contribution: bigint;
}

export interface ExplainInitialTrustReturnType {
  orgId: bigint;
  /** Block of activation. */
  blockNumber: number;
  preTrust: InitialTrustTerm;
  /** Legal and capability grades map to Low = 1/3, Medium = 2/3, High = 1. */
  legal: InitialTrustTerm;
  capability: InitialTrustTerm;
  /** From the country table: mean of data privacy, copyright and (1 - cybercrime). */
  indirect: InitialTrustTerm;
  /** The initial trust written at activation (OrganizationActivated). */
  initialTrust: bigint;
  /** The ledger's recomputation from the same inputs at the activation block: equals `initialTrust`. */
  recomputed: bigint;
}

/**
 * Why an organization got its initial trust: `T0 = wPre·preTrust + wLegal·legal + wCap·capability +
 * wInd·indirect` (capped in a public community), with the inputs and weights in force at its activation.
 */
export async function explainInitialTrust(
  parameters: ExplainInitialTrustParameters,
): Promise<ExplainInitialTrustReturnType> {
  const { registry, ledger, orgId } = parameters;
  const [activated] = await registry.queryFilter(registry.filters.OrganizationActivated(orgId));
  if (activated === undefined) throw new Error(`organization ${orgId} was never activated`);
  const blockTag = activated.blockNumber;
  const { legal, capability, preTrust, initialTrust } = activated.args;
  const org = await registry.organization(orgId, { blockTag });
  const [indirect, p] = await Promise.all([
    registry.indirectTrustOf(org.country, { blockTag }),
    ledger.parameters({ blockTag }),
  ]);
  const inputs = { preTrust, legal, capability, indirect };
  const recomputed = await ledger.computeInitialTrust(inputs, { blockTag });
  const term = (value: bigint, weight: bigint): InitialTrustTerm => ({
    value,
    weight,
    contribution: (value * weight) / ONE,
  });
  return {
    orgId,
    blockNumber: blockTag,
    preTrust: term(preTrust, p.weightPreTrust),
    legal: term(levelValue(legal), p.weightLegal),
    capability: term(levelValue(capability), p.weightCapability),
    indirect: term(indirect, p.weightIndirect),
    initialTrust,
    recomputed,
  };
}

/** The ledger's value of an assessment grade: Low = 1/3, Medium = 2/3, High = 1 (18 decimals). */
function levelValue(level: bigint): bigint {
  return (level * ONE) / 3n;
}
