import { expect } from "chai";
import { AbiCoder, id, Interface } from "ethers";
import { network } from "hardhat";

import { recommend } from "../../src/actions/recommend.js";
import { setEntryCriteria } from "../../src/actions/setEntryCriteria.js";
import { CaseState, Level, Role, VoteType } from "../../src/constants.js";
import { describeError } from "../../src/errors.js";
import { toFixed } from "../../src/fixedPoint.js";
import { community, ratingOf } from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function deployed() {
  return community(connection);
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

async function sent(promise: Promise<{ wait(): Promise<unknown> }>) {
  return (await promise).wait();
}

function rawMessageOf(error: unknown): string {
  const { shortMessage, message } = error as { shortMessage?: string; message: string };
  return shortMessage ?? message;
}

describe("describeError", () => {
  it("decodes a registry error with its arguments", async () => {
    const { registry, ledger, manager, governance, alpha, gammaId } = await networkHelpers.loadFixture(deployed);
    await setEntryCriteria({ registry, governance, criteria: { minRecommendations: 2n, minPreTrust: toFixed("0.3") } });
    await recommend({ registry, signer: alpha, candidateId: gammaId, score: toFixed("0.9") });
    const error = await failureOf(sent(registry.connect(governance).activate(gammaId, Level.High, Level.High)));
    expect(describeError(error, [registry, ledger, manager])).to.equal(
      `EntityRegistryEntryCriteriaNotMet(orgId: ${gammaId}, criterion: "recommendations", actual: 1, required: 2)`,
    );
  });

  it("decodes bytes arguments as hex", async () => {
    const { registry, spare } = await networkHelpers.loadFixture(deployed);
    const error = await failureOf(sent(registry.connect(spare).requestJoin(id("x"), "0x6465", id("p"), "ipfs://p")));
    expect(describeError(error, [registry])).to.equal("EntityRegistryInvalidCountryCode(code: 0x6465)");
  });

  it("decodes a ledger error against the interface that knows it, whatever the order", async () => {
    const { registry, ledger, governance, alphaId } = await networkHelpers.loadFixture(deployed);
    const rating = ratingOf(alphaId, "twice", ["1", "1", "1", "1"]);
    await sent(ledger.connect(governance).rate(rating));
    const error = await failureOf(sent(ledger.connect(governance).rate(rating)));
    expect(describeError(error, [registry, ledger])).to.equal(
      `TrustLedgerAlreadyRated(orgId: ${alphaId}, contributionId: ${rating.contributionId}, raterOrgId: 0)`,
    );
  });

  it("decodes a PenaltyCases error with its enum arguments named", async () => {
    const { registry, ledger, manager, penalty, alpha, betaId } = await networkHelpers.loadFixture(deployed);
    await sent(penalty.connect(alpha).flag(betaId, 1, id("evidence")));
    const error = await failureOf(sent(penalty.connect(alpha).castVote(1n, VoteType.Expel)));
    expect(describeError(error, [registry, ledger, manager, penalty])).to.equal(
      `PenaltyCasesUnexpectedState(caseId: 1, current: Pending (${CaseState.Pending}), expected: Active (${CaseState.Active}))`,
    );
    // Without the penalty contract's interface the selector is unknown: the raw message.
    expect(describeError(error, [registry, ledger, manager])).to.equal(rawMessageOf(error));
  });

  it("decodes AccessManagedUnauthorized from a restricted function", async () => {
    const { registry, ledger, manager, outsider, gammaId } = await networkHelpers.loadFixture(deployed);
    const error = await failureOf(sent(registry.connect(outsider).reject(gammaId, id("no"))));
    expect(describeError(error, [registry, ledger, manager])).to.equal(
      `AccessManagedUnauthorized(caller: ${outsider.address})`,
    );
  });

  it("decodes the AccessManager's own errors", async () => {
    const { registry, ledger, manager, outsider } = await networkHelpers.loadFixture(deployed);
    const error = await failureOf(sent(manager.connect(outsider).grantRole(Role.ASSESSOR, outsider.address, 0)));
    expect(describeError(error, [registry, ledger, manager])).to.equal(
      `AccessManagerUnauthorizedAccount(msgsender: ${outsider.address}, roleId: ${Role.ADMIN})`,
    );
  });

  describe("falls back to the raw message", () => {
    it("for a revert with a selector none of the interfaces knows", async () => {
      const { registry, ledger, governance, alphaId } = await networkHelpers.loadFixture(deployed);
      const rating = ratingOf(alphaId, "twice", ["1", "1", "1", "1"]);
      await sent(ledger.connect(governance).rate(rating));
      const error = await failureOf(sent(ledger.connect(governance).rate(rating)));
      const described = describeError(error, [registry]);
      expect(described).to.equal(rawMessageOf(error));
      expect(described).to.not.match(/^TrustLedgerAlreadyRated\(/);
    });

    it("for a revert without data", async () => {
      const { registry, ledger, manager, outsider } = await networkHelpers.loadFixture(deployed);
      // No function has this selector and the proxy has no fallback: an empty revert.
      const error = await failureOf(
        sent(outsider.sendTransaction({ to: await registry.getAddress(), data: "0xdeadbeef", gasLimit: 100_000 })),
      );
      expect(describeError(error, [registry, ledger, manager])).to.equal(rawMessageOf(error));
    });

    it("for Error(string) and Panic(uint256) revert data", () => {
      const coder = AbiCoder.defaultAbiCoder();
      const iface = new Interface(["error Custom(uint256 value)"]);
      const errorString = {
        data: `0x08c379a0${coder.encode(["string"], ["nope"]).slice(2)}`,
        message: "reverted: nope",
      };
      const panic = { data: `0x4e487b71${coder.encode(["uint256"], [0x11]).slice(2)}`, shortMessage: "panic 0x11" };
      expect(describeError(errorString, [iface])).to.equal("reverted: nope");
      expect(describeError(panic, [iface])).to.equal("panic 0x11");
      const custom = { data: iface.encodeErrorResult("Custom", [7]), message: "raw" };
      expect(describeError(custom, [iface])).to.equal("Custom(value: 7)");
    });

    it("for an error that is not a revert, and for a thrown non-error", () => {
      expect(describeError(new Error("connection refused"), [])).to.equal("connection refused");
      expect(describeError("plain text", [])).to.equal("plain text");
    });
  });
});
