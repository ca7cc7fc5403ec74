import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { setProfile } from "../../src/actions/setProfile.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("setProfile", () => {
  it("edits an existing profile record and returns its new version", async () => {
    const { registry, gamma, gammaId } = await networkHelpers.loadFixture(deployed);
    const edited = await setProfile({
      registry,
      admin: gamma,
      orgId: gammaId,
      profileHash: id("gamma v2"),
      profileURI: "ipfs://gamma/v2",
    });
    expect(edited).to.deep.include({
      orgId: gammaId,
      version: 2n,
      action: "Edited",
      profileHash: id("gamma v2"),
      profileURI: "ipfs://gamma/v2",
    });
    const org = await registry.organization(gammaId);
    expect([org.profileVersion, org.profileHash, org.profileURI]).to.deep.equal([
      2n,
      id("gamma v2"),
      "ipfs://gamma/v2",
    ]);
  });

  it("reports Added after the profile was deleted", async () => {
    const { registry, gamma, gammaId } = await networkHelpers.loadFixture(deployed);
    await (await registry.connect(gamma).deleteProfile(gammaId)).wait();
    const added = await setProfile({
      registry,
      admin: gamma,
      orgId: gammaId,
      profileHash: id("gamma v3"),
      profileURI: "ipfs://gamma/v3",
    });
    expect(added.action).to.equal("Added");
    expect(added.version).to.equal(3n);
  });

  describe("reverts", () => {
    it("when the profile hash is zero", async () => {
      const { registry, gamma, gammaId } = await networkHelpers.loadFixture(deployed);
      await expect(
        setProfile({ registry, admin: gamma, orgId: gammaId, profileHash: `0x${"00".repeat(32)}`, profileURI: "x" }),
      )
        .to.be.revertedWithCustomError(registry, "EntityRegistryMissingField")
        .withArgs("profileHash");
    });
  });
});
