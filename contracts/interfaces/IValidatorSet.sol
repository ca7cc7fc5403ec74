// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry} from "./IEntityRegistry.sol";
import {ITrustLedger} from "./ITrustLedger.sol";

/**
 * @title IValidatorSet
 * @notice The authority validators of a public community. Besu (QBFT, contract validator selection) calls
 * {getValidators} on the contract at `qbft.validatorcontractaddress` against the parent block's state, so a
 * change made in block N takes effect from block N+1.
 *
 * Authorities admit and remove authorities by a vote of more than two thirds of the current set. Once the set
 * is bound to the suite's registry, a candidate must be an account of an Active organization whose trust is at
 * least the bound threshold; an authority votes only while it acts for that organization and it is Active, and
 * anyone may remove one that no longer does (its organization expelled, or its account released). The set
 * never shrinks below its minimum. Every change starts a new epoch: votes belong to the epoch they were cast in,
 * so a vote never counts towards a set that has changed since (the voters re-vote).
 */
interface IValidatorSet {
    // ------------------------------------------------------------------ types

    /// @notice What a proposal does.
    enum Action {
        None,
        Add,
        Remove,
        Bind,
        SetMinimum
    }

    // ------------------------------------------------------------------ events

    /// @notice `voter` voted for `proposal`; `votes` of `needed` are in.
    event VoteCast(
        bytes32 indexed proposal,
        address indexed voter,
        Action action,
        address indexed target,
        uint256 value,
        uint256 votes,
        uint256 needed
    );

    /// @notice `voter` took back its vote for `proposal`.
    event VoteWithdrawn(bytes32 indexed proposal, address indexed voter, uint256 votes);

    /// @notice `authority` joined the set; `epoch` is the epoch the change started.
    event AuthorityAdded(address indexed authority, uint256 indexed organization, uint64 epoch);

    /// @notice `authority` left the set, by vote or (`inactive`) because it no longer acts for an Active organization.
    event AuthorityRemoved(address indexed authority, bool inactive, uint64 epoch);

    /// @notice The set was bound to `registry` (and its ledger) with the admission threshold `minTrust`.
    event Bound(IEntityRegistry indexed registry, ITrustLedger indexed ledger, uint256 minTrust, uint64 epoch);

    /// @notice The set's minimum size became `minimum`.
    event MinimumChanged(uint256 minimum, uint64 epoch);

    // ------------------------------------------------------------------ errors

    /// @notice The initial set is empty.
    error ValidatorSetEmpty();

    /// @notice A zero address where an authority or a contract was expected.
    error ValidatorSetZeroAddress();

    /// @notice `account` appears twice in the initial set.
    error ValidatorSetDuplicate(address account);

    /// @notice The set would hold `count` authorities, more than `max`.
    error ValidatorSetTooMany(uint256 count, uint256 max);

    /// @notice A minimum of `minimum` is not between 1 and the set's size `count`.
    error ValidatorSetInvalidMinimum(uint256 minimum, uint256 count);

    /// @notice Removing an authority would leave `count - 1`, under the minimum `minimum`.
    error ValidatorSetAtMinimum(uint256 count, uint256 minimum);

    /// @notice `account` is not an authority (and only authorities vote).
    error ValidatorSetNotAuthority(address account);

    /// @notice `account` is already an authority.
    error ValidatorSetAlreadyAuthority(address account);

    /// @notice `voter` already voted for `proposal` in this epoch.
    error ValidatorSetAlreadyVoted(bytes32 proposal, address voter);

    /// @notice `voter` has no vote for `proposal` in this epoch to withdraw.
    error ValidatorSetNoVote(bytes32 proposal, address voter);

    /// @notice The set is not bound to a registry yet.
    error ValidatorSetNotBound();

    /// @notice `registry` is not a registry with a ledger.
    error ValidatorSetInvalidRegistry(address registry);

    /// @notice `minTrust` is above full trust (1e18).
    error ValidatorSetInvalidMinTrust(uint256 minTrust);

    /// @notice `candidate` does not act for an Active organization.
    error ValidatorSetCandidateNotActive(address candidate);

    /// @notice `candidate`'s organization has `trust`, under the threshold `minTrust`.
    error ValidatorSetCandidateUntrusted(address candidate, uint256 trust, uint256 minTrust);

    /// @notice `authority` still acts for the Active organization it was admitted for.
    error ValidatorSetAuthorityActive(address authority);

    /// @notice The set is bound and `authority` no longer acts for an Active organization, so it may not vote.
    error ValidatorSetInactiveAuthority(address authority);

    // ------------------------------------------------------------------ Besu

    /// @notice The current authorities, the validators of the next block. Order is not meaningful.
    function getValidators() external view returns (address[] memory);

    // ------------------------------------------------------------------ votes

    /// @notice Votes to admit `candidate`. Executes when more than two thirds of the authorities agree.
    function voteToAdd(address candidate) external;

    /// @notice Votes to remove `authority`. Executes when more than two thirds of the authorities agree.
    function voteToRemove(address authority) external;

    /// @notice Votes to bind the set to `registry` (and the registry's ledger) with admission threshold `minTrust`.
    function voteToBind(IEntityRegistry registry, uint256 minTrust) external;

    /// @notice Votes to set the minimum size of the set to `minimum`.
    function voteToSetMinimum(uint256 minimum) external;

    /// @notice Withdraws the caller's vote for a proposal of the current epoch (the arguments it voted with).
    function withdrawVote(Action action, address target, uint256 value) external;

    /**
     * @notice Removes `authority`, which no longer acts for an Active organization: its organization was expelled
     * (or is otherwise not Active), or its account was released or moved to another organization. Anyone may
     * call it once the set is bound.
     */
    function removeInactive(address authority) external;

    // ------------------------------------------------------------------ views

    /// @notice Whether `account` is an authority.
    function isAuthority(address account) external view returns (bool);

    /// @notice The number of authorities.
    function authorityCount() external view returns (uint256);

    /// @notice The smallest size the set may shrink to.
    function minimumAuthorities() external view returns (uint256);

    /// @notice The current epoch (incremented by every change of the set, binding or minimum).
    function epoch() external view returns (uint64);

    /// @notice The registry, its ledger and the admission threshold (all zero while unbound).
    function binding() external view returns (IEntityRegistry registry, ITrustLedger ledger, uint256 minTrust);

    /// @notice The id of a proposal in the current epoch.
    function proposalId(Action action, address target, uint256 value) external view returns (bytes32);

    /// @notice Votes needed for a proposal to pass: more than two thirds of the current authorities.
    function votesNeeded() external view returns (uint256);

    /// @notice Votes `proposal` has (an id of a past epoch keeps the count it had when the epoch ended).
    function votesFor(bytes32 proposal) external view returns (uint256);

    /// @notice Whether `voter` voted for `proposal` (ids are per epoch; see {proposalId}).
    function hasVoted(bytes32 proposal, address voter) external view returns (bool);

    /// @notice The organization `authority` was admitted for while bound (0: admitted unbound, or not an authority).
    function organizationOf(address authority) external view returns (uint256);

    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
