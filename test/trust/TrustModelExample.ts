/**
 * Replays the worked example of docs/trust-model.md on the real contracts and checks every number of its table.
 *
 * The table (between `<!-- worked-example:begin -->` and `<!-- worked-example:end -->`) is parsed from the doc,
 * so the doc and the contracts cannot drift apart: each row's value must equal what the chain reports (an event
 * argument, a view, a past checkpoint read with `trustAt` / `totalTrustAt`) and, where the row is an
 * intermediate of a formula, what the contract's integer formula gives from the doc's own earlier rows. Every
 * long integer the doc's prose quotes must be a value of that table, so the prose cannot keep stale figures.
 * The parameter table (between `<!-- parameters:begin -->` and `<!-- parameters:end -->`) is checked against
 * src/defaults.ts and the compiled ABIs.
 */
import { readFileSync } from "node:fs";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, type BaseContract, type ContractTransactionResponse, id, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { Level } from "../../src/constants.js";
import { defaultEntryCriteria, defaultTrustParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import { deploySuite, newIdentity, profileOf, type Suite } from "../helpers/fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ONE = 10n ** 18n;

// ------------------------------------------------------------------ the doc

const DOC = readFileSync(new URL("../../docs/trust-model.md", import.meta.url), "utf8");

interface Row {
  step: string;
  quantity: string;
  value: bigint;
}

/** The markdown table rows between `<!-- name:begin -->` and `<!-- name:end -->`, header and rule dropped. */
function tableCells(markdown: string, name: string): string[][] {
  const begin = markdown.indexOf(`<!-- ${name}:begin -->`);
  const end = markdown.indexOf(`<!-- ${name}:end -->`);
  if (begin === -1 || end === -1 || end < begin) throw new Error(`docs/trust-model.md: no ${name} table markers`);
  const lines = markdown
    .slice(begin, end)
    .split("\n")
    .filter((line) => line.trim().startsWith("|"));
  return lines.slice(2).map((line) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim().replace(/`/g, "")),
  );
}

function parseExample(markdown: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const [step, quantity, value] of tableCells(markdown, "worked-example")) {
    if (!/^\d+$/.test(value ?? "")) throw new Error(`worked example: "${quantity}" has no integer value: ${value}`);
    if (rows.has(quantity)) throw new Error(`worked example: "${quantity}" appears twice`);
    rows.set(quantity, { step, quantity, value: BigInt(value) });
  }
  return rows;
}

const ROWS = parseExample(DOC);

/** A doc value by quantity name (formulas read the doc's own earlier rows). */
function doc(quantity: string): bigint {
  const row = ROWS.get(quantity);
  if (row === undefined) throw new Error(`worked example: no row "${quantity}"`);
  return row.value;
}

// ------------------------------------------------------------------ TrustMath, in TypeScript

/** The 20 constants 2^(-2^-k) of TrustMath.decayFactor, read from the source so they cannot drift. */
const DECAY_CONSTANTS = [
  ...readFileSync(new URL("../../contracts/trust/TrustMath.sol", import.meta.url), "utf8").matchAll(
    /if \(fraction & \(?1(?: << (\d+))?\)? != 0\) factor = \(factor \* (\d+)\) \/ ONE;/g,
  ),
].map((match) => ({ bit: BigInt(match[1] ?? "0"), constant: BigInt(match[2]) }));

function decayFactor(elapsed: bigint, halfLife: bigint): bigint {
  const halvings = elapsed / halfLife;
  if (halvings >= 64n) return 0n;
  const fraction = ((elapsed % halfLife) << 20n) / halfLife;
  let factor = ONE;
  for (const { bit, constant } of DECAY_CONSTANTS) {
    if ((fraction & (1n << bit)) !== 0n) factor = (factor * constant) / ONE;
  }
  return factor >> halvings;
}

/** TrustMath.decay with a given factor: only the part above the baseline decays. */
function decayed(value: bigint, factor: bigint): bigint {
  const baseline = doc("baseline");
  return value <= baseline ? value : baseline + ((value - baseline) * factor) / ONE;
}

/** TrustMath.evolve. */
function evolve(trust: bigint, score: bigint, weight: bigint): bigint {
  if (score >= trust) return trust + ((score - trust) * doc("gainRate") * weight) / (ONE * ONE);
  return trust - ((trust - score) * doc("lossRate") * weight) / (ONE * ONE);
}

/** TrustLedger._levelValue. */
const levelValue = (level: number) => (BigInt(level) * ONE) / 3n;

/** TrustLedger._initialTrust before the division by ONE (the 36-decimal numerator). */
function initNumerator(org: string, legal: string, capability: string, country: string): bigint {
  return (
    doc("weightPreTrust") * doc(`preTrust(${org})`) +
    doc("weightLegal") * doc(`level(${legal})`) +
    doc("weightCapability") * doc(`level(${capability})`) +
    doc("weightIndirect") * doc(`indirect(${country})`)
  );
}

/** TrustLedger._score. */
function ratingScore(rating: string): bigint {
  return (
    (doc("weightQuality") * doc(`${rating}.quality`) +
      doc("weightQuantity") * doc(`${rating}.quantity`) +
      doc("weightIntegrity") * doc(`${rating}.integrity`) +
      doc("weightIntent") * doc(`${rating}.intent`)) /
    ONE
  );
}

/** EntityRegistry._indirectTrust. */
const indirect = (code: string) =>
  (doc(`${code}.dataPrivacy`) + doc(`${code}.copyright`) + (ONE - doc(`${code}.cybercrime`))) / 3n;

// ------------------------------------------------------------------ the scenario

/**
 * The example's parameters: the defaults with a 100-block half-life so that decay shows within a few blocks, and
 * the private initial cap off so that every term of the formula shows.
 */
const exampleParameters = { ...defaultTrustParameters, halfLife: 100n, privateInitialCap: ONE };

/** The parameters governance sets at the end of the example: a half-life of 50 blocks, the rest unchanged. */
const changedParameters = { ...exampleParameters, halfLife: 50n };

/** Entry criteria governance sets once the founders are in. */
const raisedCriteria = {
  minPreTrust: toFixed("0.25"),
  minRecommendations: 2n,
  maxRecommendations: 16n,
  minCapability: BigInt(Level.Medium),
  minLegal: BigInt(Level.Medium),
};

/** The block of each transaction of the example (the doc states them). */
const BLOCK = {
  start: 1000,
  joinA: 1001,
  joinB: 1002,
  activateA: 1003,
  activateB: 1004,
  criteria: 1005,
  joinC: 1006,
  recommendA: 1007,
  recommendB: 1008,
  activateC: 1009,
  rating1: 1010,
  rating2: 1011,
  rating3: 1012,
  applyDecay: 1212,
  setParameters: 1213,
  applyDecayA: 1214,
} as const;

/** The three ratings; r1 (the platform) and r2 (a peer) rate the same contribution c1, r3 rates c2. */
const RATINGS = {
  r1: { contribution: "c1", quality: "0.90", quantity: "0.50", integrity: "1", intent: "1" },
  r2: { contribution: "c1", quality: "0.80", quantity: "0.60", integrity: "0.90", intent: "0.90" },
  r3: { contribution: "c2", quality: "0.40", quantity: "0.50", integrity: "0.20", intent: "0.60" },
} as const;

type RatingName = keyof typeof RATINGS;

function ratingOf(orgId: bigint, name: RatingName) {
  const s = RATINGS[name];
  return {
    orgId,
    contributionId: id(`contribution-${s.contribution}`),
    scores: {
      quality: toFixed(s.quality),
      quantity: toFixed(s.quantity),
      integrity: toFixed(s.integrity),
      intent: toFixed(s.intent),
    },
    evidenceHash: id(`evidence-${name}`),
  };
}

type Receipt = NonNullable<Awaited<ReturnType<ContractTransactionResponse["wait"]>>>;

interface Replay {
  suite: Suite;
  org: { A: bigint; B: bigint; C: bigint };
  receipts: Record<Exclude<keyof typeof BLOCK, "start">, Receipt>;
}

/** Sends a transaction and checks that it was mined in the block the doc says. */
async function at(block: number, send: Promise<ContractTransactionResponse>): Promise<Receipt> {
  const receipt = await (await send).wait();
  if (receipt === null || receipt.blockNumber !== block) {
    throw new Error(`worked example: expected a transaction in block ${block}, got ${receipt?.blockNumber}`);
  }
  return receipt;
}

/** Ignition parameters are JSON: bigints travel as decimal strings. */
const json = (value: object) => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}` : v)));

async function replayExample(): Promise<Replay> {
  const [governance, alice, bob, carol] = await ethers.getSigners();
  const suite = await deploySuite(connection, { trustParameters: json(exampleParameters) });
  const { registry, ledger } = suite;
  const deployedAt = await ethers.provider.getBlockNumber();
  if (deployedAt > BLOCK.start) throw new Error(`worked example: deployment ended at block ${deployedAt}`);
  await networkHelpers.mineUpTo(BLOCK.start);

  const join = (admin: HardhatEthersSigner, country: string) =>
    registry.connect(admin).requestJoin(newIdentity(country), countryCode(country), ...profileOf(admin.address));

  const joinA = await at(BLOCK.joinA, join(alice, "DE"));
  const joinB = await at(BLOCK.joinB, join(bob, "US"));
  const A = await registry.organizationOf(alice.address);
  const B = await registry.organizationOf(bob.address);
  const activateA = await at(BLOCK.activateA, registry.activate(A, Level.High, Level.High));
  const activateB = await at(BLOCK.activateB, registry.activate(B, Level.Medium, Level.High));
  const criteria = await at(BLOCK.criteria, registry.connect(governance).setEntryCriteria(raisedCriteria));
  const joinC = await at(BLOCK.joinC, join(carol, "FR"));
  const C = await registry.organizationOf(carol.address);
  const recommendA = await at(BLOCK.recommendA, registry.connect(alice).recommend(C, toFixed("0.90")));
  const recommendB = await at(BLOCK.recommendB, registry.connect(bob).recommend(C, toFixed("0.60")));
  const activateC = await at(BLOCK.activateC, registry.activate(C, Level.High, Level.Medium));
  const rating1 = await at(BLOCK.rating1, ledger.rate(ratingOf(C, "r1")));
  const rating2 = await at(BLOCK.rating2, ledger.connect(alice).peerRate(ratingOf(C, "r2")));
  const rating3 = await at(BLOCK.rating3, ledger.rate(ratingOf(C, "r3")));
  await networkHelpers.mineUpTo(BLOCK.applyDecay - 1);
  const applyDecay = await at(BLOCK.applyDecay, ledger.applyDecay(C));
  const setParameters = await at(BLOCK.setParameters, ledger.connect(governance).setParameters(changedParameters));
  const applyDecayA = await at(BLOCK.applyDecayA, ledger.applyDecay(A));
  // One more block so that BLOCK.applyDecayA is in the past for trustAt / totalTrustAt.
  await networkHelpers.mine(1);

  return {
    suite,
    org: { A, B, C },
    receipts: {
      joinA,
      joinB,
      activateA,
      activateB,
      criteria,
      joinC,
      recommendA,
      recommendB,
      activateC,
      rating1,
      rating2,
      rating3,
      applyDecay,
      setParameters,
      applyDecayA,
    },
  };
}

/** The arguments of the one `name` event `contract` emitted in `receipt`. */
function eventArgs(contract: BaseContract, receipt: Receipt, name: string) {
  const found = receipt.logs
    .filter((log) => log.address.toLowerCase() === (contract.target as string).toLowerCase())
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed) => parsed?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${name} event, found ${found.length}`);
  return found[0]!.args;
}

/**
 * The latest checkpoint of an organization, read from the ledger's storage: `TrustLedgerStorage` sits at the
 * ERC-7201 slot of "credence.storage.TrustLedger" and its `heads` mapping is the struct's eighth slot (registry;
 * penaltyHook + communityType; four slots of parameters; the current decay parameters; heads). A head packs the
 * checkpoint in its low 112 bits — the trust (64 bits) and, above it, the block it was written at (48 bits) — as
 * every checkpoint of the history is packed; the history length and the Active flag sit above.
 */
async function latestCheckpoint(replay: Replay, orgId: bigint): Promise<{ key: bigint; value: bigint }> {
  const coder = AbiCoder.defaultAbiCoder();
  const namespace = BigInt(keccak256(coder.encode(["uint256"], [BigInt(id("credence.storage.TrustLedger")) - 1n])));
  const base = namespace & ~0xffn;
  const head = BigInt(keccak256(coder.encode(["uint256", "uint256"], [orgId, base + 7n])));
  const address = await replay.suite.ledger.getAddress();
  const word = BigInt(await ethers.provider.getStorage(address, toBeHex(head, 32)));
  const checkpoint = word & ((1n << 112n) - 1n);
  return { key: checkpoint >> 64n, value: checkpoint };
}

// ------------------------------------------------------------------ what each row is checked against

interface Check {
  /** The value on the chain. */
  chain?: (replay: Replay) => Promise<bigint>;
  /** The value the contract's integer formula gives from the doc's earlier rows. */
  formula?: () => bigint;
}

/** A parameter as it was in force during steps 1-9 (governance changes the half-life in step 10). */
const parameter = (name: keyof typeof defaultTrustParameters): Check => ({
  chain: async ({ suite }) => BigInt((await suite.ledger.parameters({ blockTag: BLOCK.start }))[name]),
});

const countryField = (code: string, field: "dataPrivacy" | "copyright" | "cybercrime"): Check => ({
  chain: async ({ suite }) => (await suite.registry.country(countryCode(code)))[field],
});

const trustAt = (org: "A" | "B" | "C", block: number) => async (replay: Replay) =>
  replay.suite.ledger.trustAt(replay.org[org], block);

const totalAt = (block: number) => async (replay: Replay) => replay.suite.ledger.totalTrustAt(block);

const activated = (receipt: "activateA" | "activateB" | "activateC", field: "preTrust" | "initialTrust") =>
  async function (replay: Replay) {
    return eventArgs(replay.suite.registry, replay.receipts[receipt], "OrganizationActivated")[field] as bigint;
  };

const recommendation = (recommender: "A" | "B", field: "weight" | "score") => async (replay: Replay) =>
  (await replay.suite.registry.recommendation(replay.org.C, replay.org[recommender]))[field];

function ratingChecks(name: RatingName, receipt: "rating1" | "rating2" | "rating3", previous: string) {
  const rated = (replay: Replay) => eventArgs(replay.suite.ledger, replay.receipts[receipt], "ContributionRated");
  const changed = (replay: Replay) => eventArgs(replay.suite.ledger, replay.receipts[receipt], "TrustChanged");
  const dimension = (field: "quality" | "quantity" | "integrity" | "intent"): Check => ({
    chain: async (replay) => rated(replay).scores[field] as bigint,
  });
  return {
    [`${name}.quality`]: dimension("quality"),
    [`${name}.quantity`]: dimension("quantity"),
    [`${name}.integrity`]: dimension("integrity"),
    [`${name}.intent`]: dimension("intent"),
    [`score(${name})`]: {
      chain: async (replay: Replay) => rated(replay).score as bigint,
      formula: () => ratingScore(name),
    },
    [`before(${name})`]: {
      chain: async (replay: Replay) => changed(replay).oldValue as bigint,
      formula: () => decayed(doc(previous), doc("decayFactor(1)")),
    },
    [`after(${name})`]: {
      chain: async (replay: Replay) => changed(replay).newValue as bigint,
      formula: () => evolve(doc(`before(${name})`), doc(`score(${name})`), doc(`weight(${name})`)),
    },
  } satisfies Record<string, Check>;
}

const CHECKS: Record<string, Check> = {
  // 0. parameters
  weightPreTrust: parameter("weightPreTrust"),
  weightLegal: parameter("weightLegal"),
  weightCapability: parameter("weightCapability"),
  weightIndirect: parameter("weightIndirect"),
  weightQuality: parameter("weightQuality"),
  weightQuantity: parameter("weightQuantity"),
  weightIntegrity: parameter("weightIntegrity"),
  weightIntent: parameter("weightIntent"),
  gainRate: parameter("gainRate"),
  lossRate: parameter("lossRate"),
  flagThreshold: parameter("flagThreshold"),
  publicInitialCap: parameter("publicInitialCap"),
  privateInitialCap: parameter("privateInitialCap"),
  baseline: parameter("baseline"),
  halfLife: parameter("halfLife"),
  recommendationDamping: parameter("recommendationDamping"),
  probationRatings: parameter("probationRatings"),

  // 1. country table and level values
  "DE.dataPrivacy": countryField("DE", "dataPrivacy"),
  "DE.copyright": countryField("DE", "copyright"),
  "DE.cybercrime": countryField("DE", "cybercrime"),
  "indirect(DE)": {
    chain: async ({ suite }) => suite.registry.indirectTrustOf(countryCode("DE")),
    formula: () => indirect("DE"),
  },
  "US.dataPrivacy": countryField("US", "dataPrivacy"),
  "US.copyright": countryField("US", "copyright"),
  "US.cybercrime": countryField("US", "cybercrime"),
  "indirect(US)": {
    chain: async ({ suite }) => suite.registry.indirectTrustOf(countryCode("US")),
    formula: () => indirect("US"),
  },
  "FR.dataPrivacy": countryField("FR", "dataPrivacy"),
  "FR.copyright": countryField("FR", "copyright"),
  "FR.cybercrime": countryField("FR", "cybercrime"),
  "indirect(FR)": {
    chain: async ({ suite }) => suite.registry.indirectTrustOf(countryCode("FR")),
    formula: () => indirect("FR"),
  },
  "level(Low)": { formula: () => levelValue(Level.Low) },
  "level(Medium)": { formula: () => levelValue(Level.Medium) },
  "level(High)": { formula: () => levelValue(Level.High) },

  // 2. founders (blocks 1001-1004)
  "preTrust(A)": { chain: activated("activateA", "preTrust") },
  "initNumerator(A)": { formula: () => initNumerator("A", "High", "High", "DE") },
  "initialTrust(A)": {
    chain: activated("activateA", "initialTrust"),
    formula: () => doc("initNumerator(A)") / ONE,
  },
  "preTrust(B)": { chain: activated("activateB", "preTrust") },
  "initNumerator(B)": { formula: () => initNumerator("B", "Medium", "High", "US") },
  "initialTrust(B)": {
    chain: activated("activateB", "initialTrust"),
    formula: () => doc("initNumerator(B)") / ONE,
  },
  "total@1004": {
    chain: totalAt(BLOCK.activateB),
    formula: () => doc("initialTrust(A)") + doc("initialTrust(B)"),
  },

  // 3. entry criteria raised (block 1005)
  minPreTrust: { chain: async ({ suite }) => (await suite.registry.entryCriteria()).minPreTrust },
  minRecommendations: { chain: async ({ suite }) => (await suite.registry.entryCriteria()).minRecommendations },

  // 4. recommendations (blocks 1007, 1008)
  "decayFactor(4)": { formula: () => decayFactor(4n, doc("halfLife")) },
  "weight(A→C)": {
    chain: recommendation("A", "weight"),
    formula: () => decayed(doc("initialTrust(A)"), doc("decayFactor(4)")),
  },
  "score(A→C)": { chain: recommendation("A", "score") },
  "weightedScore(A→C)": { formula: () => (doc("weight(A→C)") * doc("score(A→C)")) / ONE },
  "weight(B→C)": {
    chain: recommendation("B", "weight"),
    formula: () => decayed(doc("initialTrust(B)"), doc("decayFactor(4)")),
  },
  "score(B→C)": { chain: recommendation("B", "score") },
  "weightedScore(B→C)": { formula: () => (doc("weight(B→C)") * doc("score(B→C)")) / ONE },
  "recommendationCount(C)": {
    chain: async ({ suite, org }) => (await suite.registry.organization(org.C)).recommendationCount,
  },
  "weightSum(C)": {
    chain: async ({ suite, org }) => (await suite.registry.organization(org.C)).recommendationWeightSum,
    formula: () => doc("weight(A→C)") + doc("weight(B→C)"),
  },
  "scoreSum(C)": {
    chain: async ({ suite, org }) => (await suite.registry.organization(org.C)).recommendationScoreSum,
    formula: () => doc("weightedScore(A→C)") + doc("weightedScore(B→C)"),
  },
  "preTrust(C)": {
    chain: activated("activateC", "preTrust"),
    formula: () => (doc("scoreSum(C)") * ONE) / (doc("weightSum(C)") + doc("recommendationDamping") * ONE),
  },

  // 5. C activated (block 1009)
  "decayFactor(6)": { formula: () => decayFactor(6n, doc("halfLife")) },
  "trust(A)@1009": {
    chain: trustAt("A", BLOCK.activateC),
    formula: () => decayed(doc("initialTrust(A)"), doc("decayFactor(6)")),
  },
  "initNumerator(C)": { formula: () => initNumerator("C", "High", "Medium", "FR") },
  "initialTrust(C)": {
    chain: activated("activateC", "initialTrust"),
    formula: () => doc("initNumerator(C)") / ONE,
  },
  "total@1009": {
    chain: totalAt(BLOCK.activateC),
    formula: () => doc("total@1004") + doc("initialTrust(C)"),
  },

  // 6. ratings (blocks 1010-1012)
  "decayFactor(1)": { formula: () => decayFactor(1n, doc("halfLife")) },
  ...ratingChecks("r1", "rating1", "initialTrust(C)"),
  "weight(r1)": {
    chain: async (replay) => eventArgs(replay.suite.ledger, replay.receipts.rating1, "ContributionRated").weight,
    formula: () => ONE,
  },
  "total@1010": {
    chain: totalAt(BLOCK.rating1),
    formula: () => doc("total@1009") - doc("initialTrust(C)") + doc("after(r1)"),
  },
  ...ratingChecks("r2", "rating2", "after(r1)"),
  "decayFactor(8)": { formula: () => decayFactor(8n, doc("halfLife")) },
  "weight(r2)": {
    chain: async (replay) => eventArgs(replay.suite.ledger, replay.receipts.rating2, "ContributionRated").weight,
    formula: () => decayed(doc("initialTrust(A)"), doc("decayFactor(8)")),
  },
  "total@1011": {
    chain: totalAt(BLOCK.rating2),
    formula: () => doc("total@1010") - doc("after(r1)") + doc("after(r2)"),
  },
  ...ratingChecks("r3", "rating3", "after(r2)"),
  "weight(r3)": {
    chain: async (replay) => eventArgs(replay.suite.ledger, replay.receipts.rating3, "ContributionRated").weight,
    formula: () => ONE,
  },
  "total@1012": {
    chain: totalAt(BLOCK.rating3),
    formula: () => doc("total@1011") - doc("after(r2)") + doc("after(r3)"),
  },

  // 7. decay (blocks 1013-1212)
  "decayFactor(50)": { formula: () => decayFactor(50n, doc("halfLife")) },
  "trust(C)@1062": {
    chain: trustAt("C", 1062),
    formula: () => decayed(doc("after(r3)"), doc("decayFactor(50)")),
  },
  "decayFactor(150)": { formula: () => decayFactor(150n, doc("halfLife")) },
  "trust(C)@1162": {
    chain: trustAt("C", 1162),
    formula: () => decayed(doc("after(r3)"), doc("decayFactor(150)")),
  },
  "trust(A)@1211": { chain: trustAt("A", BLOCK.applyDecay - 1) },
  "trust(B)@1211": { chain: trustAt("B", BLOCK.applyDecay - 1) },
  "trust(C)@1211": { chain: trustAt("C", BLOCK.applyDecay - 1) },
  "sumOfTrust@1211": {
    formula: () => doc("trust(A)@1211") + doc("trust(B)@1211") + doc("trust(C)@1211"),
  },
  "total@1211": {
    chain: totalAt(BLOCK.applyDecay - 1),
    formula: () => doc("total@1012"),
  },
  "decayFactor(200)": { formula: () => decayFactor(200n, doc("halfLife")) },
  "applied(C)@1212": {
    chain: async (replay) => eventArgs(replay.suite.ledger, replay.receipts.applyDecay, "TrustChanged").newValue,
    formula: () => decayed(doc("after(r3)"), doc("decayFactor(200)")),
  },
  "total@1212": {
    chain: totalAt(BLOCK.applyDecay),
    formula: () => doc("total@1211") - doc("after(r3)") + doc("applied(C)@1212"),
  },
  "checkpoint(C)@1212": {
    chain: async (replay) => {
      const { key, value } = await latestCheckpoint(replay, replay.org.C);
      if (key !== BigInt(BLOCK.applyDecay)) throw new Error(`latest checkpoint of C is keyed ${key}`);
      return value;
    },
    formula: () => (BigInt(BLOCK.applyDecay) << 64n) | doc("applied(C)@1212"),
  },

  // 10. half-life changed (block 1213), A's decay written (block 1214)
  "decayFactor(209)": { formula: () => decayFactor(209n, doc("halfLife")) },
  "trust(A)@1212": {
    chain: trustAt("A", BLOCK.applyDecay),
    formula: () => decayed(doc("initialTrust(A)"), doc("decayFactor(209)")),
  },
  "halfLife@1213": {
    chain: async ({ suite }) => (await suite.ledger.parameters({ blockTag: BLOCK.setParameters })).halfLife,
  },
  "decayFactor(210, 50)": { formula: () => decayFactor(210n, doc("halfLife@1213")) },
  "trust(A)@1213": {
    chain: trustAt("A", BLOCK.setParameters),
    formula: () => decayed(doc("initialTrust(A)"), doc("decayFactor(210, 50)")),
  },
  "decayFactor(211, 50)": { formula: () => decayFactor(211n, doc("halfLife@1213")) },
  "applied(A)@1214": {
    chain: async (replay) => eventArgs(replay.suite.ledger, replay.receipts.applyDecayA, "TrustChanged").newValue,
    formula: () => decayed(doc("initialTrust(A)"), doc("decayFactor(211, 50)")),
  },
  "total@1214": {
    chain: totalAt(BLOCK.applyDecayA),
    formula: () => doc("total@1212") - doc("initialTrust(A)") + doc("applied(A)@1214"),
  },
};

// ------------------------------------------------------------------ tests

describe("docs/trust-model.md", function () {
  describe("worked example", function () {
    it("has a row for every quantity the replay checks, and no other", function () {
      expect([...ROWS.keys()].sort()).to.deep.equal(Object.keys(CHECKS).sort());
    });

    it("reads the 20 decay constants from TrustMath.sol", function () {
      expect(DECAY_CONSTANTS.map(({ bit }) => Number(bit))).to.deep.equal(Array.from({ length: 20 }, (_, i) => 19 - i));
    });

    for (const row of ROWS.values()) {
      const check = CHECKS[row.quantity];
      if (check === undefined) continue;
      if (check.chain !== undefined) {
        it(`${row.quantity} equals the chain (${row.step})`, async function () {
          const replay = await networkHelpers.loadFixture(replayExample);
          expect(row.value).to.equal(await check.chain!(replay));
        });
      }
      if (check.formula !== undefined) {
        it(`${row.quantity} follows from the rows above by the contract's formula (${row.step})`, function () {
          expect(row.value).to.equal(check.formula!());
        });
      }
    }

    it("freezes the recommender's weight at its trust when it recommended", async function () {
      const { suite, org } = await networkHelpers.loadFixture(replayExample);
      const weight = (await suite.registry.recommendation(org.C, org.A)).weight;
      expect(weight).to.equal(await suite.ledger.trustAt(org.A, BLOCK.recommendA));
      expect(weight).to.be.greaterThan(await suite.ledger.trustAt(org.A, BLOCK.activateC));
    });

    it("stores each organization's pre-trust and initial trust at activation", async function () {
      const { suite, org } = await networkHelpers.loadFixture(replayExample);
      for (const name of ["A", "B", "C"] as const) {
        const stored = await suite.registry.organization(org[name]);
        expect([stored.preTrust, stored.initialTrust]).to.deep.equal([
          doc(`preTrust(${name})`),
          doc(`initialTrust(${name})`),
        ]);
      }
    });

    it("lets A peer-rate c1, which the platform rated first, but no contribution the platform has not rated", async function () {
      const { suite, org } = await networkHelpers.loadFixture(replayExample);
      const [, alice] = await ethers.getSigners();
      const c1 = ratingOf(org.C, "r1").contributionId;
      expect(await suite.ledger.hasRated(org.C, c1, 0n)).to.equal(true);
      expect(await suite.ledger.hasRated(org.C, c1, org.A)).to.equal(true);
      const unrated = { ...ratingOf(org.C, "r2"), contributionId: id("contribution-c3") };
      await expect(suite.ledger.connect(alice).peerRate(unrated))
        .to.be.revertedWithCustomError(suite.ledger, "TrustLedgerUnknownContribution")
        .withArgs(org.C, unrated.contributionId);
    });

    it("raises the low-integrity signal on the third rating only, as a platform rating", async function () {
      const { suite, receipts, org } = await networkHelpers.loadFixture(replayExample);
      const [governance] = await ethers.getSigners();
      const signals = (receipt: Receipt) =>
        receipt.logs.filter((log) => suite.ledger.interface.parseLog(log)?.name === "LowIntegritySignalled");
      expect(signals(receipts.rating1)).to.have.length(0);
      expect(signals(receipts.rating2)).to.have.length(0);
      const args = eventArgs(suite.ledger, receipts.rating3, "LowIntegritySignalled");
      expect([args.orgId, args.contributionId, args.rater, args.raterOrgId, args.integrity, args.intent]).to.deep.equal(
        [
          org.C,
          ratingOf(org.C, "r3").contributionId,
          governance.address,
          0n,
          toFixed(RATINGS.r3.integrity),
          toFixed(RATINGS.r3.intent),
        ],
      );
    });

    it("keeps every past trustAt when governance changes the baseline and half-life again", async function () {
      const { suite, org } = await networkHelpers.loadFixture(replayExample);
      const blocks = [
        BLOCK.activateC,
        1062,
        1162,
        BLOCK.applyDecay - 1,
        BLOCK.applyDecay,
        BLOCK.setParameters,
        BLOCK.applyDecayA,
      ];
      const history = async () => {
        const values: bigint[] = [];
        for (const block of blocks) {
          for (const orgId of [org.A, org.B, org.C]) values.push(await suite.ledger.trustAt(orgId, block));
        }
        return values;
      };
      const before = await history();
      const [governance] = await ethers.getSigners();
      const baseline = toFixed("0.20");
      const halfLife = 7n;
      await suite.ledger.connect(governance).setParameters({ ...changedParameters, baseline, halfLife });
      await networkHelpers.mine(1);
      expect(await history()).to.deep.equal(before);
      // Current reads use the new parameters over B's whole pending stretch, idle since its activation.
      const elapsed = (await suite.ledger.clock()) - BigInt(BLOCK.activateB);
      const expected = baseline + ((doc("initialTrust(B)") - baseline) * decayFactor(elapsed, halfLife)) / ONE;
      expect(await suite.ledger.trustOf(org.B)).to.equal(expected);
    });

    it("keeps the sum of current trust under the total until decay is written", async function () {
      const { suite, org } = await networkHelpers.loadFixture(replayExample);
      const before = BLOCK.applyDecay - 1;
      let sum = 0n;
      for (const orgId of [org.A, org.B, org.C]) sum += await suite.ledger.trustAt(orgId, before);
      expect(sum).to.be.lessThan(await suite.ledger.totalTrustAt(before));
      const [recorded, updatedAt] = await suite.ledger.recordedTrustOf(org.C);
      expect([recorded, updatedAt]).to.deep.equal([doc("applied(C)@1212"), BigInt(BLOCK.applyDecay)]);
    });
  });

  describe("prose", function () {
    it("quotes only numbers of the worked example's table", function () {
      const prose = DOC.replace(/<!-- (\S+):begin -->[\s\S]*?<!-- \1:end -->/g, "");
      const tableValues = new Set([...ROWS.values()].map((row) => row.value));
      const quoted = [...prose.matchAll(/\b\d{10,}\b/g)].map((match) => BigInt(match[0]));
      expect(quoted).to.not.be.empty;
      expect(quoted.filter((value) => !tableValues.has(value))).to.deep.equal([]);
    });
  });

  describe("parameter table", function () {
    const rows = tableCells(DOC, "parameters");
    const defaults: Record<string, bigint> = { ...defaultTrustParameters, ...defaultEntryCriteria };

    /** A value just out of each field's valid range (the others keep their defaults). */
    const outOfRange: Record<string, bigint> = {
      weightPreTrust: defaultTrustParameters.weightPreTrust + 1n,
      weightLegal: defaultTrustParameters.weightLegal + 1n,
      weightCapability: defaultTrustParameters.weightCapability - 1n,
      weightIndirect: defaultTrustParameters.weightIndirect - 1n,
      weightQuality: defaultTrustParameters.weightQuality + 1n,
      weightQuantity: defaultTrustParameters.weightQuantity + 1n,
      weightIntegrity: defaultTrustParameters.weightIntegrity - 1n,
      weightIntent: defaultTrustParameters.weightIntent - 1n,
      gainRate: 0n,
      lossRate: ONE + 1n,
      flagThreshold: ONE + 1n,
      publicInitialCap: ONE + 1n,
      privateInitialCap: ONE + 1n,
      baseline: ONE + 1n,
      halfLife: 0n,
      recommendationDamping: 1001n,
      minPreTrust: ONE + 1n,
      minRecommendations: defaultEntryCriteria.maxRecommendations + 1n,
      maxRecommendations: 65n,
      minCapability: 4n,
      minLegal: 4n,
    };

    async function deployDefaults(): Promise<Suite> {
      return deploySuite(connection);
    }

    it("lists every TrustParameters and EntryCriteria field once", function () {
      expect(rows.map(([name]) => name).sort()).to.deep.equal(Object.keys(defaults).sort());
    });

    for (const [name, defaultValue, , error] of rows) {
      describe(name, function () {
        it("states the default of src/defaults.ts", function () {
          expect(BigInt(defaultValue.split(/\s/)[0])).to.equal(defaults[name]);
        });

        if (!(name in outOfRange)) {
          // A field whose type holds only valid values: its largest is accepted and stored.
          it("accepts the largest value its type holds", async function () {
            const { ledger } = await networkHelpers.loadFixture(deployDefaults);
            expect(error).to.match(/^none: every `?uint\d+`? value is valid$/);
            const largest = 2n ** BigInt(error.match(/uint(\d+)/)![1]) - 1n;
            await ledger.setParameters({ ...defaultTrustParameters, [name]: largest });
            expect((await ledger.parameters())[name as keyof typeof defaultTrustParameters]).to.equal(largest);
          });
          return;
        }

        it("names the error a value out of range raises", async function () {
          const { ledger, registry } = await networkHelpers.loadFixture(deployDefaults);
          const errorName = error.match(/\w+(?=\()/)?.[0];
          const isParameter = name in defaultTrustParameters;
          const tx = isParameter
            ? ledger.setParameters({ ...defaultTrustParameters, [name]: outOfRange[name] })
            : registry.setEntryCriteria({ ...defaultEntryCriteria, [name]: outOfRange[name] });
          if (errorName === undefined) {
            await expect(tx).to.be.revertedWithoutReason(ethers);
          } else {
            await expect(tx).to.be.revertedWithCustomError(isParameter ? ledger : registry, errorName);
          }
        });
      });
    }
  });
});
