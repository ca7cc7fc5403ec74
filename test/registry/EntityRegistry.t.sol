// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Test} from "forge-std/Test.sol";

import {Roles} from "../../contracts/access/Roles.sol";
import {IEntityRegistry} from "../../contracts/interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../../contracts/interfaces/ITrustLedger.sol";
import {EntityRegistry} from "../../contracts/registry/EntityRegistry.sol";
import {TrustLedger} from "../../contracts/trust/TrustLedger.sol";
import {SuiteDeployer} from "../helpers/sol/SuiteDeployer.sol";

/// @notice Fuzz tests of the EntityRegistry over the real proxies; the test contract is governance, assessor and
/// penalty role.
contract EntityRegistryFuzzTest is Test {
    uint256 internal constant ONE = 1e18;

    EntityRegistry internal registry;
    TrustLedger internal ledger;

    address internal founder = makeAddr("founder");
    address internal candidate = makeAddr("candidate");

    uint256 internal founderId;
    uint256 internal identityNonce;

    function setUp() public {
        SuiteDeployer.Suite memory suite = SuiteDeployer.deploy(address(this));
        registry = suite.registry;
        ledger = suite.ledger;
        suite.manager.grantRole(Roles.PENALTY, address(this), 0);

        founderId = _join(founder, "DE");
        registry.activate(founderId, ITrustLedger.Level.High, ITrustLedger.Level.High);
    }

    // ------------------------------------------------------------------ setCountry

    function testFuzz_setCountry_revertsOnInvalidCountryCode(bytes2 code) public {
        IEntityRegistry.Country memory row = _country(0.5e18, 0.5e18, 0.5e18);
        if (_isUpperCaseLetter(code[0]) && _isUpperCaseLetter(code[1])) {
            // The rare valid draw: accepted and stored.
            registry.setCountry(code, row);
            assertTrue(registry.country(code).listed);
        } else {
            vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistryInvalidCountryCode.selector, code));
            registry.setCountry(code, row);
        }
    }

    function testFuzz_setCountry_revertsWhenOneCharacterIsNotUpperCase(
        uint8 letter,
        uint8 other,
        bool otherFirst
    ) public {
        // One valid letter next to any byte outside 'A'..'Z' (lower case, digits, '@', '[' and the rest).
        bytes1 valid = bytes1(uint8(bound(letter, 0x41, 0x5A)));
        uint256 invalidIndex = bound(other, 0, 255 - 26);
        bytes1 invalid = bytes1(uint8(invalidIndex < 0x41 ? invalidIndex : invalidIndex + 26));
        bytes2 code = otherFirst ? _code(invalid, valid) : _code(valid, invalid);

        vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistryInvalidCountryCode.selector, code));
        registry.setCountry(code, _country(0.5e18, 0.5e18, 0.5e18));
    }

    function testFuzz_setCountry_acceptsTwoUpperCaseLetters(uint8 first, uint8 second) public {
        bytes2 code = _code(bytes1(uint8(bound(first, 0x41, 0x5A))), bytes1(uint8(bound(second, 0x41, 0x5A))));
        registry.setCountry(code, _country(0.7e18, 0.6e18, 0.2e18));

        IEntityRegistry.Country memory stored = registry.country(code);
        assertTrue(stored.listed);
        assertEq(stored.dataPrivacy, 0.7e18);
        assertEq(stored.copyright, 0.6e18);
        assertEq(stored.cybercrime, 0.2e18);
    }

    function testFuzz_requestJoin_identityFreeAgainOnlyAfterRejection(uint8 statusSeed, bool throughPlatform) public {
        // The identity's first organization in any status; only a Rejected one lets the identity ask again.
        IEntityRegistry.Status status = IEntityRegistry.Status(
            bound(statusSeed, uint8(IEntityRegistry.Status.Pending), uint8(IEntityRegistry.Status.Rejected))
        );
        bytes32 identity = keccak256("candidate identity");
        vm.prank(candidate);
        uint256 first = registry.requestJoin(identity, "FR", keccak256("profile"), "ipfs://profile/first");
        _moveTo(first, status);
        address other = makeAddr("other");

        if (status != IEntityRegistry.Status.Rejected) {
            vm.expectRevert(
                abi.encodeWithSelector(IEntityRegistry.EntityRegistryDuplicateIdentity.selector, identity, first)
            );
            _requestJoin(other, identity, throughPlatform);
            assertEq(registry.organizationByIdentity(identity), first);
            assertEq(registry.organizationCount(), first);
            return;
        }

        uint256 second = _requestJoin(other, identity, throughPlatform);
        assertEq(second, first + 1);
        assertEq(registry.organizationByIdentity(identity), second);
        assertEq(registry.organizationOf(other), second);
        IEntityRegistry.Organization memory again = registry.organization(second);
        assertEq(again.identityHash, identity);
        assertEq(uint8(again.status), uint8(IEntityRegistry.Status.Pending));
        assertEq(again.admin, other);
        // The rejected organization stays as it was.
        IEntityRegistry.Organization memory rejected = registry.organization(first);
        assertEq(rejected.identityHash, identity);
        assertEq(uint8(rejected.status), uint8(IEntityRegistry.Status.Rejected));
        assertEq(rejected.admin, candidate);
        // The new organization holds the identity now: a third request is refused while it is not rejected.
        vm.expectRevert(
            abi.encodeWithSelector(IEntityRegistry.EntityRegistryDuplicateIdentity.selector, identity, second)
        );
        _requestJoin(makeAddr("third"), identity, throughPlatform);
    }

    function testFuzz_requestJoin_revertsOnInvalidCountryCode(bytes2 code) public {
        bool valid = _isUpperCaseLetter(code[0]) && _isUpperCaseLetter(code[1]);
        bool listed = registry.country(code).listed;
        if (!valid) {
            vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistryInvalidCountryCode.selector, code));
        } else if (!listed) {
            // Well formed but not in the default table.
            vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistryUnknownCountry.selector, code));
        }
        vm.prank(candidate);
        uint256 orgId = registry.requestJoin(
            keccak256("candidate"),
            code,
            keccak256("profile"),
            "ipfs://profile/candidate"
        );
        // Only a listed, well-formed code gets through.
        assertEq(orgId != 0, valid && listed);
        assertEq(registry.organizationOf(candidate), orgId);
    }

    // ------------------------------------------------------------------ recommend

    function testFuzz_recommend_revertsAboveOne(uint256 score) public {
        score = bound(score, ONE + 1, type(uint256).max);
        uint256 candidateId = _join(candidate, "FR");

        vm.prank(founder);
        vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistryScoreOutOfRange.selector, score));
        registry.recommend(candidateId, score);
    }

    function testFuzz_recommend_revertsForOwnOrganization(uint256 score) public {
        // Checked before the candidate's status (the recommender's own organization is Active) and the score.
        vm.prank(founder);
        vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistrySelfRecommendation.selector, founderId));
        registry.recommend(founderId, score);
    }

    function testFuzz_recommend_recordsScoresUpToOne(uint256 score) public {
        score = bound(score, 0, ONE);
        uint256 candidateId = _join(candidate, "FR");
        uint256 weight = ledger.trustOf(founderId);

        vm.prank(founder);
        registry.recommend(candidateId, score);

        IEntityRegistry.Recommendation memory made = registry.recommendation(candidateId, founderId);
        assertEq(made.score, score);
        assertEq(made.weight, weight);
        IEntityRegistry.Organization memory org = registry.organization(candidateId);
        assertEq(org.recommendationCount, 1);
        assertEq(org.recommendationWeightSum, weight);
        assertEq(org.recommendationScoreSum, (weight * score) / ONE);
    }

    // ------------------------------------------------------------------ preTrustOf

    function testFuzz_preTrustOf_weightedByTrustAndDampedByTotalTrust(
        uint8[3] memory legalSeeds,
        uint8[3] memory capabilitySeeds,
        uint256[4] memory scores,
        uint256 count,
        uint256 damping
    ) public {
        // Up to four recommenders of different trust (the founder and three more activated with random grades).
        ITrustLedger.TrustParameters memory p = SuiteDeployer.defaultTrustParameters();
        p.recommendationDamping = uint32(bound(damping, 0, 1000));
        ledger.setParameters(p);
        address[4] memory recommenders = [founder, makeAddr("r1"), makeAddr("r2"), makeAddr("r3")];
        for (uint256 i = 1; i < 4; ++i) {
            uint256 id = _join(recommenders[i], "NL");
            registry.activate(id, _level(legalSeeds[i - 1]), _level(capabilitySeeds[i - 1]));
        }
        uint256 candidateId = _join(candidate, "FR");

        count = bound(count, 0, 4);
        uint256 weightSum;
        uint256 weightedScoreSum;
        uint256 best;
        for (uint256 i = 0; i < count; ++i) {
            uint256 score = bound(scores[i], 0, ONE);
            uint256 weight = ledger.trustOf(registry.organizationOf(recommenders[i]));
            vm.prank(recommenders[i]);
            registry.recommend(candidateId, score);
            weightSum += weight;
            weightedScoreSum += (weight * score) / ONE;
            if (score > best) best = score;
        }

        // The trust-weighted mean damped by W / (W + k): S / (W + k) in fixed point, zero without weight.
        uint256 expected =
            weightSum == 0 ? 0 : Math.mulDiv(weightedScoreSum, ONE, weightSum + uint256(p.recommendationDamping) * ONE);
        uint256 preTrust = registry.preTrustOf(candidateId);
        assertEq(preTrust, expected);
        assertLe(preTrust, best);
        assertEq(ledger.computePreTrust(weightedScoreSum, weightSum), expected);

        // Activation records it, and the initial trust, in the organization.
        uint256 initial = registry.activate(candidateId, ITrustLedger.Level.Medium, ITrustLedger.Level.Medium);
        IEntityRegistry.Organization memory org = registry.organization(candidateId);
        assertEq(org.preTrust, preTrust);
        assertEq(org.initialTrust, initial);
    }

    // ------------------------------------------------------------------ activate

    function testFuzz_activate_revertsWhenCountryUnlistedAfterJoining(uint8 first, uint8 second, bool excluded) public {
        bytes2 code = _code(bytes1(uint8(bound(first, 0x41, 0x5A))), bytes1(uint8(bound(second, 0x41, 0x5A))));
        IEntityRegistry.Country memory row = _country(0.7e18, 0.6e18, 0.2e18);
        registry.setCountry(code, row);
        uint256 candidateId = _join(candidate, code);

        // Unlisted (excluded or not) after the request: unknown, checked before exclusion.
        row.listed = false;
        row.excluded = excluded;
        registry.setCountry(code, row);
        vm.expectRevert(abi.encodeWithSelector(IEntityRegistry.EntityRegistryUnknownCountry.selector, code));
        registry.activate(candidateId, ITrustLedger.Level.High, ITrustLedger.Level.High);
        assertEq(uint8(registry.statusOf(candidateId)), uint8(IEntityRegistry.Status.Pending));

        // Listed again and not excluded, the candidate is admitted.
        row.listed = true;
        row.excluded = false;
        registry.setCountry(code, row);
        registry.activate(candidateId, ITrustLedger.Level.High, ITrustLedger.Level.High);
        assertEq(uint8(registry.statusOf(candidateId)), uint8(IEntityRegistry.Status.Active));
    }

    function testFuzz_activate_initialTrustInRange(
        uint256 dataPrivacy,
        uint256 copyright,
        uint256 cybercrime,
        uint8 legalSeed,
        uint8 capabilitySeed,
        uint256 recommendationScore,
        bool recommended
    ) public {
        IEntityRegistry.Country memory home = _country(
            uint64(bound(dataPrivacy, 0, ONE)),
            uint64(bound(copyright, 0, ONE)),
            uint64(bound(cybercrime, 0, ONE))
        );
        registry.setCountry("ZZ", home);
        ITrustLedger.Level legal = _level(legalSeed);
        ITrustLedger.Level capability = _level(capabilitySeed);

        uint256 candidateId = _join(candidate, "ZZ");
        if (recommended) {
            vm.prank(founder);
            registry.recommend(candidateId, bound(recommendationScore, 0, ONE));
        }
        uint256 preTrust = registry.preTrustOf(candidateId);

        uint256 initial = registry.activate(candidateId, legal, capability);

        assertLe(initial, ONE);
        assertEq(
            initial,
            _expectedInitialTrust(SuiteDeployer.defaultTrustParameters(), preTrust, legal, capability, home)
        );
        IEntityRegistry.Organization memory org = registry.organization(candidateId);
        assertEq(org.preTrust, preTrust);
        assertEq(org.initialTrust, initial);
        assertEq(ledger.trustOf(candidateId), initial);
        (uint256 recorded, uint48 updatedAt) = ledger.recordedTrustOf(candidateId);
        assertEq(recorded, initial);
        assertEq(updatedAt, block.number);
        assertEq(uint8(registry.statusOf(candidateId)), uint8(IEntityRegistry.Status.Active));
    }

    function testFuzz_activate_initialTrustInRangeForAnyWeights(
        uint256 w1,
        uint256 w2,
        uint256 w3,
        uint256 dataPrivacy,
        uint256 copyright,
        uint256 cybercrime,
        uint8 legalSeed,
        uint8 capabilitySeed
    ) public {
        // Any initialization weights that sum to one, including all the weight on a single input.
        ITrustLedger.TrustParameters memory p = SuiteDeployer.defaultTrustParameters();
        p.weightPreTrust = uint64(bound(w1, 0, ONE));
        p.weightLegal = uint64(bound(w2, 0, ONE - p.weightPreTrust));
        p.weightCapability = uint64(bound(w3, 0, ONE - p.weightPreTrust - p.weightLegal));
        p.weightIndirect = uint64(ONE - p.weightPreTrust - p.weightLegal - p.weightCapability);
        p.privateInitialCap = uint64(bound(w1 ^ w2, 0, ONE));
        ledger.setParameters(p);

        IEntityRegistry.Country memory home = _country(
            uint64(bound(dataPrivacy, 0, ONE)),
            uint64(bound(copyright, 0, ONE)),
            uint64(bound(cybercrime, 0, ONE))
        );
        registry.setCountry("ZZ", home);
        ITrustLedger.Level legal = _level(legalSeed);
        ITrustLedger.Level capability = _level(capabilitySeed);
        uint256 candidateId = _join(candidate, "ZZ");
        vm.prank(founder);
        registry.recommend(candidateId, ONE);
        uint256 preTrust = registry.preTrustOf(candidateId);

        uint256 initial = registry.activate(candidateId, legal, capability);

        assertLe(initial, p.privateInitialCap);
        assertEq(initial, _expectedInitialTrust(p, preTrust, legal, capability, home));
        assertEq(ledger.totalTrust(), ledger.trustOf(founderId) + initial);
    }

    /// @dev Deploys a public community per run: fewer runs keep the file fast.
    /// hardhat-config: default.fuzz.runs = 64
    function testFuzz_activate_publicCommunityCapsInitialTrust(
        uint256 cap,
        uint256 dataPrivacy,
        uint256 copyright,
        uint256 cybercrime,
        uint8 legalSeed,
        uint8 capabilitySeed
    ) public {
        ITrustLedger.TrustParameters memory p = SuiteDeployer.defaultTrustParameters();
        p.publicInitialCap = uint64(bound(cap, 0, ONE));
        IEntityRegistry.CountryEntry[] memory countries = new IEntityRegistry.CountryEntry[](1);
        countries[0] = IEntityRegistry.CountryEntry({
            code: "ZZ",
            country: _country(
                uint64(bound(dataPrivacy, 0, ONE)),
                uint64(bound(copyright, 0, ONE)),
                uint64(bound(cybercrime, 0, ONE))
            )
        });
        SuiteDeployer.Suite memory open = SuiteDeployer.deploy(
            address(this),
            ITrustLedger.CommunityType.Public,
            p,
            SuiteDeployer.defaultEntryCriteria(),
            countries
        );
        ITrustLedger.Level legal = _level(legalSeed);
        ITrustLedger.Level capability = _level(capabilitySeed);

        vm.prank(candidate);
        uint256 orgId = open.registry.requestJoin(keccak256("public"), "ZZ", keccak256("profile"), "ipfs://p");
        uint256 initial = open.registry.activate(orgId, legal, capability);

        uint256 formula = _initialFormula(p, 0, legal, capability, countries[0].country);
        assertLe(initial, ONE);
        assertLe(initial, p.publicInitialCap);
        assertEq(initial, formula < p.publicInitialCap ? formula : p.publicInitialCap);
        assertEq(open.ledger.trustOf(orgId), initial);
    }

    // ------------------------------------------------------------------ removeMember

    function testFuzz_removeMember_adminLeavesOnlyRejectedOrganizationLast(uint8 statusSeed, uint256 extra) public {
        IEntityRegistry.Status status = IEntityRegistry.Status(
            bound(statusSeed, uint8(IEntityRegistry.Status.Pending), uint8(IEntityRegistry.Status.Rejected))
        );
        extra = bound(extra, 0, 2);
        uint256 orgId = _join(candidate, "FR");
        address[2] memory members = [makeAddr("member0"), makeAddr("member1")];
        for (uint256 i = 0; i < extra; ++i) {
            vm.prank(candidate);
            registry.addMember(orgId, members[i]);
        }
        _moveTo(orgId, status);

        if (status == IEntityRegistry.Status.Expelled) {
            // An expelled organization's accounts stay bound for good.
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEntityRegistry.EntityRegistryUnexpectedStatus.selector,
                    orgId,
                    IEntityRegistry.Status.Expelled,
                    IEntityRegistry.Status.Active
                )
            );
            vm.prank(candidate);
            registry.removeMember(orgId, candidate);
            return;
        }
        if (status != IEntityRegistry.Status.Rejected || extra != 0) {
            // A Pending or Active organization keeps its admin; a Rejected one while other accounts remain.
            vm.expectRevert(
                abi.encodeWithSelector(IEntityRegistry.EntityRegistryCannotRemoveAdmin.selector, orgId, candidate)
            );
            vm.prank(candidate);
            registry.removeMember(orgId, candidate);
            if (status != IEntityRegistry.Status.Rejected) return;
            for (uint256 i = 0; i < extra; ++i) {
                vm.prank(candidate);
                registry.removeMember(orgId, members[i]);
            }
        }

        // The last account of a Rejected organization: the admin leaves, and nobody administers it any more.
        vm.expectEmit(address(registry));
        emit IEntityRegistry.MemberRemoved(orgId, candidate, candidate);
        vm.prank(candidate);
        registry.removeMember(orgId, candidate);
        IEntityRegistry.Organization memory org = registry.organization(orgId);
        assertEq(org.admin, address(0));
        assertEq(org.memberCount, 0);
        assertEq(uint8(org.status), uint8(IEntityRegistry.Status.Rejected));
        assertEq(registry.organizationOf(candidate), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IEntityRegistry.EntityRegistryNotOrganizationAdmin.selector, orgId, candidate)
        );
        vm.prank(candidate);
        registry.removeMember(orgId, candidate);

        // Free again, the former admin asks again with the same identity, as a new organization.
        uint256 again = _requestJoin(candidate, org.identityHash, false);
        assertEq(registry.organizationByIdentity(org.identityHash), again);
        assertEq(registry.organizationOf(candidate), again);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Takes a Pending organization to `status` (Pending, Active, Expelled or Rejected).
    function _moveTo(uint256 orgId, IEntityRegistry.Status status) private {
        if (status == IEntityRegistry.Status.Active || status == IEntityRegistry.Status.Expelled) {
            registry.activate(orgId, ITrustLedger.Level.Low, ITrustLedger.Level.Low);
        }
        if (status == IEntityRegistry.Status.Expelled) registry.expel(orgId, keccak256("expelled"));
        if (status == IEntityRegistry.Status.Rejected) registry.reject(orgId, keccak256("rejected"));
        assertEq(uint8(registry.statusOf(orgId)), uint8(status));
    }

    /// @dev `admin` asks to join with `identity` (from "DE"), itself or through the platform (the test contract).
    function _requestJoin(address admin, bytes32 identity, bool throughPlatform) private returns (uint256) {
        bytes32 profileHash = keccak256(abi.encode("profile", identity, admin));
        if (throughPlatform) {
            return
                registry.requestJoinFor(
                    IEntityRegistry.JoinRequest({
                        identityHash: identity,
                        country: "DE",
                        admin: admin,
                        profileHash: profileHash,
                        profileURI: "ipfs://profile"
                    })
                );
        }
        vm.prank(admin);
        return registry.requestJoin(identity, "DE", profileHash, "ipfs://profile");
    }

    function _join(address admin, bytes2 code) private returns (uint256 orgId) {
        ++identityNonce;
        vm.prank(admin);
        orgId = registry.requestJoin(
            keccak256(abi.encode("identity", identityNonce)),
            code,
            keccak256(abi.encode("profile", identityNonce)),
            "ipfs://profile"
        );
    }

    /// @dev T0 = (wPre * pre + wLegal * legal + wCap * capability + wInd * indirect) / 1e18, levels in thirds,
    /// indirect = (dataPrivacy + copyright + (1 - cybercrime)) / 3, for a private community.
    /// @dev Initial trust in the fixture's private community: the formula, capped at privateInitialCap.
    function _expectedInitialTrust(
        ITrustLedger.TrustParameters memory p,
        uint256 preTrust,
        ITrustLedger.Level legal,
        ITrustLedger.Level capability,
        IEntityRegistry.Country memory home
    ) private pure returns (uint256) {
        uint256 formula = _initialFormula(p, preTrust, legal, capability, home);
        return formula < p.privateInitialCap ? formula : p.privateInitialCap;
    }

    function _initialFormula(
        ITrustLedger.TrustParameters memory p,
        uint256 preTrust,
        ITrustLedger.Level legal,
        ITrustLedger.Level capability,
        IEntityRegistry.Country memory home
    ) private pure returns (uint256) {
        uint256 indirect = (uint256(home.dataPrivacy) + home.copyright + (ONE - home.cybercrime)) / 3;
        return
            (uint256(p.weightPreTrust) * preTrust +
                uint256(p.weightLegal) * ((uint256(uint8(legal)) * ONE) / 3) +
                uint256(p.weightCapability) * ((uint256(uint8(capability)) * ONE) / 3) +
                uint256(p.weightIndirect) * indirect) / ONE;
    }

    function _level(uint8 seed) private pure returns (ITrustLedger.Level) {
        return ITrustLedger.Level(bound(seed, uint8(ITrustLedger.Level.Low), uint8(ITrustLedger.Level.High)));
    }

    function _country(
        uint64 dataPrivacy,
        uint64 copyright,
        uint64 cybercrime
    ) private pure returns (IEntityRegistry.Country memory) {
        return
            IEntityRegistry.Country({
                dataPrivacy: dataPrivacy,
                copyright: copyright,
                cybercrime: cybercrime,
                listed: true,
                excluded: false
            });
    }

    function _code(bytes1 first, bytes1 second) private pure returns (bytes2) {
        return bytes2(first) | (bytes2(second) >> 8);
    }

    function _isUpperCaseLetter(bytes1 char) private pure returns (bool) {
        return char >= 0x41 && char <= 0x5A;
    }
}
