import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { getTrustHistory } from "../../src/actions/getTrustHistory.js";
import { peerRate } from "../../src/actions/peerRate.js";
import { rate } from "../../src/actions/rate.js";
import { Level } from "../../src/constants.js";
import { community, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** Alpha: initialized, rated by the platform, then peer-rated by beta. */
async function rated() {
  const suite = await community(connection);
  const { ledger, governance, beta, alphaId } = suite;
  const first = await rate({
    ledger,
    assessor: governance,
    rating: ratingOf(alphaId, "r1", ["0.9", "0.9", "0.9", "0.9"]),
  });
  await networkHelpers.mine(500);
  const second = await peerRate({
    ledger,
    signer: beta,
    rating: ratingOf(alphaId, "p1", ["0.2", "0.5", "0.5", "0.5"]),
  });
  return { ...suite, first, second };
}

describe("getTrustHistory", () => {
  it("returns an organization's TrustChanged events decoded, oldest first", async () => {
    const { ledger, alphaId, first, second } = await networkHelpers.loadFixture(rated);
    const history = await getTrustHistory({ ledger, orgId: alphaId });
    expect(history.map((h) => h.reason)).to.deep.equal(["Initialized", "Rated", "PeerRated"]);
    expect(history.every((h) => h.orgId === alphaId)).to.equal(true);
    const [initialized, ratedByPlatform, ratedByPeer] = history;
    expect(initialized).to.deep.include({ oldValue: 0n, delta: initialized.newValue, evidenceHash: ZeroHash });
    expect(ratedByPlatform).to.deep.include({
      blockNumber: first.blockNumber,
      transactionHash: first.transactionHash,
      oldValue: first.oldTrust,
      newValue: first.newTrust,
      delta: first.delta,
      evidenceHash: ratingOf(alphaId, "r1", ["0", "0", "0", "0"]).evidenceHash,
    });
    expect(ratedByPeer).to.deep.include({
      blockNumber: second.blockNumber,
      oldValue: second.oldTrust,
      newValue: second.newTrust,
      delta: second.delta,
    });
    expect(ratedByPeer.delta).to.be.lessThan(0n);
    expect((await ledger.recordedTrustOf(alphaId))[0]).to.equal(ratedByPeer.newValue);
  });

  it("returns every organization's changes without orgId, and respects the block range", async () => {
    const { registry, ledger, governance, alphaId, betaId, gammaId, first } = await networkHelpers.loadFixture(rated);
    await activate({ registry, assessor: governance, orgId: gammaId, legal: Level.Low, capability: Level.Low });
    const all = await getTrustHistory({ ledger });
    expect(all.map((h) => [h.orgId, h.reason])).to.deep.equal([
      [alphaId, "Initialized"],
      [betaId, "Initialized"],
      [alphaId, "Rated"],
      [alphaId, "PeerRated"],
      [gammaId, "Initialized"],
    ]);
    const since = await getTrustHistory({ ledger, fromBlock: first.blockNumber + 1 });
    expect(since.map((h) => h.reason)).to.deep.equal(["PeerRated", "Initialized"]);
    const upTo = await getTrustHistory({ ledger, toBlock: first.blockNumber });
    expect(upTo).to.have.length(3);
  });
});
