// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";

/**
 * @title ITrustLedger
 * @notice How much each organization of a Credence community is trusted, and how that changed over time.
 *
 * Trust is a fixed-point number in [0, 1] with 18 decimals (1e18 = full trust). It is initialized when an
 * organization is activated (from recommendations, legal enforceability, capability and country), moves with
 * every rated contribution by an asymmetric moving average (slow to gain, fast to lose), and decays towards a
 * baseline with a half-life while no rating arrives. Decay is computed lazily at read time: no transaction
 * ever loops over members.
 *
 * Time is the ERC-6372 clock of the ledger: block numbers. Checkpoints keep every organization's trust and the
 * community's total trust at every block where they changed, so `trustAt` and `totalTrustAt` answer for any
 * past block (penalty votes weigh trust at a snapshot block). The total's checkpoints are packed: the total stays
 * below 2^88 and is written only before block 2^40 (see {TrustLedgerTotalOutOfRange}, {TrustLedgerBlockOutOfRange}).
 */
interface ITrustLedger is IERC6372 {
    // ------------------------------------------------------------------ types

    /// @notice Public communities start from zero trust (capped initial trust); private ones use the formula.
    enum CommunityType {
        Private,
        Public
    }

    /// @notice An assessment grade. `None` is not a valid assessment.
    enum Level {
        None,
        Low,
        Medium,
        High
    }

    /// @notice Why a trust value changed; carried by {TrustChanged}.
    enum TrustChangeReason {
        Initialized,
        Rated,
        PeerRated,
        Decayed,
        Cleared,
        BondLocked,
        BondReleased,
        Liability
    }

    /**
     * @notice Every weight, rate and threshold of the trust model (all 18-decimal fractions unless noted).
     * Packed in four slots.
     * @param weightPreTrust Initial trust: weight of pre-trust (recommendations).
     * @param weightLegal Initial trust: weight of legal-contract enforceability.
     * @param weightCapability Initial trust: weight of capability.
     * @param weightIndirect Initial trust: weight of indirect (country) trust. The four weights sum to 1.
     * @param weightQuality Rating: weight of quality.
     * @param weightQuantity Rating: weight of quantity.
     * @param weightIntegrity Rating: weight of integrity.
     * @param weightIntent Rating: weight of intent. The four weights sum to 1.
     * @param gainRate Moving-average rate when a rating is above the current trust, in (0, lossRate].
     * @param lossRate Moving-average rate when a rating is below the current trust, in [gainRate, 1].
     * @param flagThreshold An integrity or intent score strictly under this raises the low-integrity signal.
     * @param publicInitialCap Public communities: the highest initial trust.
     * @param baseline Decay target: trust above it decays towards it, trust at or below it does not move.
     * @param halfLife Decay half-life in clock units (blocks), non-zero.
     * @param recommendationDamping Pre-trust damping `k` in `W / (W + k)`, where W is the recommenders' total trust
     * (a trust-weighted count of recommendations, so many low-trust recommenders do not lift it much). A count.
     * @param privateInitialCap Private communities: the highest initial trust. Below the baseline, it is the cost
     * of a new identity: a newcomer starts under what a member with a long record and nothing recent keeps, so an
     * expelled member gains nothing by rejoining under a new name (whitewashing).
     * @param probationRatings How many of an organization's contributions the platform must rate before ratings
     * can lift its trust above the community's initial cap (0: no probation), so that a new identity's first
     * good-looking work does not buy it the standing of a record (whitewashing). Losses apply in full meanwhile.
     * The last two are appended, so that they take the free bytes of the struct's last slot: the layout of 1.1
     * grows in place.
     */
    struct TrustParameters {
        uint64 weightPreTrust;
        uint64 weightLegal;
        uint64 weightCapability;
        uint64 weightIndirect;
        uint64 weightQuality;
        uint64 weightQuantity;
        uint64 weightIntegrity;
        uint64 weightIntent;
        uint64 gainRate;
        uint64 lossRate;
        uint64 flagThreshold;
        uint64 publicInitialCap;
        uint64 baseline;
        uint48 halfLife;
        uint32 recommendationDamping;
        uint64 privateInitialCap;
        uint16 probationRatings;
    }

    /// @notice The four rated dimensions of a contribution, each in [0, 1] (18 decimals).
    struct Scores {
        uint64 quality;
        uint64 quantity;
        uint64 integrity;
        uint64 intent;
    }

    /**
     * @notice A rating of one contribution.
     * @param orgId The organization whose contribution is rated.
     * @param contributionId The platform's identifier of the contribution (e.g. the hash of a report).
     * @param scores The four dimensions.
     * @param evidenceHash Hash of the off-chain evaluation, carried by the events.
     */
    struct Rating {
        uint256 orgId;
        bytes32 contributionId;
        Scores scores;
        bytes32 evidenceHash;
    }

    /// @notice The inputs of initial trust, supplied by the registry at activation.
    struct InitialTrustInputs {
        uint256 preTrust;
        Level legal;
        Level capability;
        uint256 indirect;
    }

    // ------------------------------------------------------------------ events

    /**
     * @notice Emitted on every change of an organization's trust.
     * @param oldValue The effective trust before the change (decay up to this block included).
     * @param newValue The trust after the change.
     * @param delta `newValue - oldValue`.
     */
    event TrustChanged(
        uint256 indexed orgId,
        uint256 oldValue,
        uint256 newValue,
        int256 delta,
        TrustChangeReason indexed reason,
        bytes32 evidenceHash
    );

    /**
     * @notice Emitted for each applied rating.
     * @param rater The account that submitted it.
     * @param raterOrgId The rater's organization; 0 for the platform (assessor).
     * @param scores The rater's own scores.
     * @param score The score trust moved towards, in [0, 1]: the weighted score of `scores`, for a peer held within
     * 0.20 of the platform's weighted score of the same contribution.
     * @param weight The weight applied: 1 for the platform; for a peer, its organization's trust divided by k for
     * the k-th peer rating of the contribution.
     */
    event ContributionRated(
        uint256 indexed orgId,
        bytes32 indexed contributionId,
        address indexed rater,
        uint256 raterOrgId,
        Scores scores,
        uint256 score,
        uint256 weight
    );

    /**
     * @notice The low-integrity signal: a rating's integrity or intent was under the flag threshold. For a
     * platform rating (`raterOrgId` 0) the penalty hook, when set, is called in the same transaction; a peer's
     * low rating is only signalled (peers open cases themselves, with a bond).
     */
    event LowIntegritySignalled(
        uint256 indexed orgId,
        bytes32 indexed contributionId,
        address indexed rater,
        uint256 raterOrgId,
        uint64 integrity,
        uint64 intent
    );

    /**
     * @notice A batch item that was not applied. `reason` is the selector of the custom error a single
     * {rate} call would have reverted with.
     */
    event RatingSkipped(uint256 indexed index, uint256 indexed orgId, bytes32 indexed contributionId, bytes4 reason);

    /// @notice The trust-model parameters changed.
    event TrustParametersUpdated(TrustParameters parameters);

    /// @notice The registry the ledger reads membership from changed.
    event RegistryUpdated(address indexed registry);

    /// @notice The penalty hook changed (zero: none).
    event PenaltyHookUpdated(address indexed hook);

    // ------------------------------------------------------------------ errors

    /// @notice A weight group (`"initialization"` or `"rating"`) does not sum to 1e18.
    error TrustLedgerWeightsDoNotSumToOne(string group, uint256 sum);

    /// @notice Rates must satisfy 0 < gainRate <= lossRate <= 1e18.
    error TrustLedgerRateOutOfRange(uint256 gainRate, uint256 lossRate);

    /// @notice The decay half-life is zero.
    error TrustLedgerZeroHalfLife();

    /// @notice A parameter is above its maximum.
    error TrustLedgerParameterOutOfRange(string name, uint256 value, uint256 max);

    /// @notice A rating dimension is above 1e18.
    error TrustLedgerScoreOutOfRange(uint256 value);

    /// @notice The rated organization is not Active.
    error TrustLedgerInactiveOrganization(uint256 orgId);

    /// @notice A peer rater's account is not a member account of an Active organization.
    error TrustLedgerNotActiveMember(address account);

    /// @notice A peer tried to rate its own organization.
    error TrustLedgerSelfRating(uint256 orgId);

    /// @notice This rater (`raterOrgId`, 0 for the platform) already rated this contribution.
    error TrustLedgerAlreadyRated(uint256 orgId, bytes32 contributionId, uint256 raterOrgId);

    /// @notice {adjustTrust} takes only BondLocked, BondReleased or Liability.
    error TrustLedgerInvalidReason(TrustChangeReason reason);

    /// @notice Trust of this organization was already initialized.
    error TrustLedgerAlreadyInitialized(uint256 orgId);

    /// @notice An assessment level is `None`.
    error TrustLedgerInvalidLevel();

    /// @notice A history lookup asked for the current or a future timepoint.
    error TrustLedgerFutureLookup(uint256 timepoint, uint48 clock);

    /// @notice An address argument is zero.
    error TrustLedgerZeroAddress();

    /// @notice The organization's trust was never initialized.
    error TrustLedgerNotInitialized(uint256 orgId);

    /**
     * @notice The total trust would exceed `max` (2^88 - 1, over 309 million organizations at full trust), the
     * width its checkpoints are packed in. Nothing is written.
     */
    error TrustLedgerTotalOutOfRange(uint256 total, uint256 max);

    /**
     * @notice The total trust cannot be checkpointed at a block above `max` (2^40 - 1, over 34,000 years of
     * 1-second blocks), the width its checkpoints are packed in. Nothing is written.
     */
    error TrustLedgerBlockOutOfRange(uint256 blockNumber, uint256 max);

    /// @notice Peers rate only contributions the platform has rated (that is how a contribution becomes known).
    error TrustLedgerUnknownContribution(uint256 orgId, bytes32 contributionId);

    // ------------------------------------------------------------------ governance

    /// @notice Replaces every trust-model parameter; reverts on an invalid set. Restricted to ADMIN.
    /// @param parameters The new parameters, validated as documented on {TrustParameters}.
    function setParameters(TrustParameters calldata parameters) external;

    /**
     * @notice Points the ledger at the entity registry it reads membership from, and the only caller of
     * {initializeTrust} and {clearTrust}. Restricted to ADMIN.
     * NOTE: the ledger keeps each organization's Active flag itself, set and cleared by those two calls; a new
     * registry must take over the old one's organizations (same ids and statuses), or start with the ledger.
     * @param registry The EntityRegistry proxy.
     */
    function setRegistry(address registry) external;

    /// @notice Sets the contract called on a low-integrity rating, and the only caller of {adjustTrust} (zero:
    /// none). Restricted to ADMIN.
    /// @param hook An {IPenaltyHook}.
    function setPenaltyHook(address hook) external;

    // ------------------------------------------------------------------ registry hooks

    /**
     * @notice Sets an activated organization's initial trust, marks it Active and adds it to the total. Only the
     * {registry} may call it (`AccessManagedUnauthorized` otherwise).
     * @param orgId The organization.
     * @param inputs Pre-trust, legal and capability grades, indirect trust.
     * @return initial The initial trust written.
     */
    function initializeTrust(uint256 orgId, InitialTrustInputs calldata inputs) external returns (uint256 initial);

    /**
     * @notice Sets an organization's trust to zero, marks it no longer Active and removes it from the total
     * (expulsion). Only the {registry} may call it (`AccessManagedUnauthorized` otherwise).
     * @param orgId The organization.
     * @param evidenceHash The reason, carried by {TrustChanged}.
     */
    function clearTrust(uint256 orgId, bytes32 evidenceHash) external;

    /**
     * @notice Moves an Active organization's trust by `delta` (clamped to [0, 1e18]) for a penalty-case reason:
     * a reporter's bond locked or released, a recommender's liability. Only the {penaltyHook} (the PenaltyCases
     * contract) may call it (`AccessManagedUnauthorized` otherwise).
     * @param orgId The organization (its trust must be initialized).
     * @param delta The change; negative to lower trust.
     * @param reason BondLocked, BondReleased or Liability.
     * @param evidenceHash Carried by {TrustChanged} (e.g. the case id).
     * @return applied The change actually applied after clamping (same sign as `delta`).
     */
    function adjustTrust(
        uint256 orgId,
        int256 delta,
        TrustChangeReason reason,
        bytes32 evidenceHash
    ) external returns (int256 applied);

    // ------------------------------------------------------------------ ratings

    /// @notice Applies one platform rating; reverts on a bad rating. Restricted to ASSESSOR.
    /// @param rating The rating.
    function rate(Rating calldata rating) external;

    /**
     * @notice Applies many platform ratings in one transaction. Restricted to ASSESSOR.
     * A bad item does not reject the batch: it is skipped and reported by {RatingSkipped} with the selector
     * of the error {rate} would have raised, and the rest are applied.
     * WARNING: a penalty hook that reverts on a low-integrity item rejects the whole batch, because a flagged
     * rating is never applied without its flag (see {IPenaltyHook}).
     * @param ratings The ratings, applied in order.
     * @return applied How many were applied.
     */
    function rateBatch(Rating[] calldata ratings) external returns (uint256 applied);

    /**
     * @notice A peer rating by a member account of another Active organization. Its step is scaled by the
     * rater organization's trust. One rating per rater organization per contribution, and only of a contribution
     * the platform has rated (so peers cannot invent contributions to rate).
     * @param rating The rating.
     */
    function peerRate(Rating calldata rating) external;

    /// @notice Writes an organization's pending decay to its history (anyone may call; changes nothing else).
    /// @param orgId The organization.
    function applyDecay(uint256 orgId) external;

    // ------------------------------------------------------------------ views

    /// @notice Current trust, decay included.
    function trustOf(uint256 orgId) external view returns (uint256);

    /**
     * @notice Trust at a past timepoint (strictly before `clock()`), decay included. Decay is computed with the
     * baseline and half-life in force at `timepoint`, so a later parameter change never rewrites history.
     * NOTE: the whole stretch since the organization's last write is decayed with those parameters (not piece by
     * piece), so the value can step at the block of a parameter change, as {trustOf} does.
     */
    function trustAt(uint256 orgId, uint256 timepoint) external view returns (uint256);

    /**
     * @notice The total of the organizations' recorded trust (as last written), now.
     * NOTE: pending decay is not subtracted until written (by a rating or {applyDecay}), so the sum of
     * {trustOf} over Active organizations is at most this value, and equal to it when no decay is pending.
     */
    function totalTrust() external view returns (uint256);

    /// @notice {totalTrust} at a past timepoint (strictly before `clock()`).
    function totalTrustAt(uint256 timepoint) external view returns (uint256);

    /// @notice The recorded (undecayed) trust and the timepoint it was written at.
    function recordedTrustOf(uint256 orgId) external view returns (uint256 value, uint48 updatedAt);

    /**
     * @notice How many of the organization's contributions the platform has rated (counted up to 2^32 - 1), and
     * whether it is still on probation: fewer than `probationRatings` of them, so that no rating lifts its trust
     * above the community's initial cap yet.
     */
    function ratedContributionsOf(uint256 orgId) external view returns (uint256 count, bool onProbation);

    /// @notice Whether the rater (`raterOrgId`, 0 for the platform) rated this contribution of `orgId`.
    function hasRated(uint256 orgId, bytes32 contributionId, uint256 raterOrgId) external view returns (bool);

    /// @notice The current trust-model parameters.
    function parameters() external view returns (TrustParameters memory);

    /// @notice Public or private, fixed at deployment.
    function communityType() external view returns (CommunityType);

    /// @notice The entity registry the ledger reads membership from.
    function registry() external view returns (address);

    /// @notice The penalty hook (zero: none).
    function penaltyHook() external view returns (address);

    /// @notice Pre-trust from recommendation aggregates under the current parameters (see TrustMath.preTrust).
    /// @param weightedScoreSum Sum over recommendations of `weight * score / 1e18`.
    /// @param weightSum Sum of the recommenders' weights.
    function computePreTrust(uint256 weightedScoreSum, uint256 weightSum) external view returns (uint256);

    /// @notice Initial trust from its inputs under the current parameters and community type.
    function computeInitialTrust(InitialTrustInputs calldata inputs) external view returns (uint256);

    /// @notice The weighted score of a rating's four dimensions under the current parameters.
    function scoreOf(Scores calldata scores) external view returns (uint256);

    /// @notice The implementation's version.
    function version() external pure returns (string memory);
}
