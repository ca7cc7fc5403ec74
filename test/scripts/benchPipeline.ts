/**
 * The throughput benchmark's pipelining signer (scripts/bench/throughput.ts PipelineSigner) on anvil: it sends with
 * local nonces, and `watch` re-sends what anvil's pool strands (queued at the account's next nonce, nothing
 * pending) while leaving a real nonce gap alone. The stranding is made on purpose: a transaction queued behind a
 * gap, then the account's nonce moved to it (anvil_setNonce), which the pool does not re-examine.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet, parseEther, toBeHex } from "ethers";

import { PipelineSigner } from "../../scripts/bench/throughput.js";
import { type Anvil, startAnvil } from "../helpers/anvil.js";

describe("bench PipelineSigner", function () {
  this.timeout(60_000);
  const CHAIN_ID = 4_712;
  let anvil: Anvil;
  let provider: JsonRpcProvider;
  let wallet: Wallet;

  before(async () => {
    anvil = await startAnvil(undefined, CHAIN_ID);
    provider = anvil.provider;
    wallet = Wallet.createRandom().connect(provider) as unknown as Wallet;
    await provider.send("anvil_setBalance", [wallet.address, toBeHex(parseEther("10"))]);
  });

  after(async () => {
    await anvil?.stop();
  });

  const transfer = { to: "0x000000000000000000000000000000000000dEaD", value: 1n };
  const queued = async () =>
    Object.keys(((await provider.send("txpool_inspect", [])).queued[wallet.address.toLowerCase()] ?? {}) as object)
      .map(Number)
      .sort((a, b) => a - b);

  it("sends with local nonces, and re-sends a stranded transaction once, with the same hash", async function () {
    const lines: string[] = [];
    const pipeline = new PipelineSigner(wallet, (line) => lines.push(line));
    const first = await pipeline.sendTransaction(transfer);
    expect(first.nonce).to.equal(0);
    expect((await first.wait())!.status).to.equal(1);

    pipeline.increment(); // nonce 1 is never sent
    const stranded = await pipeline.sendTransaction(transfer);
    expect(stranded.nonce).to.equal(2);
    expect(await queued()).to.deep.equal([2]);
    await provider.send("anvil_setNonce", [wallet.address, toBeHex(2)]);
    expect(await provider.getTransactionCount(wallet.address, "latest")).to.equal(2);
    // Stranded: at the account's next nonce, and anvil does not mine it by itself.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await queued()).to.deep.equal([2]);
    expect(await provider.getTransactionReceipt(stranded.hash)).to.equal(null);

    const receipt = await pipeline.watch(() => stranded.wait());
    expect(receipt!.status).to.equal(1);
    expect(receipt!.hash).to.equal(stranded.hash);
    expect(pipeline.resent).to.equal(1);
    expect(lines).to.deep.equal(["anvil stranded 1 transactions from nonce 2; dropping and re-sending them"]);
    expect(await queued()).to.deep.equal([]);
  });

  it("leaves a real nonce gap alone", async function () {
    const pipeline = new PipelineSigner(wallet);
    const next = await provider.getTransactionCount(wallet.address, "latest");
    pipeline.increment(); // the next nonce is skipped: a real gap
    const waiting = await pipeline.sendTransaction(transfer);
    expect(waiting.nonce).to.equal(next + 1);
    // Three checks of the pool, none of which may re-send.
    await pipeline.watch(() => new Promise((resolve) => setTimeout(resolve, 3_500)));
    expect(pipeline.resent).to.equal(0);
    expect(await queued()).to.deep.equal([next + 1]);
    // Filling the gap mines both.
    const filler = await wallet.sendTransaction({ ...transfer, nonce: next });
    await filler.wait();
    expect((await waiting.wait())!.status).to.equal(1);
  });
});
