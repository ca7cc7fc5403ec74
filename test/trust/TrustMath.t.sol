// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Test} from "forge-std/Test.sol";

import {TrustMath} from "../../contracts/trust/TrustMath.sol";

/// @notice Fuzz and unit tests of the trust model's pure fixed-point arithmetic (TrustMath is internal and pure,
/// so the tests call it directly).
contract TrustMathTest is Test {
    uint256 internal constant ONE = 1e18;

    /// @dev Half-lives as the ledger stores them (uint48, non-zero).
    uint256 internal constant MAX_HALF_LIFE = type(uint48).max;

    /// @dev Elapsed clock units as the ledger computes them (a difference of uint48 block numbers).
    uint256 internal constant MAX_ELAPSED = type(uint48).max;

    // ------------------------------------------------------------------ decayFactor

    function test_decayFactor_zeroElapsedIsOne() public pure {
        assertEq(TrustMath.decayFactor(0, 1), ONE);
        assertEq(TrustMath.decayFactor(0, 1_296_000), ONE);
    }

    function test_decayFactor_halfLife() public pure {
        assertEq(TrustMath.decayFactor(1_296_000, 1_296_000), ONE / 2);
        assertEq(TrustMath.decayFactor(2 * 1_296_000, 1_296_000), ONE / 4);
    }

    function test_decayFactor_halfOfHalfLifeIsInverseSquareRootOfTwo() public pure {
        // 2^(-1/2) = sqrt(1/2), computed independently of the library's constant.
        uint256 expected = Math.sqrt((ONE * ONE) / 2);
        assertEq(expected, 707106781186547524);
        assertEq(TrustMath.decayFactor(648_000, 1_296_000), expected);
    }

    function test_decayFactor_quarterOfHalfLifeIsFourthRootOfHalf() public pure {
        // 2^(-1/4) = sqrt(sqrt(1/2)).
        uint256 expected = Math.sqrt(Math.sqrt((ONE * ONE) / 2) * ONE);
        assertApproxEqAbs(TrustMath.decayFactor(324_000, 1_296_000), expected, 1);
    }

    function test_decayFactor_threeQuartersOfHalfLife() public pure {
        // 2^(-3/4) = 2^(-1/2) * 2^(-1/4), both square roots computed independently.
        uint256 expected = Math.mulDiv(Math.sqrt((ONE * ONE) / 2), Math.sqrt(Math.sqrt((ONE * ONE) / 2) * ONE), ONE);
        assertApproxEqAbs(TrustMath.decayFactor(972_000, 1_296_000), expected, 2);
    }

    function test_decayFactor_zeroAfterSixtyFourHalfLives() public pure {
        assertEq(TrustMath.decayFactor(63 * 1_296_000, 1_296_000), ONE >> 63);
        assertEq(TrustMath.decayFactor(64 * 1_296_000, 1_296_000), 0);
    }

    function testFuzz_decayFactor_atMostOne(uint256 elapsed, uint256 halfLife) public pure {
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 0, MAX_ELAPSED);
        assertLe(TrustMath.decayFactor(elapsed, halfLife), ONE);
    }

    function testFuzz_decayFactor_nonIncreasing(uint256 e1, uint256 e2, uint256 halfLife) public pure {
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        e2 = bound(e2, 0, MAX_ELAPSED);
        e1 = bound(e1, 0, e2);
        assertGe(TrustMath.decayFactor(e1, halfLife), TrustMath.decayFactor(e2, halfLife));
    }

    function testFuzz_decayFactor_nonIncreasingByOneUnit(uint256 elapsed, uint256 halfLife) public pure {
        // Neighbouring clock values, where rounding would show first.
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 0, MAX_ELAPSED - 1);
        assertGe(TrustMath.decayFactor(elapsed, halfLife), TrustMath.decayFactor(elapsed + 1, halfLife));
    }

    function testFuzz_decayFactor_exactHalvings(uint256 halvings, uint256 halfLife) public pure {
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        halvings = bound(halvings, 0, 63);
        assertEq(TrustMath.decayFactor(halvings * halfLife, halfLife), ONE >> halvings);
    }

    function testFuzz_decayFactor_zeroAfterSixtyFourHalfLives(uint256 elapsed, uint256 halfLife) public pure {
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 64 * halfLife, type(uint128).max);
        assertEq(TrustMath.decayFactor(elapsed, halfLife), 0);
    }

    function testFuzz_decayFactor_multiplicative(uint256 e1, uint256 e2, uint256 halfLife) public pure {
        // 2^-(a+b) = 2^-a * 2^-b, up to the 2^-20 quantization of each fraction (relative error < 3e-6) while the
        // factor stays far above the 1-wei rounding of the shifts (at most 16 half-lives in total).
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        e1 = bound(e1, 0, 8 * halfLife);
        e2 = bound(e2, 0, 8 * halfLife);
        uint256 product = Math.mulDiv(TrustMath.decayFactor(e1, halfLife), TrustMath.decayFactor(e2, halfLife), ONE);
        assertApproxEqRel(TrustMath.decayFactor(e1 + e2, halfLife), product, 3e12);
    }

    // ------------------------------------------------------------------ decay

    function test_decay_halvesTheExcessOverTheBaseline() public pure {
        assertEq(TrustMath.decay(1e18, 0.5e18, 1_296_000, 1_296_000), 0.75e18);
        assertEq(TrustMath.decay(0.9e18, 0.5e18, 2 * 1_296_000, 1_296_000), 0.6e18);
    }

    function test_decay_zeroElapsedIsUnchanged() public pure {
        assertEq(TrustMath.decay(0.9e18, 0.5e18, 0, 1_296_000), 0.9e18);
    }

    function testFuzz_decay_neverRisesAboveStart(
        uint256 value,
        uint256 baseline,
        uint256 elapsed,
        uint256 halfLife
    ) public pure {
        value = bound(value, 0, ONE);
        baseline = bound(baseline, 0, ONE);
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 0, MAX_ELAPSED);
        assertLe(TrustMath.decay(value, baseline, elapsed, halfLife), value);
    }

    function testFuzz_decay_neverBelowBaselineFromAbove(
        uint256 value,
        uint256 baseline,
        uint256 elapsed,
        uint256 halfLife
    ) public pure {
        baseline = bound(baseline, 0, ONE - 1);
        value = bound(value, baseline + 1, ONE);
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 0, MAX_ELAPSED);
        assertGe(TrustMath.decay(value, baseline, elapsed, halfLife), baseline);
    }

    function testFuzz_decay_unchangedAtOrBelowBaseline(
        uint256 value,
        uint256 baseline,
        uint256 elapsed,
        uint256 halfLife
    ) public pure {
        baseline = bound(baseline, 0, ONE);
        value = bound(value, 0, baseline);
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 0, MAX_ELAPSED);
        assertEq(TrustMath.decay(value, baseline, elapsed, halfLife), value);
    }

    function testFuzz_decay_matchesFactorOfTheExcess(
        uint256 value,
        uint256 baseline,
        uint256 elapsed,
        uint256 halfLife
    ) public pure {
        baseline = bound(baseline, 0, ONE - 1);
        value = bound(value, baseline + 1, ONE);
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 1, MAX_ELAPSED);
        uint256 expected = baseline + ((value - baseline) * TrustMath.decayFactor(elapsed, halfLife)) / ONE;
        assertEq(TrustMath.decay(value, baseline, elapsed, halfLife), expected);
    }

    function testFuzz_decay_nonIncreasingInElapsed(
        uint256 value,
        uint256 baseline,
        uint256 e1,
        uint256 e2,
        uint256 halfLife
    ) public pure {
        value = bound(value, 0, ONE);
        baseline = bound(baseline, 0, ONE);
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        e2 = bound(e2, 0, MAX_ELAPSED);
        e1 = bound(e1, 0, e2);
        assertGe(TrustMath.decay(value, baseline, e1, halfLife), TrustMath.decay(value, baseline, e2, halfLife));
    }

    /// @dev Plain arithmetic replaced Math.mulDiv in decay: the same result to the wei for values up to 2^196.
    function testFuzz_decay_equalsMulDiv(
        uint256 value,
        uint256 baseline,
        uint256 elapsed,
        uint256 halfLife,
        bool wide
    ) public pure {
        value = bound(value, 0, wide ? (1 << 196) - 1 : ONE);
        baseline = bound(baseline, 0, value);
        halfLife = bound(halfLife, 1, MAX_HALF_LIFE);
        elapsed = bound(elapsed, 1, MAX_ELAPSED);
        uint256 expected =
            value <= baseline
                ? value
                : baseline + Math.mulDiv(value - baseline, TrustMath.decayFactor(elapsed, halfLife), ONE);
        assertEq(TrustMath.decay(value, baseline, elapsed, halfLife), expected);
    }

    // ------------------------------------------------------------------ evolve

    function test_evolve_gainsSlowly() public pure {
        // 0.5 + 0.1 * (1 - 0.5) = 0.55
        assertEq(TrustMath.evolve(0.5e18, ONE, 0.1e18, 0.3e18, ONE), 0.55e18);
    }

    function test_evolve_losesFast() public pure {
        // 0.5 - 0.3 * (0.5 - 0) = 0.35
        assertEq(TrustMath.evolve(0.5e18, 0, 0.1e18, 0.3e18, ONE), 0.35e18);
    }

    function test_evolve_peerWeightScalesTheStep() public pure {
        // 0.5 + 0.1 * 0.5 * (1 - 0.5) = 0.525
        assertEq(TrustMath.evolve(0.5e18, ONE, 0.1e18, 0.3e18, 0.5e18), 0.525e18);
    }

    function test_evolve_zeroWeightChangesNothing() public pure {
        assertEq(TrustMath.evolve(0.5e18, ONE, 0.1e18, 0.3e18, 0), 0.5e18);
        assertEq(TrustMath.evolve(0.5e18, 0, 0.1e18, 0.3e18, 0), 0.5e18);
    }

    /// @dev Plain arithmetic replaced Math.mulDiv in evolve: the same result to the wei for every input in range
    /// (trust, score, rates and weight at most ONE), and further, up to 2^85 each.
    function testFuzz_evolve_equalsMulDiv(
        uint256 trust,
        uint256 score,
        uint256 gainRate,
        uint256 lossRate,
        uint256 weight,
        bool wide
    ) public pure {
        uint256 max = wide ? (1 << 85) - 1 : ONE;
        trust = bound(trust, 0, max);
        score = bound(score, 0, max);
        gainRate = bound(gainRate, 0, max);
        lossRate = bound(lossRate, 0, max);
        weight = bound(weight, 0, max);
        if (score >= trust) {
            uint256 gain = Math.mulDiv(score - trust, gainRate * weight, ONE * ONE);
            assertEq(TrustMath.evolve(trust, score, gainRate, lossRate, weight), trust + gain);
        } else {
            uint256 loss = Math.mulDiv(trust - score, lossRate * weight, ONE * ONE);
            // With rates or weight above ONE the loss can exceed the trust: both forms underflow alike then.
            vm.assume(loss <= trust);
            assertEq(TrustMath.evolve(trust, score, gainRate, lossRate, weight), trust - loss);
        }
    }

    function testFuzz_evolve_staysInRange(
        uint256 trust,
        uint256 score,
        uint256 gainRate,
        uint256 lossRate,
        uint256 weight
    ) public pure {
        trust = bound(trust, 0, ONE);
        score = bound(score, 0, ONE);
        (gainRate, lossRate) = _rates(gainRate, lossRate);
        weight = bound(weight, 0, ONE);

        uint256 updated = TrustMath.evolve(trust, score, gainRate, lossRate, weight);
        assertLe(updated, ONE);
        assertGe(updated, Math.min(trust, score));
        assertLe(updated, Math.max(trust, score));
    }

    function testFuzz_evolve_betterRatingNeverLower(
        uint256 trust,
        uint256 s1,
        uint256 s2,
        uint256 gainRate,
        uint256 lossRate,
        uint256 weight
    ) public pure {
        trust = bound(trust, 0, ONE);
        s2 = bound(s2, 0, ONE);
        s1 = bound(s1, 0, s2);
        (gainRate, lossRate) = _rates(gainRate, lossRate);
        weight = bound(weight, 0, ONE);

        assertLe(
            TrustMath.evolve(trust, s1, gainRate, lossRate, weight),
            TrustMath.evolve(trust, s2, gainRate, lossRate, weight)
        );
    }

    function testFuzz_evolve_lossesAtLeastAsLargeAsGains(
        uint256 trust,
        uint256 distance,
        uint256 gainRate,
        uint256 lossRate,
        uint256 weight
    ) public pure {
        // A score `distance` below the trust costs at least what a score `distance` above it earns.
        trust = bound(trust, 0, ONE);
        distance = bound(distance, 0, Math.min(trust, ONE - trust));
        (gainRate, lossRate) = _rates(gainRate, lossRate);
        weight = bound(weight, 0, ONE);

        uint256 gain = TrustMath.evolve(trust, trust + distance, gainRate, lossRate, weight) - trust;
        uint256 loss = trust - TrustMath.evolve(trust, trust - distance, gainRate, lossRate, weight);
        assertGe(loss, gain);
    }

    // ------------------------------------------------------------------ preTrust

    function test_preTrust_dampedMean() public pure {
        // Two recommenders at trust 0.6 and 0.4 scoring 0.8 and 0.3: weighted sum 0.48 + 0.12 = 0.6 over W = 1.0,
        // so the mean is 0.6, damped by W / (W + k) = 1 / (1 + 2): 0.2.
        assertEq(TrustMath.preTrust(0.6e18, 1e18, 2), 0.2e18);
    }

    function test_preTrust_zeroWithoutWeight() public pure {
        assertEq(TrustMath.preTrust(0, 0, 2), 0);
        assertEq(TrustMath.preTrust(0, 0, 0), 0);
        // Recommenders that all had zero trust carry no weight, whatever the damping.
        assertEq(TrustMath.preTrust(0.5e18, 0, 0), 0);
    }

    function test_preTrust_noDampingIsTheMean() public pure {
        assertEq(TrustMath.preTrust(0.45e18, 0.9e18, 0), 0.5e18);
    }

    function test_preTrust_dampsByTotalTrustNotCount() public pure {
        // One full-trust recommender scoring 1, and ten recommenders at trust 0.1 scoring 1, have the same
        // W = 1 and the same weighted sum: both give 1 / (1 + 2), however many recommendations there were.
        uint256 one = TrustMath.preTrust(ONE, ONE, 2);
        assertEq(one, ONE / 3);
        uint256 weightedScoreSum;
        uint256 weightSum;
        for (uint256 i = 0; i < 10; ++i) {
            weightSum += 0.1e18;
            weightedScoreSum += (0.1e18 * ONE) / ONE;
        }
        assertEq(TrustMath.preTrust(weightedScoreSum, weightSum, 2), one);
        // Ten full-trust recommenders give 10 / 12.
        assertEq(TrustMath.preTrust(10 * ONE, 10 * ONE, 2), (10 * ONE) / 12);
    }

    function testFuzz_preTrust_inRange(
        uint64[8] memory weights,
        uint64[8] memory scores,
        uint256 count,
        uint256 damping
    ) public pure {
        // Aggregates built the way EntityRegistry.recommend accumulates them, each score in [0, 1].
        count = bound(count, 0, 8);
        damping = bound(damping, 0, 1000);
        uint256 weightSum;
        uint256 weightedScoreSum;
        uint256 highest;
        for (uint256 i = 0; i < count; ++i) {
            uint256 weight = bound(weights[i], 0, ONE);
            uint256 score = bound(scores[i], 0, ONE);
            weightSum += weight;
            weightedScoreSum += (weight * score) / ONE;
            if (weight != 0 && score > highest) highest = score;
        }

        uint256 result = TrustMath.preTrust(weightedScoreSum, weightSum, damping);
        assertLe(result, ONE);
        // Never more than the best score of a recommender that carried weight (zero when none did).
        assertLe(result, highest);
    }

    function testFuzz_preTrust_monotoneInWeightSum(
        uint256 baseWeight,
        uint256 baseScoreSum,
        uint256 m1,
        uint256 m2,
        uint256 damping
    ) public pure {
        // The same mean exactly: (m * S0) / (m * W0) for two multipliers m1 <= m2, which covers every pair of
        // aggregates with equal means (both reduce to the same S0 / W0). Then S2 / (W2 + k) >= S1 / (W1 + k)
        // because S2 * W1 == S1 * W2 and S2 >= S1, and the rounding down keeps the order. (A mean rounded to the
        // wei, as mulDiv(W, mean, 1e18) would give, is not the same mean: the floor can dip by a wei.)
        baseWeight = bound(baseWeight, 1, 64 * ONE);
        baseScoreSum = bound(baseScoreSum, 0, baseWeight);
        m2 = bound(m2, 1, (64 * ONE) / baseWeight);
        m1 = bound(m1, 1, m2);
        damping = bound(damping, 0, 1000);

        assertLe(
            TrustMath.preTrust(m1 * baseScoreSum, m1 * baseWeight, damping),
            TrustMath.preTrust(m2 * baseScoreSum, m2 * baseWeight, damping)
        );
    }

    function testFuzz_preTrust_monotoneInMean(
        uint256 weightSum,
        uint256 mean1,
        uint256 mean2,
        uint256 damping
    ) public pure {
        weightSum = bound(weightSum, 1, 64 * ONE);
        mean2 = bound(mean2, 0, ONE);
        mean1 = bound(mean1, 0, mean2);
        damping = bound(damping, 0, 1000);

        assertLe(
            TrustMath.preTrust(Math.mulDiv(weightSum, mean1, ONE), weightSum, damping),
            TrustMath.preTrust(Math.mulDiv(weightSum, mean2, ONE), weightSum, damping)
        );
    }

    function testFuzz_preTrust_oneRecommenderMovesItAtMostItsShare(
        uint256 weightSum,
        uint256 weightedScoreSum,
        uint256 weight,
        uint256 score,
        uint256 damping
    ) public pure {
        // Existing aggregates (S, W) with S <= W (scores in [0, 1]), and one more recommender of trust w scoring s,
        // added the way EntityRegistry.recommend adds it: S' = S + floor(w * s / 1e18), W' = W + w.
        weightSum = bound(weightSum, 0, 64 * ONE);
        weightedScoreSum = bound(weightedScoreSum, 0, weightSum);
        weight = bound(weight, 0, ONE);
        score = bound(score, 0, ONE);
        damping = bound(damping, 0, 1000);
        uint256 k = damping * ONE;

        uint256 before = TrustMath.preTrust(weightedScoreSum, weightSum, damping);
        uint256 added = (weight * score) / ONE;
        uint256 afterwards = TrustMath.preTrust(weightedScoreSum + added, weightSum + weight, damping);

        // The bound, in exact arithmetic (everything in wei, K = k * 1e18, P = S * 1e18 / (W + K)):
        //   P' - P = (S + a) * 1e18 / (W + w + K) - S * 1e18 / (W + K) = w / (W + w + K) * (s' - P),
        // where a = floor(w * s / 1e18) and s' = a * 1e18 / w is the new score as the sum records it (0 <= s' <= s).
        // Both s' and P are in [0, 1e18] (P because S <= W), so |P' - P| <= w * 1e18 / (W + w + K): a recommender
        // moves pre-trust by at most its share w / (W + w + k) of the new total, little when its trust is low.
        // (With W = 0, P = 0 by definition and the identity holds with S = 0.) The contract returns floor(P) and
        // floor(P'); two floors of reals at most B apart differ by an integer below B + 1, so by at most ceil(B):
        // the exact bound asserted is ceil(w * 1e18 / (W + w + K)), reached up to rounding by s = 1 over P = 0.
        uint256 denominator = weightSum + weight + k;
        // A zero denominator means no weight at all and no damping: pre-trust is zero before and after.
        uint256 limit = denominator == 0 ? 0 : Math.mulDiv(weight, ONE, denominator, Math.Rounding.Ceil);
        uint256 change = afterwards > before ? afterwards - before : before - afterwards;
        assertLe(change, limit);
    }

    function testFuzz_preTrust_firstRecommenderReachesTheBound(uint256 weight, uint256 damping) public pure {
        // With no earlier weight (P = 0), one recommender of trust w scoring 1 moves pre-trust by w / (w + k) up to
        // the final rounding: the bound asserted above is tight, not just true.
        weight = bound(weight, 1, ONE);
        damping = bound(damping, 0, 1000);
        uint256 limit = Math.mulDiv(weight, ONE, weight + damping * ONE, Math.Rounding.Ceil);
        uint256 afterwards = TrustMath.preTrust(weight, weight, damping);
        assertLe(afterwards, limit);
        assertGe(afterwards + 1, limit);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Rates the ledger accepts: 0 < gainRate <= lossRate <= 1e18.
    function _rates(uint256 gainSeed, uint256 lossSeed) private pure returns (uint256 gainRate, uint256 lossRate) {
        gainRate = bound(gainSeed, 1, ONE);
        lossRate = bound(lossSeed, gainRate, ONE);
    }
}
