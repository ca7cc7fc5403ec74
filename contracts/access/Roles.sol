// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title Roles
 * @notice The role identifiers of the Credence suite. Every restricted function of every Credence contract
 * is gated by one OpenZeppelin `AccessManager` (the suite's single access-control mechanism); these are the
 * role ids that manager grants. Deployment maps each restricted selector to one of them. Id 2 was REGISTRY until
 * the 1.1 contracts (the ledger now accepts its registry hooks from `registry()` itself); it is not reused.
 */
library Roles {
    /// @dev Governance: parameters, country table, entry criteria, upgrades. Equal to AccessManager's ADMIN_ROLE.
    uint64 internal constant ADMIN = 0;
    /// @dev The community platform's accounts: join requests on a candidate's behalf, assessments, ratings.
    uint64 internal constant ASSESSOR = 1;
    /// @dev The penalty contract: expels organizations (the ledger's bonds and liability are its penalty-hook calls).
    uint64 internal constant PENALTY = 3;
    /// @dev Governance's ratifier: confirms or overturns the outcome of a penalty vote.
    uint64 internal constant RATIFIER = 4;
}
