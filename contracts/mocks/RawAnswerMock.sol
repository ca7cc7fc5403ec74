// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title RawAnswerMock
 * @notice Test-only: answers every call with the same raw bytes, fixed at deployment, so a test can hand a caller
 * answers no real contract gives (e.g. a `ledger()` answer of the wrong length, with bits above an address, or
 * naming an account without code).
 */
contract RawAnswerMock {
    /// @dev Returned as is, without ABI encoding.
    bytes private _answer;

    /// @param answer The bytes every call returns.
    constructor(bytes memory answer) {
        _answer = answer;
    }

    /// @notice Accepts any call and returns the fixed answer.
    fallback(bytes calldata) external returns (bytes memory) {
        return _answer;
    }
}
