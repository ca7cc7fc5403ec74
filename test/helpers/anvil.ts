/**
 * Runs anvil (Foundry's local node, from the npm package @foundry-rs/anvil-linux-amd64), plain or on a generated
 * genesis file. Besu cannot run on these machines; from a genesis anvil loads the same `alloc` (code, storage,
 * balances) and chain id, which is what a pre-deployed contract needs. It ignores the consensus sections, the
 * genesis gas limit and the extraData, and does not enforce account allowlists: those are Besu's, and are not
 * exercised here.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";

import { JsonRpcProvider } from "ethers";
import { globalOptions } from "hardhat";

const require = createRequire(import.meta.url);

/** The anvil binary installed by npm. */
export const ANVIL = path.join(
  path.dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")),
  "bin/anvil",
);

/** A free TCP port on 127.0.0.1 (the OS picks it; the socket is closed before anvil binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject()));
    });
  });
}

export interface Anvil {
  url: string;
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/**
 * Starts anvil on a free loopback port, with `--init genesisFile` when one is given (otherwise a plain chain with
 * anvil's funded dev accounts), on the Shanghai rules the suite compiles for, free gas as in the generated Besu
 * genesis (base fee and gas price 0), and waits until it answers `eth_chainId`. EIP-170's code-size limit holds
 * except under --coverage, whose instrumented contracts exceed 24 KiB.
 */
export async function startAnvil(
  genesisFile: string | undefined,
  chainId: number,
  // Under --coverage the contracts are instrumented and outgrow EIP-170's 24 KiB; the real bytecode fits.
  { codeSizeLimit = !globalOptions.coverage }: { codeSizeLimit?: boolean } = {},
): Promise<Anvil> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    ANVIL,
    [
      ...(genesisFile === undefined ? [] : ["--init", genesisFile]),
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      // anvil takes eth_chainId from the genesis but signs for its own accounts with --chain-id (default 31337).
      "--chain-id",
      String(chainId),
      "--hardfork",
      "shanghai",
      "--base-fee",
      "0",
      "--gas-price",
      "0",
      "--silent",
      ...(codeSizeLimit ? [] : ["--disable-code-size-limit"]),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  // If this process ends without stop() (a crash, an interrupted run), anvil must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`anvil exited with code ${code}: ${stderr.trim()}`))),
  );
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, chainId, {
    staticNetwork: true,
    polling: true,
    pollingInterval: 50,
    // No response cache: a wallet must see its own last transaction's nonce at once.
    cacheTimeout: -1,
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await Promise.race([provider.send("eth_chainId", []), exited]);
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  exited.catch(() => undefined);
  return {
    url,
    provider,
    async stop() {
      provider.destroy();
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    },
  };
}
