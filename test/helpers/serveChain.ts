import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

import type { Connection } from "./fixtures.js";

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
