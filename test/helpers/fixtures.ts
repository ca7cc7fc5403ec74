import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { id } from "ethers";

import { type Connection, deploySuite as deployWithLibrary } from "../../src/actions/deploySuite.js";
import { Level } from "../../src/constants.js";
import { defaultTrustParameters } from "../../src/defaults.js";
import { countryCode } from "../../src/fixedPoint.js";
import type { CredenceAccessManager, EntityRegistry, PenaltyCases, TrustLedger } from "../../types/index.js";

export type { Connection };

export interface Suite {
  manager: CredenceAccessManager;
  ledger: TrustLedger;
  registry: EntityRegistry;
  penalty: PenaltyCases;
}

/**
 * The trust parameters the suite's fixtures deploy with: the defaults, with private communities' initial cap off
 * (`privateInitialCap` = 1e18), so that an organization's initial trust is the formula. Most tests need members
 * above the baseline from activation (decay, the reporting threshold, quorum weights); the cap is tested on the
 * defaults (test/trust/TrustLedger.ts "computeInitialTrust", test/registry/EntityRegistry.t.sol, the simulator).
 */
export const fixtureTrustParameters = { ...defaultTrustParameters, privateInitialCap: 10n ** 18n };

/**
 * Deploys the suite with the Ignition module, default parameters (trust parameters: fixtureTrustParameters) unless
 * overridden. `parameters` are raw Ignition
 * parameters of the Credence module (bigints as decimal strings); each given key replaces the default whole. The
 * deployment itself is the library's (src/actions/deploySuite.ts), so tests and tools deploy the same way.
 */
export async function deploySuite(connection: Connection, parameters: Record<string, unknown> = {}): Promise<Suite> {
  const { manager, ledger, registry, penalty } = await deployWithLibrary({
    connection,
    trustParameters: fixtureTrustParameters,
    ignitionParameters: parameters,
  });
  return { manager, ledger, registry, penalty };
}

let identityCounter = 0;

/** A fresh identity hash for a test organization. */
export function newIdentity(label = "org"): string {
  identityCounter += 1;
  return id(`${label}-${identityCounter}`);
}

/** A profile hash and URI for a test organization. */
export function profileOf(label: string): [string, string] {
  return [id(`profile:${label}`), `ipfs://profile/${label}`];
}

export interface JoinOptions {
  country?: string;
  recommenders?: HardhatEthersSigner[];
  score?: bigint;
  legal?: number;
  capability?: number;
}

/**
 * `admin` requests to join, each recommender (an admin of an Active organization) recommends it, and the
 * assessor activates it. Returns the new organization's id.
 */
export async function joinAndActivate(
  suite: Pick<Suite, "registry">,
  admin: HardhatEthersSigner,
  assessor: HardhatEthersSigner,
  options: JoinOptions = {},
): Promise<bigint> {
  const { registry } = suite;
  const [profileHash, profileURI] = profileOf(admin.address);
  // Each step waits for its receipt: on a JSON-RPC node (anvil, Besu) a transaction is not mined when sent.
  await (
    await registry
      .connect(admin)
      .requestJoin(newIdentity(), countryCode(options.country ?? "DE"), profileHash, profileURI)
  ).wait();
  const orgId = await registry.organizationOf(admin.address);
  for (const recommender of options.recommenders ?? []) {
    await (await registry.connect(recommender).recommend(orgId, options.score ?? 8n * 10n ** 17n)).wait();
  }
  await (
    await registry.connect(assessor).activate(orgId, options.legal ?? Level.High, options.capability ?? Level.Medium)
  ).wait();
  return orgId;
}
