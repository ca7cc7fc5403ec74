/**
 * The attack scenarios (issue 7; the threats of the seed paper's §2.4). Each one states how its malicious
 * identities behave; everything else — how the platform rates, how honest members rate, flag and vote — is the
 * common policy of scripts/sim/engine.ts, the same in every scenario.
 */
import type { Behaviour } from "./types.js";

export interface Scenario {
  name: string;
  description: string;
  /** The behaviour of the malicious identities (honest ones are "honest"). */
  behaviour: Behaviour;
  /** Probability that a malicious identity's contribution is bad, per contribution (on-off: while "off"). */
  badRate: number;
  /** Malicious peers rate each other's contributions at full marks (ballot stuffing). */
  stuffing: boolean;
  /** Malicious peers rate honest members' contributions at the bottom (badmouthing). */
  badmouthing: boolean;
  /** Malicious members flag honest members (misuse of reporting). */
  falseFlags: boolean;
  /** Malicious members vote as a bloc: keep each other, expel the honest. Otherwise they vote like anyone. */
  blocVoting: boolean;
  /** Bad contributions are fabricated data rather than poor or dishonest work. */
  fabricated: boolean;
  /** One attacker registers this many extra identities (0: none). */
  sybils: number;
  /** Whether the attacker's accomplice recommends the Sybil identities (without: only the attacker does). */
  sybilsRecommended: boolean;
  /** An expelled malicious member rejoins under a new identity. */
  whitewashing: boolean;
  /** The malicious members join late, assessed legal Medium and capability Low, recommended lukewarmly: a headcount majority with
   * little trust. */
  lowTrustMajority: boolean;
  /** The malicious share this scenario runs at unless `--malicious` is given. */
  defaultMalicious: number;
}

const base: Omit<Scenario, "name" | "description"> = {
  behaviour: "malicious",
  badRate: 0.8,
  stuffing: false,
  badmouthing: false,
  falseFlags: false,
  blocVoting: false,
  fabricated: false,
  sybils: 0,
  sybilsRecommended: false,
  whitewashing: false,
  lowTrustMajority: false,
  defaultMalicious: 0.3,
};

export const SCENARIOS: readonly Scenario[] = [
  {
    ...base,
    name: "honest",
    description: "Honest baseline: every member contributes honestly (with occasional poor work) and rates truthfully.",
    defaultMalicious: 0,
  },
  {
    ...base,
    name: "individual",
    description:
      "Individual malicious: each malicious member, on its own, makes bad or dishonest contributions 80% of the time.",
  },
  {
    ...base,
    name: "collective",
    description:
      "Malicious collective (ballot stuffing): malicious members rate each other's every contribution at full marks and vote as a bloc.",
    stuffing: true,
    blocVoting: true,
  },
  {
    ...base,
    name: "camouflage",
    description: "Camouflage: good work most of the time, a bad contribution on 20% of occasions.",
    behaviour: "camouflage",
    badRate: 0.2,
  },
  {
    ...base,
    name: "on-off",
    description: "On-off: good for four rounds to build trust, then bad for two, in turn.",
    behaviour: "onoff",
    badRate: 1,
  },
  {
    ...base,
    name: "badmouthing",
    description: "Badmouthing: colluders rate honest members' contributions at the bottom and vote as a bloc.",
    badmouthing: true,
    blocVoting: true,
  },
  {
    ...base,
    name: "sybil",
    description:
      "Sybil, recommended: one attacker registers 5 extra identities, recommended by itself and an accomplice; the identities stuff the attacker's ratings and vote as a bloc.",
    behaviour: "malicious",
    stuffing: true,
    blocVoting: true,
    sybils: 5,
    sybilsRecommended: true,
  },
  {
    ...base,
    name: "sybil-unrecommended",
    description:
      "Sybil, unrecommended: as sybil, but only the attacker recommends its identities (the entry criteria ask for two recommendations).",
    behaviour: "malicious",
    stuffing: true,
    blocVoting: true,
    sybils: 5,
  },
  {
    ...base,
    name: "whitewashing",
    description:
      "Whitewashing: an expelled malicious member rejoins under a new identity (with two recommendations) and goes on.",
    behaviour: "whitewasher",
    whitewashing: true,
  },
  {
    ...base,
    name: "false-flags",
    description:
      "False flags: malicious members behave well but flag honest members every round and vote to expel them.",
    badRate: 0,
    falseFlags: true,
    blocVoting: true,
  },
  {
    ...base,
    name: "false-data",
    description:
      "False data injection: malicious members submit fabricated contributions (harder for the platform to detect) 80% of the time.",
    fabricated: true,
  },
  {
    ...base,
    name: "majority",
    description:
      "More than half malicious by headcount (60%) but holding little trust: late joiners assessed at low levels who stuff, badmouth, flag and vote as a bloc.",
    stuffing: true,
    badmouthing: true,
    falseFlags: true,
    blocVoting: true,
    lowTrustMajority: true,
    defaultMalicious: 0.6,
  },
];

/** The scenario called `name`, or a one-line error listing the names. */
export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found === undefined) {
    throw new Error(`unknown scenario "${name}" (one of: ${SCENARIOS.map((s) => s.name).join(", ")}, all)`);
  }
  return found;
}
