// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../interfaces/ITrustLedger.sol";
import {PenaltyCases} from "../penalty/PenaltyCases.sol";

/**
 * @title PenaltyCasesV2Mock
 * @notice A test-only second implementation of the PenaltyCases proxy, so that an upgrade is observable: it is
 * PenaltyCases with version "2.0.0-mock" and one more function, {upgradedMarker}.
 * @dev A plain subclass: it inherits PenaltyCases's code, its ERC-7201 storage namespace, its UUPS upgrade gate
 * (`_authorizeUpgrade` restricted by the AccessManager) and its constructor, which takes the registry and ledger
 * proxies (the same as the first implementation's, or the upgrade is refused) and disables initializers on the
 * implementation. It adds no state. Never deploy outside tests.
 */
contract PenaltyCasesV2Mock is PenaltyCases {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IEntityRegistry registry_, ITrustLedger ledger_) PenaltyCases(registry_, ledger_) {}

    /// @notice The value {upgradedMarker} returns.
    bytes32 public constant UPGRADED_MARKER = keccak256("PenaltyCasesV2Mock");

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
