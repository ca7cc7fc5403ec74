import { CommunityType, ONE } from "../constants.js";
import { toTrustParameters } from "../defaults.js";
import { initialCap, initialFormula, levelValue } from "../trustModel.js";
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
  /** The weighted sum of the terms, before the cap (one division at the end, as the ledger computes it). */
  formula: bigint;
  /** The cap of the community's type at activation: publicInitialCap or privateInitialCap. */
  cap: bigint;
  /** Whether the formula exceeded the cap, so that the initial trust is the cap. */
  capped: boolean;
  /** The initial trust written at activation (stored in the registry's record, as `organization().initialTrust`). */
  initialTrust: bigint;
  /** The ledger's recomputation from the same inputs at the activation block: equals `initialTrust`. */
  recomputed: bigint;
}

/**
 * Why an organization got its initial trust: `T0 = wPre·preTrust + wLegal·legal + wCap·capability +
 * wInd·indirect`, capped at the community type's cap (publicInitialCap or privateInitialCap), with the inputs,
 * weights and cap in force at its activation.
 *
 * The registry keeps what activation decided (`organization().activatedAt`, `legal`, `capability`, `preTrust`,
 * `initialTrust`), so no event log is scanned; the weights, the country's indirect trust and the recomputation
 * are read at the activation block (the node must serve state at that block, as an archive node does).
 */
export async function explainInitialTrust(
  parameters: ExplainInitialTrustParameters,
): Promise<ExplainInitialTrustReturnType> {
  const { registry, ledger, orgId } = parameters;
  const org = await registry.organization(orgId);
  if (org.activatedAt === 0n) throw new Error(`organization ${orgId} was never activated`);
  const blockTag = Number(org.activatedAt);
  const { legal, capability, preTrust, initialTrust } = org;
  const [indirect, p, communityType] = await Promise.all([
    registry.indirectTrustOf(org.country, { blockTag }),
    ledger.parameters({ blockTag }).then(toTrustParameters),
    ledger.communityType(),
  ]);
  const inputs = { preTrust, legal, capability, indirect };
  const cap = initialCap(p, communityType === BigInt(CommunityType.Public));
  const formula = initialFormula(p, { preTrust, legal: Number(legal), capability: Number(capability), indirect });
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
    legal: term(levelValue(Number(legal)), p.weightLegal),
    capability: term(levelValue(Number(capability)), p.weightCapability),
    indirect: term(indirect, p.weightIndirect),
    formula,
    cap,
    capped: formula > cap,
    initialTrust,
    recomputed,
  };
}
