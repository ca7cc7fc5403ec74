import { expect } from "chai";
import { id, TypedDataEncoder, verifyTypedData, Wallet } from "ethers";
import { network } from "hardhat";

import { BALLOT_TYPES, DEFAULT_BALLOT_LIFETIME, signVote } from "../../src/actions/signVote.js";
import { VoteType } from "../../src/constants.js";
import { PenaltyCases__factory } from "../../types/index.js";
import { tribunal } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function deployed() {
  return tribunal(connection);
}

describe("signVote", () => {
  it("signs the ballot in the penalty proxy's EIP-712 domain with the voter's current nonce", async () => {
    const { penalty, officer } = await networkHelpers.loadFixture(deployed);
    const offline = new Wallet(officer.privateKey); // no provider: it can only sign
    const signed = await signVote({ penalty, voter: offline, caseId: 3n, support: VoteType.Expel });
    // eip712Domain's outputs are unnamed (ERC-5267 order): fields, name, version, chainId, verifyingContract, ...
    const [, name, version, chainId, verifyingContract] = await penalty.eip712Domain();
    expect(signed.domain).to.deep.equal({ name, version, chainId, verifyingContract });
    expect(name).to.equal("Credence PenaltyCases");
    expect(signed.domain.verifyingContract).to.equal(await penalty.getAddress());
    const latest = await ethers.provider.getBlock("latest");
    expect(signed.ballot).to.deep.equal({
      caseId: 3n,
      support: VoteType.Expel,
      voter: officer.address,
      nonce: await penalty.nonces(officer.address),
      deadline: BigInt(latest!.timestamp) + DEFAULT_BALLOT_LIFETIME,
    });
    expect(verifyTypedData(signed.domain, BALLOT_TYPES, signed.ballot, signed.signature)).to.equal(officer.address);
    expect(signed.digest).to.equal(TypedDataEncoder.hash(signed.domain, BALLOT_TYPES, signed.ballot));
  });

  it("uses the contract's ballot type", async () => {
    const { penalty } = await networkHelpers.loadFixture(deployed);
    const encoded = TypedDataEncoder.from(BALLOT_TYPES).encodeType("Ballot");
    expect(id(encoded)).to.equal(await penalty.BALLOT_TYPEHASH());
  });

  it("needs no chain when the nonce, deadline and chain id are given", async () => {
    const { penalty, officer } = await networkHelpers.loadFixture(deployed);
    const address = await penalty.getAddress();
    const detached = PenaltyCases__factory.connect(address); // no runner, no provider
    const offline = new Wallet(officer.privateKey);
    const given = { nonce: 5n, deadline: 1_000n, chainId: 31337n };
    const signed = await signVote({ penalty: detached, voter: offline, caseId: 1n, support: VoteType.Keep, ...given });
    expect(signed.ballot).to.deep.include({ nonce: 5n, deadline: 1_000n });
    expect(signed.domain.chainId).to.equal(31337n);
    expect(verifyTypedData(signed.domain, BALLOT_TYPES, signed.ballot, signed.signature)).to.equal(officer.address);
  });

  describe("throws", () => {
    it("when a value must be read from the chain and the penalty contract has no provider", async () => {
      const { penalty, officer } = await networkHelpers.loadFixture(deployed);
      const detached = PenaltyCases__factory.connect(await penalty.getAddress());
      await expect(
        signVote({ penalty: detached, voter: new Wallet(officer.privateKey), caseId: 1n, support: VoteType.Keep }),
      ).to.be.rejectedWith("signVote needs a penalty contract connected to a provider");
    });
  });
});
