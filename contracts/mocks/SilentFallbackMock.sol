// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title SilentFallbackMock
 * @notice Test-only: a contract with no functions of its own whose fallback accepts every call and returns no
 * data, so a caller that decodes a return value (e.g. `ledger()`) gets nothing to decode.
 */
contract SilentFallbackMock {
    /// @notice Accepts any call and returns nothing.
    fallback() external {}
}
