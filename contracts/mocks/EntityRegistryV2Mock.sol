// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {EntityRegistry} from "../registry/EntityRegistry.sol";

/**
 * @title EntityRegistryV2Mock
 * @notice A test-only second implementation of the EntityRegistry proxy, so that an upgrade is observable: it is
 * EntityRegistry with version "2.0.0-mock" and one more function, {upgradedMarker}.
 * @dev A plain subclass: it inherits EntityRegistry's code, its ERC-7201 storage namespace, its UUPS upgrade gate
 * (`_authorizeUpgrade` restricted by the AccessManager) and its constructor, which disables initializers on the
 * implementation. It adds no state. Never deploy outside tests.
 */
contract EntityRegistryV2Mock is EntityRegistry {
    /// @notice The value {upgradedMarker} returns.
    bytes32 public constant UPGRADED_MARKER = keccak256("EntityRegistryV2Mock");

    /// @notice The implementation's version.
    /// @return The version string, "2.0.0-mock".
    function version() external pure override returns (string memory) {
        return "2.0.0-mock";
    }

    /// @notice A function the first implementation does not have.
    /// @return The constant {UPGRADED_MARKER}.
    function upgradedMarker() external pure returns (bytes32) {
        return UPGRADED_MARKER;
    }
}
