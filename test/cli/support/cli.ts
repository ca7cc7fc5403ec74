import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import type { Suite } from "../../helpers/fixtures.js";

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

/**
 * A refusal as the command line must report one: the exit code, nothing on stdout, exactly one line on stderr
 * (the whole line when `line` is a string, matched when a pattern).
 */
export function expectFailure(result: CliResult, code: number, line: string | RegExp): void {
  expect(result.code, result.stderr).to.equal(code);
  expect(result.stdout).to.equal("");
  expect(result.stderr.split("\n"), result.stderr).to.have.length(2); // the line and the final newline
  if (typeof line === "string") expect(result.stderr).to.equal(`${line}\n`);
  else expect(result.stderr).to.match(line);
}

/** The suite's addresses by contract name, as a deployment file names them. */
export async function addressesOf(suite: Suite): Promise<Record<string, string>> {
  return {
    CredenceAccessManager: await suite.manager.getAddress(),
    TrustLedger: await suite.ledger.getAddress(),
    EntityRegistry: await suite.registry.getAddress(),
    PenaltyCases: await suite.penalty.getAddress(),
  };
}

/** A deployment file as the deploy step writes it, with the addresses only (the command line reads no more). */
export async function writeDeployment(file: string, chainId: number, addresses: Record<string, string>) {
  const contracts = Object.fromEntries(Object.entries(addresses).map(([name, address]) => [name, { address }]));
  await writeFile(file, JSON.stringify({ chainId, contracts }));
}
