import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * The EVM milestone every contract is compiled for. Besu supports Shanghai on
 * QBFT / IBFT 2.0 networks; Cancun and Prague are not documented for BFT
 * consensus, so the suite stays on Shanghai and the in-process chain matches it.
 */
export const EVM_VERSION = "shanghai";

/**
 * solc comes from the npm `solc` package (solcjs): Hardhat's own compiler
 * download cannot reach its server from these machines.
 */
const compiler = {
  version: "0.8.30",
  path: require.resolve("solc/soljson.js"),
};

const settings = {
  evmVersion: EVM_VERSION,
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { "*": { "*": ["storageLayout"] } },
};

/**
 * contracts/bench holds the benchmark's peers (an OpenZeppelin Governor and its ERC20Votes token), never deployed
 * to a network. They are compiled for Cancun: OpenZeppelin 5.7's EIP712 → Strings → Bytes uses `mcopy`. Hardhat's
 * overrides are keyed by exact source name (no globs), so every .sol file under contracts/bench gets one.
 */
const benchDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "contracts", "bench");
const benchOverrides = Object.fromEntries(
  (existsSync(benchDir) ? readdirSync(benchDir, { recursive: true, encoding: "utf8" }) : [])
    .filter((file) => file.endsWith(".sol"))
    .map((file) => [
      `contracts/bench/${file.split(path.sep).join("/")}`,
      { ...compiler, settings: { ...settings, evmVersion: "cancun" } },
    ]),
);

/**
 * BESU_CHAIN_ID from the environment (not a configuration variable: Hardhat needs the number when it loads the
 * config), or undefined when unset.
 */
function besuChainId(): number | undefined {
  const value = process.env.BESU_CHAIN_ID;
  if (value === undefined || value === "") return undefined;
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new Error(`BESU_CHAIN_ID must be a positive decimal chain id, got "${value}"`);
  }
  return Number(value);
}

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatViem],
  solidity: {
    profiles: {
      default: { compilers: [{ ...compiler, settings }], overrides: benchOverrides },
      // Defined explicitly: the generated production profile drops custom settings.
      production: { compilers: [{ ...compiler, settings }], overrides: benchOverrides },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test" },
    // Ignition modules live in deploy/modules, journals of real networks in deploy/deployments.
    ignition: "deploy",
  },
  test: {
    solidity: {
      profiles: {
        // The invariant handler only makes calls it expects to succeed: any revert is a finding.
        default: { invariant: { failOnRevert: true } },
        // `npx hardhat test solidity --test-profile deep`: longer fuzz and invariant campaigns.
        deep: { fuzz: { runs: 2048 }, invariant: { runs: 256, depth: 500, failOnRevert: true } },
      },
    },
  },
  networks: {
    // `network.create()` without a name opens Hardhat 3's built-in "default" network, whose hardfork is otherwise
    // the latest (Osaka): configured here like `hardhat`, so that tests and scripts run the suite's milestone.
    default: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: EVM_VERSION,
    },
    hardhat: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: EVM_VERSION,
    },
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
    // A local anvil node (`anvil --chain-id … --base-fee 0 --hardfork shanghai`). Its dev accounts are unlocked on
    // the node, so Hardhat uses them remotely (eth_accounts). Gas price left automatic: a zero base fee makes
    // Ignition send zero fees, and an anvil with its default base fee still accepts priced transactions from its
    // funded accounts.
    anvil: {
      type: "http",
      chainType: "l1",
      url: process.env.ANVIL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    besu: {
      type: "http",
      chainType: "l1",
      url: configVariable("BESU_RPC_URL"),
      // When set, Hardhat refuses to send anything to a node whose eth_chainId differs (a wrong RPC URL).
      chainId: besuChainId(),
      // The account that deploys and governs: a generated network's accounts/deployer/key, which its genesis
      // allowlists. Read from the environment or the Hardhat keystore, only when this network is used.
      accounts: [configVariable("BESU_DEPLOYER_KEY")],
      // Besu communities run with free gas (zeroBaseFee, --min-gas-price=0).
      gasPrice: 0,
    },
  },
  typechain: {
    outDir: "types",
  },
});
