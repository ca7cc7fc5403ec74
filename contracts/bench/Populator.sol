// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../interfaces/ITrustLedger.sol";

/**
 * @title Populator
 * @notice Benchmark only, never deployed to a network: fills a community with many organizations per
 * transaction, through the registry's own entry points (`requestJoinFor`, then `activate`), so that the state
 * and the events are exactly those that real joins leave.
 * @dev Needs the ASSESSOR role of the suite's AccessManager, which both entry points are restricted to. Because
 * it holds that role, only the account that deployed it may call {populate}.
 *
 * The join requests come in as calldata and are forwarded as such: ABI-encoding a request built in memory
 * copies its `profileURI` string memory-to-memory, which solc compiles to `mcopy` when it targets Cancun (as it
 * does for this folder), and the suite's chains are Shanghai. Forwarding calldata uses `calldatacopy` only.
 */
contract Populator {
    /// @notice The registry the organizations join.
    IEntityRegistry public immutable REGISTRY;

    /// @notice The account allowed to call {populate}: the deployer.
    address public immutable OWNER;

    /**
     * @notice Emitted once per {populate} call, after the last organization was activated.
     * @param firstOrgId The registry id of the first organization added; the others follow it contiguously.
     * @param count How many organizations joined and were activated.
     */
    event Populated(uint256 indexed firstOrgId, uint256 count);

    /// @notice {populate} was called by `caller`, not by the deployer.
    error PopulatorUnauthorizedCaller(address caller);

    /// @param registry_ The suite's EntityRegistry proxy.
    constructor(IEntityRegistry registry_) {
        REGISTRY = registry_;
        OWNER = msg.sender;
    }

    /**
     * @notice Submits each request (`requestJoinFor`) and activates the new organization at once (`activate`).
     * @dev All or nothing: reverts if any request or activation does (an identity or admin account already
     * taken, a country the registry does not list, entry criteria not met). The number of requests is bounded
     * by the block gas limit: the caller chunks a large population.
     * @param requests The join requests, each with a distinct identity hash and admin account.
     * @param legal The legal-contract enforceability every organization is activated with.
     * @param capability The capability every organization is activated with.
     * @return firstOrgId The registry id of the first organization added (0 when `requests` is empty).
     */
    function populate(
        IEntityRegistry.JoinRequest[] calldata requests,
        ITrustLedger.Level legal,
        ITrustLedger.Level capability
    ) external returns (uint256 firstOrgId) {
        if (msg.sender != OWNER) revert PopulatorUnauthorizedCaller(msg.sender);
        for (uint256 i = 0; i < requests.length; ++i) {
            uint256 orgId = REGISTRY.requestJoinFor(requests[i]);
            REGISTRY.activate(orgId, legal, capability);
            if (i == 0) firstOrgId = orgId;
        }
        emit Populated(firstOrgId, requests.length);
    }
}
