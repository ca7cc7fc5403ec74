import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Wallet, id } from "ethers";
import { network } from "hardhat";

import { flag } from "../../src/actions/flag.js";
import { getTrustHistory } from "../../src/actions/getTrustHistory.js";
import { rate } from "../../src/actions/rate.js";
import { ONE } from "../../src/constants.js";
import { type Suite, deploySuite, joinAndActivate, newIdentity, profileOf } from "../helpers/fixtures.js";
import { renderInitialTrust } from "../../src/cli/commands/trust.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import { freePort } from "../helpers/anvil.js";
import { serveChain } from "../helpers/serveChain.js";
import { addressesOf, expectFailure, runCli, writeDeployment } from "./support/cli.js";

describe("credence reads", function () {
  this.timeout(60_000);

  let suite: Suite;
  let url: string;
  let server: Server;
  let dir: string;
  let deploymentFile: string;
  let accounts: { admin1: string; member1: string; admin2: string; admin3: string };
  const ids = { org1: 0n, org2: 0n, org3: 0n, case1: 0n };

  /** `credence <args> --rpc URL --deployment FILE`. */
  const read = (...args: string[]) => runCli([...args, "--rpc", url, "--deployment", deploymentFile]);
  const readJson = async (...args: string[]) => {
    const result = await read(...args, "--json");
    expect(result, result.stderr).to.include({ code: 0, stderr: "" });
    return JSON.parse(result.stdout);
  };

  before(async function () {
    const connection = await network.create();
    const [assessor, admin1, member1, admin2, admin3] = await connection.ethers.getSigners();
    accounts = {
      admin1: admin1.address,
      member1: member1.address,
      admin2: admin2.address,
      admin3: admin3.address,
    };
    suite = await deploySuite(connection);
    // Org 1 with a second member account, org 2 recommended by org 1 and rated, org 3 still Pending, and a case
    // org 1 opened against org 2.
    ids.org1 = await joinAndActivate(suite, admin1, assessor);
    await (await suite.registry.connect(admin1).addMember(ids.org1, member1.address)).wait();
    ids.org2 = await joinAndActivate(suite, admin2, assessor, { recommenders: [admin1] });
    await rate({
      ledger: suite.ledger,
      assessor,
      rating: {
        orgId: ids.org2,
        contributionId: id("contribution-1"),
        scores: { quality: ONE, quantity: ONE / 2n, integrity: ONE, intent: ONE },
        evidenceHash: id("evaluation-1"),
      },
    });
    const [profileHash, profileURI] = profileOf("org3");
    await (
      await suite.registry.connect(admin3).requestJoin(newIdentity(), countryCode("FR"), profileHash, profileURI)
    ).wait();
    ids.org3 = await suite.registry.organizationOf(admin3.address);
    ({ caseId: ids.case1 } = await flag({
      penalty: suite.penalty,
      signer: admin1,
      accusedId: ids.org2,
      reasonCode: 7,
      evidenceHash: id("evidence-1"),
    }));

    ({ url, server } = await serveChain(connection));
    dir = await mkdtemp(path.join(tmpdir(), "credence-cli-"));
    deploymentFile = path.join(dir, "deployment.json");
    await writeDeployment(deploymentFile, 31337, await addressesOf(suite));
  });

  after(async function () {
    server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe("org show", function () {
    it("prints the record as JSON, trust as at the block it read", async function () {
      const org = await readJson("org", "show", String(ids.org1));
      expect(org).to.include({ orgId: "1", status: "Active", country: "DE", legal: "High", capability: "Medium" });
      expect(org.admin === accounts.admin1, org.admin).to.equal(true);
      expect(org.memberCount).to.equal("2");
      const trust = await suite.ledger.trustOf(ids.org1, { blockTag: org.blockNumber });
      expect(org.trust).to.equal(trust.toString());
    });

    it("finds the organization of a member account and prints a table", async function () {
      const result = await read("org", "show", accounts.member1);
      expect(result, result.stderr).to.include({ code: 0, stderr: "" });
      expect(result.stdout).to.match(/^organization +1$/m);
      expect(result.stdout).to.match(/^status +Active$/m);
      expect(result.stdout).to.match(new RegExp(`^admin +${accounts.admin1}$`, "m"));
    });

    it("reads deployments/<chainId>.json of the node's chain when no --deployment is given", async function () {
      const cwd = path.join(dir, "project");
      await mkdir(path.join(cwd, "deployments"), { recursive: true });
      await writeDeployment(path.join(cwd, "deployments/31337.json"), 31337, await addressesOf(suite));
      const result = await runCli(["org", "show", String(ids.org3), "--json"], { cwd, env: { CREDENCE_RPC_URL: url } });
      expect(result, result.stderr).to.include({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).to.include({ orgId: String(ids.org3), status: "Pending", country: "FR" });
    });

    describe("reverts", function () {
      it("when the organization id is unknown: one line, exit code 1", async function () {
        expectFailure(await read("org", "show", "99"), 1, "credence: unknown organization 99");
      });

      it("when the account belongs to no organization", async function () {
        const stranger = Wallet.createRandom().address;
        expectFailure(
          await read("org", "show", stranger),
          1,
          `credence: unknown organization: account ${stranger} belongs to none`,
        );
      });

      it("when the id is malformed: exit code 2, before connecting", async function () {
        const result = await runCli(["org", "show", "12abc", "--rpc", "http://127.0.0.1:9"]);
        expectFailure(
          result,
          2,
          'credence: the organization (an id or an account address) must be a positive integer, not "12abc"\n'.trim(),
        );
      });
    });
  });

  describe("org members", function () {
    it("lists the member accounts from the registry's events", async function () {
      const members = await readJson("org", "members", String(ids.org1));
      expect(members.map((m: { account: string; admin: boolean }) => [m.account, m.admin])).to.deep.equal([
        [accounts.admin1, true],
        [accounts.member1, false],
      ]);
      const table = await read("org", "members", String(ids.org1));
      expect(table.stdout.split("\n")[0]).to.match(/^account +role +added at block +added by$/);
      expect(table.stdout).to.match(new RegExp(`^${accounts.member1} +member +\\d+ +${accounts.admin1}$`, "m"));
    });
  });

  describe("trust show", function () {
    it("prints current trust and, with --explain, the initial trust's terms", async function () {
      const trust = await readJson("trust", "show", String(ids.org2), "--explain");
      expect(trust.trust).to.equal((await suite.ledger.trustOf(ids.org2, { blockTag: trust.blockNumber })).toString());
      const explained = trust.initialTrustExplained;
      expect(explained.initialTrust).to.equal(explained.recomputed);
      expect(explained.initialTrust).to.equal(trust.initialTrust);
      const table = await read("trust", "show", String(ids.org2), "--explain");
      expect(table.stdout).to.match(/^Initial trust at block \d+$/m);
      expect(table.stdout).to.match(/^pre-trust +0\.\d{4} +0\.3500 +0\.\d{4}$/m);
    });

    it("prints the platform-rated contributions and whether the probation holds", async function () {
      const [count, onProbation] = await suite.ledger.ratedContributionsOf(ids.org2);
      expect(count).to.equal(1n); // one platform rating in the fixture
      const trust = await readJson("trust", "show", String(ids.org2));
      expect(trust).to.include({ ratedContributions: count.toString(), onProbation });
      const table = await read("trust", "show", String(ids.org2));
      expect(table.stdout).to.match(/^rated contributions +1$/m);
      expect(table.stdout).to.match(/^on probation +yes \(ratings cannot lift trust above the initial cap yet\)$/m);
      const org = await read("org", "show", String(ids.org2));
      expect(org.stdout).to.match(/^rated contributions +1$/m);
      expect(org.stdout).to.match(/^on probation +yes /m);
    });

    it("shows the formula and the cap when the cap set the initial trust, and not otherwise", function () {
      const term = (value: bigint) => ({ value, weight: ONE / 4n, contribution: value / 4n });
      const explained = {
        orgId: 1n,
        blockNumber: 7,
        preTrust: term(ONE),
        legal: term(ONE),
        capability: term(ONE),
        indirect: term(ONE),
        formula: ONE,
        cap: toFixed("0.4"),
        capped: true,
        initialTrust: toFixed("0.4"),
        recomputed: toFixed("0.4"),
      };
      const capped = renderInitialTrust(explained);
      expect(capped).to.match(/^formula +1\.0000$/m);
      expect(capped).to.match(/^cap +0\.4000$/m);
      expect(capped).to.match(/^initial trust +0\.4000$/m);
      const uncapped = renderInitialTrust({ ...explained, cap: ONE, capped: false, initialTrust: ONE });
      expect(uncapped).to.not.match(/^(formula|cap) /m);
      expect(uncapped).to.match(/^initial trust +1\.0000$/m);
    });

    describe("reverts", function () {
      it("when --explain is asked of an organization never activated", async function () {
        expectFailure(
          await read("trust", "show", String(ids.org3), "--explain"),
          1,
          `credence: organization ${ids.org3} was never activated: no initial trust to explain`,
        );
      });
    });
  });

  describe("trust history", function () {
    it("prints the organization's trust changes, as the library reads them", async function () {
      const expected = await getTrustHistory({ ledger: suite.ledger, orgId: ids.org2, fromBlock: 0 });
      const history = await readJson("trust", "history", String(ids.org2));
      expect(history.map((c: { reason: string }) => c.reason)).to.deep.equal(["Initialized", "Rated"]);
      expect(history.map((c: { newValue: string }) => c.newValue)).to.deep.equal(
        expected.map((c) => c.newValue.toString()),
      );
      const table = await read("trust", "history", String(ids.org1));
      expect(table.stdout).to.match(/ Initialized +0\.0000 +0\.\d{4} +\+0\.\d{4} +0x[0-9a-f]{64}$/m);
      expect(table.stdout).to.match(/ BondLocked +0\.\d{4} +0\.\d{4} +-0\.\d{4} +0x[0-9a-f]{64}$/m);
    });

    describe("reverts", function () {
      it("when --from-block is after --to-block: exit code 2", async function () {
        expectFailure(
          await read("trust", "history", "1", "--from-block", "9", "--to-block", "3"),
          2,
          "credence: --from-block 9 is after --to-block 3",
        );
      });
    });
  });

  describe("case show", function () {
    it("prints the case's state and parties", async function () {
      const c = await readJson("case", "show", String(ids.case1));
      expect(c).to.include({ caseId: "1", state: "Pending", accusedId: "2", reporterId: "1", reasonCode: 7 });
      expect(c.reporter === accounts.admin1, c.reporter).to.equal(true);
      const table = await read("case", "show", String(ids.case1));
      expect(table.stdout).to.match(/^state +Pending$/m);
      expect(table.stdout).to.match(new RegExp(`^reporter +1 \\(${accounts.admin1}\\)$`, "m"));
    });

    describe("reverts", function () {
      it("when the case is unknown: the decoded custom error, exit code 1", async function () {
        expectFailure(await read("case", "show", "42"), 1, "credence: PenaltyCasesUnknownCase(caseId: 42)");
      });
    });
  });

  describe("params", function () {
    it("prints the community's parameters, entry criteria and penalty parameters", async function () {
      const params = await readJson("params");
      expect(params).to.include({ communityType: "Private", organizationCount: "3" });
      const onChain = await suite.penalty.parameters();
      expect(params.penaltyParameters.votingDelay).to.equal(onChain.votingDelay.toString());
      expect(params.penaltyParameters.expelThreshold).to.equal(onChain.expelThreshold.toString());
      expect(params.entryCriteria.maxRecommendations).to.equal(
        (await suite.registry.entryCriteria()).maxRecommendations.toString(),
      );
      const table = await read("params");
      for (const title of ["Community", "Entry criteria", "Trust model", "Penalty cases (durations in blocks)"]) {
        expect(table.stdout).to.match(new RegExp(`^${title.replace(/[()]/g, "\\$&")}$`, "m"));
      }
      expect(table.stdout).to.match(/^weightPreTrust +0\.3500$/m);
      // Counts print as integers, fractions with four decimals.
      const { probationRatings, recommendationDamping } = await suite.ledger.parameters();
      expect(table.stdout).to.match(new RegExp(`^probationRatings +${probationRatings}$`, "m"));
      expect(table.stdout).to.match(new RegExp(`^recommendationDamping +${recommendationDamping}$`, "m"));
      expect(table.stdout).to.match(new RegExp(`^votingDelay +${onChain.votingDelay}$`, "m"));
    });
  });

  describe("the network", function () {
    it("is unreachable: one line, exit code 3", async function () {
      const port = await freePort();
      const result = await runCli(["params", "--rpc", `http://127.0.0.1:${port}`, "--deployment", deploymentFile]);
      expectFailure(
        result,
        3,
        new RegExp(`^credence: cannot reach the node at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\n$`),
      );
    });

    it("is another chain than the deployment file's: exit code 3", async function () {
      const other = path.join(dir, "other-chain.json");
      await writeDeployment(other, 1337, await addressesOf(suite));
      expectFailure(
        await runCli(["params", "--rpc", url, "--deployment", other]),
        3,
        `credence: wrong network: deployment file ${other} is for chain 1337, the node at ${url} is chain 31337`,
      );
    });

    it("has no contract at a deployed address: exit code 3", async function () {
      const empty = path.join(dir, "no-code.json");
      const nowhere = Wallet.createRandom().address;
      await writeDeployment(empty, 31337, { ...(await addressesOf(suite)), TrustLedger: nowhere });
      expectFailure(
        await runCli(["params", "--rpc", url, "--deployment", empty]),
        3,
        `credence: wrong network: no contract code at TrustLedger ${nowhere} (from ${empty}) on chain 31337`,
      );
    });

    it("has a deployment file that is not JSON: exit code 2", async function () {
      const broken = path.join(dir, "broken.json");
      await writeFile(broken, "{ chainId: ");
      expectFailure(
        await runCli(["params", "--rpc", url, "--deployment", broken]),
        2,
        `credence: deployment file ${broken} is not valid JSON`,
      );
    });
  });
});
