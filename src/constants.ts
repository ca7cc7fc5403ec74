/** Trust and scores are 18-decimal fixed-point numbers in [0, 1]: ONE is full trust. */
export const ONE = 10n ** 18n;

/**
 * Role ids of the suite's AccessManager (contracts/access/Roles.sol). Id 2 was REGISTRY until the 1.1 contracts,
 * whose ledger accepts its registry hooks from `registry()` itself; it is not reused.
 */
export const Role = {
  ADMIN: 0n,
  ASSESSOR: 1n,
  PENALTY: 3n,
  RATIFIER: 4n,
} as const;

/** IEntityRegistry.Status */
export const Status = { None: 0, Pending: 1, Active: 2, Expelled: 3, Rejected: 4 } as const;

/** ITrustLedger.Level */
export const Level = { None: 0, Low: 1, Medium: 2, High: 3 } as const;

/** ITrustLedger.CommunityType */
export const CommunityType = { Private: 0, Public: 1 } as const;

/** ITrustLedger.TrustChangeReason */
export const TrustChangeReason = {
  Initialized: 0,
  Rated: 1,
  PeerRated: 2,
  Decayed: 3,
  Cleared: 4,
  BondLocked: 5,
  BondReleased: 6,
  Liability: 7,
} as const;

/** IPenaltyCases.CaseState */
export const CaseState = {
  None: 0,
  Pending: 1,
  Active: 2,
  Defeated: 3,
  Succeeded: 4,
  Executed: 5,
  Dismissed: 6,
} as const;

/** IPenaltyCases.VoteType */
export const VoteType = { Keep: 0, Expel: 1, Abstain: 2 } as const;

/** IEntityRegistry.ProfileAction */
export const ProfileAction = { Added: 0, Edited: 1, Deleted: 2 } as const;

/**
 * The name of a contract enum's value, as events and getters return it (`enumName(CaseState, 5n)` is
 * "Executed"). Throws for a value the enum does not have: a newer contract than this library.
 */
export function enumName<E extends Record<string, number>>(enumeration: E, value: bigint | number): keyof E & string {
  const name = Object.keys(enumeration).find((key) => BigInt(enumeration[key]) === BigInt(value));
  if (name === undefined)
    throw new Error(`unknown enum value ${value} (expected one of ${Object.keys(enumeration).join(", ")})`);
  return name as keyof E & string;
}
