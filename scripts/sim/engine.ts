/**
 * One simulated community's life on the real contracts. Members with a hidden behaviour join (founders first,
 * then everyone else with two recommendations under the raised entry criteria), and every round each member
 * makes one contribution, the platform rates them all (`rateBatch`; a low integrity or intent opens a platform
 * case through the penalty hook), peers rate them (`peerRate`), members flag what they saw, everyone votes on the
 * open cases, governance ratifies the vote's outcome, and time passes (decay). The policy below is the same in
 * every scenario; a scenario (scripts/sim/scenarios.ts) only says how its malicious identities behave.
 *
 * What the engine records is a {@link SimTrace}: the hidden behaviours (for the metrics only), every applied
 * rating (what the baselines replay), the cases, and Credence's own trust at the end of each round.
 */
import { type Interface, type LogDescription, ZeroHash, id } from "ethers";

import { CaseState, Level, VoteType } from "../../src/constants.js";
import { raisedEntryCriteria, toTrustParameters } from "../../src/defaults.js";
import { countryCode } from "../../src/fixedPoint.js";
import { scoreOf } from "../../src/trustModel.js";
import { type SimChain, SimRevert, accountOf, clock, mine, send, unlock } from "./chain.js";
import type { Rng } from "./rng.js";
import type { Scenario } from "./scenarios.js";
import type { Behaviour, SimCase, SimMember, SimRating, SimTrace } from "./types.js";

const ONE = 10n ** 18n;

/** The policy's constants, stated once (docs/robustness.md, "Method"). */
export const POLICY = {
  /** Blocks per round: a week of 2-second blocks. The defaults' half-life (30 days) is 4.3 rounds. */
  roundBlocks: 302_400,
  /** Founders: activated before the entry criteria are raised; a fifth of the members, at least 3. */
  founderShare: 0.2,
  minFounders: 3,
  /** Honest members make poor (not dishonest) work this often. */
  honestPoorRate: 0.1,
  /** The platform recognises dishonest work as such (integrity or intent under the flag threshold) this often. */
  platformDetects: 0.7,
  /** ... and fabricated data this often: it looks like good work otherwise. */
  platformDetectsFabricated: 0.4,
  /** Peers who rate a dishonest contribution recognise it this often. */
  peerDetects: 0.5,
  /** Random peers rating each contribution (besides any stuffing). */
  peersPerContribution: 2,
  /** Members who vote on a case. */
  turnout: 0.8,
  /** Rounds of platform ratings an honest voter looks back on for evidence. */
  evidenceRounds: 3,
  /** An honest voter who reviews a flag's evidence recognises dishonest work in it this often. */
  reviewDetects: 0.8,
  /** On-off: rounds on, then rounds off. */
  onRounds: 4,
  offRounds: 2,
  /** Items per `rateBatch` transaction. */
  batchSize: 25,
} as const;

export interface RunOptions {
  members: number;
  malicious: number;
  rounds: number;
  seed: number;
  /** Overrides the scenario's Sybil count (0 for the paired single-identity control run). */
  sybils?: number;
  /**
   * How governance ratifies: "evidence" (default) confirms the vote unless the platform's record contradicts it,
   * "vote" confirms whatever the vote said.
   */
  ratifier?: "evidence" | "vote";
}

/** A contribution's true nature. */
type Kind = "good" | "poor" | "dishonest" | "fabricated";

interface Scores {
  quality: number;
  quantity: number;
  integrity: number;
  intent: number;
}

interface Identity extends SimMember {
  account: string;
  /** On the attacker's side: malicious members and Sybils. */
  bloc: boolean;
}

/** Runs `scenario` once on `chain` (a fresh deployment or a reverted snapshot) and returns its trace. */
export async function runScenario(
  chain: SimChain,
  scenario: Scenario,
  options: RunOptions,
  rng: Rng,
  onRound?: (round: number) => void,
): Promise<SimTrace> {
  const { registry, ledger, penalty } = chain;
  const interfaces: Interface[] = [registry.interface, ledger.interface, penalty.interface];
  const penaltyParameters = await penalty.parameters();
  const trustParameters = await ledger.parameters();
  const raterWeights = toTrustParameters(trustParameters);
  const flagThreshold = Number(trustParameters.flagThreshold) / 1e18;
  const reportingThreshold = Number(penaltyParameters.reportingThreshold) / 1e18;

  const traceRng = rng.fork("trace");
  const scoreRng = rng.fork("scores");
  const voteRng = rng.fork("votes");
  // Sybil admissions draw from their own stream, so the paired run without them starts from the same community.
  const sybilRng = rng.fork("sybils");

  const trace: SimTrace = {
    scenario: scenario.name,
    seed: options.seed,
    rounds: options.rounds,
    members: [],
    contributions: [],
    ratings: [],
    cases: [],
    refused: [],
    rejections: {},
    credence: [],
  };
  const identities: Identity[] = [];
  const byOrg = new Map<number, Identity>();
  let accounts = 0;
  let round = 0;

  const tx = (from: string, contract: { interface: Interface; target: unknown }, fn: string, args: unknown[]) =>
    send(chain, from, String(contract.target), contract.interface.encodeFunctionData(fn, args), interfaces);
  const events = (logs: LogDescription[], name: string) => logs.filter((log) => log.name === name);

  // ------------------------------------------------------------------ membership

  /** Asks to join, gathers recommendations and the assessor's activation; undefined when not admitted. */
  async function admit(
    behaviour: Behaviour,
    malicious: boolean,
    founder: boolean,
    recommenders: Identity[],
    recommendation: number,
    levels: [number, number],
    controller?: number,
    draw: Rng = traceRng,
  ): Promise<Identity | undefined> {
    const account = accountOf(accounts);
    accounts += 1;
    await unlock(chain, account);
    const identity = id(`sim-identity-${options.seed}-${accounts}`);
    const joined = await tx(account, registry, "requestJoin", [
      identity,
      countryCode(draw.pick(["DE", "FR", "NL", "GB", "US"])),
      id(`profile-${accounts}`),
      `ipfs://sim/${accounts}`,
    ]);
    const orgId = Number(events(joined.logs, "JoinRequested")[0].args.orgId);
    for (const recommender of recommenders) {
      const score = BigInt(Math.round(clamp(recommendation + draw.normal(0, 0.03)) * 1e6)) * 10n ** 12n;
      await tx(recommender.account, registry, "recommend", [orgId, score]);
    }
    try {
      await tx(chain.operator, registry, "activate", [orgId, levels[0], levels[1]]);
    } catch (error) {
      if (!(error instanceof SimRevert)) throw error;
      trace.refused!.push({ behaviour, controller, round, reason: error.message });
      return undefined;
    }
    const member: Identity = {
      index: identities.length,
      orgId,
      behaviour,
      malicious,
      founder,
      controller,
      joinedRound: round,
      account,
      bloc: malicious,
    };
    identities.push(member);
    byOrg.set(orgId, member);
    return member;
  }

  const active = () => identities.filter((m) => m.expelledRound === undefined);
  const assessed = (malicious: boolean): [number, number] =>
    // (legal, capability): a low-trust majority passes the legal minimum but has little capability to show.
    malicious && scenario.lowTrustMajority
      ? [Level.Medium, Level.Low]
      : [traceRng.pick([Level.Medium, Level.High]), traceRng.pick([Level.Medium, Level.High])];

  const founders = Math.max(POLICY.minFounders, Math.ceil(options.members * POLICY.founderShare));
  const maliciousCount = Math.min(Math.round(options.members * options.malicious), options.members - founders);
  // Malicious identities hide among the joiners, or, for a low-trust majority, are the late joiners.
  const joiners = options.members - founders;
  const maliciousSlots = new Set(
    scenario.lowTrustMajority
      ? Array.from({ length: maliciousCount }, (_, i) => joiners - 1 - i)
      : traceRng.shuffle(Array.from({ length: joiners }, (_, i) => i)).slice(0, maliciousCount),
  );

  for (let i = 0; i < founders; i += 1) {
    await admit("honest", false, true, [], 0, [Level.High, traceRng.pick([Level.Medium, Level.High])]);
  }
  await tx(chain.operator, registry, "setEntryCriteria", [raisedEntryCriteria]);
  for (let i = 0; i < joiners; i += 1) {
    const malicious = maliciousSlots.has(i);
    // Every joiner is recommended by two members at random: malicious ones look like anyone else when they
    // join. A low-trust majority is recommended lukewarmly and assessed at low levels.
    await admit(
      malicious ? scenario.behaviour : "honest",
      malicious,
      false,
      traceRng.shuffle(active()).slice(0, 2),
      malicious && scenario.lowTrustMajority ? 0.7 : 0.8,
      assessed(malicious),
    );
  }

  // Sybil identities: the attacker (the first malicious member) registers them; it recommends each, and its
  // accomplice (the second) does too when the scenario says so.
  const sybilCount = options.sybils ?? scenario.sybils;
  const attackers = identities.filter((m) => m.malicious);
  if (sybilCount > 0 && attackers.length > 0) {
    const recommenders = scenario.sybilsRecommended ? attackers.slice(0, 2) : attackers.slice(0, 1);
    for (let s = 0; s < sybilCount; s += 1) {
      const sybil = await admit(
        "sybil",
        true,
        false,
        recommenders,
        0.9,
        [Level.Low, Level.Low],
        attackers[0].index,
        sybilRng,
      );
      if (sybil !== undefined) sybil.bloc = true;
    }
  }

  // ------------------------------------------------------------------ rounds

  /** Platform ratings of each identity's contributions, for the honest voters' evidence. */
  const platformFlags = new Map<number, number[]>(); // member index → rounds with a low platform rating
  const observed = new Set<string>(); // `${voter}:${accused}` a member saw dishonest work
  const dishonestRounds = new Map<number, number[]>(); // member index → rounds it made dishonest or fabricated work
  const whitewashQueue: Identity[] = [];
  const onBloc = (m: Identity) => m.bloc;

  for (round = 0; round < options.rounds; round += 1) {
    const roundStart = await clock(chain);

    // Whitewashers expelled last round come back under a new identity, recommended like any newcomer.
    for (const expelled of whitewashQueue.splice(0)) {
      const pool = active();
      const back = await admit(
        "whitewasher",
        true,
        false,
        traceRng.shuffle(pool).slice(0, 2),
        0.8,
        assessed(true),
        expelled.controller ?? expelled.index,
      );
      if (back !== undefined) back.bloc = true;
    }

    // Contributions.
    const made: Array<{ author: Identity; id: string; kind: Kind }> = [];
    for (const author of active()) {
      const kind = kindOf(author);
      const contributionId = id(`sim-contribution-${options.seed}-${round}-${author.index}`);
      made.push({ author, id: contributionId, kind });
      if (kind === "dishonest" || kind === "fabricated") {
        dishonestRounds.set(author.index, [...(dishonestRounds.get(author.index) ?? []), round]);
      }
      trace.contributions.push({
        id: contributionId,
        author: author.index,
        round,
        good: kind === "good" || kind === "poor",
        fabricated: kind === "fabricated",
      });
    }

    // The platform rates everything, in batches.
    const opened: number[] = [];
    for (let start = 0; start < made.length; start += POLICY.batchSize) {
      const chunk = made.slice(start, start + POLICY.batchSize);
      const ratings = chunk.map((c) => {
        const scores = platformScores(c.kind);
        return { c, scores };
      });
      const sent = await tx(chain.operator, ledger, "rateBatch", [
        ratings.map(({ c, scores }) => ({
          orgId: c.author.orgId,
          contributionId: c.id,
          scores: toScores(scores),
          evidenceHash: ZeroHash,
        })),
      ]);
      recordRatings(sent.logs, "platform");
      for (const { c, scores } of ratings) {
        if (scores.integrity < flagThreshold || scores.intent < flagThreshold) {
          platformFlags.set(c.author.index, [...(platformFlags.get(c.author.index) ?? []), round]);
        }
      }
      opened.push(...recordCases(sent.logs));
    }

    // Peers rate: two at random for every contribution, plus every bloc member on a bloc contribution when the
    // scenario stuffs ballots.
    const memberFlags = new Map<number, Identity>(); // accused index → the first honest member that saw dishonesty
    for (const c of made) {
      const others = active().filter((m) => m !== c.author);
      const raters = new Set(traceRng.shuffle(others).slice(0, POLICY.peersPerContribution));
      if (scenario.stuffing && c.author.bloc) for (const m of others) if (m.bloc) raters.add(m);
      for (const rater of raters) {
        const scores = peerScores(rater, c.author, c.kind);
        const sent = await tryTx(rater.account, ledger, "peerRate", [
          { orgId: c.author.orgId, contributionId: c.id, scores: toScores(scores), evidenceHash: ZeroHash },
        ]);
        if (sent === undefined) continue;
        recordRatings(sent.logs, rater.index);
        const sawDishonesty = scores.integrity < flagThreshold || scores.intent < flagThreshold;
        if (sawDishonesty && !rater.bloc) {
          observed.add(`${rater.index}:${c.author.index}`);
          if (!memberFlags.has(c.author.index)) memberFlags.set(c.author.index, rater);
        }
      }
    }

    // Flags: an honest member flags what it saw dishonest; a scenario's bloc flags honest members.
    const trustNow = await currentTrust();
    const reporters: Array<[Identity, Identity]> = [];
    for (const [accusedIndex, reporter] of memberFlags) reporters.push([reporter, identities[accusedIndex]]);
    if (scenario.falseFlags) {
      for (const m of active().filter(onBloc)) {
        const targets = active().filter((t) => !t.bloc);
        if (targets.length > 0) reporters.push([m, traceRng.pick(targets)]);
      }
    }
    for (const [reporter, accused] of reporters) {
      if (accused.expelledRound !== undefined || (trustNow.get(reporter.index) ?? 0) < reportingThreshold) continue;
      const sent = await tryTx(reporter.account, penalty, "flag", [accused.orgId, 1, id(`evidence-${round}`)]);
      if (sent !== undefined) opened.push(...recordCases(sent.logs));
    }

    // Votes, once voting starts.
    await mine(chain, Number(penaltyParameters.votingDelay));
    for (const caseId of opened) {
      const simCase = trace.cases.find((c) => c.caseId === caseId)!;
      const accused = identities[simCase.accused];
      for (const voter of active()) {
        if (voter === accused || voter.index === simCase.reporter || !voteRng.chance(POLICY.turnout)) continue;
        await tryTx(voter.account, penalty, "castVote", [caseId, voteOf(voter, accused)]);
      }
    }

    // Voting ends; governance ratifies what the vote said; keepers apply the recommenders' liability.
    await mine(chain, Number(penaltyParameters.votingPeriod) + 1);
    for (const caseId of opened) {
      const simCase = trace.cases.find((c) => c.caseId === caseId)!;
      const voteSaysExpel = Number(await penalty.state(caseId)) === CaseState.Succeeded;
      const sent = await tx(chain.operator, penalty, "ratify", [
        caseId,
        ratification(identities[simCase.accused], voteSaysExpel),
        ZeroHash,
      ]);
      const resolved = events(sent.logs, "CaseResolved")[0];
      simCase.resolvedRound = round;
      simCase.outcome = resolved.args.expelled ? "expelled" : "kept";
      simCase.reporterPenalized =
        events(sent.logs, "BondForfeited").length > 0 || events(sent.logs, "ReporterMisuseRecorded").length > 0;
      if (simCase.outcome === "expelled") {
        const accused = identities[simCase.accused];
        accused.expelledRound = round;
        for (const recommender of await registry.recommendersOf(accused.orgId)) {
          await tryTx(chain.operator, penalty, "applyLiability", [caseId, recommender]);
        }
        if (scenario.whitewashing && accused.behaviour === "whitewasher") whitewashQueue.push(accused);
      }
    }

    await mine(chain, roundStart + POLICY.roundBlocks - (await clock(chain)));
    const trust = await currentTrust();
    trace.credence.push(
      Array.from({ length: identities.length }, (_, i) =>
        identities[i].expelledRound !== undefined ? 0 : (trust.get(i) ?? Number.NaN),
      ),
    );
    onRound?.(round);
  }

  // Rows are as long as the final membership: members who joined later are NaN in earlier rounds.
  trace.credence = trace.credence.map((row) =>
    Array.from({ length: identities.length }, (_, i) => (i < row.length ? row[i] : Number.NaN)),
  );
  trace.members = identities.map(({ account: _account, bloc: _bloc, ...member }) => member);
  return trace;

  // ------------------------------------------------------------------ policy

  function kindOf(author: Identity): Kind {
    const bad = scenario.fabricated ? "fabricated" : "dishonest";
    switch (author.behaviour) {
      case "honest":
        return traceRng.chance(POLICY.honestPoorRate) ? "poor" : "good";
      case "sybil":
        // Sybils are cheap identities: they keep their heads down with passable, low-effort work.
        return traceRng.chance(0.5) ? "poor" : "good";
      case "onoff": {
        const phase = (round - author.joinedRound) % (POLICY.onRounds + POLICY.offRounds);
        return phase >= POLICY.onRounds ? bad : "good";
      }
      default:
        return traceRng.chance(scenario.badRate) ? bad : "good";
    }
  }

  function platformScores(kind: Kind): Scores {
    const r = scoreRng;
    switch (kind) {
      case "good":
        return scores(r.normal(0.85, 0.08), r.normal(0.7, 0.15), r.normal(0.92, 0.04), r.normal(0.92, 0.04));
      case "poor":
        return scores(r.normal(0.35, 0.1), r.normal(0.5, 0.15), r.normal(0.85, 0.05), r.normal(0.9, 0.04));
      case "dishonest":
        return r.chance(POLICY.platformDetects)
          ? scores(r.normal(0.3, 0.12), r.normal(0.6, 0.15), r.normal(0.12, 0.06), r.normal(0.2, 0.08))
          : scores(r.normal(0.4, 0.12), r.normal(0.6, 0.15), r.normal(0.6, 0.1), r.normal(0.6, 0.1));
      case "fabricated":
        return r.chance(POLICY.platformDetectsFabricated)
          ? scores(r.normal(0.2, 0.1), r.normal(0.6, 0.15), r.normal(0.05, 0.04), r.normal(0.15, 0.08))
          : scores(r.normal(0.7, 0.1), r.normal(0.7, 0.15), r.normal(0.75, 0.08), r.normal(0.8, 0.08));
    }
  }

  function peerScores(rater: Identity, author: Identity, kind: Kind): Scores {
    if (rater.bloc && scenario.stuffing && author.bloc) return scores(1, 1, 1, 1);
    if (rater.bloc && scenario.badmouthing && !author.bloc) return scores(0.05, 0.1, 0.1, 0.1);
    const r = scoreRng;
    if ((kind === "dishonest" || kind === "fabricated") && r.chance(POLICY.peerDetects)) {
      return scores(r.normal(0.25, 0.12), r.normal(0.6, 0.15), r.normal(0.15, 0.08), r.normal(0.2, 0.08));
    }
    const seen = kind === "good" || kind === "poor" ? kind : "good";
    const p = platformScores(seen);
    // A peer's view is noisier than the platform's.
    return scores(
      p.quality + r.normal(0, 0.05),
      p.quantity + r.normal(0, 0.05),
      p.integrity + r.normal(0, 0.03),
      p.intent + r.normal(0, 0.03),
    );
  }

  function voteOf(voter: Identity, accused: Identity): number {
    if (voter.bloc && scenario.blocVoting) return accused.bloc ? VoteType.Keep : VoteType.Expel;
    // An honest voter expels on evidence: a low platform rating of the accused in the last rounds, dishonesty it
    // saw itself, or dishonest work in those rounds that it recognises when it reviews the case's evidence.
    const recent = (r: number) => r > round - POLICY.evidenceRounds;
    const lowRatings = (platformFlags.get(accused.index) ?? []).filter(recent);
    const dishonest = (dishonestRounds.get(accused.index) ?? []).filter(recent);
    const expel =
      lowRatings.length > 0 ||
      observed.has(`${voter.index}:${accused.index}`) ||
      (dishonest.length > 0 && voteRng.chance(POLICY.reviewDetects));
    return expel ? VoteType.Expel : VoteType.Keep;
  }

  /**
   * Governance's decision on a finished vote. An evidence-based ratifier confirms the vote, except that it expels
   * an organization the platform rated under the flag threshold in the evidence window, and keeps one against which
   * the platform's record holds nothing (a member's flag alone does not overturn a vote to keep).
   */
  function ratification(accused: Identity, voteSaysExpel: boolean): boolean {
    if ((options.ratifier ?? "evidence") === "vote") return voteSaysExpel;
    const platformEvidence = (platformFlags.get(accused.index) ?? []).some((r) => r > round - POLICY.evidenceRounds);
    if (platformEvidence) return true;
    // Reviewing the case, it recognises the accused's dishonest work as a voter would; it never finds what is not there.
    const dishonest = (dishonestRounds.get(accused.index) ?? []).some((r) => r > round - POLICY.evidenceRounds);
    return voteSaysExpel && dishonest && voteRng.chance(POLICY.reviewDetects);
  }

  // ------------------------------------------------------------------ records

  function recordRatings(logs: LogDescription[], rater: number | "platform"): void {
    for (const log of events(logs, "ContributionRated")) {
      const target = byOrg.get(Number(log.args.orgId))!;
      const s = log.args.scores;
      trace.ratings.push({
        round,
        rater,
        target: target.index,
        contribution: log.args.contributionId,
        // The rater's own score (the ledger's scoreOf), not the one the ledger applied: a peer's is held near the
        // platform's, and the baselines should judge what raters said.
        score: Number(scoreOf(raterWeights, s)) / 1e18,
        integrity: Number(s.integrity) / 1e18,
        intent: Number(s.intent) / 1e18,
      } satisfies SimRating);
    }
  }

  function recordCases(logs: LogDescription[]): number[] {
    return events(logs, "CaseOpened").map((log) => {
      const reporterId = Number(log.args.reporterId);
      const simCase: SimCase = {
        caseId: Number(log.args.caseId),
        accused: byOrg.get(Number(log.args.accusedId))!.index,
        reporter: reporterId === 0 ? "platform" : byOrg.get(reporterId)!.index,
        openedRound: round,
        reporterPenalized: false,
      };
      trace.cases.push(simCase);
      return simCase.caseId;
    });
  }

  async function currentTrust(): Promise<Map<number, number>> {
    const values = await Promise.all(
      identities.map((m) => (m.expelledRound === undefined ? ledger.trustOf(m.orgId) : Promise.resolve(0n))),
    );
    return new Map(values.map((v, i) => [i, Number(v) / 1e18]));
  }

  /** A transaction the policy may see refused (a barred reporter, a voter with no weight): skipped, not fatal. */
  async function tryTx(from: string, contract: { interface: Interface; target: unknown }, fn: string, args: unknown[]) {
    try {
      return await tx(from, contract, fn, args);
    } catch (error) {
      if (!(error instanceof SimRevert)) throw error;
      const key = `${fn}: ${error.message.replace(/\(.*$/, "")}`;
      trace.rejections![key] = (trace.rejections![key] ?? 0) + 1;
      return undefined;
    }
  }
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function scores(quality: number, quantity: number, integrity: number, intent: number): Scores {
  return { quality: clamp(quality), quantity: clamp(quantity), integrity: clamp(integrity), intent: clamp(intent) };
}

/** Scores in [0, 1] as the contract's 18-decimal struct (six decimals of the draw kept). */
function toScores(s: Scores) {
  const fixed = (x: number) => (BigInt(Math.round(x * 1e6)) * ONE) / 1_000_000n;
  return {
    quality: fixed(s.quality),
    quantity: fixed(s.quantity),
    integrity: fixed(s.integrity),
    intent: fixed(s.intent),
  };
}
