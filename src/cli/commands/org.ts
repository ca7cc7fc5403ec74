import { isAddress } from "ethers";
import type { Command } from "commander";

import { getOrganization, type GetOrganizationReturnType } from "../../actions/getOrganization.js";
import { Status } from "../../constants.js";
import { type Chain, type GlobalOptions, connect } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { getMembers, type Member } from "../../actions/getMembers.js";
import { parseBlockNumber, parseId } from "../input.js";
import { blockOrDash, fixed, output, renderFields } from "../output.js";
import { renderTable } from "../../format.js";

/** An organization as the command line names it: a decimal id, or an account (0x…) bound to it. */
export type OrganizationRef = { orgId: bigint } | { account: string };

/** Checks the form of an organization argument (bad input, exit code 2) before anything connects. */
export function parseOrganization(value: string): OrganizationRef {
  if (isAddress(value)) return { account: value };
  return { orgId: parseId(value, "the organization (an id or an account address)") };
}

/**
 * The id of the organization `ref` names. An id the registry never issued, or an account bound to none, is an
 * unknown organization (exit code 1).
 */
export async function resolveOrganization(chain: Chain, ref: OrganizationRef): Promise<bigint> {
  if ("account" in ref) {
    const orgId = await chain.registry.organizationOf(ref.account);
    if (orgId === 0n) {
      throw new CliError(`unknown organization: account ${ref.account} belongs to none`, ExitCode.Failure);
    }
    return orgId;
  }
  if ((await chain.registry.statusOf(ref.orgId)) === BigInt(Status.None)) {
    throw new CliError(`unknown organization ${ref.orgId}`, ExitCode.Failure);
  }
  return ref.orgId;
}

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

/** `credence org show | members`. */
export function registerOrgCommands(program: Command): void {
  const org = program.command("org").description("read organizations");

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
}
