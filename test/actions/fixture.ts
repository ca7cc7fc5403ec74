import { id, Wallet } from "ethers";
import type { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { addMember } from "../../src/actions/addMember.js";
import { deploySuite, type DeploySuiteParameters } from "../../src/actions/deploySuite.js";
import { flag } from "../../src/actions/flag.js";
import type { RatingInput } from "../../src/actions/rate.js";
import { recommend } from "../../src/actions/recommend.js";
import { requestJoin } from "../../src/actions/requestJoin.js";
import { ONE, Level } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import { fixtureTrustParameters } from "../helpers/fixtures.js";

type Connection = Awaited<ReturnType<typeof network.create>>;

/** Arguments of requestJoin for a test organization called `label`. */
export function joinRequest(label: string, country = "DE") {
  return {
    identityHash: id(`identity:${label}`),
    country,
    profileHash: id(`profile:${label}`),
    profileURI: `ipfs://profile/${label}`,
  };
}

/** A rating of `orgId`'s contribution `label`, scores given as decimal strings. */
export function ratingOf(orgId: bigint, label: string, scores: [string, string, string, string]): RatingInput {
  const [quality, quantity, integrity, intent] = scores.map(toFixed);
  return {
    orgId,
    contributionId: id(`contribution:${label}`),
    scores: { quality, quantity, integrity, intent },
    evidenceHash: id(`evidence:${label}`),
  };
}

/** TrustMath.evolve: one step of the asymmetric moving average (the same integer formula). */
export function evolve(trust: bigint, score: bigint, gainRate: bigint, lossRate: bigint, weight: bigint): bigint {
  return score >= trust
    ? trust + ((score - trust) * gainRate * weight) / (ONE * ONE)
    : trust - ((trust - score) * lossRate * weight) / (ONE * ONE);
}

/**
 * A small community built with the library's own actions: governance (account 0, also the assessor), two
 * Active founders (`alpha` in DE: High/Medium, `beta` in FR: Medium/High) and a Pending candidate `gamma`; the
 * trust parameters are the fixtures' (fixtureTrustParameters: the private initial cap off) unless overridden.
 */
export async function community(connection: Connection, overrides: Omit<DeploySuiteParameters, "connection"> = {}) {
  const [governance, alpha, beta, gamma, outsider, spare] = await connection.ethers.getSigners();
  const suite = await deploySuite({
    connection,
    ...overrides,
    trustParameters: { ...fixtureTrustParameters, ...overrides.trustParameters },
  });
  const { registry } = suite;
  const alphaId = (await requestJoin({ registry, signer: alpha, ...joinRequest("alpha", "DE") })).orgId;
  const betaId = (await requestJoin({ registry, signer: beta, ...joinRequest("beta", "FR") })).orgId;
  await activate({ registry, assessor: governance, orgId: alphaId, legal: Level.High, capability: Level.Medium });
  await activate({ registry, assessor: governance, orgId: betaId, legal: Level.Medium, capability: Level.High });
  const gammaId = (await requestJoin({ registry, signer: gamma, ...joinRequest("gamma", "NL") })).orgId;
  return {
    ...suite,
    governance,
    alpha,
    beta,
    gamma,
    outsider,
    spare,
    alphaId,
    betaId,
    gammaId,
  };
}

/** Short penalty periods for tests: voting opens 2 blocks after a flag and lasts 20; the ratifier has 10 more. */
export const shortPenaltyParameters = { votingDelay: 2n, votingPeriod: 20n, ratificationWindow: 10n };

/**
 * A community for penalty cases, built with the library's actions. Trust never decays (baseline 1), so every
 * organization's trust is its recorded value whatever the block. Governance (account 0) is the assessor and the
 * ratifier. `alpha` and `beta` are founders; `gamma` was activated on their recommendations (they are liable
 * for it); `delta` is a founder that recommended nobody: the reporter of openCase's case, which cannot vote on it,
 * so that alpha and beta are the voters. `spare` is a second account of alpha's organization; `officer` is a second
 * account of beta's with no funds at all (an ethers Wallet from a fixed key: it can only sign).
 */
export async function tribunal(connection: Connection) {
  const c = await community(connection, {
    trustParameters: { baseline: ONE },
    penaltyParameters: shortPenaltyParameters,
  });
  const { registry, governance, alpha, beta, spare, alphaId, betaId, gammaId } = c;
  const delta = (await connection.ethers.getSigners())[6];
  await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.9") });
  await recommend({ registry, signer: beta, candidateId: gammaId, score: toFixed("0.8") });
  await activate({ registry, assessor: governance, orgId: gammaId, legal: Level.High, capability: Level.High });
  const deltaId = (await requestJoin({ registry, signer: delta, ...joinRequest("delta", "GB") })).orgId;
  await activate({ registry, assessor: governance, orgId: deltaId, legal: Level.High, capability: Level.High });
  await addMember({ registry, admin: alpha, orgId: alphaId, account: spare.address });
  const officer = new Wallet(id("credence-test:beta-officer"), connection.ethers.provider);
  await addMember({ registry, admin: beta, orgId: betaId, account: officer.address });
  return { ...c, delta, deltaId, officer };
}

/** delta flags gamma (reason 1), and blocks are mined until its voting opens: alpha and beta may vote. */
export async function openCase(connection: Connection, fixture: Awaited<ReturnType<typeof tribunal>>) {
  const { penalty, delta, gammaId } = fixture;
  const flagged = await flag({ penalty, signer: delta, accusedId: gammaId, reasonCode: 1, evidenceHash: id("ev") });
  await mineTo(connection, flagged.voteStart);
  return flagged;
}

/** Mines blocks until the latest block is `block` (no-op if it is already past). */
export async function mineTo(connection: Connection, block: bigint): Promise<void> {
  const latest = BigInt(await connection.ethers.provider.getBlockNumber());
  if (block > latest) await connection.networkHelpers.mine(block - latest);
}
