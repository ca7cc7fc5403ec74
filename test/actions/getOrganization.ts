import { expect } from "chai";
import { network } from "hardhat";

import { getOrganization } from "../../src/actions/getOrganization.js";
import { defaultTrustParameters } from "../../src/defaults.js";
import { community, joinRequest, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("getOrganization", () => {
  it("returns an Active organization's record and trust as plain data", async () => {
    const { registry, ledger, alpha, alphaId } = await networkHelpers.loadFixture(deployed);
    await networkHelpers.mine(1000);
    const org = await getOrganization({ registry, ledger, orgId: alphaId });
    const request = joinRequest("alpha", "DE");
    expect(org.blockNumber).to.equal(await connection.ethers.provider.getBlockNumber());
    expect(org).to.deep.include({
      orgId: alphaId,
      status: "Active",
      country: "DE",
      admin: alpha.address,
      identityHash: request.identityHash,
      legal: "High",
      capability: "Medium",
      memberCount: 1n,
      recommendationCount: 0n,
      preTrust: 0n,
      preTrustAtActivation: 0n, // a founder: nobody could recommend it
      profileVersion: 1n,
      profileHash: request.profileHash,
      profileURI: request.profileURI,
    });
    expect(org.activatedAt).to.be.greaterThan(org.requestedAt);
    const [recorded, updatedAt] = await ledger.recordedTrustOf(alphaId);
    expect([org.recordedTrust, org.trustUpdatedAt]).to.deep.equal([recorded, updatedAt]);
    expect(org.trustUpdatedAt).to.equal(org.activatedAt); // never rated: the recorded value is the initial one
    expect(org.initialTrust).to.equal(recorded);
    expect(org.trust).to.equal(await ledger.trustOf(alphaId));
    expect(org.trust).to.be.lessThan(org.recordedTrust); // 1000 blocks of decay
    expect([org.ratedContributions, org.onProbation]).to.deep.equal([0n, true]);
  });

  it("counts the platform's ratings and reports the end of the probation", async () => {
    const { registry, ledger, alphaId } = await networkHelpers.loadFixture(deployed);
    const probation = defaultTrustParameters.probationRatings;
    for (let i = 1n; i <= probation; i++) {
      await ledger.rate(ratingOf(alphaId, `probation-${i}`, ["0.9", "0.9", "0.9", "0.9"]));
      const org = await getOrganization({ registry, ledger, orgId: alphaId });
      expect([org.ratedContributions, org.onProbation]).to.deep.equal([i, i < probation]);
      expect([org.ratedContributions, org.onProbation]).to.deep.equal([
        ...(await ledger.ratedContributionsOf(alphaId)),
      ]);
    }
  });

  it("reads the state at a past block", async () => {
    const { registry, ledger, gammaId } = await networkHelpers.loadFixture(deployed);
    const before = await connection.ethers.provider.getBlockNumber();
    const org = await getOrganization({ registry, ledger, orgId: gammaId, blockTag: before });
    expect(org).to.deep.include({
      status: "Pending",
      legal: "None",
      capability: "None",
      trust: 0n,
      activatedAt: 0n,
      preTrustAtActivation: 0n,
      initialTrust: 0n,
    });
    expect(org.blockNumber).to.equal(before);
  });

  describe("reverts", () => {
    it("when the organization does not exist", async () => {
      const { registry, ledger } = await networkHelpers.loadFixture(deployed);
      await expect(getOrganization({ registry, ledger, orgId: 99n }))
        .to.be.revertedWithCustomError(registry, "EntityRegistryUnknownOrganization")
        .withArgs(99n);
    });
  });
});
