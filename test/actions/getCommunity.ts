import { expect } from "chai";
import { network } from "hardhat";

import { getCommunity } from "../../src/actions/getCommunity.js";
import { rate } from "../../src/actions/rate.js";
import { defaultEntryCriteria } from "../../src/defaults.js";
import { fixtureTrustParameters } from "../helpers/fixtures.js";
import { community, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("getCommunity", () => {
  it("returns the community's settings, counts and recorded total trust", async () => {
    const { registry, ledger, alphaId, betaId } = await networkHelpers.loadFixture(deployed);
    const view = await getCommunity({ registry, ledger });
    expect(view).to.deep.include({
      blockNumber: await connection.ethers.provider.getBlockNumber(),
      communityType: "Private",
      organizationCount: 3n,
      ledgerVersion: "1.1.0",
      registryVersion: "1.1.0",
    });
    expect(view.trustParameters).to.deep.equal(fixtureTrustParameters);
    expect(view.entryCriteria).to.deep.equal(defaultEntryCriteria);
    const [alphaTrust] = await ledger.recordedTrustOf(alphaId);
    const [betaTrust] = await ledger.recordedTrustOf(betaId);
    expect(view.totalTrust).to.equal(alphaTrust + betaTrust);
  });

  it("reads the total at a past block", async () => {
    const { registry, ledger, governance, alphaId } = await networkHelpers.loadFixture(deployed);
    const before = await getCommunity({ registry, ledger });
    const rated = await rate({ ledger, assessor: governance, rating: ratingOf(alphaId, "x", ["1", "1", "1", "1"]) });
    const after = await getCommunity({ registry, ledger });
    const past = await getCommunity({ registry, ledger, blockTag: before.blockNumber });
    expect(past.totalTrust).to.equal(before.totalTrust);
    expect(past.blockNumber).to.equal(before.blockNumber);
    // The total moves by the written change: the new value minus the value it last recorded for alpha.
    const [recordedBefore] = await ledger.recordedTrustOf(alphaId, { blockTag: before.blockNumber });
    expect(after.totalTrust - before.totalTrust).to.equal(rated.newTrust - recordedBefore);
  });
});
