// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPenaltyHook} from "../interfaces/IPenaltyHook.sol";

/**
 * @title RevertingPenaltyHook
 * @notice A test penalty hook whose {onLowIntegrity} always reverts with {RevertingPenaltyHookRejected}, to
 * show that a failing hook blocks the rating that called it.
 */
contract RevertingPenaltyHook is IPenaltyHook {
    /// @notice Always raised by {onLowIntegrity}, carrying the organization and contribution it was called for.
    error RevertingPenaltyHookRejected(uint256 orgId, bytes32 contributionId);

    /// @inheritdoc IPenaltyHook
    function onLowIntegrity(uint256 orgId, bytes32 contributionId, address, uint64, uint64, bytes32) external pure {
        revert RevertingPenaltyHookRejected(orgId, contributionId);
    }
}
