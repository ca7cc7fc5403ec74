// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title RawRevertMock
 * @notice Test-only: reverts every call with the same raw bytes, fixed at deployment, so a test can show that a
 * caller passes on a callee's failure unchanged (e.g. a registry that fails with something other than
 * `EntityRegistryNotActiveMember`).
 */
contract RawRevertMock {
    /// @dev Reverted with as is.
    bytes private _reason;

    /// @param reason The revert data of every call.
    constructor(bytes memory reason) {
        _reason = reason;
    }

    /// @notice Reverts every call with the fixed revert data.
    // It must answer every selector, so the work is in the fallback.
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        bytes memory reason = _reason;
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}
