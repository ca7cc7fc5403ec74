/**
 * The `credence` program: one file per command group in ./commands; every failure ends in run() as one line on
 * stderr and an exit code of ./errors.ts. main.ts runs it; tests import it without running anything.
 */
import { Command, CommanderError } from "commander";

import { registerCaseCommands } from "./commands/case.js";
import { registerOrgCommands } from "./commands/org.js";
import { registerParamsCommand } from "./commands/params.js";
import { registerProfileCommands } from "./commands/profile.js";
import { registerTrustCommands } from "./commands/trust.js";
import { registerWalletCommands } from "./commands/wallet.js";
import { DEFAULT_RPC_URL } from "./context.js";
import { ExitCode, toFailure } from "./errors.js";
import { PASSWORD_ENV } from "./password.js";

const EXIT_CODES = `
Exit codes:
  0  done
  1  the operation failed: a reverted call (its custom error decoded), an unknown organization, a missing role
  2  bad input: unknown command or option, malformed argument, unreadable or invalid file
  3  the node: unreachable, a chain other than the deployment file's, no contract code at a deployed address
  4  the wallet: wrong password, not an encrypted JSON keystore, no password available

Environment:
  CREDENCE_RPC_URL     default of --rpc
  CREDENCE_DEPLOYMENT  default of --deployment
  ${PASSWORD_ENV}    the wallet password (else asked on the terminal, without echo)`;

/** The program with every command registered; exported so that the help text can be checked. */
export function createProgram(): Command {
  const program = new Command("credence")
    .description("Operate and read a Credence trust suite: wallets, organizations, profiles, trust, penalty cases.")
    .option("--rpc <url>", `JSON-RPC URL of the node (default: $CREDENCE_RPC_URL, else ${DEFAULT_RPC_URL})`)
    .option("--deployment <file>", "deployment JSON (default: $CREDENCE_DEPLOYMENT, else deployments/<chainId>.json)")
    .option("--wallet <file>", "encrypted JSON keystore to sign with")
    .option("--json", "print results as JSON (bigints as decimal strings)")
    .option("--verbose", "progress on stderr, and a stack trace with an error")
    .option("--gas-price <wei>", "gas price of transactions (default: 0 where the base fee is 0, else the node's)")
    .addHelpText("after", EXIT_CODES)
    .showHelpAfterError(false)
    // Errors are reported by run() as one line; commander's own printing would add a second.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  // Subcommands inherit the settings above when created (commander copies them in .command()).
  registerWalletCommands(program);
  registerOrgCommands(program);
  registerProfileCommands(program);
  registerTrustCommands(program);
  registerCaseCommands(program);
  registerParamsCommand(program);
  return program;
}

/** Runs the command line on `argv` (without the node and script paths) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version print and stop: a success. Anything else commander rejects is bad input.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
      // A group without its subcommand: commander has printed the group's help on stderr.
      if (error.code === "commander.help" || error.code === "commander.executeSubCommandAsync") return ExitCode.Usage;
      process.stderr.write(`credence: ${error.message.replace(/^error: /, "")}\n`);
      return ExitCode.Usage;
    }
    const { message, exitCode } = toFailure(error);
    process.stderr.write(`credence: ${message}\n`);
    if (argv.includes("--verbose") && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCode;
  }
}
