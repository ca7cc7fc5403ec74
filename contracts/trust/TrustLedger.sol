// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
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
 * @dev UUPS-upgradeable; state lives in ERC-7201 namespaced storage. Each organization's history is an
 * OpenZeppelin `Checkpoints.Trace208` keyed by block number whose value packs the trust (low 64 bits) with the
 * block it was written at (next 48 bits): a lookup then knows how long the value has been decaying. The
 * community's total is a second trace. Every operation touches one organization and the total: constant gas.
 */
contract TrustLedger is ITrustLedger, Initializable, AccessManagedUpgradeable, UUPSUpgradeable {
    using Checkpoints for Checkpoints.Trace208;
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:credence.storage.TrustLedger
    struct TrustLedgerStorage {
        IEntityRegistry registry;
        IPenaltyHook penaltyHook;
        CommunityType communityType;
        TrustParameters parameters;
        mapping(uint256 orgId => Checkpoints.Trace208) history;
        Checkpoints.Trace208 total;
        mapping(bytes32 ratingKey => bool) rated;
        // Baseline and half-life by block (packed like the history), so past decay uses past parameters.
        Checkpoints.Trace208 decayParameters;
    }

    // keccak256(abi.encode(uint256(keccak256("credence.storage.TrustLedger")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xba9a662cd703479f4c9ca79a4f3a131985043d569b6c8a638b42f6cd34cf0200;

    /// @dev Largest pre-trust damping constant accepted.
    uint256 private constant MAX_DAMPING = 1000;

    uint256 private constant VALUE_BITS = 64;
    uint256 private constant VALUE_MASK = (1 << VALUE_BITS) - 1;

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
    function initializeTrust(
        uint256 orgId,
        InitialTrustInputs calldata inputs
    ) external restricted returns (uint256 initial) {
        TrustLedgerStorage storage $ = _storage();
        if ($.history[orgId].length() != 0) revert TrustLedgerAlreadyInitialized(orgId);
        initial = _initialTrust($, inputs);
        _write($, orgId, 0, initial);
        emit TrustChanged(orgId, 0, initial, int256(initial), TrustChangeReason.Initialized, bytes32(0));
    }

    /// @inheritdoc ITrustLedger
    function clearTrust(uint256 orgId, bytes32 evidenceHash) external restricted {
        TrustLedgerStorage storage $ = _storage();
        if ($.history[orgId].length() == 0) revert TrustLedgerNotInitialized(orgId);
        (uint256 recorded, uint256 current) = _recordedAndCurrent($, orgId);
        _write($, orgId, recorded, 0);
        emit TrustChanged(orgId, current, 0, -int256(current), TrustChangeReason.Cleared, evidenceHash);
    }

    /// @inheritdoc ITrustLedger
    function adjustTrust(
        uint256 orgId,
        int256 delta,
        TrustChangeReason reason,
        bytes32 evidenceHash
    ) external restricted returns (int256 applied) {
        if (reason < TrustChangeReason.BondLocked) revert TrustLedgerInvalidReason(reason);
        TrustLedgerStorage storage $ = _storage();
        if ($.history[orgId].length() == 0) revert TrustLedgerNotInitialized(orgId);
        if ($.registry.statusOf(orgId) != IEntityRegistry.Status.Active) revert TrustLedgerInactiveOrganization(orgId);
        (uint256 recorded, uint256 current) = _recordedAndCurrent($, orgId);
        uint256 updated;
        if (delta < 0) {
            uint256 loss = SignedMath.abs(delta);
            updated = loss >= current ? 0 : current - loss;
        } else {
            uint256 gain = uint256(delta);
            updated = current + gain > TrustMath.ONE ? TrustMath.ONE : current + gain;
        }
        _write($, orgId, recorded, updated);
        applied = int256(updated) - int256(current);
        emit TrustChanged(orgId, current, updated, applied, reason, evidenceHash);
    }

    // ------------------------------------------------------------------ ratings

    /// @inheritdoc ITrustLedger
    function rate(Rating calldata rating) external restricted {
        bytes4 failure = _applyRating(rating, 0, TrustMath.ONE);
        if (failure != bytes4(0)) _revertRating(failure, rating, 0);
    }

    /// @inheritdoc ITrustLedger
    function rateBatch(Rating[] calldata ratings) external restricted returns (uint256 applied) {
        // Bounded by the caller's calldata and the block gas limit, not by community size.
        for (uint256 i = 0; i < ratings.length; ++i) {
            bytes4 failure = _applyRating(ratings[i], 0, TrustMath.ONE);
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
        if (!$.registry.isActiveMember(msg.sender)) revert TrustLedgerNotActiveMember(msg.sender);
        uint256 raterOrgId = $.registry.organizationOf(msg.sender);
        if (raterOrgId == rating.orgId) revert TrustLedgerSelfRating(raterOrgId);
        if (!$.rated[_ratingKey(rating.orgId, rating.contributionId, 0)]) {
            revert TrustLedgerUnknownContribution(rating.orgId, rating.contributionId);
        }
        bytes4 failure = _applyRating(rating, raterOrgId, _current($, raterOrgId));
        if (failure != bytes4(0)) _revertRating(failure, rating, raterOrgId);
    }

    /// @inheritdoc ITrustLedger
    function applyDecay(uint256 orgId) external {
        TrustLedgerStorage storage $ = _storage();
        if ($.registry.statusOf(orgId) != IEntityRegistry.Status.Active) revert TrustLedgerInactiveOrganization(orgId);
        (uint256 recorded, uint256 current) = _recordedAndCurrent($, orgId);
        if (current == recorded) return;
        _write($, orgId, recorded, current);
        emit TrustChanged(orgId, recorded, current, int256(current) - int256(recorded), TrustChangeReason.Decayed, 0);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITrustLedger
    function trustOf(uint256 orgId) external view returns (uint256) {
        return _current(_storage(), orgId);
    }

    /// @inheritdoc ITrustLedger
    function trustAt(uint256 orgId, uint256 timepoint) external view returns (uint256) {
        TrustLedgerStorage storage $ = _storage();
        uint48 key = _checkPast(timepoint);
        (uint256 value, uint48 updatedAt) = _unpack($.history[orgId].upperLookupRecent(key));
        (uint256 baseline, uint48 halfLife) = _unpack($.decayParameters.upperLookupRecent(key));
        // No parameters recorded yet at `key` (before initialization): nothing has trust to decay then, but keep
        // the arithmetic defined by falling back to the current parameters.
        if (halfLife == 0) (baseline, halfLife) = ($.parameters.baseline, $.parameters.halfLife);
        return TrustMath.decay(value, baseline, key - updatedAt, halfLife);
    }

    /// @inheritdoc ITrustLedger
    function totalTrust() external view returns (uint256) {
        return _storage().total.latest();
    }

    /// @inheritdoc ITrustLedger
    function totalTrustAt(uint256 timepoint) external view returns (uint256) {
        Checkpoints.Trace208 storage total = _storage().total;
        uint48 key = _checkPast(timepoint);
        // Fast path for the previous block (a penalty case's snapshot): the answer is one of the last two
        // checkpoints, whatever the length of the history, so the lookup costs the same in any community.
        uint256 length = total.length();
        if (length != 0) {
            Checkpoints.Checkpoint208 memory last = total.at(uint32(length - 1));
            if (last._key <= key) return last._value;
            if (length > 1) {
                Checkpoints.Checkpoint208 memory previous = total.at(uint32(length - 2));
                if (previous._key <= key) return previous._value;
            }
        }
        return total.upperLookupRecent(key);
    }

    /// @inheritdoc ITrustLedger
    function recordedTrustOf(uint256 orgId) external view returns (uint256 value, uint48 updatedAt) {
        return _recorded(_storage(), orgId);
    }

    /// @inheritdoc ITrustLedger
    function hasRated(uint256 orgId, bytes32 contributionId, uint256 raterOrgId) external view returns (bool) {
        return _storage().rated[_ratingKey(orgId, contributionId, raterOrgId)];
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
        return _score(_storage().parameters, scores);
    }

    /// @inheritdoc ITrustLedger
    function version() external pure virtual returns (string memory) {
        return "1.0.0";
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

    /**
     * @dev Validates and applies one rating. Returns zero on success, or the selector of the error that
     * describes why it cannot be applied (nothing is written then).
     * @param raterOrgId 0 for the platform, else the peer rater's organization.
     * @param weight The rater's weight in [0, ONE].
     */
    function _applyRating(Rating calldata rating, uint256 raterOrgId, uint256 weight) private returns (bytes4) {
        TrustLedgerStorage storage $ = _storage();
        bytes4 failure = _checkAndMarkRating($, rating, raterOrgId);
        if (failure != bytes4(0)) return failure;
        TrustParameters memory p = $.parameters;
        uint256 score = _score(p, rating.scores);
        _moveTrust(
            $,
            p,
            rating,
            score,
            weight,
            raterOrgId == 0 ? TrustChangeReason.Rated : TrustChangeReason.PeerRated
        );
        emit ContributionRated(
            rating.orgId,
            rating.contributionId,
            msg.sender,
            raterOrgId,
            rating.scores,
            score,
            weight
        );
        if (rating.scores.integrity < p.flagThreshold || rating.scores.intent < p.flagThreshold) {
            _signalLowIntegrity($, rating, raterOrgId);
        }
        return bytes4(0);
    }

    /// @dev Returns the selector of the first reason the rating cannot be applied, else marks it rated.
    function _checkAndMarkRating(
        TrustLedgerStorage storage $,
        Rating calldata rating,
        uint256 raterOrgId
    ) private returns (bytes4) {
        Scores calldata s = rating.scores;
        if (
            s.quality > TrustMath.ONE ||
            s.quantity > TrustMath.ONE ||
            s.integrity > TrustMath.ONE ||
            s.intent > TrustMath.ONE
        ) {
            return TrustLedgerScoreOutOfRange.selector;
        }
        if ($.registry.statusOf(rating.orgId) != IEntityRegistry.Status.Active) {
            return TrustLedgerInactiveOrganization.selector;
        }
        bytes32 key = _ratingKey(rating.orgId, rating.contributionId, raterOrgId);
        if ($.rated[key]) return TrustLedgerAlreadyRated.selector;
        $.rated[key] = true;
        return bytes4(0);
    }

    /// @dev One moving-average step of the rated organization's trust towards `score`.
    function _moveTrust(
        TrustLedgerStorage storage $,
        TrustParameters memory p,
        Rating calldata rating,
        uint256 score,
        uint256 weight,
        TrustChangeReason reason
    ) private {
        uint256 orgId = rating.orgId;
        (uint256 recorded, uint256 current) = _recordedAndCurrent($, orgId);
        uint256 updated = TrustMath.evolve(current, score, p.gainRate, p.lossRate, weight);
        _write($, orgId, recorded, updated);
        emit TrustChanged(orgId, current, updated, int256(updated) - int256(current), reason, rating.evidenceHash);
    }

    /// @dev Emits the low-integrity signal and, for a platform rating, calls the penalty hook if one is set.
    function _signalLowIntegrity(TrustLedgerStorage storage $, Rating calldata rating, uint256 raterOrgId) private {
        Scores calldata s = rating.scores;
        emit LowIntegritySignalled(rating.orgId, rating.contributionId, msg.sender, raterOrgId, s.integrity, s.intent);
        IPenaltyHook hook = $.penaltyHook;
        if (raterOrgId == 0 && address(hook) != address(0)) {
            hook.onLowIntegrity(
                rating.orgId,
                rating.contributionId,
                msg.sender,
                s.integrity,
                s.intent,
                rating.evidenceHash
            );
        }
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
     * @dev Records `updated` as the organization's trust at this block and moves the total by
     * `updated - recorded` (`recorded` is the value the total currently counts for this organization).
     */
    function _write(TrustLedgerStorage storage $, uint256 orgId, uint256 recorded, uint256 updated) private {
        uint48 now_ = clock();
        $.history[orgId].push(now_, _pack(updated, now_));
        if (updated != recorded) {
            uint256 total = $.total.latest();
            // The total is the sum of the recorded values, so it holds `recorded` for this organization.
            $.total.push(now_, (total + updated - recorded).toUint208());
        }
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
        if (p.baseline > TrustMath.ONE) revert TrustLedgerParameterOutOfRange("baseline", p.baseline, TrustMath.ONE);
        if (p.recommendationDamping > MAX_DAMPING) {
            revert TrustLedgerParameterOutOfRange("recommendationDamping", p.recommendationDamping, MAX_DAMPING);
        }
        TrustLedgerStorage storage $ = _storage();
        $.parameters = p;
        $.decayParameters.push(clock(), _pack(p.baseline, p.halfLife));
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
        // Zero trust in a public community: whatever the formula says, trust must be earned from the cap up.
        if ($.communityType == CommunityType.Public && initial > p.publicInitialCap) initial = p.publicInitialCap;
    }

    /// @dev Low = 1/3, Medium = 2/3, High = 1.
    function _levelValue(Level level) private pure returns (uint256) {
        if (level == Level.None) revert TrustLedgerInvalidLevel();
        return (uint256(uint8(level)) * TrustMath.ONE) / 3;
    }

    function _score(TrustParameters memory p, Scores calldata s) private pure returns (uint256) {
        return
            (uint256(p.weightQuality) * s.quality +
                uint256(p.weightQuantity) * s.quantity +
                uint256(p.weightIntegrity) * s.integrity +
                uint256(p.weightIntent) * s.intent) / TrustMath.ONE;
    }

    /// @dev Current trust: decay since the last write, with the parameters in force now.
    function _current(TrustLedgerStorage storage $, uint256 orgId) private view returns (uint256) {
        (uint256 recorded, uint48 updatedAt) = _recorded($, orgId);
        return _decayed($, recorded, updatedAt);
    }

    /// @dev The recorded value (what the total counts for the organization) and the current, decayed one, from one
    /// read of the latest checkpoint.
    function _recordedAndCurrent(
        TrustLedgerStorage storage $,
        uint256 orgId
    ) private view returns (uint256 recorded, uint256 current) {
        uint48 updatedAt;
        (recorded, updatedAt) = _recorded($, orgId);
        current = _decayed($, recorded, updatedAt);
    }

    function _decayed(TrustLedgerStorage storage $, uint256 value, uint48 updatedAt) private view returns (uint256) {
        TrustParameters storage p = $.parameters;
        return TrustMath.decay(value, p.baseline, clock() - updatedAt, p.halfLife);
    }

    function _recorded(TrustLedgerStorage storage $, uint256 orgId) private view returns (uint256, uint48) {
        return _unpack($.history[orgId].latest());
    }

    function _checkPast(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert TrustLedgerFutureLookup(timepoint, now_);
        return uint48(timepoint);
    }

    /// @dev Packs a 64-bit value with a 48-bit clock value (or a half-life) above it.
    function _pack(uint256 value, uint48 updatedAt) private pure returns (uint208) {
        return uint208((uint256(updatedAt) << VALUE_BITS) | value);
    }

    function _unpack(uint208 packed) private pure returns (uint256 value, uint48 updatedAt) {
        value = uint256(packed) & VALUE_MASK;
        updatedAt = uint48(uint256(packed) >> VALUE_BITS);
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
