// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title ZeroLedgerRegistryMock
 * @notice Test-only: answers `ledger()` with the zero address, like a registry never wired to a ledger, so a test
 * can check that a validator set refuses to bind to it.
 */
contract ZeroLedgerRegistryMock {
    /// @notice Always the zero address.
    function ledger() external pure returns (address) {
        return address(0);
    }
}
