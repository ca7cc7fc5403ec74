import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { getBytes, id, keccak256, MaxUint256, toUtf8Bytes, Wallet } from "ethers";
import { network } from "hardhat";

import { CaseState, Level, ONE, VoteType } from "../../src/constants.js";
import { defaultPenaltyParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import { totalCheckpointCount } from "../../scripts/lib/totalCheckpoints.js";
import { type Connection, deploySuite, profileOf, type Suite } from "../helpers/fixtures.js";
import { signBallot } from "../penalty/helpers.js";

/**
 * Constant cost: the gas of a join, a recommendation, an activation, a platform rating, a peer rating (of the
 * contribution the platform rated), a member addition and a profile edit is the same (within 2%) in a community of
 * 10 organizations and in one of 1,000.
 *
 * Both communities are populated honestly, through real transactions (a `requestJoin` by each organization's own
 * admin account and an `activate` by the assessor), each on its own in-process chain. Then the same scenario runs
 * on both and every step's `gasUsed` is read from its receipt. For the comparison to measure the community's size
 * and nothing else, the conditions are made identical:
 * - every step is its own transaction, so EIP-2929 warm/cold state starts empty each time and touches the same
 *   kinds of slots (the touched organizations play the same roles in both communities);
 * - the founders (organizations 1-4, used as recommenders and as the peer rater) join first, identically, and both
 *   chains are then mined to the same block before the scenario, so every "blocks since the last write" that the
 *   lazy decay computes is the same (TrustMath.decayFactor's cost depends on it);
 * - the total trust's history is packed two checkpoints to a slot, so an activation or a rating costs more when it
 *   starts a slot of it than when it fills one: the number of the total's checkpoints has the same parity on both
 *   chains before the scenario (the founders and each activation take a block each: 10 and 1,000 blocks);
 * - the same accounts, identity, scores and profile strings are used. The only calldata difference is the
 *   candidate's id (11 against 1001), which costs 12 more gas per extra non-zero byte (EIP-2028): the table shows
 *   each transaction's calldata gas and the execution gas without it (gasUsed - 21000 - calldata gas).
 *
 * Penalty cases (issue 3): vote, finalize, ratify and execute cost the same with 10 and with 1,000 voting
 * organizations. On both chains, after the registry scenario and under the same short penalty parameters
 * (Ignition `penaltyParameters`), four more organizations join (the second accused, the two measured voters and
 * the reporter), the reporter flags the candidate (case 1) and the second accused (case 2), and every one of the
 * community's first N organizations (N = 10 or 1,000) votes on both cases (the reporter organization cannot vote on
 * a case it opened, so it is not among them): the votes are sent without awaiting each receipt, then every
 * `hasVoted` and every tally is checked from the state against the voters' trust at the snapshot. Then, at the same blocks on both chains, one more `castVote` and one more
 * `castVoteBySig` (relayed) on case 1, `finalize` and `ratify` (confirming the expulsion) of case 1 once voting
 * has ended, and `execute` of case 2 (its vote defeated, the ratifier silent) after its ratification deadline
 * are measured. The two flags are measured too: their quorum reads `totalTrustAt(snapshot)`, whose fast path makes
 * it constant. The measured organizations have the same history and the same elapsed blocks on both chains, and
 * the tallies they add to are non-zero on both, so every storage write costs the same. Calldata is identical for
 * the votes, finalize, ratify and execute (the same case ids, and the same ballot signature, since the chain id,
 * the proxy's address, the ballot and the key are the same); a flag carries the accused's id (11 or 12 against
 * 1001 or 1002), again 12 gas for the extra non-zero byte.
 */

const SMALL = 10;
const LARGE = 1_000;
/** Founders: organizations 1..FOUNDERS, the recommenders and the peer rater of the scenario. */
const FOUNDERS = 4;
const RECOMMENDATIONS = 3;
const MAX_SPREAD_PERCENT = 2;

const DE = countryCode("DE");
const CANDIDATE_IDENTITY = id("gas:candidate");
const [CANDIDATE_PROFILE_HASH, CANDIDATE_PROFILE_URI] = profileOf("gas:candidate");
const [EDITED_PROFILE_HASH, EDITED_PROFILE_URI] = profileOf("gas:candidate:edited");

const REGISTRY_OPERATIONS = [
  "requestJoin",
  ...Array.from({ length: RECOMMENDATIONS }, (_, i) => `recommend #${i + 1}`),
  `activate (${RECOMMENDATIONS} recommendations)`,
  "rate (assessor)",
  "peerRate",
  "addMember",
  "setProfile",
];

const FLAG_OPERATIONS = ["flag (case 1)", "flag (case 2)"];

const VOTE_OPERATIONS = [
  "castVote",
  "castVoteBySig (relayed)",
  "finalize",
  "ratify (confirms expulsion)",
  "execute (after the deadline)",
];

/** Each measured operation and what grows from the small community to the large one. */
const OPERATIONS = [
  ...REGISTRY_OPERATIONS.map((operation) => ({ operation, grows: "organizations" })),
  ...FLAG_OPERATIONS.map((operation) => ({ operation, grows: "organizations" })),
  ...VOTE_OPERATIONS.map((operation) => ({ operation, grows: "voting organizations" })),
];

/**
 * Short penalty periods: voting opens the block after a flag and lasts long enough for the large community's
 * bulk votes (one block each under automining); the ratifier has a few blocks. One reporter flags twice, so its
 * bond is small enough to leave it above the reporting threshold for the second flag (the bond's size does not
 * change the gas: it is one trust adjustment either way).
 */
const PENALTY_PARAMETERS = {
  ...defaultPenaltyParameters,
  bondShare: 5n * 10n ** 16n,
  votingDelay: 1n,
  votingPeriod: BigInt(3 * LARGE),
  ratificationWindow: 10n,
};

/** The signed-ballot deadline (a timestamp): far away and the same on both chains. */
const BALLOT_DEADLINE = MaxUint256;

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
const stringify = (value: object): unknown =>
  JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));

interface Measurement {
  gasUsed: bigint;
  calldataGas: bigint;
  /** The block the transaction was mined in: the same on both chains. */
  block: number;
}

/** EIP-2028 calldata cost: 4 gas per zero byte, 16 per non-zero byte. */
function calldataGas(data: string): bigint {
  return getBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
}

interface Community {
  connection: Connection;
  suite: Suite;
  size: number;
  /** The admins of organizations FOUNDERS + 1 .. size, in order; their next nonce is 1. */
  wallets: Wallet[];
  populateMs: number;
}

/**
 * Deploys the suite on a fresh chain and fills it to `size` Active organizations: the founders first (default
 * accounts 2..5), then `size - FOUNDERS` organizations whose admins are fresh funded wallets. Transactions are
 * sent without awaiting each receipt; the result is checked from the state at the end.
 */
async function populate(size: number): Promise<Community> {
  const started = Date.now();
  const connection = await network.create();
  const { ethers, networkHelpers, provider } = connection;
  const signers = await ethers.getSigners();
  const assessor = signers[1];
  const suite = await deploySuite(connection, {
    assessor: assessor.address,
    penaltyParameters: stringify(PENALTY_PARAMETERS),
  });
  const { registry, ledger } = suite;
  const registryAddress = await registry.getAddress();

  for (const founder of signers.slice(2, 2 + FOUNDERS)) {
    const [profileHash, profileURI] = profileOf(`founder:${founder.address}`);
    await registry.connect(founder).requestJoin(id(`founder:${founder.address}`), DE, profileHash, profileURI);
    const orgId = await registry.organizationOf(founder.address);
    await registry.connect(assessor).activate(orgId, Level.High, Level.Medium);
  }

  const fill = size - FOUNDERS;
  const wallets = Array.from(
    { length: fill },
    (_, i) => new Wallet(keccak256(toUtf8Bytes(`credence:gas:member:${i}`)), ethers.provider),
  );
  await Promise.all(wallets.map((wallet) => networkHelpers.setBalance(wallet.address, ONE)));
  const { chainId } = await ethers.provider.getNetwork();
  const { maxFeePerGas } = await ethers.provider.getFeeData();
  const signed = await Promise.all(
    wallets.map((wallet, i) => {
      const [profileHash, profileURI] = profileOf(`member:${i}`);
      return wallet.signTransaction({
        type: 2,
        chainId,
        nonce: 0,
        to: registryAddress,
        data: registry.interface.encodeFunctionData("requestJoin", [id(`member:${i}`), DE, profileHash, profileURI]),
        gasLimit: 500_000n,
        maxFeePerGas: maxFeePerGas! * 4n,
        maxPriorityFeePerGas: 0n,
      });
    }),
  );
  await Promise.all(signed.map((raw) => provider.request({ method: "eth_sendRawTransaction", params: [raw] })));
  await Promise.all(
    Array.from({ length: fill }, (_, i) =>
      provider.request({
        method: "eth_sendTransaction",
        params: [
          {
            from: assessor.address,
            to: registryAddress,
            data: registry.interface.encodeFunctionData("activate", [
              BigInt(FOUNDERS + 1 + i),
              Level.High,
              Level.Medium,
            ]),
            gas: "0x" + (500_000).toString(16),
          },
        ],
      }),
    ),
  );

  // Every organization joined and is Active, each with the same initial trust (same grades, country, no
  // recommendation): the total is exactly size times the first one's.
  expect(await registry.organizationCount()).to.equal(BigInt(size));
  const [firstTrust] = await ledger.recordedTrustOf(1n);
  const [lastTrust] = await ledger.recordedTrustOf(BigInt(size));
  expect(lastTrust).to.equal(firstTrust);
  expect(await ledger.totalTrust()).to.equal(firstTrust * BigInt(size));
  for (const orgId of [1n, BigInt(FOUNDERS + 1), BigInt(size)]) {
    expect(await registry.isActiveMember(await registry.organization(orgId).then((o) => o.admin))).to.equal(true);
  }
  return { connection, suite, size, wallets, populateMs: Date.now() - started };
}

/** The measured scenario; identical on every community. */
async function runScenario(community: Community): Promise<Map<string, Measurement>> {
  const { connection, suite, size } = community;
  const { registry, ledger } = suite;
  const signers = await connection.ethers.getSigners();
  const [, assessor] = signers;
  const founders = signers.slice(2, 2 + FOUNDERS);
  const candidate = signers[10];
  const newMember = signers[11];
  const results = new Map<string, Measurement>();
  const measure = measurer(results);
  const scores = { quality: toFixed("0.9"), quantity: toFixed("0.8"), integrity: ONE, intent: ONE };

  await measure(
    "requestJoin",
    registry.connect(candidate).requestJoin(CANDIDATE_IDENTITY, DE, CANDIDATE_PROFILE_HASH, CANDIDATE_PROFILE_URI),
  );
  const candidateId = BigInt(size + 1);
  expect(await registry.organizationOf(candidate.address)).to.equal(candidateId);
  for (let i = 0; i < RECOMMENDATIONS; i += 1) {
    await measure(`recommend #${i + 1}`, registry.connect(founders[i]).recommend(candidateId, toFixed("0.8")));
  }
  await measure(
    `activate (${RECOMMENDATIONS} recommendations)`,
    registry.connect(assessor).activate(candidateId, Level.High, Level.Medium),
  );
  await measure(
    "rate (assessor)",
    ledger.connect(assessor).rate({
      orgId: candidateId,
      contributionId: id("gas:contribution:1"),
      scores,
      evidenceHash: id("gas:evidence:1"),
    }),
  );
  // A peer rates the contribution the platform has just rated (peers rate only platform-rated contributions).
  await measure(
    "peerRate",
    ledger.connect(founders[FOUNDERS - 1]).peerRate({
      orgId: candidateId,
      contributionId: id("gas:contribution:1"),
      scores,
      evidenceHash: id("gas:evidence:2"),
    }),
  );
  expect(await ledger.hasRated(candidateId, id("gas:contribution:1"), BigInt(FOUNDERS))).to.equal(true);
  await measure("addMember", registry.connect(candidate).addMember(candidateId, newMember.address));
  await measure(
    "setProfile",
    registry.connect(candidate).setProfile(candidateId, EDITED_PROFILE_HASH, EDITED_PROFILE_URI),
  );
  return results;
}

/** Records each sent transaction's gasUsed and calldata gas in `results` under `name`. */
function measurer(results: Map<string, Measurement>) {
  return async (name: string, send: Promise<{ wait(): Promise<unknown>; data: string }>) => {
    const tx = await send;
    const receipt = (await tx.wait()) as { gasUsed: bigint; status: number; blockNumber: number };
    expect(receipt.status, name).to.equal(1);
    results.set(name, { gasUsed: receipt.gasUsed, calldataGas: calldataGas(tx.data), block: receipt.blockNumber });
  };
}

// ------------------------------------------------------------------ penalty cases

/** How organization `orgId` (1..N) votes on each case: case 1 succeeds (Expel ~2/3 of Expel + Keep), case 2 is
 * defeated (Expel ~1/2) without being a misuse (Expel share above 20%), whatever N. */
const supportOf = {
  1: (orgId: number) => (orgId % 4 === 0 ? VoteType.Keep : orgId % 4 === 1 ? VoteType.Abstain : VoteType.Expel),
  2: (orgId: number) => (orgId % 3 === 0 ? VoteType.Expel : orgId % 3 === 1 ? VoteType.Keep : VoteType.Abstain),
} as const;

/** The penalty scenario on one chain. */
interface PenaltyRun {
  community: Community;
  results: Map<string, Measurement>;
  ratifier: HardhatEthersSigner;
  /** The admin of organization N + 5: flags both cases, and votes on neither (a reporter cannot). */
  reporter: HardhatEthersSigner;
  reporterId: bigint;
  /** Votes with castVote (measured). */
  voter: HardhatEthersSigner;
  /** Signs a ballot that `relayer` submits (measured). */
  ballotSigner: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  /** Case 1 accuses the registry scenario's candidate (N + 1), case 2 organization N + 2. */
  accused: { 1: bigint; 2: bigint };
  /** The ballot signature, to compare across chains. */
  signature?: string;
  bulkVotesMs?: number;
}

/**
 * Four organizations join (the second accused, the two measured voters and the reporter: N + 2 .. N + 5), then the
 * reporter flags the candidate (case 1) and organization N + 2 (case 2); both flags are measured.
 */
async function openCases(community: Community): Promise<PenaltyRun> {
  const { connection, suite, size } = community;
  const { registry, penalty } = suite;
  const signers = await connection.ethers.getSigners();
  const [ratifier, assessor] = signers;
  const [accusedAdmin, voter, ballotSigner, relayer, reporter] = signers.slice(12, 17);
  for (const [i, admin] of [accusedAdmin, voter, ballotSigner, reporter].entries()) {
    const [profileHash, profileURI] = profileOf(`gas:penalty:${i}`);
    await registry.connect(admin).requestJoin(id(`gas:penalty:${i}`), DE, profileHash, profileURI);
    const orgId = await registry.organizationOf(admin.address);
    expect(orgId).to.equal(BigInt(size + 2 + i));
    await registry.connect(assessor).activate(orgId, Level.High, Level.Medium);
  }
  const run: PenaltyRun = {
    community,
    results: new Map(),
    ratifier,
    reporter,
    reporterId: BigInt(size + 5),
    voter,
    ballotSigner,
    relayer,
    accused: { 1: BigInt(size + 1), 2: BigInt(size + 2) },
  };
  const measure = measurer(run.results);
  await measure("flag (case 1)", penalty.connect(reporter).flag(run.accused[1], 1, id("gas:evidence:case1")));
  await measure("flag (case 2)", penalty.connect(reporter).flag(run.accused[2], 1, id("gas:evidence:case2")));
  expect(await penalty.caseCount()).to.equal(2n);
  expect(await penalty.openCaseOf(run.accused[1])).to.equal(1n);
  expect(await penalty.openCaseOf(run.accused[2])).to.equal(2n);
  for (const caseId of [1n, 2n]) expect((await penalty.getCase(caseId)).reporterId).to.equal(run.reporterId);
  return run;
}

/**
 * Organizations 1..N vote on case `caseId` as `supportOf` says: the founders through the node's accounts, the
 * others from their own wallets (signed here, nonce `nonce`), all sent at once without awaiting each receipt.
 */
async function castBulkVotes(run: PenaltyRun, caseId: 1 | 2, nonce: number): Promise<void> {
  const { connection, suite, wallets } = run.community;
  const { ethers, provider } = connection;
  const penaltyAddress = await suite.penalty.getAddress();
  const founders = (await ethers.getSigners()).slice(2, 2 + FOUNDERS);
  const data = (orgId: number) =>
    suite.penalty.interface.encodeFunctionData("castVote", [BigInt(caseId), supportOf[caseId](orgId)]);
  const { chainId } = await ethers.provider.getNetwork();
  const { maxFeePerGas } = await ethers.provider.getFeeData();
  const signed = await Promise.all(
    wallets.map((wallet, i) =>
      wallet.signTransaction({
        type: 2,
        chainId,
        nonce,
        to: penaltyAddress,
        data: data(FOUNDERS + 1 + i),
        gasLimit: 300_000n,
        maxFeePerGas: maxFeePerGas! * 4n,
        maxPriorityFeePerGas: 0n,
      }),
    ),
  );
  await Promise.all([
    ...founders.map((founder, i) =>
      provider.request({
        method: "eth_sendTransaction",
        params: [{ from: founder.address, to: penaltyAddress, data: data(i + 1), gas: "0x" + (300_000).toString(16) }],
      }),
    ),
    ...signed.map((raw) => provider.request({ method: "eth_sendRawTransaction", params: [raw] })),
  ]);
}

/**
 * Checks the bulk votes from the state: organizations 1..N have voted on the case, the measured voters and the
 * reporter have not, and each tally is exactly the sum of its voters' trust at the snapshot.
 */
async function checkBulkVotes(run: PenaltyRun, caseId: 1 | 2): Promise<void> {
  const { suite, size } = run.community;
  const { penalty, ledger } = suite;
  const c = await penalty.getCase(caseId);
  const orgIds = Array.from({ length: size }, (_, i) => i + 1);
  const [voted, weights] = await Promise.all([
    Promise.all(orgIds.map((orgId) => penalty.hasVoted(caseId, orgId))),
    Promise.all(orgIds.map((orgId) => ledger.trustAt(orgId, c.snapshot))),
  ]);
  expect(voted.filter((v) => !v).length, `organizations that did not vote on case ${caseId}`).to.equal(0);
  for (const orgId of [size + 3, size + 4, size + 5]) expect(await penalty.hasVoted(caseId, orgId)).to.equal(false);
  const tallies = [0n, 0n, 0n];
  for (const [i, orgId] of orgIds.entries()) tallies[supportOf[caseId](orgId)] += weights[i];
  expect([c.keepWeight, c.expelWeight, c.abstainWeight], `case ${caseId} tallies`).to.deep.equal(tallies);
  expect(tallies.every((tally) => tally > 0n)).to.equal(true);
  expect(await penalty.state(caseId)).to.equal(CaseState.Active);
}

/** `signer`'s EIP-712 ballot (its current nonce). */
async function signRunBallot(run: PenaltyRun, caseId: bigint, support: number): Promise<string> {
  const { penalty } = run.community.suite;
  const signer = run.ballotSigner;
  const chainId = (await run.community.connection.ethers.provider.getNetwork()).chainId;
  const nonce = await penalty.nonces(signer.address);
  return signBallot(signer, penalty, chainId, {
    caseId,
    support,
    voter: signer.address,
    nonce,
    deadline: BALLOT_DEADLINE,
  });
}

/** One more castVote and one more castVoteBySig on case 1, measured. */
async function measureVotes(run: PenaltyRun): Promise<void> {
  const { penalty } = run.community.suite;
  const { size } = run.community;
  const measure = measurer(run.results);
  run.signature = await signRunBallot(run, 1n, VoteType.Keep);
  await measure("castVote", penalty.connect(run.voter).castVote(1n, VoteType.Expel));
  await measure(
    "castVoteBySig (relayed)",
    penalty
      .connect(run.relayer)
      .castVoteBySig(1n, VoteType.Keep, run.ballotSigner.address, BALLOT_DEADLINE, run.signature),
  );
  expect(await penalty.hasVoted(1n, size + 3)).to.equal(true);
  expect(await penalty.hasVoted(1n, size + 4)).to.equal(true);
  expect(await penalty.nonces(run.ballotSigner.address)).to.equal(1n);
}

/** Voting has ended: finalize and ratify case 1 (the ratifier confirms the expulsion), measured. */
async function measureRatification(run: PenaltyRun): Promise<void> {
  const { penalty, registry } = run.community.suite;
  const measure = measurer(run.results);
  expect(await penalty.state(1n)).to.equal(CaseState.Succeeded);
  expect(await penalty.state(2n)).to.equal(CaseState.Defeated);
  await measure("finalize", penalty.connect(run.relayer).finalize(1n));
  await measure("ratify (confirms expulsion)", penalty.connect(run.ratifier).ratify(1n, true, id("gas:ratified")));
  expect(await penalty.state(1n)).to.equal(CaseState.Executed);
  expect(await registry.statusOf(run.accused[1])).to.equal(3); // Expelled
}

/** Case 2's ratification deadline has passed in silence: anyone executes the vote's outcome, measured. */
async function measureExecution(run: PenaltyRun): Promise<void> {
  const { penalty } = run.community.suite;
  const measure = measurer(run.results);
  await measure("execute (after the deadline)", penalty.connect(run.relayer).execute(2n));
  expect(await penalty.state(2n)).to.equal(CaseState.Dismissed);
  expect(await penalty.openCaseOf(run.accused[2])).to.equal(0n);
  // Not a misuse (the quorum was met, the Expel share above the threshold): nothing was counted against the reporter.
  expect((await penalty.reporterRecord(run.reporterId)).misuses).to.equal(0n);
}

/** Mines every chain to the same block: the latest of them plus one, or `target` when given. */
async function alignBlocks(communities: Community[], target?: bigint): Promise<bigint> {
  const to = target ?? BigInt(Math.max(...(await Promise.all(communities.map(blockOf))))) + 1n;
  for (const community of communities) {
    const from = BigInt(await blockOf(community));
    expect(from <= to, `chain at ${from}, past ${to}`).to.equal(true);
    if (to > from) await community.connection.networkHelpers.mine(to - from);
    expect(BigInt(await blockOf(community))).to.equal(to);
  }
  return to;
}

/** Runs the penalty scenario on both chains, phase by phase, each measured phase at the same blocks on both. */
async function runPenaltyScenario(communities: Community[]): Promise<PenaltyRun[]> {
  await alignBlocks(communities);
  const runs: PenaltyRun[] = [];
  for (const community of communities) runs.push(await openCases(community));
  for (const run of runs) {
    const started = Date.now();
    await castBulkVotes(run, 1, 1);
    await castBulkVotes(run, 2, 2);
    run.bulkVotesMs = Date.now() - started;
    await checkBulkVotes(run, 1);
    await checkBulkVotes(run, 2);
  }
  await alignBlocks(communities);
  for (const run of runs) await measureVotes(run);
  // The same cases on both chains, opened at the same blocks: the same voting end and deadlines.
  const [first, second] = await Promise.all(runs.map((run) => run.community.suite.penalty.getCase(2n)));
  expect(second.voteEnd).to.equal(first.voteEnd);
  expect(second.ratificationDeadline).to.equal(first.ratificationDeadline);
  await alignBlocks(communities, first.voteEnd + 1n);
  for (const run of runs) await measureRatification(run);
  // execute's block is the first after case 2's deadline.
  await alignBlocks(communities, first.ratificationDeadline);
  for (const run of runs) await measureExecution(run);
  return runs;
}

const spreadPercent = (a: bigint, b: bigint) => (Number(a > b ? a - b : b - a) * 100) / Number(a < b ? a : b);

describe("constant gas", function () {
  this.timeout(10 * 60_000);

  const measured: Record<"small" | "large", Map<string, Measurement>> = { small: new Map(), large: new Map() };

  before(async function () {
    const started = Date.now();
    const small = await populate(SMALL);
    const large = await populate(LARGE);
    // The same block on both chains: every elapsed-block count in the scenario is then the same.
    await alignBlocks([small, large]);
    // The same parity of the total's checkpoint count: each write of the scenario that moves the total starts (or
    // fills) a slot of its packed history on both chains alike.
    const parities = await Promise.all(
      [small, large].map(
        async ({ connection, suite }) =>
          (await totalCheckpointCount(connection.ethers.provider, await suite.ledger.getAddress())) % 2n,
      ),
    );
    expect(parities[1], "parity of the total's checkpoint count").to.equal(parities[0]);
    measured.small = await runScenario(small);
    measured.large = await runScenario(large);

    const [smallRun, largeRun] = await runPenaltyScenario([small, large]);
    // The relayed ballot is byte for byte the same on both chains (same domain, ballot and key).
    expect(largeRun.signature).to.equal(smallRun.signature);
    for (const [name, measurement] of smallRun.results) measured.small.set(name, measurement);
    for (const [name, measurement] of largeRun.results) measured.large.set(name, measurement);

    const rows = OPERATIONS.map(({ operation }) => {
      const a = measured.small.get(operation)!;
      const b = measured.large.get(operation)!;
      return {
        operation,
        [`gas @${SMALL}`]: Number(a.gasUsed),
        [`gas @${LARGE}`]: Number(b.gasUsed),
        "spread %": spreadPercent(a.gasUsed, b.gasUsed).toFixed(4),
        "calldata gas Δ": Number(b.calldataGas - a.calldataGas),
        [`execution @${SMALL}`]: Number(a.gasUsed - 21_000n - a.calldataGas),
        [`execution @${LARGE}`]: Number(b.gasUsed - 21_000n - b.calldataGas),
      };
    });
    console.log(
      `\n    populated ${SMALL} organizations in ${small.populateMs} ms and ${LARGE} in ${large.populateMs} ms;` +
        ` (${SMALL} and ${LARGE} organizations voted on two cases in ${smallRun.bulkVotesMs} ms and` +
        ` ${largeRun.bulkVotesMs} ms); measured in ${Date.now() - started} ms in all`,
    );
    console.table(rows);
  });

  for (const { operation, grows } of OPERATIONS) {
    describe(operation, function () {
      it(`costs the same (±${MAX_SPREAD_PERCENT}%) with ${SMALL} and with ${LARGE} ${grows}`, function () {
        const a = measured.small.get(operation);
        const b = measured.large.get(operation);
        expect(a, `measured @${SMALL}`).to.not.equal(undefined);
        expect(b, `measured @${LARGE}`).to.not.equal(undefined);
        expect(spreadPercent(a!.gasUsed, b!.gasUsed)).to.be.at.most(MAX_SPREAD_PERCENT);
      });

      it("costs exactly the same execution gas once the calldata difference is taken out", function () {
        // Nothing in the contracts depends on the community's size, so under identical conditions the only
        // difference left is the intrinsic calldata cost of the larger organization id.
        const a = measured.small.get(operation)!;
        const b = measured.large.get(operation)!;
        expect(b.gasUsed - b.calldataGas).to.equal(a.gasUsed - a.calldataGas);
      });

      it("is measured at the same block on both chains", function () {
        // Lazy decay's cost depends on the blocks elapsed since each write: equal blocks, equal conditions.
        expect(measured.large.get(operation)!.block).to.equal(measured.small.get(operation)!.block);
      });
    });
  }
});

async function blockOf(community: Community): Promise<number> {
  return community.connection.ethers.provider.getBlockNumber();
}
