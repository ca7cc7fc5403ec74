import { isAddress } from "ethers";

import { Status } from "../constants.js";
import type { Chain } from "./context.js";
import { CliError, ExitCode } from "./errors.js";
import { parseId } from "./input.js";

/** An organization as the command line names it: a decimal id, or an account (0x…) bound to it. */
export type OrganizationRef = { orgId: bigint } | { account: string };

/** Checks the form of an organization argument (bad input, exit code 2) before anything connects. */
export function parseOrganization(value: string, what = "the organization"): OrganizationRef {
  if (isAddress(value)) return { account: value };
  return { orgId: parseId(value, `${what} (an id or an account address)`) };
}

/** `parseOrganization` for an optional option (`--org`). */
export function parseOptionalOrganization(value: string | undefined, option: string): OrganizationRef | undefined {
  return value === undefined ? undefined : parseOrganization(value, option);
}

/**
 * The id of the organization `ref` names. An id the registry never issued, or an account bound to none, is an
 * unknown organization (exit code 1). `whose` names the account in the message ("the wallet's account").
 */
export async function resolveOrganization(chain: Chain, ref: OrganizationRef, whose = "account"): Promise<bigint> {
  if ("account" in ref) {
    const orgId = await chain.registry.organizationOf(ref.account);
    if (orgId === 0n) {
      throw new CliError(`unknown organization: ${whose} ${ref.account} belongs to none`, ExitCode.Failure);
    }
    return orgId;
  }
  if ((await chain.registry.statusOf(ref.orgId)) === BigInt(Status.None)) {
    throw new CliError(`unknown organization ${ref.orgId}`, ExitCode.Failure);
  }
  return ref.orgId;
}
