import { id } from "ethers";
import type { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { deploySuite, type DeploySuiteParameters } from "../../src/actions/deploySuite.js";
import type { RatingInput } from "../../src/actions/rate.js";
import { requestJoin } from "../../src/actions/requestJoin.js";
import { ONE, Level } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";

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
 * Active founders (`alpha` in DE: High/Medium, `beta` in FR: Medium/High) and a Pending candidate `gamma`.
 */
export async function community(connection: Connection, overrides: Omit<DeploySuiteParameters, "connection"> = {}) {
  const [governance, alpha, beta, gamma, outsider, spare] = await connection.ethers.getSigners();
  const suite = await deploySuite({ connection, ...overrides });
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
