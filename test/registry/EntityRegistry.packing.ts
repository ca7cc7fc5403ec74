import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { AbiCoder, id, keccak256, toBeHex } from "ethers";
import { network } from "hardhat";

import { Level, Status } from "../../src/constants.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type { EntityRegistry } from "../../types/index.js";
import { deploySuite, joinAndActivate, newIdentity, profileOf, type Suite } from "../helpers/fixtures.js";

/**
 * Organization ids are packed in 64 bits (a candidate's recommender ids four to a slot; a case's parties in
 * PenaltyCases): the registry assigns them from 1 up to 2^64 - 1 and refuses a join after that
 * (`EntityRegistryTooManyOrganizations`). The count is moved to the top of the range with `hardhat_setStorageAt`:
 * nothing else would get there. Recommender ids are kept in order, four to a slot, the largest ids included.
 */

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

const MAX_ID = 2n ** 64n - 1n;
const coder = AbiCoder.defaultAbiCoder();
/** ERC-7201 base of `credence.storage.EntityRegistry`: `ledger` is its slot 0, `organizationCount` slot 1. */
const BASE =
  BigInt(keccak256(coder.encode(["uint256"], [BigInt(id("credence.storage.EntityRegistry")) - 1n]))) & ~0xffn;
const ORGANIZATION_COUNT = BASE + 1n;
const RECOMMENDERS = BASE + 8n;
const mappingSlot = (key: bigint, slot: bigint) => BigInt(keccak256(coder.encode(["uint256", "uint256"], [key, slot])));

/** Makes `count` the registry's organization count: the next join gets `count + 1`. */
async function setOrganizationCount(registry: EntityRegistry, count: bigint) {
  await ethers.provider.send("hardhat_setStorageAt", [
    await registry.getAddress(),
    toBeHex(ORGANIZATION_COUNT, 32),
    toBeHex(count, 32),
  ]);
  expect(await registry.organizationCount()).to.equal(count);
}

async function requestJoin(registry: EntityRegistry, admin: HardhatEthersSigner) {
  const [profileHash, profileURI] = profileOf(admin.address);
  return registry.connect(admin).requestJoin(newIdentity(), countryCode("DE"), profileHash, profileURI);
}

async function deployFixture() {
  const signers = await ethers.getSigners();
  const suite: Suite = await deploySuite(connection);
  return { ...suite, governance: signers[0], admins: signers.slice(1, 12) };
}

describe("EntityRegistry organization ids (64-bit packing)", function () {
  describe("requestJoin", function () {
    it("assigns ids up to 2^64 - 1", async function () {
      const { registry, admins } = await loadFixture(deployFixture);
      await setOrganizationCount(registry, MAX_ID - 1n);
      await expect(requestJoin(registry, admins[0]))
        .to.emit(registry, "JoinRequested")
        .withArgs(
          MAX_ID,
          (hash: string) => hash.length === 66,
          admins[0].address,
          countryCode("DE"),
          admins[0].address,
        );
      expect(await registry.organizationOf(admins[0].address)).to.equal(MAX_ID);
      expect(await registry.statusOf(MAX_ID)).to.equal(Status.Pending);
      expect(await registry.organizationCount()).to.equal(MAX_ID);
    });

    describe("reverts", function () {
      it("when every id up to 2^64 - 1 is taken, with EntityRegistryTooManyOrganizations (nothing written)", async function () {
        const { registry, governance, admins } = await loadFixture(deployFixture);
        await setOrganizationCount(registry, MAX_ID);
        await expect(requestJoin(registry, admins[0]))
          .to.be.revertedWithCustomError(registry, "EntityRegistryTooManyOrganizations")
          .withArgs(MAX_ID);
        const [profileHash, profileURI] = profileOf("platform");
        await expect(
          registry.connect(governance).requestJoinFor({
            identityHash: newIdentity(),
            country: countryCode("DE"),
            admin: admins[1].address,
            profileHash,
            profileURI,
          }),
        )
          .to.be.revertedWithCustomError(registry, "EntityRegistryTooManyOrganizations")
          .withArgs(MAX_ID);
        expect(await registry.organizationOf(admins[0].address)).to.equal(0n);
        expect(await registry.organizationCount()).to.equal(MAX_ID);
      });
    });
  });

  describe("recommend and recommendersOf", function () {
    it("keep recommender ids in order, four to a slot, the largest ids included", async function () {
      const f = await loadFixture(deployFixture);
      const { registry, governance, admins } = f;
      // Three recommenders with small ids and three at the top of the range, interleaved; the candidate last.
      const small = [];
      for (const admin of admins.slice(0, 3)) small.push(await joinAndActivate(f, admin, governance));
      await setOrganizationCount(registry, MAX_ID - 4n);
      const large = [];
      for (const admin of admins.slice(3, 6)) large.push(await joinAndActivate(f, admin, governance));
      expect(large).to.deep.equal([MAX_ID - 3n, MAX_ID - 2n, MAX_ID - 1n]);
      await requestJoin(registry, admins[6]);
      const candidate = await registry.organizationOf(admins[6].address);
      expect(candidate).to.equal(MAX_ID);

      const order = [0, 3, 1, 4, 2, 5];
      const expected: bigint[] = [];
      for (const [i, index] of order.entries()) {
        const recommender = index < 3 ? small[index] : large[index - 3];
        await expect(registry.connect(admins[index]).recommend(candidate, toFixed("0.5") + BigInt(i)))
          .to.emit(registry, "RecommendationMade")
          .withArgs(candidate, recommender, admins[index].address, toFixed("0.5") + BigInt(i), (w: bigint) => w > 0n);
        expected.push(recommender);
        expect(await registry.recommendersOf(candidate)).to.deep.equal(expected);
      }
      // Slot 0 holds the first four ids (64 bits each, the first lowest), slot 1 the next two.
      const slots = mappingSlot(candidate, RECOMMENDERS);
      const words = await Promise.all(
        [0n, 1n, 2n].map(async (j) =>
          BigInt(await ethers.provider.getStorage(await registry.getAddress(), toBeHex(mappingSlot(j, slots), 32))),
        ),
      );
      const packed = (ids: bigint[]) => ids.reduce((word, idValue, i) => word | (idValue << (64n * BigInt(i))), 0n);
      expect(words).to.deep.equal([packed(expected.slice(0, 4)), packed(expected.slice(4)), 0n]);
      // Each recommendation is recorded under its recommender, and activation reads them all.
      for (const recommender of expected) {
        expect((await registry.recommendation(candidate, recommender)).recommendedAt).to.not.equal(0n);
      }
      await expect(registry.connect(governance).activate(candidate, Level.High, Level.High)).to.emit(
        registry,
        "OrganizationActivated",
      );
      expect(await registry.recommendersOf(candidate)).to.deep.equal(expected);
      expect((await registry.organization(candidate)).recommendationCount).to.equal(6n);
    });

    it("list none for a candidate nobody recommended, and for an unknown id", async function () {
      const { registry, admins } = await loadFixture(deployFixture);
      await requestJoin(registry, admins[0]);
      const candidate = await registry.organizationOf(admins[0].address);
      expect(await registry.recommendersOf(candidate)).to.deep.equal([]);
      expect(await registry.recommendersOf(999n)).to.deep.equal([]);
    });
  });
});
