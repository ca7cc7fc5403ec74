import { execFile } from "node:child_process";
import { type Server, createServer } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { Connection } from "../../helpers/fixtures.js";

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

/** The in-process Hardhat chain over HTTP, so that a separate process can read the suite the test deployed. */
export async function serveChain(connection: Connection): Promise<{ url: string; server: Server }> {
  type Request = { id: unknown; method: string; params?: unknown[] };
  const answer = async (r: Request) => {
    try {
      return {
        jsonrpc: "2.0",
        id: r.id,
        result: await connection.provider.request({ method: r.method, params: r.params }),
      };
    } catch (error) {
      const e = error as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: r.id, error: { code: e.code ?? -32603, message: e.message, data: e.data } };
    }
  };
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const request: Request | Request[] = JSON.parse(body);
    const result = Array.isArray(request) ? await Promise.all(request.map(answer)) : await answer(request);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A free TCP port on 127.0.0.1 that nothing listens on (the OS picks it; the probe socket is closed again). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
