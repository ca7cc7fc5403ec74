/**
 * The fixed scenario behind the gas snapshot and the benchmark: deploys the suite with the Ignition module
 * (default parameters) on a connection and runs every operation once in a fixed order, so that the figures are
 * deterministic (same accounts, nonces and blocks on every run). Each measured transaction is checked for the
 * event that proves it did its job, so a figure never silently measures a no-op; its receipt is kept for
 * analyses of the state it wrote (scripts/bench/stateGrowth.ts).
 */
import type { ContractTransactionResponse, Interface, TransactionReceipt } from "ethers";
import { id } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import CredenceModule from "../../deploy/modules/Credence.js";
import { Level, ONE, Role, Status, VoteType } from "../../src/constants.js";
import { signVote } from "../../src/actions/signVote.js";
import { defaultTrustParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type {
  CredenceAccessManager,
  EntityRegistry,
  PenaltyCases,
  TrustLedger,
  ValidatorSet,
} from "../../types/index.js";
import type { GasSnapshot } from "./gasSnapshot.js";

/** The batch sizes whose per-rating cost is measured. */
export const BATCH_SIZES = [10, 100] as const;
/** IValidatorSet.Action.Remove */
const ACTION_REMOVE = 2;

export interface ScenarioResult {
  /** Gas of each measured operation, by name. */
  gas: GasSnapshot;
  /** The receipt of each measured transaction, by the same names. */
  receipts: Record<string, TransactionReceipt>;
  contracts: { manager: CredenceAccessManager; ledger: TrustLedger; registry: EntityRegistry; cases: PenaltyCases };
}

/** Deploys the suite on `connection` and runs the fixed scenario; returns the gas and receipt of each measured operation. */
export async function runGasScenario(connection: NetworkConnection<"generic">): Promise<ScenarioResult> {
  const { ethers, ignition, networkHelpers } = connection;
  const [governance, alpha, beta, gamma, delta, alphaSecond, alphaThird, penalty] = await ethers.getSigners();
  const deployed = await ignition.deploy(CredenceModule);
  const at = async <T>(name: string, contract: { getAddress(): Promise<string> }) =>
    (await ethers.getContractAt(name, await contract.getAddress())) as unknown as T;
  const manager = await at<CredenceAccessManager>("CredenceAccessManager", deployed.manager);
  const ledger = await at<TrustLedger>("TrustLedger", deployed.ledger);
  const registry = await at<EntityRegistry>("EntityRegistry", deployed.registry);
  const cases = await at<PenaltyCases>("PenaltyCases", deployed.penalty);

  const gas: GasSnapshot = {};
  const receipts: Record<string, TransactionReceipt> = {};
  /** Sends, waits, checks that `event` was emitted by `contract`, and records gasUsed under `name`. */
  const record = async (
    name: string,
    sent: Promise<ContractTransactionResponse>,
    contract: { interface: Interface },
    event: string,
    times = 1,
  ): Promise<TransactionReceipt> => {
    const receipt = (await (await sent).wait())!;
    const emitted = receipt.logs.filter((log) => contract.interface.parseLog(log)?.name === event).length;
    if (emitted !== times) throw new Error(`${name}: expected ${times} ${event} event(s), got ${emitted}`);
    gas[name] = Number(receipt.gasUsed);
    receipts[name] = receipt;
    return receipt;
  };
  const profile = (label: string) => [id(`profile:${label}`), `ipfs://profile/${label}`] as const;
  const scores = { quality: toFixed("0.9"), quantity: toFixed("0.8"), integrity: toFixed("0.9"), intent: ONE };

  // Founders: alpha (measured request) and beta, activated without recommendations (default criteria).
  await record(
    "EntityRegistry.requestJoin",
    registry.connect(alpha).requestJoin(id("identity:alpha"), countryCode("DE"), ...profile("alpha")),
    registry,
    "JoinRequested",
  );
  await registry.connect(beta).requestJoin(id("identity:beta"), countryCode("NL"), ...profile("beta"));
  const alphaId = await registry.organizationOf(alpha.address);
  const betaId = await registry.organizationOf(beta.address);
  await registry.connect(governance).activate(alphaId, Level.High, Level.High);
  await registry.connect(governance).activate(betaId, Level.High, Level.High);

  // A candidate submitted by the platform, recommended by both founders, then activated.
  const [gammaProfileHash, gammaProfileURI] = profile("gamma");
  await record(
    "EntityRegistry.requestJoinFor",
    registry.connect(governance).requestJoinFor({
      identityHash: id("identity:gamma"),
      country: countryCode("FR"),
      admin: gamma.address,
      profileHash: gammaProfileHash,
      profileURI: gammaProfileURI,
    }),
    registry,
    "JoinRequested",
  );
  const gammaId = await registry.organizationOf(gamma.address);
  await record(
    "EntityRegistry.recommend",
    registry.connect(alpha).recommend(gammaId, toFixed("0.8")),
    registry,
    "RecommendationMade",
  );
  await registry.connect(beta).recommend(gammaId, toFixed("0.9"));
  await record(
    "EntityRegistry.activate (2 recommendations)",
    registry.connect(governance).activate(gammaId, Level.High, Level.Medium),
    registry,
    "OrganizationActivated",
  );

  // A rejected candidate.
  await registry.connect(delta).requestJoin(id("identity:delta"), countryCode("GB"), ...profile("delta"));
  await record(
    "EntityRegistry.reject",
    registry.connect(governance).reject(await registry.organizationOf(delta.address), id("reason:delta")),
    registry,
    "OrganizationRejected",
  );

  // Member accounts and the profile record of alpha.
  await record(
    "EntityRegistry.addMember",
    registry.connect(alpha).addMember(alphaId, alphaSecond.address),
    registry,
    "MemberAdded",
  );
  await registry.connect(alpha).addMember(alphaId, alphaThird.address);
  await record(
    "EntityRegistry.removeMember",
    registry.connect(alpha).removeMember(alphaId, alphaThird.address),
    registry,
    "MemberRemoved",
  );
  await record(
    "EntityRegistry.transferAdmin",
    registry.connect(alpha).transferAdmin(alphaId, alphaSecond.address),
    registry,
    "AdminTransferred",
  );
  await record(
    "EntityRegistry.setProfile (edit)",
    registry.connect(alphaSecond).setProfile(alphaId, ...profile("alpha-v2")),
    registry,
    "ProfileRecordChanged",
  );
  await record(
    "EntityRegistry.deleteProfile",
    registry.connect(alphaSecond).deleteProfile(alphaId),
    registry,
    "ProfileRecordChanged",
  );

  // Ratings: one by the platform, a batch by the platform, one by a peer of the platform-rated contribution.
  const rating = (orgId: bigint, label: string) => ({
    orgId,
    contributionId: id(`contribution:${label}`),
    scores,
    evidenceHash: id(`evidence:${label}`),
  });
  // The founders first build a record: their probation's platform ratings (not measured), so that the ratings
  // measured below move trust as a member's with a record does, not held at the initial cap. One transaction
  // each: an even number of checkpoints, so the ratings measured below open a new history slot, as before.
  const probation = Number((await ledger.parameters()).probationRatings);
  for (const orgId of [alphaId, betaId]) {
    for (let i = 0; i < probation; i++) {
      await (await ledger.connect(governance).rate(rating(orgId, `record-${orgId}-${i}`))).wait();
    }
  }
  await record(
    "TrustLedger.rate",
    ledger.connect(governance).rate(rating(alphaId, "alpha-1")),
    ledger,
    "ContributionRated",
  );
  const recordBatch = async (size: number, label: string) => {
    const batch = Array.from({ length: size }, (_, i) => rating(betaId, `${label}-${i}`));
    const receipt = await record(
      `TrustLedger.rateBatch (${size} ratings)`,
      ledger.connect(governance).rateBatch(batch),
      ledger,
      "ContributionRated",
      size,
    );
    gas[`TrustLedger.rateBatch (per rating, of ${size})`] = Math.round(Number(receipt.gasUsed) / size);
  };
  await recordBatch(BATCH_SIZES[0], "beta");
  await record(
    "TrustLedger.peerRate",
    // Peers rate only contributions the platform rated: the same contribution the platform rated above.
    ledger.connect(gamma).peerRate(rating(alphaId, "alpha-1")),
    ledger,
    "ContributionRated",
  );

  // Decay: beta's trust is above the baseline after the batch; 1000 blocks later its decay is written.
  await networkHelpers.mine(1000);
  await record("TrustLedger.applyDecay", ledger.applyDecay(betaId), ledger, "TrustChanged");

  // Expulsion by a PENALTY holder.
  await manager.connect(governance).grantRole(Role.PENALTY, penalty.address, 0);
  await record(
    "EntityRegistry.expel",
    registry.connect(penalty).expel(gammaId, id("case:gamma")),
    registry,
    "OrganizationExpelled",
  );
  if ((await registry.statusOf(gammaId)) !== BigInt(Status.Expelled)) throw new Error("expel: gamma not expelled");

  // Governance.
  await record(
    "TrustLedger.setParameters",
    ledger.connect(governance).setParameters({ ...defaultTrustParameters, gainRate: toFixed("0.12") }),
    ledger,
    "TrustParametersUpdated",
  );
  await record(
    "EntityRegistry.setCountry",
    registry.connect(governance).setCountry(countryCode("AT"), {
      dataPrivacy: toFixed("0.85"),
      copyright: toFixed("0.80"),
      cybercrime: toFixed("0.25"),
      listed: true,
      excluded: false,
    }),
    registry,
    "CountryUpdated",
  );

  // Penalty cases (default parameters; governance is the ratifier). Three more organizations join: epsilon,
  // recommended by alpha and beta (so they are liable), zeta and eta.
  const [epsilon, zeta, eta] = (await ethers.getSigners()).slice(8, 11);
  for (const [signer, label] of [
    [epsilon, "epsilon"],
    [zeta, "zeta"],
    [eta, "eta"],
  ] as const) {
    await registry.connect(signer).requestJoin(id(`identity:${label}`), countryCode("CH"), ...profile(label));
  }
  const [epsilonId, zetaId, etaId] = await Promise.all(
    [epsilon, zeta, eta].map((signer) => registry.organizationOf(signer.address)),
  );
  await registry.connect(alpha).recommend(epsilonId, toFixed("0.8"));
  await registry.connect(beta).recommend(epsilonId, toFixed("0.8"));
  for (const orgId of [epsilonId, zetaId, etaId]) {
    await registry.connect(governance).activate(orgId, Level.High, Level.High);
  }
  const parameters = await cases.parameters();
  const caseIdOf = async (receipt: TransactionReceipt) =>
    cases.interface.parseLog(receipt.logs.find((log) => cases.interface.parseLog(log)?.name === "CaseOpened")!)!.args
      .caseId as bigint;

  // Case 1: alpha flags epsilon; beta votes, zeta's signed vote is relayed, eta votes; finalize; ratified.
  const first = await caseIdOf(
    await record(
      "PenaltyCases.flag",
      cases.connect(alpha).flag(epsilonId, 1, id("evidence:epsilon")),
      cases,
      "CaseOpened",
    ),
  );
  await networkHelpers.mine(Number(parameters.votingDelay) + 1);
  await record("PenaltyCases.castVote", cases.connect(beta).castVote(first, VoteType.Expel), cases, "VoteCast");
  // A fixed deadline (far in the future): a clock-derived one would change the signature, hence its calldata gas.
  const deadline = 2n ** 40n;
  const { signature } = await signVote({
    penalty: cases,
    voter: zeta,
    caseId: first,
    support: VoteType.Expel,
    deadline,
  });
  await record(
    "PenaltyCases.castVoteBySig",
    cases.connect(governance).castVoteBySig(first, VoteType.Expel, zeta.address, deadline, signature),
    cases,
    "VoteCast",
  );
  // The case's third vote: its tallies are non-zero already (the first vote's figure includes setting one).
  await record(
    "PenaltyCases.castVote (later vote)",
    cases.connect(eta).castVote(first, VoteType.Expel),
    cases,
    "VoteCast",
  );
  await networkHelpers.mine(Number(parameters.votingPeriod));
  await record("PenaltyCases.finalize", cases.finalize(first), cases, "CaseFinalized");
  await record(
    "PenaltyCases.ratify (expel)",
    cases.connect(governance).ratify(first, true, id("ratified:epsilon")),
    cases,
    "CaseResolved",
  );
  await record("PenaltyCases.applyLiability", cases.applyLiability(first, alphaId), cases, "LiabilityApplied");

  // Case 2: beta flags zeta; the community keeps it; the ratifier is silent; anyone executes (misuse inquiry).
  const flagged = await (await cases.connect(beta).flag(zetaId, 2, id("evidence:zeta"))).wait();
  const second = await caseIdOf(flagged!);
  await networkHelpers.mine(Number(parameters.votingDelay) + 1);
  await cases.connect(alpha).castVote(second, VoteType.Keep);
  await cases.connect(eta).castVote(second, VoteType.Keep);
  await networkHelpers.mine(Number(parameters.votingPeriod) + Number(parameters.ratificationWindow) + 1);
  await record("PenaltyCases.execute (dismiss)", cases.execute(second), cases, "CaseResolved");

  // ValidatorSet, last so that the figures above keep their blocks and nonces. Four authorities (3 votes pass),
  // accounts of organizations as binding requires: zeta's and beta's are Active, alpha's too (alpha is still a
  // member account after handing the admin role to alphaSecond), gamma's was expelled above.
  const validators = (await ethers.deployContract("ValidatorSet", [
    [zeta.address, alpha.address, beta.address, gamma.address],
    2,
  ])) as unknown as ValidatorSet;
  await record(
    "ValidatorSet.voteToAdd (vote)",
    validators.connect(zeta).voteToAdd(delta.address),
    validators,
    "VoteCast",
  );
  await validators.connect(alpha).voteToAdd(delta.address);
  await record(
    "ValidatorSet.voteToAdd (executing)",
    validators.connect(beta).voteToAdd(delta.address),
    validators,
    "AuthorityAdded",
  );
  // Five authorities now: 4 votes pass.
  await validators.connect(zeta).voteToRemove(delta.address);
  await record(
    "ValidatorSet.withdrawVote",
    validators.connect(zeta).withdrawVote(ACTION_REMOVE, delta.address, 0),
    validators,
    "VoteWithdrawn",
  );
  for (const voter of [zeta, alpha, beta]) await validators.connect(voter).voteToRemove(delta.address);
  await record(
    "ValidatorSet.voteToRemove (executing)",
    validators.connect(gamma).voteToRemove(delta.address),
    validators,
    "AuthorityRemoved",
  );
  // Under the private initial cap (0.40 by default), so that the founders qualify from their activation.
  const minTrust = toFixed("0.3");
  for (const voter of [zeta, alpha]) await validators.connect(voter).voteToBind(registry, minTrust);
  await record(
    "ValidatorSet.voteToBind (executing)",
    validators.connect(beta).voteToBind(registry, minTrust),
    validators,
    "Bound",
  );
  if ((await ledger.trustOf(alphaId)) < minTrust) throw new Error("ValidatorSet: alpha is under the threshold");
  // Bound: every vote now checks that its voter acts for an Active organization.
  for (const voter of [zeta, alpha]) await validators.connect(voter).voteToAdd(alphaSecond.address);
  await record(
    "ValidatorSet.voteToAdd (executing, bound)",
    validators.connect(beta).voteToAdd(alphaSecond.address),
    validators,
    "AuthorityAdded",
  );
  // Anyone removes gamma, whose organization was expelled.
  await record(
    "ValidatorSet.removeInactive",
    validators.connect(eta).removeInactive(gamma.address),
    validators,
    "AuthorityRemoved",
  );
  if (await validators.isAuthority(gamma.address)) throw new Error("removeInactive: gamma still an authority");

  // Added after the ValidatorSet so that every figure above keeps its block and nonces.
  // A batch of 100 ratings (beta is Active).
  await recordBatch(BATCH_SIZES[1], "beta-hundred");
  // Case 3: alpha flags eta; beta and zeta vote Expel; the ratifier is silent; anyone executes the expulsion.
  const third = await caseIdOf((await (await cases.connect(alpha).flag(etaId, 1, id("evidence:eta"))).wait())!);
  await networkHelpers.mine(Number(parameters.votingDelay) + 1);
  await cases.connect(beta).castVote(third, VoteType.Expel);
  await cases.connect(zeta).castVote(third, VoteType.Expel);
  await networkHelpers.mine(Number(parameters.votingPeriod) + Number(parameters.ratificationWindow) + 1);
  await record("PenaltyCases.execute (expel)", cases.execute(third), cases, "CaseResolved");
  if ((await registry.statusOf(etaId)) !== BigInt(Status.Expelled)) throw new Error("execute: eta not expelled");
  return { gas, receipts, contracts: { manager, ledger, registry, cases } };
}
