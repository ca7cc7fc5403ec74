import { expect } from "chai";
import { network } from "hardhat";

import { decodeRatings } from "../../src/actions/decodeRatings.js";
import { waitForReceipt } from "../../src/actions/waitForReceipt.js";
import { Level } from "../../src/constants.js";
import { community, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("decodeRatings", () => {
  it("pairs each applied rating with the trust change it caused", async () => {
    const { ledger, governance, alphaId, betaId } = await networkHelpers.loadFixture(deployed);
    const { receipt } = await waitForReceipt(
      ledger
        .connect(governance)
        .rateBatch([ratingOf(alphaId, "a", ["1", "1", "1", "1"]), ratingOf(betaId, "b", ["0", "0", "0", "0"])]),
    );
    const { rated, signals, skipped } = decodeRatings({ receipt, ledger });
    expect(rated.map((r) => r.orgId)).to.deep.equal([alphaId, betaId]);
    expect(rated[0].delta).to.be.greaterThan(0n);
    expect(rated[1].delta).to.be.lessThan(0n);
    expect(rated[1].newTrust).to.equal((await ledger.recordedTrustOf(betaId))[0]);
    expect(signals.map((s) => [s.orgId, s.rater, s.raterOrgId])).to.deep.equal([[betaId, governance.address, 0n]]);
    expect(skipped).to.deep.equal([]);
  });

  it("finds no rating in a transaction that only initialized trust", async () => {
    const { registry, ledger, governance, gammaId } = await networkHelpers.loadFixture(deployed);
    const { receipt } = await waitForReceipt(registry.connect(governance).activate(gammaId, Level.Low, Level.Low));
    expect(decodeRatings({ receipt, ledger })).to.deep.equal({ rated: [], signals: [], skipped: [] });
  });
});
