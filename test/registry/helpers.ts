import { Role } from "../../src/constants.js";
import { defaultEntryCriteria, type EntryCriteria } from "../../src/defaults.js";
import { countryCode } from "../../src/fixedPoint.js";
import type { TrustLedger } from "../../types/index.js";
import { type Connection, deploySuite, joinAndActivate, newIdentity, profileOf } from "../helpers/fixtures.js";

// The trust model's arithmetic, shared with front-ends: tests derive exact expectations from it.
export { decay, decayFactor, indirectTrust, levelValue, preTrust } from "../../src/trustModel.js";
import { decay } from "../../src/trustModel.js";

/** An organization's trust at `block` (its `trustOf` in that block), from its recorded value and the parameters. */
export async function trustAtBlock(ledger: TrustLedger, orgId: bigint, block: bigint): Promise<bigint> {
  const [value, updatedAt] = await ledger.recordedTrustOf(orgId);
  if (updatedAt > block) throw new Error(`trust of ${orgId} was written at ${updatedAt}, after ${block}`);
  const { baseline, halfLife } = await ledger.parameters();
  return decay(value, baseline, block - updatedAt, halfLife);
}

/** The default entry criteria with some fields replaced. */
export function criteriaWith(overrides: Partial<EntryCriteria> = {}): EntryCriteria {
  return { ...defaultEntryCriteria, ...overrides };
}

/** The tuple form of entry criteria, as events and views return them. */
export function criteriaTuple(criteria: EntryCriteria): bigint[] {
  return [
    criteria.minPreTrust,
    criteria.minRecommendations,
    criteria.maxRecommendations,
    criteria.minCapability,
    criteria.minLegal,
  ];
}

// ------------------------------------------------------------------ fixtures

export const DE = countryCode("DE");

/** Ids of the organizations {deployCommunity} creates, one per lifecycle state. */
export const Org = { Active: 1n, Active2: 2n, Pending: 3n, Rejected: 4n, Expelled: 5n } as const;

/** A reason hash for rejections and expulsions. */
export const REASON = "0x" + "ab".repeat(32);

/**
 * The suite with a dedicated assessor account (not governance, so that role checks discriminate) and the
 * PENALTY role granted to a test signer. No organization yet.
 */
export async function deployRegistry(connection: Connection) {
  const [
    governance,
    assessor,
    penalty,
    alice,
    alice2,
    bob,
    carol,
    carol2,
    dave,
    dave2,
    erin,
    erin2,
    frank,
    grace,
    outsider,
  ] = await connection.ethers.getSigners();
  const suite = await deploySuite(connection, { assessor: assessor.address });
  await suite.manager.connect(governance).grantRole(Role.PENALTY, penalty.address, 0);
  return {
    ...suite,
    governance,
    assessor,
    penalty,
    alice,
    alice2,
    bob,
    carol,
    carol2,
    dave,
    dave2,
    erin,
    erin2,
    frank,
    grace,
    outsider,
  };
}

export type RegistryFixture = Awaited<ReturnType<typeof deployRegistry>>;

/**
 * A community with one organization in each lifecycle state ({Org}):
 * 1 Active (admin alice, member alice2), 2 Active (admin bob), 3 Pending (admin carol, member carol2),
 * 4 Rejected (admin dave, member dave2), 5 Expelled (admin erin, member erin2). frank, grace and outsider are
 * bound to no organization.
 */
export async function deployCommunity(connection: Connection) {
  const f = await deployRegistry(connection);
  const { registry, assessor } = f;
  const ids: bigint[] = [];
  ids.push(await joinAndActivate(f, f.alice, assessor));
  await registry.connect(f.alice).addMember(Org.Active, f.alice2);
  ids.push(await joinAndActivate(f, f.bob, assessor));

  const candidateIdentity = newIdentity("candidate");
  const [candidateProfileHash, candidateProfileURI] = profileOf("candidate");
  await registry.connect(f.carol).requestJoin(candidateIdentity, DE, candidateProfileHash, candidateProfileURI);
  ids.push(await registry.organizationOf(f.carol));
  await registry.connect(f.carol).addMember(Org.Pending, f.carol2);

  const [daveProfileHash, daveProfileURI] = profileOf("dave");
  await registry.connect(f.dave).requestJoin(newIdentity("dave"), DE, daveProfileHash, daveProfileURI);
  ids.push(await registry.organizationOf(f.dave));
  await registry.connect(f.dave).addMember(Org.Rejected, f.dave2);
  await registry.connect(assessor).reject(Org.Rejected, REASON);

  ids.push(await joinAndActivate(f, f.erin, assessor));
  await registry.connect(f.erin).addMember(Org.Expelled, f.erin2);
  await registry.connect(f.penalty).expel(Org.Expelled, REASON);

  const expected = [Org.Active, Org.Active2, Org.Pending, Org.Rejected, Org.Expelled];
  if (ids.join() !== expected.join()) throw new Error(`unexpected organization ids ${ids.join()}`);
  return { ...f, candidateIdentity, candidateProfileHash, candidateProfileURI };
}

export type CommunityFixture = Awaited<ReturnType<typeof deployCommunity>>;
