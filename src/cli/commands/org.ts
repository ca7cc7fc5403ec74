import type { Command } from "commander";

import { activate, type ActivateReturnType } from "../../actions/activate.js";
import { addMember, type AddMemberReturnType } from "../../actions/addMember.js";
import { getMembers, type Member } from "../../actions/getMembers.js";
import { getOrganization, type GetOrganizationReturnType } from "../../actions/getOrganization.js";
import { recommend, type RecommendReturnType } from "../../actions/recommend.js";
import { reject, type RejectReturnType } from "../../actions/reject.js";
import { removeMember, type RemoveMemberReturnType } from "../../actions/removeMember.js";
import { requestJoin, type RequestJoinReturnType } from "../../actions/requestJoin.js";
import { Level, enumName } from "../../constants.js";
import { renderTable } from "../../format.js";
import { type GlobalOptions, connect } from "../context.js";
import { usageError } from "../errors.js";
import { hashOrText, parseAddress, parseBlockNumber, parseScore } from "../input.js";
import { parseOptionalOrganization, parseOrganization, resolveOrganization } from "../organizations.js";
import { blockOrDash, fixed, output, probationText, renderFields } from "../output.js";
import { type ProfileOptions, readProfile } from "../profileInput.js";
import { openSession, organizationFor, requireRole, transactionFields } from "../transact.js";

function renderOrganization(org: GetOrganizationReturnType): string {
  return renderFields([
    ["organization", String(org.orgId)],
    ["status", org.status],
    ["country", org.country],
    ["admin", org.admin],
    ["members", String(org.memberCount)],
    ["identity hash", org.identityHash],
    ["legal", org.legal],
    ["capability", org.capability],
    ["recommendations", String(org.recommendationCount)],
    ["pre-trust", fixed(org.preTrust)],
    ["pre-trust at activation", fixed(org.preTrustAtActivation)],
    ["initial trust", fixed(org.initialTrust)],
    ["trust", fixed(org.trust)],
    ["rated contributions", String(org.ratedContributions)],
    ["on probation", probationText(org.onProbation)],
    ["requested at block", blockOrDash(org.requestedAt)],
    ["activated at block", blockOrDash(org.activatedAt)],
    ["profile version", String(org.profileVersion)],
    ["profile hash", org.profileHash],
    ["profile URI", org.profileURI],
    ["read at block", String(org.blockNumber)],
  ]);
}

function renderMembers(members: Member[]): string {
  return renderTable(
    ["account", "role", "added at block", "added by"],
    members.map((m) => [m.account, m.admin ? "admin" : "member", String(m.addedAt), m.addedBy]),
    { align: ["left", "left", "right", "left"] },
  );
}

/** A grade of the assessment: low, medium or high (any case). */
function parseLevel(value: string, option: string): number {
  const name = Object.keys(Level).find((key) => key !== "None" && key.toLowerCase() === value.toLowerCase());
  if (name === undefined) throw usageError(`${option} must be low, medium or high, not "${value}"`);
  return Level[name as keyof typeof Level];
}

/** `credence org show | members | join | recommend | activate | reject | add-member | remove-member`. */
export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("organizations: read, join, recommend, assess, member accounts");

  org
    .command("show")
    .description("an organization's registry record and trust")
    .argument("<org>", "organization id, or an account address bound to it")
    .action(async (value: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value);
      const chain = await connect(globals);
      const orgId = await resolveOrganization(chain, ref);
      const result = await getOrganization({ registry: chain.registry, ledger: chain.ledger, orgId });
      output(globals, result, renderOrganization);
    });

  org
    .command("members")
    .description("an organization's member accounts, from the registry's events")
    .argument("<org>", "organization id, or an account address bound to it")
    .option("--from-block <n>", "first block to search (default: the organization's join request)")
    .option("--max-logs-range <n>", "blocks per eth_getLogs request (default 1000, Besu's limit)")
    .action(async (value: string, options: { fromBlock?: string; maxLogsRange?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const fromBlock = parseBlockNumber(options.fromBlock, "--from-block");
      const maxLogsRange = parseBlockNumber(options.maxLogsRange, "--max-logs-range", 1);
      const ref = parseOrganization(value);
      const chain = await connect(globals);
      const orgId = await resolveOrganization(chain, ref);
      const members = await getMembers({ registry: chain.registry, orgId, fromBlock, maxLogsRange });
      output(globals, members, renderMembers);
    });

  org
    .command("join")
    .description("ask to join: a new Pending organization with the wallet's account as its admin")
    .requiredOption("--identity <id>", "the legal identifier (hashed), or its 32-byte hash as 0x…")
    .requiredOption("--country <code>", "ISO 3166-1 alpha-2 country code, e.g. DE")
    .option("--profile-uri <uri>", "where the organization's profile document is (required)")
    .option("--profile-hash <hash>", "the profile document's 32-byte hash")
    .option("--profile-file <file>", "the profile document, hashed here (instead of --profile-hash)")
    .option("--for <admin>", "join on behalf of this admin account (the platform, with the ASSESSOR role)")
    .action(async (options: ProfileOptions & { identity: string; country: string; for?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const identityHash = hashOrText(options.identity, "--identity");
      const country = options.country.toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) {
        throw usageError(`--country must be an ISO 3166-1 alpha-2 code such as DE, not "${options.country}"`);
      }
      const admin = options.for === undefined ? undefined : parseAddress(options.for, "--for");
      const profile = await readProfile(options);
      const session = await openSession(globals);
      if (admin !== undefined) await requireRole(session, "EntityRegistry", "requestJoinFor");
      const result = await requestJoin({
        registry: session.registry,
        signer: session.signer,
        identityHash,
        country,
        ...profile,
        admin,
      });
      output(globals, result, (r: RequestJoinReturnType) =>
        renderFields([
          ["organization", String(r.orgId)],
          ["status", "Pending"],
          ["admin", r.admin],
          ["submitted by", r.submittedBy],
          ["country", r.country],
          ...transactionFields(r),
        ]),
      );
    });

  org
    .command("recommend")
    .description("recommend a Pending candidate for the wallet's Active organization (once per organization)")
    .argument("<candidate>", "the candidate: organization id or an account address bound to it")
    .requiredOption("--score <score>", "how strongly, in [0, 1]")
    .action(async (value: string, options: { score: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value, "the candidate");
      const score = parseScore(options.score, "--score");
      const session = await openSession(globals);
      const candidateId = await resolveOrganization(session, ref);
      const result = await recommend({ registry: session.registry, signer: session.signer, candidateId, score });
      output(globals, result, (r: RecommendReturnType) =>
        renderFields([
          ["candidate", String(r.candidateId)],
          ["recommender", String(r.recommenderId)],
          ["score", fixed(r.score)],
          ["weight (recommender's trust)", fixed(r.weight)],
          ...transactionFields(r),
        ]),
      );
    });

  org
    .command("activate")
    .description("assess a Pending candidate and activate it (ASSESSOR): its initial trust is written")
    .argument("<candidate>", "the candidate: organization id or an account address bound to it")
    .requiredOption("--legal <level>", "legal-contract enforceability: low, medium or high")
    .requiredOption("--capability <level>", "capability: low, medium or high")
    .action(async (value: string, options: { legal: string; capability: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value, "the candidate");
      const legal = parseLevel(options.legal, "--legal");
      const capability = parseLevel(options.capability, "--capability");
      const session = await openSession(globals);
      await requireRole(session, "EntityRegistry", "activate");
      const orgId = await resolveOrganization(session, ref);
      const result = await activate({ registry: session.registry, assessor: session.signer, orgId, legal, capability });
      output(globals, result, (r: ActivateReturnType) =>
        renderFields([
          ["organization", String(r.orgId)],
          ["status", "Active"],
          ["legal", enumName(Level, r.legal)],
          ["capability", enumName(Level, r.capability)],
          ["pre-trust", fixed(r.preTrust)],
          ["initial trust", fixed(r.initialTrust)],
          ...transactionFields(r),
        ]),
      );
    });

  org
    .command("reject")
    .description("refuse a Pending candidate (ASSESSOR); final, though the identity may ask again")
    .argument("<candidate>", "the candidate: organization id or an account address bound to it")
    .requiredOption("--reason <text>", "the reasons (hashed), or their 32-byte hash as 0x…")
    .action(async (value: string, options: { reason: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value, "the candidate");
      const reasonHash = hashOrText(options.reason, "--reason");
      const session = await openSession(globals);
      await requireRole(session, "EntityRegistry", "reject");
      const orgId = await resolveOrganization(session, ref);
      const result = await reject({ registry: session.registry, assessor: session.signer, orgId, reasonHash });
      output(globals, result, (r: RejectReturnType) =>
        renderFields([
          ["organization", String(r.orgId)],
          ["status", "Rejected"],
          ["reason hash", r.reasonHash],
          ...transactionFields(r),
        ]),
      );
    });

  const renderMembership = (r: AddMemberReturnType | RemoveMemberReturnType) =>
    renderFields([
      ["organization", String(r.orgId)],
      ["account", r.account],
      ["member accounts", String(r.memberCount)],
      ...transactionFields(r),
    ]);

  for (const [name, description, argument, change] of [
    [
      "add-member",
      "bind an account to the organization (its admin): it acts with the organization's trust",
      "an account bound to no organization",
      addMember,
    ],
    [
      "remove-member",
      "release a member account of the organization (its admin): it loses every right at once",
      "a member account other than the admin",
      removeMember,
    ],
  ] as const) {
    org
      .command(name)
      .description(description)
      .argument("<account>", argument)
      .option("--org <org>", "the organization (default: the wallet's)")
      .action(async (value: string, options: { org?: string }, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const account = parseAddress(value, "the account");
        const ref = parseOptionalOrganization(options.org, "--org");
        const session = await openSession(globals);
        const orgId = await organizationFor(session, ref);
        const result = await change({ registry: session.registry, admin: session.signer, orgId, account });
        output(globals, result, renderMembership);
      });
  }
}
