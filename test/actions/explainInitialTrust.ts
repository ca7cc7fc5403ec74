import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { explainInitialTrust } from "../../src/actions/explainInitialTrust.js";
import { recommend } from "../../src/actions/recommend.js";
import { reject } from "../../src/actions/reject.js";
import { CommunityType, Level, ONE } from "../../src/constants.js";
import { defaultTrustParameters } from "../../src/defaults.js";
import { toFixed } from "../../src/fixedPoint.js";
import { community } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

async function publicCommunity() {
  return community(connection, { communityType: CommunityType.Public });
}

/** A private community with the default private initial cap (the shared fixture turns it off). */
async function cappedPrivateCommunity() {
  return community(connection, { trustParameters: { privateInitialCap: defaultTrustParameters.privateInitialCap } });
}

describe("explainInitialTrust", () => {
  it("breaks a founder's initial trust into its four weighted inputs", async () => {
    const { registry, ledger, alphaId } = await networkHelpers.loadFixture(deployed);
    const why = await explainInitialTrust({ registry, ledger, orgId: alphaId });
    const p = defaultTrustParameters;
    expect(why.preTrust).to.deep.equal({ value: 0n, weight: p.weightPreTrust, contribution: 0n });
    expect(why.legal).to.deep.equal({ value: ONE, weight: p.weightLegal, contribution: p.weightLegal }); // High
    expect(why.capability.value).to.equal((2n * ONE) / 3n); // Medium
    expect(why.indirect.value).to.equal(await registry.indirectTrustOf("0x4445")); // DE
    expect(why.indirect.contribution).to.equal((why.indirect.value * p.weightIndirect) / ONE);
    expect(why.recomputed).to.equal(why.initialTrust);
    expect(why.initialTrust).to.equal((await ledger.recordedTrustOf(alphaId))[0]);
    // The ledger divides once; the four rounded-down terms may fall short of it by at most 3 wei.
    const sum =
      why.preTrust.contribution + why.legal.contribution + why.capability.contribution + why.indirect.contribution;
    expect(why.initialTrust - sum).to.be.within(0n, 3n);
    // The fixture's private cap is off: the formula is the initial trust.
    expect(why.cap).to.equal(ONE);
    expect(why.capped).to.equal(false);
    expect(why.formula).to.equal(why.initialTrust);
  });

  it("includes the pre-trust of a recommended candidate", async () => {
    const { registry, ledger, governance, alpha, gammaId } = await networkHelpers.loadFixture(deployed);
    await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.9") });
    const activated = await activate({
      registry,
      assessor: governance,
      orgId: gammaId,
      legal: Level.Low,
      capability: Level.High,
    });
    const why = await explainInitialTrust({ registry, ledger, orgId: gammaId });
    expect(why.blockNumber).to.equal(activated.blockNumber);
    expect(why.preTrust.value).to.equal(activated.preTrust);
    expect(why.preTrust.value).to.be.greaterThan(0n);
    expect(why.legal.value).to.equal(ONE / 3n);
    expect(why.capability.value).to.equal(ONE);
    expect(why.initialTrust).to.equal(activated.initialTrust);
    expect(why.recomputed).to.equal(activated.initialTrust);
  });

  it("reports the pre-trust and initial trust stored at activation, whatever the parameters since", async () => {
    const { registry, ledger, governance, alpha, beta, gammaId } = await networkHelpers.loadFixture(deployed);
    await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.9") });
    await recommend({ registry, signer: beta, candidateId: gammaId, score: toFixed("0.6") });
    const activated = await activate({
      registry,
      assessor: governance,
      orgId: gammaId,
      legal: Level.Medium,
      capability: Level.Medium,
    });
    // Governance then doubles the damping: the live pre-trust of the same recommendations falls.
    const p = defaultTrustParameters; // the fixture's
    await ledger.connect(governance).setParameters({ ...p, recommendationDamping: p.recommendationDamping * 2n });
    expect(await registry.preTrustOf(gammaId)).to.be.lessThan(activated.preTrust);

    const why = await explainInitialTrust({ registry, ledger, orgId: gammaId });
    const org = await registry.organization(gammaId);
    expect([org.preTrust, org.initialTrust]).to.deep.equal([activated.preTrust, activated.initialTrust]);
    expect(why.blockNumber).to.equal(activated.blockNumber);
    expect(why.preTrust.value).to.equal(activated.preTrust);
    expect(why.preTrust.weight).to.equal(p.weightPreTrust);
    expect(why.initialTrust).to.equal(activated.initialTrust);
    expect(why.recomputed).to.equal(activated.initialTrust);
  });

  it("shows the public community's cap in the recomputation", async () => {
    const { registry, ledger, alphaId } = await networkHelpers.loadFixture(publicCommunity);
    const why = await explainInitialTrust({ registry, ledger, orgId: alphaId });
    const sum =
      why.preTrust.contribution + why.legal.contribution + why.capability.contribution + why.indirect.contribution;
    expect(sum).to.be.greaterThan(defaultTrustParameters.publicInitialCap);
    expect(why.initialTrust).to.equal(defaultTrustParameters.publicInitialCap);
    expect(why.recomputed).to.equal(why.initialTrust);
    expect(why.cap).to.equal(defaultTrustParameters.publicInitialCap);
    expect(why.capped).to.equal(true);
    expect(why.formula - sum).to.be.within(0n, 3n);
  });

  it("shows the private community's cap when the formula exceeds it", async () => {
    const { registry, ledger, alphaId } = await networkHelpers.loadFixture(cappedPrivateCommunity);
    const why = await explainInitialTrust({ registry, ledger, orgId: alphaId });
    const cap = defaultTrustParameters.privateInitialCap;
    expect(why.cap).to.equal(cap);
    expect(why.formula).to.be.greaterThan(cap);
    expect(why.capped).to.equal(true);
    expect(why.initialTrust).to.equal(cap);
    expect(why.recomputed).to.equal(cap);
  });

  describe("throws", () => {
    it("when the organization was never activated", async () => {
      const { registry, ledger, gammaId } = await networkHelpers.loadFixture(deployed);
      const failure = await explainInitialTrust({ registry, ledger, orgId: gammaId }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).to.equal(`organization ${gammaId} was never activated`);
    });

    it("when the organization was rejected", async () => {
      const { registry, ledger, governance, gammaId } = await networkHelpers.loadFixture(deployed);
      await reject({ registry, assessor: governance, orgId: gammaId, reasonHash: id("rejected") });
      const failure = await explainInitialTrust({ registry, ledger, orgId: gammaId }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).to.equal(`organization ${gammaId} was never activated`);
    });
  });
});
