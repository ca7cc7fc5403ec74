// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {IPenaltyHook} from "../interfaces/IPenaltyHook.sol";
import {ITrustLedger} from "../interfaces/ITrustLedger.sol";
import {TrustMath} from "./TrustMath.sol";

/**
 * @title TrustLedger
 * @notice Every organization's trust, its evolution from rated contributions, its decay and its full history
 * (see {ITrustLedger}).
 * @dev UUPS-upgradeable; state lives in ERC-7201 namespaced storage. Each organization has a head slot (its last
 * written trust, the block of that write, the length of its history, and whether it is Active) and a history of
 * the values it had at every earlier block where it was written, two checkpoints to a slot. A checkpoint packs
 * the trust (low 64 bits) with the block it was written at (next 48 bits): a lookup then knows how long the
 * value has been decaying. The community's total is kept the same way (88-bit values, 40-bit blocks). Every
 * operation touches one organization and the total: constant gas.
 */
contract TrustLedger is ITrustLedger, Initializable, AccessManagedUpgradeable, UUPSUpgradeable {
    using Checkpoints for Checkpoints.Trace208;

    /// @custom:storage-location erc7201:credence.storage.TrustLedger
    struct TrustLedgerStorage {
        IEntityRegistry registry;
        IPenaltyHook penaltyHook;
        CommunityType communityType;
        TrustParameters parameters;
        // The baseline and half-life in force and the block they took effect, in one slot (the last entry of
        // `decayParameters`): current trust, and any lookup at or after `since`, read no history.
        DecayParameters decay;
        mapping(uint256 orgId => Head) heads;
        // Checkpoints before each organization's head, oldest first, two to a slot (entry i in slot i / 2, the
        // even one in the low 128 bits).
        mapping(uint256 orgId => mapping(uint256 pair => uint256 entries)) history;
        TotalHead total;
        // Checkpoints of the total before its head, packed like `history`.
        mapping(uint256 pair => uint256 entries) totalHistory;
        // Nonzero once rated. The platform's entry of a contribution also holds the platform's score (bits 1 to 64)
        // and how many peer ratings followed it (from bit 128), which hold peers to the platform's judgement.
        mapping(bytes32 ratingKey => uint256) rated;
        // Baseline and half-life by block (packed like a checkpoint), so past decay uses past parameters.
        Checkpoints.Trace208 decayParameters;
    }

    /**
     * @dev An organization's latest checkpoint and what its lookups need, in one slot. `value` and `updatedAt`
     * are packed as a checkpoint is (`updatedAt · 2^64 + value` in the low 112 bits). `updatedAt` is 0 until
     * trust is initialized (no transaction runs in block 0). `active` mirrors the registry's status: only
     * {initializeTrust} (activation) sets it and only {clearTrust} (expulsion) clears it, and only the registry
     * may call them, so ratings and adjustments need no call to the registry.
     */
    struct Head {
        // At most ONE < 2^64: every write is clamped to [0, ONE].
        uint64 value;
        uint48 updatedAt;
        // How many checkpoints `history` holds; below 2^48 because each is of a distinct earlier block.
        uint48 archived;
        bool active;
        // Platform ratings received (saturating): the probation of {TrustParameters.probationRatings}. Appended in
        // the slot's free bytes, so heads written before it read 0.
        uint32 rated;
    }

    /**
     * @dev The latest total, its block and how many checkpoints `totalHistory` holds, in one slot. A checkpoint of
     * the total is `updatedAt · 2^88 + value` in 128 bits: the total stays below 2^88 (over 309 million
     * organizations at full trust; `TrustLedgerTotalOutOfRange` otherwise) and its blocks below 2^40 (over 34,000
     * years of 1-second blocks; `TrustLedgerBlockOutOfRange` otherwise).
     */
    struct TotalHead {
        uint88 value;
        uint40 updatedAt;
        uint48 archived;
    }

    /**
     * @dev The decay parameters in force and the block they took effect, and (appended in the slot's free bytes)
     * the probation's terms: the initial cap of the community's type and `probationRatings`. Every rating reads
     * this slot, so the probation costs it no extra read. Written with the parameters ({_setParameters}).
     */
    struct DecayParameters {
        uint64 baseline;
        uint48 halfLife;
        uint48 since;
        uint64 initialCap;
        uint16 probationRatings;
    }

    /// @dev What a rating reads from the parameters (three slots), once per call.
    struct RatingContext {
        uint256 weightQuality;
        uint256 weightQuantity;
        uint256 weightIntegrity;
        uint256 weightIntent;
        uint256 gainRate;
        uint256 lossRate;
        uint256 flagThreshold;
        uint256 baseline;
        uint256 halfLife;
        uint256 initialCap;
        uint256 probationRatings;
    }

    // keccak256(abi.encode(uint256(keccak256("credence.storage.TrustLedger")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xba9a662cd703479f4c9ca79a4f3a131985043d569b6c8a638b42f6cd34cf0200;

    /// @dev Largest pre-trust damping constant accepted.
    uint256 private constant MAX_DAMPING = 1000;

    /// @dev A checkpoint of an organization: the trust in the low 64 bits, the block above it.
    uint256 private constant VALUE_BITS = 64;
    uint256 private constant VALUE_MASK = (1 << VALUE_BITS) - 1;
    /// @dev A checkpoint of the total: the total in the low 88 bits, the block (40 bits) above it.
    uint256 private constant TOTAL_BITS = 88;
    uint256 private constant MAX_TOTAL = (1 << TOTAL_BITS) - 1;
    uint256 private constant MAX_TOTAL_BLOCK = type(uint40).max;
    /// @dev Two 128-bit checkpoints to a slot.
    uint256 private constant LOW_HALF = type(uint128).max;

    /// @dev A peer's score counts only within this distance of the platform's score for the same contribution.
    uint256 private constant PEER_BAND = 2e17;
    uint256 private constant RATED = 1;
    uint256 private constant PEER_COUNT_SHIFT = 128;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param authority The suite's AccessManager.
     * @param communityType_ Public or private; fixed for the ledger's life.
     * @param parameters_ The trust-model parameters (validated).
     */
    function initialize(
        address authority,
        CommunityType communityType_,
        TrustParameters calldata parameters_
    ) external initializer {
        if (authority == address(0)) revert TrustLedgerZeroAddress();
        __AccessManaged_init(authority);
        _storage().communityType = communityType_;
        _setParameters(parameters_);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ITrustLedger
    function setParameters(TrustParameters calldata parameters_) external restricted {
        _setParameters(parameters_);
    }

    /// @inheritdoc ITrustLedger
    function setRegistry(address registry_) external restricted {
        if (registry_ == address(0)) revert TrustLedgerZeroAddress();
        _storage().registry = IEntityRegistry(registry_);
        emit RegistryUpdated(registry_);
    }

    /// @inheritdoc ITrustLedger
    function setPenaltyHook(address hook) external restricted {
        _storage().penaltyHook = IPenaltyHook(hook);
        emit PenaltyHookUpdated(hook);
    }

    // ------------------------------------------------------------------ registry hooks

    /// @inheritdoc ITrustLedger
    function initializeTrust(uint256 orgId, InitialTrustInputs calldata inputs) external returns (uint256 initial) {
        TrustLedgerStorage storage $ = _storage();
        _checkCaller(address($.registry));
        Head memory head = $.heads[orgId];
        if (head.updatedAt != 0) revert TrustLedgerAlreadyInitialized(orgId);
        initial = _initialTrust($, inputs);
        _write($, orgId, head, initial, true);
        emit TrustChanged(orgId, 0, initial, int256(initial), TrustChangeReason.Initialized, bytes32(0));
    }

    /// @inheritdoc ITrustLedger
    function clearTrust(uint256 orgId, bytes32 evidenceHash) external {
        TrustLedgerStorage storage $ = _storage();
        _checkCaller(address($.registry));
        Head memory head = $.heads[orgId];
        if (head.updatedAt == 0) revert TrustLedgerNotInitialized(orgId);
        uint256 current = _decayed($, head);
        _write($, orgId, head, 0, false);
        emit TrustChanged(orgId, current, 0, -int256(current), TrustChangeReason.Cleared, evidenceHash);
    }

    /// @inheritdoc ITrustLedger
    function adjustTrust(
        uint256 orgId,
        int256 delta,
        TrustChangeReason reason,
        bytes32 evidenceHash
    ) external returns (int256 applied) {
        TrustLedgerStorage storage $ = _storage();
        _checkCaller(address($.penaltyHook));
        if (reason < TrustChangeReason.BondLocked) revert TrustLedgerInvalidReason(reason);
        Head memory head = $.heads[orgId];
        if (head.updatedAt == 0) revert TrustLedgerNotInitialized(orgId);
        if (!head.active) revert TrustLedgerInactiveOrganization(orgId);
        uint256 current = _decayed($, head);
        uint256 updated;
        if (delta < 0) {
            uint256 loss = SignedMath.abs(delta);
            updated = loss >= current ? 0 : current - loss;
        } else {
            uint256 gain = uint256(delta);
            updated = current + gain > TrustMath.ONE ? TrustMath.ONE : current + gain;
        }
        _write($, orgId, head, updated, true);
        applied = int256(updated) - int256(current);
        emit TrustChanged(orgId, current, updated, applied, reason, evidenceHash);
    }

    // ------------------------------------------------------------------ ratings

    /// @inheritdoc ITrustLedger
    function rate(Rating calldata rating) external restricted {
        TrustLedgerStorage storage $ = _storage();
        bytes4 failure = _applyRating($, _ratingContext($), rating, 0, TrustMath.ONE, 0);
        if (failure != bytes4(0)) _revertRating(failure, rating, 0);
    }

    /// @inheritdoc ITrustLedger
    function rateBatch(Rating[] calldata ratings) external restricted returns (uint256 applied) {
        TrustLedgerStorage storage $ = _storage();
        // The parameters are read once for the whole batch ({_applyRating} reads them again after a penalty hook
        // call, the only code that runs between two items).
        RatingContext memory ctx = _ratingContext($);
        // Bounded by the caller's calldata and the block gas limit, not by community size.
        for (uint256 i = 0; i < ratings.length; ++i) {
            bytes4 failure = _applyRating($, ctx, ratings[i], 0, TrustMath.ONE, 0);
            if (failure == bytes4(0)) {
                ++applied;
            } else {
                emit RatingSkipped(i, ratings[i].orgId, ratings[i].contributionId, failure);
            }
        }
    }

    /// @inheritdoc ITrustLedger
    function peerRate(Rating calldata rating) external {
        TrustLedgerStorage storage $ = _storage();
        uint256 raterOrgId = _activeOrganizationOf($, msg.sender);
        if (raterOrgId == rating.orgId) revert TrustLedgerSelfRating(raterOrgId);
        bytes32 platformKey = _ratingKey(rating.orgId, rating.contributionId, 0);
        uint256 entry = $.rated[platformKey];
        if (entry == 0) revert TrustLedgerUnknownContribution(rating.orgId, rating.contributionId);
        RatingContext memory ctx = _ratingContext($);
        // The k-th peer rating of a contribution weighs 1/k of its rater's trust, so a crowd rating one
        // contribution moves trust by the harmonic sum of its weights, not by their number.
        uint256 weight = _decayed($, $.heads[raterOrgId]) / ((entry >> PEER_COUNT_SHIFT) + 1);
        bytes4 failure = _applyRating($, ctx, rating, raterOrgId, weight, uint64(entry >> 1));
        if (failure != bytes4(0)) _revertRating(failure, rating, raterOrgId);
        $.rated[platformKey] = entry + (1 << PEER_COUNT_SHIFT);
    }

    /// @inheritdoc ITrustLedger
    function applyDecay(uint256 orgId) external {
        TrustLedgerStorage storage $ = _storage();
        Head memory head = $.heads[orgId];
        if (!head.active) revert TrustLedgerInactiveOrganization(orgId);
        uint256 recorded = head.value;
        uint256 current = _decayed($, head);
        if (current == recorded) return;
        _write($, orgId, head, current, true);
        emit TrustChanged(orgId, recorded, current, int256(current) - int256(recorded), TrustChangeReason.Decayed, 0);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITrustLedger
    function trustOf(uint256 orgId) external view returns (uint256) {
        TrustLedgerStorage storage $ = _storage();
        return _decayed($, $.heads[orgId]);
    }

    /// @inheritdoc ITrustLedger
    function trustAt(uint256 orgId, uint256 timepoint) external view returns (uint256) {
        TrustLedgerStorage storage $ = _storage();
        uint48 key = _checkPast(timepoint);
        (uint256 value, uint256 updatedAt) = _trustCheckpointAt($, orgId, key);
        uint256 baseline;
        uint256 halfLife;
        DecayParameters memory decay = $.decay;
        if (decay.since <= key) {
            (baseline, halfLife) = (decay.baseline, decay.halfLife);
        } else {
            uint256 packed = $.decayParameters.upperLookupRecent(key);
            (baseline, halfLife) = (packed & VALUE_MASK, packed >> VALUE_BITS);
            // No parameters recorded yet at `key` (before initialization): nothing has trust to decay then, but
            // keep the arithmetic defined by falling back to the current parameters.
            if (halfLife == 0) (baseline, halfLife) = (decay.baseline, decay.halfLife);
        }
        return TrustMath.decay(value, baseline, key - updatedAt, halfLife);
    }

    /// @inheritdoc ITrustLedger
    function totalTrust() external view returns (uint256) {
        return _storage().total.value;
    }

    /// @inheritdoc ITrustLedger
    function totalTrustAt(uint256 timepoint) external view returns (uint256) {
        TrustLedgerStorage storage $ = _storage();
        uint48 key = _checkPast(timepoint);
        TotalHead memory head = $.total;
        if (key >= head.updatedAt) return head.value;
        // The previous block (a penalty case's snapshot) is the head or the last checkpoint before it: the lookup
        // tries that checkpoint first, so it costs the same whatever the length of the history.
        return _lookup($.totalHistory, head.archived, key, TOTAL_BITS) & MAX_TOTAL;
    }

    /// @inheritdoc ITrustLedger
    function recordedTrustOf(uint256 orgId) external view returns (uint256 value, uint48 updatedAt) {
        Head storage head = _storage().heads[orgId];
        return (head.value, head.updatedAt);
    }

    /// @inheritdoc ITrustLedger
    function ratedContributionsOf(uint256 orgId) external view returns (uint256 count, bool onProbation) {
        TrustLedgerStorage storage $ = _storage();
        count = $.heads[orgId].rated;
        onProbation = count < $.decay.probationRatings;
    }

    /// @inheritdoc ITrustLedger
    function hasRated(uint256 orgId, bytes32 contributionId, uint256 raterOrgId) external view returns (bool) {
        return _storage().rated[_ratingKey(orgId, contributionId, raterOrgId)] != 0;
    }

    /// @inheritdoc ITrustLedger
    function parameters() external view returns (TrustParameters memory) {
        return _storage().parameters;
    }

    /// @inheritdoc ITrustLedger
    function communityType() external view returns (CommunityType) {
        return _storage().communityType;
    }

    /// @inheritdoc ITrustLedger
    function registry() external view returns (address) {
        return address(_storage().registry);
    }

    /// @inheritdoc ITrustLedger
    function penaltyHook() external view returns (address) {
        return address(_storage().penaltyHook);
    }

    /// @inheritdoc ITrustLedger
    function computePreTrust(uint256 weightedScoreSum, uint256 weightSum) external view returns (uint256) {
        return TrustMath.preTrust(weightedScoreSum, weightSum, _storage().parameters.recommendationDamping);
    }

    /// @inheritdoc ITrustLedger
    function computeInitialTrust(InitialTrustInputs calldata inputs) external view returns (uint256) {
        return _initialTrust(_storage(), inputs);
    }

    /// @inheritdoc ITrustLedger
    function scoreOf(Scores calldata scores) external view returns (uint256) {
        return _score(_ratingContext(_storage()), scores);
    }

    /// @inheritdoc ITrustLedger
    function version() external pure virtual returns (string memory) {
        return "1.1.0";
    }

    /// @notice The ledger's clock: the block number (ERC-6372).
    function clock() public view returns (uint48) {
        return Time.blockNumber();
    }

    /// @notice ERC-6372 clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=blocknumber&from=default";
    }

    // ------------------------------------------------------------------ internals

    /// @dev The rating weights, the rates, the flag threshold and the current decay parameters.
    function _ratingContext(TrustLedgerStorage storage $) private view returns (RatingContext memory ctx) {
        _loadContext($, ctx);
    }

    /// @dev Fills `ctx` from storage.
    function _loadContext(TrustLedgerStorage storage $, RatingContext memory ctx) private view {
        TrustParameters storage p = $.parameters;
        DecayParameters memory decay = $.decay;
        ctx.weightQuality = p.weightQuality;
        ctx.weightQuantity = p.weightQuantity;
        ctx.weightIntegrity = p.weightIntegrity;
        ctx.weightIntent = p.weightIntent;
        ctx.gainRate = p.gainRate;
        ctx.lossRate = p.lossRate;
        ctx.flagThreshold = p.flagThreshold;
        ctx.baseline = decay.baseline;
        ctx.halfLife = decay.halfLife;
        ctx.initialCap = decay.initialCap;
        ctx.probationRatings = decay.probationRatings;
    }

    /**
     * @dev Validates and applies one rating. Returns zero on success, or the selector of the error that
     * describes why it cannot be applied (nothing is written then). After a penalty hook call, reloads `ctx`, so
     * that the next item of a batch sees the parameters exactly as if it had read them itself.
     * @param raterOrgId 0 for the platform, else the peer rater's organization.
     * @param weight The rater's weight in [0, ONE].
     * @param platformScore For a peer rating, the platform's score of the same contribution: the peer's score is
     * held within {PEER_BAND} of it, so a peer refines the platform's judgement but cannot overturn it.
     */
    function _applyRating(
        TrustLedgerStorage storage $,
        RatingContext memory ctx,
        Rating calldata rating,
        uint256 raterOrgId,
        uint256 weight,
        uint256 platformScore
    ) private returns (bytes4) {
        // Scores above ONE are refused below before anything is written; the sum cannot overflow meanwhile.
        uint256 score = _score(ctx, rating.scores);
        (bytes4 failure, Head memory head) = _checkAndMarkRating(
            $,
            rating,
            raterOrgId,
            raterOrgId == 0 ? RATED | (score << 1) : RATED
        );
        if (failure != bytes4(0)) return failure;
        if (raterOrgId != 0) score = _withinBand(score, platformScore);
        _moveTrust($, ctx, rating, head, score, weight, raterOrgId);
        emit ContributionRated(
            rating.orgId,
            rating.contributionId,
            msg.sender,
            raterOrgId,
            rating.scores,
            score,
            weight
        );
        if (rating.scores.integrity < ctx.flagThreshold || rating.scores.intent < ctx.flagThreshold) {
            if (_signalLowIntegrity($, rating, raterOrgId)) _loadContext($, ctx);
        }
        return bytes4(0);
    }

    /// @dev `score` moved to within {PEER_BAND} of `anchor`.
    function _withinBand(uint256 score, uint256 anchor) private pure returns (uint256) {
        uint256 low = anchor > PEER_BAND ? anchor - PEER_BAND : 0;
        uint256 high = anchor + PEER_BAND < TrustMath.ONE ? anchor + PEER_BAND : TrustMath.ONE;
        return score < low ? low : (score > high ? high : score);
    }

    /// @dev Returns the selector of the first reason the rating cannot be applied, else records `mark` for it
    /// and returns the organization's head.
    function _checkAndMarkRating(
        TrustLedgerStorage storage $,
        Rating calldata rating,
        uint256 raterOrgId,
        uint256 mark
    ) private returns (bytes4, Head memory head) {
        Scores calldata s = rating.scores;
        if (
            s.quality > TrustMath.ONE ||
            s.quantity > TrustMath.ONE ||
            s.integrity > TrustMath.ONE ||
            s.intent > TrustMath.ONE
        ) {
            return (TrustLedgerScoreOutOfRange.selector, head);
        }
        head = $.heads[rating.orgId];
        if (!head.active) return (TrustLedgerInactiveOrganization.selector, head);
        bytes32 key = _ratingKey(rating.orgId, rating.contributionId, raterOrgId);
        if ($.rated[key] != 0) return (TrustLedgerAlreadyRated.selector, head);
        $.rated[key] = mark;
        return (bytes4(0), head);
    }

    /// @dev One moving-average step of the rated organization's trust towards `score`.
    function _moveTrust(
        TrustLedgerStorage storage $,
        RatingContext memory ctx,
        Rating calldata rating,
        Head memory head,
        uint256 score,
        uint256 weight,
        uint256 raterOrgId
    ) private {
        uint256 current = TrustMath.decay(head.value, ctx.baseline, clock() - head.updatedAt, ctx.halfLife);
        uint256 updated = TrustMath.evolve(current, score, ctx.gainRate, ctx.lossRate, weight);
        // On probation, ratings do not lift trust above the initial cap (nor lower what is already above it:
        // a cap lowered by governance takes nothing away).
        if (head.rated < ctx.probationRatings && updated > current && updated > ctx.initialCap) {
            updated = current > ctx.initialCap ? current : ctx.initialCap;
        }
        // The platform's rating is counted after its step, so the probation covers the first `probationRatings`
        // of them and the peer ratings that come before the last is applied.
        if (raterOrgId == 0 && head.rated < type(uint32).max) ++head.rated;
        _write($, rating.orgId, head, updated, true);
        emit TrustChanged(
            rating.orgId,
            current,
            updated,
            int256(updated) - int256(current),
            raterOrgId == 0 ? TrustChangeReason.Rated : TrustChangeReason.PeerRated,
            rating.evidenceHash
        );
    }

    /**
     * @dev Emits the low-integrity signal and, for a platform rating, calls the penalty hook if one is set.
     * Returns whether it called the hook.
     */
    function _signalLowIntegrity(
        TrustLedgerStorage storage $,
        Rating calldata rating,
        uint256 raterOrgId
    ) private returns (bool) {
        Scores calldata s = rating.scores;
        emit LowIntegritySignalled(rating.orgId, rating.contributionId, msg.sender, raterOrgId, s.integrity, s.intent);
        IPenaltyHook hook = $.penaltyHook;
        if (raterOrgId != 0 || address(hook) == address(0)) return false;
        hook.onLowIntegrity(
            rating.orgId,
            rating.contributionId,
            msg.sender,
            s.integrity,
            s.intent,
            rating.evidenceHash
        );
        return true;
    }

    /// @dev Re-raises a failure of {_applyRating} as its custom error with arguments.
    function _revertRating(bytes4 failure, Rating calldata rating, uint256 raterOrgId) private pure {
        if (failure == TrustLedgerInactiveOrganization.selector) revert TrustLedgerInactiveOrganization(rating.orgId);
        if (failure == TrustLedgerAlreadyRated.selector) {
            revert TrustLedgerAlreadyRated(rating.orgId, rating.contributionId, raterOrgId);
        }
        Scores calldata s = rating.scores;
        uint256 worst = s.quality;
        if (s.quantity > worst) worst = s.quantity;
        if (s.integrity > worst) worst = s.integrity;
        if (s.intent > worst) worst = s.intent;
        revert TrustLedgerScoreOutOfRange(worst);
    }

    /**
     * @dev Records `updated` as the organization's trust at this block (`head` is its head as stored) and moves
     * the total by `updated - head.value` (the total holds the recorded value of every organization).
     */
    function _write(
        TrustLedgerStorage storage $,
        uint256 orgId,
        Head memory head,
        uint256 updated,
        bool active
    ) private {
        uint256 recorded = head.value;
        uint48 now_ = clock();
        // The first write in a block moves the head's value into the history; later ones in the block replace it.
        if (head.updatedAt != now_ && head.updatedAt != 0) {
            _append($.history[orgId], head.archived, (uint256(head.updatedAt) << VALUE_BITS) | recorded);
            // Below 2^48: one checkpoint per earlier block.
            ++head.archived;
        }
        // `updated` is at most ONE < 2^64 (see {Head}).
        head.value = uint64(updated);
        head.updatedAt = now_;
        head.active = active;
        $.heads[orgId] = head;
        if (updated != recorded) _moveTotal($, recorded, updated, now_);
    }

    /// @dev Replaces `recorded` with `updated` in the total, checkpointing the total's previous block.
    function _moveTotal(TrustLedgerStorage storage $, uint256 recorded, uint256 updated, uint48 now_) private {
        TotalHead memory head = $.total;
        // The total holds `recorded` for this organization, so it does not underflow.
        uint256 value = head.value + updated - recorded;
        if (value > MAX_TOTAL) revert TrustLedgerTotalOutOfRange(value, MAX_TOTAL);
        if (head.updatedAt != now_) {
            if (now_ > MAX_TOTAL_BLOCK) revert TrustLedgerBlockOutOfRange(now_, MAX_TOTAL_BLOCK);
            if (head.updatedAt != 0) {
                _append($.totalHistory, head.archived, (uint256(head.updatedAt) << TOTAL_BITS) | head.value);
                ++head.archived;
            }
            head.updatedAt = uint40(now_);
        }
        head.value = uint88(value);
        $.total = head;
    }

    /// @dev Stores checkpoint `index` of a history packed two to a slot. An even index starts an unused slot.
    function _append(mapping(uint256 => uint256) storage pairs, uint256 index, uint256 entry) private {
        if (index & 1 == 0) pairs[index >> 1] = entry;
        else pairs[index >> 1] |= entry << 128;
    }

    /// @dev The organization's checkpoint in force at `key` (its value and block; zeros before initialization).
    function _trustCheckpointAt(
        TrustLedgerStorage storage $,
        uint256 orgId,
        uint256 key
    ) private view returns (uint256 value, uint256 updatedAt) {
        Head memory head = $.heads[orgId];
        if (key >= head.updatedAt) return (head.value, head.updatedAt);
        uint256 entry = _lookup($.history[orgId], head.archived, key, VALUE_BITS);
        return (entry & VALUE_MASK, entry >> VALUE_BITS);
    }

    /**
     * @dev The last of the `length` checkpoints of `pairs` written at or before `key`, or 0 if none is. The most
     * recent checkpoint is tried first (a penalty case's snapshot is usually recent), then a binary search over
     * the slots by their first checkpoint: each probe reads one slot and halves the range.
     * @param valueBits Where the block starts in a checkpoint.
     */
    function _lookup(
        mapping(uint256 => uint256) storage pairs,
        uint256 length,
        uint256 key,
        uint256 valueBits
    ) private view returns (uint256) {
        if (length == 0) return 0;
        uint256 last = length - 1;
        uint256 entry = _entryAt(pairs, last);
        if (entry >> valueBits <= key) return entry;
        // The answer is among checkpoints 0 .. last - 1, in slots 0 .. (last - 1) / 2: find the first slot whose
        // first checkpoint is after `key`; the answer is in the slot before it.
        uint256 low = 0;
        uint256 high = (last + 1) >> 1;
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            if ((pairs[mid] & LOW_HALF) >> valueBits > key) high = mid;
            else low = mid + 1;
        }
        if (low == 0) return 0;
        uint256 pair = pairs[low - 1];
        // Its second checkpoint, if it is one of the first `last` and not after `key`; else its first.
        uint256 second = pair >> 128;
        if (2 * low - 1 < last && second >> valueBits <= key) return second;
        return pair & LOW_HALF;
    }

    function _entryAt(mapping(uint256 => uint256) storage pairs, uint256 index) private view returns (uint256) {
        uint256 pair = pairs[index >> 1];
        return index & 1 == 0 ? pair & LOW_HALF : pair >> 128;
    }

    function _setParameters(TrustParameters calldata p) private {
        uint256 initSum = uint256(p.weightPreTrust) + p.weightLegal + p.weightCapability + p.weightIndirect;
        if (initSum != TrustMath.ONE) revert TrustLedgerWeightsDoNotSumToOne("initialization", initSum);
        uint256 ratingSum = uint256(p.weightQuality) + p.weightQuantity + p.weightIntegrity + p.weightIntent;
        if (ratingSum != TrustMath.ONE) revert TrustLedgerWeightsDoNotSumToOne("rating", ratingSum);
        if (p.gainRate == 0 || p.gainRate > p.lossRate || p.lossRate > TrustMath.ONE) {
            revert TrustLedgerRateOutOfRange(p.gainRate, p.lossRate);
        }
        if (p.halfLife == 0) revert TrustLedgerZeroHalfLife();
        if (p.flagThreshold > TrustMath.ONE) {
            revert TrustLedgerParameterOutOfRange("flagThreshold", p.flagThreshold, TrustMath.ONE);
        }
        if (p.publicInitialCap > TrustMath.ONE) {
            revert TrustLedgerParameterOutOfRange("publicInitialCap", p.publicInitialCap, TrustMath.ONE);
        }
        if (p.privateInitialCap > TrustMath.ONE) {
            revert TrustLedgerParameterOutOfRange("privateInitialCap", p.privateInitialCap, TrustMath.ONE);
        }
        if (p.baseline > TrustMath.ONE) revert TrustLedgerParameterOutOfRange("baseline", p.baseline, TrustMath.ONE);
        if (p.recommendationDamping > MAX_DAMPING) {
            revert TrustLedgerParameterOutOfRange("recommendationDamping", p.recommendationDamping, MAX_DAMPING);
        }
        TrustLedgerStorage storage $ = _storage();
        uint48 now_ = clock();
        $.parameters = p;
        $.decayParameters.push(now_, _packDecay(p.baseline, p.halfLife));
        $.decay = DecayParameters({
            baseline: p.baseline,
            halfLife: p.halfLife,
            since: now_,
            initialCap: $.communityType == CommunityType.Public ? p.publicInitialCap : p.privateInitialCap,
            probationRatings: p.probationRatings
        });
        emit TrustParametersUpdated(p);
    }

    function _initialTrust(
        TrustLedgerStorage storage $,
        InitialTrustInputs calldata inputs
    ) private view returns (uint256 initial) {
        if (inputs.preTrust > TrustMath.ONE) revert TrustLedgerScoreOutOfRange(inputs.preTrust);
        if (inputs.indirect > TrustMath.ONE) revert TrustLedgerScoreOutOfRange(inputs.indirect);
        TrustParameters storage p = $.parameters;
        initial =
            (uint256(p.weightPreTrust) * inputs.preTrust +
                uint256(p.weightLegal) * _levelValue(inputs.legal) +
                uint256(p.weightCapability) * _levelValue(inputs.capability) +
                uint256(p.weightIndirect) * inputs.indirect) / TrustMath.ONE;
        // Whatever the formula says, trust above the cap is earned from rated work: in a public community from
        // near zero; in a private one from under the baseline, so that a new identity is worth less than an old
        // one (whitewashing does not pay).
        uint256 cap = $.communityType == CommunityType.Public ? p.publicInitialCap : p.privateInitialCap;
        if (initial > cap) initial = cap;
    }

    /// @dev Low = 1/3, Medium = 2/3, High = 1.
    function _levelValue(Level level) private pure returns (uint256) {
        if (level == Level.None) revert TrustLedgerInvalidLevel();
        return (uint256(uint8(level)) * TrustMath.ONE) / 3;
    }

    function _score(RatingContext memory ctx, Scores calldata s) private pure returns (uint256) {
        return
            (ctx.weightQuality * s.quality +
                ctx.weightQuantity * s.quantity +
                ctx.weightIntegrity * s.integrity +
                ctx.weightIntent * s.intent) / TrustMath.ONE;
    }

    /// @dev Current trust: the recorded value decayed since its write, with the parameters in force now.
    function _decayed(TrustLedgerStorage storage $, Head memory head) private view returns (uint256) {
        DecayParameters memory decay = $.decay;
        return TrustMath.decay(head.value, decay.baseline, clock() - head.updatedAt, decay.halfLife);
    }

    /// @dev The caller's Active organization, in one call to the registry.
    function _activeOrganizationOf(TrustLedgerStorage storage $, address account) private view returns (uint256) {
        try $.registry.activeOrganizationOf(account) returns (uint256 orgId) {
            return orgId;
        } catch (bytes memory reason) {
            if (bytes4(reason) == IEntityRegistry.EntityRegistryNotActiveMember.selector) {
                revert TrustLedgerNotActiveMember(account);
            }
            // Any other failure is the registry's own: pass it on unchanged.
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /**
     * @dev The registry's and the penalty contract's hooks accept only the contract governance set for them
     * ({setRegistry}, {setPenaltyHook}; ADMIN): a comparison instead of a call to the AccessManager, and the
     * guarantee that the Active flag of {Head} moves only with the registry.
     */
    function _checkCaller(address expected) private view {
        if (msg.sender != expected) revert AccessManagedUnauthorized(msg.sender);
    }

    function _checkPast(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert TrustLedgerFutureLookup(timepoint, now_);
        return uint48(timepoint);
    }

    /// @dev Packs a baseline with a half-life above it, like a checkpoint.
    function _packDecay(uint256 baseline, uint48 halfLife) private pure returns (uint208) {
        return uint208((uint256(halfLife) << VALUE_BITS) | baseline);
    }

    function _ratingKey(uint256 orgId, bytes32 contributionId, uint256 raterOrgId) private pure returns (bytes32) {
        return keccak256(abi.encode(orgId, contributionId, raterOrgId));
    }

    /// @dev Upgrades are authorized by the AccessManager (ADMIN role by deployment).
    function _authorizeUpgrade(address) internal override restricted {}

    function _storage() private pure returns (TrustLedgerStorage storage $) {
        assembly ("memory-safe") {
            $.slot := STORAGE_LOCATION
        }
    }
}
