import { expect } from "chai";
import { network } from "hardhat";

import { addMember } from "../../src/actions/addMember.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("addMember", () => {
  it("binds the account to the organization and returns the new member count", async () => {
    const { registry, alpha, alphaId, spare } = await networkHelpers.loadFixture(deployed);
    const added = await addMember({ registry, admin: alpha, orgId: alphaId, account: spare.address });
    expect(added).to.deep.include({ orgId: alphaId, account: spare.address, memberCount: 2n });
    expect(await registry.organizationOf(spare.address)).to.equal(alphaId);
    expect(await registry.isActiveMember(spare.address)).to.equal(true);
  });

  describe("reverts", () => {
    it("when the sender is not the organization's admin", async () => {
      const { registry, beta, alphaId, spare } = await networkHelpers.loadFixture(deployed);
      await expect(addMember({ registry, admin: beta, orgId: alphaId, account: spare.address }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryNotOrganizationAdmin")
        .withArgs(alphaId, beta.address);
    });

    it("when the account already acts for an organization", async () => {
      const { registry, alpha, beta, alphaId, betaId } = await networkHelpers.loadFixture(deployed);
      await expect(addMember({ registry, admin: alpha, orgId: alphaId, account: beta.address }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryAccountAlreadyBound")
        .withArgs(beta.address, betaId);
    });
  });
});
