// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPenaltyHook} from "../interfaces/IPenaltyHook.sol";

/**
 * @title PenaltyHookMock
 * @notice A test penalty hook: records the arguments of the last {onLowIntegrity} call and how many calls it
 * received, and emits {LowIntegrityReceived} for each.
 */
contract PenaltyHookMock is IPenaltyHook {
    /// @notice The arguments of one {onLowIntegrity} call.
    struct Call {
        uint256 orgId;
        bytes32 contributionId;
        address rater;
        uint64 integrity;
        uint64 intent;
        bytes32 evidenceHash;
        address caller;
    }

    /// @notice How many times {onLowIntegrity} was called.
    uint256 public callCount;

    Call private _lastCall;

    /// @notice Emitted by every {onLowIntegrity} call with its arguments and caller.
    event LowIntegrityReceived(
        uint256 indexed orgId,
        bytes32 indexed contributionId,
        address indexed rater,
        uint64 integrity,
        uint64 intent,
        bytes32 evidenceHash,
        address caller
    );

    /// @inheritdoc IPenaltyHook
    function onLowIntegrity(
        uint256 orgId,
        bytes32 contributionId,
        address rater,
        uint64 integrity,
        uint64 intent,
        bytes32 evidenceHash
    ) external {
        ++callCount;
        _lastCall = Call({
            orgId: orgId,
            contributionId: contributionId,
            rater: rater,
            integrity: integrity,
            intent: intent,
            evidenceHash: evidenceHash,
            caller: msg.sender
        });
        emit LowIntegrityReceived(orgId, contributionId, rater, integrity, intent, evidenceHash, msg.sender);
    }

    /// @notice The arguments (and the caller) of the last {onLowIntegrity} call; zeros before the first.
    /// @return The last call.
    function lastCall() external view returns (Call memory) {
        return _lastCall;
    }
}
