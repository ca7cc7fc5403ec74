import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { type ContractTransactionResponse, id } from "ethers";
import { network } from "hardhat";

import { Level, ONE, Status, TrustChangeReason } from "../../src/constants.js";
import { defaultPenaltyParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type { TrustLedger } from "../../types/index.js";
import { deploySuite, joinAndActivate, newIdentity, profileOf, type Suite } from "../helpers/fixtures.js";
import { mulDiv, rating, scores, snapshotTrust, trustAtBlock } from "./helpers.js";

/**
 * The ledger's side of the penalty mechanism: `adjustTrust` (the penalty hook, the PenaltyCases contract, moves an
 * Active organization's trust for a bond or a liability, clamped to [0, 1e18]) and the fast path of `totalTrustAt`
 * for recent blocks (a case's snapshot is the block before its flag), which must give exactly what the binary
 * search over the packed checkpoints gives.
 *
 * The ledger takes `adjustTrust` only from its penalty hook: here the PenaltyCases proxy's address is impersonated,
 * so that the ledger is exercised directly. Trust decays with every block, so expected values are derived at the
 * exact block of each transaction from the recorded value and the shared trust-model arithmetic
 * (test/trust/helpers.ts).
 */

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

const EVIDENCE = id("ledger-penalty:evidence");
const UNKNOWN_ORG = 999n;
const INT256_MAX = 2n ** 255n - 1n;
/** type(int256).min: its negation does not fit an int256, so the ledger takes its magnitude with SignedMath.abs. */
const INT256_MIN = -(2n ** 255n);

const PENALTY_REASONS = [
  ["BondLocked", TrustChangeReason.BondLocked],
  ["BondReleased", TrustChangeReason.BondReleased],
  ["Liability", TrustChangeReason.Liability],
] as const;

const OTHER_REASONS = (Object.entries(TrustChangeReason) as [string, number][]).filter(
  ([, reason]) => reason < TrustChangeReason.BondLocked,
);

async function latestBlock(): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber());
}

/** A signer for a contract's address (impersonated and funded), to call what only that contract may call. */
async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, ONE);
  return ethers.getSigner(address);
}

async function blockOf(tx: ContractTransactionResponse | Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return BigInt(receipt!.blockNumber);
}

/**
 * Mines `count` blocks one `evm_mine` at a time: `hardhat_mine` reserves the blocks it skips without their state,
 * and the tests below query past blocks with `blockTag`.
 */
async function mineEach(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await ethers.provider.send("evm_mine", []);
}

/**
 * Three Active organizations A, B and E, a Pending candidate C and an Expelled organization D, with default
 * parameters (decay pending on every organization above the baseline). `penaltySigner` is the PenaltyCases proxy
 * (the ledger's penalty hook, holder of PENALTY on the registry) and `registrySigner` the registry proxy, both
 * impersonated; the governance account (ADMIN, also the default ASSESSOR and RATIFIER) is neither.
 */
async function deployFixture() {
  const [governance, adminA, adminB, adminC, adminD, adminE, outsider] = await ethers.getSigners();
  const suite: Suite = await deploySuite(connection);
  const { registry, ledger, penalty } = suite;
  const penaltySigner = await impersonate(await penalty.getAddress());
  const registrySigner = await impersonate(await registry.getAddress());

  const orgA = await joinAndActivate(suite, adminA, governance);
  const orgB = await joinAndActivate(suite, adminB, governance);
  const orgE = await joinAndActivate(suite, adminE, governance);
  // A rating above the current trust, so that A's trust is well above the baseline and decays each block.
  await ledger.rate(rating(orgA, "a1", scores(toFixed("0.95"))));

  const [profileHash, profileURI] = profileOf(adminC.address);
  await registry.connect(adminC).requestJoin(newIdentity("pending"), countryCode("DE"), profileHash, profileURI);
  const orgC = await registry.organizationOf(adminC);

  const orgD = await joinAndActivate(suite, adminD, governance);
  await registry.connect(penaltySigner).expel(orgD, id("expelled"));
  await networkHelpers.mine(5);

  return {
    ...suite,
    governance,
    adminA,
    penaltySigner,
    registrySigner,
    outsider,
    orgA,
    orgB,
    orgC,
    orgD,
    orgE,
  };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

/**
 * Calls adjustTrust as the penalty hook: first as a static call on the pending block (the block the
 * transaction is mined in), for its return value, then as a transaction. Returns what a test needs to check it.
 */
async function adjust(f: Fixture, orgId: bigint, delta: bigint, reason: number = TrustChangeReason.BondLocked) {
  const { ledger, penaltySigner } = f;
  const before = await snapshotTrust(ledger, orgId);
  const totalBefore = await ledger.totalTrust();
  const block = (await latestBlock()) + 1n;
  const returned = await ledger
    .connect(penaltySigner)
    .adjustTrust.staticCall(orgId, delta, reason, EVIDENCE, { blockTag: "pending" });
  const tx = await ledger.connect(penaltySigner).adjustTrust(orgId, delta, reason, EVIDENCE);
  expect(await blockOf(tx)).to.equal(block);
  return { tx, block, before, current: trustAtBlock(before, block), totalBefore, returned };
}

describe("TrustLedger (penalty)", function () {
  describe("adjustTrust", function () {
    it("lowers trust by a negative delta, returns the delta and records the new value", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA, orgB } = f;
      const otherBefore = await ledger.recordedTrustOf(orgB);
      const delta = -toFixed("0.1");
      const { tx, block, before, current, totalBefore, returned } = await adjust(f, orgA, delta);
      // A's trust is above the baseline: decay is pending, and adjustTrust starts from the decayed value.
      expect(current).to.be.lessThan(before.value);

      const updated = current + delta;
      expect(returned).to.equal(delta);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, updated, delta, TrustChangeReason.BondLocked, EVIDENCE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([updated, block]);
      expect(await ledger.recordedTrustOf(orgB)).to.deep.equal(otherBefore);
      await networkHelpers.mine(1);
      expect(await ledger.trustAt(orgA, block)).to.equal(updated);
      expect(await ledger.trustAt(orgA, block - 1n)).to.equal(trustAtBlock(before, block - 1n));
      // The total held A's recorded value: it now holds the new one (the pending decay is written too).
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value + updated);
      expect(await ledger.totalTrustAt(block)).to.equal(totalBefore - before.value + updated);
    });

    it("raises trust by a positive delta and returns the delta", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgB } = f;
      const delta = toFixed("0.05");
      const { tx, block, before, current, totalBefore, returned } = await adjust(
        f,
        orgB,
        delta,
        TrustChangeReason.BondReleased,
      );
      const updated = current + delta;
      expect(returned).to.equal(delta);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgB, current, updated, delta, TrustChangeReason.BondReleased, EVIDENCE);
      expect(await ledger.recordedTrustOf(orgB)).to.deep.equal([updated, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value + updated);
    });

    for (const [name, reason] of PENALTY_REASONS) {
      it(`accepts the ${name} reason and carries it in TrustChanged`, async function () {
        const f = await loadFixture(deployFixture);
        const delta = -toFixed("0.01");
        const { tx, current, returned } = await adjust(f, f.orgE, delta, reason);
        expect(returned).to.equal(delta);
        await expect(tx)
          .to.emit(f.ledger, "TrustChanged")
          .withArgs(f.orgE, current, current + delta, delta, reason, EVIDENCE);
      });
    }

    it("clamps at 0: a loss above the trust takes it to 0 and returns the loss applied", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      const { tx, block, before, current, totalBefore, returned } = await adjust(f, orgA, -2n * ONE);
      expect(current).to.be.greaterThan(0n);
      expect(returned).to.equal(-current);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, 0n, -current, TrustChangeReason.BondLocked, EVIDENCE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([0n, block]);
      expect(await ledger.trustOf(orgA)).to.equal(0n);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value);
    });

    it("clamps at 0 for a loss exactly equal to the trust", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgB } = f;
      // The trust B will have in the transaction's block (the next one), decay included.
      const value = trustAtBlock(await snapshotTrust(ledger, orgB), (await latestBlock()) + 1n);
      const { current, returned, tx } = await adjust(f, orgB, -value);
      expect(current).to.equal(value);
      expect(returned).to.equal(-value);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgB, value, 0n, -value, TrustChangeReason.BondLocked, EVIDENCE);
    });

    it("clamps at 1e18: a gain beyond full trust takes it to 1e18 and returns the gain applied", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      const { tx, block, before, current, totalBefore, returned } = await adjust(
        f,
        orgA,
        ONE,
        TrustChangeReason.BondReleased,
      );
      expect(current).to.be.lessThan(ONE);
      expect(returned).to.equal(ONE - current);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, ONE, ONE - current, TrustChangeReason.BondReleased, EVIDENCE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([ONE, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value + ONE);
    });

    it("clamps the largest int256 gain at 1e18", async function () {
      const f = await loadFixture(deployFixture);
      const { current, returned } = await adjust(f, f.orgE, INT256_MAX, TrustChangeReason.BondReleased);
      expect(returned).to.equal(ONE - current);
      expect((await f.ledger.recordedTrustOf(f.orgE))[0]).to.equal(ONE);
    });

    it("clamps the smallest int256 loss (-2^255) at 0 and returns minus the trust (no overflow panic)", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      const { tx, block, before, current, totalBefore, returned } = await adjust(f, orgA, INT256_MIN);
      expect(current).to.be.greaterThan(0n);
      expect(returned).to.equal(-current);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, 0n, -current, TrustChangeReason.BondLocked, EVIDENCE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([0n, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value);
    });

    it("applies nothing at a bound: a gain at 1e18 and a loss at 0 return 0", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      await adjust(f, orgA, ONE, TrustChangeReason.BondReleased);
      const atTop = await adjust(f, orgA, toFixed("0.1"), TrustChangeReason.BondReleased);
      // Full trust decays towards the baseline by the next block: the gain refills what decayed, up to 1e18.
      expect(atTop.returned).to.equal(ONE - atTop.current);
      expect((await ledger.recordedTrustOf(orgA))[0]).to.equal(ONE);

      await adjust(f, orgA, -2n * ONE);
      const atBottom = await adjust(f, orgA, -toFixed("0.1"));
      expect(atBottom.current).to.equal(0n);
      expect(atBottom.returned).to.equal(0n);
      await expect(atBottom.tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, 0n, 0n, 0n, TrustChangeReason.BondLocked, EVIDENCE);
    });

    it("with a zero delta writes the pending decay and returns 0", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA } = f;
      const { tx, block, before, current, totalBefore, returned } = await adjust(f, orgA, 0n);
      expect(returned).to.equal(0n);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, current, 0n, TrustChangeReason.BondLocked, EVIDENCE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([current, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value + current);
    });

    it("keeps the total equal to the sum of the recorded values over a series of adjustments", async function () {
      const f = await loadFixture(deployFixture);
      const { ledger, orgA, orgB, orgE } = f;
      const orgs = [orgA, orgB, orgE];
      const deltas = [-toFixed("0.2"), toFixed("0.3"), -2n * ONE, ONE, toFixed("0.01"), -toFixed("0.07")];
      for (const [i, delta] of deltas.entries()) {
        await adjust(
          f,
          orgs[i % orgs.length],
          delta,
          delta < 0n ? TrustChangeReason.Liability : TrustChangeReason.BondReleased,
        );
      }
      let sum = 0n;
      for (const org of orgs) sum += (await ledger.recordedTrustOf(org))[0];
      // D is expelled (cleared to 0), C never initialized: the three Active organizations hold the whole total.
      expect(await ledger.totalTrust()).to.equal(sum);
    });

    describe("reverts", function () {
      for (const [name, reason] of OTHER_REASONS) {
        it(`when the reason is ${name} (not a penalty reason)`, async function () {
          const f = await loadFixture(deployFixture);
          await expect(f.ledger.connect(f.penaltySigner).adjustTrust(f.orgA, -1n, reason, EVIDENCE))
            .to.be.revertedWithCustomError(f.ledger, "TrustLedgerInvalidReason")
            .withArgs(reason);
        });
      }

      it("when the reason is not a TrustChangeReason at all (ABI decoding)", async function () {
        const f = await loadFixture(deployFixture);
        const { ledger } = f;
        const data = ledger.interface
          .encodeFunctionData("adjustTrust", [f.orgA, -1n, TrustChangeReason.Liability, EVIDENCE])
          // The reason is the third word of the arguments: 7 (Liability) becomes 8, past the enum's end.
          .replace(/0{63}7(?=[0-9a-f]{64}$)/, "0".repeat(63) + "8");
        expect(data).to.not.equal(
          ledger.interface.encodeFunctionData("adjustTrust", [f.orgA, -1n, TrustChangeReason.Liability, EVIDENCE]),
        );
        await expect(
          f.penaltySigner.sendTransaction({ to: await ledger.getAddress(), data }),
        ).to.be.revertedWithoutReason(ethers);
      });

      it("when the organization is unknown (never initialized)", async function () {
        const f = await loadFixture(deployFixture);
        await expect(
          f.ledger.connect(f.penaltySigner).adjustTrust(UNKNOWN_ORG, -1n, TrustChangeReason.BondLocked, EVIDENCE),
        )
          .to.be.revertedWithCustomError(f.ledger, "TrustLedgerNotInitialized")
          .withArgs(UNKNOWN_ORG);
      });

      it("when the organization is pending (its trust is not initialized before activation)", async function () {
        const f = await loadFixture(deployFixture);
        expect(await f.registry.statusOf(f.orgC)).to.equal(Status.Pending);
        await expect(
          f.ledger.connect(f.penaltySigner).adjustTrust(f.orgC, 1n, TrustChangeReason.BondReleased, EVIDENCE),
        )
          .to.be.revertedWithCustomError(f.ledger, "TrustLedgerNotInitialized")
          .withArgs(f.orgC);
      });

      it("when the registry cleared the organization's trust (its Active flag follows the registry's hooks)", async function () {
        // The ledger keeps "Active" itself: set by initializeTrust (activation), cleared by clearTrust (expulsion),
        // both taken from the registry only. Here the registry's own calls, without its other bookkeeping.
        const f = await loadFixture(deployFixture);
        const inputs = { preTrust: 0n, legal: Level.High, capability: Level.High, indirect: toFixed("0.8") };
        await f.ledger.connect(f.registrySigner).initializeTrust(UNKNOWN_ORG, inputs);
        await expect(
          f.ledger.connect(f.penaltySigner).adjustTrust(UNKNOWN_ORG, -1n, TrustChangeReason.BondLocked, EVIDENCE),
        ).to.emit(f.ledger, "TrustChanged");
        await f.ledger.connect(f.registrySigner).clearTrust(UNKNOWN_ORG, EVIDENCE);
        await expect(
          f.ledger.connect(f.penaltySigner).adjustTrust(UNKNOWN_ORG, -1n, TrustChangeReason.BondLocked, EVIDENCE),
        )
          .to.be.revertedWithCustomError(f.ledger, "TrustLedgerInactiveOrganization")
          .withArgs(UNKNOWN_ORG);
      });

      it("when the organization is expelled", async function () {
        const f = await loadFixture(deployFixture);
        expect(await f.registry.statusOf(f.orgD)).to.equal(Status.Expelled);
        await expect(
          f.ledger.connect(f.penaltySigner).adjustTrust(f.orgD, toFixed("0.1"), TrustChangeReason.Liability, EVIDENCE),
        )
          .to.be.revertedWithCustomError(f.ledger, "TrustLedgerInactiveOrganization")
          .withArgs(f.orgD);
      });

      for (const who of ["governance", "registrySigner", "adminA", "outsider"] as const) {
        it(`when called by ${who}, not the penalty hook`, async function () {
          const f = await loadFixture(deployFixture);
          const caller: HardhatEthersSigner = f[who];
          await expect(f.ledger.connect(caller).adjustTrust(f.orgA, -1n, TrustChangeReason.BondLocked, EVIDENCE))
            .to.be.revertedWithCustomError(f.ledger, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        });
      }
    });
  });

  describe("totalTrustAt", function () {
    /**
     * An empty community on a fresh suite: no organization yet, so the total has no checkpoint. Short penalty
     * periods are irrelevant here; the platform's flag threshold is the default.
     */
    async function deployEmpty() {
      const signers = await ethers.getSigners();
      const suite: Suite = await deploySuite(connection);
      const penaltySigner = await impersonate(await suite.penalty.getAddress());
      await mineEach(2);
      return { ...suite, governance: signers[0], penaltySigner, admins: signers.slice(1, 11) };
    }

    type Empty = Awaited<ReturnType<typeof deployEmpty>>;

    /** `admin` asks to join; returns the Pending organization's id. */
    async function join(e: Empty, admin: HardhatEthersSigner): Promise<bigint> {
      const [profileHash, profileURI] = profileOf(admin.address);
      await e.registry.connect(admin).requestJoin(newIdentity(), countryCode("DE"), profileHash, profileURI);
      return e.registry.organizationOf(admin.address);
    }

    /** Activates a Pending organization; returns the block its trust (and the total) was written at. */
    async function activateOnly(e: Empty, orgId: bigint): Promise<bigint> {
      return blockOf(e.registry.activate(orgId, Level.High, Level.Medium));
    }

    /** Activates a new organization for `admin` and returns its id and the block its trust was written at. */
    async function activate(e: Empty, admin: HardhatEthersSigner): Promise<[bigint, bigint]> {
      const orgId = await join(e, admin);
      return [orgId, await activateOnly(e, orgId)];
    }

    /** Independent answers for block `b`: the state's totalTrust() after block b, and the event-derived sum. */
    async function expectedTotalAt(ledger: TrustLedger, b: bigint): Promise<bigint> {
      const fromState = await ledger.totalTrust({ blockTag: Number(b) });
      // Each organization counts with the value of its last TrustChanged at or before b (0 once cleared).
      const last = new Map<bigint, bigint>();
      for (const event of await ledger.queryFilter(ledger.filters.TrustChanged(), 0, Number(b))) {
        last.set(event.args.orgId, event.args.newValue);
      }
      const fromEvents = [...last.values()].reduce((sum, value) => sum + value, 0n);
      expect(fromEvents, `events at block ${b}`).to.equal(fromState);
      return fromState;
    }

    /**
     * Checks every past block: the answer now (the binary search for all but the last two checkpoints) equals the
     * answer given one block after it (the fast path for the previous block) and both independent answers.
     */
    async function expectConsistentHistory(ledger: TrustLedger, from: bigint) {
      const latest = await latestBlock();
      for (let b = from; b < latest; b++) {
        const expected = await expectedTotalAt(ledger, b);
        expect(await ledger.totalTrustAt(b), `now, for block ${b}`).to.equal(expected);
        expect(await ledger.totalTrustAt(b, { blockTag: Number(b + 1n) }), `at ${b + 1n}, for block ${b}`).to.equal(
          expected,
        );
      }
    }

    it("is 0 for every past block while the total has no checkpoint", async function () {
      const e = await loadFixture(deployEmpty);
      const latest = await latestBlock();
      expect(await e.ledger.totalTrust()).to.equal(0n);
      for (const b of [0n, 1n, latest - 1n]) expect(await e.ledger.totalTrustAt(b)).to.equal(0n);
    });

    it("with one checkpoint: 0 before it, its value from its block on, for the previous block and older", async function () {
      const e = await loadFixture(deployEmpty);
      const [orgId, written] = await activate(e, e.admins[0]);
      const [value] = await e.ledger.recordedTrustOf(orgId);
      expect(value).to.be.greaterThan(0n);
      // Now the only checkpoint is in the latest block: the previous block's answer falls back to the search.
      expect(await e.ledger.totalTrustAt(written - 1n)).to.equal(0n);
      await mineEach(3);
      expect(await e.ledger.totalTrustAt(written - 1n)).to.equal(0n);
      for (let b = written; b < (await latestBlock()); b++) expect(await e.ledger.totalTrustAt(b)).to.equal(value);
      await expectConsistentHistory(e.ledger, written - 2n);
    });

    it("with checkpoints in the last two blocks: the last, the second-to-last and an older block", async function () {
      const e = await loadFixture(deployEmpty);
      const [, first] = await activate(e, e.admins[0]);
      const pending = [await join(e, e.admins[1]), await join(e, e.admins[2])];
      await mineEach(2);
      // Two checkpoints in two consecutive blocks.
      const second = await activateOnly(e, pending[0]);
      const third = await activateOnly(e, pending[1]);
      expect(third).to.equal(second + 1n);
      const totals = [first, second, third].map((b) => e.ledger.totalTrust({ blockTag: Number(b) }));
      const [atFirst, atSecond, atThird] = await Promise.all(totals);
      expect(atFirst).to.be.lessThan(atSecond);
      expect(atSecond).to.be.lessThan(atThird);

      // clock() is `third`: the last checkpoint (at `third`) is not past; `second` is the second-to-last.
      expect(await e.ledger.totalTrustAt(second)).to.equal(atSecond);
      // Both recent checkpoints are after the block asked: the search answers.
      expect(await e.ledger.totalTrustAt(second - 1n)).to.equal(atFirst);
      expect(await e.ledger.totalTrustAt(first - 1n)).to.equal(0n);
      await mineEach(1);
      // One block later the last checkpoint answers for the previous block.
      expect(await e.ledger.totalTrustAt(third)).to.equal(atThird);
      expect(await e.ledger.totalTrustAt(second)).to.equal(atSecond);
      await expectConsistentHistory(e.ledger, first - 1n);
    });

    it("with many checkpoints: every past block, now and one block after it, equals the independent answers", async function () {
      const e = await loadFixture(deployEmpty);
      const { ledger } = e;
      const start = await latestBlock();
      const orgs: bigint[] = [];
      for (const admin of e.admins.slice(0, 6)) {
        orgs.push((await activate(e, admin))[0]);
        await mineEach(1);
      }
      for (const [i, orgId] of orgs.entries()) {
        await ledger.rate(rating(orgId, `many:${i}`, scores(toFixed(i % 2 === 0 ? "0.9" : "0.2"))));
        await e.ledger
          .connect(e.penaltySigner)
          .adjustTrust(orgId, -toFixed("0.03"), TrustChangeReason.BondLocked, EVIDENCE);
        if (i % 3 === 0) await mineEach(2);
      }
      await e.registry.connect(e.penaltySigner).expel(orgs[1], EVIDENCE);
      await mineEach(2);
      await expectConsistentHistory(ledger, start);
    });

    it("counts several changes in one block as one checkpoint: the total after the last of them", async function () {
      const e = await loadFixture(deployEmpty);
      const { ledger } = e;
      const [orgA] = await activate(e, e.admins[0]);
      const [orgB] = await activate(e, e.admins[1]);
      await mineEach(1);
      await ethers.provider.send("evm_setAutomine", [false]);
      let block: bigint;
      try {
        const adjustments = [
          await ledger
            .connect(e.penaltySigner)
            .adjustTrust(orgA, -toFixed("0.1"), TrustChangeReason.BondLocked, EVIDENCE),
          await ledger
            .connect(e.penaltySigner)
            .adjustTrust(orgB, toFixed("0.1"), TrustChangeReason.BondReleased, EVIDENCE),
        ];
        await ethers.provider.send("evm_mine", []);
        const blocks = await Promise.all(adjustments.map((tx) => blockOf(tx)));
        expect(blocks[0]).to.equal(blocks[1]);
        block = blocks[0];
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      const [a] = await ledger.recordedTrustOf(orgA);
      const [b] = await ledger.recordedTrustOf(orgB);
      expect(await ledger.totalTrust()).to.equal(a + b);
      await mineEach(1);
      expect(await ledger.totalTrustAt(block)).to.equal(a + b);
      await expectConsistentHistory(ledger, block - 3n);
    });

    it("gives a platform-opened case the total of the block before the rating that opened it", async function () {
      // The rating writes the total in block N, then the penalty hook reads totalTrustAt(N - 1): the last
      // checkpoint is N itself, and the second-to-last answers.
      const e = await loadFixture(deployEmpty);
      const { ledger, penalty } = e;
      const [orgA] = await activate(e, e.admins[0]);
      const [orgB] = await activate(e, e.admins[1]);
      await mineEach(1);
      const lowIntegrity = rating(orgA, "platform-flag", scores(toFixed("0.9"), toFixed("0.9"), 0n, toFixed("0.9")));
      const tx = await ledger.rate(lowIntegrity);
      const block = await blockOf(tx);
      const totalBefore = await ledger.totalTrust({ blockTag: Number(block - 1n) });
      expect(await ledger.totalTrust()).to.not.equal(totalBefore);
      const quorum = mulDiv(totalBefore, defaultPenaltyParameters.quorumShare, ONE);
      const caseId = await penalty.openCaseOf(orgA);
      expect(caseId).to.not.equal(0n);
      const opened = await penalty.getCase(caseId);
      expect(opened.snapshot).to.equal(block - 1n);
      expect(opened.quorum).to.equal(quorum);
      expect(opened.reporterId).to.equal(0n);
      expect(await penalty.openCaseOf(orgB)).to.equal(0n);
    });

    it("answers the previous block at the same cost with 2 and with 30 checkpoints, older blocks at more", async function () {
      const e = await loadFixture(deployEmpty);
      const { ledger } = e;
      const [orgA] = await activate(e, e.admins[0]);
      await activate(e, e.admins[1]);
      await mineEach(1);
      // estimateGas runs on the pending block: the latest block is the previous one.
      const previousWithTwo = await ledger.totalTrustAt.estimateGas(await latestBlock());
      for (let i = 0; i < 28; i++) {
        const total = await ledger.totalTrust();
        await ledger
          .connect(e.penaltySigner)
          .adjustTrust(orgA, i % 2 === 0 ? -1n : 1n, TrustChangeReason.Liability, EVIDENCE);
        // Each adjustment, in its own block, moves the total: one more checkpoint.
        expect(await ledger.totalTrust()).to.not.equal(total);
      }
      await mineEach(1);
      const latest = await latestBlock();
      const previousWithThirty = await ledger.totalTrustAt.estimateGas(latest);
      const older = await ledger.totalTrustAt.estimateGas(latest - 20n);
      expect(previousWithThirty).to.equal(previousWithTwo);
      expect(older).to.be.greaterThan(previousWithThirty);
      expect(await ledger.totalTrustAt(latest - 20n)).to.equal(
        await ledger.totalTrust({ blockTag: Number(latest - 20n) }),
      );
    });

    describe("reverts", function () {
      it("when the timepoint is the current block or later", async function () {
        const e = await loadFixture(deployEmpty);
        const latest = await latestBlock();
        for (const timepoint of [latest, latest + 1n]) {
          await expect(e.ledger.totalTrustAt(timepoint))
            .to.be.revertedWithCustomError(e.ledger, "TrustLedgerFutureLookup")
            .withArgs(timepoint, latest);
        }
      });
    });
  });
});
