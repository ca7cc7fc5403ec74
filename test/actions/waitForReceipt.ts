import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { waitForReceipt } from "../../src/actions/waitForReceipt.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers, ethers } = connection;

async function deployed() {
  return community(connection);
}

describe("waitForReceipt", () => {
  it("returns the mined receipt with its hash, block and gas used", async () => {
    const { registry, governance, gammaId } = await networkHelpers.loadFixture(deployed);
    const sent = registry.connect(governance).reject(gammaId, id("reason"));
    const mined = await waitForReceipt(sent);
    const receipt = await ethers.provider.getTransactionReceipt(mined.transactionHash);
    expect(mined.receipt.status).to.equal(1);
    expect(mined.blockNumber).to.equal(receipt!.blockNumber);
    expect(mined.gasUsed).to.equal(receipt!.gasUsed);
    expect(mined.blockNumber).to.equal(await ethers.provider.getBlockNumber());
  });

  describe("reverts", () => {
    it("when the transaction reverts", async () => {
      const { registry, governance, alphaId } = await networkHelpers.loadFixture(deployed);
      await expect(
        waitForReceipt(registry.connect(governance).reject(alphaId, id("reason"))),
      ).to.be.revertedWithCustomError(registry, "EntityRegistryUnexpectedStatus");
    });
  });
});
