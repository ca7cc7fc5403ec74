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
    rate: Role.ASSESSOR,
    rateBatch: Role.ASSESSOR,
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

/**
 * The hooks one Credence contract calls on another: not `restricted`, they accept only the contract named by the
 * callee's view (set at initialization or by ADMIN) and revert for anyone else — `AccessManagedUnauthorized(caller)`
 * on the ledger, `PenaltyCasesOnlyLedger(caller)` on PenaltyCases. A comparison with a stored address instead of a
 * call to the AccessManager; for the ledger it also guarantees that only the registry moves an organization's
 * Active flag (docs/access-and-upgrades.md).
 */
export const callerCheckedFunctions = {
  TrustLedger: {
    initializeTrust: "registry",
    clearTrust: "registry",
    adjustTrust: "penaltyHook",
  },
  PenaltyCases: {
    onLowIntegrity: "ledger",
  },
} as const;

/** Human-readable role labels, registered with AccessManager.labelRole at deployment. */
export const roleLabels: Record<string, bigint> = {
  ASSESSOR: Role.ASSESSOR,
  PENALTY: Role.PENALTY,
  RATIFIER: Role.RATIFIER,
};
