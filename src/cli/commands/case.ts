import type { Command } from "commander";
import { PenaltyCases__factory } from "../../../types/factories/penalty/PenaltyCases__factory.js";

import { applyLiability, type ApplyLiabilityReturnType } from "../../actions/applyLiability.js";
import { castVote, type CastVoteReturnType } from "../../actions/castVote.js";
import type { DecodeResolutionReturnType } from "../../actions/decodeResolution.js";
import { execute } from "../../actions/execute.js";
import { finalize, type FinalizeReturnType } from "../../actions/finalize.js";
import { flag, type FlagReturnType } from "../../actions/flag.js";
import { getCase, type GetCaseReturnType } from "../../actions/getCase.js";
import { ratify } from "../../actions/ratify.js";
import { relayVote, type RelayVoteReturnType } from "../../actions/relayVote.js";
import { DEFAULT_BALLOT_LIFETIME, signVote } from "../../actions/signVote.js";
import type { TransactionInfo } from "../../actions/waitForReceipt.js";
import { CaseState, VoteType, enumName } from "../../constants.js";
import { readBallotFile, toBallotFile } from "../ballotFile.js";
import { writeNewFile } from "../files.js";
import { type GlobalOptions, connect, openWallet, readDeployment } from "../context.js";
import { CliError, ExitCode, usageError } from "../errors.js";
import { hashOrText, parseAddress, parseId, parseUint } from "../input.js";
import { parseOrganization, resolveOrganization } from "../organizations.js";
import { blockOrDash, fixed, output, renderFields } from "../output.js";
import { openSession, requireRole, transactionFields } from "../transact.js";

function renderCase(c: GetCaseReturnType): string {
  return renderFields([
    ["case", String(c.caseId)],
    ["state", c.state],
    ["accused", String(c.accusedId)],
    ["reporter", c.reporterId === 0n ? `platform (${c.reporter})` : `${c.reporterId} (${c.reporter})`],
    ["reason code", String(c.reasonCode)],
    ["evidence hash", c.evidenceHash],
    ["snapshot block", String(c.snapshot)],
    ["voting", `blocks ${c.voteStart} to ${c.voteEnd}`],
    ["ratification deadline", `block ${c.ratificationDeadline}`],
    ["bond", fixed(c.bond)],
    ["quorum", fixed(c.quorum)],
    ["expel weight", fixed(c.expelWeight)],
    ["keep weight", fixed(c.keepWeight)],
    ["abstain weight", fixed(c.abstainWeight)],
    ["cast weight", fixed(c.castWeight)],
    ["expel share", fixed(c.expelShare)],
    ["expel threshold", fixed(c.expelThreshold)],
    ["misuse threshold", fixed(c.misuseThreshold)],
    ["vote outcome", c.voteOutcome ?? "- (voting not over)"],
    ["finalized", c.finalized ? "yes" : "no"],
    ["ratified", c.ratified ? "yes" : "no"],
    ["resolved at block", blockOrDash(c.resolvedAt)],
    ["read at block", String(c.blockNumber)],
  ]);
}

/** A vote's choice: keep, expel or abstain (any case), as VoteType. */
function parseSupport(value: string): number {
  const name = Object.keys(VoteType).find((key) => key.toLowerCase() === value.toLowerCase());
  if (name === undefined) throw usageError(`the vote must be expel, keep or abstain, not "${value}"`);
  return VoteType[name as keyof typeof VoteType];
}

function renderVote(r: CastVoteReturnType | RelayVoteReturnType): string {
  return renderFields([
    ["case", String(r.caseId)],
    ["vote", r.support],
    ["organization", String(r.voterOrgId)],
    ["voter", r.voter],
    ...("relayer" in r ? [["relayed by", r.relayer] as [string, string]] : []),
    ["weight (trust at snapshot)", fixed(r.weight)],
    ...transactionFields(r),
  ]);
}

function renderOutcome(r: FinalizeReturnType): string {
  return renderFields([
    ["case", String(r.caseId)],
    ["outcome", `${r.outcome} (${r.outcome === "Succeeded" ? "the vote says expel" : "the vote says keep"})`],
    ["expel weight", fixed(r.expelWeight)],
    ["keep weight", fixed(r.keepWeight)],
    ["abstain weight", fixed(r.abstainWeight)],
    ["quorum", fixed(r.quorum)],
    ...transactionFields(r),
  ]);
}

function renderResolution(
  r: DecodeResolutionReturnType & TransactionInfo & { overturned?: boolean; executor?: string },
): string {
  return renderFields([
    ["case", String(r.caseId)],
    ["accused", String(r.accusedId)],
    ["resolution", `${r.resolution} (${r.expelled ? "expelled" : "kept"})`],
    [
      "decided by",
      r.ratified ? `the ratifier${r.overturned ? ", overturning the vote" : ""}` : "the vote, after the deadline",
    ],
    ["bond released", r.bondReleased === undefined ? "-" : fixed(r.bondReleased)],
    [
      "bond forfeited",
      r.bondForfeited === undefined
        ? "-"
        : `${fixed(r.bondForfeited.amount)} (expel share ${fixed(r.bondForfeited.expelShare)})`,
    ],
    [
      "reporter misuse",
      r.misuse === undefined
        ? "-"
        : `organization ${r.misuse.reporterId}: ${r.misuse.misuses} misuse(s)` +
          (r.misuse.barredUntil === 0n ? "" : `, barred until block ${r.misuse.barredUntil}`),
    ],
    ...transactionFields(r),
  ]);
}

interface SignVoteOptions {
  out: string;
  offline?: boolean;
  nonce?: string;
  deadline?: string;
  validFor?: string;
  account?: string;
}

/** `credence case show | nonce | flag | vote | sign-vote | relay | finalize | ratify | execute | apply-liability`. */
export function registerCaseCommands(program: Command): void {
  const cases = program.command("case").description("penalty cases: read, flag, vote (or sign and relay), resolve");

  cases
    .command("show")
    .description("a penalty case: state, tallies, deadlines, bond")
    .argument("<case>", "case id")
    .action(async (value: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const chain = await connect(globals);
      // An unknown id reverts with PenaltyCasesUnknownCase(caseId), which the error handler decodes.
      output(globals, await getCase({ penalty: chain.penalty, caseId }), renderCase);
    });

  cases
    .command("nonce")
    .description("an account's ballot nonce: what an offline sign-vote needs as --nonce")
    .argument("<account>", "the voter's member account")
    .action(async (value: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const account = parseAddress(value, "the account");
      const chain = await connect(globals);
      const nonce = await chain.penalty.nonces(account);
      output(globals, { account, nonce }, (r) =>
        renderFields([
          ["account", r.account],
          ["nonce", String(r.nonce)],
        ]),
      );
    });

  cases
    .command("flag")
    .description("flag an Active organization for misconduct: a case opens, a bond is taken from your trust")
    .argument("<org>", "the accused: organization id or an account address bound to it")
    .requiredOption("--reason-code <n>", "the community's reason code (0-65535)")
    .requiredOption("--evidence <text>", "the evidence (hashed), or its 32-byte hash as 0x…")
    .action(async (value: string, options: { reasonCode: string; evidence: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value, "the accused");
      const reasonCode = parseUint(options.reasonCode, "--reason-code");
      if (reasonCode > 0xffffn) throw usageError(`--reason-code must be at most 65535, not ${reasonCode}`);
      const evidenceHash = hashOrText(options.evidence, "--evidence");
      const session = await openSession(globals);
      const accusedId = await resolveOrganization(session, ref);
      const result = await flag({
        penalty: session.penalty,
        signer: session.signer,
        accusedId,
        reasonCode: Number(reasonCode),
        evidenceHash,
      });
      output(globals, result, (r: FlagReturnType) =>
        renderFields([
          ["case", String(r.caseId)],
          ["accused", String(r.accusedId)],
          ["reporter", `${r.reporterId} (${r.reporter})`],
          ["reason code", String(r.reasonCode)],
          ["evidence hash", r.evidenceHash],
          ["snapshot block", String(r.snapshot)],
          ["voting", `blocks ${r.voteStart} to ${r.voteEnd}`],
          ["bond", fixed(r.bond)],
          ["quorum", fixed(r.quorum)],
          ...transactionFields(r),
        ]),
      );
    });

  cases
    .command("vote")
    .description("vote on a case for the wallet's organization, weighted by its trust at the snapshot")
    .argument("<case>", "case id")
    .argument("<vote>", "expel, keep or abstain")
    .action(async (value: string, vote: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const support = parseSupport(vote);
      const session = await openSession(globals);
      const result = await castVote({ penalty: session.penalty, signer: session.signer, caseId, support });
      output(globals, result, renderVote);
    });

  cases
    .command("sign-vote")
    .description("sign a ballot without sending it (no funds needed); anyone relays it with case relay")
    .argument("<case>", "case id")
    .argument("<vote>", "expel, keep or abstain")
    .requiredOption("--out <file>", "the ballot file to write (never overwritten)")
    .option("--offline", "do not contact a node: chain and contract from --deployment, --nonce required")
    .option("--nonce <n>", "the voter's ballot nonce (default: read from the node; see case nonce)")
    .option("--deadline <unix>", "Unix time (seconds) after which the ballot is void")
    .option("--valid-for <seconds>", `ballot lifetime when no --deadline (default ${DEFAULT_BALLOT_LIFETIME})`)
    .option("--account <address>", "the member account voting when it is a contract wallet the key signs for")
    .action(async (value: string, vote: string, options: SignVoteOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const support = parseSupport(vote);
      const nonce = options.nonce === undefined ? undefined : parseUint(options.nonce, "--nonce");
      const account = options.account === undefined ? undefined : parseAddress(options.account, "--account");
      let deadline = options.deadline === undefined ? undefined : parseUint(options.deadline, "--deadline");
      const validFor = options.validFor === undefined ? undefined : parseUint(options.validFor, "--valid-for");
      if (deadline !== undefined && validFor !== undefined) {
        throw usageError("pass --deadline or --valid-for, not both");
      }
      let chainId: bigint;
      let penalty;
      if (options.offline) {
        if (nonce === undefined) throw usageError("--offline needs --nonce (credence case nonce ACCOUNT tells it)");
        const file = globals.deployment ?? process.env.CREDENCE_DEPLOYMENT;
        if (file === undefined) throw usageError("--offline needs --deployment FILE (the chain id and contract)");
        const deployment = await readDeployment(file);
        chainId = deployment.chainId;
        // Wall-clock time stands in for the chain's: a Besu chain's block timestamps follow it.
        deadline ??= BigInt(Math.floor(Date.now() / 1000)) + (validFor ?? DEFAULT_BALLOT_LIFETIME);
        penalty = PenaltyCases__factory.connect(deployment.addresses.PenaltyCases);
      } else {
        const chain = await connect(globals);
        chainId = chain.chainId;
        penalty = chain.penalty;
        // An unknown case reverts (PenaltyCasesUnknownCase); a case whose voting is over is named here.
        const state = await penalty.state(caseId);
        if (state > BigInt(CaseState.Active)) {
          throw new CliError(`case ${caseId} is ${enumName(CaseState, state)}: its voting is over`, ExitCode.Failure);
        }
        if (deadline === undefined && validFor !== undefined) {
          deadline = BigInt((await chain.provider.getBlock("latest"))!.timestamp) + validFor;
        }
      }
      const wallet = await openWallet(globals);
      const signed = await signVote({ penalty, voter: wallet, caseId, support, account, deadline, nonce, chainId });
      const contents = toBallotFile(
        signed.ballot,
        signed.signature,
        chainId,
        await penalty.getAddress(),
        signed.digest,
      );
      await writeNewFile(options.out, JSON.stringify(contents, null, 2) + "\n", "a ballot");
      const { ballot } = signed;
      output(globals, { file: options.out, ...contents }, () =>
        renderFields([
          ["ballot file", options.out],
          ["case", String(ballot.caseId)],
          ["vote", enumName(VoteType, ballot.support)],
          ["voter", ballot.voter],
          ["nonce", String(ballot.nonce)],
          ["deadline", `${ballot.deadline} (${new Date(Number(ballot.deadline) * 1000).toISOString()})`],
          ["chain", String(chainId)],
          ["digest", signed.digest],
        ]),
      );
    });

  cases
    .command("relay")
    .description("submit a ballot file signed with sign-vote; the wallet pays, the vote counts for the signer")
    .argument("<file>", "the ballot file")
    .action(async (file: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const { ballot, signature, chainId, verifyingContract } = await readBallotFile(file);
      const session = await openSession(globals);
      const penaltyAddress = session.deployment.addresses.PenaltyCases;
      if (chainId !== session.chainId || verifyingContract !== penaltyAddress) {
        throw usageError(
          `ballot file ${file} is for PenaltyCases ${verifyingContract} on chain ${chainId}, ` +
            `not ${penaltyAddress} on chain ${session.chainId}`,
        );
      }
      // The contract checks the signature against the voter's current nonce, so a used ballot would revert with
      // PenaltyCasesInvalidSignature; saying why is clearer.
      const current = await session.penalty.nonces(ballot.voter);
      if (ballot.nonce !== current) {
        throw new CliError(
          ballot.nonce < current
            ? `ballot file ${file} was used already: its nonce is ${ballot.nonce}, ${ballot.voter}'s is now ${current}`
            : `ballot file ${file} has nonce ${ballot.nonce}, ahead of ${ballot.voter}'s ${current}: sign it again`,
          ExitCode.Failure,
        );
      }
      const result = await relayVote({ penalty: session.penalty, relayer: session.signer, ballot, signature });
      output(globals, result, renderVote);
    });

  cases
    .command("finalize")
    .description("record a case's vote outcome once voting has ended (anyone)")
    .argument("<case>", "case id")
    .action(async (value: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const session = await openSession(globals);
      output(globals, await finalize({ penalty: session.penalty, signer: session.signer, caseId }), renderOutcome);
    });

  cases
    .command("ratify")
    .description("confirm or overturn a case's vote within the ratification window (RATIFIER); the case ends")
    .argument("<case>", "case id")
    .option("--expel", "decide to expel the accused")
    .option("--keep", "decide to keep the accused")
    .requiredOption("--reason <text>", "the ratifier's reasons (hashed), or their 32-byte hash as 0x…")
    .action(async (value: string, options: { expel?: boolean; keep?: boolean; reason: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      if (options.expel === options.keep) throw usageError("pass exactly one of --expel and --keep");
      const reasonHash = hashOrText(options.reason, "--reason");
      const session = await openSession(globals);
      await requireRole(session, "PenaltyCases", "ratify");
      const result = await ratify({
        penalty: session.penalty,
        ratifier: session.signer,
        caseId,
        expel: options.expel === true,
        reasonHash,
      });
      output(globals, result, renderResolution);
    });

  cases
    .command("execute")
    .description("carry out a case's vote after its ratification deadline (anyone)")
    .argument("<case>", "case id")
    .action(async (value: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const session = await openSession(globals);
      output(globals, await execute({ penalty: session.penalty, signer: session.signer, caseId }), renderResolution);
    });

  cases
    .command("apply-liability")
    .description("charge one recommender of an expelled organization its liability (anyone, once each)")
    .argument("<case>", "the executed case")
    .argument("<recommender>", "the recommender: organization id or an account address bound to it")
    .action(async (value: string, recommender: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const ref = parseOrganization(recommender, "the recommender");
      const session = await openSession(globals);
      const recommenderId = await resolveOrganization(session, ref);
      const result = await applyLiability({
        penalty: session.penalty,
        ledger: session.ledger,
        signer: session.signer,
        caseId,
        recommenderId,
      });
      output(globals, result, (r: ApplyLiabilityReturnType) =>
        renderFields([
          ["case", String(r.caseId)],
          ["recommender", String(r.recommenderId)],
          ["liability", fixed(r.amount)],
          ["trust", `${fixed(r.trustBefore)} -> ${fixed(r.trustAfter)}`],
          ...transactionFields(r),
        ]),
      );
    });
}
