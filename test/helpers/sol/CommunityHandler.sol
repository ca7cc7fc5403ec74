// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {IEntityRegistry} from "../../../contracts/interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../../../contracts/interfaces/ITrustLedger.sol";
import {EntityRegistry} from "../../../contracts/registry/EntityRegistry.sol";
import {TrustLedger} from "../../../contracts/trust/TrustLedger.sol";
import {TrustMath} from "../../../contracts/trust/TrustMath.sol";

/**
 * @title CommunityHandler
 * @notice Drives a Credence community for invariant tests: organizations join (and rejected ones ask again),
 * are recommended, activated, rejected, rated (by the platform, and by peers on contributions the platform rated),
 * gain and lose member accounts (a rejected organization's admin leaves last), are expelled, decay is written,
 * governance changes the trust parameters, trust at past blocks is recorded, and blocks pass. It must hold
 * ASSESSOR and PENALTY; it acts as governance by pranking the governance account it is given. No penalty hook is
 * set in the suite, so a low-integrity rating only emits its event.
 * @dev Every action is bounded and only makes calls that the model (the ghost state below) says must succeed;
 * when a call must fail, the handler catches it and checks the exact error. Any other revert is a contract bug,
 * so the invariant tests run with `failOnRevert` (the default test profile sets it). The ghost state records what
 * the handler did so the tests can compare it with the contracts' own state.
 *
 * Inputs are clamped with forge-std's `_bound`, which is `bound` without its console log (the handler also
 * runs in the tests' `setUp`, where the log would print).
 *
 * The block number is kept in `currentBlock` and re-applied before every action (and by the tests before every
 * check): invariant runners do not promise that `vm.roll` persists from one call to the next.
 */
contract CommunityHandler is CommonBase, StdCheats, StdUtils {
    /// @notice The contracts did something the model did not predict (`what`, the expected and actual values).
    error HandlerModelMismatch(string what, uint256 expected, uint256 actual);

    uint256 internal constant ONE = 1e18;
    uint256 public constant ACTOR_COUNT = 24;

    /// @dev Contribution ids are drawn from a small pool so that duplicate ratings happen.
    uint256 internal constant CONTRIBUTION_POOL = 4;

    /// @dev How many past trust values are kept for re-checking (older ones are overwritten).
    uint256 public constant PAST_TRUST_SLOTS = 32;

    /// @dev The longest half-life a random parameter change sets: twice the default (60 days of 2-second blocks).
    uint256 internal constant MAX_HALF_LIFE = 2_592_000;

    /// @notice A contribution the platform rated: only these may be peer-rated.
    struct Contribution {
        uint256 orgId;
        bytes32 contributionId;
        // The platform's weighted score: peers' scores count only within 0.20 of it.
        uint256 platformScore;
    }

    /// @notice The baseline and half-life governance set at block `fromBlock`.
    struct DecayParameters {
        uint256 fromBlock;
        uint256 baseline;
        uint256 halfLife;
    }

    /// @notice Trust of `orgId` and the community's total at block `timepoint`, as read when it was already past.
    struct PastTrust {
        uint256 orgId;
        uint256 timepoint;
        uint256 trust;
        uint256 total;
    }

    EntityRegistry public registry;
    TrustLedger public ledger;
    /// @notice The account that holds ADMIN (sets the trust parameters).
    address public governance;

    address[] internal _actors;
    bytes2[] internal _countries;

    // ------------------------------------------------------------------ ghost state

    /// @notice The block number the community is at.
    uint256 public currentBlock;
    /// @notice The block the handler started at: past lookups go back to it.
    uint256 public firstBlock;

    /// @dev Every organization the handler created, in id order.
    uint256[] internal _organizations;
    /// @dev The organizations whose trust was initialized (activated at some point), in activation order.
    uint256[] internal _initialized;
    /// @dev Every account the handler ever bound (bound now or released since).
    address[] internal _accounts;
    mapping(address account => bool) internal _known;

    mapping(uint256 orgId => IEntityRegistry.Status) public ghostStatus;
    mapping(uint256 orgId => address) public ghostAdmin;
    mapping(uint256 orgId => uint256) public ghostMemberCount;
    mapping(uint256 orgId => uint256) public ghostRecommendationCount;
    mapping(uint256 candidateId => mapping(uint256 recommenderId => bool)) internal _recommended;
    /// @notice The organization the handler bound an account to (0: unbound or released).
    mapping(address account => uint256 orgId) public ghostOrganizationOf;
    mapping(bytes32 ratingKey => bool) internal _rated;
    /// @notice The identity each organization joined with.
    mapping(uint256 orgId => bytes32) public ghostIdentity;
    /// @notice The latest organization registered with an identity (a rejected one's identity may join again).
    mapping(bytes32 identityHash => uint256 orgId) public ghostOrganizationByIdentity;
    /// @notice Pre-trust and initial trust recorded at activation (0 before).
    mapping(uint256 orgId => uint256) public ghostPreTrust;
    mapping(uint256 orgId => uint256) public ghostInitialTrust;
    /// @notice Platform ratings applied to each organization (the ledger's probation counter).
    mapping(uint256 orgId => uint256) public ghostPlatformRatings;
    /// @dev The admin that left a rejected organization, to let it ask again.
    mapping(uint256 orgId => address) internal _formerAdmin;
    /// @dev Every contribution the platform rated (applied), in order.
    Contribution[] internal _platformRated;
    /// @dev Past trust values, re-checked by the invariant tests after every action (parameter changes included).
    PastTrust[] internal _pastTrust;
    /// @dev The decay parameters in force from each block on: the ledger's initial ones, then each change.
    DecayParameters[] internal _decayHistory;

    /// @notice How many times each action did something (by action name), for the call summary.
    mapping(bytes32 action => uint256) public calls;

    uint256 internal _identityNonce;

    constructor(EntityRegistry registry_, TrustLedger ledger_, address governance_) {
        registry = registry_;
        ledger = ledger_;
        governance = governance_;
        currentBlock = block.number;
        firstBlock = block.number;
        ITrustLedger.TrustParameters memory initial = ledger_.parameters();
        _decayHistory.push(DecayParameters(block.number, initial.baseline, initial.halfLife));
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            _actors.push(makeAddr(string.concat("actor", vm.toString(i))));
        }
        _countries.push("DE");
        _countries.push("US");
        _countries.push("BR");
        _countries.push("JP");
    }

    modifier atCurrentBlock() {
        vm.roll(currentBlock);
        _;
    }

    // ------------------------------------------------------------------ actions: membership

    /// @notice A free actor asks to join (itself, or through the platform) as the admin of a new organization.
    function join(uint256 actorSeed, uint256 countrySeed, bool throughPlatform) external atCurrentBlock {
        address admin = _pickUnbound(actorSeed);
        if (admin == address(0)) return;
        bytes2 code = _countries[countrySeed % _countries.length];
        uint256 nonce = ++_identityNonce;
        bytes32 identity = keccak256(abi.encode("identity", nonce));
        bytes32 profileHash = keccak256(abi.encode("profile", nonce));

        uint256 orgId;
        if (throughPlatform) {
            orgId = registry.requestJoinFor(
                IEntityRegistry.JoinRequest({
                    identityHash: identity,
                    country: code,
                    admin: admin,
                    profileHash: profileHash,
                    profileURI: "ipfs://profile"
                })
            );
        } else {
            vm.prank(admin);
            orgId = registry.requestJoin(identity, code, profileHash, "ipfs://profile");
        }
        _expectEqual("orgId", _organizations.length + 1, orgId);

        _registered(orgId, identity, admin);
        ++calls["join"];
    }

    /**
     * @notice Someone asks to join with the identity of an organization the handler created. The identity is free
     * again only if its latest organization was rejected: then a new organization gets it (the admin that left the
     * rejected one asks again when it is free); otherwise the request reverts with the organization holding it.
     */
    function rejoin(uint256 orgSeed, uint256 actorSeed, bool throughPlatform) external atCurrentBlock {
        uint256 count = _organizations.length;
        if (count == 0) return;
        bytes32 identity = ghostIdentity[_organizations[orgSeed % count]];
        uint256 existing = ghostOrganizationByIdentity[identity];
        address admin = _formerAdmin[existing];
        if (admin == address(0) || ghostOrganizationOf[admin] != 0) admin = _pickUnbound(actorSeed);
        if (admin == address(0)) return;
        bytes2 code = _countries[actorSeed % _countries.length];
        bytes32 profileHash = keccak256(abi.encode("profile again", existing));

        if (ghostStatus[existing] != IEntityRegistry.Status.Rejected) {
            vm.prank(admin);
            try registry.requestJoin(identity, code, profileHash, "ipfs://profile") {
                revert HandlerModelMismatch("duplicate identity registered", existing, 0);
            } catch (bytes memory reason) {
                _expectError(
                    reason,
                    abi.encodeWithSelector(IEntityRegistry.EntityRegistryDuplicateIdentity.selector, identity, existing)
                );
            }
            ++calls["rejoin (taken)"];
            return;
        }

        uint256 orgId;
        if (throughPlatform) {
            orgId = registry.requestJoinFor(
                IEntityRegistry.JoinRequest({
                    identityHash: identity,
                    country: code,
                    admin: admin,
                    profileHash: profileHash,
                    profileURI: "ipfs://profile"
                })
            );
        } else {
            vm.prank(admin);
            orgId = registry.requestJoin(identity, code, profileHash, "ipfs://profile");
        }
        _expectEqual("orgId", _organizations.length + 1, orgId);
        _registered(orgId, identity, admin);
        ++calls["rejoin"];
    }

    /// @notice A member account of an Active organization recommends a Pending candidate.
    function recommend(uint256 accountSeed, uint256 candidateSeed, uint256 score) external atCurrentBlock {
        address account = _pickActiveMember(accountSeed);
        uint256 candidateId = _pickOrganization(candidateSeed, IEntityRegistry.Status.Pending);
        if (account == address(0) || candidateId == 0) return;
        uint256 recommenderId = ghostOrganizationOf[account];
        if (_recommended[candidateId][recommenderId]) return;
        if (ghostRecommendationCount[candidateId] >= registry.entryCriteria().maxRecommendations) return;
        score = _bound(score, 0, ONE);

        vm.prank(account);
        registry.recommend(candidateId, score);

        _recommended[candidateId][recommenderId] = true;
        ++ghostRecommendationCount[candidateId];
        ++calls["recommend"];
    }

    /// @notice The platform activates a Pending candidate with any grades (the default criteria admit all).
    function activate(uint256 candidateSeed, uint256 legalSeed, uint256 capabilitySeed) external atCurrentBlock {
        uint256 orgId = _pickOrganization(candidateSeed, IEntityRegistry.Status.Pending);
        if (orgId == 0) return;
        // Pre-trust from the candidate's aggregates under the current damping, computed here with TrustMath.
        IEntityRegistry.Organization memory candidate = registry.organization(orgId);
        uint256 preTrust = TrustMath.preTrust(
            candidate.recommendationScoreSum,
            candidate.recommendationWeightSum,
            ledger.parameters().recommendationDamping
        );
        _expectEqual("preTrustOf", preTrust, registry.preTrustOf(orgId));

        uint256 initial = registry.activate(orgId, _level(legalSeed), _level(capabilitySeed));
        _expectEqual("initialTrust", initial, ledger.trustOf(orgId));
        IEntityRegistry.Organization memory activated = registry.organization(orgId);
        _expectEqual("stored preTrust", preTrust, activated.preTrust);
        _expectEqual("stored initialTrust", initial, activated.initialTrust);

        ghostPreTrust[orgId] = preTrust;
        ghostInitialTrust[orgId] = initial;
        ghostStatus[orgId] = IEntityRegistry.Status.Active;
        _initialized.push(orgId);
        ++calls["activate"];
    }

    /// @notice The platform rejects a Pending candidate.
    function reject(uint256 candidateSeed) external atCurrentBlock {
        uint256 orgId = _pickOrganization(candidateSeed, IEntityRegistry.Status.Pending);
        if (orgId == 0) return;
        registry.reject(orgId, keccak256(abi.encode("rejected", orgId)));
        ghostStatus[orgId] = IEntityRegistry.Status.Rejected;
        ++calls["reject"];
    }

    /// @notice The penalty role expels an Active organization.
    function expel(uint256 orgSeed) external atCurrentBlock {
        // Mostly keep three Active organizations, so that ratings and peer ratings go on; one draw in eight (hashed:
        // fuzzed seeds are often small) expels whatever is left, so that the community also ends with nobody Active.
        if (_activeCount() <= 3 && uint256(keccak256(abi.encode(orgSeed))) % 8 != 0) return;
        uint256 orgId = _pickOrganization(orgSeed, IEntityRegistry.Status.Active);
        if (orgId == 0) return;
        registry.expel(orgId, keccak256(abi.encode("expelled", orgId)));
        ghostStatus[orgId] = IEntityRegistry.Status.Expelled;
        ++calls["expel"];
    }

    /// @notice An organization's admin binds a free actor (Pending or Active organizations only).
    function addMember(uint256 orgSeed, uint256 actorSeed, bool toPending) external atCurrentBlock {
        uint256 orgId = _pickOrganization(
            orgSeed,
            toPending ? IEntityRegistry.Status.Pending : IEntityRegistry.Status.Active
        );
        address account = _pickUnbound(actorSeed);
        if (orgId == 0 || account == address(0)) return;

        vm.prank(ghostAdmin[orgId]);
        registry.addMember(orgId, account);

        ++ghostMemberCount[orgId];
        _bind(account, orgId);
        ++calls["addMember"];
    }

    /// @notice An organization's admin releases one of its other accounts (any status but Expelled).
    function removeMember(uint256 accountSeed) external atCurrentBlock {
        uint256 count = _accounts.length;
        for (uint256 i = 0; i < count; ++i) {
            address account = _accounts[((accountSeed % count) + i) % count];
            uint256 orgId = ghostOrganizationOf[account];
            if (orgId == 0 || account == ghostAdmin[orgId]) continue;
            if (ghostStatus[orgId] == IEntityRegistry.Status.Expelled) continue;

            vm.prank(ghostAdmin[orgId]);
            registry.removeMember(orgId, account);

            --ghostMemberCount[orgId];
            ghostOrganizationOf[account] = 0;
            ++calls["removeMember"];
            return;
        }
    }

    /**
     * @notice An organization's admin tries to remove itself. Only the last member account of a Rejected
     * organization may leave (the organization is then left without an admin); a Pending or Active organization,
     * or a Rejected one with other accounts, keeps its admin; an Expelled one keeps every account.
     * @param onlyLastOfRejected Pick only an organization where leaving succeeds (else any with an admin).
     */
    function removeAdmin(uint256 orgSeed, bool onlyLastOfRejected) external atCurrentBlock {
        uint256 count = _organizations.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 orgId = _organizations[((orgSeed % count) + i) % count];
            address admin = ghostAdmin[orgId];
            if (admin == address(0)) continue;
            IEntityRegistry.Status status = ghostStatus[orgId];
            bool leaves = status == IEntityRegistry.Status.Rejected && ghostMemberCount[orgId] == 1;
            if (onlyLastOfRejected && !leaves) continue;

            if (leaves) {
                vm.prank(admin);
                registry.removeMember(orgId, admin);
                ghostAdmin[orgId] = address(0);
                _formerAdmin[orgId] = admin;
                ghostMemberCount[orgId] = 0;
                ghostOrganizationOf[admin] = 0;
                ++calls["removeAdmin"];
                return;
            }
            bytes memory expected =
                status == IEntityRegistry.Status.Expelled
                    ? abi.encodeWithSelector(
                        IEntityRegistry.EntityRegistryUnexpectedStatus.selector,
                        orgId,
                        IEntityRegistry.Status.Expelled,
                        IEntityRegistry.Status.Active
                    )
                    : abi.encodeWithSelector(IEntityRegistry.EntityRegistryCannotRemoveAdmin.selector, orgId, admin);
            vm.prank(admin);
            try registry.removeMember(orgId, admin) {
                revert HandlerModelMismatch("admin removed", orgId, uint256(status));
            } catch (bytes memory reason) {
                _expectError(reason, expected);
            }
            ++calls["removeAdmin (kept)"];
            return;
        }
    }

    // ------------------------------------------------------------------ actions: trust

    /// @notice The platform rates a contribution of an Active organization; a repeated contribution must revert.
    function rate(uint256 orgSeed, uint256 contributionSeed, uint256[4] calldata scores) external atCurrentBlock {
        uint256 orgId = _pickOrganization(orgSeed, IEntityRegistry.Status.Active);
        if (orgId == 0) return;
        ITrustLedger.Rating memory rating = _rating(orgId, contributionSeed, scores, false);
        bytes32 key = _ratingKey(orgId, rating.contributionId, 0);

        if (_rated[key]) {
            try ledger.rate(rating) {
                revert HandlerModelMismatch("duplicate rating applied", 0, 1);
            } catch (bytes memory reason) {
                _expectError(
                    reason,
                    abi.encodeWithSelector(
                        ITrustLedger.TrustLedgerAlreadyRated.selector,
                        orgId,
                        rating.contributionId,
                        uint256(0)
                    )
                );
            }
            ++calls["rate (duplicate)"];
            return;
        }
        uint256 before = ledger.trustOf(orgId);
        bool onProbation = _expectRatedContributions(orgId);
        ledger.rate(rating);
        _rated[key] = true;
        _platformRated.push(Contribution(orgId, rating.contributionId, ledger.scoreOf(rating.scores)));
        ++ghostPlatformRatings[orgId];

        _expectStepTowards(before, ledger.scoreOf(rating.scores), ledger.trustOf(orgId));
        _expectProbationCeiling(onProbation, before, ledger.trustOf(orgId));
        ++calls["rate"];
    }

    /// @notice The platform rates up to four contributions in one batch: inactive organizations, repeated
    /// contributions and out-of-range scores are skipped, the rest applied, as the model predicts.
    function rateBatch(
        uint256 length,
        uint256[4] calldata orgSeeds,
        uint256[4] calldata contributionSeeds,
        uint256[4][4] calldata scores,
        bool[4] calldata outOfRange
    ) external atCurrentBlock {
        length = _bound(length, 1, 4);
        ITrustLedger.Rating[] memory ratings = new ITrustLedger.Rating[](length);
        uint256 expected;
        for (uint256 i = 0; i < length; ++i) {
            // Any organization the handler knows, whatever its status, or the next (still unknown) id.
            uint256 index = orgSeeds[i] % (_organizations.length + 1);
            uint256 orgId = index < _organizations.length ? _organizations[index] : _organizations.length + 1;
            ratings[i] = _rating(orgId, contributionSeeds[i], scores[i], outOfRange[i]);
            if (outOfRange[i]) continue;
            if (ghostStatus[orgId] != IEntityRegistry.Status.Active) continue;
            bytes32 key = _ratingKey(orgId, ratings[i].contributionId, 0);
            if (_rated[key]) continue;
            _rated[key] = true;
            _platformRated.push(Contribution(orgId, ratings[i].contributionId, ledger.scoreOf(ratings[i].scores)));
            ++ghostPlatformRatings[orgId];
            ++expected;
        }
        uint256 applied = ledger.rateBatch(ratings);
        _expectEqual("applied", expected, applied);
        for (uint256 i = 0; i < length; ++i) {
            (uint256 count, ) = ledger.ratedContributionsOf(ratings[i].orgId);
            _expectEqual("ratedContributionsOf after a batch", ghostPlatformRatings[ratings[i].orgId], count);
        }
        ++calls["rateBatch"];
    }

    /**
     * @notice A member account of an Active organization rates a contribution of another Active organization that
     * the platform has rated; rating it a second time must revert.
     */
    function peerRate(
        uint256 accountSeed,
        uint256 contributionSeed,
        uint256[4] calldata scores
    ) external atCurrentBlock {
        address account = _pickActiveMember(accountSeed);
        uint256 count = _platformRated.length;
        if (account == address(0) || count == 0) return;
        uint256 raterOrgId = ghostOrganizationOf[account];
        for (uint256 i = 0; i < count; ++i) {
            Contribution memory target = _platformRated[((contributionSeed % count) + i) % count];
            // Nobody rates its own organization, and only Active organizations are rated.
            if (target.orgId == raterOrgId || ghostStatus[target.orgId] != IEntityRegistry.Status.Active) continue;
            ITrustLedger.Rating memory rating = _rating(target.orgId, target.contributionId, scores, false);
            bytes32 key = _ratingKey(target.orgId, target.contributionId, raterOrgId);

            if (_rated[key]) {
                vm.prank(account);
                try ledger.peerRate(rating) {
                    revert HandlerModelMismatch("duplicate peer rating applied", raterOrgId, target.orgId);
                } catch (bytes memory reason) {
                    _expectError(
                        reason,
                        abi.encodeWithSelector(
                            ITrustLedger.TrustLedgerAlreadyRated.selector,
                            target.orgId,
                            target.contributionId,
                            raterOrgId
                        )
                    );
                }
                ++calls["peerRate (duplicate)"];
                return;
            }
            uint256 before = ledger.trustOf(target.orgId);
            bool onProbation = _expectRatedContributions(target.orgId);
            vm.prank(account);
            ledger.peerRate(rating);
            _rated[key] = true;

            _expectStepTowards(
                before,
                _withinBand(ledger.scoreOf(rating.scores), target.platformScore),
                ledger.trustOf(target.orgId)
            );
            _expectProbationCeiling(onProbation, before, ledger.trustOf(target.orgId));
            ++calls["peerRate"];
            return;
        }
    }

    /**
     * @notice A member account of an Active organization rates a contribution the platform never rated for that
     * organization (a pool id not yet rated, or a made-up one), of any organization but its own, whatever its
     * status, even a not yet registered id, with scores possibly out of range: it must revert with exactly
     * {TrustLedgerUnknownContribution}, which is checked before the status, the scores and duplicates.
     */
    function peerRateUnknown(
        uint256 accountSeed,
        uint256 orgSeed,
        uint256 contributionSeed,
        uint256[4] calldata scores,
        bool outOfRange
    ) external atCurrentBlock {
        address account = _pickActiveMember(accountSeed);
        if (account == address(0)) return;
        uint256 raterOrgId = ghostOrganizationOf[account];
        uint256 index = orgSeed % (_organizations.length + 1);
        uint256 orgId = index < _organizations.length ? _organizations[index] : _organizations.length + 1;
        if (orgId == raterOrgId) return;
        ITrustLedger.Rating memory rating = _rating(orgId, contributionSeed, scores, outOfRange);
        if (_rated[_ratingKey(orgId, rating.contributionId, 0)]) {
            rating.contributionId = keccak256(abi.encode("made-up contribution", contributionSeed));
        }

        vm.prank(account);
        try ledger.peerRate(rating) {
            revert HandlerModelMismatch("unknown contribution rated", orgId, uint256(rating.contributionId));
        } catch (bytes memory reason) {
            _expectError(
                reason,
                abi.encodeWithSelector(
                    ITrustLedger.TrustLedgerUnknownContribution.selector,
                    orgId,
                    rating.contributionId
                )
            );
        }
        ++calls["peerRate (unknown)"];
    }

    /// @notice Anyone writes an Active organization's pending decay.
    function applyDecay(uint256 orgSeed) external atCurrentBlock {
        uint256 orgId = _pickOrganization(orgSeed, IEntityRegistry.Status.Active);
        if (orgId == 0) return;
        uint256 current = ledger.trustOf(orgId);
        ledger.applyDecay(orgId);
        (uint256 recorded, ) = ledger.recordedTrustOf(orgId);
        _expectEqual("decay written", current, recorded);
        ++calls["applyDecay"];
    }

    /// @notice Blocks pass: a few, or up to three half-lives.
    function advanceBlocks(uint256 blocks, bool long) external atCurrentBlock {
        uint256 halfLife = ledger.parameters().halfLife;
        currentBlock += long ? _bound(blocks, 1, 3 * halfLife) : _bound(blocks, 1, 100);
        vm.roll(currentBlock);
        ++calls["advanceBlocks"];
    }

    /**
     * @notice Governance replaces the trust parameters with a random valid set (weights, rates, threshold,
     * baseline, half-life and damping). Past trust must not move: the invariant tests re-check the recorded values.
     */
    function setParameters(
        uint256[3] calldata initialWeights,
        uint256[3] calldata ratingWeights,
        uint256[9] calldata values
    ) external atCurrentBlock {
        ITrustLedger.TrustParameters memory p;
        (p.weightPreTrust, p.weightLegal, p.weightCapability, p.weightIndirect) = _split(initialWeights);
        (p.weightQuality, p.weightQuantity, p.weightIntegrity, p.weightIntent) = _split(ratingWeights);
        p.gainRate = uint64(_bound(values[0], 1, ONE));
        p.lossRate = uint64(_bound(values[1], p.gainRate, ONE));
        p.flagThreshold = uint64(_bound(values[2], 0, ONE));
        p.publicInitialCap = uint64(_bound(values[3], 0, ONE));
        p.baseline = uint64(_bound(values[4], 0, ONE));
        p.halfLife = uint48(_bound(values[5], 1, MAX_HALF_LIFE));
        p.recommendationDamping = uint32(_bound(values[6], 0, 1000));
        p.privateInitialCap = uint64(_bound(values[7], 0, ONE));
        p.probationRatings = uint16(_bound(values[8], 0, 8));

        vm.prank(governance);
        ledger.setParameters(p);
        ITrustLedger.TrustParameters memory stored = ledger.parameters();
        _expectEqual("baseline", p.baseline, stored.baseline);
        _expectEqual("halfLife", p.halfLife, stored.halfLife);
        _decayHistory.push(DecayParameters(currentBlock, p.baseline, p.halfLife));
        ++calls["setParameters"];
    }

    /**
     * @notice Reads an organization's trust (any organization, activated or not) and the total at a past block, to
     * be re-checked after every later action: history never changes. When the organization's last write is at or
     * before that block, the value read is also checked against the model: the written value decayed with the
     * baseline and half-life in force at that block (the last ones set at or before it).
     */
    function recordPastTrust(uint256 orgSeed, uint256 timeSeed) external atCurrentBlock {
        uint256 count = _organizations.length;
        if (count == 0 || currentBlock == firstBlock) return;
        uint256 orgId = _organizations[orgSeed % count];
        uint256 timepoint = _bound(timeSeed, firstBlock, currentBlock - 1);
        PastTrust memory past = PastTrust({
            orgId: orgId,
            timepoint: timepoint,
            trust: ledger.trustAt(orgId, timepoint),
            total: ledger.totalTrustAt(timepoint)
        });
        if (past.trust > ONE) revert HandlerModelMismatch("past trust above one", ONE, past.trust);
        (uint256 recorded, uint48 updatedAt) = ledger.recordedTrustOf(orgId);
        if (updatedAt <= timepoint) {
            DecayParameters memory inForce = _decayParametersAt(timepoint);
            _expectEqual(
                "past trust",
                TrustMath.decay(recorded, inForce.baseline, timepoint - updatedAt, inForce.halfLife),
                past.trust
            );
        }
        if (_pastTrust.length < PAST_TRUST_SLOTS) _pastTrust.push(past);
        else _pastTrust[timeSeed % PAST_TRUST_SLOTS] = past;
        ++calls["recordPastTrust"];
    }

    // ------------------------------------------------------------------ views for the invariant tests

    /// @notice Every organization the handler created.
    function organizations() external view returns (uint256[] memory) {
        return _organizations;
    }

    /// @notice Every organization whose trust was initialized (activated at some point).
    function initializedOrganizations() external view returns (uint256[] memory) {
        return _initialized;
    }

    /// @notice Every account the handler ever bound.
    function accounts() external view returns (address[] memory) {
        return _accounts;
    }

    /// @notice The recorded past trust values.
    function pastTrust() external view returns (PastTrust[] memory) {
        return _pastTrust;
    }

    /// @notice The handler's action selectors, for `targetSelector`.
    function selectors() external pure returns (bytes4[] memory list) {
        list = new bytes4[](17);
        list[0] = CommunityHandler.join.selector;
        list[1] = CommunityHandler.rejoin.selector;
        list[2] = CommunityHandler.recommend.selector;
        list[3] = CommunityHandler.activate.selector;
        list[4] = CommunityHandler.reject.selector;
        list[5] = CommunityHandler.expel.selector;
        list[6] = CommunityHandler.addMember.selector;
        list[7] = CommunityHandler.removeMember.selector;
        list[8] = CommunityHandler.removeAdmin.selector;
        list[9] = CommunityHandler.rate.selector;
        list[10] = CommunityHandler.rateBatch.selector;
        list[11] = CommunityHandler.peerRate.selector;
        list[12] = CommunityHandler.peerRateUnknown.selector;
        list[13] = CommunityHandler.applyDecay.selector;
        list[14] = CommunityHandler.advanceBlocks.selector;
        list[15] = CommunityHandler.setParameters.selector;
        list[16] = CommunityHandler.recordPastTrust.selector;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Models a successful join: a new Pending organization with its admin as only member.
    function _registered(uint256 orgId, bytes32 identity, address admin) private {
        _organizations.push(orgId);
        ghostStatus[orgId] = IEntityRegistry.Status.Pending;
        ghostAdmin[orgId] = admin;
        ghostMemberCount[orgId] = 1;
        ghostIdentity[orgId] = identity;
        ghostOrganizationByIdentity[identity] = orgId;
        _bind(admin, orgId);
    }

    function _bind(address account, uint256 orgId) private {
        ghostOrganizationOf[account] = orgId;
        if (!_known[account]) {
            _known[account] = true;
            _accounts.push(account);
        }
    }

    /// @dev The first actor from `seed` on that is bound to no organization; zero if all are.
    function _pickUnbound(uint256 seed) private view returns (address) {
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            address actor = _actors[((seed % ACTOR_COUNT) + i) % ACTOR_COUNT];
            if (ghostOrganizationOf[actor] == 0) return actor;
        }
        return address(0);
    }

    /// @dev The first bound account from `seed` on whose organization is Active; zero if none.
    function _pickActiveMember(uint256 seed) private view returns (address) {
        uint256 count = _accounts.length;
        for (uint256 i = 0; i < count; ++i) {
            address account = _accounts[((seed % count) + i) % count];
            uint256 orgId = ghostOrganizationOf[account];
            if (orgId != 0 && ghostStatus[orgId] == IEntityRegistry.Status.Active) return account;
        }
        return address(0);
    }

    /// @dev The decay parameters in force at `timepoint`: the last set at or before it (several in one block: the
    /// last of them, as the ledger's checkpoints keep it).
    function _decayParametersAt(uint256 timepoint) private view returns (DecayParameters memory) {
        uint256 i = _decayHistory.length - 1;
        while (_decayHistory[i].fromBlock > timepoint) --i;
        return _decayHistory[i];
    }

    /// @dev How many organizations are Active.
    function _activeCount() private view returns (uint256 count) {
        for (uint256 i = 0; i < _organizations.length; ++i) {
            if (ghostStatus[_organizations[i]] == IEntityRegistry.Status.Active) ++count;
        }
    }

    /// @dev The first organization from `seed` on in `status`; zero if none.
    function _pickOrganization(uint256 seed, IEntityRegistry.Status status) private view returns (uint256) {
        return _pickOrganization(seed, status, 0);
    }

    /// @dev The first organization from `seed` on in `status` other than `excluded`; zero if none.
    function _pickOrganization(
        uint256 seed,
        IEntityRegistry.Status status,
        uint256 excluded
    ) private view returns (uint256) {
        uint256 count = _organizations.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 orgId = _organizations[((seed % count) + i) % count];
            if (orgId != excluded && ghostStatus[orgId] == status) return orgId;
        }
        return 0;
    }

    /// @dev A rating of a contribution from the pool.
    function _rating(
        uint256 orgId,
        uint256 contributionSeed,
        uint256[4] calldata scores,
        bool outOfRange
    ) private pure returns (ITrustLedger.Rating memory) {
        return
            _rating(
                orgId,
                keccak256(abi.encode("contribution", contributionSeed % CONTRIBUTION_POOL)),
                scores,
                outOfRange
            );
    }

    function _rating(
        uint256 orgId,
        bytes32 contributionId,
        uint256[4] calldata scores,
        bool outOfRange
    ) private pure returns (ITrustLedger.Rating memory) {
        return
            ITrustLedger.Rating({
                orgId: orgId,
                contributionId: contributionId,
                scores: ITrustLedger.Scores({
                    quality: uint64(
                        outOfRange ? _bound(scores[0], ONE + 1, type(uint64).max) : _bound(scores[0], 0, ONE)
                    ),
                    quantity: uint64(_bound(scores[1], 0, ONE)),
                    integrity: uint64(_bound(scores[2], 0, ONE)),
                    intent: uint64(_bound(scores[3], 0, ONE))
                }),
                evidenceHash: keccak256(abi.encode("evidence", orgId, contributionId))
            });
    }

    /// @dev Four weights that sum to one: three bounded in turn, the fourth the rest.
    function _split(uint256[3] calldata seeds) private pure returns (uint64 a, uint64 b, uint64 c, uint64 d) {
        a = uint64(_bound(seeds[0], 0, ONE));
        b = uint64(_bound(seeds[1], 0, ONE - a));
        c = uint64(_bound(seeds[2], 0, ONE - a - b));
        d = uint64(ONE - a - b - c);
    }

    function _level(uint256 seed) private pure returns (ITrustLedger.Level) {
        return ITrustLedger.Level(_bound(seed, uint8(ITrustLedger.Level.Low), uint8(ITrustLedger.Level.High)));
    }

    function _ratingKey(uint256 orgId, bytes32 contributionId, uint256 raterOrgId) private pure returns (bytes32) {
        return keccak256(abi.encode(orgId, contributionId, raterOrgId));
    }

    function _expectEqual(string memory what, uint256 expected, uint256 actual) private pure {
        if (expected != actual) revert HandlerModelMismatch(what, expected, actual);
    }

    /// @dev A rating moves trust from `before` towards `score`, never past it.
    /// @dev The score a peer's rating moves trust towards: its own, held within 0.20 of the platform's.
    function _withinBand(uint256 score, uint256 platformScore) private pure returns (uint256) {
        uint256 band = 2e17;
        uint256 low = platformScore > band ? platformScore - band : 0;
        uint256 high = platformScore + band < 1e18 ? platformScore + band : 1e18;
        return score < low ? low : (score > high ? high : score);
    }

    function _expectStepTowards(uint256 before, uint256 score, uint256 updated) private pure {
        uint256 low = before < score ? before : score;
        uint256 high = before < score ? score : before;
        if (updated < low) revert HandlerModelMismatch("rating overshot down", low, updated);
        if (updated > high) revert HandlerModelMismatch("rating overshot up", high, updated);
    }

    /// @dev Checks the ledger's count of platform ratings against the model; returns whether it is on probation.
    function _expectRatedContributions(uint256 orgId) private view returns (bool onProbation) {
        uint256 count;
        (count, onProbation) = ledger.ratedContributionsOf(orgId);
        _expectEqual("ratedContributionsOf", ghostPlatformRatings[orgId], count);
        _expectEqual("onProbation", count < ledger.parameters().probationRatings ? 1 : 0, onProbation ? 1 : 0);
    }

    /// @dev On probation a rating lifts trust to at most the initial cap (or leaves trust already above it).
    function _expectProbationCeiling(bool onProbation, uint256 before, uint256 updated) private view {
        if (!onProbation || updated <= before) return;
        ITrustLedger.TrustParameters memory p = ledger.parameters();
        uint256 cap =
            ledger.communityType() == ITrustLedger.CommunityType.Public ? p.publicInitialCap : p.privateInitialCap;
        if (updated > cap) revert HandlerModelMismatch("probation: lifted above the cap", cap, updated);
    }

    function _expectError(bytes memory actual, bytes memory expected) private pure {
        if (keccak256(actual) != keccak256(expected)) {
            revert HandlerModelMismatch("revert reason", uint256(bytes32(expected)), uint256(bytes32(actual)));
        }
    }
}
