/**
 * The genesis state of a pre-deployed contract must be exactly what its constructor would have written. These
 * tests deploy by transaction on the in-process chain, trace every SSTORE the constructor made, and compare that
 * with the slots besu-network/src/storageLayout.ts computes from solc's storage-layout output: same slots, same
 * values, nothing more, nothing less.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { Wallet, getAddress, toBeHex, zeroPadValue, type Provider } from "ethers";
import { artifacts, network } from "hardhat";

import { encodeStorage, type StorageLayout } from "../../besu-network/src/storageLayout.js";
import {
  checkValidatorSetInit,
  loadValidatorSetArtifact,
  validatorSetGenesisAccount,
  validatorSetStorage,
} from "../../besu-network/src/validatorSet.js";

const { ethers } = await network.create();

interface StructLog {
  op: string;
  stack: string[];
}

/** Final value of every slot the transaction stored to (lower-case 32-byte hex), zero words dropped. */
async function storedSlots(txHash: string, address: string, provider: Provider): Promise<Record<string, string>> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [txHash, { disableStorage: true }])) as {
    structLogs: StructLog[];
  };
  const slots = new Set<string>();
  for (const log of trace.structLogs) {
    if (log.op !== "SSTORE") continue;
    // Stack top is the slot (the trace lists the stack bottom first).
    slots.add(zeroPadValue("0x" + log.stack[log.stack.length - 1].replace(/^0x/, "").padStart(64, "0"), 32));
  }
  const result: Record<string, string> = {};
  for (const slot of [...slots].sort()) {
    const value = await provider.getStorage(address, slot);
    if (BigInt(value) !== 0n) result[slot.toLowerCase()] = value.toLowerCase();
  }
  return result;
}

async function layoutOf(name: string): Promise<StorageLayout> {
  const artifact = await artifacts.readArtifact(name);
  const { buildInfoId, inputSourceName } = artifact as unknown as { buildInfoId: string; inputSourceName: string };
  const output = JSON.parse(readFileSync(`artifacts/build-info/${buildInfoId}.output.json`, "utf8")) as {
    output: { contracts: Record<string, Record<string, { storageLayout: StorageLayout }>> };
  };
  return output.output.contracts[inputSourceName][name].storageLayout;
}

function randomAddresses(count: number): string[] {
  return Array.from({ length: count }, () => Wallet.createRandom().address);
}

describe("genesis storage from the storage layout", function () {
  describe("encodeStorage against what solc writes", function () {
    let layout: StorageLayout;
    before(async function () {
      layout = await layoutOf("GenesisStorageProbe");
    });

    for (const [label, packedCount, accountCount] of [
      ["empty arrays", 0, 0],
      ["one word of packed items", 4, 1],
      ["packed items spilling into a second word", 5, 3],
      ["many items", 9, 7],
    ] as const) {
      it(`writes the constructor's exact state: ${label}`, async function () {
        const owner = Wallet.createRandom().address;
        const packed = Array.from({ length: packedCount }, (_, i) => BigInt(i * 1_000_003 + 1) << 20n);
        const accounts = randomAddresses(accountCount);
        const key = zeroPadValue("0xabcdef", 32);
        const probe = await ethers.deployContract("GenesisStorageProbe", [owner, packed, accounts, key]);
        const receipt = await probe.deploymentTransaction()!.wait();
        const actual = await storedSlots(receipt!.hash, await probe.getAddress(), ethers.provider);

        const computed = encodeStorage(layout, {
          flag: true,
          small: 7,
          owner,
          big: 2n ** 256n - 2n,
          tag: "0xdeadbeef",
          packed,
          accounts,
          balances: new Map(accounts.map((account, i) => [account, BigInt(i + 1)])),
          owners: new Map(accounts.map((account, i) => [BigInt(i + 100), account])),
          seen: { [key]: true },
          nested: { [key]: Object.fromEntries(accounts.map((account, i) => [account, i + 500])) },
        });
        expect(computed).to.deep.equal(actual);
        // The probe's own getters agree too (a second, independent reading).
        expect(await probe.small()).to.equal(7n);
        if (accounts.length > 0) expect(await probe.nested(key, accounts[0])).to.equal(500n);
      });
    }

    it("names a variable the layout does not have", function () {
      expect(() => encodeStorage(layout, { _authorities: [] })).to.throw(/no variable "_authorities".*renamed/);
    });

    it("refuses values that do not fit their type", function () {
      expect(() => encodeStorage(layout, { small: 256 })).to.throw(/small: 256 does not fit in 1 bytes/);
      expect(() => encodeStorage(layout, { owner: "0x1234" })).to.throw(/owner: "0x1234" is not an address/);
      expect(() => encodeStorage(layout, { flag: 1 })).to.throw(/flag: expected a boolean/);
      expect(() => encodeStorage(layout, { tag: "0xdead" })).to.throw(/tag: expected 4 bytes/);
      expect(() => encodeStorage(layout, { big: -1n })).to.throw(/negative/);
      expect(() => encodeStorage(layout, { packed: 3n })).to.throw(/packed: expected an array/);
      expect(() => encodeStorage(layout, { balances: [] })).to.throw(/balances: expected a Map or an object/);
    });

    it("omits zero words and leaves unset variables at zero", function () {
      expect(encodeStorage(layout, { big: 0n, flag: false })).to.deep.equal({});
      expect(encodeStorage(layout, { big: 1n })).to.deep.equal({
        [toBeHex(BigInt(layout.storage.find((item) => item.label === "big")!.slot), 32)]: toBeHex(1n, 32),
      });
    });
  });

  describe("ValidatorSet", function () {
    it("genesis storage equals the constructor's, slot for slot", async function () {
      const artifact = loadValidatorSetArtifact();
      for (const [count, minimum] of [
        [1, 1],
        [4, 3],
        [7, 4],
      ] as const) {
        const authorities = randomAddresses(count).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
        const set = await ethers.deployContract("ValidatorSet", [authorities, minimum]);
        const receipt = await set.deploymentTransaction()!.wait();
        const address = await set.getAddress();
        const actual = await storedSlots(receipt!.hash, address, ethers.provider);
        const account = validatorSetGenesisAccount({ authorities, minimum }, artifact);
        expect(account.storage).to.deep.equal(actual);
        expect(account.code).to.equal(await ethers.provider.getCode(address));
        expect(await set.getValidators()).to.deep.equal(authorities);
      }
    });

    it("runs from genesis state alone: the alloc's code and storage answer like the deployed contract", async function () {
      const authorities = randomAddresses(4);
      const genesis = validatorSetGenesisAccount({ authorities, minimum: 3 });
      const target = getAddress("0x0000000000000000000000000000000000007a11");
      await ethers.provider.send("hardhat_setCode", [target, genesis.code]);
      for (const [slot, value] of Object.entries(genesis.storage!)) {
        await ethers.provider.send("hardhat_setStorageAt", [target, slot, value]);
      }
      const set = await ethers.getContractAt("ValidatorSet", target);
      expect(await set.getValidators()).to.deep.equal(authorities);
      expect(await set.minimumAuthorities()).to.equal(3n);
      expect(await set.epoch()).to.equal(0n);
      for (const authority of authorities) expect(await set.isAuthority(authority)).to.equal(true);
      expect(await set.isAuthority(Wallet.createRandom().address)).to.equal(false);
      const [registry] = await set.binding();
      expect(registry).to.equal(ethers.ZeroAddress);
    });

    it("checks the initial set as the constructor does", function () {
      const [a, b] = randomAddresses(2);
      const layout = loadValidatorSetArtifact().storageLayout;
      expect(() => validatorSetStorage({ authorities: [], minimum: 1 }, layout)).to.throw(/at least one authority/);
      expect(() => validatorSetStorage({ authorities: [a, b], minimum: 0 }, layout)).to.throw(/between 1 and .* \(2\)/);
      expect(() => validatorSetStorage({ authorities: [a, b], minimum: 3 }, layout)).to.throw(/between 1 and/);
      expect(() => validatorSetStorage({ authorities: [a, a.toLowerCase()], minimum: 1 }, layout)).to.throw(
        /listed twice/,
      );
      expect(() => validatorSetStorage({ authorities: [ethers.ZeroAddress], minimum: 1 }, layout)).to.throw(
        /zero address/,
      );
      expect(() => validatorSetStorage({ authorities: ["0x12"], minimum: 1 }, layout)).to.throw(/not an address/);
      expect(() => checkValidatorSetInit({ authorities: randomAddresses(65), minimum: 1 })).to.throw(/maximum of 64/);
    });

    it("tells the user to build when the artifact is missing", function () {
      expect(() => loadValidatorSetArtifact("/nonexistent")).to.throw(/run `npx hardhat build` first/);
    });
  });
});
