import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The launcher npx runs: `credence` as a user's shell starts it. */
export const CREDENCE = path.join(root, "bin/credence.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/credence.js …args` as a separate process and resolves with its exit code and output (never
 * rejects). `env` is added to a copy of this process's environment from which the CREDENCE_* variables are
 * removed, so that a developer's own settings cannot leak into a test.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("CREDENCE_")),
  );
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    // stdin is closed: no terminal, so a missing password fails instead of prompting.
    const child = execFile(
      process.execPath,
      [CREDENCE, ...args],
      { cwd: options.cwd ?? root, env },
      (error, stdout, stderr) => resolve({ code: child.exitCode ?? (error ? 1 : 0), stdout, stderr }),
    );
    child.stdin?.end();
  });
}
