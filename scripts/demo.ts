/**
 * `npm run demo`: one community's story on the in-process chain, told through the library in src/actions/
 * (chain logic) and src/format.ts (printing helpers). Deterministic: no randomness, fixed accounts, fixed
 * scores. Twelve rounds of one simulated day each (43,200 blocks at a 2-second block period), then penalty cases
 * with short voting periods: the organization that turned bad is flagged, voted out and expelled, and a false
 * flag is dismissed with its reporter penalized.
 */
import { formatEther, id, Wallet, type Signer } from "ethers";
import { network } from "hardhat";

import { activate } from "../src/actions/activate.js";
import { addMember } from "../src/actions/addMember.js";
import { applyLiability } from "../src/actions/applyLiability.js";
import { castVote } from "../src/actions/castVote.js";
import type { LowIntegritySignal, RatedContribution } from "../src/actions/decodeRatings.js";
import { deploySuite } from "../src/actions/deploySuite.js";
import { execute } from "../src/actions/execute.js";
import { explainInitialTrust } from "../src/actions/explainInitialTrust.js";
import { finalize } from "../src/actions/finalize.js";
import { flag } from "../src/actions/flag.js";
import { getCase, type GetCaseReturnType } from "../src/actions/getCase.js";
import { getCommunity } from "../src/actions/getCommunity.js";
import { getOrganization } from "../src/actions/getOrganization.js";
import { getTrustHistory } from "../src/actions/getTrustHistory.js";
import { parseEvents } from "../src/actions/parseEvents.js";
import { peerRate } from "../src/actions/peerRate.js";
import type { RatingInput } from "../src/actions/rate.js";
import { rate } from "../src/actions/rate.js";
import { rateBatch } from "../src/actions/rateBatch.js";
import { ratify } from "../src/actions/ratify.js";
import { recommend } from "../src/actions/recommend.js";
import { reject } from "../src/actions/reject.js";
import { relayVote } from "../src/actions/relayVote.js";
import { requestJoin } from "../src/actions/requestJoin.js";
import { setEntryCriteria } from "../src/actions/setEntryCriteria.js";
import { setProfile } from "../src/actions/setProfile.js";
import { signVote } from "../src/actions/signVote.js";
import { Level, VoteType, enumName } from "../src/constants.js";
import { defaultPenaltyParameters, raisedEntryCriteria } from "../src/defaults.js";
import { describeError } from "../src/errors.js";
import { toFixed } from "../src/fixedPoint.js";
import { formatDelta, formatFixed, renderTable } from "../src/format.js";

const started = performance.now();
const BLOCKS_PER_DAY = 43_200; // 86,400 s at a 2-second block period
const ROUNDS = 12;
const BAD_ROUNDS = [5, 6, 7];
const BATCH_ROUND = 6;
// Penalty periods shortened for the demo (blocks); the defaults are in src/defaults.ts.
const DEMO_PENALTY_PERIODS = { votingDelay: 2n, votingPeriod: 50n, ratificationWindow: 20n };
// Reason codes are the community's own; these two are the demo's.
const Reason = { MaliciousContributions: 1, DataLeak: 2 } as const;

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const [
  governance,
  platform,
  aegisAdmin,
  borealisAdmin,
  coralAdmin,
  deltaAdmin,
  echoAdmin,
  fjordAdmin,
  analyst,
  bystander,
] = await ethers.getSigners();

const f = (value: bigint, digits = 4) => formatFixed(value, digits);
const levelName = (level: number) => enumName(Level, level);
const say = (line = "") => console.log(line);

// ----------------------------------------------------------------- 1. deployment

const suite = await deploySuite({ connection, assessor: platform.address, penaltyParameters: DEMO_PENALTY_PERIODS });
const deployedAt = await ethers.provider.getBlockNumber(); // no TrustChanged before it
const { registry, ledger, manager, penalty } = suite;
const errorInterfaces = [registry, ledger, manager, penalty];
const start = await getCommunity({ registry, ledger });
const p = start.trustParameters;
const halfLifeDays = Number(p.halfLife) / BLOCKS_PER_DAY;

say(`Credence demo: a ${start.communityType.toLowerCase()} threat-sharing community on the in-process chain`);
say(
  `1. Suite deployed: TrustLedger ${start.ledgerVersion}, EntityRegistry ${start.registryVersion}, PenaltyCases ` +
    `${await penalty.version()}; defaults but short penalty periods`,
);
say(`   governance ${governance.address}  platform ${platform.address} (ASSESSOR)`);
say(`   manager    ${suite.addresses.manager}  ledger   ${suite.addresses.ledger}`);
say(`   registry   ${suite.addresses.registry}  penalty  ${suite.addresses.penalty}`);
const w = (value: bigint) => f(value, 2);
say(
  `   T0 = ${w(p.weightPreTrust)}·preTrust + ${w(p.weightLegal)}·legal + ${w(p.weightCapability)}·capability + ` +
    `${w(p.weightIndirect)}·indirect (Low/Medium/High = 1/3, 2/3, 1)`,
);
say(
  `   rating = ${w(p.weightQuality)}·quality + ${w(p.weightQuantity)}·quantity + ${w(p.weightIntegrity)}·integrity + ` +
    `${w(p.weightIntent)}·intent; flag when integrity or intent < ${w(p.flagThreshold)}`,
);
say(
  `   trust moves to each rating at ${w(p.gainRate)} (gain) / ${w(p.lossRate)} (loss), decays to ${w(p.baseline)} ` +
    `(half-life ${p.halfLife} blocks, ${halfLifeDays} days)`,
);

// ----------------------------------------------------------------- story bookkeeping

interface Org {
  id: bigint;
  name: string;
  country: string;
  admin: Signer;
  role: string;
}
const orgs: Org[] = [];
const events: string[] = [];
const event = (block: number, text: string) => events.push(`${String(block).padStart(7)}  ${text}`);
const label = (org: Org) => `#${org.id} ${org.name}`;

async function join(name: string, country: string, admin: Signer, role: string, viaPlatform = false) {
  const joined = await requestJoin({
    registry,
    signer: viaPlatform ? platform : admin,
    admin: viaPlatform ? await admin.getAddress() : undefined,
    identityHash: id(`legal-identifier:${name}`),
    country,
    profileHash: id(`profile:${name}:v1`),
    profileURI: `ipfs://credence-demo/${name.toLowerCase().replace(/ /g, "-")}/v1`,
  });
  const org = { id: joined.orgId, name, country, admin, role };
  orgs.push(org);
  event(joined.blockNumber, `join: ${label(org)} (${country}), ${viaPlatform ? "submitted by the platform" : "self"}`);
  return org;
}

async function admit(org: Org, legal: number, capability: number) {
  const activated = await activate({ registry, assessor: platform, orgId: org.id, legal, capability });
  event(
    activated.blockNumber,
    `activated: ${label(org)}, legal ${levelName(legal)}, capability ${levelName(capability)}, ` +
      `pre-trust ${f(activated.preTrust)} -> initial trust ${f(activated.initialTrust)}`,
  );
}

async function recommendedBy(candidate: Org, recommender: Org, score: string) {
  const made = await recommend({
    registry,
    signer: recommender.admin,
    candidateId: candidate.id,
    score: toFixed(score),
  });
  event(
    made.blockNumber,
    `recommend: ${label(recommender)} -> ${label(candidate)}, score ${score}, weight ${f(made.weight)}`,
  );
}

// ----------------------------------------------------------------- 2. founders

const aegis = await join("Aegis CERT", "DE", aegisAdmin, "good contributor");
const borealis = await join("Borealis Labs", "JP", borealisAdmin, "idle", true);
const coral = await join("Coral Systems", "BR", coralAdmin, "mediocre");
await admit(aegis, Level.High, Level.Medium);
await admit(borealis, Level.High, Level.High);
await admit(coral, Level.Medium, Level.Medium);

say("2. Founders: nobody can recommend them yet, so pre-trust is 0. Each cell: value -> weight·value; T0 = sum");
const whyRows = [];
for (const org of [aegis, borealis, coral]) {
  const why = await explainInitialTrust({ registry, ledger, orgId: org.id });
  const term = (t: { value: bigint; contribution: bigint }) => `${f(t.value)} -> ${f(t.contribution)}`;
  const { legal, capability } = await getOrganization({ registry, ledger, orgId: org.id });
  whyRows.push([
    `${label(org)} (${org.country})`,
    term(why.preTrust),
    `${legal} ${term(why.legal)}`,
    `${capability} ${term(why.capability)}`,
    term(why.indirect),
    f(why.initialTrust),
  ]);
}
say(renderTable(["founder", "pre-trust", "legal", "capability", "indirect", "T0"], whyRows, { indent: "   " }));

// ----------------------------------------------------------------- 3. governance raises the bar

const raised = await setEntryCriteria({
  registry,
  governance,
  criteria: raisedEntryCriteria,
});
const { minRecommendations, minPreTrust, minLegal } = raised.criteria;
const raisedText = `>= ${minRecommendations} recommendations, pre-trust >= ${f(minPreTrust)}, legal >= ${enumName(Level, minLegal)}`;
event(raised.blockNumber, `entry criteria raised: ${raisedText}`);
say(`3. Governance raises the entry criteria: ${raisedText}`);

// ----------------------------------------------------------------- 4. candidates

const delta = await join("Delta Intel", "NL", deltaAdmin, `good, bad in rounds ${BAD_ROUNDS.join(",")}`);
await recommendedBy(delta, aegis, "0.9");
await recommendedBy(delta, borealis, "0.8");
await admit(delta, Level.Medium, Level.High);

const echo = await join("Echo Trading", "US", echoAdmin, "rejected");
await recommendedBy(echo, coral, "0.7");
say("4. Candidates: Echo Trading has one recommendation; the platform tries to activate it anyway:");
try {
  await activate({ registry, assessor: platform, orgId: echo.id, legal: Level.Medium, capability: Level.Medium });
  throw new Error("Echo Trading was activated although it fails the entry criteria");
} catch (error) {
  const line = describeError(error, errorInterfaces);
  if (!line.startsWith("EntityRegistryEntryCriteriaNotMet")) throw error;
  say(`   reverted: ${line}`);
  event(await ethers.provider.getBlockNumber(), `activation refused: ${label(echo)}, ${line.split("(")[0]}`);
}
const rejected = await reject({ registry, assessor: platform, orgId: echo.id, reasonHash: id("criteria not met") });
event(rejected.blockNumber, `rejected: ${label(echo)} by the platform`);

const fjord = await join("Fjord Data", "CH", fjordAdmin, "platform+peer-rated");
const added = await addMember({ registry, admin: fjordAdmin, orgId: fjord.id, account: analyst.address });
event(
  added.blockNumber,
  `member added: ${analyst.address.slice(0, 10)}… acts for ${label(fjord)} (${added.memberCount} accounts)`,
);
const edited = await setProfile({
  registry,
  admin: fjordAdmin,
  orgId: fjord.id,
  profileHash: id("profile:Fjord Data:v2"),
  profileURI: "ipfs://credence-demo/fjord-data/v2",
});
event(edited.blockNumber, `profile ${edited.action.toLowerCase()}: ${label(fjord)}, version ${edited.version}`);
await recommendedBy(fjord, aegis, "0.8");
await recommendedBy(fjord, coral, "0.75");
await admit(fjord, Level.High, Level.Medium);
say("   Delta Intel and Fjord Data (two recommendations each) were activated; Echo Trading was rejected.");

// ----------------------------------------------------------------- 5. twelve rounds

const active = [aegis, borealis, coral, delta, fjord];
const trustByRound = new Map<bigint, bigint[]>(active.map((org) => [org.id, []]));
async function snapshot() {
  const block = await ethers.provider.getBlockNumber();
  for (const org of active) {
    const { trust } = await getOrganization({ registry, ledger, orgId: org.id, blockTag: block });
    trustByRound.get(org.id)!.push(trust);
  }
}

const scores = (quality: string, quantity: string, integrity: string, intent: string) => ({
  quality: toFixed(quality),
  quantity: toFixed(quantity),
  integrity: toFixed(integrity),
  intent: toFixed(intent),
});
// One contribution per organization and round; the platform and peers rate the same contribution id.
const rating = (org: Org, round: number, s: RatingInput["scores"], by = "platform"): RatingInput => ({
  orgId: org.id,
  contributionId: id(`contribution:${org.name}:round-${round}`),
  scores: s,
  evidenceHash: id(`evaluation:${org.name}:round-${round}:${by}`),
});

async function noteSignal(
  round: number,
  transaction: { blockNumber: number; transactionHash: string },
  signal: LowIntegritySignal | undefined,
  rated: RatedContribution,
) {
  if (signal === undefined) return;
  const block = transaction.blockNumber;
  const org = orgs.find((o) => o.id === signal.orgId)!;
  // raterOrgId 0 is the platform (its signal reaches the penalty hook); a peer's signal is only recorded.
  const rater = signal.raterOrgId === 0n ? "platform" : `peer #${signal.raterOrgId}`;
  event(
    block,
    `round ${round}: LowIntegritySignalled ${label(org)} by ${rater} (integrity ${f(signal.integrity, 2)}, ` +
      `intent ${f(signal.intent, 2)}), trust ${formatDelta(rated.delta)}`,
  );
  if (signal.raterOrgId !== 0n) return;
  // The penalty hook opens a case with the platform as reporter, or says why it did not.
  const receipt = (await ethers.provider.getTransactionReceipt(transaction.transactionHash))!;
  const opened = parseEvents({ receipt, contract: penalty, eventName: "CaseOpened" }).find(
    (e) => e.args.accusedId === signal.orgId,
  );
  const ignored = parseEvents({ receipt, contract: penalty, eventName: "PlatformSignalIgnored" }).find(
    (e) => e.args.contributionId === signal.contributionId,
  );
  if (opened !== undefined) {
    event(
      block,
      `round ${round}: the signal opens penalty case #${opened.args.caseId} (reporter: the platform, no bond)`,
    );
  } else if (ignored !== undefined) {
    event(
      block,
      `round ${round}: PlatformSignalIgnored: case #${ignored.args.openCaseId} against ${label(org)} is open`,
    );
  }
}

// Peers rate only contributions the platform has rated: a peer rating of anything else is refused.
let unknownContribution: string;
try {
  await peerRate({ ledger, signer: aegisAdmin, rating: rating(fjord, 0, scores("1", "1", "1", "1"), "aegis") });
  throw new Error("a peer rated a contribution the platform never rated");
} catch (error) {
  unknownContribution = describeError(error, errorInterfaces);
  if (!unknownContribution.startsWith("TrustLedgerUnknownContribution")) throw error;
}

await snapshot();
for (let round = 1; round <= ROUNDS; round++) {
  await networkHelpers.mine(BLOCKS_PER_DAY, { interval: 2 });
  const bad = BAD_ROUNDS.includes(round);
  const platformRatings = [
    rating(aegis, round, scores("0.90", "0.80", "0.95", "0.95")),
    rating(coral, round, scores("0.55", "0.50", "0.60", "0.60")),
    rating(delta, round, bad ? scores("0.40", "0.60", "0.15", "0.20") : scores("0.85", "0.70", "0.90", "0.90")),
    rating(fjord, round, scores("0.75", "0.65", "0.80", "0.80")),
  ];
  if (round === BATCH_ROUND) {
    // One bad item: a contribution credited to the rejected Echo Trading.
    const batch = await rateBatch({
      ledger,
      assessor: platform,
      ratings: [...platformRatings, rating(echo, round, scores("0.80", "0.80", "0.80", "0.80"))],
    });
    for (const signal of batch.signals) {
      await noteSignal(
        round,
        batch,
        signal,
        batch.rated.find((r) => r.contributionId === signal.contributionId)!,
      );
    }
    for (const skip of batch.skipped) {
      const org = orgs.find((o) => o.id === skip.orgId)!;
      event(batch.blockNumber, `round ${round}: batch item ${skip.index} (${label(org)}) skipped: ${skip.error}`);
    }
    event(
      batch.blockNumber,
      `round ${round}: rateBatch applied ${batch.applied} of ${batch.applied + batch.skipped.length}`,
    );
  } else {
    for (const item of platformRatings) {
      const rated = await rate({ ledger, assessor: platform, rating: item });
      await noteSignal(round, rated, rated.signal, rated);
    }
  }
  // Peer ratings of the contributions the platform has just rated: Aegis rates Fjord's; Fjord's analyst (a member
  // account) rates Coral's; in Delta's last bad round Borealis rates Delta's too.
  await peerRate({
    ledger,
    signer: aegisAdmin,
    rating: rating(fjord, round, scores("0.80", "0.70", "0.85", "0.85"), "aegis"),
  });
  await peerRate({
    ledger,
    signer: analyst,
    rating: rating(coral, round, scores("0.60", "0.50", "0.65", "0.65"), "fjord"),
  });
  if (round === BAD_ROUNDS.at(-1)) {
    const peer = await peerRate({
      ledger,
      signer: borealisAdmin,
      rating: rating(delta, round, scores("0.30", "0.60", "0.20", "0.30"), "borealis"),
    });
    await noteSignal(round, peer, peer.signal, peer);
  }
  await snapshot();
}

// ----------------------------------------------------------------- 6. results

say(`5. Trust after each round (round = 1 day = ${BLOCKS_PER_DAY} blocks; R0 = after admission)`);
say(`   Peers rate only contributions the platform rated first (else ${unknownContribution.split("(")[0]}).`);
say(
  `   Probation: until the platform has rated ${p.probationRatings} of a member's contributions, no rating lifts it ` +
    `above the initial cap ${w(p.privateInitialCap)}; losses count in full.`,
);
const headers = ["organization", ...Array.from({ length: ROUNDS + 1 }, (_, r) => `R${r}`)];
say(
  renderTable(
    headers,
    active.map((org) => [label(org), ...trustByRound.get(org.id)!.map((v) => f(v))]),
    { indent: "   ", gap: 1 },
  ),
);

say("6. Key events (block, event)");
for (const line of events) say(`  ${line}`);

// ----------------------------------------------------------------- 7. penalty cases

const pp = await penalty.parameters();
const pct = (share: bigint) => `${formatFixed(share * 100n, 0)}%`;
const short = (hex: string) => `${hex.slice(0, 10)}…`;
/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const rows = [""];
  for (const word of text.split(" ")) {
    const last = rows.length - 1;
    if (rows[last] === "") rows[last] = word;
    else if (rows[last].length + 1 + word.length <= width) rows[last] += ` ${word}`;
    else rows.push(word);
  }
  return rows;
}
const line = (block: number | bigint, text: string) => say(`  ${String(block).padStart(7)}  ${text}`);
const latestBlock = () => ethers.provider.getBlockNumber();
const trustAt = async (org: Org, blockTag: number) =>
  (await getOrganization({ registry, ledger, orgId: org.id, blockTag })).trust;
/** Mines until the latest block is `block`, so that the next transaction lands in `block + 1`. */
async function mineTo(block: bigint) {
  const latest = BigInt(await latestBlock());
  if (block > latest) await networkHelpers.mine(block - latest, { interval: 2 });
}
/** Runs `attempt`, which must revert with `expected`; returns the decoded error line. */
async function refused(attempt: () => Promise<unknown>, expected: string): Promise<string> {
  try {
    await attempt();
  } catch (error) {
    const described = describeError(error, errorInterfaces);
    if (!described.startsWith(expected)) throw error;
    return described;
  }
  throw new Error(`expected ${expected}`);
}
const caseRows: string[][] = [];
function tabulate(c: GetCaseReturnType, reporter: string, resolution: string) {
  const accused = orgs.find((o) => o.id === c.accusedId)!;
  caseRows.push([
    `#${c.caseId}`,
    label(accused),
    reporter,
    c.state,
    f(c.expelWeight),
    f(c.keepWeight),
    f(c.abstainWeight),
    f(c.quorum),
    c.voteOutcome ?? "",
    resolution,
  ]);
}

say(
  `7. Penalty cases, demo periods in blocks: voting delay ${pp.votingDelay}, voting period ${pp.votingPeriod}, ` +
    `ratification window ${pp.ratificationWindow}`,
);
const d = defaultPenaltyParameters;
const rules =
  `(defaults ${d.votingDelay}, ${d.votingPeriod}, ${d.ratificationWindow}). A reporter needs trust >= ` +
  `${f(pp.reportingThreshold, 2)} and locks ${pct(pp.bondShare)} of it as a bond; the reporter and the accused do ` +
  `not vote; votes weigh the trust at the snapshot (the block before the flag); quorum ${pct(pp.quorumShare)} of ` +
  `the total trust then; expulsion needs >= ${pct(pp.expelThreshold)} of Expel+Keep; a vote that met its quorum ` +
  `with an Expel share under ${pct(pp.misuseThreshold)} is a misuse; recommenders of an expelled member lose ` +
  `${pct(pp.liabilityShare)} of their trust.`;
for (const row of wrap(rules, 116)) say(`   ${row}`);

// The platform's round-5 signal opened a case nobody voted on: it blocks a member's flag until someone ends it.
const platformCase = await getCase({ penalty, caseId: await penalty.openCaseOf(delta.id) });
const alreadyOpen = await refused(
  () =>
    flag({
      penalty,
      signer: analyst,
      accusedId: delta.id,
      reasonCode: Reason.MaliciousContributions,
      evidenceHash: id("evidence:delta-intel:rounds-5-7"),
    }),
  "PenaltyCasesCaseAlreadyOpen",
);
line(await latestBlock(), `#6 Fjord Data's analyst flags ${label(delta)}: refused, ${alreadyOpen}`);
const stale = await execute({ penalty, signer: bystander, caseId: platformCase.caseId });
line(
  stale.blockNumber,
  `case #${stale.caseId}: no votes (quorum ${f(platformCase.quorum)} not met) -> ${platformCase.state}; ` +
    `deadline ${platformCase.ratificationDeadline} passed: anyone executes, ${stale.resolution}`,
);
tabulate(await getCase({ penalty, caseId: stale.caseId }), "platform", "executed: kept");

// (a) The organization that turned bad is flagged, voted out and expelled.
const flagged = await flag({
  penalty,
  signer: analyst,
  accusedId: delta.id,
  reasonCode: Reason.MaliciousContributions,
  evidenceHash: id("evidence:delta-intel:rounds-5-7"),
});
const fjordBonded = [await trustAt(fjord, flagged.blockNumber - 1), await trustAt(fjord, flagged.blockNumber)];
line(
  flagged.blockNumber,
  `case #${flagged.caseId}: ${label(fjord)} (analyst ${short(analyst.address)}) flags ${label(delta)}, reason ` +
    `${flagged.reasonCode}, evidence ${short(flagged.evidenceHash)}`,
);
line(
  flagged.blockNumber,
  `  bond ${f(flagged.bond)} locked (trust ${f(fjordBonded[0])} -> ${f(fjordBonded[1])}); snapshot ` +
    `${flagged.snapshot}, voting ${flagged.voteStart}-${flagged.voteEnd}, quorum ${f(flagged.quorum)}`,
);
await mineTo(flagged.voteStart - 1n);
const caseA = flagged.caseId;
const voted = (v: { blockNumber: number; voterOrgId: bigint; support: string; weight: bigint }, how = "") =>
  line(v.blockNumber, `  vote: ${label(orgs.find((o) => o.id === v.voterOrgId)!)} ${v.support} ${f(v.weight)}${how}`);
voted(await castVote({ penalty, signer: aegisAdmin, caseId: caseA, support: VoteType.Expel }));
// Borealis votes through a new member account that holds no funds: it signs offline and the platform relays.
const officer = new Wallet(id("credence-demo:borealis-officer")); // no provider: it can only sign
await addMember({ registry, admin: borealisAdmin, orgId: borealis.id, account: officer.address });
const signed = await signVote({ penalty, voter: officer, caseId: caseA, support: VoteType.Expel });
const relayed = await relayVote({ penalty, relayer: platform, ...signed });
const balance = await ethers.provider.getBalance(officer.address);
const funds = balance === 0n ? "no funds" : `${formatEther(balance)} ETH`;
voted(relayed, `, signed offline by ${short(officer.address)} (${funds}), relayed by the platform`);
voted(await castVote({ penalty, signer: coralAdmin, caseId: caseA, support: VoteType.Keep }));
// Fjord Data, the reporter, has had its say by flagging: it cannot vote on its own case.
const reporterVote = await refused(
  () => castVote({ penalty, signer: fjordAdmin, caseId: caseA, support: VoteType.Expel }),
  "PenaltyCasesReporterCannotVote",
);
line(await latestBlock(), `  vote: ${label(fjord)} (the reporter) refused: ${reporterVote}`);
await mineTo(flagged.voteEnd);
const outcomeA = await finalize({ penalty, signer: bystander, caseId: caseA });
const concludedA = await getCase({ penalty, caseId: caseA });
if (outcomeA.outcome !== "Succeeded") throw new Error(`case #${caseA} was ${outcomeA.outcome}, not Succeeded`);
line(
  outcomeA.blockNumber,
  `case #${caseA} finalized: ${outcomeA.outcome}, Expel share ${pct(concludedA.expelShare)} (>= ` +
    `${pct(concludedA.expelThreshold)}), cast ${f(concludedA.castWeight)} (quorum ${f(outcomeA.quorum)})`,
);
const ratifiedA = await ratify({
  penalty,
  ratifier: governance,
  caseId: caseA,
  expel: true,
  reasonHash: id("ratifier:case-2:confirmed"),
});
const deltaAfter = await getOrganization({ registry, ledger, orgId: delta.id, blockTag: ratifiedA.blockNumber });
line(
  ratifiedA.blockNumber,
  `case #${caseA} ratified by governance (overturned: ${ratifiedA.overturned}): ${label(delta)} ` +
    `${deltaAfter.status}, trust ${f(deltaAfter.trust)}`,
);
const fjordReleased = [await trustAt(fjord, ratifiedA.blockNumber - 1), await trustAt(fjord, ratifiedA.blockNumber)];
line(
  ratifiedA.blockNumber,
  `  bond ${f(ratifiedA.bondReleased ?? 0n)} back to ${label(fjord)} (trust ${f(fjordReleased[0])} -> ` +
    `${f(fjordReleased[1])})`,
);
for (const recommenderId of await registry.recommendersOf(delta.id)) {
  const liable = await applyLiability({ penalty, ledger, signer: bystander, caseId: caseA, recommenderId });
  const org = orgs.find((o) => o.id === recommenderId)!;
  line(
    liable.blockNumber,
    `  liability of recommender ${label(org)}: trust ${f(liable.trustBefore)} -> ${f(liable.trustAfter)} ` +
      `(${formatDelta(-liable.amount)})`,
  );
}
tabulate(await getCase({ penalty, caseId: caseA }), label(fjord), "ratified: expelled");

// (b) A false flag: the community keeps the organization, the ratifier stays silent, the reporter pays.
const falseFlag = await flag({
  penalty,
  signer: coralAdmin,
  accusedId: fjord.id,
  reasonCode: Reason.DataLeak,
  evidenceHash: id("evidence:fjord-data:alleged-leak"),
});
const coralBonded = [await trustAt(coral, falseFlag.blockNumber - 1), await trustAt(coral, falseFlag.blockNumber)];
line(
  falseFlag.blockNumber,
  `case #${falseFlag.caseId}: ${label(coral)} flags ${label(fjord)}, reason ${falseFlag.reasonCode}, bond ` +
    `${f(falseFlag.bond)} (trust ${f(coralBonded[0])} -> ${f(coralBonded[1])}), quorum ${f(falseFlag.quorum)}`,
);
const caseB = falseFlag.caseId;
await mineTo(falseFlag.voteStart - 1n);
voted(await castVote({ penalty, signer: aegisAdmin, caseId: caseB, support: VoteType.Keep }));
voted(await castVote({ penalty, signer: borealisAdmin, caseId: caseB, support: VoteType.Abstain }));
const expelledVote = await refused(
  () => castVote({ penalty, signer: deltaAdmin, caseId: caseB, support: VoteType.Expel }),
  "PenaltyCasesNotActiveMember",
);
line(await latestBlock(), `  vote: ${label(delta)}'s admin tries to vote, refused (its organization is expelled):`);
say(`             ${expelledVote}`);
const openB = await getCase({ penalty, caseId: caseB });
await mineTo(openB.ratificationDeadline);
const executedB = await execute({ penalty, signer: bystander, caseId: caseB });
line(
  executedB.blockNumber,
  `case #${caseB}: the ratifier stayed silent; after block ${openB.ratificationDeadline} anyone executes it: ` +
    `${executedB.finalized?.outcome} -> ${executedB.resolution}`,
);
const forfeited = executedB.bondForfeited;
const misuse = executedB.misuse;
if (forfeited === undefined || misuse === undefined) throw new Error("the false flag was not found a misuse");
// Only a vote that met its quorum judges the flag: community silence would have released the bond.
const closedB = await getCase({ penalty, caseId: caseB });
line(
  executedB.blockNumber,
  `  the vote met its quorum (cast ${f(closedB.castWeight)} >= ${f(closedB.quorum)}) with an Expel share of ` +
    `${pct(forfeited.expelShare)} (< ${pct(pp.misuseThreshold)}): a misuse`,
);
line(
  executedB.blockNumber,
  `  bond ${f(forfeited.amount)} of ${label(coral)} forfeited; misuse ${misuse.misuses} of ${pp.maxMisuses} ` +
    `recorded, ${misuse.barredUntil === 0n ? "not barred yet" : `barred until ${misuse.barredUntil}`}`,
);
tabulate(closedB, label(coral), "executed: kept, misuse");
say(
  renderTable(
    ["case", "accused", "reporter", "state", "Expel", "Keep", "Abstain", "quorum", "vote", "resolution"],
    caseRows,
    { indent: "   ", align: ["left", "left", "left", "left", "right", "right", "right", "right", "left", "left"] },
  ),
);

// ----------------------------------------------------------------- 8. final state

const history = await getTrustHistory({ ledger, fromBlock: deployedAt });
const end = await getCommunity({ registry, ledger });
const finalRows = [];
let sumOfCurrent = 0n;
for (const org of orgs) {
  const o = await getOrganization({ registry, ledger, orgId: org.id, blockTag: end.blockNumber });
  sumOfCurrent += o.trust;
  const changes = history.filter((h) => h.orgId === org.id).length;
  const first = trustByRound.get(org.id)?.[0];
  finalRows.push([
    label(org),
    org.role,
    o.status,
    String(o.memberCount),
    f(o.trust),
    first === undefined ? "" : formatDelta(o.trust - first),
    String(changes),
  ]);
}
say(`8. Final state at block ${end.blockNumber}`);
say(
  renderTable(["organization", "behaviour", "status", "accounts", "trust", "vs R0", "TrustChanged"], finalRows, {
    indent: "   ",
    align: ["left", "left", "left"],
  }),
);
say(
  `   total trust ${f(end.totalTrust)} (recorded values); current trust sums to ${f(sumOfCurrent)}: ` +
    `${f(end.totalTrust - sumOfCurrent)} of decay is pending until written`,
);
say(`   ${history.length} TrustChanged events; ${end.organizationCount} organizations registered`);
say(
  `Story told in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
    `(${process.uptime().toFixed(1)} s since start).`,
);
