import type { Command } from "commander";

import { deleteProfile, type DeleteProfileReturnType } from "../../actions/deleteProfile.js";
import { setProfile, type SetProfileReturnType } from "../../actions/setProfile.js";
import type { GlobalOptions } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { parseOptionalOrganization } from "../organizations.js";
import { output, renderFields } from "../output.js";
import { type ProfileOptions, readProfile } from "../profileInput.js";
import { type Session, openSession, organizationFor, transactionFields } from "../transact.js";

const renderSet = (r: SetProfileReturnType) =>
  renderFields([
    ["organization", String(r.orgId)],
    ["action", r.action],
    ["profile version", String(r.version)],
    ["profile hash", r.profileHash],
    ["profile URI", r.profileURI],
    ...transactionFields(r),
  ]);

const renderDeleted = (r: DeleteProfileReturnType) =>
  renderFields([
    ["organization", String(r.orgId)],
    ["action", "Deleted"],
    ["profile version", String(r.version)],
    ...transactionFields(r),
  ]);

/**
 * Add and edit are one contract call (setProfile); the command line keeps them apart so that an operator who
 * means to add does not overwrite a profile, and one who means to edit does not create one.
 */
async function checkProfile(session: Session, orgId: bigint, expectExisting: boolean): Promise<void> {
  const { profileHash, profileVersion } = await session.registry.organization(orgId);
  const exists = BigInt(profileHash) !== 0n;
  if (exists && !expectExisting) {
    throw new CliError(
      `organization ${orgId} already has a profile (version ${profileVersion}): use profile edit`,
      ExitCode.Failure,
    );
  }
  if (!exists && expectExisting) {
    throw new CliError(`organization ${orgId} has no profile: use profile add`, ExitCode.Failure);
  }
}

/** `credence profile add | edit | delete`: the organization's profile record (hash and URI, versioned). */
export function registerProfileCommands(program: Command): void {
  const profile = program.command("profile").description("the organization's profile record (its admin)");

  for (const [name, description, existing] of [
    ["add", "add a profile record to an organization that has none", false],
    ["edit", "replace the organization's profile record (a new version)", true],
  ] as const) {
    profile
      .command(name)
      .description(description)
      .option("--profile-uri <uri>", "where the profile document is (required)")
      .option("--profile-hash <hash>", "the profile document's 32-byte hash")
      .option("--profile-file <file>", "the profile document, hashed here (instead of --profile-hash)")
      .option("--org <org>", "the organization (default: the wallet's)")
      .action(async (options: ProfileOptions & { org?: string }, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const ref = parseOptionalOrganization(options.org, "--org");
        const record = await readProfile(options);
        const session = await openSession(globals);
        const orgId = await organizationFor(session, ref);
        await checkProfile(session, orgId, existing);
        const result = await setProfile({ registry: session.registry, admin: session.signer, orgId, ...record });
        output(globals, result, renderSet);
      });
  }

  profile
    .command("delete")
    .description("delete the organization's profile record (the history stays in the events)")
    .option("--org <org>", "the organization (default: the wallet's)")
    .action(async (options: { org?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOptionalOrganization(options.org, "--org");
      const session = await openSession(globals);
      const orgId = await organizationFor(session, ref);
      const result = await deleteProfile({ registry: session.registry, admin: session.signer, orgId });
      output(globals, result, renderDeleted);
    });
}
