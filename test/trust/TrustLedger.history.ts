import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, type ContractTransactionResponse, id, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { ONE, TrustChangeReason } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import type { TrustLedger } from "../../types/index.js";
import { deploySuite, fixtureTrustParameters, joinAndActivate, type Suite } from "../helpers/fixtures.js";
import { rating, scores } from "./helpers.js";

/**
 * The packed histories of the ledger: each organization's head slot (its last checkpoint) with the checkpoints of
 * its earlier blocks two to a slot, and the total kept the same way. `trustAt` and `totalTrustAt` must stay exact
 * for every past block whatever the number of checkpoints (odd or even, one slot or many), with several writes in
 * one block leaving one checkpoint. Every answer is checked against the chain's own past state: `trustOf` and
 * `totalTrust` read at that block (`blockTag`), which never look at the history. The packing limits (a total below
 * 2^88, checkpoints of the total before block 2^40) are checked at their boundaries.
 *
 * Blocks are mined one `evm_mine` at a time where past state is read: `hardhat_mine` reserves the blocks it skips
 * without their state.
 */

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

const EVIDENCE = id("history:evidence");
/** A short half-life, so that a value read at a past block differs from the one recorded at its write. */
const HALF_LIFE = 50n;

/** ERC-7201 base of `credence.storage.TrustLedger` and the slots of the members read here. */
const coder = AbiCoder.defaultAbiCoder();
const BASE = BigInt(keccak256(coder.encode(["uint256"], [BigInt(id("credence.storage.TrustLedger")) - 1n]))) & ~0xffn;
const HEADS = BASE + 7n;
const HISTORY = BASE + 8n;
const TOTAL = BASE + 9n;
const TOTAL_HISTORY = BASE + 10n;
const mappingSlot = (key: bigint, slot: bigint) => BigInt(keccak256(coder.encode(["uint256", "uint256"], [key, slot])));

async function latestBlock(): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber());
}

async function blockOf(tx: ContractTransactionResponse | Promise<ContractTransactionResponse>): Promise<bigint> {
  return BigInt((await (await tx).wait())!.blockNumber);
}

async function mineEach(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await ethers.provider.send("evm_mine", []);
}

async function word(ledger: TrustLedger, slot: bigint): Promise<bigint> {
  return BigInt(await ethers.provider.getStorage(await ledger.getAddress(), toBeHex(slot, 32)));
}

/** An organization's head slot, unpacked: the last checkpoint, the history's length and the Active flag. */
async function headOf(ledger: TrustLedger, orgId: bigint) {
  const head = await word(ledger, mappingSlot(orgId, HEADS));
  const mask = (bits: bigint) => (1n << bits) - 1n;
  return {
    value: head & mask(64n),
    updatedAt: (head >> 64n) & mask(48n),
    archived: (head >> 112n) & mask(48n),
    active: (head >> 160n) & 1n,
  };
}

/** The total's head slot, unpacked. */
async function totalHeadOf(ledger: TrustLedger) {
  const head = await word(ledger, TOTAL);
  const mask = (bits: bigint) => (1n << bits) - 1n;
  return { value: head & mask(88n), updatedAt: (head >> 88n) & mask(40n), archived: (head >> 128n) & mask(48n) };
}

/** The checkpoints stored in a history packed two to a slot: `[value, block]` pairs, oldest first. */
async function checkpoints(
  ledger: TrustLedger,
  pairsSlot: bigint,
  length: bigint,
  valueBits: bigint,
): Promise<[bigint, bigint][]> {
  const entries: [bigint, bigint][] = [];
  for (let i = 0n; i < length; i++) {
    const pair = await word(ledger, mappingSlot(i / 2n, pairsSlot));
    const entry = i % 2n === 0n ? pair & ((1n << 128n) - 1n) : pair >> 128n;
    entries.push([entry & ((1n << valueBits) - 1n), entry >> valueBits]);
  }
  return entries;
}

/** How many of the slots of a packed history from slot 0 up are written (non-zero). */
async function writtenSlots(ledger: TrustLedger, pairsSlot: bigint, upTo: bigint): Promise<number> {
  let count = 0;
  for (let j = 0n; j < upTo; j++) if ((await word(ledger, mappingSlot(j, pairsSlot))) !== 0n) count++;
  return count;
}

/**
 * A private community with a 50-block half-life (set before anyone is activated, so one set of parameters is in
 * force for every block the tests read) and organizations A and B; the PenaltyCases proxy and the registry proxy
 * impersonated, to call the hooks only they may call.
 */
async function deployFixture() {
  const [governance, adminA, adminB, adminC] = await ethers.getSigners();
  const suite: Suite = await deploySuite(connection);
  const { ledger, registry, penalty } = suite;
  await ledger.setParameters({ ...fixtureTrustParameters, halfLife: HALF_LIFE });
  const orgA = await joinAndActivate(suite, adminA, governance);
  const orgB = await joinAndActivate(suite, adminB, governance);
  const asContract = async (address: string): Promise<HardhatEthersSigner> => {
    await networkHelpers.impersonateAccount(address);
    await networkHelpers.setBalance(address, ONE);
    return ethers.getSigner(address);
  };
  const penaltySigner = await asContract(await penalty.getAddress());
  const registrySigner = await asContract(await registry.getAddress());
  await mineEach(1);
  return { ...suite, governance, adminC, orgA, orgB, penaltySigner, registrySigner };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/**
 * A write of A's trust, each in its own block: a rating up, its decay written (trust is above the baseline after
 * a rating up, and a block at least has passed), a rating down, a penalty adjustment, in turn.
 */
async function writeA(f: Fixture, i: number): Promise<bigint> {
  const { ledger, orgA } = f;
  switch (i % 4) {
    case 0:
      return blockOf(ledger.rate(rating(orgA, `up-${i}`, scores(toFixed("0.95")))));
    case 1:
      return blockOf(ledger.applyDecay(orgA));
    case 2:
      return blockOf(ledger.rate(rating(orgA, `down-${i}`, scores(toFixed("0.4")))));
    default:
      return blockOf(
        ledger.connect(f.penaltySigner).adjustTrust(orgA, toFixed("0.02"), TrustChangeReason.BondReleased, EVIDENCE),
      );
  }
}

/** Every past block from `from` on: `trustAt` equals `trustOf` read at that block, for each organization. */
async function expectTrustAtEveryBlock(f: Fixture, orgIds: bigint[], from: bigint) {
  const latest = await latestBlock();
  for (let b = from; b < latest; b++) {
    for (const orgId of orgIds) {
      const atThatBlock = await f.ledger.trustOf(orgId, { blockTag: Number(b) });
      expect(await f.ledger.trustAt(orgId, b), `trustAt(${orgId}, ${b})`).to.equal(atThatBlock);
    }
  }
}

/** Every past block from `from` on: `totalTrustAt` equals `totalTrust` read at that block. */
async function expectTotalAtEveryBlock(ledger: TrustLedger, from: bigint) {
  const latest = await latestBlock();
  for (let b = from; b < latest; b++) {
    expect(await ledger.totalTrustAt(b), `totalTrustAt(${b})`).to.equal(
      await ledger.totalTrust({ blockTag: Number(b) }),
    );
  }
}

describe("TrustLedger packed history", function () {
  describe("an organization's history", function () {
    it("answers every past block exactly, after each of 1 to 10 checkpoints (odd and even counts)", async function () {
      const f = await loadFixture(deployFixture);
      const activatedAt = (await headOf(f.ledger, f.orgA)).updatedAt;
      const start = activatedAt - 2n;
      const blocks = [activatedAt];
      for (let i = 0; i < 9; i++) {
        // Gaps of 1 to 3 blocks, so that lookups fall on, between and just after checkpoints.
        await mineEach(i % 3);
        blocks.push(await writeA(f, i));
        await mineEach(1);
        const head = await headOf(f.ledger, f.orgA);
        // The head holds the last checkpoint; the history every earlier one.
        expect(head.updatedAt).to.equal(blocks.at(-1));
        expect(head.archived).to.equal(BigInt(blocks.length - 1));
        await expectTrustAtEveryBlock(f, [f.orgA], start);
      }
      // B, activated once and never written since, answers from its head alone.
      expect((await headOf(f.ledger, f.orgB)).archived).to.equal(0n);
      await expectTrustAtEveryBlock(f, [f.orgB], start);
    });

    it("stores the checkpoints of earlier blocks two to a slot, oldest first, each as block · 2^64 + trust", async function () {
      const f = await loadFixture(deployFixture);
      const recorded: [bigint, bigint][] = [await f.ledger.recordedTrustOf(f.orgA)].map(([v, b]) => [v, b]);
      for (let i = 0; i < 7; i++) {
        await writeA(f, i);
        const [value, updatedAt] = await f.ledger.recordedTrustOf(f.orgA);
        recorded.push([value, updatedAt]);
      }
      const head = await headOf(f.ledger, f.orgA);
      expect(head.archived).to.equal(7n);
      expect([head.value, head.updatedAt]).to.deep.equal(recorded.at(-1));
      expect(head.active).to.equal(1n);
      const pairs = mappingSlot(f.orgA, HISTORY);
      expect(await checkpoints(f.ledger, pairs, head.archived, 64n)).to.deep.equal(recorded.slice(0, -1));
      // Seven checkpoints fill four slots (the last one half), and nothing is written beyond.
      expect(await writtenSlots(f.ledger, pairs, 6n)).to.equal(4);
    });

    it("keeps one checkpoint for several writes in one block: the last value, the earlier block before it", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      await writeA(f, 0);
      await mineEach(2);
      const [before, beforeAt] = await ledger.recordedTrustOf(orgA);
      const archivedBefore = (await headOf(ledger, orgA)).archived;
      await ethers.provider.send("evm_setAutomine", [false]);
      let block: bigint;
      try {
        const sent = [
          await ledger.rate(rating(orgA, "same-1", scores(toFixed("0.9")))),
          await ledger.rate(rating(orgA, "same-2", scores(toFixed("0.3")))),
          await ledger
            .connect(f.penaltySigner)
            .adjustTrust(orgA, -toFixed("0.01"), TrustChangeReason.BondLocked, EVIDENCE),
        ];
        await ethers.provider.send("evm_mine", []);
        const blocks = await Promise.all(sent.map((tx) => blockOf(tx)));
        expect(new Set(blocks).size).to.equal(1);
        block = blocks[0];
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const head = await headOf(ledger, orgA);
      // One checkpoint more for the block (the value before it), whatever the number of writes in it.
      expect(head.archived).to.equal(archivedBefore + 1n);
      expect(head.updatedAt).to.equal(block);
      const [last] = await checkpoints(ledger, mappingSlot(orgA, HISTORY), head.archived, 64n).then((c) => c.slice(-1));
      expect(last).to.deep.equal([before, beforeAt]);
      await mineEach(2);
      // The block's value is the last write's, the block before it the earlier checkpoint's.
      expect(await ledger.trustAt(orgA, block)).to.equal(head.value);
      await expectTrustAtEveryBlock(f, [orgA], beforeAt - 1n);
    });

    it("answers 0 before initialization, and keeps a cleared organization's past", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA, registry } = f;
      const activatedAt = (await headOf(ledger, orgA)).updatedAt;
      for (let i = 0; i < 4; i++) await writeA(f, i);
      const beforeExpulsion = await latestBlock();
      const expelledAt = await blockOf(registry.connect(f.penaltySigner).expel(orgA, EVIDENCE));
      await mineEach(2);
      expect(await ledger.trustAt(orgA, activatedAt - 1n)).to.equal(0n);
      expect(await ledger.trustAt(orgA, 0n)).to.equal(0n);
      expect(await ledger.trustAt(orgA, expelledAt)).to.equal(0n);
      expect(await ledger.trustAt(orgA, beforeExpulsion)).to.equal(
        await ledger.trustOf(orgA, { blockTag: Number(beforeExpulsion) }),
      );
      expect((await headOf(ledger, orgA)).active).to.equal(0n);
      await expectTrustAtEveryBlock(f, [orgA], activatedAt - 2n);
    });

    it("costs a new slot on every other block written, not on every one", async function () {
      const f = await loadFixture(deployFixture);
      const pairs = mappingSlot(f.orgA, HISTORY);
      const slotsAfter: number[] = [];
      for (let i = 0; i < 6; i++) {
        await writeA(f, i);
        slotsAfter.push(await writtenSlots(f.ledger, pairs, 4n));
      }
      // Checkpoints 1..6 (the activation's value first): slots 1, 1, 2, 2, 3, 3.
      expect(slotsAfter).to.deep.equal([1, 1, 2, 2, 3, 3]);
    });
  });

  describe("the total's history", function () {
    it("answers every past block exactly, after each of 1 to 10 checkpoints (odd and even counts)", async function () {
      const f = await loadFixture(deployFixture);
      const start = (await totalHeadOf(f.ledger)).updatedAt - 3n;
      for (let i = 0; i < 10; i++) {
        await mineEach(i % 2);
        // Alternately A and B, so that the total moves with every write.
        if (i % 2 === 0) await writeA(f, i);
        else await blockOf(f.ledger.rate(rating(f.orgB, `b-${i}`, scores(toFixed(i % 4 === 1 ? "0.9" : "0.2")))));
        await mineEach(1);
        await expectTotalAtEveryBlock(f.ledger, start);
      }
      const head = await totalHeadOf(f.ledger);
      // The activations of A and B, then ten writes, each in its own block: eleven earlier checkpoints.
      expect(head.archived).to.equal(11n);
      const stored = await checkpoints(f.ledger, TOTAL_HISTORY, head.archived, 88n);
      for (const [value, block] of stored) {
        expect(value).to.equal(await f.ledger.totalTrust({ blockTag: Number(block) }));
      }
      expect(await writtenSlots(f.ledger, TOTAL_HISTORY, 8n)).to.equal(6);
    });

    it("keeps one checkpoint for several changes in one block", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger } = f;
      const archivedBefore = (await totalHeadOf(ledger)).archived;
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        await ledger.rate(rating(f.orgA, "one-block-a", scores(toFixed("0.9"))));
        await ledger.rate(rating(f.orgB, "one-block-b", scores(toFixed("0.2"))));
        await ethers.provider.send("evm_mine", []);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      expect((await totalHeadOf(ledger)).archived).to.equal(archivedBefore + 1n);
      await mineEach(1);
      await expectTotalAtEveryBlock(ledger, (await latestBlock()) - 4n);
    });
  });

  describe("packing limits", function () {
    it("refuses a total above 2^88 - 1 (TrustLedgerTotalOutOfRange) and accepts it up to that", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, registry, governance } = f;
      const max = (1n << 88n) - 1n;
      const [profileHash, profileURI] = [id("profile:limit"), "ipfs://profile/limit"];
      await registry.connect(f.adminC).requestJoin(id("identity:limit"), "0x4445", profileHash, profileURI);
      const orgC = await registry.organizationOf(f.adminC.address);
      const initial = await ledger.computeInitialTrust({
        preTrust: 0n,
        legal: 3,
        capability: 3,
        indirect: await registry.indirectTrustOf("0x4445"),
      });
      // The total's head as stored, with its value raised so that C's initial trust would pass the limit by one.
      const head = await word(ledger, TOTAL);
      const value = head & ((1n << 88n) - 1n);
      const setTotal = async (total: bigint) =>
        ethers.provider.send("hardhat_setStorageAt", [
          await ledger.getAddress(),
          toBeHex(TOTAL, 32),
          toBeHex(head - value + total, 32),
        ]);
      await setTotal(max - initial + 1n);
      await expect(registry.connect(governance).activate(orgC, 3, 3))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerTotalOutOfRange")
        .withArgs(max + 1n, max);
      await setTotal(max - initial);
      await registry.connect(governance).activate(orgC, 3, 3);
      expect(await ledger.totalTrust()).to.equal(max);
      await mineEach(1);
      expect(await ledger.totalTrustAt((await latestBlock()) - 1n)).to.equal(max);
    });

    it("checkpoints the total up to block 2^40 - 1 and refuses a write that moves it after (TrustLedgerBlockOutOfRange)", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      const max = (1n << 40n) - 1n;
      const before = await ledger.totalTrust();
      // The next block is the last one a checkpoint of the total can name.
      await networkHelpers.mine(max - 1n - (await latestBlock()));
      const last = await blockOf(ledger.rate(rating(orgA, "last-block", scores(toFixed("0.95")))));
      expect(last).to.equal(max);
      const atLast = await ledger.totalTrust();
      expect(atLast).to.not.equal(before);
      await expect(ledger.rate(rating(orgA, "after-last", scores(toFixed("0.95")))))
        .to.be.revertedWithCustomError(ledger, "TrustLedgerBlockOutOfRange")
        .withArgs(max + 1n, max);
      // The history up to the limit still answers.
      await networkHelpers.mine(1);
      expect(await ledger.totalTrustAt(max)).to.equal(atLast);
      expect(await ledger.totalTrustAt(max - 1n)).to.equal(before);
      expect(await ledger.trustAt(orgA, max)).to.equal((await ledger.recordedTrustOf(orgA))[0]);
    });
  });
});
