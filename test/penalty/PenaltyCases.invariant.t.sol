// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {Roles} from "../../contracts/access/Roles.sol";
import {IEntityRegistry} from "../../contracts/interfaces/IEntityRegistry.sol";
import {IPenaltyCases} from "../../contracts/interfaces/IPenaltyCases.sol";
import {ITrustLedger} from "../../contracts/interfaces/ITrustLedger.sol";
import {PenaltyHandler} from "../helpers/sol/PenaltyHandler.sol";
import {SuiteDeployer} from "../helpers/sol/SuiteDeployer.sol";

/**
 * @notice Invariants of PenaltyCases over the real proxies (deployed and wired by {SuiteDeployer-deployWithPenalty}
 * as the Ignition module does), driven by {PenaltyHandler}: joins with recommendations, member accounts, flags and
 * refused flags (barred, under the threshold, self, inactive or already accused organizations), platform ratings
 * that move trust after snapshots or open platform cases, direct and signed votes (expired, wrongly signed and
 * replayed ballots included), passing blocks, finalization, ratification (confirm or overturn, and strangers
 * refused), execution after the deadline, recommenders' liability, penalty-parameter changes and retries of
 * resolved cases. The test contract is governance and the ratifier; the handler holds ASSESSOR.
 *
 * Short penalty periods (votes of a few blocks) let a campaign run many cases to the end. Every invariant re-applies
 * the handler's block and timestamp first. hardhat.config.ts runs invariants with `failOnRevert`: the handler only
 * makes the calls its model says succeed (and checks the exact error of those it expects to fail), so any other
 * revert is a contract (or model) bug. Runs and depth are set per invariant for the `default` profile;
 * `npx hardhat test solidity --test-profile deep` uses that profile's longer campaigns.
 */
contract PenaltyCasesInvariantTest is Test {
    SuiteDeployer.Suite internal suite;
    PenaltyHandler internal handler;

    function setUp() public {
        vm.roll(100);
        vm.warp(1_700_000_000);
        suite = SuiteDeployer.deployWithPenalty(address(this), address(this), _shortParameters());
        handler = new PenaltyHandler(suite.registry, suite.ledger, suite.penalty, address(this));
        suite.manager.grantRole(Roles.ASSESSOR, address(handler), 0);

        // The wiring of deploy/modules/Credence.ts.
        assertEq(suite.ledger.penaltyHook(), address(suite.penalty), "penalty hook");
        // adjustTrust is taken from the penalty hook alone, not through a role: none is configured for it.
        assertEq(
            suite.manager.getTargetFunctionRole(address(suite.ledger), ITrustLedger.adjustTrust.selector),
            Roles.ADMIN
        );
        assertEq(address(suite.penalty.registry()), address(suite.registry), "registry");
        assertEq(address(suite.penalty.ledger()), address(suite.ledger), "ledger");
        assertEq(
            suite.manager.getTargetFunctionRole(address(suite.penalty), IPenaltyCases.ratify.selector),
            Roles.RATIFIER
        );
        (bool penaltyHoldsRole, ) = suite.manager.hasRole(Roles.PENALTY, address(suite.penalty));
        (bool ratifierHoldsRole, ) = suite.manager.hasRole(Roles.RATIFIER, address(this));
        assertTrue(penaltyHoldsRole && ratifierHoldsRole, "role grants");
        // The handler signs ballots over its own EIP-712 digest.
        assertEq(handler.domainSeparator(), suite.penalty.DOMAIN_SEPARATOR(), "domain separator");
        assertEq(handler.BALLOT_TYPEHASH(), suite.penalty.BALLOT_TYPEHASH(), "ballot type hash");

        // A founding community, through the handler so that its model knows it: six Active organizations of
        // various grades (some under the reporting threshold) with a second account each, and a Pending candidate.
        uint256[2] memory noRecommenders;
        for (uint256 i = 0; i < 6; ++i) {
            handler.join(i, i, [i, 5 - i], noRecommenders, i);
            handler.addMember(i, 6 + i);
        }
        handler.joinPending(12);

        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.selectors()}));
    }

    /**
     * @dev Status is one value: every organization the model expelled is Expelled, with no trust (current or
     * recorded) and no member account with rights, and no Active organization is in the model's expelled set.
     * Every organization's status is the model's.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_neverActiveAndExpelled() public {
        _atHandlerBlock();
        uint256[] memory orgs = handler.organizations();
        for (uint256 i = 0; i < orgs.length; ++i) {
            IEntityRegistry.Status status = suite.registry.statusOf(orgs[i]);
            bool expelled = handler.ghostStatus(orgs[i]) == IEntityRegistry.Status.Expelled;
            assertEq(uint8(status), uint8(handler.ghostStatus(orgs[i])), "status");
            if (status == IEntityRegistry.Status.Active) assertFalse(expelled, "Active and expelled");
            if (!expelled) continue;
            assertEq(uint8(status), uint8(IEntityRegistry.Status.Expelled), "expelled org not Expelled");
            assertEq(suite.ledger.trustOf(orgs[i]), 0, "expelled org keeps trust");
            (uint256 recorded, ) = suite.ledger.recordedTrustOf(orgs[i]);
            assertEq(recorded, 0, "expelled org keeps a record");
            address[] memory members = handler.membersOf(orgs[i]);
            for (uint256 j = 0; j < members.length; ++j) {
                assertFalse(suite.registry.isActiveMember(members[j]), "expelled account keeps rights");
                assertEq(suite.registry.organizationOf(members[j]), orgs[i], "expelled account released");
            }
        }
    }

    /**
     * @dev For every case, Expel + Keep + Abstain is at most the total trust at its snapshot, which is the total
     * the handler recorded at the end of that block (the ledger's fast path for recent blocks included).
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_castWeightAtMostTotalAtSnapshot() public {
        _atHandlerBlock();
        uint256 count = suite.penalty.caseCount();
        for (uint256 caseId = 1; caseId <= count; ++caseId) {
            IPenaltyCases.Case memory c = suite.penalty.getCase(caseId);
            uint256 total = suite.ledger.totalTrustAt(c.snapshot);
            assertEq(total, handler.ghostTotalTrustAt(c.snapshot), "total trust at the snapshot");
            assertLe(uint256(c.expelWeight) + c.keepWeight + c.abstainWeight, total, "cast weight above total");
        }
    }

    /**
     * @dev A resolved case keeps its resolution, emitted exactly one CaseResolved, and refuses ratify and execute
     * (tried here for every resolved case) with its state; an open case emitted none.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_caseResolvesAtMostOnce() public {
        _atHandlerBlock();
        uint256 count = suite.penalty.caseCount();
        for (uint256 caseId = 1; caseId <= count; ++caseId) {
            IPenaltyCases.CaseState resolution = handler.ghostCase(caseId).resolution;
            assertEq(uint8(suite.penalty.getCase(caseId).resolution), uint8(resolution), "resolution changed");
            if (resolution == IPenaltyCases.CaseState.None) {
                assertEq(handler.ghostResolvedEvents(caseId), 0, "open case resolved");
                continue;
            }
            assertEq(handler.ghostResolvedEvents(caseId), 1, "CaseResolved count");
            assertEq(uint8(suite.penalty.state(caseId)), uint8(resolution), "state of a resolved case");
            bytes memory notConcluded = abi.encodeWithSelector(
                IPenaltyCases.PenaltyCasesUnexpectedState.selector,
                caseId,
                resolution,
                IPenaltyCases.CaseState.Succeeded
            );
            vm.expectRevert(notConcluded);
            suite.penalty.ratify(caseId, resolution == IPenaltyCases.CaseState.Dismissed, bytes32(0));
            vm.expectRevert(notConcluded);
            suite.penalty.execute(caseId);
        }
    }

    /**
     * @dev openCaseOf is the model's open case or zero, for every organization and one unknown id; an open case
     * is unresolved and accuses that organization.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_openCaseIsModelsOrZero() public {
        _atHandlerBlock();
        uint256[] memory orgs = handler.organizations();
        for (uint256 i = 0; i < orgs.length; ++i) {
            uint256 open = suite.penalty.openCaseOf(orgs[i]);
            assertEq(open, handler.ghostOpenCase(orgs[i]), "open case");
            if (open == 0) continue;
            IPenaltyCases.Case memory c = suite.penalty.getCase(open);
            assertEq(c.accusedId, orgs[i], "open case accuses another organization");
            assertEq(uint8(c.resolution), uint8(IPenaltyCases.CaseState.None), "open case resolved");
        }
        assertEq(suite.penalty.openCaseOf(orgs.length + 1), 0, "unknown organization with a case");
    }

    /**
     * @dev Every case matches the model field by field (parties, timepoints, bond, quorum, thresholds, weights,
     * flags, resolution block), its state is the model's at this block, the organizations the model counted have
     * voted (never the accused or the reporter), and an unknown id has no state.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_casesMatchModel() public {
        _atHandlerBlock();
        uint256 count = handler.caseCount();
        assertEq(suite.penalty.caseCount(), count, "case count");
        for (uint256 caseId = 1; caseId <= count; ++caseId) {
            IPenaltyCases.Case memory c = suite.penalty.getCase(caseId);
            PenaltyHandler.GhostCase memory g = handler.ghostCase(caseId);
            assertEq(c.accusedId, g.accusedId, "accused");
            assertEq(c.reporterId, g.reporterId, "reporter organization");
            assertEq(c.reporter, g.reporter, "reporter");
            assertEq(c.snapshot, g.snapshot, "snapshot");
            assertEq(c.voteStart, g.voteStart, "voteStart");
            assertEq(c.voteEnd, g.voteEnd, "voteEnd");
            assertEq(c.ratificationDeadline, g.ratificationDeadline, "ratificationDeadline");
            assertEq(c.resolvedAt, g.resolvedAt, "resolvedAt");
            assertEq(c.bond, g.bond, "bond");
            assertEq(c.quorum, g.quorum, "quorum");
            assertEq(c.expelThreshold, g.expelThreshold, "expelThreshold");
            assertEq(c.misuseThreshold, g.misuseThreshold, "misuseThreshold");
            assertEq(c.expelWeight, g.expelWeight, "expelWeight");
            assertEq(c.keepWeight, g.keepWeight, "keepWeight");
            assertEq(c.abstainWeight, g.abstainWeight, "abstainWeight");
            assertEq(c.finalized, g.finalized, "finalized");
            assertEq(c.ratified, g.ratified, "ratified");
            assertEq(uint8(suite.penalty.state(caseId)), uint8(handler.modelState(caseId)), "state");
            uint256[] memory voters = handler.voterOrganizations(caseId);
            for (uint256 i = 0; i < voters.length; ++i) {
                assertTrue(suite.penalty.hasVoted(caseId, voters[i]), "vote not recorded");
            }
            assertFalse(suite.penalty.hasVoted(caseId, c.accusedId), "the accused voted");
            if (c.reporterId != 0) assertFalse(suite.penalty.hasVoted(caseId, c.reporterId), "the reporter voted");
        }
        assertEq(uint8(suite.penalty.state(count + 1)), uint8(IPenaltyCases.CaseState.None), "unknown case state");
    }

    /**
     * @dev Every reporter record is the model's, and a barred reporter cannot flag: a member account of every
     * barred Active organization is refused with the bar's end, whoever it accuses.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_barredReporterCannotFlag() public {
        _atHandlerBlock();
        uint256[] memory orgs = handler.organizations();
        for (uint256 i = 0; i < orgs.length; ++i) {
            IPenaltyCases.ReporterRecord memory record = suite.penalty.reporterRecord(orgs[i]);
            IPenaltyCases.ReporterRecord memory ghost = handler.ghostRecord(orgs[i]);
            assertEq(record.misuses, ghost.misuses, "misuses");
            assertEq(record.windowStart, ghost.windowStart, "misuse window start");
            assertEq(record.barredUntil, ghost.barredUntil, "barred until");
            if (!handler.isBarred(orgs[i]) || handler.ghostStatus(orgs[i]) != IEntityRegistry.Status.Active) continue;
            address[] memory members = handler.membersOf(orgs[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IPenaltyCases.PenaltyCasesReporterBarred.selector, orgs[i], record.barredUntil)
            );
            vm.prank(members[members.length - 1]);
            suite.penalty.flag(orgs[(i + 1) % orgs.length], 1, keccak256("barred reporter"));
        }
    }

    /**
     * @dev `src/defaults.ts` with periods of a few blocks, so that cases run to their end within a campaign; a lower
     * reporting threshold and quorum, so that flags and decisive votes are frequent; and a bar at the first misuse,
     * so that barred reporters appear (governance's random changes then set 1 to 3 misuses).
     */
    function _shortParameters() private pure returns (IPenaltyCases.PenaltyParameters memory p) {
        p = SuiteDeployer.defaultPenaltyParameters();
        p.reportingThreshold = 0.35e18;
        p.quorumShare = 0.2e18;
        p.maxMisuses = 1;
        p.votingDelay = 1;
        p.votingPeriod = 16;
        p.ratificationWindow = 8;
        p.misuseWindow = 1000;
        p.barPeriod = 60;
        p.liabilityWindow = 150;
    }

    function _atHandlerBlock() private {
        vm.roll(handler.currentBlock());
        vm.warp(handler.currentTimestamp());
    }
}
