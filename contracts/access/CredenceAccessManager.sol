// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/**
 * @title CredenceAccessManager
 * @notice The one authority of a Credence deployment: it holds every role (see {Roles}) and decides which
 * account may call which restricted function of which Credence contract. In production its admin is a
 * multisig or a timelock.
 */
contract CredenceAccessManager is AccessManager {
    /// @param initialAdmin The account that receives the ADMIN role (governance).
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
