import { expect } from "chai";
import { network } from "hardhat";

import { deploySuite } from "../../src/actions/deploySuite.js";
import { CommunityType, Role } from "../../src/constants.js";
import {
  defaultEntryCriteria,
  defaultPenaltyParameters,
  defaultTrustParameters,
  type PenaltyParameters,
} from "../../src/defaults.js";
import { toFixed } from "../../src/fixedPoint.js";

const connection = await network.create();
const { ethers } = connection;

describe("deploySuite", () => {
  it("returns the wired contracts at their deployed addresses", async () => {
    const suite = await deploySuite({ connection });
    expect(await suite.manager.getAddress()).to.equal(suite.addresses.manager);
    expect(await suite.ledger.getAddress()).to.equal(suite.addresses.ledger);
    expect(await suite.registry.getAddress()).to.equal(suite.addresses.registry);
    expect(await suite.ledger.registry()).to.equal(suite.addresses.registry);
    expect(await suite.registry.ledger()).to.equal(suite.addresses.ledger);
    expect(await suite.ledger.authority()).to.equal(suite.addresses.manager);
    expect(await suite.penalty.getAddress()).to.equal(suite.addresses.penalty);
    expect(await suite.penalty.authority()).to.equal(suite.addresses.manager);
    expect(await suite.ledger.penaltyHook()).to.equal(suite.addresses.penalty);
    expect((await suite.manager.hasRole(Role.PENALTY, suite.addresses.penalty))[0]).to.equal(true);
    for (const implementation of [
      suite.addresses.ledgerImplementation,
      suite.addresses.registryImplementation,
      suite.addresses.penaltyImplementation,
    ]) {
      expect(await ethers.provider.getCode(implementation)).to.not.equal("0x");
    }
  });

  it("uses the default parameters when none are given", async () => {
    const [governance] = await ethers.getSigners();
    const { ledger, registry, manager, penalty } = await deploySuite({ connection });
    expect(await ledger.communityType()).to.equal(BigInt(CommunityType.Private));
    expect(toPenaltyParameters(await penalty.parameters())).to.deep.equal(defaultPenaltyParameters);
    expect((await manager.hasRole(Role.RATIFIER, governance.address))[0]).to.equal(true);
    expect((await ledger.parameters()).halfLife).to.equal(defaultTrustParameters.halfLife);
    expect((await registry.entryCriteria()).maxRecommendations).to.equal(defaultEntryCriteria.maxRecommendations);
    expect((await manager.hasRole(Role.ASSESSOR, governance.address))[0]).to.equal(true);
  });

  it("applies the given parameters, merged over the defaults", async () => {
    const [governance, platform] = await ethers.getSigners();
    const { ledger, registry, manager, penalty } = await deploySuite({
      connection,
      communityType: CommunityType.Public,
      penaltyParameters: { votingPeriod: 50n, quorumShare: toFixed("0.5") },
      ratifier: platform.address,
      trustParameters: { gainRate: toFixed("0.05") },
      entryCriteria: { minRecommendations: 3n },
      countries: [{ code: "IS", dataPrivacy: "0.9", copyright: "0.8", cybercrime: "0.1" }],
      assessor: platform.address,
    });
    expect(await ledger.communityType()).to.equal(BigInt(CommunityType.Public));
    const parameters = await ledger.parameters();
    expect(parameters.gainRate).to.equal(toFixed("0.05"));
    expect(parameters.lossRate).to.equal(defaultTrustParameters.lossRate);
    const criteria = await registry.entryCriteria();
    expect(criteria.minRecommendations).to.equal(3n);
    expect(criteria.maxRecommendations).to.equal(defaultEntryCriteria.maxRecommendations);
    expect((await registry.country("0x4953")).listed).to.equal(true);
    expect((await registry.country("0x4445")).listed).to.equal(false); // DE: not in the given table
    expect((await manager.hasRole(Role.ASSESSOR, platform.address))[0]).to.equal(true);
    expect((await manager.hasRole(Role.ASSESSOR, governance.address))[0]).to.equal(false);
    expect(toPenaltyParameters(await penalty.parameters())).to.deep.equal({
      ...defaultPenaltyParameters,
      votingPeriod: 50n,
      quorumShare: toFixed("0.5"),
    });
    expect((await manager.hasRole(Role.RATIFIER, platform.address))[0]).to.equal(true);
    expect((await manager.hasRole(Role.RATIFIER, governance.address))[0]).to.equal(false);
  });

  it("applies raw Ignition parameters last, each given key replacing the one built from the typed fields", async () => {
    const [governance, platform] = await ethers.getSigners();
    const { ledger, manager } = await deploySuite({
      connection,
      communityType: CommunityType.Private,
      trustParameters: { gainRate: toFixed("0.05") },
      ignitionParameters: { communityType: CommunityType.Public, assessor: platform.address },
    });
    expect(await ledger.communityType()).to.equal(BigInt(CommunityType.Public));
    expect((await ledger.parameters()).gainRate).to.equal(toFixed("0.05")); // not replaced: still built
    expect((await manager.hasRole(Role.ASSESSOR, platform.address))[0]).to.equal(true);
    expect((await manager.hasRole(Role.ASSESSOR, governance.address))[0]).to.equal(false);
  });
});

/** Plain bigints from the `parameters()` struct, in the shape of defaultPenaltyParameters. */
function toPenaltyParameters(p: { [K in keyof PenaltyParameters]: bigint }): PenaltyParameters {
  return Object.fromEntries(
    Object.keys(defaultPenaltyParameters).map((key) => [key, p[key as keyof PenaltyParameters]]),
  ) as PenaltyParameters;
}
