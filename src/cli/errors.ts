import { describeError } from "../errors.js";
import { CredenceAccessManager__factory } from "../../types/factories/access/CredenceAccessManager__factory.js";
import { PenaltyCases__factory } from "../../types/factories/penalty/PenaltyCases__factory.js";
import { EntityRegistry__factory } from "../../types/factories/registry/EntityRegistry__factory.js";
import { TrustLedger__factory } from "../../types/factories/trust/TrustLedger__factory.js";

/**
 * The exit codes of `credence` (docs/cli.md lists them). Scripts can tell a mistake in their own input (2)
 * from a network they cannot use (3), a wallet they cannot open (4) and an operation the chain refused (1).
 */
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** The operation failed: a call reverted (its custom error decoded), an unknown organization, a missing role. */
  Failure: 1,
  /** Bad input: an unknown command or option, a malformed argument, an unreadable or invalid input file. */
  Usage: 2,
  /** The node: unreachable, a chain other than the deployment file's, no contract code at a deployed address. */
  Network: 3,
  /** The wallet: a wrong password, a file that is not an encrypted JSON keystore, no password available. */
  Wallet: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the command line has already put into words: its message is the one line printed. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

/** A bad-input failure (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}

// Every Credence ABI: a revert of any of them decodes, AccessManagedUnauthorized and the AccessManager's errors
// included.
const interfaces = [
  EntityRegistry__factory.createInterface(),
  TrustLedger__factory.createInterface(),
  CredenceAccessManager__factory.createInterface(),
  PenaltyCases__factory.createInterface(),
];

/** ethers error codes that mean the node could not be used rather than that it refused the operation. */
const NETWORK_CODES = new Set(["NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR"]);

/** The one line and exit code for any error a command throws. */
export function toFailure(error: unknown): { message: string; exitCode: ExitCodeValue } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const code = (error as { code?: unknown } | null)?.code;
  const message = firstLine(describeError(error, interfaces));
  if (typeof code === "string" && NETWORK_CODES.has(code)) return { message, exitCode: ExitCode.Network };
  return { message, exitCode: ExitCode.Failure };
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0].trim();
}
