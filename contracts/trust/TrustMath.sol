// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/**
 * @title TrustMath
 * @notice The deterministic fixed-point arithmetic of the trust model. Trust and every score are numbers in
 * [0, 1] with 18 decimals (`ONE` = 1e18 = full trust). All functions are pure so that anyone can recompute a
 * trust value from the ledger's events and parameters and get the same result to the wei.
 */
library TrustMath {
    /// @dev 1.0 in the 18-decimal fixed-point scale.
    uint256 internal constant ONE = 1e18;

    /// @dev Fraction bits used for the fractional part of `elapsed / halfLife` in {decayFactor}.
    uint256 private constant FRACTION_BITS = 20;

    /// @dev After 64 half-lives the factor is below 1e18 / 2^64 < 0.06 wei: treat it as zero.
    uint256 private constant MAX_HALVINGS = 64;

    /**
     * @notice The decay factor `2^(-elapsed / halfLife)` in 18 decimals.
     * @dev Whole half-lives are a right shift; the fractional part is quantized to 2^-20 of a half-life and
     * multiplied out from the constants 2^(-2^-k), k = 1..20. The factor is non-increasing in `elapsed` and
     * never above ONE. `halfLife` must be non-zero (the ledger validates it).
     */
    function decayFactor(uint256 elapsed, uint256 halfLife) internal pure returns (uint256 factor) {
        uint256 halvings = elapsed / halfLife;
        if (halvings >= MAX_HALVINGS) return 0;
        // Below 2^20 because (elapsed % halfLife) < halfLife.
        uint256 fraction = ((elapsed % halfLife) << FRACTION_BITS) / halfLife;
        factor = ONE;
        if (fraction & (1 << 19) != 0) factor = (factor * 707106781186547524) / ONE; // 2^(-1/2)
        if (fraction & (1 << 18) != 0) factor = (factor * 840896415253714543) / ONE; // 2^(-1/4)
        if (fraction & (1 << 17) != 0) factor = (factor * 917004043204671231) / ONE; // 2^(-1/8)
        if (fraction & (1 << 16) != 0) factor = (factor * 957603280698573646) / ONE;
        if (fraction & (1 << 15) != 0) factor = (factor * 978572062087700134) / ONE;
        if (fraction & (1 << 14) != 0) factor = (factor * 989228013193975484) / ONE;
        if (fraction & (1 << 13) != 0) factor = (factor * 994599423483633175) / ONE;
        if (fraction & (1 << 12) != 0) factor = (factor * 997296056085470126) / ONE;
        if (fraction & (1 << 11) != 0) factor = (factor * 998647112890970173) / ONE;
        if (fraction & (1 << 10) != 0) factor = (factor * 999323327502650752) / ONE;
        if (fraction & (1 << 9) != 0) factor = (factor * 999661606496243683) / ONE;
        if (fraction & (1 << 8) != 0) factor = (factor * 999830788931929063) / ONE;
        if (fraction & (1 << 7) != 0) factor = (factor * 999915390886613497) / ONE;
        if (fraction & (1 << 6) != 0) factor = (factor * 999957694548431132) / ONE;
        if (fraction & (1 << 5) != 0) factor = (factor * 999978847050491929) / ONE;
        if (fraction & (1 << 4) != 0) factor = (factor * 999989423469314464) / ONE;
        if (fraction & (1 << 3) != 0) factor = (factor * 999994711720674283) / ONE;
        if (fraction & (1 << 2) != 0) factor = (factor * 999997355856841394) / ONE;
        if (fraction & (1 << 1) != 0) factor = (factor * 999998677927546759) / ONE;
        if (fraction & 1 != 0) factor = (factor * 999999338963554895) / ONE; // 2^(-2^-20)
        factor >>= halvings;
    }

    /**
     * @notice Trust after `elapsed` clock units without ratings: the part above `baseline` halves every
     * `halfLife`; trust at or below the baseline does not move (idleness never raises trust).
     */
    function decay(uint256 value, uint256 baseline, uint256 elapsed, uint256 halfLife) internal pure returns (uint256) {
        if (value <= baseline || elapsed == 0) return value;
        // The factor is at most ONE < 2^60, so for any value below 2^196 the product cannot overflow and plain
        // arithmetic rounds exactly as Math.mulDiv does (the ledger's values are at most ONE).
        return baseline + ((value - baseline) * decayFactor(elapsed, halfLife)) / ONE;
    }

    /**
     * @notice One step of the asymmetric moving average: `T + rate * weight * (score - T)`, where the rate is
     * `gainRate` when the score is above the trust and `lossRate` (larger) when it is below.
     * @param weight The rater's weight in [0, ONE]: ONE for the platform, the rater's trust for a peer.
     * Trust, score, rates and weight are at most ONE (< 2^60) in the ledger, so the triple products stay below 2^180
     * and plain arithmetic rounds exactly as Math.mulDiv does; inputs must stay below 2^85 each.
     */
    function evolve(
        uint256 trust,
        uint256 score,
        uint256 gainRate,
        uint256 lossRate,
        uint256 weight
    ) internal pure returns (uint256) {
        if (score >= trust) {
            return trust + ((score - trust) * gainRate * weight) / (ONE * ONE);
        }
        // Rounds the loss down: trust never drops below the score it moves towards.
        return trust - ((trust - score) * lossRate * weight) / (ONE * ONE);
    }

    /**
     * @notice Pre-trust from recommendations: the recommenders'-trust-weighted mean score, damped by the
     * recommenders' total trust W as `W / (W + damping)`. W is a trust-weighted count, so more recommendations
     * from more trusted members give a higher pre-trust while many low-trust recommenders add little.
     * Zero without recommendations (or when every recommender had zero trust).
     * @param weightedScoreSum Sum over recommendations of `weight * score / ONE`.
     * @param weightSum W: the sum of the recommenders' weights (their trust when they recommended).
     * @param damping The damping constant `k`, a count of full-trust recommendations.
     */
    function preTrust(uint256 weightedScoreSum, uint256 weightSum, uint256 damping) internal pure returns (uint256) {
        if (weightSum == 0) return 0;
        // mean * W / (W + k) == weightedScoreSum / (W + k) in fixed point: the mean's division cancels out.
        return Math.mulDiv(weightedScoreSum, ONE, weightSum + damping * ONE);
    }
}
