import { expect } from "chai";
import { network } from "hardhat";

import { requestJoin } from "../../src/actions/requestJoin.js";
import { Status } from "../../src/constants.js";
import { community, joinRequest } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("requestJoin", () => {
  it("registers the signer as the admin of a new Pending organization and returns its id", async () => {
    const { registry, spare } = await networkHelpers.loadFixture(deployed);
    const joined = await requestJoin({ registry, signer: spare, ...joinRequest("spare", "JP") });
    expect(joined.orgId).to.equal(await registry.organizationCount());
    expect(joined.orgId).to.equal(await registry.organizationOf(spare.address));
    expect(joined.admin).to.equal(spare.address);
    expect(joined.submittedBy).to.equal(spare.address);
    expect(joined.country).to.equal("JP");
    expect(await registry.statusOf(joined.orgId)).to.equal(BigInt(Status.Pending));
    const receipt = await connection.ethers.provider.getTransactionReceipt(joined.transactionHash);
    expect(receipt!.blockNumber).to.equal(joined.blockNumber);
    expect(receipt!.gasUsed).to.equal(joined.gasUsed);
  });

  it("submits through requestJoinFor when the platform names the admin", async () => {
    const { registry, governance, spare } = await networkHelpers.loadFixture(deployed);
    const joined = await requestJoin({
      registry,
      signer: governance,
      admin: spare.address,
      ...joinRequest("spare-by-platform", "FR"),
    });
    expect(joined.admin).to.equal(spare.address);
    expect(joined.submittedBy).to.equal(governance.address);
    const org = await registry.organization(joined.orgId);
    expect(org.admin).to.equal(spare.address);
    expect(org.country).to.equal("0x4652");
  });

  describe("reverts", () => {
    it("when the identity is already registered", async () => {
      const { registry, spare, alphaId } = await networkHelpers.loadFixture(deployed);
      const request = joinRequest("alpha", "DE");
      await expect(requestJoin({ registry, signer: spare, ...request }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryDuplicateIdentity")
        .withArgs(request.identityHash, alphaId);
    });

    it("when someone without the ASSESSOR role submits for another account", async () => {
      const { registry, outsider, spare } = await networkHelpers.loadFixture(deployed);
      await expect(requestJoin({ registry, signer: outsider, admin: spare.address, ...joinRequest("x", "DE") }))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
