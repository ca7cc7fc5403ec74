import { expect } from "chai";
import { getBytes, id, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { network } from "hardhat";

import { Level, ONE } from "../../src/constants.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import { type Connection, deploySuite, profileOf, type Suite } from "../helpers/fixtures.js";

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
 * - the same accounts, identity, scores and profile strings are used. The only calldata difference is the
 *   candidate's id (11 against 1001), which costs 12 more gas per extra non-zero byte (EIP-2028): the table shows
 *   each transaction's calldata gas and the execution gas without it (gasUsed - 21000 - calldata gas).
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

const OPERATIONS = [
  "requestJoin",
  ...Array.from({ length: RECOMMENDATIONS }, (_, i) => `recommend #${i + 1}`),
  `activate (${RECOMMENDATIONS} recommendations)`,
  "rate (assessor)",
  "peerRate",
  "addMember",
  "setProfile",
] as const;

interface Measurement {
  gasUsed: bigint;
  calldataGas: bigint;
}

/** EIP-2028 calldata cost: 4 gas per zero byte, 16 per non-zero byte. */
function calldataGas(data: string): bigint {
  return getBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
}

interface Community {
  connection: Connection;
  suite: Suite;
  size: number;
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
  const suite = await deploySuite(connection, { assessor: assessor.address });
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
  return { connection, suite, size, populateMs: Date.now() - started };
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
  const measure = async (name: string, send: Promise<{ wait(): Promise<unknown>; data: string }>) => {
    const tx = await send;
    const receipt = (await tx.wait()) as { gasUsed: bigint; status: number };
    expect(receipt.status, name).to.equal(1);
    results.set(name, { gasUsed: receipt.gasUsed, calldataGas: calldataGas(tx.data) });
  };
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

const spreadPercent = (a: bigint, b: bigint) => (Number(a > b ? a - b : b - a) * 100) / Number(a < b ? a : b);

describe("constant gas", function () {
  this.timeout(10 * 60_000);

  const measured: Record<"small" | "large", Map<string, Measurement>> = { small: new Map(), large: new Map() };

  before(async function () {
    const started = Date.now();
    const small = await populate(SMALL);
    const large = await populate(LARGE);
    // The same block on both chains: every elapsed-block count in the scenario is then the same.
    const target = BigInt(Math.max(await blockOf(small), await blockOf(large))) + 1n;
    for (const community of [small, large]) {
      await community.connection.networkHelpers.mine(target - BigInt(await blockOf(community)));
      expect(BigInt(await blockOf(community))).to.equal(target);
    }
    measured.small = await runScenario(small);
    measured.large = await runScenario(large);

    const rows = OPERATIONS.map((operation) => {
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
        ` measured in ${Date.now() - started} ms in all`,
    );
    console.table(rows);
  });

  for (const operation of OPERATIONS) {
    describe(operation, function () {
      it(`costs the same (±${MAX_SPREAD_PERCENT}%) with ${SMALL} and with ${LARGE} organizations`, function () {
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
    });
  }
});

async function blockOf(community: Community): Promise<number> {
  return community.connection.ethers.provider.getBlockNumber();
}
