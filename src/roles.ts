import { Role } from "./constants.js";

/**
 * Which role may call each restricted function of each Credence contract. Functions not listed here are
 * unrestricted (they check membership themselves). AccessManager maps unconfigured selectors to ADMIN, so the
 * deployment only configures the non-ADMIN rows; tests check every row against every role.
 *
 * Not a row: `setAuthority(address)`, inherited by every Credence contract from AccessManagedUpgradeable. It is not
 * `restricted` and has no role of its own: it accepts only a call from the current AccessManager itself, which
 * makes it when governance (ADMIN) calls `AccessManager.updateAuthority(target, newAuthority)`. A role row would
 * be meaningless (no account, whatever its roles, can call it directly); test/access/RoleMatrix.ts tests it apart.
 */
export const restrictedFunctions = {
  TrustLedger: {
    setParameters: Role.ADMIN,
    setRegistry: Role.ADMIN,
    setPenaltyHook: Role.ADMIN,
    upgradeToAndCall: Role.ADMIN,
    initializeTrust: Role.REGISTRY,
    clearTrust: Role.REGISTRY,
    rate: Role.ASSESSOR,
    rateBatch: Role.ASSESSOR,
    adjustTrust: Role.PENALTY,
  },
  EntityRegistry: {
    setCountry: Role.ADMIN,
    setEntryCriteria: Role.ADMIN,
    upgradeToAndCall: Role.ADMIN,
    requestJoinFor: Role.ASSESSOR,
    activate: Role.ASSESSOR,
    reject: Role.ASSESSOR,
    expel: Role.PENALTY,
  },
  PenaltyCases: {
    setParameters: Role.ADMIN,
    upgradeToAndCall: Role.ADMIN,
    ratify: Role.RATIFIER,
  },
} as const;

export type RestrictedContract = keyof typeof restrictedFunctions;

/** Human-readable role labels, registered with AccessManager.labelRole at deployment. */
export const roleLabels: Record<string, bigint> = {
  ASSESSOR: Role.ASSESSOR,
  REGISTRY: Role.REGISTRY,
  PENALTY: Role.PENALTY,
  RATIFIER: Role.RATIFIER,
};
