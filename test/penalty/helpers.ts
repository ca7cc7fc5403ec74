import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { id, toBeHex, zeroPadValue, type ContractTransactionResponse, type Signer } from "ethers";

import CredenceModule from "../../deploy/modules/Credence.js";
import { Level } from "../../src/constants.js";
import { defaultPenaltyParameters, type PenaltyParameters } from "../../src/defaults.js";
import { countryCode } from "../../src/fixedPoint.js";
import { decay, mulDiv } from "../../src/trustModel.js";
import type { CredenceAccessManager, EntityRegistry, PenaltyCases, TrustLedger } from "../../types/index.js";
import {
  type Connection,
  fixtureTrustParameters,
  joinAndActivate,
  newIdentity,
  profileOf,
} from "../helpers/fixtures.js";

export { CaseState, ONE, Status, TrustChangeReason, VoteType } from "../../src/constants.js";
export { decay, evolve, mulDiv, scoreOf } from "../../src/trustModel.js";

// ------------------------------------------------------------------ parameters

/**
 * Short penalty parameters so that a whole case runs in a few dozen blocks: voting starts 2 blocks after the
 * flag and lasts 20, the ratifier has 10 more; two misuses within 200 blocks bar the reporter for 50 blocks;
 * recommenders are liable for 1,000 blocks after activation. Shares and thresholds are the defaults.
 */
export const testPenaltyParameters: PenaltyParameters = {
  ...defaultPenaltyParameters,
  votingDelay: 2n,
  votingPeriod: 20n,
  ratificationWindow: 10n,
  misuseWindow: 200n,
  barPeriod: 50n,
  liabilityWindow: 1_000n,
  maxMisuses: 2n,
};

/** The test parameters with some fields replaced. */
export function penaltyParametersWith(overrides: Partial<PenaltyParameters>): PenaltyParameters {
  return { ...testPenaltyParameters, ...overrides };
}

/** The tuple form of a PenaltyParameters struct, in declaration order (as events and views carry it). */
export function penaltyParametersTuple(p: PenaltyParameters): bigint[] {
  return [
    p.reportingThreshold,
    p.bondShare,
    p.quorumShare,
    p.expelThreshold,
    p.misuseThreshold,
    p.liabilityShare,
    p.votingDelay,
    p.votingPeriod,
    p.ratificationWindow,
    p.misuseWindow,
    p.barPeriod,
    p.liabilityWindow,
    p.maxMisuses,
  ];
}

/** Plain bigints from the `parameters()` view. */
export async function penaltyParametersOf(penalty: PenaltyCases): Promise<PenaltyParameters> {
  const p = await penalty.parameters();
  return {
    reportingThreshold: p.reportingThreshold,
    bondShare: p.bondShare,
    quorumShare: p.quorumShare,
    expelThreshold: p.expelThreshold,
    misuseThreshold: p.misuseThreshold,
    liabilityShare: p.liabilityShare,
    votingDelay: p.votingDelay,
    votingPeriod: p.votingPeriod,
    ratificationWindow: p.ratificationWindow,
    misuseWindow: p.misuseWindow,
    barPeriod: p.barPeriod,
    liabilityWindow: p.liabilityWindow,
    maxMisuses: p.maxMisuses,
  };
}

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
function stringify(value: object): unknown {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}

// ------------------------------------------------------------------ small conversions

/** `bytes32(caseId)`: the evidence hash the penalty contract passes with every trust change and expulsion. */
export function caseHash(caseId: bigint): string {
  return zeroPadValue(toBeHex(caseId), 32);
}

/** An evidence (or reason) hash derived from a label. */
export function evidence(label: string): string {
  return id(`evidence:${label}`);
}

/** The block a transaction was mined in. */
export async function blockOf(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt(receipt!.blockNumber);
}

// ------------------------------------------------------------------ trust projections

/** An organization's recorded trust and the decay parameters, read before a write, to project its trust. */
export interface TrustRecord {
  value: bigint;
  updatedAt: bigint;
  baseline: bigint;
  halfLife: bigint;
}

export async function trustRecord(ledger: TrustLedger, orgId: bigint): Promise<TrustRecord> {
  const [value, updatedAt] = await ledger.recordedTrustOf(orgId);
  const { baseline, halfLife } = await ledger.parameters();
  return { value, updatedAt, baseline, halfLife };
}

/**
 * The organization's effective trust at `block` (its `trustOf` in a transaction of that block, or its
 * `trustAt(block)`), from a record read while no later write existed.
 */
export function trustAtBlock(record: TrustRecord, block: bigint): bigint {
  if (record.updatedAt > block) throw new Error(`trust written at ${record.updatedAt}, after ${block}`);
  return decay(record.value, record.baseline, block - record.updatedAt, record.halfLife);
}

/** `value * share / 1e18`, rounded down, as the contract's Math.mulDiv with TrustMath.ONE. */
export function shareOf(value: bigint, share: bigint): bigint {
  return mulDiv(value, share, 10n ** 18n);
}

// ------------------------------------------------------------------ EIP-712 ballots

export const BALLOT_TYPE = "Ballot(uint256 caseId,uint8 support,address voter,uint256 nonce,uint256 deadline)";

export const ballotTypes = {
  Ballot: [
    { name: "caseId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface Ballot {
  caseId: bigint;
  support: number;
  voter: string;
  nonce: bigint;
  deadline: bigint;
}

/** The EIP-712 domain of a PenaltyCases proxy, as a wallet builds it. */
export async function ballotDomain(penalty: PenaltyCases, chainId: bigint) {
  return {
    name: "Credence PenaltyCases",
    version: "1",
    chainId,
    verifyingContract: await penalty.getAddress(),
  };
}

/** `signer` signs `ballot` for `penalty` (for an ERC-1271 wallet, the wallet's owner signs with voter = wallet). */
export async function signBallot(signer: Signer, penalty: PenaltyCases, chainId: bigint, ballot: Ballot) {
  return signer.signTypedData(await ballotDomain(penalty, chainId), ballotTypes, ballot);
}

// ------------------------------------------------------------------ fixtures

export interface PenaltySuite {
  manager: CredenceAccessManager;
  ledger: TrustLedger;
  registry: EntityRegistry;
  penalty: PenaltyCases;
}

/**
 * Deploys the suite with the Ignition module deploy/modules/Credence.ts, with a dedicated assessor and ratifier
 * (not governance, account 0, so that role checks discriminate), the given penalty parameters and the fixtures'
 * trust parameters (fixtureTrustParameters: the private initial cap off).
 */
export async function deployPenaltySuite(
  connection: Connection,
  assessor: string,
  ratifier: string,
  penaltyParameters: PenaltyParameters = testPenaltyParameters,
): Promise<PenaltySuite> {
  const deployed = await connection.ignition.deploy(CredenceModule, {
    parameters: {
      Credence: {
        assessor,
        ratifier,
        penaltyParameters: stringify(penaltyParameters),
        trustParameters: stringify(fixtureTrustParameters),
      } as never,
    },
  });
  const { ethers } = connection;
  const at = async (name: string, contract: { getAddress(): Promise<string> }) =>
    ethers.getContractAt(name, await contract.getAddress());
  return {
    manager: (await at("CredenceAccessManager", deployed.manager)) as unknown as CredenceAccessManager,
    ledger: (await at("TrustLedger", deployed.ledger)) as unknown as TrustLedger,
    registry: (await at("EntityRegistry", deployed.registry)) as unknown as EntityRegistry,
    penalty: (await at("PenaltyCases", deployed.penalty)) as unknown as PenaltyCases,
  };
}

/** Ids of the organizations {deployPenaltyCommunity} creates, in order. */
export const Org = { A: 1n, B: 2n, C: 3n, D: 4n, F: 5n, M: 6n, P: 7n } as const;

/**
 * A community of six Active organizations with different trust, and a Pending candidate:
 * - A (admin alice, member alice2): legal High, capability High, DE;
 * - B (bob, bob2): High / Medium, DE;
 * - C (carol, carol2): High / Medium, CH;
 * - D (dave, dave2): Medium / Medium, DE — under the decay baseline, so its trust never moves by itself;
 * - F (frank): Low / Low — trusted less than the reporting threshold;
 * - M (mallory, mallory2): recommended by A and B, then activated High / Medium (the usual accused);
 * - P (pat): Pending.
 * governance is account 0 (ADMIN only); assessor and ratifier are dedicated accounts; relayer and outsider
 * belong to no organization.
 */
export async function deployPenaltyCommunity(connection: Connection) {
  const [
    governance,
    assessor,
    ratifier,
    alice,
    alice2,
    bob,
    bob2,
    carol,
    carol2,
    dave,
    dave2,
    frank,
    mallory,
    mallory2,
    pat,
    relayer,
    outsider,
  ] = await connection.ethers.getSigners();
  const suite = await deployPenaltySuite(connection, assessor.address, ratifier.address);
  const { registry } = suite;

  const join = (admin: HardhatEthersSigner, legal: number, capability: number, country = "DE") =>
    joinAndActivate(suite, admin, assessor, { legal, capability, country });
  const ids: bigint[] = [];
  ids.push(await join(alice, Level.High, Level.High));
  await registry.connect(alice).addMember(Org.A, alice2);
  ids.push(await join(bob, Level.High, Level.Medium));
  await registry.connect(bob).addMember(Org.B, bob2);
  ids.push(await join(carol, Level.High, Level.Medium, "CH"));
  await registry.connect(carol).addMember(Org.C, carol2);
  ids.push(await join(dave, Level.Medium, Level.Medium));
  await registry.connect(dave).addMember(Org.D, dave2);
  ids.push(await join(frank, Level.Low, Level.Low));
  ids.push(
    await joinAndActivate(suite, mallory, assessor, {
      legal: Level.High,
      capability: Level.Medium,
      recommenders: [alice, bob],
      score: 8n * 10n ** 17n,
    }),
  );
  await registry.connect(mallory).addMember(Org.M, mallory2);
  const [profileHash, profileURI] = profileOf(pat.address);
  await registry.connect(pat).requestJoin(newIdentity("pending"), countryCode("DE"), profileHash, profileURI);
  ids.push(await registry.organizationOf(pat));

  const expected = Object.values(Org);
  if (ids.join() !== expected.join()) throw new Error(`unexpected organization ids ${ids.join()}`);
  return {
    ...suite,
    connection,
    governance,
    assessor,
    ratifier,
    alice,
    alice2,
    bob,
    bob2,
    carol,
    carol2,
    dave,
    dave2,
    frank,
    mallory,
    mallory2,
    pat,
    relayer,
    outsider,
  };
}

export type PenaltyFixture = Awaited<ReturnType<typeof deployPenaltyCommunity>>;

// ------------------------------------------------------------------ cases

/** The organizations whose trust can weigh a vote, in {Org} order. */
export const voterOrgs = [Org.A, Org.B, Org.C, Org.D, Org.F, Org.M, Org.P] as const;

/** A case as the tests expect it, derived from what was read before the flag. */
export interface OpenedCase {
  caseId: bigint;
  tx: ContractTransactionResponse;
  block: bigint;
  accusedId: bigint;
  reporterId: bigint;
  reporter: string;
  reasonCode: bigint;
  evidenceHash: string;
  snapshot: bigint;
  voteStart: bigint;
  voteEnd: bigint;
  deadline: bigint;
  /** The reporter organization's trust in the flag's block, before the bond. */
  reporterTrust: bigint;
  bond: bigint;
  /** totalTrustAt(snapshot). */
  total: bigint;
  quorum: bigint;
  expelThreshold: bigint;
  misuseThreshold: bigint;
  /** Every organization's trust record as it stood at the snapshot. */
  records: Map<bigint, TrustRecord>;
}

/** Each organization's trust at the case's snapshot, from the records read before the flag. */
export function weightOf(c: OpenedCase, orgId: bigint): bigint {
  return trustAtBlock(c.records.get(orgId)!, c.snapshot);
}

/** Reads what the flag's expectations derive from, for the next block. */
async function readBeforeFlag(f: PenaltyFixture) {
  const records = new Map<bigint, TrustRecord>();
  for (const orgId of voterOrgs) records.set(orgId, await trustRecord(f.ledger, orgId));
  return { records, total: await f.ledger.totalTrust(), p: await penaltyParametersOf(f.penalty) };
}

function expectCase(
  tx: ContractTransactionResponse,
  block: bigint,
  caseId: bigint,
  before: Awaited<ReturnType<typeof readBeforeFlag>>,
  fields: { accusedId: bigint; reporterId: bigint; reporter: string; reasonCode: bigint; evidenceHash: string },
): OpenedCase {
  const { records, total, p } = before;
  const reporterTrust = fields.reporterId === 0n ? 0n : trustAtBlock(records.get(fields.reporterId)!, block);
  const voteStart = block + p.votingDelay;
  const voteEnd = voteStart + p.votingPeriod;
  return {
    caseId,
    tx,
    block,
    ...fields,
    snapshot: block - 1n,
    voteStart,
    voteEnd,
    deadline: voteEnd + p.ratificationWindow,
    reporterTrust,
    bond: shareOf(reporterTrust, p.bondShare),
    total,
    quorum: shareOf(total, p.quorumShare),
    expelThreshold: p.expelThreshold,
    misuseThreshold: p.misuseThreshold,
    records,
  };
}

/** `reporter` flags `accusedId`; returns the case with every expected figure derived from the state before. */
export async function openCase(
  f: PenaltyFixture,
  reporter: HardhatEthersSigner,
  accusedId: bigint,
  label = "case",
  reasonCode = 7n,
): Promise<OpenedCase> {
  const before = await readBeforeFlag(f);
  const reporterId = await f.registry.organizationOf(reporter);
  const evidenceHash = evidence(label);
  const tx = await f.penalty.connect(reporter).flag(accusedId, reasonCode, evidenceHash);
  const block = await blockOf(tx);
  const caseId = await f.penalty.caseCount();
  return expectCase(tx, block, caseId, before, {
    accusedId,
    reporterId,
    reporter: reporter.address,
    reasonCode,
    evidenceHash,
  });
}

/** The assessor rates `orgId`'s contribution `label` with these scores (the platform path). */
export function platformRating(orgId: bigint, label: string, quality: bigint, integrity: bigint, intent = quality) {
  return {
    orgId,
    contributionId: id(`contribution:${label}`),
    scores: { quality, quantity: quality, integrity, intent },
    evidenceHash: evidence(label),
  };
}

/** A low-integrity platform rating of `accusedId` opens a case; returns it with its expected figures. */
export async function openPlatformCase(f: PenaltyFixture, accusedId: bigint, label = "platform") {
  const before = await readBeforeFlag(f);
  const rating = platformRating(accusedId, label, 5n * 10n ** 17n, 10n ** 17n);
  const tx = await f.ledger.connect(f.assessor).rate(rating);
  const block = await blockOf(tx);
  const caseId = await f.penalty.caseCount();
  const c = expectCase(tx, block, caseId, before, {
    accusedId,
    reporterId: 0n,
    reporter: f.assessor.address,
    reasonCode: 0n,
    evidenceHash: rating.evidenceHash,
  });
  return { c, rating };
}

/** Mines empty blocks so that the next transaction is mined in block `block`. */
export async function nextTxAt(f: PenaltyFixture, block: bigint): Promise<void> {
  const latest = BigInt(await f.connection.ethers.provider.getBlockNumber());
  if (block - 1n < latest) throw new Error(`block ${block} is past (latest ${latest})`);
  if (block - 1n > latest) await f.connection.networkHelpers.mine(block - 1n - latest);
}

/** Mines empty blocks, if needed, so that the next transaction is mined in block `block` or later. */
export async function reach(f: PenaltyFixture, block: bigint): Promise<void> {
  const latest = BigInt(await f.connection.ethers.provider.getBlockNumber());
  if (block - 1n > latest) await f.connection.networkHelpers.mine(block - 1n - latest);
}

/** Mines empty blocks so that views (eth_call, run on the latest block) see `block`. */
export async function viewAt(f: PenaltyFixture, block: bigint): Promise<void> {
  await nextTxAt(f, block + 1n);
}

/** Each signer votes `support`, in order; returns the transactions. */
export async function castVotes(
  f: PenaltyFixture,
  c: OpenedCase,
  votes: [HardhatEthersSigner, number][],
): Promise<ContractTransactionResponse[]> {
  const txs = [];
  for (const [voter, support] of votes) txs.push(await f.penalty.connect(voter).castVote(c.caseId, support));
  return txs;
}
