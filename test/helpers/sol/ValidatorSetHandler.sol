// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {IValidatorSet} from "../../../contracts/interfaces/IValidatorSet.sol";
import {ValidatorSet} from "../../../contracts/network/ValidatorSet.sol";

/**
 * @title ValidatorSetHandler
 * @notice Drives an unbound {ValidatorSet} for invariant tests: random authorities vote to admit and remove
 * accounts and to change the minimum, withdraw votes (naming proposals of this epoch or of past ones by their
 * arguments), push proposals through with enough votes to pass (so the set grows to its maximum and shrinks to its
 * minimum within a campaign), and outsiders try to vote.
 * @dev The ghost state is an independent model of the set: its members (an array with a linear search, not the
 * contract's position index), the minimum, the number of changes (the epoch), and the votes of the current
 * epoch's proposals, whose ids the handler computes itself, and the final figures of a few lapsed proposals. Every call the model says must fail is made anyway and
 * its exact error checked; every other call must succeed, so the invariant tests run with `failOnRevert`.
 *
 * Inputs are clamped with forge-std's `_bound` (no console log).
 */
contract ValidatorSetHandler is CommonBase, StdCheats, StdUtils {
    /// @notice The contract did something the model did not predict (`what`, the expected and actual values).
    error HandlerModelMismatch(string what, uint256 expected, uint256 actual);

    /// @notice More actors than the set can hold, so that a full set still has candidates left.
    uint256 public constant ACTOR_COUNT = 72;
    /// @notice ValidatorSet.MAX_AUTHORITIES, restated: the model does not read it from the contract.
    uint256 public constant MAX = 64;
    /// @notice The initial authorities are the first INITIAL_COUNT actors.
    uint256 public constant INITIAL_COUNT = 4;
    uint256 public constant INITIAL_MINIMUM = 2;
    /// @dev The most admissions one {pushAdd} call pushes through.
    uint256 internal constant MAX_PUSHES = 16;
    /// @dev How many lapsed proposals the model keeps (the most recent ones), to bound the invariants' reads.
    uint256 internal constant LAPSED_KEPT = 16;

    /// @dev What a proposal id names: `withdrawVote` takes these, not the id.
    struct Proposal {
        IValidatorSet.Action action;
        address target;
        uint256 value;
    }

    ValidatorSet public set;
    address[] internal _actors;

    // ------------------------------------------------------------------ ghost state

    /// @dev The model's authorities, in no particular order.
    address[] internal _members;
    /// @notice The model's minimum.
    uint256 public ghostMinimum;
    /// @notice Changes so far (admissions, removals, minimum changes): the model's epoch.
    uint256 public ghostChanges;
    /// @dev The proposals voted on in the current epoch (cleared by every change).
    bytes32[] internal _proposals;
    mapping(bytes32 proposal => uint256) internal _votes;
    mapping(bytes32 proposal => mapping(address voter => bool)) internal _voted;
    /// @dev Whether a proposal is in `_proposals` (ids are per epoch, so this never needs clearing).
    mapping(bytes32 proposal => bool) internal _listed;
    /// @dev The arguments of every proposal the model recorded a vote for.
    mapping(bytes32 proposal => Proposal) internal _arguments;
    /// @dev A ring of the last LAPSED_KEPT proposals of past epochs; their model figures are final.
    bytes32[] internal _lapsed;
    uint256 internal _lapsedNext;

    /// @notice How many times each outcome happened (by name), for inspection of a campaign.
    mapping(bytes32 outcome => uint256) public calls;

    constructor() {
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            _actors.push(makeAddr(string.concat("authority", vm.toString(i))));
        }
        address[] memory initial = new address[](INITIAL_COUNT);
        for (uint256 i = 0; i < INITIAL_COUNT; ++i) {
            initial[i] = _actors[i];
            _members.push(_actors[i]);
        }
        set = new ValidatorSet(initial, INITIAL_MINIMUM);
        ghostMinimum = INITIAL_MINIMUM;
    }

    // ------------------------------------------------------------------ actions

    /// @notice An authority votes to admit an actor (or the zero address), which may already be an authority.
    function voteToAdd(uint256 voterSeed, uint256 candidateSeed) external {
        address candidate =
            candidateSeed % (ACTOR_COUNT + 1) == ACTOR_COUNT ? address(0) : _actors[candidateSeed % ACTOR_COUNT];
        _voteToAdd(_members[voterSeed % _members.length], candidate);
    }

    /// @notice An authority votes to remove an actor, which may not be an authority.
    function voteToRemove(uint256 voterSeed, uint256 targetSeed) external {
        _voteToRemove(_members[voterSeed % _members.length], _actors[targetSeed % ACTOR_COUNT]);
    }

    /// @notice An authority votes for a minimum between 0 and one above the set's size (both ends invalid).
    function voteToSetMinimum(uint256 voterSeed, uint256 minimum) external {
        _voteToSetMinimum(_members[voterSeed % _members.length], _bound(minimum, 0, _members.length + 1));
    }

    /**
     * @notice An authority withdraws its vote, naming a proposal of this epoch or (`lapsed`) of a past one by its
     * arguments. The contract takes them as this epoch's proposal, so a lapsed proposal never loses a vote: the
     * call withdraws the vote the authority cast for the same arguments in this epoch, or is refused.
     */
    function withdrawVote(uint256 voterSeed, uint256 proposalSeed, bool lapsed) external {
        bytes32[] storage pool = lapsed ? _lapsed : _proposals;
        if (pool.length == 0) return;
        Proposal memory named = _arguments[pool[proposalSeed % pool.length]];
        bytes32 proposal = _proposalId(named.action, named.target, named.value);
        address voter = _members[voterSeed % _members.length];
        // Half the time, the first authority from there on with a vote this epoch (random voters rarely have one).
        for (uint256 i = 0; voterSeed % 2 == 0 && i < _members.length && !_voted[proposal][voter]; ++i) {
            voter = _members[((voterSeed % _members.length) + i) % _members.length];
        }
        vm.prank(voter);
        if (!_voted[proposal][voter]) {
            try set.withdrawVote(named.action, named.target, named.value) {
                revert HandlerModelMismatch("withdrawVote without a vote", 0, 1);
            } catch (bytes memory reason) {
                _expectError(
                    reason,
                    abi.encodeWithSelector(IValidatorSet.ValidatorSetNoVote.selector, proposal, voter)
                );
            }
            ++calls[lapsed ? bytes32("withdrawVote (lapsed, no vote)") : bytes32("withdrawVote (no vote)")];
            return;
        }
        set.withdrawVote(named.action, named.target, named.value);
        _voted[proposal][voter] = false;
        --_votes[proposal];
        _checkVotes(proposal, voter);
        ++calls[lapsed ? bytes32("withdrawVote (lapsed args)") : bytes32("withdrawVote")];
    }

    /// @notice Up to MAX_PUSHES actors outside the set are admitted, each by as many authorities as it takes.
    function pushAdd(uint256 candidateSeed, uint256 times) external {
        times = _bound(times, 1, MAX_PUSHES);
        for (uint256 t = 0; t < times; ++t) {
            if (_members.length >= MAX) {
                // Full: one more vote shows the cap.
                _voteToAdd(_members[candidateSeed % _members.length], _outsider(candidateSeed));
                return;
            }
            address candidate = _outsider((candidateSeed % ACTOR_COUNT) + t);
            uint256 changes = ghostChanges;
            for (uint256 i = 0; i < _members.length && ghostChanges == changes; ++i) {
                address voter = _members[i];
                if (!_voted[_proposalId(IValidatorSet.Action.Add, candidate, 0)][voter]) _voteToAdd(voter, candidate);
            }
            _expectEqual("pushAdd changes", changes + 1, ghostChanges);
        }
    }

    /// @notice An authority is removed by as many authorities as it takes, unless the set is at its minimum.
    function pushRemove(uint256 targetSeed) external {
        address target = _members[targetSeed % _members.length];
        if (_members.length <= ghostMinimum) {
            // At the minimum: one vote shows the floor.
            _voteToRemove(_members[(targetSeed / 7) % _members.length], target);
            return;
        }
        uint256 changes = ghostChanges;
        // Voters are picked from the start of the array; a removal ends the loop before the array changes under it.
        for (uint256 i = 0; i < _members.length && ghostChanges == changes; ++i) {
            address voter = _members[i];
            if (!_voted[_proposalId(IValidatorSet.Action.Remove, target, 0)][voter]) _voteToRemove(voter, target);
        }
        _expectEqual("pushRemove changes", changes + 1, ghostChanges);
    }

    /// @notice An actor outside the set tries each kind of vote and a withdrawal; all are refused.
    function outsiderVotes(uint256 actorSeed, uint256 kind) external {
        address outsider = _outsider(actorSeed);
        bytes memory expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetNotAuthority.selector, outsider);
        kind = kind % 4;
        vm.prank(outsider);
        if (kind == 0) {
            try set.voteToAdd(outsider) {
                revert HandlerModelMismatch("outsider voted", 0, kind);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
        } else if (kind == 1) {
            try set.voteToRemove(_members[0]) {
                revert HandlerModelMismatch("outsider voted", 0, kind);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
        } else if (kind == 2) {
            try set.voteToSetMinimum(1) {
                revert HandlerModelMismatch("outsider voted", 0, kind);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
        } else {
            try set.withdrawVote(IValidatorSet.Action(actorSeed % 5), outsider, actorSeed) {
                revert HandlerModelMismatch("outsider withdrew", 0, kind);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
        }
        ++calls["outsider refused"];
    }

    /// @notice The selectors the invariant runner calls.
    function selectors() external pure returns (bytes4[] memory list) {
        list = new bytes4[](7);
        list[0] = ValidatorSetHandler.voteToAdd.selector;
        list[1] = ValidatorSetHandler.voteToRemove.selector;
        list[2] = ValidatorSetHandler.voteToSetMinimum.selector;
        list[3] = ValidatorSetHandler.withdrawVote.selector;
        list[4] = ValidatorSetHandler.pushAdd.selector;
        list[5] = ValidatorSetHandler.pushRemove.selector;
        list[6] = ValidatorSetHandler.outsiderVotes.selector;
    }

    // ------------------------------------------------------------------ views for the tests

    /// @notice The model's authorities.
    function members() external view returns (address[] memory) {
        return _members;
    }

    /// @notice Every actor (authorities and outsiders).
    function actors() external view returns (address[] memory) {
        return _actors;
    }

    /// @notice This epoch's proposals with votes recorded by the model.
    function proposals() external view returns (bytes32[] memory) {
        return _proposals;
    }

    /// @notice The most recent proposals of past epochs (at most LAPSED_KEPT), whose figures no call may change.
    function lapsedProposals() external view returns (bytes32[] memory) {
        return _lapsed;
    }

    /// @notice The model's vote count of `proposal` (of any epoch: ids are per epoch).
    function ghostVotes(bytes32 proposal) external view returns (uint256) {
        return _votes[proposal];
    }

    /// @notice Whether `voter` voted for `proposal` in the model.
    function ghostVoted(bytes32 proposal, address voter) external view returns (bool) {
        return _voted[proposal][voter];
    }

    /// @notice Whether `account` is in the model's set (linear search).
    function ghostIsMember(address account) public view returns (bool) {
        for (uint256 i = 0; i < _members.length; ++i) {
            if (_members[i] == account) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ internals: votes

    function _voteToAdd(address voter, address candidate) private {
        uint256 count = _members.length;
        bytes memory expected;
        bytes32 proposal = _proposalId(IValidatorSet.Action.Add, candidate, 0);
        // The contract's order of checks.
        if (candidate == address(0)) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetZeroAddress.selector);
        } else if (ghostIsMember(candidate)) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetAlreadyAuthority.selector, candidate);
        } else if (count >= MAX) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetTooMany.selector, count + 1, MAX);
        } else if (_voted[proposal][voter]) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetAlreadyVoted.selector, proposal, voter);
        }
        vm.prank(voter);
        if (expected.length != 0) {
            try set.voteToAdd(candidate) {
                revert HandlerModelMismatch("voteToAdd should fail", 0, 1);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
            ++calls["voteToAdd refused"];
            return;
        }
        set.voteToAdd(candidate);
        if (_recordVote(proposal, Proposal(IValidatorSet.Action.Add, candidate, 0), voter)) {
            _members.push(candidate);
            _changed();
            ++calls["admitted"];
        }
    }

    function _voteToRemove(address voter, address target) private {
        uint256 count = _members.length;
        bytes memory expected;
        bytes32 proposal = _proposalId(IValidatorSet.Action.Remove, target, 0);
        if (!ghostIsMember(target)) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetNotAuthority.selector, target);
        } else if (count <= ghostMinimum) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetAtMinimum.selector, count, ghostMinimum);
        } else if (_voted[proposal][voter]) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetAlreadyVoted.selector, proposal, voter);
        }
        vm.prank(voter);
        if (expected.length != 0) {
            try set.voteToRemove(target) {
                revert HandlerModelMismatch("voteToRemove should fail", 0, 1);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
            ++calls["voteToRemove refused"];
            return;
        }
        set.voteToRemove(target);
        if (_recordVote(proposal, Proposal(IValidatorSet.Action.Remove, target, 0), voter)) {
            for (uint256 i = 0; i < count; ++i) {
                if (_members[i] == target) {
                    _members[i] = _members[count - 1];
                    _members.pop();
                    break;
                }
            }
            _changed();
            ++calls["removed"];
        }
    }

    function _voteToSetMinimum(address voter, uint256 minimum) private {
        uint256 count = _members.length;
        bytes memory expected;
        bytes32 proposal = _proposalId(IValidatorSet.Action.SetMinimum, address(0), minimum);
        if (minimum == 0 || minimum > count) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetInvalidMinimum.selector, minimum, count);
        } else if (_voted[proposal][voter]) {
            expected = abi.encodeWithSelector(IValidatorSet.ValidatorSetAlreadyVoted.selector, proposal, voter);
        }
        vm.prank(voter);
        if (expected.length != 0) {
            try set.voteToSetMinimum(minimum) {
                revert HandlerModelMismatch("voteToSetMinimum should fail", 0, 1);
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
            ++calls["voteToSetMinimum refused"];
            return;
        }
        set.voteToSetMinimum(minimum);
        if (_recordVote(proposal, Proposal(IValidatorSet.Action.SetMinimum, address(0), minimum), voter)) {
            ghostMinimum = minimum;
            _changed();
            ++calls["minimum changed"];
        }
    }

    /// @dev Records a vote in the model, checks the contract agrees, and tells whether the proposal passes.
    function _recordVote(bytes32 proposal, Proposal memory named, address voter) private returns (bool passed) {
        if (!_listed[proposal]) {
            _listed[proposal] = true;
            _proposals.push(proposal);
            _arguments[proposal] = named;
        }
        _voted[proposal][voter] = true;
        uint256 votes = ++_votes[proposal];
        _checkVotes(proposal, voter);
        passed = votes > (_members.length * 2) / 3;
        ++calls["vote"];
    }

    /// @dev A new epoch: every outstanding vote lapses (the most recent lapsed proposals are kept for checks).
    function _changed() private {
        ++ghostChanges;
        for (uint256 i = 0; i < _proposals.length; ++i) {
            if (_lapsed.length < LAPSED_KEPT) {
                _lapsed.push(_proposals[i]);
            } else {
                _lapsed[_lapsedNext] = _proposals[i];
                _lapsedNext = (_lapsedNext + 1) % LAPSED_KEPT;
            }
        }
        delete _proposals;
    }

    /// @dev The contract's count and record of `voter`'s vote for `proposal` are the model's.
    function _checkVotes(bytes32 proposal, address voter) private view {
        _expectEqual("votesFor", _votes[proposal], set.votesFor(proposal));
        _expectEqual("hasVoted", _voted[proposal][voter] ? 1 : 0, set.hasVoted(proposal, voter) ? 1 : 0);
    }

    // ------------------------------------------------------------------ internals: model

    /// @dev The id of a proposal in the model's epoch, computed here (not by the contract).
    function _proposalId(IValidatorSet.Action action, address target, uint256 value) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(set), uint64(ghostChanges), action, target, value));
    }

    /// @dev The first actor outside the model's set from `seed` on (there always is one: ACTOR_COUNT > MAX).
    function _outsider(uint256 seed) private view returns (address) {
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            address actor = _actors[((seed % ACTOR_COUNT) + i) % ACTOR_COUNT];
            if (!ghostIsMember(actor)) return actor;
        }
        revert HandlerModelMismatch("no outsider", 1, 0);
    }

    function _expectEqual(string memory what, uint256 expected, uint256 actual) private pure {
        if (expected != actual) revert HandlerModelMismatch(what, expected, actual);
    }

    function _expectError(bytes memory actual, bytes memory expected) private pure {
        if (keccak256(actual) != keccak256(expected)) {
            revert HandlerModelMismatch("revert reason", uint256(bytes32(expected)), uint256(bytes32(actual)));
        }
    }
}
