/**
 * The simulator's metrics (scripts/sim/metrics.ts): AUC, summaries and every field of RunMetrics on a small trace
 * whose values are worked out by hand below.
 */
import { expect } from "chai";

import { expectNear } from "./support.js";

import { auc, computeRunMetrics, summarize } from "../../../scripts/sim/metrics.js";
import { createRng } from "../../../scripts/sim/rng.js";
import type {
  ModelRun,
  RunMetrics,
  SimCase,
  SimContribution,
  SimMember,
  SimTrace,
} from "../../../scripts/sim/types.js";

function member(index: number, patch: Partial<SimMember> = {}): SimMember {
  return { index, orgId: index + 1, behaviour: "honest", malicious: false, founder: false, joinedRound: 0, ...patch };
}

function contribution(author: number, round: number, good: boolean): SimContribution {
  return { id: `0x${author}${round}${good ? 1 : 0}`, author, round, good, fabricated: !good };
}

function penaltyCase(
  caseId: number,
  accused: number,
  reporter: number | "platform",
  openedRound: number,
  patch: Partial<SimCase> = {},
): SimCase {
  return { caseId, accused, reporter, openedRound, reporterPenalized: false, ...patch };
}

/** Pairwise definition of the AUC, O(n²): the reference the rank formula must match. */
function pairwiseAuc(scores: number[], positives: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((x, i) => {
    if (!positives[i]) return;
    scores.forEach((y, j) => {
      if (positives[j]) return;
      pairs++;
      wins += x > y ? 1 : x === y ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("sim metrics", function () {
  describe("auc", function () {
    it("is 1 when every honest identity is above every malicious one, 0 when reversed", function () {
      const positives = [true, false, true, false];
      expect(auc([0.9, 0.1, 0.8, 0.2], positives)).to.equal(1);
      expect(auc([0.1, 0.9, 0.2, 0.8], positives)).to.equal(0);
    });

    it("counts ties as ½", function () {
      expect(auc([0.5, 0.5, 0.5, 0.5], [true, false, true, false])).to.equal(0.5);
      // honest {0.5, 0.7} vs malicious {0.5, 0.3}: ½ + 1 + 1 + 1 of 4 pairs.
      expect(auc([0.5, 0.5, 0.7, 0.3], [true, false, true, false])).to.equal(0.875);
    });

    it("matches the pairwise definition on random vectors with many ties", function () {
      const rng = createRng(11);
      for (let trial = 0; trial < 50; trial++) {
        const n = 2 + rng.int(40);
        const scores = Array.from({ length: n }, () => Math.round(rng.next() * 5) / 5);
        const positives = scores.map((_, i) => (i === 0 ? true : i === 1 ? false : rng.chance(0.6)));
        expectNear(auc(scores, positives), pairwiseAuc(scores, positives), 1e-12);
      }
    });

    describe("reverts", function () {
      it("when either class is empty", function () {
        expect(() => auc([0.1, 0.2], [true, true])).to.throw("needs both classes");
        expect(() => auc([0.1, 0.2], [false, false])).to.throw("needs both classes");
        expect(() => auc([], [])).to.throw("needs both classes");
      });

      it("when the lengths differ or a score is NaN", function () {
        expect(() => auc([0.1], [true, false])).to.throw("1 scores for 2 labels");
        expect(() => auc([0.1, NaN], [true, false])).to.throw("NaN score");
      });
    });
  });

  describe("summarize", function () {
    it("gives the mean, min and max of the defined values", function () {
      expect(summarize([2, undefined, 4, NaN, 9])).to.deep.equal({ mean: 5, min: 2, max: 9 });
      expect(summarize([-1])).to.deep.equal({ mean: -1, min: -1, max: -1 });
    });

    it("gives NaN fields when nothing is defined", function () {
      for (const values of [[], [undefined], [NaN, undefined]]) {
        const summary = summarize(values);
        expect(summary.mean).to.be.NaN;
        expect(summary.min).to.be.NaN;
        expect(summary.max).to.be.NaN;
      }
    });
  });

  describe("computeRunMetrics", function () {
    // Members: 0 honest founder; 1 honest, expelled in round 2 (wrongly); 2 malicious, expelled in round 2;
    // 3 a Sybil of 2, joined in round 1; 4 honest, joins only after the run (never present).
    const members = [
      member(0, { founder: true }),
      member(1, { expelledRound: 2 }),
      member(2, { behaviour: "malicious", malicious: true, expelledRound: 2 }),
      member(3, { behaviour: "sybil", malicious: true, controller: 2, joinedRound: 1 }),
      member(4, { joinedRound: 3 }),
    ];
    const trust = [
      [0.6, 0.5, 0.4, NaN, NaN],
      [0.7, 0.5, 0.3, 0.2, NaN],
      [0.8, 0, 0, 0.1, NaN],
    ];
    // Weights (trust at the end of the round before; the round's own value when there is none before):
    // 0.6, 0.4 (bad), 0.4 (bad), 0.2 (3 joined in round 1), 0.5, 0.7, 0.2 (bad): 1.0 of 3.0 is bad.
    const contributions = [
      contribution(0, 0, true),
      contribution(2, 0, false),
      contribution(2, 1, false),
      contribution(3, 1, true),
      contribution(1, 1, true),
      contribution(0, 2, true),
      contribution(3, 2, false),
    ];
    const cases = [
      penaltyCase(1, 2, "platform", 1, { resolvedRound: 2, outcome: "expelled" }),
      penaltyCase(2, 1, 3, 1, { resolvedRound: 2, outcome: "expelled" }),
      penaltyCase(3, 0, 2, 1, { resolvedRound: 2, outcome: "kept", reporterPenalized: true }),
      // Against 3 before its first bad contribution (round 2): not a flag of its misbehaviour.
      penaltyCase(4, 3, 1, 1, { resolvedRound: 2, outcome: "kept", reporterPenalized: true }),
      penaltyCase(5, 3, "platform", 2),
    ];
    const trace: SimTrace = {
      scenario: "hand",
      seed: 1,
      rounds: 3,
      members,
      contributions,
      ratings: [],
      cases,
      credence: trust,
    };
    const credence: ModelRun = { model: "credence", trust };
    const control = (finalOfController: number, model: ModelRun["model"] = "credence") => {
      const controlTrace: SimTrace = { ...trace, members: members.slice(0, 3), cases: [], contributions: [] };
      const controlTrust = [
        [0.6, 0.5, 0.4],
        [0.7, 0.5, 0.3],
        [0.8, 0.5, finalOfController],
      ];
      return { trace: controlTrace, run: { model, trust: controlTrust } };
    };

    // Final trust of the present identities 0–3: honest {0.8, 0}, malicious {0, 0.1}.
    const base = {
      auc: 2.5 / 4, // 0.8 beats both, 0 ties 0 (½) and loses to 0.1
      maliciousTrustShare: 0.1 / 0.9,
      maliciousMemberShare: 2 / 4,
      badAcceptedShare: 1 / 3,
      badContributionShare: 3 / 7,
    };

    function expectClose(actual: RunMetrics, expected: Partial<RunMetrics>) {
      expect(Object.keys(actual).sort()).to.deep.equal(Object.keys(expected).sort());
      for (const [key, value] of Object.entries(expected)) {
        expectNear(actual[key as keyof RunMetrics] as number, value as number, 1e-12, key);
      }
    }

    it("computes every field for Credence, with a Sybil control", function () {
      expectClose(computeRunMetrics(trace, credence, { sybilControl: control(0.25) }), {
        ...base,
        // 2: first bad in round 0, flagged in round 1 after 2 bad contributions, expelled in round 2.
        // 3: first bad in round 2, flagged in round 2 (case 5; case 4 came before) after 1; not expelled.
        roundsToFlag: (1 + 0) / 2,
        badContributionsToFlag: (2 + 1) / 2,
        roundsToExpel: 2,
        honestExpelled: 1,
        reportersPenalized: 2,
        // (Sybil 0.1 + controller 0) ÷ controller alone 0.25.
        sybilAmplification: 0.4,
      });
    });

    it("leaves the Credence-only fields out of a baseline's metrics", function () {
      const average: ModelRun = { model: "average", trust };
      expectClose(computeRunMetrics(trace, average), base);
      expectClose(computeRunMetrics(trace, average, { sybilControl: control(0.05, "average") }), {
        ...base,
        sybilAmplification: 2,
      });
    });

    it("leaves the per-identity case means undefined when no malicious identity was flagged or expelled", function () {
      const quiet: SimTrace = {
        ...trace,
        cases: [],
        members: members.map((m) => ({ ...m, expelledRound: undefined })),
      };
      expectClose(computeRunMetrics(quiet, credence), { ...base, honestExpelled: 0, reportersPenalized: 0 });
    });

    it("gives NaN for the AUC when only one class is present", function () {
      const honestOnly: SimTrace = { ...trace, members: members.map((m) => ({ ...m, malicious: false })) };
      const metrics = computeRunMetrics(honestOnly, { model: "none", trust });
      expect(metrics.auc).to.be.NaN;
      expect(metrics.maliciousTrustShare).to.equal(0);
      expect(metrics.maliciousMemberShare).to.equal(0);
    });

    describe("sybilAmplification", function () {
      it("is Infinity when only the control's trust is 0, and 0 when both are", function () {
        expect(computeRunMetrics(trace, credence, { sybilControl: control(0) }).sybilAmplification).to.equal(
          Number.POSITIVE_INFINITY,
        );
        const zero = [...trust.slice(0, 2), [0.8, 0, 0, 0, NaN]];
        const run: ModelRun = { model: "credence", trust: zero };
        expect(computeRunMetrics(trace, run, { sybilControl: control(0) }).sybilAmplification).to.equal(0);
      });

      it("is left out when the trace has no Sybil", function () {
        const noSybil: SimTrace = { ...trace, members: members.filter((m) => m.behaviour !== "sybil") };
        const metrics = computeRunMetrics(noSybil, credence, { sybilControl: control(0.25) });
        expect(metrics).to.not.have.property("sybilAmplification");
      });

      it("reverts when the controller's index is not a malicious identity of the control trace", function () {
        const shifted = control(0.25);
        shifted.trace = { ...shifted.trace, members: members.slice(0, 2) };
        expect(() => computeRunMetrics(trace, credence, { sybilControl: shifted })).to.throw(
          "member 2 (the Sybils' controller) is not a malicious identity of the control",
        );
      });

      it("reverts when the control run is another model's", function () {
        expect(() => computeRunMetrics(trace, credence, { sybilControl: control(0.25, "beta") })).to.throw(
          "a credence run paired with a beta control",
        );
      });
    });

    describe("reverts", function () {
      it("when the run has fewer rounds than the trace", function () {
        expect(() => computeRunMetrics(trace, { model: "beta", trust: trust.slice(0, 2) })).to.throw(
          "2 rounds of trust for a 3-round trace",
        );
      });

      it("when a contribution's author had not joined", function () {
        const early: SimTrace = { ...trace, contributions: [contribution(3, 0, true)] };
        expect(() => computeRunMetrics(early, credence)).to.throw("who had not joined");
      });
    });
  });
});
