/**
 * The suite as a viem front-end sees it: typed reads, writes from a member's wallet, decoded events and custom
 * errors. The ethers tests cover behaviour; these show the viem path (hardhat-viem) works end to end.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, keccak256, toHex, type Address } from "viem";

import { Level, Status } from "../../src/constants.js";
import { countryCode } from "../../src/fixedPoint.js";
import { deploySuite } from "../helpers/fixtures.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

async function suiteThroughViem() {
  const { ledger, registry } = await deploySuite(connection);
  const [governance, founder, candidate] = await viem.getWalletClients();
  return {
    governance,
    founder,
    candidate,
    ledger: await viem.getContractAt("TrustLedger", (await ledger.getAddress()) as Address),
    registry: await viem.getContractAt("EntityRegistry", (await registry.getAddress()) as Address),
    publicClient: await viem.getPublicClient(),
  };
}

describe("TrustLedger and EntityRegistry through viem", () => {
  it("joins, activates and reads trust with typed calls and decoded events", async () => {
    const { governance, founder, ledger, registry, publicClient } = await networkHelpers.loadFixture(suiteThroughViem);
    const identity = keccak256(toHex("viem-founder"));
    const hash = await registry.write.requestJoin(
      [identity, countryCode("DE"), keccak256(toHex("profile")), "ipfs://viem-founder"],
      { account: founder.account },
    );
    await publicClient.waitForTransactionReceipt({ hash });
    const orgId = await registry.read.organizationOf([founder.account.address]);
    expect(orgId).to.equal(1n);

    const activation = await registry.write.activate([orgId, Level.High, Level.Medium], {
      account: governance.account,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash: activation });
    const [activated] = await registry.getEvents.OrganizationActivated(
      { orgId },
      { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber },
    );
    expect(activated.args.orgId).to.equal(orgId);
    expect(activated.args.initialTrust).to.equal((await registry.read.organization([orgId])).initialTrust);
    expect(await registry.read.statusOf([orgId])).to.equal(Status.Active);

    // Read in the activation block itself: no decay yet, so the view equals the recorded value.
    const [recorded, updatedAt] = await ledger.read.recordedTrustOf([orgId]);
    expect(updatedAt).to.equal(receipt.blockNumber);
    expect(recorded).to.equal(activated.args.initialTrust);
    expect(await ledger.read.trustAt([orgId, receipt.blockNumber - 1n])).to.equal(0n);
  });

  it("surfaces a custom error with its name and arguments", async () => {
    const { founder, candidate, registry } = await networkHelpers.loadFixture(suiteThroughViem);
    const identity = keccak256(toHex("viem-duplicate"));
    const profile = keccak256(toHex("profile"));
    await registry.write.requestJoin([identity, countryCode("DE"), profile, "ipfs://a"], {
      account: founder.account,
    });
    let revert: ContractFunctionRevertedError | undefined;
    try {
      await registry.simulate.requestJoin([identity, countryCode("FR"), profile, "ipfs://b"], {
        account: candidate.account.address,
      });
    } catch (error) {
      const found = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      revert = found as ContractFunctionRevertedError | undefined;
    }
    expect(revert, "the call must revert with a decoded custom error").to.not.equal(undefined);
    expect(revert!.data?.errorName).to.equal("EntityRegistryDuplicateIdentity");
    expect(revert!.data?.args).to.deep.equal([identity, 1n]);
  });
});
