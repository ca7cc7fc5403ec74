/**
 * The statistics of the benchmarks (scripts/bench/stats.ts): nearest-rank percentiles, summaries, rates.
 */
import { expect } from "chai";

import { median, percentile, perSecond, round, summarize } from "../../scripts/bench/stats.js";

/** 1, 2, …, n in a scrambled order, so that sorting is exercised. */
const scrambled = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1);

describe("bench stats", function () {
  describe("percentile", function () {
    it("takes the nearest rank: the smallest sample with at least p % of the samples at or below it", function () {
      const samples = scrambled(20);
      expect(percentile(samples, 95)).to.equal(19);
      expect(percentile(samples, 50)).to.equal(10);
      expect(percentile(samples, 5)).to.equal(1);
      expect(percentile(samples, 5.01)).to.equal(2);
      expect(percentile(samples, 100)).to.equal(20);
    });

    it("returns a sample, never an interpolation between two", function () {
      const samples = [0.25, 1.5, 0.75, 3];
      for (const p of [1, 10, 25, 26, 50, 51, 75, 90, 99, 100]) expect(samples).to.include(percentile(samples, p));
      expect(percentile(samples, 60)).to.equal(1.5);
    });

    it("is not pushed one rank high by floating-point error", function () {
      // (100 / 11) * 11 / 100 is 1.0000000000000002 in floating point: still the first sample, not the second.
      expect(percentile(scrambled(11), 100 / 11)).to.equal(1);
      expect(percentile(scrambled(22), (2 * 100) / 22)).to.equal(2);
    });

    it("does not reorder the caller's array", function () {
      const samples = [3, 1, 2];
      percentile(samples, 50);
      expect(samples).to.deep.equal([3, 1, 2]);
    });

    it("gives the only sample of a single-sample list at any p", function () {
      for (const p of [0.1, 50, 95, 100]) expect(percentile([0.7], p)).to.equal(0.7);
    });

    describe("reverts", function () {
      it("when there are no samples", function () {
        expect(() => percentile([], 50)).to.throw("percentile of no samples");
      });

      it("when p is outside (0, 100]", function () {
        for (const p of [0, -1, 100.5, Number.NaN]) expect(() => percentile([1], p)).to.throw("must be in (0, 100]");
      });

      it("when a sample is not finite", function () {
        expect(() => percentile([1, Number.NaN], 50)).to.throw("non-finite");
        expect(() => percentile([1, Number.POSITIVE_INFINITY], 50)).to.throw("non-finite");
      });
    });
  });

  describe("median", function () {
    it("is the middle value of an odd count and the lower middle value of an even count", function () {
      expect(median([5, 1, 3])).to.equal(3);
      expect(median([4, 1, 3, 2])).to.equal(2);
    });
  });

  describe("summarize", function () {
    it("reports count, min, p50, p95, max and mean", function () {
      expect(summarize(scrambled(20))).to.deep.equal({ samples: 20, min: 1, p50: 10, p95: 19, max: 20, mean: 10.5 });
    });

    it("refuses an empty list", function () {
      expect(() => summarize([])).to.throw("percentile of no samples");
    });
  });

  describe("perSecond", function () {
    it("divides a count by a duration", function () {
      expect(perSecond(1000, 0.5)).to.equal(2000);
    });

    it("refuses a duration that is not positive", function () {
      expect(() => perSecond(10, 0)).to.throw("positive duration");
      expect(() => perSecond(10, -1)).to.throw("positive duration");
    });
  });

  describe("round", function () {
    it("rounds to the given decimals (3 by default)", function () {
      expect(round(1.23456)).to.equal(1.235);
      expect(round(1.23456, 1)).to.equal(1.2);
      expect(round(2_000.04, 0)).to.equal(2_000);
    });
  });
});
