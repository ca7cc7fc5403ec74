// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {IEntityRegistry} from "../../../contracts/interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../../../contracts/interfaces/ITrustLedger.sol";
import {EntityRegistry} from "../../../contracts/registry/EntityRegistry.sol";
import {TrustLedger} from "../../../contracts/trust/TrustLedger.sol";

/**
 * @title CommunityHandler
 * @notice Drives a Credence community for invariant tests: organizations join, are recommended, activated,
 * rejected, rated (by the platform and by peers), gain and lose member accounts, are expelled, decay is written,
 * and blocks pass. It must hold ASSESSOR and PENALTY.
 * @dev Every action is bounded and only makes calls that the model (the ghost state below) says must succeed;
 * when a call must fail, the handler catches it and checks the exact error. Any other revert is a contract bug,
 * so the invariant tests run with `failOnRevert`. The ghost state records what the handler did so the tests can
 * compare it with the contracts' own state.
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

    EntityRegistry public registry;
    TrustLedger public ledger;

    address[] internal _actors;
    bytes2[] internal _countries;

    // ------------------------------------------------------------------ ghost state

    /// @notice The block number the community is at.
    uint256 public currentBlock;

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

    /// @notice How many times each action did something (by action name), for the call summary.
    mapping(bytes32 action => uint256) public calls;

    uint256 internal _identityNonce;

    constructor(EntityRegistry registry_, TrustLedger ledger_) {
        registry = registry_;
        ledger = ledger_;
        currentBlock = block.number;
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

        _organizations.push(orgId);
        ghostStatus[orgId] = IEntityRegistry.Status.Pending;
        ghostAdmin[orgId] = admin;
        ghostMemberCount[orgId] = 1;
        _bind(admin, orgId);
        ++calls["join"];
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
        uint256 initial = registry.activate(orgId, _level(legalSeed), _level(capabilitySeed));
        _expectEqual("initialTrust", initial, ledger.trustOf(orgId));

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
        ledger.rate(rating);
        _rated[key] = true;

        _expectStepTowards(before, ledger.scoreOf(rating.scores), ledger.trustOf(orgId));
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
            ++expected;
        }
        uint256 applied = ledger.rateBatch(ratings);
        _expectEqual("applied", expected, applied);
        ++calls["rateBatch"];
    }

    /// @notice A member account of an Active organization rates another Active organization's contribution.
    function peerRate(
        uint256 accountSeed,
        uint256 orgSeed,
        uint256 contributionSeed,
        uint256[4] calldata scores
    ) external atCurrentBlock {
        address account = _pickActiveMember(accountSeed);
        if (account == address(0)) return;
        uint256 raterOrgId = ghostOrganizationOf[account];
        // Nobody rates its own organization: skip the rater's when picking.
        uint256 orgId = _pickOrganization(orgSeed, IEntityRegistry.Status.Active, raterOrgId);
        if (orgId == 0) return;
        ITrustLedger.Rating memory rating = _rating(orgId, contributionSeed, scores, false);
        bytes32 key = _ratingKey(orgId, rating.contributionId, raterOrgId);
        if (_rated[key]) return;

        uint256 before = ledger.trustOf(orgId);
        vm.prank(account);
        ledger.peerRate(rating);
        _rated[key] = true;

        _expectStepTowards(before, ledger.scoreOf(rating.scores), ledger.trustOf(orgId));
        ++calls["peerRate"];
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

    /// @notice The handler's action selectors, for `targetSelector`.
    function selectors() external pure returns (bytes4[] memory list) {
        list = new bytes4[](12);
        list[0] = CommunityHandler.join.selector;
        list[1] = CommunityHandler.recommend.selector;
        list[2] = CommunityHandler.activate.selector;
        list[3] = CommunityHandler.reject.selector;
        list[4] = CommunityHandler.expel.selector;
        list[5] = CommunityHandler.addMember.selector;
        list[6] = CommunityHandler.removeMember.selector;
        list[7] = CommunityHandler.rate.selector;
        list[8] = CommunityHandler.rateBatch.selector;
        list[9] = CommunityHandler.peerRate.selector;
        list[10] = CommunityHandler.applyDecay.selector;
        list[11] = CommunityHandler.advanceBlocks.selector;
    }

    // ------------------------------------------------------------------ internals

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

    function _rating(
        uint256 orgId,
        uint256 contributionSeed,
        uint256[4] calldata scores,
        bool outOfRange
    ) private pure returns (ITrustLedger.Rating memory) {
        uint256 contribution = contributionSeed % CONTRIBUTION_POOL;
        return
            ITrustLedger.Rating({
                orgId: orgId,
                contributionId: keccak256(abi.encode("contribution", contribution)),
                scores: ITrustLedger.Scores({
                    quality: uint64(
                        outOfRange ? _bound(scores[0], ONE + 1, type(uint64).max) : _bound(scores[0], 0, ONE)
                    ),
                    quantity: uint64(_bound(scores[1], 0, ONE)),
                    integrity: uint64(_bound(scores[2], 0, ONE)),
                    intent: uint64(_bound(scores[3], 0, ONE))
                }),
                evidenceHash: keccak256(abi.encode("evidence", orgId, contribution))
            });
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
    function _expectStepTowards(uint256 before, uint256 score, uint256 updated) private pure {
        uint256 low = before < score ? before : score;
        uint256 high = before < score ? score : before;
        if (updated < low) revert HandlerModelMismatch("rating overshot down", low, updated);
        if (updated > high) revert HandlerModelMismatch("rating overshot up", high, updated);
    }

    function _expectError(bytes memory actual, bytes memory expected) private pure {
        if (keccak256(actual) != keccak256(expected)) {
            revert HandlerModelMismatch("revert reason", uint256(bytes32(expected)), uint256(bytes32(actual)));
        }
    }
}
