// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/**
 * @title EntityRegistryV2Mock
 * @notice A test-only second implementation of the EntityRegistry proxy, so that an upgrade is observable: it reports
 * version "2.0.0-mock", adds {upgradedMarker}, and runs every other function with the code of a first
 * (EntityRegistry) implementation, on the proxy's storage.
 * @dev EntityRegistry.version() is not `virtual`, so a contract that inherits EntityRegistry cannot change it. This mock
 * therefore does not inherit EntityRegistry: it keeps the UUPS upgrade path and the AccessManager gate (the same
 * OpenZeppelin bases, on the same ERC-7201 namespaces) and delegates every other selector to
 * `legacyImplementation`. The delegated code runs in the proxy's context, so it reads and writes the
 * proxy's ERC-7201 storage exactly as before the upgrade. Never deploy outside tests.
 */
contract EntityRegistryV2Mock is Initializable, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @notice The value {upgradedMarker} returns.
    bytes32 public constant UPGRADED_MARKER = keccak256("EntityRegistryV2Mock");

    /// @dev The EntityRegistry implementation whose code serves every selector this contract does not define.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable LEGACY_IMPLEMENTATION;

    /// @custom:oz-upgrades-unsafe-allow constructor
    /// @param legacyImplementation_ A deployed EntityRegistry implementation (not a proxy).
    constructor(address legacyImplementation_) {
        LEGACY_IMPLEMENTATION = legacyImplementation_;
        _disableInitializers();
    }

    /// @notice The implementation's version.
    /// @return The version string, "2.0.0-mock".
    function version() external pure returns (string memory) {
        return "2.0.0-mock";
    }

    /// @notice A function the first implementation does not have.
    /// @return The constant {UPGRADED_MARKER}.
    function upgradedMarker() external pure returns (bytes32) {
        return UPGRADED_MARKER;
    }

    /// @notice The EntityRegistry implementation that serves the other selectors.
    /// @return The address given at construction.
    function legacyImplementation() external view returns (address) {
        return LEGACY_IMPLEMENTATION;
    }

    /// @dev Upgrades stay gated by the AccessManager (ADMIN by deployment), as in EntityRegistry.
    function _authorizeUpgrade(address) internal override restricted {}

    /**
     * @dev Every selector not defined here runs the first implementation's code. Not payable: no function of
     * the first implementation is payable except `upgradeToAndCall`, which this contract defines itself.
     */
    fallback() external {
        _delegate(LEGACY_IMPLEMENTATION);
    }

    /// @dev Runs `implementation`'s code in this (the proxy's) context and returns or reverts with its data.
    function _delegate(address implementation) private {
        // Not memory-safe: it takes over memory from 0x00, as OpenZeppelin Proxy does, and never returns to Solidity.
        assembly {
            calldatacopy(0x00, 0x00, calldatasize())
            let success := delegatecall(gas(), implementation, 0x00, calldatasize(), 0x00, 0x00)
            returndatacopy(0x00, 0x00, returndatasize())
            if iszero(success) {
                revert(0x00, returndatasize())
            }
            return(0x00, returndatasize())
        }
    }
}
