import { CliError, ExitCode } from "./errors.js";

/** The environment variable a script sets the wallet password in (it never goes on the command line). */
export const PASSWORD_ENV = "CREDENCE_PASSWORD";

/**
 * The wallet password: CREDENCE_PASSWORD if set, else asked on the terminal without echo. With no terminal
 * (a script, CI) and no variable, fails rather than wait for input that will not come.
 */
export async function readPassword(question: string): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined) return fromEnv;
  return promptHidden(question);
}

/** A new wallet's password: CREDENCE_PASSWORD, or asked twice on the terminal; never empty. */
export async function readNewPassword(): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  const password = fromEnv ?? (await promptHidden("New wallet password: "));
  if (password === "") throw new CliError("the wallet password must not be empty", ExitCode.Usage);
  if (fromEnv === undefined && (await promptHidden("Repeat the password: ")) !== password) {
    throw new CliError("the passwords do not match", ExitCode.Usage);
  }
  return password;
}

/** Reads a line from the terminal in raw mode, echoing nothing; the prompt goes to stderr. */
async function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) {
    throw new CliError(`no password: set ${PASSWORD_ENV} or run in a terminal`, ExitCode.Wallet);
  }
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          finish();
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          finish();
          reject(new CliError("cancelled", ExitCode.Wallet));
          return;
        }
        // Backspace (DEL on most terminals) removes the last character; other input is part of the password.
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}
