import { expect } from "chai";
import { network } from "hardhat";
import { deploySuite, joinAndActivate } from "./helpers/fixtures.js";

const connection = await network.create();
describe("smoke", () => {
  it("deploys and activates", async () => {
    const [gov, a, b] = await connection.ethers.getSigners();
    const suite = await deploySuite(connection);
    const first = await joinAndActivate(suite, a, gov);
    const second = await joinAndActivate(suite, b, gov, { recommenders: [a] });
    console.log(await suite.ledger.trustOf(first), await suite.ledger.trustOf(second), await suite.ledger.totalTrust());
    expect(await suite.registry.isActiveMember(b.address)).to.equal(true);
  });
});
