import type { Result, Signer } from "ethers";

import { VoteType, enumName } from "../constants.js";
import type { PenaltyCases } from "../../types/index.js";
import { parseEvents } from "./parseEvents.js";
import { waitForReceipt, type TransactionInfo } from "./waitForReceipt.js";

export type VoteTypeName = keyof typeof VoteType;

export interface CastVoteParameters {
  penalty: PenaltyCases;
  /**
   * A member account of an Active organization other than the accused and the reporter (the organization that
   * flagged: its flag is its say); one vote per organization.
   */
  signer: Signer;
  /** A case in its voting window (state Active). */
  caseId: bigint;
  /** `VoteType.Keep | Expel | Abstain` (src/constants.ts). */
  support: number;
}

export interface CastVoteReturnType extends TransactionInfo {
  caseId: bigint;
  /** The organization the vote counts for. */
  voterOrgId: bigint;
  /** The account that voted. */
  voter: string;
  support: VoteTypeName;
  /** The organization's trust at the case's snapshot, added to the tally of `support`. */
  weight: bigint;
}

/** The signer's organization votes on a case; its weight is its trust at the case's snapshot block. */
export async function castVote(parameters: CastVoteParameters): Promise<CastVoteReturnType> {
  const { penalty, signer, caseId, support } = parameters;
  const { receipt, ...transaction } = await waitForReceipt(penalty.connect(signer).castVote(caseId, support));
  const [cast] = parseEvents({ receipt, contract: penalty, eventName: "VoteCast" });
  return { ...voteCastOf(cast.args), ...transaction };
}

/** A VoteCast event's arguments, the support by name (castVote and relayVote decode the same event). */
export function voteCastOf(args: Result): Omit<CastVoteReturnType, keyof TransactionInfo> {
  return {
    caseId: args.caseId,
    voterOrgId: args.voterOrgId,
    voter: args.voter,
    support: enumName(VoteType, args.support),
    weight: args.weight,
  };
}
