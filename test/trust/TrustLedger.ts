import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";

import {
  AbiCoder,
  dataSlice,
  getAddress,
  id,
  keccak256,
  toBeHex,
  ZeroAddress,
  ZeroHash,
  type ContractTransactionResponse,
} from "ethers";
import { network } from "hardhat";

import { CommunityType, Level, ONE, Role, Status, TrustChangeReason } from "../../src/constants.js";
import { defaultTrustParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import {
  CredenceProxy__factory,
  PenaltyHookMock__factory,
  RevertingPenaltyHook__factory,
  TrustLedger__factory,
  type TrustLedger,
} from "../../types/index.js";
import {
  deploySuite,
  fixtureTrustParameters,
  joinAndActivate,
  newIdentity,
  profileOf,
  type Suite,
} from "../helpers/fixtures.js";
import {
  decay,
  decayFactor,
  evolve,
  initialTrust,
  levelValue,
  parametersOf,
  parametersTuple,
  preTrust,
  rating,
  scoreOf,
  scores,
  scoresTuple,
  snapshotTrust,
  trustAtBlock,
  withParameters,
  type InitialInputs,
  type Rating,
} from "./helpers.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, mine } = networkHelpers;

/** ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

const UNKNOWN_ORG = 999n;

async function implementationOf(proxy: TrustLedger): Promise<string> {
  const raw = await ethers.provider.getStorage(await proxy.getAddress(), IMPLEMENTATION_SLOT);
  return getAddress(dataSlice(raw, 12));
}

async function blockOf(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt(receipt!.blockNumber);
}

async function latestBlock(): Promise<bigint> {
  return BigInt(await ethers.provider.getBlockNumber());
}

/** A signer for a contract's address (impersonated and funded), to call what only that contract may call. */
async function impersonate(address: string) {
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, ONE);
  return ethers.getSigner(address);
}

/**
 * Mines `count` blocks one `evm_mine` at a time. `hardhat_mine` (networkHelpers.mine) reserves the blocks it
 * skips without their state, so an `eth_call` at one of those past blocks returns no data; tests that query
 * past blocks with `blockTag` mine them one by one.
 */
async function mineEach(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await ethers.provider.send("evm_mine", []);
}

/**
 * The storage slot of `heads[orgId]` and the bit its `rated` counter starts at, from the committed storage layout
 * (storage-layouts/TrustLedger.json), to set the counter directly.
 */
function headRatedSlot(orgId: bigint): { slot: string; bit: bigint } {
  const layout = JSON.parse(readFileSync(path.join("storage-layouts", "TrustLedger.json"), "utf8")) as {
    slot: string;
    members: Array<{
      label: string;
      slot: string;
      type: { value?: { members: Array<{ label: string; offset: number }> } };
    }>;
  };
  const heads = layout.members.find((member) => member.label === "heads")!;
  const rated = heads.type.value!.members.find((member) => member.label === "rated")!;
  const mappingSlot = BigInt(layout.slot) + BigInt(heads.slot);
  const slot = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [orgId, mappingSlot]));
  return { slot, bit: BigInt(rated.offset * 8) };
}

function selectorOf(ledger: TrustLedger, error: string): string {
  return ledger.interface.getError(error)!.selector;
}

/**
 * A private community with default parameters: three Active organizations A, B and E (B with two extra member
 * accounts), a Pending candidate C, an Expelled organization D, and both penalty hooks deployed (not set).
 */
async function deployFixture() {
  const [governance, adminA, adminB, adminC, adminD, adminE, memberA, memberB, memberB2, memberE, outsider] =
    await ethers.getSigners();
  const suite: Suite = await deploySuite(connection);
  const { manager, registry } = suite;
  // The registry proxy itself, the only account the ledger takes initializeTrust and clearTrust from.
  const registrySigner = await impersonate(await registry.getAddress());

  const orgA = await joinAndActivate(suite, adminA, governance);
  const orgB = await joinAndActivate(suite, adminB, governance);
  const orgE = await joinAndActivate(suite, adminE, governance);
  await registry.connect(adminA).addMember(orgA, memberA);
  await registry.connect(adminB).addMember(orgB, memberB);
  await registry.connect(adminB).addMember(orgB, memberB2);
  await registry.connect(adminE).addMember(orgE, memberE);

  const [profileHash, profileURI] = profileOf(adminC.address);
  await registry.connect(adminC).requestJoin(newIdentity("pending"), countryCode("DE"), profileHash, profileURI);
  const orgC = await registry.organizationOf(adminC);

  const orgD = await joinAndActivate(suite, adminD, governance);
  await manager.grantRole(Role.PENALTY, governance, 0);
  await registry.expel(orgD, id("expelled"));

  const hook = await new PenaltyHookMock__factory(governance).deploy();
  const revertingHook = await new RevertingPenaltyHook__factory(governance).deploy();

  return {
    ...suite,
    governance,
    adminA,
    adminB,
    adminC,
    adminD,
    adminE,
    memberA,
    memberB,
    memberB2,
    memberE,
    outsider,
    registrySigner,
    orgA,
    orgB,
    orgC,
    orgD,
    orgE,
    hook,
    revertingHook,
  };
}

/**
 * The default fixture with a half-life of 100 blocks, so that decay is visible within a test. The activations
 * happened under the default half-life: `parametersBlock` is the block from which 100 is in force.
 */
async function shortHalfLifeFixture() {
  const fixture = await deployFixture();
  const parametersBlock = await blockOf(await fixture.ledger.setParameters(withParameters({ halfLife: 100n })));
  return { ...fixture, parametersBlock };
}

/** The default fixture with the baseline at 1: no trust ever decays, so A, B and E keep equal trust. */
async function noDecayFixture() {
  const fixture = await deployFixture();
  await fixture.ledger.setParameters(withParameters({ baseline: ONE }));
  return fixture;
}

/** A public community with one Active organization. */
async function publicFixture() {
  const [governance, adminA] = await ethers.getSigners();
  const suite = await deploySuite(connection, { communityType: CommunityType.Public });
  return { ...suite, governance, adminA };
}

/** Applies `r` as the platform and returns the expected old and new trust at the block it was mined in. */
async function rateAndProject(ledger: TrustLedger, r: Rating) {
  const before = await snapshotTrust(ledger, r.orgId);
  const tx = await ledger.rate(r);
  const block = await blockOf(tx);
  const oldValue = trustAtBlock(before, block);
  const p = before.parameters;
  const score = scoreOf(p, r.scores);
  const newValue = evolve(oldValue, score, p.gainRate, p.lossRate, ONE);
  return { tx, block, before, oldValue, newValue, score };
}

describe("TrustLedger", function () {
  describe("initialize", function () {
    it("stores the authority, the community type and the parameters", async function () {
      const { ledger, manager } = await loadFixture(deployFixture);
      expect(await ledger.authority()).to.equal(await manager.getAddress());
      expect(await ledger.communityType()).to.equal(CommunityType.Private);
      expect(parametersTuple(await parametersOf(ledger))).to.deep.equal(parametersTuple(fixtureTrustParameters));
    });

    it("emits TrustParametersUpdated when a fresh proxy is initialized", async function () {
      const { ledger, manager, governance } = await loadFixture(deployFixture);
      const parameters = withParameters({ gainRate: toFixed("0.05"), halfLife: 42n });
      const data = ledger.interface.encodeFunctionData("initialize", [
        await manager.getAddress(),
        CommunityType.Public,
        parameters,
      ]);
      const proxy = await new CredenceProxy__factory(governance).deploy(await implementationOf(ledger), data);
      const fresh = TrustLedger__factory.connect(await proxy.getAddress(), governance);
      await expect(proxy.deploymentTransaction())
        .to.emit(fresh, "TrustParametersUpdated")
        .withArgs(parametersTuple(parameters));
      expect(await fresh.authority()).to.equal(await manager.getAddress());
      expect(await fresh.communityType()).to.equal(CommunityType.Public);
      expect(parametersTuple(await parametersOf(fresh))).to.deep.equal(parametersTuple(parameters));
      expect(await fresh.registry()).to.equal(ZeroAddress);
      expect(await fresh.penaltyHook()).to.equal(ZeroAddress);
      expect(await fresh.totalTrust()).to.equal(0n);
    });

    describe("reverts", function () {
      it("when the authority is the zero address", async function () {
        const { ledger, governance } = await loadFixture(deployFixture);
        const data = ledger.interface.encodeFunctionData("initialize", [
          ZeroAddress,
          CommunityType.Private,
          defaultTrustParameters,
        ]);
        await expect(
          new CredenceProxy__factory(governance).deploy(await implementationOf(ledger), data),
        ).to.be.revertedWithCustomError(ledger, "TrustLedgerZeroAddress");
      });

      it("when the parameters are invalid", async function () {
        const { ledger, manager, governance } = await loadFixture(deployFixture);
        const data = ledger.interface.encodeFunctionData("initialize", [
          await manager.getAddress(),
          CommunityType.Private,
          withParameters({ halfLife: 0n }),
        ]);
        await expect(
          new CredenceProxy__factory(governance).deploy(await implementationOf(ledger), data),
        ).to.be.revertedWithCustomError(ledger, "TrustLedgerZeroHalfLife");

        const badWeights = ledger.interface.encodeFunctionData("initialize", [
          await manager.getAddress(),
          CommunityType.Private,
          withParameters({ weightLegal: toFixed("0.25") }),
        ]);
        await expect(new CredenceProxy__factory(governance).deploy(await implementationOf(ledger), badWeights))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerWeightsDoNotSumToOne")
          .withArgs("initialization", toFixed("1.05"));
      });

      it("when the proxy is already initialized", async function () {
        const { ledger, manager } = await loadFixture(deployFixture);
        await expect(
          ledger.initialize(await manager.getAddress(), CommunityType.Public, defaultTrustParameters),
        ).to.be.revertedWithCustomError(ledger, "InvalidInitialization");
      });

      it("when called on the implementation", async function () {
        const { ledger, manager, governance } = await loadFixture(deployFixture);
        const implementation = TrustLedger__factory.connect(await implementationOf(ledger), governance);
        expect(await implementation.version()).to.equal("1.1.0");
        await expect(
          implementation.initialize(await manager.getAddress(), CommunityType.Private, defaultTrustParameters),
        ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
      });
    });
  });

  describe("setParameters", function () {
    it("stores the parameters and emits TrustParametersUpdated", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const parameters = withParameters({
        weightPreTrust: toFixed("0.25"),
        weightIndirect: toFixed("0.30"),
        weightQuality: toFixed("0.55"),
        weightQuantity: toFixed("0.05"),
        weightIntegrity: toFixed("0.20"),
        weightIntent: toFixed("0.20"),
        gainRate: toFixed("0.2"),
        lossRate: toFixed("0.4"),
        flagThreshold: toFixed("0.25"),
        publicInitialCap: toFixed("0.15"),
        privateInitialCap: toFixed("0.35"),
        baseline: toFixed("0.4"),
        halfLife: 1000n,
        recommendationDamping: 5n,
      });
      await expect(ledger.setParameters(parameters))
        .to.emit(ledger, "TrustParametersUpdated")
        .withArgs(parametersTuple(parameters));
      expect(parametersTuple(await parametersOf(ledger))).to.deep.equal(parametersTuple(parameters));
    });

    it("accepts every bound at its limit", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const parameters = withParameters({
        gainRate: ONE,
        lossRate: ONE,
        flagThreshold: ONE,
        publicInitialCap: ONE,
        privateInitialCap: ONE,
        baseline: ONE,
        halfLife: 1n,
        recommendationDamping: 1000n,
      });
      await expect(ledger.setParameters(parameters))
        .to.emit(ledger, "TrustParametersUpdated")
        .withArgs(parametersTuple(parameters));
      expect(parametersTuple(await parametersOf(ledger))).to.deep.equal(parametersTuple(parameters));
    });

    it("accepts equal gain and loss rates and zero thresholds", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const parameters = withParameters({
        gainRate: toFixed("0.2"),
        lossRate: toFixed("0.2"),
        flagThreshold: 0n,
        publicInitialCap: 0n,
        privateInitialCap: 0n,
        baseline: 0n,
        recommendationDamping: 0n,
      });
      await ledger.setParameters(parameters);
      expect(parametersTuple(await parametersOf(ledger))).to.deep.equal(parametersTuple(parameters));
    });

    describe("reverts", function () {
      it("when the caller is not governance", async function () {
        const { ledger, outsider } = await loadFixture(deployFixture);
        await expect(ledger.connect(outsider).setParameters(defaultTrustParameters))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });

      it("when the initialization weights do not sum to 1", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setParameters(withParameters({ weightCapability: toFixed("0.2") })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerWeightsDoNotSumToOne")
          .withArgs("initialization", toFixed("0.95"));
        await expect(ledger.setParameters(withParameters({ weightPreTrust: toFixed("0.35") + 1n })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerWeightsDoNotSumToOne")
          .withArgs("initialization", ONE + 1n);
      });

      it("when the rating weights do not sum to 1", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setParameters(withParameters({ weightIntent: toFixed("0.3") })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerWeightsDoNotSumToOne")
          .withArgs("rating", toFixed("1.05"));
        await expect(ledger.setParameters(withParameters({ weightQuality: toFixed("0.4") - 1n })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerWeightsDoNotSumToOne")
          .withArgs("rating", ONE - 1n);
      });

      it("when the gain rate is zero", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setParameters(withParameters({ gainRate: 0n })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerRateOutOfRange")
          .withArgs(0n, defaultTrustParameters.lossRate);
      });

      it("when the gain rate is above the loss rate", async function () {
        const { ledger } = await loadFixture(deployFixture);
        const gainRate = defaultTrustParameters.lossRate + 1n;
        await expect(ledger.setParameters(withParameters({ gainRate })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerRateOutOfRange")
          .withArgs(gainRate, defaultTrustParameters.lossRate);
      });

      it("when the loss rate is above 1", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setParameters(withParameters({ lossRate: ONE + 1n })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerRateOutOfRange")
          .withArgs(defaultTrustParameters.gainRate, ONE + 1n);
      });

      it("when the half-life is zero", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setParameters(withParameters({ halfLife: 0n }))).to.be.revertedWithCustomError(
          ledger,
          "TrustLedgerZeroHalfLife",
        );
      });

      for (const name of ["flagThreshold", "publicInitialCap", "privateInitialCap", "baseline"] as const) {
        it(`when ${name} is above 1`, async function () {
          const { ledger } = await loadFixture(deployFixture);
          await expect(ledger.setParameters(withParameters({ [name]: ONE + 1n })))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerParameterOutOfRange")
            .withArgs(name, ONE + 1n, ONE);
        });
      }

      it("when the recommendation damping is above 1000", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setParameters(withParameters({ recommendationDamping: 1001n })))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerParameterOutOfRange")
          .withArgs("recommendationDamping", 1001n, 1000n);
      });
    });
  });

  describe("setRegistry", function () {
    it("points the ledger at the registry deployed with it", async function () {
      const { ledger, registry } = await loadFixture(deployFixture);
      expect(await ledger.registry()).to.equal(await registry.getAddress());
    });

    it("stores the registry and emits RegistryUpdated", async function () {
      const { ledger, outsider } = await loadFixture(deployFixture);
      await expect(ledger.setRegistry(outsider.address)).to.emit(ledger, "RegistryUpdated").withArgs(outsider.address);
      expect(await ledger.registry()).to.equal(outsider.address);
    });

    describe("reverts", function () {
      it("when the registry is the zero address", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(ledger.setRegistry(ZeroAddress)).to.be.revertedWithCustomError(ledger, "TrustLedgerZeroAddress");
      });

      it("when the caller is not governance", async function () {
        const { ledger, outsider } = await loadFixture(deployFixture);
        await expect(ledger.connect(outsider).setRegistry(outsider.address))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });
    });
  });

  describe("setPenaltyHook", function () {
    it("is the PenaltyCases proxy after deployment", async function () {
      const { ledger, penalty } = await loadFixture(deployFixture);
      expect(await ledger.penaltyHook()).to.equal(await penalty.getAddress());
    });

    it("sets and unsets the hook, emitting PenaltyHookUpdated", async function () {
      const { ledger, hook } = await loadFixture(deployFixture);
      const hookAddress = await hook.getAddress();
      await expect(ledger.setPenaltyHook(hook)).to.emit(ledger, "PenaltyHookUpdated").withArgs(hookAddress);
      expect(await ledger.penaltyHook()).to.equal(hookAddress);
      await expect(ledger.setPenaltyHook(ZeroAddress)).to.emit(ledger, "PenaltyHookUpdated").withArgs(ZeroAddress);
      expect(await ledger.penaltyHook()).to.equal(ZeroAddress);
    });

    describe("reverts", function () {
      it("when the caller is not governance", async function () {
        const { ledger, hook, outsider } = await loadFixture(deployFixture);
        await expect(ledger.connect(outsider).setPenaltyHook(hook))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });
    });
  });

  describe("initializeTrust", function () {
    it("is called by the registry at activation with the formula's value", async function () {
      const { ledger, registry, governance, outsider } = await loadFixture(deployFixture);
      const totalBefore = await ledger.totalTrust();
      const p = await parametersOf(ledger);
      const indirect = await registry.indirectTrustOf(countryCode("FR"));
      const expected = initialTrust(p, { preTrust: 0n, legal: Level.Medium, capability: Level.Low, indirect });

      const [profileHash, profileURI] = profileOf(outsider.address);
      await registry.connect(outsider).requestJoin(newIdentity(), countryCode("FR"), profileHash, profileURI);
      const orgId = await registry.organizationOf(outsider);
      const tx = registry.connect(governance).activate(orgId, Level.Medium, Level.Low);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgId, 0n, expected, expected, TrustChangeReason.Initialized, ZeroHash);
      const block = await blockOf(await tx);

      expect(await ledger.recordedTrustOf(orgId)).to.deep.equal([expected, block]);
      expect(await ledger.trustOf(orgId)).to.equal(
        decay(expected, p.baseline, (await latestBlock()) - block, p.halfLife),
      );
      expect(await ledger.totalTrust()).to.equal(totalBefore + expected);
    });

    it("returns and records the initial trust when called by the registry", async function () {
      const { ledger, registrySigner } = await loadFixture(deployFixture);
      const inputs = { preTrust: toFixed("0.6"), legal: Level.High, capability: Level.High, indirect: toFixed("0.7") };
      const expected = initialTrust(await parametersOf(ledger), inputs);
      expect(await ledger.connect(registrySigner).initializeTrust.staticCall(500n, inputs)).to.equal(expected);

      const totalBefore = await ledger.totalTrust();
      const tx = await ledger.connect(registrySigner).initializeTrust(500n, inputs);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(500n, 0n, expected, expected, TrustChangeReason.Initialized, ZeroHash);
      expect(await ledger.recordedTrustOf(500n)).to.deep.equal([expected, await blockOf(tx)]);
      expect(await ledger.totalTrust()).to.equal(totalBefore + expected);
    });

    describe("reverts", function () {
      it("when called by any account but the registry, governance included", async function () {
        const { ledger, governance, outsider } = await loadFixture(deployFixture);
        const inputs = { preTrust: 0n, legal: Level.High, capability: Level.High, indirect: 0n };
        for (const caller of [governance, outsider]) {
          await expect(ledger.connect(caller).initializeTrust(500n, inputs))
            .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });

      it("when the organization's trust is already initialized", async function () {
        const { ledger, registrySigner, orgA } = await loadFixture(deployFixture);
        const inputs = { preTrust: 0n, legal: Level.High, capability: Level.High, indirect: 0n };
        await expect(ledger.connect(registrySigner).initializeTrust(orgA, inputs))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerAlreadyInitialized")
          .withArgs(orgA);

        await ledger.connect(registrySigner).initializeTrust(500n, inputs);
        await expect(ledger.connect(registrySigner).initializeTrust(500n, inputs))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerAlreadyInitialized")
          .withArgs(500n);
      });

      it("when an input is invalid", async function () {
        const { ledger, registrySigner } = await loadFixture(deployFixture);
        await expect(
          ledger
            .connect(registrySigner)
            .initializeTrust(500n, { preTrust: 0n, legal: Level.None, capability: Level.High, indirect: 0n }),
        ).to.be.revertedWithCustomError(ledger, "TrustLedgerInvalidLevel");
        await expect(
          ledger
            .connect(registrySigner)
            .initializeTrust(500n, { preTrust: ONE + 1n, legal: Level.Low, capability: Level.High, indirect: 0n }),
        )
          .to.be.revertedWithCustomError(ledger, "TrustLedgerScoreOutOfRange")
          .withArgs(ONE + 1n);
      });
    });
  });

  describe("clearTrust", function () {
    it("clears an initialized organization when called by the registry", async function () {
      const { ledger, registrySigner, orgA } = await loadFixture(deployFixture);
      const before = await snapshotTrust(ledger, orgA);
      const totalBefore = await ledger.totalTrust();
      const tx = await ledger.connect(registrySigner).clearTrust(orgA, id("direct"));
      const block = await blockOf(tx);
      const current = trustAtBlock(before, block);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, 0n, -current, TrustChangeReason.Cleared, id("direct"));
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([0n, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value);
    });

    it("is called by the registry at expulsion", async function () {
      const { ledger, registry, orgA } = await loadFixture(deployFixture);
      const before = await snapshotTrust(ledger, orgA);
      const totalBefore = await ledger.totalTrust();
      const reason = id("case-1");
      const tx = await registry.expel(orgA, reason);
      const block = await blockOf(tx);
      const current = trustAtBlock(before, block);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, 0n, -current, TrustChangeReason.Cleared, reason);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([0n, block]);
      expect(await ledger.trustOf(orgA)).to.equal(0n);
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value);
    });

    it("reports the decayed trust but removes the recorded trust from the total", async function () {
      const { ledger, registry, orgA } = await loadFixture(shortHalfLifeFixture);
      await mine(150);
      const before = await snapshotTrust(ledger, orgA);
      const totalBefore = await ledger.totalTrust();
      const tx = await registry.expel(orgA, id("case-2"));
      const current = trustAtBlock(before, await blockOf(tx));
      expect(current).to.be.lessThan(before.value);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, current, 0n, -current, TrustChangeReason.Cleared, id("case-2"));
      expect(await ledger.totalTrust()).to.equal(totalBefore - before.value);
    });

    describe("reverts", function () {
      it("when called by any account but the registry, governance included", async function () {
        const { ledger, governance, outsider, orgA } = await loadFixture(deployFixture);
        for (const caller of [governance, outsider]) {
          await expect(ledger.connect(caller).clearTrust(orgA, ZeroHash))
            .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });

      it("when the organization's trust was never initialized", async function () {
        const { ledger, registrySigner, orgC } = await loadFixture(deployFixture);
        const totalBefore = await ledger.totalTrust();
        for (const orgId of [UNKNOWN_ORG, orgC]) {
          await expect(ledger.connect(registrySigner).clearTrust(orgId, id("no trust")))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerNotInitialized")
            .withArgs(orgId);
          expect(await ledger.recordedTrustOf(orgId)).to.deep.equal([0n, 0n]);
        }
        expect(await ledger.totalTrust()).to.equal(totalBefore);
      });
    });
  });

  describe("computeInitialTrust", function () {
    it("equals the weighted sum of its inputs", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const p = await parametersOf(ledger);
      const levels = [Level.Low, Level.Medium, Level.High];
      const fractions = [0n, toFixed("0.37"), ONE];
      for (const legal of levels) {
        for (const capability of levels) {
          for (const pre of fractions) {
            const inputs: InitialInputs = { preTrust: pre, legal, capability, indirect: toFixed("0.61") };
            expect(await ledger.computeInitialTrust(inputs)).to.equal(initialTrust(p, inputs));
          }
        }
      }
    });

    it("uses level values of n/3 and reaches 1 with perfect inputs", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(levelValue(Level.Low)).to.equal(333333333333333333n);
      expect(levelValue(Level.Medium)).to.equal(666666666666666666n);
      const only = (field: "weightLegal" | "weightCapability") =>
        withParameters({
          weightPreTrust: 0n,
          weightLegal: field === "weightLegal" ? ONE : 0n,
          weightCapability: field === "weightCapability" ? ONE : 0n,
          weightIndirect: 0n,
        });
      await ledger.setParameters(only("weightLegal"));
      for (const level of [Level.Low, Level.Medium, Level.High]) {
        expect(
          await ledger.computeInitialTrust({ preTrust: 0n, legal: level, capability: Level.Low, indirect: 0n }),
        ).to.equal(levelValue(level));
      }
      await ledger.setParameters(only("weightCapability"));
      expect(
        await ledger.computeInitialTrust({ preTrust: 0n, legal: Level.High, capability: Level.Medium, indirect: 0n }),
      ).to.equal(levelValue(Level.Medium));
      // The formula reaches 1 with perfect inputs (the private initial cap off, as in the fixture).
      await ledger.setParameters(fixtureTrustParameters);
      expect(
        await ledger.computeInitialTrust({ preTrust: ONE, legal: Level.High, capability: Level.High, indirect: ONE }),
      ).to.equal(ONE);
    });

    const aboveCap = {
      preTrust: toFixed("0.8"),
      legal: Level.High,
      capability: Level.Medium,
      indirect: toFixed("0.7"),
    };

    it("caps initial trust at privateInitialCap in a private community", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.communityType()).to.equal(CommunityType.Private);
      await ledger.setParameters(defaultTrustParameters);
      const cap = defaultTrustParameters.privateInitialCap;
      expect(initialTrust({ ...defaultTrustParameters, privateInitialCap: ONE }, aboveCap)).to.be.greaterThan(cap);
      expect(await ledger.computeInitialTrust(aboveCap)).to.equal(cap);
      expect(initialTrust(defaultTrustParameters, aboveCap)).to.equal(cap);
    });

    it("leaves initial trust under the cap unchanged in a private community, and follows a new cap", async function () {
      const { ledger } = await loadFixture(deployFixture);
      await ledger.setParameters(defaultTrustParameters);
      const low = { preTrust: 0n, legal: Level.Low, capability: Level.Low, indirect: toFixed("0.3") };
      const formula = initialTrust(defaultTrustParameters, low);
      expect(formula).to.be.lessThan(defaultTrustParameters.privateInitialCap);
      expect(await ledger.computeInitialTrust(low)).to.equal(formula);
      await ledger.setParameters(withParameters({ privateInitialCap: ONE }));
      expect(await ledger.computeInitialTrust(aboveCap)).to.equal(
        initialTrust({ ...defaultTrustParameters, privateInitialCap: ONE }, aboveCap),
      );
      expect(await ledger.computeInitialTrust(aboveCap)).to.be.greaterThan(defaultTrustParameters.privateInitialCap);
    });

    it("caps initial trust at publicInitialCap in a public community", async function () {
      const { ledger } = await loadFixture(publicFixture);
      expect(await ledger.communityType()).to.equal(CommunityType.Public);
      expect(initialTrust(defaultTrustParameters, aboveCap)).to.be.greaterThan(defaultTrustParameters.publicInitialCap);
      expect(await ledger.computeInitialTrust(aboveCap)).to.equal(defaultTrustParameters.publicInitialCap);
      expect(initialTrust(defaultTrustParameters, aboveCap, true)).to.equal(defaultTrustParameters.publicInitialCap);
    });

    it("leaves initial trust under the cap unchanged in a public community", async function () {
      const { ledger } = await loadFixture(publicFixture);
      await ledger.setParameters(withParameters({ publicInitialCap: toFixed("0.5") }));
      const low = { preTrust: 0n, legal: Level.Low, capability: Level.Low, indirect: toFixed("0.3") };
      const formula = initialTrust(await parametersOf(ledger), low);
      expect(formula).to.be.lessThan(toFixed("0.5"));
      expect(await ledger.computeInitialTrust(low)).to.equal(formula);
      const high = { preTrust: ONE, legal: Level.High, capability: Level.High, indirect: ONE };
      expect(await ledger.computeInitialTrust(high)).to.equal(toFixed("0.5"));
    });

    it("initializes a public community's member at the cap on activation", async function () {
      const { ledger, registry, governance, adminA } = await loadFixture(publicFixture);
      const [profileHash, profileURI] = profileOf(adminA.address);
      await registry.connect(adminA).requestJoin(newIdentity(), countryCode("DE"), profileHash, profileURI);
      const orgId = await registry.organizationOf(adminA);
      const cap = defaultTrustParameters.publicInitialCap;
      await expect(registry.connect(governance).activate(orgId, Level.High, Level.High))
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgId, 0n, cap, cap, TrustChangeReason.Initialized, ZeroHash);
      expect((await ledger.recordedTrustOf(orgId))[0]).to.equal(cap);
      expect(await ledger.totalTrust()).to.equal(cap);
    });

    describe("reverts", function () {
      it("when a level is None", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(
          ledger.computeInitialTrust({ preTrust: 0n, legal: Level.None, capability: Level.High, indirect: 0n }),
        ).to.be.revertedWithCustomError(ledger, "TrustLedgerInvalidLevel");
        await expect(
          ledger.computeInitialTrust({ preTrust: 0n, legal: Level.High, capability: Level.None, indirect: 0n }),
        ).to.be.revertedWithCustomError(ledger, "TrustLedgerInvalidLevel");
      });

      it("when pre-trust is above 1", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(
          ledger.computeInitialTrust({ preTrust: ONE + 1n, legal: Level.High, capability: Level.High, indirect: 0n }),
        )
          .to.be.revertedWithCustomError(ledger, "TrustLedgerScoreOutOfRange")
          .withArgs(ONE + 1n);
      });

      it("when indirect trust is above 1", async function () {
        const { ledger } = await loadFixture(deployFixture);
        await expect(
          ledger.computeInitialTrust({
            preTrust: 0n,
            legal: Level.High,
            capability: Level.High,
            indirect: 2n * ONE,
          }),
        )
          .to.be.revertedWithCustomError(ledger, "TrustLedgerScoreOutOfRange")
          .withArgs(2n * ONE);
      });
    });
  });

  describe("computePreTrust", function () {
    it("is zero without recommender trust", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.computePreTrust(0n, 0n)).to.equal(0n);
      expect(await ledger.computePreTrust(toFixed("0.4"), 0n)).to.equal(0n);
      // No division by zero without damping either.
      await ledger.setParameters(withParameters({ recommendationDamping: 0n }));
      expect(await ledger.computePreTrust(0n, 0n)).to.equal(0n);
    });

    it("damps the trust-weighted mean score by W / (W + k), W the recommenders' total trust", async function () {
      const { ledger } = await loadFixture(deployFixture);
      // Two recommenders of trust 0.25 each, scores 0.6 and 1.0: weighted mean 0.8, W = 0.5, damping k = 2.
      const weightedScoreSum = toFixed("0.15") + toFixed("0.25");
      const weightSum = toFixed("0.5");
      expect(defaultTrustParameters.recommendationDamping).to.equal(2n);
      // 0.8 * 0.5 / (0.5 + 2) = 0.16
      expect(await ledger.computePreTrust(weightedScoreSum, weightSum)).to.equal(toFixed("0.16"));
      expect(await ledger.computePreTrust(weightedScoreSum, weightSum)).to.equal(
        (toFixed("0.8") * weightSum) / (weightSum + 2n * ONE),
      );

      await ledger.setParameters(withParameters({ recommendationDamping: 0n }));
      expect(await ledger.computePreTrust(weightedScoreSum, weightSum)).to.equal(toFixed("0.8"));
      // 0.8 * 0.5 / (0.5 + 1.5) = 0.2: the damping is a count of full-trust recommendations, not a fraction.
      await ledger.setParameters(withParameters({ recommendationDamping: 6n }));
      expect(await ledger.computePreTrust(weightedScoreSum, weightSum)).to.equal(
        preTrust(weightedScoreSum, weightSum, 6n),
      );
      expect(preTrust(weightedScoreSum, weightSum, 6n)).to.equal((toFixed("0.4") * ONE) / toFixed("6.5"));
    });

    it("matches the integer formula on uneven inputs, rounding down", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const cases: [bigint, bigint][] = [
        [123456789012345678n, 987654321098765432n],
        [toFixed("1.7"), toFixed("2.9")],
        [1n, 3n],
        [toFixed("0.3"), toFixed("0.3")],
      ];
      for (const damping of [2n, 0n, 7n, 1000n]) {
        await ledger.setParameters(withParameters({ recommendationDamping: damping }));
        for (const [sum, weights] of cases) {
          expect(await ledger.computePreTrust(sum, weights)).to.equal(preTrust(sum, weights, damping));
        }
      }
      // 1 * 1e18 / (3 + 2e18) rounds down to 0.
      await ledger.setParameters(defaultTrustParameters);
      expect(await ledger.computePreTrust(1n, 3n)).to.equal(0n);
    });

    it("gives many low-trust recommenders little pre-trust and trusted recommenders more", async function () {
      const { ledger } = await loadFixture(deployFixture);
      /** `count` recommenders of trust `trust`, each scoring 1. */
      const uniform = (count: bigint, trust: bigint) => ledger.computePreTrust(count * trust, count * trust);

      // Ten recommenders of trust 0.05 (W = 0.5) give 0.5 / 2.5 = 0.2; one of trust 0.9 gives 0.9 / 2.9.
      const tenLow = await uniform(10n, toFixed("0.05"));
      const oneTrusted = await uniform(1n, toFixed("0.9"));
      expect(tenLow).to.equal(toFixed("0.2"));
      expect(oneTrusted).to.equal((toFixed("0.9") * ONE) / toFixed("2.9"));
      expect(oneTrusted).to.be.greaterThan(tenLow);

      // On top of one trusted recommender, five low-trust ones add less than one more trusted recommender.
      const trusted = toFixed("0.9");
      const lowTotal = 5n * toFixed("0.05");
      const plusFiveLow = await ledger.computePreTrust(trusted + lowTotal, trusted + lowTotal);
      const plusOneTrusted = await uniform(2n, trusted);
      expect(plusFiveLow).to.be.greaterThan(oneTrusted);
      expect(plusFiveLow - oneTrusted).to.be.lessThan(plusOneTrusted - oneTrusted);
      expect(plusFiveLow - oneTrusted).to.be.lessThan((plusOneTrusted - oneTrusted) / 2n);

      // Even sixty-four recommenders (the most the registry allows) of trust 0.01 stay under 0.25.
      expect(await uniform(64n, toFixed("0.01"))).to.be.lessThan(toFixed("0.25"));
      expect(await uniform(64n, toFixed("0.01"))).to.equal(preTrust(toFixed("0.64"), toFixed("0.64"), 2n));
    });

    it("grows with more trusted recommendations and better scores, and stays under the mean score", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const trust = toFixed("0.6");
      const uniform = (n: bigint, score: bigint) => ledger.computePreTrust((n * trust * score) / ONE, n * trust);
      const one = await uniform(1n, toFixed("0.8"));
      const two = await uniform(2n, toFixed("0.8"));
      const three = await uniform(3n, toFixed("0.8"));
      expect(one).to.be.greaterThan(0n);
      expect(two).to.be.greaterThan(one);
      expect(three).to.be.greaterThan(two);
      expect(three).to.be.lessThan(toFixed("0.8"));
      expect(await uniform(2n, toFixed("0.9"))).to.be.greaterThan(await uniform(2n, toFixed("0.6")));
      // Full scores from the most recommenders at full trust: 64 / 66, under 1.
      expect(await ledger.computePreTrust(64n * ONE, 64n * ONE)).to.equal((64n * ONE) / 66n);

      // The same two scores (0.9 and 0.5), given by a trusted (0.9) and a little-trusted (0.2) recommender.
      const trustedLikes = await ledger.computePreTrust(
        (toFixed("0.9") * toFixed("0.9") + toFixed("0.2") * toFixed("0.5")) / ONE,
        toFixed("1.1"),
      );
      const trustedDoubts = await ledger.computePreTrust(
        (toFixed("0.9") * toFixed("0.5") + toFixed("0.2") * toFixed("0.9")) / ONE,
        toFixed("1.1"),
      );
      expect(trustedLikes).to.be.greaterThan(trustedDoubts);
    });
  });

  describe("scoreOf", function () {
    it("weighs the four dimensions with the rating weights", async function () {
      const { ledger } = await loadFixture(deployFixture);
      const s = scores(toFixed("0.9"), toFixed("0.2"), toFixed("0.7"), toFixed("0.5"));
      // 0.4 * 0.9 + 0.1 * 0.2 + 0.25 * 0.7 + 0.25 * 0.5 = 0.68
      expect(await ledger.scoreOf(s)).to.equal(toFixed("0.68"));
      expect(await ledger.scoreOf(scores(ONE))).to.equal(ONE);
      expect(await ledger.scoreOf(scores(0n))).to.equal(0n);
      const uneven = scores(123456789n, 987654321987654321n, 5n, ONE);
      expect(await ledger.scoreOf(uneven)).to.equal(scoreOf(defaultTrustParameters, uneven));

      await ledger.setParameters(
        withParameters({ weightQuality: 0n, weightQuantity: ONE, weightIntegrity: 0n, weightIntent: 0n }),
      );
      expect(await ledger.scoreOf(s)).to.equal(toFixed("0.2"));
    });
  });

  describe("rate", function () {
    it("moves trust up by gainRate * (s - T) when the score is above the trust", async function () {
      const { ledger, governance, orgA } = await loadFixture(deployFixture);
      const r = rating(orgA, "up", scores(toFixed("0.95")));
      const { tx, block, before, oldValue, newValue, score } = await rateAndProject(ledger, r);
      expect(score).to.equal(toFixed("0.95"));
      expect(score).to.be.greaterThan(oldValue);
      expect(newValue - oldValue).to.equal(((score - oldValue) * defaultTrustParameters.gainRate) / ONE);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, oldValue, newValue, newValue - oldValue, TrustChangeReason.Rated, r.evidenceHash);
      await expect(tx)
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, r.contributionId, governance.address, 0n, scoresTuple(r.scores), score, ONE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([newValue, block]);
      expect(before.value).to.not.equal(newValue);
    });

    it("moves trust down by lossRate * (T - s) when the score is below the trust", async function () {
      const { ledger, governance, orgA } = await loadFixture(deployFixture);
      const r = rating(orgA, "down", scores(toFixed("0.1"), toFixed("0.2"), toFixed("0.5"), toFixed("0.4")));
      const { tx, block, oldValue, newValue, score } = await rateAndProject(ledger, r);
      // 0.4 * 0.1 + 0.1 * 0.2 + 0.25 * 0.5 + 0.25 * 0.4
      expect(score).to.equal(toFixed("0.285"));
      expect(oldValue - newValue).to.equal(((oldValue - score) * defaultTrustParameters.lossRate) / ONE);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, oldValue, newValue, newValue - oldValue, TrustChangeReason.Rated, r.evidenceHash);
      await expect(tx)
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, r.contributionId, governance.address, 0n, scoresTuple(r.scores), score, ONE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([newValue, block]);
    });

    it("moves the total by the new value minus the recorded value and marks the contribution rated", async function () {
      const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
      await mine(60);
      const totalBefore = await ledger.totalTrust();
      const r = rating(orgA, "total", scores(toFixed("0.9")));
      expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(false);
      const { before, oldValue, newValue } = await rateAndProject(ledger, r);
      // Decay since activation is written by the rating: the event's old value is the decayed trust.
      expect(oldValue).to.be.lessThan(before.value);
      expect(await ledger.totalTrust()).to.equal(totalBefore + newValue - before.value);
      expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(true);
    });

    it("moves trust further on a loss than on a gain of the same distance", async function () {
      const { ledger, orgA, orgB } = await loadFixture(noDecayFixture);
      const [trustA] = await ledger.recordedTrustOf(orgA);
      const [trustB] = await ledger.recordedTrustOf(orgB);
      expect(trustA).to.equal(trustB);
      expect(await ledger.trustOf(orgA)).to.equal(trustA);
      const distance = toFixed("0.3");
      await ledger.rate(rating(orgA, "gain", scores(trustA + distance)));
      await ledger.rate(rating(orgB, "loss", scores(trustB - distance)));
      const gain = (await ledger.trustOf(orgA)) - trustA;
      const loss = trustB - (await ledger.trustOf(orgB));
      expect(gain).to.equal((distance * defaultTrustParameters.gainRate) / ONE);
      expect(loss).to.equal((distance * defaultTrustParameters.lossRate) / ONE);
      expect(loss).to.be.greaterThan(gain);
    });

    it("leaves trust unchanged when the score equals the trust", async function () {
      const { ledger, orgA } = await loadFixture(noDecayFixture);
      const [trust] = await ledger.recordedTrustOf(orgA);
      await expect(ledger.rate(rating(orgA, "same", scores(trust))))
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, trust, trust, 0n, TrustChangeReason.Rated, id("evidence:same"));
      expect(await ledger.trustOf(orgA)).to.equal(trust);
    });

    describe("low-integrity signal", function () {
      it("emits LowIntegritySignalled and calls the hook when integrity is under the threshold", async function () {
        const { ledger, hook, governance, orgA } = await loadFixture(deployFixture);
        await ledger.setPenaltyHook(hook);
        const integrity = defaultTrustParameters.flagThreshold - 1n;
        const r = rating(orgA, "low-integrity", scores(toFixed("0.9"), toFixed("0.9"), integrity, toFixed("0.8")));
        const tx = ledger.rate(r);
        await expect(tx)
          .to.emit(ledger, "LowIntegritySignalled")
          .withArgs(orgA, r.contributionId, governance.address, 0n, integrity, toFixed("0.8"));
        await expect(tx)
          .to.emit(hook, "LowIntegrityReceived")
          .withArgs(
            orgA,
            r.contributionId,
            governance.address,
            integrity,
            toFixed("0.8"),
            r.evidenceHash,
            await ledger.getAddress(),
          );
        expect(await hook.callCount()).to.equal(1n);
        const last = await hook.lastCall();
        expect(last.orgId).to.equal(orgA);
        expect(last.contributionId).to.equal(r.contributionId);
        expect(last.rater).to.equal(governance.address);
        expect(last.integrity).to.equal(integrity);
        expect(last.intent).to.equal(toFixed("0.8"));
        expect(last.evidenceHash).to.equal(r.evidenceHash);
        expect(last.caller).to.equal(await ledger.getAddress());
        // The rating itself is applied.
        expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(true);
      });

      it("signals when intent is under the threshold", async function () {
        const { ledger, hook, governance, orgA } = await loadFixture(deployFixture);
        await ledger.setPenaltyHook(hook);
        const r = rating(orgA, "low-intent", scores(toFixed("0.9"), toFixed("0.9"), toFixed("0.9"), 0n));
        await expect(ledger.rate(r))
          .to.emit(ledger, "LowIntegritySignalled")
          .withArgs(orgA, r.contributionId, governance.address, 0n, toFixed("0.9"), 0n);
        expect(await hook.callCount()).to.equal(1n);
        expect((await hook.lastCall()).intent).to.equal(0n);
      });

      it("does not signal when integrity and intent equal the threshold", async function () {
        const { ledger, hook, orgA } = await loadFixture(deployFixture);
        await ledger.setPenaltyHook(hook);
        const threshold = defaultTrustParameters.flagThreshold;
        const r = rating(orgA, "at-threshold", scores(toFixed("0.9"), toFixed("0.9"), threshold, threshold));
        const tx = ledger.rate(r);
        await expect(tx).to.emit(ledger, "ContributionRated");
        await expect(tx).not.to.emit(ledger, "LowIntegritySignalled");
        expect(await hook.callCount()).to.equal(0n);
      });

      it("only emits the event when no hook is set", async function () {
        const { ledger, hook, governance, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "no-hook", scores(toFixed("0.5"), toFixed("0.5"), 0n, 0n));
        await expect(ledger.rate(r))
          .to.emit(ledger, "LowIntegritySignalled")
          .withArgs(orgA, r.contributionId, governance.address, 0n, 0n, 0n);
        expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(true);
        expect(await hook.callCount()).to.equal(0n);
      });

      it("reverts the rating and writes nothing when the hook reverts", async function () {
        const { ledger, revertingHook, orgA } = await loadFixture(deployFixture);
        await ledger.setPenaltyHook(revertingHook);
        const r = rating(orgA, "reverting-hook", scores(toFixed("0.5"), toFixed("0.5"), 0n, toFixed("0.5")));
        const recordedBefore = await ledger.recordedTrustOf(orgA);
        const totalBefore = await ledger.totalTrust();
        await expect(ledger.rate(r))
          .to.be.revertedWithCustomError(revertingHook, "RevertingPenaltyHookRejected")
          .withArgs(orgA, r.contributionId);
        expect(await ledger.recordedTrustOf(orgA)).to.deep.equal(recordedBefore);
        expect(await ledger.totalTrust()).to.equal(totalBefore);
        expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(false);

        // Nothing was marked: the same rating goes through once the hook is unset.
        await ledger.setPenaltyHook(ZeroAddress);
        await expect(ledger.rate(r)).to.emit(ledger, "LowIntegritySignalled");
      });
    });

    describe("reverts", function () {
      it("when the caller is not an assessor", async function () {
        const { ledger, adminB, orgA } = await loadFixture(deployFixture);
        await expect(ledger.connect(adminB).rate(rating(orgA, "x", scores(toFixed("0.5")))))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(adminB.address);
      });

      it("when a dimension is above 1, with the largest offending value", async function () {
        const { ledger, orgA } = await loadFixture(deployFixture);
        for (const [s, worst] of [
          [scores(ONE + 1n, 0n, 0n, 0n), ONE + 1n],
          [scores(0n, ONE + 7n, 0n, 0n), ONE + 7n],
          [scores(ONE, ONE, ONE + 3n, ONE), ONE + 3n],
          [scores(ONE + 2n, ONE + 9n, ONE + 5n, ONE + 4n), ONE + 9n],
          [scores(0n, ONE + 2n, ONE + 1n, 2n * ONE), 2n * ONE],
        ] as const) {
          await expect(ledger.rate(rating(orgA, "out-of-range", s)))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerScoreOutOfRange")
            .withArgs(worst);
        }
      });

      it("when the organization is not Active", async function () {
        const { ledger, orgC, orgD } = await loadFixture(deployFixture);
        for (const orgId of [UNKNOWN_ORG, orgC, orgD]) {
          await expect(ledger.rate(rating(orgId, "inactive", scores(toFixed("0.5")))))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerInactiveOrganization")
            .withArgs(orgId);
        }
      });

      it("when the platform already rated the contribution", async function () {
        const { ledger, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "twice", scores(toFixed("0.5")));
        await ledger.rate(r);
        await expect(ledger.rate({ ...r, scores: scores(toFixed("0.9")) }))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerAlreadyRated")
          .withArgs(orgA, r.contributionId, 0n);
      });
    });
  });

  describe("rateBatch", function () {
    it("applies every rating in order and returns the count", async function () {
      const { ledger, governance, orgA, orgB } = await loadFixture(deployFixture);
      const batch = [
        rating(orgA, "batch-1", scores(toFixed("0.9"))),
        rating(orgB, "batch-2", scores(toFixed("0.2"))),
        rating(orgA, "batch-3", scores(toFixed("0.1"))),
      ];
      expect(await ledger.rateBatch.staticCall(batch)).to.equal(3n);

      const beforeA = await snapshotTrust(ledger, orgA);
      const beforeB = await snapshotTrust(ledger, orgB);
      const tx = await ledger.rateBatch(batch);
      const block = await blockOf(tx);
      const p = beforeA.parameters;
      const a0 = trustAtBlock(beforeA, block);
      const a1 = evolve(a0, toFixed("0.9"), p.gainRate, p.lossRate, ONE);
      const a2 = evolve(a1, toFixed("0.1"), p.gainRate, p.lossRate, ONE);
      const b0 = trustAtBlock(beforeB, block);
      const b1 = evolve(b0, toFixed("0.2"), p.gainRate, p.lossRate, ONE);

      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, a0, a1, a1 - a0, TrustChangeReason.Rated, batch[0].evidenceHash);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, a1, a2, a2 - a1, TrustChangeReason.Rated, batch[2].evidenceHash);
      await expect(tx)
        .to.emit(ledger, "ContributionRated")
        .withArgs(
          orgB,
          batch[1].contributionId,
          governance.address,
          0n,
          scoresTuple(batch[1].scores),
          toFixed("0.2"),
          ONE,
        );
      await expect(tx).not.to.emit(ledger, "RatingSkipped");
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([a2, block]);
      expect(await ledger.recordedTrustOf(orgB)).to.deep.equal([b1, block]);
      for (const r of batch) expect(await ledger.hasRated(r.orgId, r.contributionId, 0n)).to.equal(true);
    });

    it("skips bad ratings with RatingSkipped and applies the rest", async function () {
      const { ledger, orgA, orgB, orgC, orgD } = await loadFixture(deployFixture);
      const earlier = rating(orgB, "earlier", scores(toFixed("0.6")));
      await ledger.rate(earlier);

      const good1 = rating(orgA, "good-1", scores(toFixed("0.8")));
      const outOfRange = rating(orgA, "bad-score", scores(toFixed("0.8"), ONE + 1n, 0n, 0n));
      const pending = rating(orgC, "pending", scores(toFixed("0.8")));
      const expelled = rating(orgD, "expelled", scores(toFixed("0.8")));
      const unknown = rating(UNKNOWN_ORG, "unknown", scores(toFixed("0.8")));
      const duplicateInBatch = { ...good1, scores: scores(0n), evidenceHash: id("other") };
      const duplicateOfEarlier = { ...earlier, scores: scores(0n) };
      const good2 = rating(orgB, "good-2", scores(toFixed("0.3")));
      const batch = [good1, outOfRange, pending, expelled, unknown, duplicateInBatch, duplicateOfEarlier, good2];

      expect(await ledger.rateBatch.staticCall(batch)).to.equal(2n);
      const beforeA = await snapshotTrust(ledger, orgA);
      const beforeB = await snapshotTrust(ledger, orgB);
      const totalBefore = await ledger.totalTrust();
      const tx = await ledger.rateBatch(batch);
      const block = await blockOf(tx);

      const scoreError = selectorOf(ledger, "TrustLedgerScoreOutOfRange");
      const inactiveError = selectorOf(ledger, "TrustLedgerInactiveOrganization");
      const ratedError = selectorOf(ledger, "TrustLedgerAlreadyRated");
      const skipped: [number, Rating, string][] = [
        [1, outOfRange, scoreError],
        [2, pending, inactiveError],
        [3, expelled, inactiveError],
        [4, unknown, inactiveError],
        [5, duplicateInBatch, ratedError],
        [6, duplicateOfEarlier, ratedError],
      ];
      for (const [index, r, selector] of skipped) {
        await expect(tx).to.emit(ledger, "RatingSkipped").withArgs(index, r.orgId, r.contributionId, selector);
      }
      const receipt = await tx.wait();
      const names = receipt!.logs.map((log) => ledger.interface.parseLog(log)?.name);
      expect(names.filter((name) => name === "RatingSkipped")).to.have.length(6);
      expect(names.filter((name) => name === "ContributionRated")).to.have.length(2);

      // Only good1 and good2 moved trust.
      const p = beforeA.parameters;
      const a1 = evolve(trustAtBlock(beforeA, block), toFixed("0.8"), p.gainRate, p.lossRate, ONE);
      const b1 = evolve(trustAtBlock(beforeB, block), toFixed("0.3"), p.gainRate, p.lossRate, ONE);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([a1, block]);
      expect(await ledger.recordedTrustOf(orgB)).to.deep.equal([b1, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore + (a1 - beforeA.value) + (b1 - beforeB.value));
      expect(await ledger.hasRated(orgA, outOfRange.contributionId, 0n)).to.equal(false);
      expect(await ledger.hasRated(orgC, pending.contributionId, 0n)).to.equal(false);
      expect(await ledger.hasRated(orgB, good2.contributionId, 0n)).to.equal(true);
    });

    it("returns 0 for an empty batch", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.rateBatch.staticCall([])).to.equal(0n);
      const totalBefore = await ledger.totalTrust();
      const tx = ledger.rateBatch([]);
      await expect(tx).not.to.emit(ledger, "ContributionRated");
      await expect(tx).not.to.emit(ledger, "RatingSkipped");
      expect(await ledger.totalTrust()).to.equal(totalBefore);
    });

    it("calls the penalty hook for a low-integrity item", async function () {
      const { ledger, hook, governance, orgA, orgB } = await loadFixture(deployFixture);
      await ledger.setPenaltyHook(hook);
      const low = rating(orgA, "batch-low", scores(toFixed("0.5"), toFixed("0.5"), toFixed("0.1"), toFixed("0.5")));
      await expect(ledger.rateBatch([rating(orgA, "batch-fine", scores(toFixed("0.5"))), low]))
        .to.emit(ledger, "LowIntegritySignalled")
        .withArgs(orgA, low.contributionId, governance.address, 0n, toFixed("0.1"), toFixed("0.5"));
      expect(await hook.callCount()).to.equal(1n);
      expect((await hook.lastCall()).contributionId).to.equal(low.contributionId);

      // One call per low item.
      const lowAgain = rating(orgA, "batch-low-2", scores(toFixed("0.5"), toFixed("0.5"), toFixed("0.5"), 0n));
      const lowOther = rating(orgB, "batch-low-3", scores(toFixed("0.5"), toFixed("0.5"), 0n, 0n));
      await ledger.rateBatch([lowAgain, lowOther]);
      expect(await hook.callCount()).to.equal(3n);
      expect((await hook.lastCall()).orgId).to.equal(orgB);
    });

    describe("reverts", function () {
      it("when the caller is not an assessor", async function () {
        const { ledger, adminA, orgB } = await loadFixture(deployFixture);
        await expect(ledger.connect(adminA).rateBatch([rating(orgB, "x", scores(toFixed("0.5")))]))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(adminA.address);
      });

      it("when the penalty hook reverts on an item (a hook failure is not a skippable item)", async function () {
        const { ledger, revertingHook, orgA } = await loadFixture(deployFixture);
        await ledger.setPenaltyHook(revertingHook);
        const fine = rating(orgA, "batch-fine", scores(toFixed("0.5")));
        const low = rating(orgA, "batch-low", scores(toFixed("0.5"), toFixed("0.5"), 0n, toFixed("0.5")));
        await expect(ledger.rateBatch([fine, low]))
          .to.be.revertedWithCustomError(revertingHook, "RevertingPenaltyHookRejected")
          .withArgs(orgA, low.contributionId);
        expect(await ledger.hasRated(orgA, fine.contributionId, 0n)).to.equal(false);
      });
    });
  });

  describe("probation", function () {
    const cap = defaultTrustParameters.privateInitialCap;
    const probation = defaultTrustParameters.probationRatings;
    const high = scores(toFixed("0.95"));
    /** One platform step from `trust` towards `score` under the defaults, as TrustMath.evolve computes it. */
    const step = (trust: bigint, score: string) =>
      evolve(trust, toFixed(score), defaultTrustParameters.gainRate, defaultTrustParameters.lossRate, ONE);

    /**
     * The default fixture under the contracts' defaults (the private cap at 0.40, a probation of four platform
     * ratings), with two newcomers activated under them: N at the cap (its formula is above it) and L under it.
     * A, B and E were activated with the cap off and are above it, with no platform rating yet.
     */
    async function probationFixture() {
      const fixture = await deployFixture();
      const [, , , , , , , , , , , adminN, adminL] = await ethers.getSigners();
      await fixture.ledger.setParameters(defaultTrustParameters);
      const orgN = await joinAndActivate(fixture, adminN, fixture.governance);
      const orgL = await joinAndActivate(fixture, adminL, fixture.governance, {
        legal: Level.Low,
        capability: Level.Low,
      });
      return { ...fixture, orgN, orgL };
    }

    /** Rates `orgId` `count` times as the platform with `s`, one contribution each. */
    async function rateTimes(ledger: TrustLedger, orgId: bigint, label: string, count: bigint, s = high) {
      for (let i = 0n; i < count; i++) await ledger.rate(rating(orgId, `${label}-${i}`, s));
    }

    it("starts a newcomer on probation at its initial trust", async function () {
      const { ledger, orgN, orgL } = await loadFixture(probationFixture);
      expect(await ledger.trustOf(orgN)).to.equal(cap);
      expect(await ledger.trustOf(orgL)).to.be.lessThan(cap);
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([0n, true]);
      expect(await ledger.ratedContributionsOf(orgL)).to.deep.equal([0n, true]);
    });

    it("counts platform ratings, not peer ratings, and ends the probation at probationRatings", async function () {
      const { ledger, memberB, orgN } = await loadFixture(probationFixture);
      for (let i = 1n; i <= probation; i++) {
        const r = rating(orgN, `count-${i}`, high);
        await ledger.rate(r);
        await ledger.connect(memberB).peerRate(r);
        expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([i, i < probation]);
      }
    });

    it("holds a newcomer at the cap through its probation ratings, then lets the next one lift it", async function () {
      const { ledger, orgN } = await loadFixture(probationFixture);
      for (let i = 0n; i < probation; i++) {
        const r = rating(orgN, `held-${i}`, high);
        await expect(ledger.rate(r))
          .to.emit(ledger, "TrustChanged")
          .withArgs(orgN, cap, cap, 0n, TrustChangeReason.Rated, r.evidenceHash);
      }
      expect((await ledger.ratedContributionsOf(orgN))[1]).to.equal(false);
      const after = rating(orgN, "after", high);
      const lifted = step(cap, "0.95");
      expect(lifted).to.be.greaterThan(cap);
      await expect(ledger.rate(after))
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgN, cap, lifted, lifted - cap, TrustChangeReason.Rated, after.evidenceHash);
    });

    it("lifts a newcomer under the cap by the usual step, up to the cap at most", async function () {
      const { ledger, orgL } = await loadFixture(probationFixture);
      const start = await ledger.trustOf(orgL);
      // One step towards 0.45 stays under the cap: the usual step.
      const small = scores(toFixed("0.45"));
      const stepped = step(start, "0.45");
      expect(stepped).to.be.lessThan(cap);
      await ledger.rate(rating(orgL, "small", small));
      expect(await ledger.trustOf(orgL)).to.equal(stepped);
      // Steps towards 0.95: the usual step while it stays under the cap, then the cap.
      let trust = stepped;
      let held = 0;
      for (let i = 1n; i < probation; i++) {
        const next = step(trust, "0.95");
        if (next > cap) held++;
        trust = next > cap ? cap : next;
        await ledger.rate(rating(orgL, `towards-cap-${i}`, high));
        expect(await ledger.trustOf(orgL)).to.equal(trust);
      }
      expect(held).to.be.greaterThan(0);
      expect(trust).to.equal(cap);
    });

    it("applies a loss in full on probation", async function () {
      const { ledger, orgN } = await loadFixture(probationFixture);
      const low = scores(toFixed("0.1"));
      const r = rating(orgN, "loss", low);
      const expected = step(cap, "0.1");
      await expect(ledger.rate(r))
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgN, cap, expected, expected - cap, TrustChangeReason.Rated, r.evidenceHash);
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([1n, true]);
    });

    it("holds peer ratings at the cap until the last probation rating has been applied", async function () {
      const { ledger, memberB, orgN } = await loadFixture(probationFixture);
      await rateTimes(ledger, orgN, "peer-held", probation - 1n);
      const last = rating(orgN, "peer-last", high);
      await ledger.connect(memberB).peerRate(rating(orgN, "peer-held-0", high));
      expect(await ledger.trustOf(orgN)).to.equal(cap);
      await ledger.rate(last);
      expect(await ledger.trustOf(orgN)).to.equal(cap);
      // The platform's last probation rating is applied: a peer rating of that contribution lifts trust.
      await ledger.connect(memberB).peerRate(last);
      expect(await ledger.trustOf(orgN)).to.be.greaterThan(cap);
    });

    it("leaves a member already above the cap where it is on a gain, and lowers it on a loss", async function () {
      const { ledger, orgA, orgB } = await loadFixture(probationFixture);
      expect(await ledger.ratedContributionsOf(orgA)).to.deep.equal([0n, true]);
      const trustA = await ledger.trustOf(orgA);
      expect(trustA).to.be.greaterThan(cap);
      const up = rating(orgA, "above-up", scores(ONE));
      const tx = await ledger.rate(up);
      const block = await blockOf(tx);
      const [recorded, at] = await ledger.recordedTrustOf(orgA);
      expect(at).to.equal(block);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, recorded, recorded, 0n, TrustChangeReason.Rated, up.evidenceHash);
      const down = rating(orgB, "above-down", scores(0n, 0n, toFixed("0.5"), toFixed("0.5")));
      const before = await ledger.trustOf(orgB);
      await ledger.rate(down);
      expect(await ledger.trustOf(orgB)).to.be.lessThan(before);
    });

    it("has no probation when probationRatings is 0", async function () {
      const { ledger, orgN } = await loadFixture(probationFixture);
      await ledger.setParameters({ ...defaultTrustParameters, probationRatings: 0n });
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([0n, false]);
      await ledger.rate(rating(orgN, "free", high));
      expect(await ledger.trustOf(orgN)).to.equal(step(cap, "0.95"));
    });

    it("follows a new probationRatings for the ratings that come after it, keeping the count", async function () {
      const { ledger, orgN } = await loadFixture(probationFixture);
      await rateTimes(ledger, orgN, "before-change", 2n);
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([2n, true]);
      await ledger.setParameters({ ...defaultTrustParameters, probationRatings: 2n });
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([2n, false]);
      await ledger.rate(rating(orgN, "after-change", high));
      expect(await ledger.trustOf(orgN)).to.be.greaterThan(cap);
    });

    it("holds each item of a batch, counting them in order", async function () {
      const { ledger, orgN } = await loadFixture(probationFixture);
      const items = Array.from({ length: Number(probation) + 1 }, (_, i) => rating(orgN, `batch-${i}`, high));
      const tx = await ledger.rateBatch(items);
      const receipt = await tx.wait();
      const changes = receipt!.logs
        .map((log) => ledger.interface.parseLog(log))
        .filter((log) => log?.name === "TrustChanged")
        .map((log) => log!.args.newValue as bigint);
      expect(changes.slice(0, Number(probation))).to.deep.equal(Array(Number(probation)).fill(cap));
      expect(changes[Number(probation)]).to.be.greaterThan(cap);
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([probation + 1n, false]);
    });

    it("holds a public community's newcomer at the public cap", async function () {
      const { ledger, registry, governance, adminA } = await loadFixture(publicFixture);
      const [profileHash, profileURI] = profileOf(adminA.address);
      await registry.connect(adminA).requestJoin(newIdentity(), countryCode("DE"), profileHash, profileURI);
      const orgId = await registry.organizationOf(adminA);
      await registry.connect(governance).activate(orgId, Level.High, Level.High);
      const publicCap = defaultTrustParameters.publicInitialCap;
      await rateTimes(ledger, orgId, "public", probation);
      expect(await ledger.trustOf(orgId)).to.equal(publicCap);
      await ledger.rate(rating(orgId, "public-after", high));
      expect(await ledger.trustOf(orgId)).to.be.greaterThan(publicCap);
    });

    it("stops counting at 2^32 - 1", async function () {
      const { ledger, orgN } = await loadFixture(probationFixture);
      const { slot, bit } = headRatedSlot(orgN);
      const address = await ledger.getAddress();
      const word = BigInt(await ethers.provider.getStorage(address, slot));
      const max = 2n ** 32n - 1n;
      const full = (word & ~(max << bit)) | (max << bit);
      await networkHelpers.setStorageAt(address, slot, toBeHex(full, 32));
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([max, false]);
      await ledger.rate(rating(orgN, "saturated", high));
      expect(await ledger.ratedContributionsOf(orgN)).to.deep.equal([max, false]);
      expect(await ledger.trustOf(orgN)).to.be.greaterThan(cap);
    });

    it("reports an organization never rated (or unknown) as on probation with no ratings", async function () {
      const { ledger } = await loadFixture(probationFixture);
      expect(await ledger.ratedContributionsOf(UNKNOWN_ORG)).to.deep.equal([0n, true]);
    });
  });

  describe("peerRate", function () {
    it("steps trust scaled by the rater organization's trust", async function () {
      const { ledger, memberB, orgA, orgB, orgE } = await loadFixture(deployFixture);
      const r = rating(orgA, "peer", scores(toFixed("0.95")));
      // The platform rates the contribution first: that is how it becomes known to peers.
      await ledger.rate(r);
      const beforeA = await snapshotTrust(ledger, orgA);
      const beforeB = await snapshotTrust(ledger, orgB);
      const tx = await ledger.connect(memberB).peerRate(r);
      const block = await blockOf(tx);
      const p = beforeA.parameters;
      const weight = trustAtBlock(beforeB, block);
      const oldValue = trustAtBlock(beforeA, block);
      const score = scoreOf(p, r.scores);
      const newValue = evolve(oldValue, score, p.gainRate, p.lossRate, weight);
      expect(weight).to.be.lessThan(ONE);
      expect(score).to.be.greaterThan(oldValue);
      expect(newValue - oldValue).to.equal(((score - oldValue) * p.gainRate * weight) / (ONE * ONE));
      // Smaller than the platform's full-weight step.
      expect(newValue - oldValue).to.be.lessThan(((score - oldValue) * p.gainRate) / ONE);

      await expect(tx)
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, r.contributionId, memberB.address, orgB, scoresTuple(r.scores), score, weight);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, oldValue, newValue, newValue - oldValue, TrustChangeReason.PeerRated, r.evidenceHash);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([newValue, block]);
      // The rater's own trust is not touched.
      expect(await ledger.recordedTrustOf(orgB)).to.deep.equal([beforeB.value, beforeB.updatedAt]);
      expect(await ledger.hasRated(orgA, r.contributionId, orgB)).to.equal(true);
      expect(await ledger.hasRated(orgA, r.contributionId, orgE)).to.equal(false);
    });

    it("scales a loss by the rater's trust too", async function () {
      const { ledger, adminE, orgA, orgE } = await loadFixture(noDecayFixture);
      const r = rating(orgA, "peer-loss", scores(toFixed("0.1")));
      // The platform's 0.3 puts the peer's 0.1 within the band peers are held to.
      await ledger.rate({ ...r, scores: scores(toFixed("0.3")) });
      const [trustA] = await ledger.recordedTrustOf(orgA);
      const [weight] = await ledger.recordedTrustOf(orgE);
      expect(trustA).to.be.greaterThan(toFixed("0.1"));
      await expect(ledger.connect(adminE).peerRate(r))
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, r.contributionId, adminE.address, orgE, scoresTuple(r.scores), toFixed("0.1"), weight);
      const expected = trustA - ((trustA - toFixed("0.1")) * defaultTrustParameters.lossRate * weight) / (ONE * ONE);
      expect(await ledger.trustOf(orgA)).to.equal(expected);
    });

    it("holds a peer's score within 0.20 of the platform's score of the contribution", async function () {
      const { ledger, adminE, memberB, orgA, orgB, orgE } = await loadFixture(noDecayFixture);
      const r = rating(orgA, "banded", scores(toFixed("0.5")));
      await ledger.rate(r);
      const [trustE] = await ledger.recordedTrustOf(orgE);
      const [trustB] = await ledger.recordedTrustOf(orgB);
      const high = { ...r, scores: scores(toFixed("0.95")) };
      await expect(ledger.connect(adminE).peerRate(high))
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, r.contributionId, adminE.address, orgE, scoresTuple(high.scores), toFixed("0.7"), trustE);
      const low = { ...r, scores: scores(toFixed("0.05")) };
      await expect(ledger.connect(memberB).peerRate(low))
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, r.contributionId, memberB.address, orgB, scoresTuple(low.scores), toFixed("0.3"), trustB / 2n);
    });

    it("keeps the band within [0, 1] and counts a score inside it as given", async function () {
      const { ledger, adminE, memberB, orgA } = await loadFixture(noDecayFixture);
      const bottom = rating(orgA, "bottom", scores(toFixed("0.1")));
      await ledger.rate(bottom);
      const zero = { ...bottom, scores: scores(0n) };
      const bottomReceipt = await (await ledger.connect(adminE).peerRate(zero)).wait();
      const top = rating(orgA, "top", scores(toFixed("0.9")));
      await ledger.rate(top);
      const full = { ...top, scores: scores(ONE) };
      const topReceipt = await (await ledger.connect(memberB).peerRate(full)).wait();
      const inside = rating(orgA, "inside", scores(toFixed("0.6")));
      await ledger.rate(inside);
      const given = { ...inside, scores: scores(toFixed("0.45")) };
      const insideReceipt = await (await ledger.connect(adminE).peerRate(given)).wait();
      const appliedScore = (receipt: typeof bottomReceipt) =>
        receipt!.logs.map((log) => ledger.interface.parseLog(log)).find((log) => log?.name === "ContributionRated")!
          .args.score as bigint;
      expect(appliedScore(bottomReceipt)).to.equal(0n);
      expect(appliedScore(topReceipt)).to.equal(ONE);
      expect(appliedScore(insideReceipt)).to.equal(toFixed("0.45"));
    });

    it("weighs the k-th peer rating of a contribution 1/k of its rater's trust", async function () {
      const { ledger, adminE, memberB, orgA, orgB, orgE } = await loadFixture(noDecayFixture);
      const first = rating(orgA, "crowd-1", scores(toFixed("0.8")));
      await ledger.rate(first);
      const [trustE] = await ledger.recordedTrustOf(orgE);
      const [trustB] = await ledger.recordedTrustOf(orgB);
      // E rates crowd-1 first (all its trust), B second (half of B's); on crowd-2 B is first again (all of it).
      await expect(ledger.connect(adminE).peerRate(first))
        .to.emit(ledger, "ContributionRated")
        .withArgs(orgA, first.contributionId, adminE.address, orgE, scoresTuple(first.scores), toFixed("0.8"), trustE);
      await expect(ledger.connect(memberB).peerRate(first))
        .to.emit(ledger, "ContributionRated")
        .withArgs(
          orgA,
          first.contributionId,
          memberB.address,
          orgB,
          scoresTuple(first.scores),
          toFixed("0.8"),
          trustB / 2n,
        );
      const second = rating(orgA, "crowd-2", scores(toFixed("0.8")));
      await ledger.rate(second);
      await expect(ledger.connect(memberB).peerRate(second))
        .to.emit(ledger, "ContributionRated")
        .withArgs(
          orgA,
          second.contributionId,
          memberB.address,
          orgB,
          scoresTuple(second.scores),
          toFixed("0.8"),
          trustB,
        );
      // A second rating by the same organization is still refused.
      await expect(ledger.connect(adminE).peerRate(first)).to.be.revertedWithCustomError(
        ledger,
        "TrustLedgerAlreadyRated",
      );
      expect(await ledger.hasRated(orgA, first.contributionId, 0n)).to.equal(true);
    });

    it("accepts a platform rating and peer ratings of the same contribution", async function () {
      const { ledger, memberB, memberE, orgA, orgB, orgE, orgC } = await loadFixture(deployFixture);
      const r = rating(orgA, "shared", scores(toFixed("0.7")));
      await expect(ledger.rate(r)).to.emit(ledger, "ContributionRated");
      await expect(ledger.connect(memberB).peerRate(r)).to.emit(ledger, "ContributionRated");
      await expect(ledger.connect(memberE).peerRate(r)).to.emit(ledger, "ContributionRated");
      expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(true);
      expect(await ledger.hasRated(orgA, r.contributionId, orgB)).to.equal(true);
      expect(await ledger.hasRated(orgA, r.contributionId, orgE)).to.equal(true);
      expect(await ledger.hasRated(orgA, r.contributionId, orgC)).to.equal(false);
      expect(await ledger.hasRated(orgB, r.contributionId, 0n)).to.equal(false);
    });

    it("signals a peer's low rating with its organization, without calling the penalty hook", async function () {
      const { ledger, hook, memberB, orgA, orgB } = await loadFixture(deployFixture);
      await ledger.setPenaltyHook(hook);
      const r = rating(orgA, "peer-low", scores(toFixed("0.5"), toFixed("0.5"), toFixed("0.29"), toFixed("0.5")));
      // The platform's own rating of the contribution is not low: no signal, no call.
      await expect(ledger.rate({ ...r, scores: scores(toFixed("0.6")) })).not.to.emit(ledger, "LowIntegritySignalled");
      expect(await hook.callCount()).to.equal(0n);

      const tx = ledger.connect(memberB).peerRate(r);
      await expect(tx)
        .to.emit(ledger, "LowIntegritySignalled")
        .withArgs(orgA, r.contributionId, memberB.address, orgB, toFixed("0.29"), toFixed("0.5"));
      await expect(tx).not.to.emit(hook, "LowIntegrityReceived");
      expect(await hook.callCount()).to.equal(0n);
      // The peer rating itself is applied.
      expect(await ledger.hasRated(orgA, r.contributionId, orgB)).to.equal(true);
    });

    it("applies a peer's low rating even when the penalty hook would revert", async function () {
      const { ledger, revertingHook, memberB, orgA, orgB } = await loadFixture(deployFixture);
      await ledger.setPenaltyHook(revertingHook);
      const r = rating(orgA, "peer-low-reverting", scores(toFixed("0.5"), toFixed("0.5"), 0n, 0n));
      await ledger.rate({ ...r, scores: scores(toFixed("0.6")) });
      await expect(ledger.connect(memberB).peerRate(r))
        .to.emit(ledger, "LowIntegritySignalled")
        .withArgs(orgA, r.contributionId, memberB.address, orgB, 0n, 0n);
      expect(await ledger.hasRated(orgA, r.contributionId, orgB)).to.equal(true);
    });

    it("calls the hook for the platform's low rating and not for the peers' low ratings", async function () {
      const { ledger, hook, governance, memberB, memberE, orgA, orgB, orgE } = await loadFixture(deployFixture);
      await ledger.setPenaltyHook(hook);
      const r = rating(orgA, "all-low", scores(toFixed("0.5"), toFixed("0.5"), toFixed("0.1"), toFixed("0.5")));
      const platformTx = ledger.rate(r);
      await expect(platformTx)
        .to.emit(ledger, "LowIntegritySignalled")
        .withArgs(orgA, r.contributionId, governance.address, 0n, toFixed("0.1"), toFixed("0.5"));
      await expect(platformTx)
        .to.emit(hook, "LowIntegrityReceived")
        .withArgs(
          orgA,
          r.contributionId,
          governance.address,
          toFixed("0.1"),
          toFixed("0.5"),
          r.evidenceHash,
          await ledger.getAddress(),
        );
      expect(await hook.callCount()).to.equal(1n);
      for (const [account, raterOrgId] of [
        [memberB, orgB],
        [memberE, orgE],
      ] as const) {
        await expect(ledger.connect(account).peerRate(r))
          .to.emit(ledger, "LowIntegritySignalled")
          .withArgs(orgA, r.contributionId, account.address, raterOrgId, toFixed("0.1"), toFixed("0.5"));
      }
      expect(await hook.callCount()).to.equal(1n);
      expect((await hook.lastCall()).rater).to.equal(governance.address);
    });

    describe("reverts", function () {
      it("when the rater is not a member account of an Active organization", async function () {
        const { ledger, outsider, adminC, adminD, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "not-member", scores(toFixed("0.5")));
        await ledger.rate(r);
        for (const account of [outsider, adminC, adminD]) {
          await expect(ledger.connect(account).peerRate(r))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerNotActiveMember")
            .withArgs(account.address);
        }
        // Checked before the contribution: an unknown one gets the same answer.
        await expect(ledger.connect(outsider).peerRate(rating(orgA, "not-member-unknown", scores(toFixed("0.5")))))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerNotActiveMember")
          .withArgs(outsider.address);
      });

      it("with the registry's own error when the registry fails otherwise (passed on unchanged)", async function () {
        // The rater's organization comes from one call, registry.activeOrganizationOf: its "not an Active member"
        // becomes TrustLedgerNotActiveMember, any other failure is the caller's to see as the registry gave it.
        const { ledger, governance, memberB, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "failing-registry", scores(toFixed("0.5")));
        await ledger.rate(r);
        const reason = "0xdeadbeef" + "00".repeat(31) + "2a";
        const failing = await ethers.deployContract("RawRevertMock", [reason]);
        await ledger.connect(governance).setRegistry(await failing.getAddress());
        const call = ledger.connect(memberB).peerRate.staticCall(r);
        await expect(call).to.be.revert(ethers);
        const data = await call.catch((error: { data?: string }) => error.data);
        expect(data).to.equal(reason);
      });

      it("when the rater rates its own organization", async function () {
        const { ledger, adminA, memberA, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "self", scores(ONE));
        await ledger.rate(r);
        for (const account of [adminA, memberA]) {
          await expect(ledger.connect(account).peerRate(r))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerSelfRating")
            .withArgs(orgA);
        }
        // Checked before the contribution: an unknown one gets the same answer.
        await expect(ledger.connect(adminA).peerRate(rating(orgA, "self-unknown", scores(ONE))))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerSelfRating")
          .withArgs(orgA);
      });

      it("when the platform has not rated the contribution (a made-up id)", async function () {
        const { ledger, memberB, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "made-up", scores(toFixed("0.5")));
        expect(await ledger.hasRated(orgA, r.contributionId, 0n)).to.equal(false);
        const recorded = await ledger.recordedTrustOf(orgA);
        await expect(ledger.connect(memberB).peerRate(r))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
          .withArgs(orgA, r.contributionId);
        expect(await ledger.recordedTrustOf(orgA)).to.deep.equal(recorded);
      });

      it("when the platform rated the contribution for another organization", async function () {
        const { ledger, memberE, orgA, orgB, orgE } = await loadFixture(deployFixture);
        const ofB = rating(orgB, "b-report", scores(toFixed("0.7")));
        await ledger.rate(ofB);
        await expect(ledger.connect(memberE).peerRate({ ...ofB, orgId: orgA }))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
          .withArgs(orgA, ofB.contributionId);
        // The contribution is known for the organization the platform rated it for.
        const beforeE = await snapshotTrust(ledger, orgE);
        const tx = await ledger.connect(memberE).peerRate(ofB);
        const weight = trustAtBlock(beforeE, await blockOf(tx));
        await expect(tx)
          .to.emit(ledger, "ContributionRated")
          .withArgs(orgB, ofB.contributionId, memberE.address, orgE, scoresTuple(ofB.scores), toFixed("0.7"), weight);
      });

      it("when the platform only tried to rate the contribution (a skipped batch item)", async function () {
        const { ledger, memberB, orgA } = await loadFixture(deployFixture);
        const skipped = rating(orgA, "skipped", scores(toFixed("0.5"), ONE + 1n, 0n, 0n));
        await expect(ledger.rateBatch([skipped])).to.emit(ledger, "RatingSkipped");
        await expect(ledger.connect(memberB).peerRate({ ...skipped, scores: scores(toFixed("0.5")) }))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
          .withArgs(orgA, skipped.contributionId);
      });

      it("when another account of the same organization already rated the contribution", async function () {
        const { ledger, memberB, memberB2, adminB, orgA, orgB } = await loadFixture(deployFixture);
        const r = rating(orgA, "once-per-org", scores(toFixed("0.7")));
        await ledger.rate(r);
        await ledger.connect(memberB).peerRate(r);
        for (const account of [memberB2, adminB, memberB]) {
          await expect(ledger.connect(account).peerRate(r))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerAlreadyRated")
            .withArgs(orgA, r.contributionId, orgB);
        }
      });

      it("when the rated organization is no longer Active", async function () {
        const { ledger, registry, memberB, orgE } = await loadFixture(deployFixture);
        const r = rating(orgE, "before-expulsion", scores(toFixed("0.5")));
        await ledger.rate(r);
        await registry.expel(orgE, id("expelled later"));
        await expect(ledger.connect(memberB).peerRate(r))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerInactiveOrganization")
          .withArgs(orgE);
      });

      it("when the rated organization was never Active (its contributions cannot be known)", async function () {
        const { ledger, memberB, orgC, orgD } = await loadFixture(deployFixture);
        for (const orgId of [UNKNOWN_ORG, orgC, orgD]) {
          const r = rating(orgId, "inactive", scores(toFixed("0.5")));
          await expect(ledger.rate(r))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerInactiveOrganization")
            .withArgs(orgId);
          await expect(ledger.connect(memberB).peerRate(r))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
            .withArgs(orgId, r.contributionId);
        }
      });

      it("when a dimension is above 1", async function () {
        const { ledger, memberB, orgA } = await loadFixture(deployFixture);
        const r = rating(orgA, "peer-range", scores(0n, 0n, ONE + 4n, ONE));
        // Unknown contribution first: the contribution check comes before the scores.
        await expect(ledger.connect(memberB).peerRate(r))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerUnknownContribution")
          .withArgs(orgA, r.contributionId);
        await ledger.rate({ ...r, scores: scores(toFixed("0.5")) });
        await expect(ledger.connect(memberB).peerRate(r))
          .to.be.revertedWithCustomError(ledger, "TrustLedgerScoreOutOfRange")
          .withArgs(ONE + 4n);
      });
    });
  });

  describe("trustOf", function () {
    it("halves the excess over the baseline at each whole half-life", async function () {
      const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
      const [value, updatedAt] = await ledger.recordedTrustOf(orgA);
      const baseline = defaultTrustParameters.baseline;
      expect(value).to.be.greaterThan(baseline);
      await mine(updatedAt + 100n - (await latestBlock()));
      expect(await ledger.clock()).to.equal(updatedAt + 100n);
      expect(await ledger.trustOf(orgA)).to.equal(baseline + (value - baseline) / 2n);
      await mine(100);
      expect(await ledger.trustOf(orgA)).to.equal(baseline + (value - baseline) / 4n);
      await mine(100 * 62);
      // 64 half-lives: only the baseline is left.
      expect(await ledger.trustOf(orgA)).to.equal(baseline);
    });

    it("follows 2^(-elapsed / halfLife) between half-lives", async function () {
      const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
      await ledger.rate(rating(orgA, "fresh", scores(toFixed("0.9"))));
      const [value, updatedAt] = await ledger.recordedTrustOf(orgA);
      const baseline = defaultTrustParameters.baseline;
      expect(value).to.be.greaterThan(baseline);
      let previous = value;
      for (const elapsed of [1n, 37n, 150n, 233n]) {
        await mine(updatedAt + elapsed - (await latestBlock()));
        const actual = await ledger.trustOf(orgA);
        const excess = Number(value - baseline) * Math.pow(2, -Number(elapsed) / 100);
        const expected = Number(baseline) + excess;
        expect(Math.abs(Number(actual) - expected) / expected).to.be.lessThan(1e-6);
        // The excess itself is within 1e-6 relative too, not only the total.
        expect(Math.abs(Number(actual - baseline) - excess) / excess).to.be.lessThan(1e-6);
        expect(actual).to.equal(decay(value, baseline, elapsed, 100n));
        expect(actual).to.be.lessThan(previous);
        previous = actual;
      }
    });

    it("the tests' decay replica (helpers.ts) matches Math.pow", async function () {
      for (const [elapsed, halfLife] of [
        [1n, 3n],
        [7n, 10n],
        [999n, 1000n],
        [12345n, 1296000n],
        [5n, 2n],
      ]) {
        const expected = Math.pow(2, -Number(elapsed) / Number(halfLife));
        const actual = Number(decayFactor(elapsed, halfLife)) / 1e18;
        expect(Math.abs(actual - expected) / expected).to.be.lessThan(2e-6);
      }
    });

    it("uses the parameters in force now for all the decay since the last write", async function () {
      const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
      await ledger.rate(rating(orgA, "current-parameters", scores(toFixed("0.9"))));
      const [value, updatedAt] = await ledger.recordedTrustOf(orgA);
      await mine(50);
      const beforeChange = await ledger.trustOf(orgA);
      expect(beforeChange).to.equal(
        decay(value, defaultTrustParameters.baseline, (await ledger.clock()) - updatedAt, 100n),
      );

      await ledger.setParameters(withParameters({ baseline: toFixed("0.4"), halfLife: 30n }));
      const lower = await ledger.trustOf(orgA);
      expect(lower).to.equal(decay(value, toFixed("0.4"), (await ledger.clock()) - updatedAt, 30n));
      expect(lower).to.be.lessThan(beforeChange);

      // A longer half-life applies to the whole pending decay too, so idle trust moves back up.
      await ledger.setParameters(withParameters({ halfLife: 1_000_000n }));
      const higher = await ledger.trustOf(orgA);
      expect(higher).to.equal(
        decay(value, defaultTrustParameters.baseline, (await ledger.clock()) - updatedAt, 1_000_000n),
      );
      expect(higher).to.be.greaterThan(beforeChange);
      expect(higher).to.be.lessThan(value);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([value, updatedAt]);
    });

    it("does not decay trust at or below the baseline", async function () {
      const { ledger, orgA, orgB } = await loadFixture(shortHalfLifeFixture);
      await ledger.rate(rating(orgA, "to-low", scores(0n)));
      const [low] = await ledger.recordedTrustOf(orgA);
      expect(low).to.be.lessThan(defaultTrustParameters.baseline);
      await ledger.setParameters(withParameters({ halfLife: 100n, baseline: (await ledger.recordedTrustOf(orgB))[0] }));
      const [atBaseline] = await ledger.recordedTrustOf(orgB);
      await mine(500);
      expect(await ledger.trustOf(orgA)).to.equal(low);
      expect(await ledger.trustOf(orgB)).to.equal(atBaseline);
    });
  });

  describe("applyDecay", function () {
    it("writes the decayed trust and lowers the total by the decay", async function () {
      const { ledger, outsider, orgA } = await loadFixture(shortHalfLifeFixture);
      await mine(130);
      const before = await snapshotTrust(ledger, orgA);
      const totalBefore = await ledger.totalTrust();
      const tx = await ledger.connect(outsider).applyDecay(orgA);
      const block = await blockOf(tx);
      const current = trustAtBlock(before, block);
      expect(current).to.be.lessThan(before.value);
      await expect(tx)
        .to.emit(ledger, "TrustChanged")
        .withArgs(orgA, before.value, current, current - before.value, TrustChangeReason.Decayed, ZeroHash);
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([current, block]);
      expect(await ledger.totalTrust()).to.equal(totalBefore - (before.value - current));
      // Trust itself did not jump: it keeps decaying from the written value.
      expect(await ledger.trustOf(orgA)).to.equal(trustAtBlock(before, await latestBlock()));
    });

    it("does nothing when there is no decay to apply", async function () {
      const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
      await ledger.rate(rating(orgA, "to-low", scores(0n)));
      await mine(50);
      const recorded = await ledger.recordedTrustOf(orgA);
      const totalBefore = await ledger.totalTrust();
      await expect(ledger.applyDecay(orgA)).not.to.emit(ledger, "TrustChanged");
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal(recorded);
      expect(await ledger.totalTrust()).to.equal(totalBefore);
    });

    describe("reverts", function () {
      it("when the organization is not Active", async function () {
        const { ledger, orgC, orgD } = await loadFixture(shortHalfLifeFixture);
        for (const orgId of [UNKNOWN_ORG, orgC, orgD]) {
          await expect(ledger.applyDecay(orgId))
            .to.be.revertedWithCustomError(ledger, "TrustLedgerInactiveOrganization")
            .withArgs(orgId);
        }
      });
    });
  });

  describe("history", function () {
    /** Activation, then two ratings of A with blocks mined between them, under a 100-block half-life. */
    async function historyFixture() {
      const fixture = await shortHalfLifeFixture();
      const { ledger, orgA } = fixture;
      const [v0, b0] = await ledger.recordedTrustOf(orgA);
      const totals: [bigint, bigint][] = [[await latestBlock(), await ledger.totalTrust()]];
      await mineEach(10);
      const tx1 = await ledger.rate(rating(orgA, "h1", scores(toFixed("0.95"))));
      const b1 = await blockOf(tx1);
      const [v1] = await ledger.recordedTrustOf(orgA);
      totals.push([b1, await ledger.totalTrust()]);
      await mineEach(20);
      const tx2 = await ledger.rate(rating(orgA, "h2", scores(toFixed("0.2"))));
      const b2 = await blockOf(tx2);
      const [v2] = await ledger.recordedTrustOf(orgA);
      totals.push([b2, await ledger.totalTrust()]);
      await mineEach(30);
      return { ...fixture, v0, b0, v1, b1, v2, b2, totals };
    }

    describe("trustAt", function () {
      it("returns the trust at past blocks, decay included", async function () {
        const { ledger, orgA, v0, b0, v1, b1, v2, b2, parametersBlock } = await loadFixture(historyFixture);
        const baseline = defaultTrustParameters.baseline;
        const defaultHalfLife = defaultTrustParameters.halfLife;
        expect(v1).to.not.equal(v0);
        expect(v2).to.not.equal(v1);
        // A was activated under the default half-life; 100 blocks is in force from parametersBlock on.
        expect(b0 + 5n).to.be.lessThan(parametersBlock);
        expect(parametersBlock).to.be.lessThan(b1);
        const expectations: [bigint, bigint][] = [
          [b0 - 1n, 0n],
          [b0, v0],
          [b0 + 5n, decay(v0, baseline, 5n, defaultHalfLife)],
          [parametersBlock - 1n, decay(v0, baseline, parametersBlock - 1n - b0, defaultHalfLife)],
          [parametersBlock, decay(v0, baseline, parametersBlock - b0, 100n)],
          [b1 - 1n, decay(v0, baseline, b1 - 1n - b0, 100n)],
          [b1, v1],
          [b1 + 7n, decay(v1, baseline, 7n, 100n)],
          [b2, v2],
          [b2 + 29n, decay(v2, baseline, 29n, 100n)],
        ];
        for (const [block, expected] of expectations) {
          expect(await ledger.trustAt(orgA, block)).to.equal(expected);
        }
        // The same figures trustOf answered at those blocks (the parameters have not changed since).
        for (const block of [b1, b1 + 7n, b2 - 1n, b2 + 29n]) {
          expect(await ledger.trustAt(orgA, block)).to.equal(await ledger.trustOf(orgA, { blockTag: Number(block) }));
        }
      });

      it("keeps past values when the parameters change later, and uses the new ones from the change on", async function () {
        const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
        const old = { baseline: defaultTrustParameters.baseline, halfLife: 100n };
        const b = await blockOf(await ledger.rate(rating(orgA, "before-change", scores(toFixed("0.95")))));
        const [v, updatedAt] = await ledger.recordedTrustOf(orgA);
        expect(updatedAt).to.equal(b);
        expect(v).to.be.greaterThan(old.baseline);
        await mineEach(20);

        const past = [b, b + 1n, b + 10n, b + 19n];
        const before: bigint[] = [];
        for (const block of past) {
          const value = await ledger.trustAt(orgA, block);
          expect(value).to.equal(decay(v, old.baseline, block - b, old.halfLife));
          before.push(value);
        }

        const next = { baseline: toFixed("0.3"), halfLife: 40n };
        const change = await blockOf(await ledger.setParameters(withParameters(next)));
        await mineEach(10);

        for (const [i, block] of past.entries()) {
          // Unchanged, and still what trustOf answered at that block.
          expect(await ledger.trustAt(orgA, block)).to.equal(before[i]);
          expect(await ledger.trustOf(orgA, { blockTag: Number(block) })).to.equal(before[i]);
        }
        for (const block of [change, change + 1n, change + 9n]) {
          const expected = decay(v, next.baseline, block - b, next.halfLife);
          expect(expected).to.not.equal(decay(v, old.baseline, block - b, old.halfLife));
          expect(await ledger.trustAt(orgA, block)).to.equal(expected);
          expect(await ledger.trustOf(orgA, { blockTag: Number(block) })).to.equal(expected);
        }
        // The recorded value did not move; only how it decays did.
        expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([v, b]);
      });

      it("keeps each past block's parameters through several changes", async function () {
        const { ledger, orgA } = await loadFixture(shortHalfLifeFixture);
        const b = await blockOf(await ledger.rate(rating(orgA, "several-changes", scores(ONE))));
        const [v] = await ledger.recordedTrustOf(orgA);
        const sets = [
          { baseline: toFixed("0.2"), halfLife: 10n },
          { baseline: toFixed("0.55"), halfLife: 1000n },
          { baseline: toFixed("0.4"), halfLife: 3n },
        ];
        const checkpoints: [bigint, { baseline: bigint; halfLife: bigint }][] = [
          [b, { baseline: defaultTrustParameters.baseline, halfLife: 100n }],
        ];
        for (const set of sets) {
          await mineEach(5);
          checkpoints.push([await blockOf(await ledger.setParameters(withParameters(set))), set]);
        }
        await mineEach(5);
        for (const [i, [from, set]] of checkpoints.entries()) {
          const to = i + 1 < checkpoints.length ? checkpoints[i + 1][0] - 1n : (await ledger.clock()) - 1n;
          for (const block of [from, to]) {
            expect(await ledger.trustAt(orgA, block)).to.equal(decay(v, set.baseline, block - b, set.halfLife));
          }
        }
        expect(await ledger.trustOf(orgA)).to.equal(
          decay(v, sets[2].baseline, (await ledger.clock()) - b, sets[2].halfLife),
        );
      });

      it("returns zero for an organization without history", async function () {
        const { ledger, orgC, b2 } = await loadFixture(historyFixture);
        expect(await ledger.trustAt(orgC, b2)).to.equal(0n);
        expect(await ledger.trustAt(UNKNOWN_ORG, b2)).to.equal(0n);
      });

      describe("reverts", function () {
        it("when the timepoint is the current block or later", async function () {
          const { ledger, orgA } = await loadFixture(historyFixture);
          const now = await ledger.clock();
          for (const timepoint of [now, now + 1n, 2n ** 100n]) {
            await expect(ledger.trustAt(orgA, timepoint))
              .to.be.revertedWithCustomError(ledger, "TrustLedgerFutureLookup")
              .withArgs(timepoint, now);
          }
        });
      });
    });

    describe("totalTrustAt", function () {
      it("returns the total at past blocks", async function () {
        const { ledger, totals, b0, v0 } = await loadFixture(historyFixture);
        for (const [block, total] of totals) {
          expect(await ledger.totalTrustAt(block)).to.equal(total);
          expect(await ledger.totalTrustAt(block + 1n)).to.equal(total);
          expect(await ledger.totalTrust({ blockTag: Number(block) })).to.equal(total);
        }
        expect(totals[1][1]).to.not.equal(totals[0][1]);
        expect(totals[2][1]).to.not.equal(totals[1][1]);
        expect(await ledger.totalTrustAt(totals[1][0] - 1n)).to.equal(totals[0][1]);
        // A was the first organization activated: the total was zero before and A's trust at that block.
        expect(await ledger.totalTrustAt(b0 - 1n)).to.equal(0n);
        expect(await ledger.totalTrustAt(b0)).to.equal(v0);
      });

      describe("reverts", function () {
        it("when the timepoint is the current block or later", async function () {
          const { ledger } = await loadFixture(historyFixture);
          const now = await ledger.clock();
          for (const timepoint of [now, now + 10n]) {
            await expect(ledger.totalTrustAt(timepoint))
              .to.be.revertedWithCustomError(ledger, "TrustLedgerFutureLookup")
              .withArgs(timepoint, now);
          }
        });
      });
    });

    describe("recordedTrustOf", function () {
      it("returns the last written value and its block", async function () {
        const { ledger, orgA, v2, b2 } = await loadFixture(historyFixture);
        expect(await ledger.recordedTrustOf(orgA)).to.deep.equal([v2, b2]);
        expect(await ledger.trustOf(orgA)).to.equal(decay(v2, defaultTrustParameters.baseline, 30n, 100n));
        expect(await ledger.recordedTrustOf(UNKNOWN_ORG)).to.deep.equal([0n, 0n]);
      });
    });
  });

  describe("views", function () {
    it("clock is the block number and CLOCK_MODE says so", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.clock()).to.equal(await latestBlock());
      await mine(3);
      expect(await ledger.clock()).to.equal(await latestBlock());
      expect(await ledger.CLOCK_MODE()).to.equal("mode=blocknumber&from=default");
    });

    it("version is 1.0.0", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.version()).to.equal("1.1.0");
    });

    it("communityType is private by default", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.communityType()).to.equal(CommunityType.Private);
    });

    it("communityType is public when deployed so", async function () {
      const { ledger } = await loadFixture(publicFixture);
      expect(await ledger.communityType()).to.equal(CommunityType.Public);
    });

    it("isConsumingScheduledOp is not set outside a scheduled call", async function () {
      const { ledger } = await loadFixture(deployFixture);
      expect(await ledger.isConsumingScheduledOp()).to.equal("0x00000000");
    });

    it("trustOf is zero for an unknown or expelled organization", async function () {
      const { ledger, orgD } = await loadFixture(deployFixture);
      expect(await ledger.trustOf(UNKNOWN_ORG)).to.equal(0n);
      expect(await ledger.trustOf(orgD)).to.equal(0n);
    });

    it("totalTrust is the sum of the Active organizations' recorded trust", async function () {
      const { ledger, registry, orgA, orgB, orgE } = await loadFixture(deployFixture);
      let sum = 0n;
      for (const orgId of [orgA, orgB, orgE]) {
        expect(await registry.statusOf(orgId)).to.equal(Status.Active);
        sum += (await ledger.recordedTrustOf(orgId))[0];
      }
      expect(await ledger.totalTrust()).to.equal(sum);
    });
  });

  describe("upgradeToAndCall", function () {
    it("governance upgrades to a new implementation and the state is kept", async function () {
      const { ledger, governance, orgA } = await loadFixture(deployFixture);
      const recorded = await ledger.recordedTrustOf(orgA);
      const next = await new TrustLedger__factory(governance).deploy();
      await expect(ledger.upgradeToAndCall(next, "0x"))
        .to.emit(ledger, "Upgraded")
        .withArgs(await next.getAddress());
      expect(await implementationOf(ledger)).to.equal(await next.getAddress());
      expect(await ledger.recordedTrustOf(orgA)).to.deep.equal(recorded);
    });

    it("proxiableUUID answers on the implementation only", async function () {
      const { ledger, governance } = await loadFixture(deployFixture);
      const implementation = TrustLedger__factory.connect(await implementationOf(ledger), governance);
      expect(await implementation.proxiableUUID()).to.equal(IMPLEMENTATION_SLOT);
      await expect(ledger.proxiableUUID()).to.be.revertedWithCustomError(ledger, "UUPSUnauthorizedCallContext");
    });

    describe("reverts", function () {
      it("when a non-governance account upgrades", async function () {
        const { ledger, governance, outsider } = await loadFixture(deployFixture);
        const next = await new TrustLedger__factory(governance).deploy();
        await expect(ledger.connect(outsider).upgradeToAndCall(next, "0x"))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });

      it("when an account other than the authority sets the authority", async function () {
        const { ledger, governance } = await loadFixture(deployFixture);
        await expect(ledger.setAuthority(governance.address))
          .to.be.revertedWithCustomError(ledger, "AccessManagedUnauthorized")
          .withArgs(governance.address);
      });
    });
  });
});
