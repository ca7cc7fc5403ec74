import { expect } from "chai";
import { network } from "hardhat";

import { parseEvents } from "../../src/actions/parseEvents.js";
import { waitForReceipt } from "../../src/actions/waitForReceipt.js";
import { Level } from "../../src/constants.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

describe("parseEvents", () => {
  it("decodes the named events a contract emitted, ignoring other contracts' logs", async () => {
    const { registry, ledger, governance, gammaId } = await networkHelpers.loadFixture(deployed);
    const { receipt } = await waitForReceipt(registry.connect(governance).activate(gammaId, Level.Low, Level.Low));
    const changed = parseEvents({ receipt, contract: ledger, eventName: "TrustChanged" });
    expect(changed).to.have.length(1);
    expect(changed[0].args.orgId).to.equal(gammaId);
    expect(changed[0].args.newValue).to.equal((await ledger.recordedTrustOf(gammaId))[0]);
    // The registry emitted no TrustChanged (the ledger did), and OrganizationActivated once.
    expect(parseEvents({ receipt, contract: registry, eventName: "TrustChanged" })).to.deep.equal([]);
    expect(parseEvents({ receipt, contract: registry, eventName: "OrganizationActivated" })).to.have.length(1);
  });
});
