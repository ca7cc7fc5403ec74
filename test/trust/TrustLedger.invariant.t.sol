// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {Roles} from "../../contracts/access/Roles.sol";
import {IEntityRegistry} from "../../contracts/interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../../contracts/interfaces/ITrustLedger.sol";
import {TrustMath} from "../../contracts/trust/TrustMath.sol";
import {CommunityHandler} from "../helpers/sol/CommunityHandler.sol";
import {SuiteDeployer} from "../helpers/sol/SuiteDeployer.sol";

/**
 * @notice Invariants of the TrustLedger and EntityRegistry over the real proxies, driven by {CommunityHandler}:
 * joins (and rejected identities asking again), recommendations, activations, rejections, platform and peer
 * ratings (and peer ratings of unknown contributions), member changes (a rejected organization's admin leaving
 * last), expulsions, written decay, trust-parameter changes, readings of past trust and passing blocks. The test
 * contract is governance (the handler pranks it to change parameters); the handler holds ASSESSOR and PENALTY.
 *
 * Every invariant re-applies the handler's block number first. hardhat.config.ts runs invariants with
 * `failOnRevert` in every profile: the handler only makes calls its model says succeed, so any revert is a
 * contract (or model) bug. Runs and depth are set per invariant for the `default` test profile only (32 runs of
 * 200 calls); `npx hardhat test solidity --test-profile deep` uses that profile's longer campaigns.
 */
contract TrustLedgerInvariantTest is Test {
    uint256 internal constant ONE = 1e18;

    SuiteDeployer.Suite internal suite;
    CommunityHandler internal handler;

    function setUp() public {
        suite = SuiteDeployer.deploy(address(this));
        handler = new CommunityHandler(suite.registry, suite.ledger, address(this));
        // The suite sets no penalty hook: a low-integrity rating only emits its event, and no handler call can
        // be rejected by a hook.
        assertEq(suite.ledger.penaltyHook(), address(0));
        suite.manager.grantRole(Roles.ASSESSOR, address(handler), 0);
        suite.manager.grantRole(Roles.PENALTY, address(handler), 0);

        // A founding community, through the handler so that its ghost state knows it: three Active
        // organizations with a second account each, and one Pending candidate.
        for (uint256 i = 0; i < 4; ++i) {
            handler.join(i, i, i % 2 == 0);
        }
        for (uint256 i = 0; i < 3; ++i) {
            handler.activate(i, i + 1, 3 - i);
            handler.addMember(i, 4 + i, false);
        }

        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.selectors()}));
    }

    /**
     * @dev The total is the sum of the recorded (last written) values of the Active organizations; an expelled
     * organization's record is zero and counts for nothing.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_totalTrustEqualsSumOfRecorded() public {
        vm.roll(handler.currentBlock());
        uint256[] memory orgs = handler.initializedOrganizations();
        uint256 sum;
        for (uint256 i = 0; i < orgs.length; ++i) {
            (uint256 recorded, ) = suite.ledger.recordedTrustOf(orgs[i]);
            if (handler.ghostStatus(orgs[i]) == IEntityRegistry.Status.Active) sum += recorded;
            else assertEq(recorded, 0, "expelled org keeps a record");
        }
        assertEq(suite.ledger.totalTrust(), sum);
    }

    /**
     * @dev Pending decay only lowers current trust below the recorded value.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_currentTrustAtMostTotal() public {
        vm.roll(handler.currentBlock());
        uint256[] memory orgs = handler.initializedOrganizations();
        uint256 sum;
        for (uint256 i = 0; i < orgs.length; ++i) {
            if (handler.ghostStatus(orgs[i]) != IEntityRegistry.Status.Active) continue;
            uint256 current = suite.ledger.trustOf(orgs[i]);
            (uint256 recorded, ) = suite.ledger.recordedTrustOf(orgs[i]);
            assertLe(current, recorded, "decay raised trust");
            sum += current;
        }
        assertLe(sum, suite.ledger.totalTrust());
    }

    /**
     * @dev Trust is a fraction of one everywhere; organizations never activated have none.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_trustWithinBounds() public {
        vm.roll(handler.currentBlock());
        uint256[] memory orgs = handler.organizations();
        for (uint256 i = 0; i < orgs.length; ++i) {
            uint256 current = suite.ledger.trustOf(orgs[i]);
            (uint256 recorded, ) = suite.ledger.recordedTrustOf(orgs[i]);
            assertLe(current, ONE, "trust above one");
            assertLe(recorded, ONE, "recorded trust above one");
            IEntityRegistry.Status status = handler.ghostStatus(orgs[i]);
            if (status == IEntityRegistry.Status.Pending || status == IEntityRegistry.Status.Rejected) {
                assertEq(recorded, 0, "trust before activation");
            }
        }
    }

    /**
     * @dev Each account the handler bound acts for the one organization it was bound to, and released accounts
     * for none; an account has rights exactly when that organization is Active.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_noAccountInTwoOrganizations() public {
        vm.roll(handler.currentBlock());
        address[] memory accounts = handler.accounts();
        for (uint256 i = 0; i < accounts.length; ++i) {
            uint256 orgId = handler.ghostOrganizationOf(accounts[i]);
            assertEq(suite.registry.organizationOf(accounts[i]), orgId, "account bound elsewhere");
            bool active = orgId != 0 && handler.ghostStatus(orgId) == IEntityRegistry.Status.Active;
            assertEq(suite.registry.isActiveMember(accounts[i]), active, "member rights");
        }
    }

    /**
     * @dev Expulsion is final: never Active again, no trust, no rights for its accounts (which stay bound).
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_expelledNeverActive() public {
        vm.roll(handler.currentBlock());
        uint256[] memory orgs = handler.initializedOrganizations();
        for (uint256 i = 0; i < orgs.length; ++i) {
            if (handler.ghostStatus(orgs[i]) != IEntityRegistry.Status.Expelled) continue;
            assertEq(uint8(suite.registry.statusOf(orgs[i])), uint8(IEntityRegistry.Status.Expelled));
            assertEq(suite.ledger.trustOf(orgs[i]), 0, "expelled org keeps trust");
        }
        address[] memory accounts = handler.accounts();
        for (uint256 i = 0; i < accounts.length; ++i) {
            uint256 orgId = handler.ghostOrganizationOf(accounts[i]);
            if (orgId == 0 || handler.ghostStatus(orgId) != IEntityRegistry.Status.Expelled) continue;
            assertEq(suite.registry.organizationOf(accounts[i]), orgId, "expelled account released");
            assertFalse(suite.registry.isActiveMember(accounts[i]), "expelled account keeps rights");
        }
    }

    /**
     * @dev The registry's own bookkeeping follows the model: status, admin (zero once a rejected organization's
     * admin left), member and recommendation counts, identity (the latest organization of an identity holds it),
     * and the pre-trust and initial trust recorded at activation, which never change afterwards.
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_registryMatchesModel() public {
        vm.roll(handler.currentBlock());
        uint256[] memory orgs = handler.organizations();
        assertEq(suite.registry.organizationCount(), orgs.length);
        for (uint256 i = 0; i < orgs.length; ++i) {
            IEntityRegistry.Organization memory org = suite.registry.organization(orgs[i]);
            assertEq(uint8(org.status), uint8(handler.ghostStatus(orgs[i])), "status");
            assertEq(org.admin, handler.ghostAdmin(orgs[i]), "admin");
            assertEq(org.memberCount, handler.ghostMemberCount(orgs[i]), "member count");
            assertEq(org.recommendationCount, handler.ghostRecommendationCount(orgs[i]), "recommendations");
            bytes32 identity = handler.ghostIdentity(orgs[i]);
            assertEq(org.identityHash, identity, "identity");
            assertEq(
                suite.registry.organizationByIdentity(identity),
                handler.ghostOrganizationByIdentity(identity),
                "organization by identity"
            );
            assertEq(org.preTrust, handler.ghostPreTrust(orgs[i]), "stored pre-trust");
            assertEq(org.initialTrust, handler.ghostInitialTrust(orgs[i]), "stored initial trust");
        }
    }

    /**
     * @dev History is final: trust and total trust read at a past block never change afterwards, whatever
     * happens later (ratings, decay written, expulsions and, above all, trust-parameter changes: decay at a past
     * block uses the baseline and half-life in force at that block).
     * hardhat-config: default.invariant.runs = 32
     * hardhat-config: default.invariant.depth = 200
     */
    function invariant_pastTrustNeverChanges() public {
        vm.roll(handler.currentBlock());
        CommunityHandler.PastTrust[] memory past = handler.pastTrust();
        for (uint256 i = 0; i < past.length; ++i) {
            assertEq(suite.ledger.trustAt(past[i].orgId, past[i].timepoint), past[i].trust, "past trust changed");
            assertEq(suite.ledger.totalTrustAt(past[i].timepoint), past[i].total, "past total changed");
        }
    }

    // ------------------------------------------------------------------ trustAt and setParameters (fuzz)

    /**
     * @dev An organization's trust at a past block decays with the baseline and half-life in force at that block
     * (set by governance before it), and a later parameter change moves its current trust but not that value.
     */
    function testFuzz_trustAt_unchangedBySetParameters(
        uint256 baseline1,
        uint256 halfLife1,
        uint256 baseline2,
        uint256 halfLife2,
        uint256 elapsed,
        uint256 later
    ) public {
        uint256 orgId = handler.initializedOrganizations()[0];
        (uint256 recorded, uint48 updatedAt) = suite.ledger.recordedTrustOf(orgId);
        ITrustLedger.TrustParameters memory p1 = SuiteDeployer.defaultTrustParameters();
        // Baselines under the recorded trust, so that it decays.
        p1.baseline = uint64(bound(baseline1, 0, recorded - 1));
        p1.halfLife = uint48(bound(halfLife1, 1, 2_592_000));
        ITrustLedger.TrustParameters memory p2 = SuiteDeployer.defaultTrustParameters();
        p2.baseline = uint64(bound(baseline2, 0, recorded - 1));
        p2.halfLife = uint48(bound(halfLife2, 1, 2_592_000));

        vm.roll(block.number + 1);
        suite.ledger.setParameters(p1);
        uint256 timepoint = block.number + bound(elapsed, 0, 3 * uint256(p1.halfLife));
        vm.roll(timepoint + 1);
        uint256 before = suite.ledger.trustAt(orgId, timepoint);
        assertEq(before, TrustMath.decay(recorded, p1.baseline, timepoint - updatedAt, p1.halfLife));

        suite.ledger.setParameters(p2);
        vm.roll(block.number + 1 + bound(later, 0, 3 * uint256(p2.halfLife)));
        assertEq(suite.ledger.trustAt(orgId, timepoint), before, "past trust changed");
        assertEq(
            suite.ledger.trustOf(orgId),
            TrustMath.decay(recorded, p2.baseline, block.number - updatedAt, p2.halfLife),
            "current trust, new parameters"
        );
    }
}
