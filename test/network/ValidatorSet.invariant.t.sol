// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {ValidatorSet} from "../../contracts/network/ValidatorSet.sol";
import {ValidatorSetHandler} from "../helpers/sol/ValidatorSetHandler.sol";

/**
 * @notice Invariants of an unbound {ValidatorSet} driven by {ValidatorSetHandler}: random authorities vote to
 * admit and remove accounts and to change the minimum, withdraw votes (also with a lapsed proposal's arguments), push admissions and removals through (so
 * the set reaches both its maximum and its minimum), and outsiders are refused. The handler keeps its own model
 * of the set; hardhat.config.ts runs invariants with `failOnRevert`, so a call the model did not expect to fail,
 * or a wrong error, fails the campaign.
 *
 * Runs and depth are set per invariant for the `default` profile (each invariant is its own campaign);
 * `npx hardhat test solidity --test-profile deep` uses that profile's longer campaigns.
 */
contract ValidatorSetInvariantTest is Test {
    ValidatorSetHandler internal handler;
    ValidatorSet internal set;

    function setUp() public {
        handler = new ValidatorSetHandler();
        set = handler.set();
        assertEq(set.MAX_AUTHORITIES(), handler.MAX(), "the model's maximum");
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.selectors()}));
    }

    /**
     * @dev The set holds between its minimum and 64 authorities, its minimum is at least 1 and the model's, and
     * it needs more than two thirds of its size to pass a proposal.
     * hardhat-config: default.invariant.runs = 12
     * hardhat-config: default.invariant.depth = 96
     */
    function invariant_sizeBetweenMinimumAndMax() public view {
        uint256 count = set.authorityCount();
        uint256 minimum = set.minimumAuthorities();
        assertEq(minimum, handler.ghostMinimum(), "minimum");
        assertGe(minimum, 1, "minimum below 1");
        assertGe(count, minimum, "below the minimum");
        assertLe(count, set.MAX_AUTHORITIES(), "above the maximum");
        assertEq(set.votesNeeded(), (count * 2) / 3 + 1, "votes needed");
    }

    /**
     * @dev getValidators holds no zero address and no account twice, has authorityCount entries, and isAuthority
     * is true exactly for its entries: for every actor the handler uses, and false for the zero address.
     * hardhat-config: default.invariant.runs = 12
     * hardhat-config: default.invariant.depth = 96
     */
    function invariant_positionsConsistent() public view {
        address[] memory listed = set.getValidators();
        assertEq(listed.length, set.authorityCount(), "authorityCount");
        for (uint256 i = 0; i < listed.length; ++i) {
            assertTrue(listed[i] != address(0), "zero address listed");
            assertTrue(set.isAuthority(listed[i]), "listed but not an authority");
            for (uint256 j = i + 1; j < listed.length; ++j) {
                assertTrue(listed[i] != listed[j], "listed twice");
            }
        }
        assertFalse(set.isAuthority(address(0)), "zero address is an authority");
        address[] memory actors = handler.actors();
        for (uint256 i = 0; i < actors.length; ++i) {
            assertEq(set.isAuthority(actors[i]), _contains(listed, actors[i]), "isAuthority disagrees with the list");
        }
    }

    /**
     * @dev The contract's set is the model's: the same size, and every model member is listed (with no
     * duplicates on either side, that makes the two sets equal).
     * hardhat-config: default.invariant.runs = 12
     * hardhat-config: default.invariant.depth = 96
     */
    function invariant_setMatchesModel() public view {
        address[] memory listed = set.getValidators();
        address[] memory members = handler.members();
        assertEq(listed.length, members.length, "size");
        for (uint256 i = 0; i < members.length; ++i) {
            assertTrue(_contains(listed, members[i]), "model member not listed");
        }
    }

    /**
     * @dev The epoch is the number of changes the model saw, and the votes of this epoch's proposals are the
     * model's (counts, and each authority's vote).
     * hardhat-config: default.invariant.runs = 12
     * hardhat-config: default.invariant.depth = 96
     */
    function invariant_epochCountsChangesAndVotesMatch() public view {
        assertEq(set.epoch(), handler.ghostChanges(), "epoch");
        bytes32[] memory proposals = handler.proposals();
        address[] memory members = handler.members();
        for (uint256 i = 0; i < proposals.length; ++i) {
            assertEq(set.votesFor(proposals[i]), handler.ghostVotes(proposals[i]), "votes");
            for (uint256 j = 0; j < members.length; ++j) {
                assertEq(
                    set.hasVoted(proposals[i], members[j]),
                    handler.ghostVoted(proposals[i], members[j]),
                    "hasVoted"
                );
            }
        }
    }

    /**
     * @dev A proposal of a past epoch keeps the figures it had when its epoch ended: no later vote or withdrawal
     * (the handler withdraws with lapsed proposals' arguments too) changes its count or any actor's vote.
     * hardhat-config: default.invariant.runs = 12
     * hardhat-config: default.invariant.depth = 96
     */
    function invariant_lapsedProposalsKeepTheirFigures() public view {
        bytes32[] memory lapsed = handler.lapsedProposals();
        address[] memory actors = handler.actors();
        for (uint256 i = 0; i < lapsed.length; ++i) {
            assertEq(set.votesFor(lapsed[i]), handler.ghostVotes(lapsed[i]), "lapsed votes");
            for (uint256 j = 0; j < actors.length; ++j) {
                assertEq(
                    set.hasVoted(lapsed[i], actors[j]),
                    handler.ghostVoted(lapsed[i], actors[j]),
                    "lapsed hasVoted"
                );
            }
        }
    }

    function _contains(address[] memory list, address account) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == account) return true;
        }
        return false;
    }
}
