import type { Signer } from "ethers";

import type { EntryCriteria } from "../defaults.js";
import type { EntityRegistry } from "../../types/index.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface SetEntryCriteriaParameters {
  registry: EntityRegistry;
  /** An account holding the ADMIN role (governance). */
  governance: Signer;
  /** The criteria to change; fields left out keep their current on-chain value. */
  criteria: Partial<EntryCriteria>;
}

export interface SetEntryCriteriaReturnType extends TransactionInfo {
  previous: EntryCriteria;
  criteria: EntryCriteria;
}

/** Governance changes the community's entry criteria (checked when the assessor activates a candidate). */
export async function setEntryCriteria(parameters: SetEntryCriteriaParameters): Promise<SetEntryCriteriaReturnType> {
  const { registry, governance } = parameters;
  const previous = toCriteria(await registry.entryCriteria());
  const criteria = { ...previous, ...parameters.criteria };
  const { receipt: _receipt, ...transaction } = await waitForReceipt(
    registry.connect(governance).setEntryCriteria(criteria),
  );
  const written = toCriteria(await registry.entryCriteria({ blockTag: transaction.blockNumber }));
  return { previous, criteria: written, ...transaction };
}

function toCriteria(value: EntryCriteria): EntryCriteria {
  return {
    minPreTrust: value.minPreTrust,
    minRecommendations: value.minRecommendations,
    maxRecommendations: value.maxRecommendations,
    minCapability: value.minCapability,
    minLegal: value.minLegal,
  };
}
