/**
 * The simulator's seeded RNG (scripts/sim/rng.ts) and baseline reputation models (scripts/sim/models/), checked
 * against values worked out by hand from the models' definitions.
 */
import { expect } from "chai";

import { expectNear, expectTrue } from "./support.js";

import { AVERAGE_PRIOR, runAverage } from "../../../scripts/sim/models/average.js";
import { runBeta } from "../../../scripts/sim/models/beta.js";
import { runEigenTrust } from "../../../scripts/sim/models/eigentrust.js";
import { BASELINES, runModel } from "../../../scripts/sim/models/index.js";
import { runNone } from "../../../scripts/sim/models/none.js";
import { createRng } from "../../../scripts/sim/rng.js";
import type { ModelName, SimMember, SimRating, SimTrace } from "../../../scripts/sim/types.js";

// ------------------------------------------------------------------ trace builders

function member(index: number, patch: Partial<SimMember> = {}): SimMember {
  return {
    index,
    orgId: index + 1,
    behaviour: "honest",
    malicious: false,
    founder: false,
    joinedRound: 0,
    ...patch,
  };
}

function rating(round: number, rater: number | "platform", target: number, score: number): SimRating {
  return { round, rater, target, contribution: `0x${round}${target}`, score, integrity: score, intent: score };
}

function trace(rounds: number, members: SimMember[], ratings: SimRating[]): SimTrace {
  return { scenario: "test", seed: 1, rounds, members, contributions: [], ratings, cases: [], credence: [] };
}

/** A 100-member, 100-round community where everyone rates 10 random peers a round, as the simulator's largest. */
function largeTrace(): SimTrace {
  const rng = createRng(42);
  const n = 100;
  const members = Array.from({ length: n }, (_, i) =>
    member(i, { malicious: i < 20, founder: i >= 95, joinedRound: i < 80 ? 0 : i - 79 }),
  );
  const ratings: SimRating[] = [];
  for (let round = 0; round < 100; round++) {
    for (const rater of members) {
      if (rater.joinedRound > round) continue;
      for (let k = 0; k < 10; k++) {
        let target = rng.int(n);
        while (target === rater.index || members[target].joinedRound > round) target = rng.int(n);
        const score = members[target].malicious ? rng.next() * 0.6 : 0.4 + rng.next() * 0.6;
        ratings.push(rating(round, rng.chance(0.1) ? "platform" : rater.index, target, score));
      }
    }
  }
  return trace(100, members, ratings);
}

// ------------------------------------------------------------------ reference sfc32 (BigInt, from the C source)

/** sfc32 seeded through splitmix32, written from the C definitions with BigInt and explicit 32-bit masks. */
function referenceSfc32(seed: number, count: number): number[] {
  const M = 0xffffffffn;
  let sm = BigInt(seed >>> 0);
  const splitmix = () => {
    sm = (sm + 0x9e3779b9n) & M;
    let z = sm;
    z = ((z ^ (z >> 16n)) * 0x21f0aaadn) & M;
    z = ((z ^ (z >> 15n)) * 0x735a2d97n) & M;
    return z ^ (z >> 15n);
  };
  let [a, b, c, d] = [splitmix(), splitmix(), splitmix(), splitmix()];
  const step = () => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = (((c << 21n) | (c >> 11n)) + t) & M;
    return t;
  };
  for (let i = 0; i < 12; i++) step();
  return Array.from({ length: count }, () => Number(step()) / 2 ** 32);
}

describe("sim rng", function () {
  it("is sfc32 seeded through splitmix32, bit for bit", function () {
    for (const seed of [0, 1, 42, 0xdeadbeef, 2 ** 32 - 1]) {
      const rng = createRng(seed);
      expect(Array.from({ length: 50 }, () => rng.next())).to.deep.equal(referenceSfc32(seed, 50));
    }
  });

  it("gives the same sequence for the same seed and a different one for another seed", function () {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 100 }, () => rng.next());
    };
    expect(draw(7)).to.deep.equal(draw(7));
    expect(draw(7)).to.not.deep.equal(draw(8));
    expect(draw(-1)).to.deep.equal(draw(2 ** 32 - 1)); // seeds are taken modulo 2³²
  });

  describe("fork", function () {
    it("depends on the seed and label only, not on the draws taken before", function () {
      const fresh = createRng(5).fork("ratings");
      const used = createRng(5);
      for (let i = 0; i < 37; i++) used.next();
      const late = used.fork("ratings");
      expect(Array.from({ length: 20 }, () => late.next())).to.deep.equal(
        Array.from({ length: 20 }, () => fresh.next()),
      );
    });

    it("does not shift the parent stream", function () {
      const plain = createRng(5);
      const forking = createRng(5);
      forking.fork("x").next();
      expect(forking.next()).to.equal(plain.next());
    });

    it("gives streams that differ from each other, from the parent and across seeds", function () {
      const take = (rng: ReturnType<typeof createRng>) => Array.from({ length: 10 }, () => rng.next());
      const parent = take(createRng(5));
      const a = take(createRng(5).fork("a"));
      const b = take(createRng(5).fork("b"));
      const a6 = take(createRng(6).fork("a"));
      const aa = take(createRng(5).fork("a").fork("a"));
      for (const [x, y] of [
        [a, b],
        [a, parent],
        [a, a6],
        [a, aa],
      ]) {
        expect(x).to.not.deep.equal(y);
      }
    });

    it("gives streams with no linear correlation", function () {
      const a = createRng(9).fork("a");
      const b = createRng(9).fork("b");
      const n = 20_000;
      let sxy = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        const x = a.next();
        const y = b.next();
        sxy += x * y;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
      }
      const correlation = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
      // Independent streams: the sample correlation's sd is 1/√n ≈ 0.007; 0.04 is over 5 sd.
      expectTrue(Math.abs(correlation) < 0.04, `correlation ${correlation}`);
    });
  });

  describe("distributions", function () {
    const N = 100_000;

    it("next() is in [0, 1) with mean ½ and variance 1/12", function () {
      const rng = createRng(3);
      let sum = 0;
      let squares = 0;
      let min = 1;
      let max = 0;
      for (let i = 0; i < N; i++) {
        const u = rng.next();
        sum += u;
        squares += u * u;
        min = Math.min(min, u);
        max = Math.max(max, u);
      }
      expectTrue(min >= 0, `min ${min}`);
      expectTrue(max < 1, `max ${max}`);
      const mean = sum / N;
      // sd of the mean: √(1/12 / N) ≈ 0.0009.
      expectNear(mean, 0.5, 0.005);
      expectNear(squares / N - mean * mean, 1 / 12, 0.003);
    });

    it("int(n) hits every value in [0, n) about equally", function () {
      const rng = createRng(4);
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < N; i++) counts[rng.int(10)]++;
      // Expected 10 000 each, sd ≈ 95: ±600 is over 6 sd.
      for (const count of counts) expect(count).to.be.within(9_400, 10_600);
      expect(rng.int(1)).to.equal(0);
    });

    it("chance(p) is true with frequency p", function () {
      const rng = createRng(5);
      let hits = 0;
      for (let i = 0; i < N; i++) if (rng.chance(0.3)) hits++;
      // sd of the count: √(N·0.3·0.7) ≈ 145.
      expect(hits).to.be.within(29_100, 30_900);
      expect(rng.chance(0)).to.equal(false);
      expect(rng.chance(1)).to.equal(true);
    });

    it("normal(mean, sd) has that mean and sd, with the normal's tail weights", function () {
      const rng = createRng(6);
      let sum = 0;
      let squares = 0;
      let beyond2 = 0;
      for (let i = 0; i < N; i++) {
        const x = rng.normal(10, 2);
        sum += x;
        squares += x * x;
        if (Math.abs(x - 10) > 4) beyond2++;
      }
      const mean = sum / N;
      expectNear(mean, 10, 0.04); // sd of the mean 0.0063
      expectNear(Math.sqrt(squares / N - mean * mean), 2, 0.04);
      // P(|Z| > 2) = 0.0455: about 4 550 of 100 000, sd ≈ 66.
      expect(beyond2).to.be.within(4_150, 4_950);
    });

    it("shuffle returns a uniformly shuffled copy and leaves the argument alone", function () {
      const rng = createRng(7);
      const items = [0, 1, 2];
      const seen = new Map<string, number>();
      for (let i = 0; i < 60_000; i++) {
        const key = rng.shuffle(items).join("");
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      expect(items).to.deep.equal([0, 1, 2]);
      expect([...seen.keys()].sort()).to.deep.equal(["012", "021", "102", "120", "201", "210"]);
      // 10 000 expected per permutation, sd ≈ 91.
      for (const count of seen.values()) expect(count).to.be.within(9_450, 10_550);
    });

    it("pick chooses every element about equally, also when destructured", function () {
      const { pick } = createRng(8);
      const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
      for (let i = 0; i < 40_000; i++) counts[pick(["a", "b", "c", "d"])]++;
      for (const count of Object.values(counts)) expect(count).to.be.within(9_400, 10_600);
    });
  });

  describe("reverts", function () {
    it("when the seed is not an integer", function () {
      expect(() => createRng(1.5)).to.throw("must be an integer");
    });

    it("when int(n) gets n < 1 or a fraction", function () {
      const rng = createRng(1);
      for (const n of [0, -3, 2.5, Number.NaN]) expect(() => rng.int(n)).to.throw("needs an integer n ≥ 1");
    });

    it("when pick gets an empty array", function () {
      expect(() => createRng(1).pick([])).to.throw("empty array");
    });
  });
});

// ------------------------------------------------------------------ models

describe("sim models", function () {
  describe("none", function () {
    it("trusts every member 1 from its joining round, NaN before", function () {
      const run = runNone(trace(3, [member(0), member(1, { joinedRound: 2 })], [rating(0, "platform", 0, 0)]));
      expect(run.model).to.equal("none");
      expect(run.trust).to.deep.equal([
        [1, Number.NaN],
        [1, Number.NaN],
        [1, 1],
      ]);
    });
  });

  describe("average", function () {
    it("is the prior 0.5 before any rating, then the unweighted mean of all scores received", function () {
      const run = runAverage(
        trace(
          3,
          [member(0), member(1), member(2, { joinedRound: 1 })],
          [
            rating(0, "platform", 0, 1),
            rating(1, 1, 0, 0.4),
            rating(1, "platform", 2, 0.2),
            rating(2, 2, 0, 0.1), // a newcomer's rating counts like the platform's
          ],
        ),
      );
      expect(run.model).to.equal("average");
      expect(run.trust[0]).to.deep.equal([1, AVERAGE_PRIOR, Number.NaN]);
      expectNear(run.trust[1][0], 0.7, 1e-12);
      expect(run.trust[1].slice(1)).to.deep.equal([0.5, 0.2]);
      expectNear(run.trust[2][0], 0.5, 1e-12); // (1 + 0.4 + 0.1) / 3
    });
  });

  describe("beta", function () {
    // X (member 0) rates T (member 1). Round 0: the platform rates T 1. Round 1: the platform rates X 1, then X
    // rates T 0.5 with weight E_X. Round 2: the platform rates T 0.25.
    const example = trace(
      3,
      [member(0), member(1)],
      [rating(0, "platform", 1, 1), rating(1, "platform", 0, 1), rating(1, 0, 1, 0.5), rating(2, "platform", 1, 0.25)],
    );

    it("without forgetting, sums the evidence with peers weighted by their current expectation", function () {
      const { trust } = runBeta(example, { forgetting: 1 });
      // Round 0: T (r, s) = (1, 0) → E = 2/3. X has no evidence: 1/2.
      expectNear(trust[0][1], 2 / 3, 1e-12);
      expect(trust[0][0]).to.equal(0.5);
      // Round 1: X (1, 0) → E_X = 2/3 when it rates; T += (2/3·0.5, 2/3·0.5) → (4/3, 1/3) → E = (7/3)/(11/3).
      expectNear(trust[1][0], 2 / 3, 1e-12);
      expectNear(trust[1][1], 7 / 11, 1e-12);
      // Round 2: T += (0.25, 0.75) → (19/12, 13/12) → E = (31/12)/(56/12).
      expectNear(trust[2][1], 31 / 56, 1e-12);
    });

    it("with forgetting λ, multiplies old evidence by λ at the start of each round", function () {
      const { trust } = runBeta(example, { forgetting: 0.5 });
      expectNear(trust[0][1], 2 / 3, 1e-12);
      // Round 1: T (1, 0)·½ = (½, 0); X (1, 0) → E_X = 2/3; T += (1/3, 1/3) → (5/6, 1/3) → E = (11/6)/(19/6).
      expectNear(trust[1][1], 11 / 19, 1e-12);
      // Round 2: T → (5/12, 1/6) + (1/4, 3/4) = (2/3, 11/12) → E = (5/3)/(43/12); X (½, 0) → E = 1.5/2.5.
      expectNear(trust[2][1], 20 / 43, 1e-12);
      expectNear(trust[2][0], 0.6, 1e-12);
    });

    it("defaults to λ = 0.9", function () {
      expect(runBeta(example).trust).to.deep.equal(runBeta(example, { forgetting: 0.9 }).trust);
      expect(runBeta(example).trust).to.not.deep.equal(runBeta(example, { forgetting: 1 }).trust);
    });

    it("applies a round's ratings in trace order: a peer rating before it is rated counts at weight ½", function () {
      const swapped = {
        ...example,
        ratings: [example.ratings[0], example.ratings[2], example.ratings[1], example.ratings[3]],
      };
      const { trust } = runBeta(swapped, { forgetting: 1 });
      // Round 1: X still has no evidence, E_X = ½: T += (¼, ¼) → (5/4, 1/4) → E = (9/4)/(14/4).
      expectNear(trust[1][1], 9 / 14, 1e-12);
    });

    it("is NaN before a member joins", function () {
      const run = runBeta(trace(2, [member(0), member(1, { joinedRound: 1 })], [rating(1, "platform", 1, 0)]));
      expect(run.model).to.equal("beta");
      expect(run.trust[0][1]).to.be.NaN;
      expectNear(run.trust[1][1], 1 / 3, 1e-12);
    });

    it("reverts when λ is outside [0, 1]", function () {
      for (const forgetting of [-0.1, 1.1, Number.NaN]) {
        expect(() => runBeta(example, { forgetting })).to.throw("forgetting factor must be in [0, 1]");
      }
    });
  });

  describe("eigentrust", function () {
    // Nodes: the platform P and founder F (pre-trusted, p = ½ each), A, B. P rates A well, F rates B well, A rates B
    // well, B rates nobody (its row is p). With b = 1 − a and x = t_P = t_F:
    //   t_A = b·x, t_B = b·(t_F + t_A) = b(1 + b)·x, x = b·t_B/2 + a/2  ⇒  x = a / (2 − b²(1 + b)).
    // a = ½: x = 4/13, t_A = 2/13, t_B = 3/13 → ÷ max (4/13): F 1, A ½, B ¾.
    // a = 0.15: t_B = 1.5725·x is the largest → F = 1/1.5725, A = 0.85/1.5725, B = 1.
    const F = 0;
    const A = 1;
    const B = 2;
    const members = [member(F, { founder: true }), member(A), member(B)];
    const ratings = [rating(0, "platform", A, 0.9), rating(0, F, B, 0.8), rating(0, A, B, 0.6)];

    it("solves the hand-worked 4-node example (a = ½)", function () {
      const { trust } = runEigenTrust(trace(1, members, ratings), { teleport: 0.5 });
      expect(trust[0]).to.have.length(3); // the platform is not scored
      expectNear(trust[0][F], 1, 1e-8);
      expectNear(trust[0][A], 0.5, 1e-8);
      expectNear(trust[0][B], 0.75, 1e-8);
    });

    it("solves it with the default teleport weight 0.15", function () {
      const { model, trust } = runEigenTrust(trace(1, members, ratings));
      expect(model).to.equal("eigentrust");
      expectNear(trust[0][F], 1 / 1.5725, 1e-8);
      expectNear(trust[0][A], 0.85 / 1.5725, 1e-8);
      expectNear(trust[0][B], 1, 1e-8);
    });

    it("nets satisfactory against unsatisfactory ratings at the configurable cut", function () {
      // Two more ratings of 0.4 by A of B: s_AB = 1 − 2 < 0, so A's row becomes p. Then t_A = t_B = b·x and
      // x = b²·x + a/2 ⇒ x = a / (2(1 − b²)); a = ½: x = 1/3, t_A = t_B = 1/6 → F 1, A ½, B ½.
      const more = [...ratings, rating(0, A, B, 0.4), rating(0, A, B, 0.4)];
      const { trust } = runEigenTrust(trace(1, members, more), { teleport: 0.5 });
      expectNear(trust[0][A], 0.5, 1e-8);
      expectNear(trust[0][B], 0.5, 1e-8);
      // With the cut at 0.3 the 0.4 ratings are satisfactory too: s_AB = 3, the first example's result again.
      const lowCut = runEigenTrust(trace(1, members, more), { teleport: 0.5, satisfactoryCut: 0.3 });
      expectNear(lowCut.trust[0][B], 0.75, 1e-8);
    });

    it("leaves members that have not joined out of the round's matrix and pre-trusted set", function () {
      // A second founder G joins in round 1 and rates A well. Round 0 is the example above (G absent, NaN).
      // Round 1: p = ⅓ each of P, F, G; with x = t_P = t_F = t_G: t_A = b(t_P + t_G) = x, t_B = b(t_F + t_A) = x
      // (a = b = ½), so everyone present ends at 1 after rescaling.
      const G = 3;
      const late = [...members, member(G, { founder: true, joinedRound: 1 })];
      const { trust } = runEigenTrust(trace(2, late, [...ratings, rating(1, G, A, 0.7)]), { teleport: 0.5 });
      expect(trust[0][G]).to.be.NaN;
      expectNear(trust[0][F], 1, 1e-8);
      expectNear(trust[0][A], 0.5, 1e-8);
      expectNear(trust[0][B], 0.75, 1e-8);
      for (const j of [F, A, B, G]) expectNear(trust[1][j], 1, 1e-8);
    });

    it("gives ~0 to a malicious clique that only rates itself when the pre-trusted never rate it", function () {
      const ids = [0, 1, 2, 3, 4, 5, 6];
      const group = ids.map((i) => member(i, { founder: i < 2, malicious: i >= 4 }));
      const clique = [4, 5, 6];
      const all: SimRating[] = [];
      for (let round = 0; round < 3; round++) {
        all.push(rating(round, 0, 2, 0.9), rating(round, 1, 3, 0.8), rating(round, 2, 3, 0.7), rating(round, 3, 0, 1));
        all.push(rating(round, "platform", 2, 0.9), rating(round, 2, 4, 0.1)); // an honest peer rating one badly
        for (const i of clique) for (const j of clique) if (i !== j) all.push(rating(round, i, j, 1));
      }
      const { trust } = runEigenTrust(trace(3, group, all));
      for (const i of clique) expectTrue(trust[2][i] < 1e-6, `clique member ${i}: ${trust[2][i]}`);
      for (const i of [0, 1, 2, 3]) expectTrue(trust[2][i] > 0.1, `member ${i}: ${trust[2][i]}`);
    });

    it("reverts when the teleport weight is outside (0, 1]", function () {
      for (const teleport of [0, -0.5, 1.5]) {
        expect(() => runEigenTrust(trace(1, members, ratings), { teleport })).to.throw("teleport weight");
      }
    });
  });

  describe("runModel", function () {
    it("returns the trace's own matrix for credence and dispatches the baselines", function () {
      // A founder rated 0.2 by the platform: EigenTrust's pre-trusted set is {platform, founder}, neither with a
      // positive opinion, so t = (½, ½) and the founder rescales to 1; beta: (r, s) = (0.2, 0.8) → 1.2/3.
      const t = trace(1, [member(0, { founder: true })], [rating(0, "platform", 0, 0.2)]);
      t.credence = [[0.42]];
      expect(runModel("credence", t)).to.deep.equal({ model: "credence", trust: [[0.42]] });
      expect(BASELINES).to.deep.equal(["none", "average", "beta", "eigentrust"]);
      const expected: Record<string, number> = { none: 1, average: 0.2, beta: 1.2 / 3, eigentrust: 1 };
      for (const name of BASELINES) {
        const run = runModel(name, t);
        expect(run.model).to.equal(name);
        expectNear(run.trust[0][0], expected[name], 1e-12);
      }
      expect(runModel("beta", t, { beta: { forgetting: 0.5 } }).trust).to.deep.equal(
        runBeta(t, { forgetting: 0.5 }).trust,
      );
    });

    it("replays 100 members × 100 rounds × 10 ratings each into trust in [0, 1]", function () {
      // How long it takes is what `npm run simulate` prints; here only what it gives.
      const big = largeTrace();
      for (const name of BASELINES) {
        const run = runModel(name, big);
        expect(run.trust).to.have.length(100);
        expect(run.trust[0][99]).to.be.NaN; // joins in round 20
        expect(run.trust[99].every((value) => value >= 0 && value <= 1)).to.equal(true);
      }
    });

    describe("reverts", function () {
      it("when ratings are out of round order or beyond the last round", function () {
        const unordered = trace(2, [member(0), member(1)], [rating(1, 0, 1, 1), rating(0, 1, 0, 1)]);
        const beyond = trace(1, [member(0), member(1)], [rating(1, 0, 1, 1)]);
        for (const name of ["average", "beta", "eigentrust"] satisfies ModelName[]) {
          expect(() => runModel(name, unordered)).to.throw("out of round order or range");
          expect(() => runModel(name, beyond)).to.throw("out of round order or range");
        }
      });
    });
  });
});
