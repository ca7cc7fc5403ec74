import { expect } from "chai";
import { ZeroHash } from "ethers";
import { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { DEFAULT_HISTORY_BLOCKS, getTrustHistory } from "../../src/actions/getTrustHistory.js";
import { peerRate } from "../../src/actions/peerRate.js";
import { rate } from "../../src/actions/rate.js";
import { Level } from "../../src/constants.js";
import { community, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** Alpha: initialized, rated by the platform, then peer-rated by beta (the same contribution, as peers must). */
async function rated() {
  const suite = await community(connection);
  const { ledger, governance, beta, alphaId } = suite;
  const first = await rate({
    ledger,
    assessor: governance,
    // A middling platform score, so that the peer's lower one (0.38) lies within the band the ledger holds peers
    // to (0.20 around the platform's) and lowers trust.
    rating: ratingOf(alphaId, "r1", ["0.5", "0.5", "0.5", "0.5"]),
  });
  await networkHelpers.mine(500);
  const second = await peerRate({
    ledger,
    signer: beta,
    rating: ratingOf(alphaId, "r1", ["0.2", "0.5", "0.5", "0.5"]),
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

  it("searches only the last DEFAULT_HISTORY_BLOCKS blocks unless fromBlock is given", async () => {
    const { ledger, governance, alphaId } = await networkHelpers.loadFixture(rated);
    await networkHelpers.mine(DEFAULT_HISTORY_BLOCKS);
    const late = await rate({
      ledger,
      assessor: governance,
      rating: ratingOf(alphaId, "r2", ["0.9", "0.9", "0.9", "0.9"]),
    });
    // The three earlier changes are more than DEFAULT_HISTORY_BLOCKS blocks before the latest one.
    const recent = await getTrustHistory({ ledger, orgId: alphaId });
    expect(recent.map((h) => [h.blockNumber, h.reason])).to.deep.equal([[late.blockNumber, "Rated"]]);
    const whole = await getTrustHistory({ ledger, orgId: alphaId, fromBlock: 0 });
    expect(whole.map((h) => h.reason)).to.deep.equal(["Initialized", "Rated", "PeerRated", "Rated"]);
    // The default window ends at the latest block and spans exactly DEFAULT_HISTORY_BLOCKS blocks.
    const windowStart = late.blockNumber - DEFAULT_HISTORY_BLOCKS + 1;
    expect(await getTrustHistory({ ledger, orgId: alphaId, fromBlock: windowStart })).to.deep.equal(recent);
  });

  it("reads a range in chunks of maxLogsRange blocks without losing or repeating an event", async () => {
    const { ledger, first, second } = await networkHelpers.loadFixture(rated);
    const toBlock = second.blockNumber;
    const whole = await getTrustHistory({ ledger, fromBlock: 0, toBlock, maxLogsRange: toBlock + 1 });
    expect(whole).to.have.length(4);
    expect(whole.map((h) => h.blockNumber)).to.include.members([first.blockNumber, second.blockNumber]);
    for (const maxLogsRange of [1, 7, 250]) {
      const chunked = await getTrustHistory({ ledger, fromBlock: 0, toBlock, maxLogsRange });
      expect(chunked, `maxLogsRange ${maxLogsRange}`).to.deep.equal(whole);
    }
  });

  describe("throws", () => {
    it("when fromBlock is after toBlock", async () => {
      const { ledger, first } = await networkHelpers.loadFixture(rated);
      const failure = await getTrustHistory({
        ledger,
        fromBlock: first.blockNumber + 1,
        toBlock: first.blockNumber,
      }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).to.equal(`fromBlock ${first.blockNumber + 1} is after toBlock ${first.blockNumber}`);
    });

    it("when maxLogsRange is zero", async () => {
      const { ledger } = await networkHelpers.loadFixture(rated);
      const failure = await getTrustHistory({ ledger, fromBlock: 0, maxLogsRange: 0 }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.message).to.equal("maxLogsRange must be at least 1");
    });
  });
});
