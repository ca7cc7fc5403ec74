// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/**
 * @title BenchGovernor
 * @notice Benchmark peer only, never deployed to a network: the OpenZeppelin Wizard's Governor (settings, simple
 * counting, ERC20Votes weights, 4% quorum, no timelock) whose `castVote` the benchmark compares with Credence's.
 * Compiled for Cancun (OpenZeppelin 5.7's EIP712 reaches `mcopy`), unlike the suite.
 */
contract BenchGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction
{
    /// @param token The ERC20Votes token whose delegated balances are the voting weights.
    /// @param initialVotingDelay Blocks between a proposal and the start of its vote.
    /// @param initialVotingPeriod Blocks the vote lasts.
    constructor(
        IVotes token,
        uint48 initialVotingDelay,
        uint32 initialVotingPeriod
    )
        Governor("BenchGovernor")
        GovernorSettings(initialVotingDelay, initialVotingPeriod, 0)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(4)
    {}

    /// @inheritdoc GovernorSettings
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }
}
