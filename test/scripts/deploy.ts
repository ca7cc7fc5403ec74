/**
 * Deploying and recording a deployment: the export file from the library on the in-process chain, parameter
 * files, and `npm run deploy`'s script (scripts/deploy.ts, as separate processes) on a plain anvil node — a first
 * run that deploys, a second that resumes Ignition's journal and sends nothing, and its exit codes.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { Contract, getAddress, isAddress } from "ethers";
import { artifacts, network } from "hardhat";

import { CommunityType, Level } from "../../src/constants.js";
import { defaultEntryCriteria, defaultTrustParameters } from "../../src/defaults.js";
import {
  deployAndExport,
  MODULE_PARAMETERS,
  ParametersFileError,
  readParametersFile,
  type DeploymentExport,
} from "../../scripts/lib/deployment.js";
import { type Anvil, freePort, startAnvil } from "../helpers/anvil.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const deployScript = path.join(root, "scripts/deploy.ts");
const run = promisify(execFile);

/** The ERC-1967 implementation slot: where a UUPS proxy keeps its logic contract's address. */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
const PROXIES = ["TrustLedger", "EntityRegistry", "PenaltyCases"] as const;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs scripts/deploy.ts from the repository root, as `npm run deploy` does after its build. */
async function deployCli(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [tsxCli, deployScript, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe("deployments/<chainId>.json", function () {
  let outDir: string;

  before(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "credence-deployments-"));
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  describe("deployAndExport (in-process chain)", () => {
    it("writes the chain's file: each contract's address and ABI, proxies with their implementation", async () => {
      const connection = await network.create();
      const { deployment, file } = await deployAndExport({ connection, artifacts, outDir });
      const { provider } = connection.ethers;

      expect(file).to.equal(path.join(outDir, "31337.json"));
      const written = JSON.parse(await readFile(file, "utf8")) as DeploymentExport;
      expect(written).to.deep.equal(JSON.parse(JSON.stringify(deployment)));
      expect(written.chainId).to.equal(31337);
      expect(written.deploymentId).to.equal("chain-31337");
      expect(Object.keys(written.contracts)).to.deep.equal([
        "CredenceAccessManager",
        "TrustLedger",
        "EntityRegistry",
        "PenaltyCases",
      ]);

      const manager = written.contracts.CredenceAccessManager;
      expect(Object.keys(manager)).to.deep.equal(["address", "abi"]);
      expect(manager.abi).to.deep.equal((await artifacts.readArtifact("CredenceAccessManager")).abi);
      expect(await provider.getCode(manager.address)).to.not.equal("0x");

      for (const name of PROXIES) {
        const entry = written.contracts[name];
        expect(Object.keys(entry), name).to.deep.equal(["address", "implementation", "abi"]);
        // Checksummed: a front-end can compare them as strings.
        expect(getAddress(entry.address) === entry.address, name).to.equal(true);
        expect(getAddress(entry.implementation) === entry.implementation, name).to.equal(true);
        const slot = await provider.getStorage(entry.address, IMPLEMENTATION_SLOT);
        expect(getAddress("0x" + slot.slice(26)), `${name} proxy → implementation`).to.equal(entry.implementation);
        // The implementation's ABI, used at the proxy's address.
        expect(entry.abi).to.deep.equal((await artifacts.readArtifact(name)).abi);
        const contract = new Contract(entry.address, entry.abi as never, provider);
        expect(await contract.authority(), name).to.equal(manager.address);
      }
      const ledger = new Contract(
        written.contracts.TrustLedger.address,
        written.contracts.TrustLedger.abi as never,
        provider,
      );
      expect(await ledger.registry()).to.equal(written.contracts.EntityRegistry.address);
      await connection.close();
    });

    it("deploys with a parameter file's values", async () => {
      const connection = await network.create();
      const parameters = await readParametersFile(path.join(root, "deploy/parameters/public-community.json"));
      const { deployment } = await deployAndExport({ connection, artifacts, parameters, outDir });
      const { provider } = connection.ethers;
      const ledger = new Contract(
        deployment.contracts.TrustLedger.address,
        deployment.contracts.TrustLedger.abi as never,
        provider,
      );
      expect(await ledger.communityType()).to.equal(BigInt(CommunityType.Public));
      await connection.close();
    });
  });

  describe("readParametersFile", () => {
    let dir: string;
    const write = async (name: string, content: unknown) => {
      const file = path.join(dir, name);
      await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
      return file;
    };

    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "credence-parameters-"));
    });

    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("reads every file in deploy/parameters/, each naming only the module's parameters", async () => {
      for (const name of ["public-community.json", "private-community.json"]) {
        const parameters = await readParametersFile(path.join(root, "deploy/parameters", name));
        expect(Object.keys(parameters), name).to.not.be.empty;
        for (const key of Object.keys(parameters)) expect(MODULE_PARAMETERS, name).to.include(key);
      }
      const priv = await readParametersFile(path.join(root, "deploy/parameters/private-community.json"));
      expect(priv.communityType).to.equal(CommunityType.Private);
      expect((priv.entryCriteria as Record<string, string>).minCapability).to.equal(String(Level.Medium));
    });

    it("completes a partial struct from the defaults and keeps the given fields", async () => {
      const file = await write("partial.json", {
        Credence: { entryCriteria: { minRecommendations: "2" }, trustParameters: { halfLife: "600" } },
      });
      const parameters = await readParametersFile(file);
      expect(parameters.entryCriteria).to.deep.equal({
        minPreTrust: defaultEntryCriteria.minPreTrust.toString(),
        minRecommendations: "2",
        maxRecommendations: defaultEntryCriteria.maxRecommendations.toString(),
        minCapability: defaultEntryCriteria.minCapability.toString(),
        minLegal: defaultEntryCriteria.minLegal.toString(),
      });
      const trust = parameters.trustParameters as Record<string, string>;
      expect(trust.halfLife).to.equal("600");
      expect(trust.gainRate).to.equal(defaultTrustParameters.gainRate.toString());
      expect(Object.keys(trust)).to.have.length(Object.keys(defaultTrustParameters).length);
    });

    describe("rejects", () => {
      it("when a parameter name is not the module's", async () => {
        const file = await write("typo.json", { Credence: { entryCriterion: {} } });
        await expectReject(file, "unknown parameter Credence.entryCriterion");
      });

      it("when there is no Credence object", async () => {
        await expectReject(await write("flat.json", { communityType: 1 }), 'expected { "Credence": { … } }');
      });

      it("when the file is not JSON", async () => {
        await expectReject(await write("broken.json", "{ Credence"), "cannot read");
      });

      async function expectReject(file: string, message: string) {
        const error = await readParametersFile(file).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(ParametersFileError);
        expect((error as Error).message).to.include(message);
      }
    });
  });

  describe("npm run deploy (scripts/deploy.ts) on anvil", function () {
    this.timeout(60_000);

    const CHAIN_ID = 4_711;
    /** Ignition journals JSON-RPC deployments under deploy/deployments/<id>; this one is removed afterwards. */
    const deploymentId = `test-deploy-${process.pid}`;
    const journal = path.join(root, "deploy/deployments", deploymentId);
    let anvil: Anvil;
    let env: Record<string, string>;

    before(async () => {
      anvil = await startAnvil(undefined, CHAIN_ID);
      env = { ANVIL_RPC_URL: anvil.url };
    });

    after(async () => {
      await anvil?.stop();
      await rm(journal, { recursive: true, force: true });
    });

    const args = () => [
      "--network",
      "anvil",
      "--parameters",
      path.join(root, "deploy/parameters/private-community.json"),
      "--deployment-id",
      deploymentId,
      "--out-dir",
      outDir,
    ];

    it("deploys, then resumes its journal as a no-op; the recorded addresses answer on the node", async () => {
      const [deployer] = (await anvil.provider.send("eth_accounts", [])) as string[];
      expect(await anvil.provider.getTransactionCount(deployer)).to.equal(0);

      const first = await deployCli(args(), env);
      expect(first.stderr).to.equal("");
      expect(first.code).to.equal(0);
      const sent = await anvil.provider.getTransactionCount(deployer);
      expect(sent).to.be.greaterThan(0);
      expect(first.stdout).to.include(`sent ${sent} transaction(s)`);
      expect(first.stdout).to.include(`chain ${CHAIN_ID}, deployment ${deploymentId}`);
      const file = path.join(outDir, `${CHAIN_ID}.json`);
      expect(first.stdout).to.include(`wrote ${file}`);
      // Ignition's journal, from which a later run resumes.
      expect((await readFile(path.join(journal, "journal.jsonl"), "utf8")).trim()).to.not.equal("");
      const recorded = JSON.parse(await readFile(file, "utf8")) as DeploymentExport;

      const second = await deployCli(args(), env);
      expect(second.code).to.equal(0);
      expect(await anvil.provider.getTransactionCount(deployer)).to.equal(sent);
      expect(second.stdout).to.include("nothing to deploy");
      expect(JSON.parse(await readFile(file, "utf8"))).to.deep.equal(recorded);

      expect(recorded.chainId).to.equal(CHAIN_ID);
      expect(recorded.deploymentId).to.equal(deploymentId);
      for (const name of PROXIES) {
        const { address, abi } = recorded.contracts[name];
        expect(isAddress(address)).to.equal(true);
        const contract = new Contract(address, abi as never, anvil.provider);
        expect(await contract.version(), name).to.match(/^\d+\.\d+\.\d+$/);
      }
      const manager = new Contract(
        recorded.contracts.CredenceAccessManager.address,
        recorded.contracts.CredenceAccessManager.abi as never,
        anvil.provider,
      );
      // The deployer holds ADMIN (role 0) with no delay.
      expect((await manager.hasRole(0n, deployer))[0]).to.equal(true);
      const ledger = new Contract(
        recorded.contracts.TrustLedger.address,
        recorded.contracts.TrustLedger.abi as never,
        anvil.provider,
      );
      const registry = new Contract(
        recorded.contracts.EntityRegistry.address,
        recorded.contracts.EntityRegistry.abi as never,
        anvil.provider,
      );
      // private-community.json's values, not the defaults.
      expect(await ledger.communityType()).to.equal(BigInt(CommunityType.Private));
      expect((await registry.entryCriteria()).minCapability).to.equal(BigInt(Level.Medium));
    });

    describe("exits with code 2 and one line", () => {
      it("on an unknown network", async () => {
        const outcome = await deployCli(["--network", "mainnet"]);
        expect(outcome.code).to.equal(2);
        expect(outcome.stderr).to.match(/^deploy: unknown network "mainnet" \(hardhat\.config\.ts has: .*anvil.*\)\n$/);
      });

      it("on a parameter file with an unknown parameter", async () => {
        const file = path.join(outDir, "typo.json");
        await writeFile(file, JSON.stringify({ Credence: { comunityType: 1 } }));
        const outcome = await deployCli(["--parameters", file]);
        expect(outcome.code).to.equal(2);
        expect(outcome.stderr).to.equal(`deploy: ${file}: unknown parameter Credence.comunityType\n`);
      });

      it("on a deployment id Ignition cannot use", async () => {
        const outcome = await deployCli(["--deployment-id", "../escape"]);
        expect(outcome.code).to.equal(2);
        expect(outcome.stderr).to.match(/^deploy: --deployment-id must start with a letter/);
        expect(outcome.stderr.trim().split("\n")).to.have.length(1);
      });
    });

    it("exits with code 1 and one line when the node is unreachable", async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const outcome = await deployCli(["--network", "anvil", "--deployment-id", deploymentId, "--out-dir", outDir], {
        ANVIL_RPC_URL: closed,
      });
      expect(outcome.code).to.equal(1);
      expect(outcome.stderr).to.match(/^deploy: .*Cannot connect to the network "anvil"/);
      expect(outcome.stderr.trim().split("\n")).to.have.length(1);
    });
  });
});
