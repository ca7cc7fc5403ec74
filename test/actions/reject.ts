import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { reject } from "../../src/actions/reject.js";
import { Status } from "../../src/constants.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("reject", () => {
  it("rejects the candidate and returns the reason hash", async () => {
    const { registry, governance, gammaId } = await networkHelpers.loadFixture(deployed);
    const rejected = await reject({ registry, assessor: governance, orgId: gammaId, reasonHash: id("no") });
    expect(rejected.orgId).to.equal(gammaId);
    expect(rejected.reasonHash).to.equal(id("no"));
    expect(rejected.gasUsed).to.be.greaterThan(0n);
    expect(await registry.statusOf(gammaId)).to.equal(BigInt(Status.Rejected));
  });

  describe("reverts", () => {
    it("when the organization is not Pending", async () => {
      const { registry, governance, alphaId } = await networkHelpers.loadFixture(deployed);
      await expect(reject({ registry, assessor: governance, orgId: alphaId, reasonHash: id("no") }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryUnexpectedStatus")
        .withArgs(alphaId, Status.Active, Status.Pending);
    });
  });
});
