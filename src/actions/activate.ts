import type { Signer } from "ethers";

import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface ActivateParameters {
  registry: EntityRegistry;
  /** An account holding the ASSESSOR role (the platform). */
  assessor: Signer;
  /** The Pending candidate. */
  orgId: bigint;
  /** Legal-contract enforceability, `Level.Low | Medium | High` (src/constants.ts). */
  legal: number;
  /** Capability, `Level.Low | Medium | High`. */
  capability: number;
}

export interface ActivateReturnType extends TransactionInfo {
  orgId: bigint;
  legal: number;
  capability: number;
  /** Pre-trust from the candidate's recommendations at activation. */
  preTrust: bigint;
  /** The initial trust the ledger wrote. */
  initialTrust: bigint;
}

/**
 * The assessor grades a Pending candidate and activates it; reverts with EntityRegistryEntryCriteriaNotMet
 * (see describeError) when the candidate fails the entry criteria.
 */
export async function activate(parameters: ActivateParameters): Promise<ActivateReturnType> {
  const { registry, assessor, orgId, legal, capability } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(
    registry.connect(assessor).activate(orgId, legal, capability),
  );
  const [activated] = parseEvents({ receipt, contract: registry, eventName: "OrganizationActivated" });
  return {
    orgId: activated.args.orgId,
    legal: Number(activated.args.legal),
    capability: Number(activated.args.capability),
    preTrust: activated.args.preTrust,
    initialTrust: activated.args.initialTrust,
    ...transaction,
  };
}
