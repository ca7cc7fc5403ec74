import type { Signer } from "ethers";

import type { EntityRegistry } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export interface RecommendParameters {
  registry: EntityRegistry;
  /** A member account of an Active organization (the recommender). */
  signer: Signer;
  /** The Pending candidate. */
  candidateId: bigint;
  /** The recommender's score in [0, 1] (18 decimals). */
  score: bigint;
}

export interface RecommendReturnType extends TransactionInfo {
  candidateId: bigint;
  recommenderId: bigint;
  score: bigint;
  /** The recommender organization's trust when it recommended: the weight of its score in pre-trust. */
  weight: bigint;
}

/** The signer's Active organization recommends a Pending candidate (once per recommender organization). */
export async function recommend(parameters: RecommendParameters): Promise<RecommendReturnType> {
  const { registry, signer, candidateId, score } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(registry.connect(signer).recommend(candidateId, score));
  const [made] = parseEvents({ receipt, contract: registry, eventName: "RecommendationMade" });
  return {
    candidateId: made.args.candidateId,
    recommenderId: made.args.recommenderId,
    score: made.args.score,
    weight: made.args.weight,
    ...transaction,
  };
}
