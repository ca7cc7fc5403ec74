import { expect } from "chai";
import { network } from "hardhat";

import { setEntryCriteria } from "../../src/actions/setEntryCriteria.js";
import { defaultEntryCriteria } from "../../src/defaults.js";
import { toFixed } from "../../src/fixedPoint.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("setEntryCriteria", () => {
  it("changes the given fields, keeps the others and returns both versions", async () => {
    const { registry, governance } = await networkHelpers.loadFixture(deployed);
    const changed = await setEntryCriteria({
      registry,
      governance,
      criteria: { minRecommendations: 2n, minPreTrust: toFixed("0.3") },
    });
    expect(changed.previous).to.deep.equal(defaultEntryCriteria);
    expect(changed.criteria).to.deep.equal({
      ...defaultEntryCriteria,
      minRecommendations: 2n,
      minPreTrust: toFixed("0.3"),
    });
    const onChain = await registry.entryCriteria();
    expect(onChain.minRecommendations).to.equal(2n);
    expect(onChain.minPreTrust).to.equal(toFixed("0.3"));
    expect(onChain.maxRecommendations).to.equal(defaultEntryCriteria.maxRecommendations);
  });

  describe("reverts", () => {
    it("when the sender is not governance", async () => {
      const { registry, outsider } = await networkHelpers.loadFixture(deployed);
      await expect(setEntryCriteria({ registry, governance: outsider, criteria: { minRecommendations: 1n } }))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });

    it("when the criteria are inconsistent", async () => {
      const { registry, governance } = await networkHelpers.loadFixture(deployed);
      await expect(setEntryCriteria({ registry, governance, criteria: { minRecommendations: 17n } }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryInvalidEntryCriteria")
        .withArgs("minRecommendations");
    });
  });
});
