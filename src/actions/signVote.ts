import { TypedDataEncoder, type Signer, type TypedDataDomain } from "ethers";

import type { PenaltyCases } from "../../types/index.js";

/** The EIP-712 domain name and version of PenaltyCases' signed ballots. */
export const BALLOT_DOMAIN = { name: "Credence PenaltyCases", version: "1" } as const;

/** The EIP-712 type of a ballot (PenaltyCases.BALLOT_TYPEHASH). */
export const BALLOT_TYPES = {
  Ballot: [
    { name: "caseId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** Seconds a ballot stays valid after the latest block's timestamp when no deadline is given. */
export const DEFAULT_BALLOT_LIFETIME = 3_600n;

/** A ballot as signed: what `castVoteBySig` recomputes on-chain. */
export interface Ballot {
  caseId: bigint;
  /** `VoteType.Keep | Expel | Abstain`. */
  support: number;
  /** The member account that signs. */
  voter: string;
  /** The voter's current `nonces(voter)`: a ballot is valid once. */
  nonce: bigint;
  /** Unix timestamp (seconds) after which the signature is void. */
  deadline: bigint;
}

export interface SignVoteParameters {
  /** The PenaltyCases proxy (the domain's verifyingContract); its provider supplies what is not given below. */
  penalty: PenaltyCases;
  /**
   * The voter: a member account of an Active organization, neither the accused nor the reporter. It only signs,
   * offline (an ethers Wallet without a provider will do), so it needs no funds.
   */
  voter: Signer;
  caseId: bigint;
  /** `VoteType.Keep | Expel | Abstain` (src/constants.ts). */
  support: number;
  /**
   * The member account the ballot is for, when it is not `voter`'s own address: a contract wallet (ERC-1271)
   * bound as a member account, for which `voter` (its owner) signs. Default: `voter`'s address.
   */
  account?: string;
  /** Unix timestamp; default: the latest block's timestamp + DEFAULT_BALLOT_LIFETIME (chain time, not wall time). */
  deadline?: bigint;
  /** Default: `penalty.nonces(account)` now. */
  nonce?: bigint;
  /** Default: the chain id of `penalty`'s provider. */
  chainId?: bigint;
}

export interface SignVoteReturnType {
  ballot: Ballot;
  /** The voter's 65-byte signature of the ballot. */
  signature: string;
  domain: TypedDataDomain;
  /** The EIP-712 digest that was signed. */
  digest: string;
}

/**
 * The voter signs a ballot (EIP-712 `Ballot(uint256 caseId,uint8 support,address voter,uint256 nonce,uint256
 * deadline)` in the domain "Credence PenaltyCases" version "1" of the penalty proxy) without sending anything;
 * anyone can then submit it with relayVote and pay for it.
 */
export async function signVote(parameters: SignVoteParameters): Promise<SignVoteReturnType> {
  const { penalty, voter, caseId, support } = parameters;
  const provider = penalty.runner?.provider;
  const needsChain =
    parameters.deadline === undefined || parameters.nonce === undefined || parameters.chainId === undefined;
  if (needsChain && provider == null) {
    throw new Error("signVote needs a penalty contract connected to a provider, or deadline, nonce and chainId");
  }
  const voterAddress = parameters.account ?? (await voter.getAddress());
  const chainId = parameters.chainId ?? (await provider!.getNetwork()).chainId;
  const nonce = parameters.nonce ?? (await penalty.nonces(voterAddress));
  const deadline =
    parameters.deadline ?? BigInt((await provider!.getBlock("latest"))!.timestamp) + DEFAULT_BALLOT_LIFETIME;
  const domain: TypedDataDomain = { ...BALLOT_DOMAIN, chainId, verifyingContract: await penalty.getAddress() };
  const ballot: Ballot = { caseId, support, voter: voterAddress, nonce, deadline };
  const signature = await voter.signTypedData(domain, BALLOT_TYPES, ballot);
  return { ballot, signature, domain, digest: TypedDataEncoder.hash(domain, BALLOT_TYPES, ballot) };
}
