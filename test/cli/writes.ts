import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { TypedDataEncoder, Wallet, ZeroHash, id, keccak256, parseEther, verifyTypedData } from "ethers";
import { network } from "hardhat";

import { activate } from "../../src/actions/activate.js";
import { decodeRatings } from "../../src/actions/decodeRatings.js";
import { deploySuite } from "../../src/actions/deploySuite.js";
import { flag } from "../../src/actions/flag.js";
import { recommend } from "../../src/actions/recommend.js";
import { requestJoin } from "../../src/actions/requestJoin.js";
import { BALLOT_TYPES, DEFAULT_BALLOT_LIFETIME } from "../../src/actions/signVote.js";
import { CaseState, Level, ONE, Role, Status, VoteType, enumName } from "../../src/constants.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import type { Connection, Suite } from "../helpers/fixtures.js";
import { serveChain } from "../helpers/serveChain.js";
import { addressesOf, expectFailure, runCli, writeDeployment } from "./support/cli.js";
import { type KeystoreAccount, writeKeystore } from "./support/wallets.js";

/** Nothing listens here: a command that fails with exit code 2 against it has not tried to connect. */
const NOWHERE = "http://127.0.0.1:1";

const PASSWORD = "cli writes";

describe("credence writes", function () {
  this.timeout(120_000);

  let connection: Connection;
  let suite: Suite;
  let url: string;
  let server: Server;
  let dir: string;
  let deploymentFile: string;
  /** The same addresses as deploymentFile, on chain 1337: what a ballot signed for another network names. */
  let otherChainFile: string;
  /** Keystore accounts. platform holds ASSESSOR and RATIFIER; the others are admins of organizations. */
  let platform: KeystoreAccount;
  let alpha: KeystoreAccount;
  let beta: KeystoreAccount;
  let carol: KeystoreAccount;
  let dave: KeystoreAccount;
  let weak: KeystoreAccount;
  let newcomer: KeystoreAccount;
  /** No ether at all, and no organization. */
  let poor: KeystoreAccount;
  const ids = {
    ...{ alpha: 0n, beta: 0n, carol: 0n, dave: 0n, weak: 0n, accused: 0n, y: 0n, z: 0n, cand1: 0n, cand2: 0n },
    signalled: 0n,
  };

  /** Short periods: voting opens 3 blocks after a flag and lasts 20 blocks; the ratifier has 10 more. */
  const penaltyParameters = {
    votingDelay: 3n,
    votingPeriod: 20n,
    ratificationWindow: 10n,
    quorumShare: toFixed("0.2"),
  };

  /** `credence <args>` against the served chain, signing with `account`. */
  const send = (account: KeystoreAccount, ...args: string[]) =>
    runCli([...args, "--rpc", url, "--deployment", deploymentFile, "--wallet", account.file], {
      env: { CREDENCE_PASSWORD: PASSWORD },
    });
  /** `send` with --json: must succeed without a word on stderr; returns the parsed result. */
  const sendJson = async (account: KeystoreAccount, ...args: string[]) => {
    const result = await send(account, ...args, "--json");
    expect(result, result.stderr).to.include({ code: 0, stderr: "" });
    return JSON.parse(result.stdout);
  };
  /** `credence <args>` against a node that is not there, with a wallet (so that only the input is at fault). */
  const offline = (account: KeystoreAccount, ...args: string[]) =>
    runCli([...args, "--rpc", NOWHERE, "--wallet", account.file], { env: { CREDENCE_PASSWORD: PASSWORD } });
  const nonceOf = (account: KeystoreAccount) => connection.ethers.provider.getTransactionCount(account.address);
  /** Runs `command` as `account` and checks that it is refused for lacking `role` without sending anything. */
  const expectMissingRole = async (account: KeystoreAccount, role: string, fn: string, ...command: string[]) => {
    const before = await nonceOf(account);
    expectFailure(
      await send(account, ...command),
      1,
      `credence: missing role: ${account.address} does not hold ${role}, which ${fn} needs`,
    );
    expect(await nonceOf(account)).to.equal(before);
  };
  const mineTo = async (block: bigint) => {
    const latest = BigInt(await connection.ethers.provider.getBlockNumber());
    if (block > latest) await connection.networkHelpers.mine(block - latest);
  };

  before(async function () {
    connection = await network.create();
    const { ethers } = connection;
    const [governance, accusedAdmin, yAdmin, zAdmin, cand1Admin, cand2Admin, signalledAdmin] =
      await ethers.getSigners();
    // Trust at or below the baseline never decays: with the baseline at 1 every figure a test reads stays put
    // from one block to the next, so that messages and results can be compared exactly. No probation: the
    // founders start at the initial cap, and the ratings below must move their trust.
    suite = await deploySuite({
      connection,
      trustParameters: { baseline: ONE, probationRatings: 0n },
      penaltyParameters,
    });
    const { manager, registry } = suite;

    dir = await mkdtemp(path.join(tmpdir(), "credence-cli-writes-"));
    [platform, alpha, beta, carol, dave, weak, newcomer, poor] = await Promise.all(
      ["platform", "alpha", "beta", "carol", "dave", "weak", "newcomer", "poor"].map((name) =>
        writeKeystore(dir, name, PASSWORD),
      ),
    );
    // The in-process chain charges a base fee: the accounts that send need ether (carol and dave only sign).
    for (const account of [platform, alpha, beta, weak, newcomer]) {
      await (await governance.sendTransaction({ to: account.address, value: parseEther("10") })).wait();
    }
    await (await manager.connect(governance).grantRole(Role.ASSESSOR, platform.address, 0)).wait();
    await (await manager.connect(governance).grantRole(Role.RATIFIER, platform.address, 0)).wait();

    // Organizations: governance (the deployment's assessor) files each join request for its admin and activates.
    const found = async (admin: string, label: string, legal: number, capability: number, country = "DE") => {
      const { orgId } = await requestJoin({
        registry,
        signer: governance,
        admin,
        identityHash: id(`identity:${label}`),
        country,
        profileHash: id(`profile:${label}`),
        profileURI: `ipfs://profile/${label}`,
      });
      if (legal !== Level.None) await activate({ registry, assessor: governance, orgId, legal, capability });
      return orgId;
    };
    ids.alpha = await found(alpha.address, "alpha", Level.High, Level.High);
    ids.beta = await found(beta.address, "beta", Level.High, Level.Medium, "FR");
    ids.carol = await found(carol.address, "carol", Level.High, Level.High, "NL");
    ids.dave = await found(dave.address, "dave", Level.High, Level.High, "CH");
    ids.weak = await found(weak.address, "weak", Level.Low, Level.Low, "BR");
    ids.z = await found(zAdmin.address, "z", Level.High, Level.High);
    ids.y = await found(yAdmin.address, "y", Level.High, Level.High);
    // Rated with low integrity by the platform: its signals open a case (and the next is ignored).
    ids.signalled = await found(signalledAdmin.address, "signalled", Level.High, Level.High);
    // The accused of the CLI's case, recommended by alpha: alpha is liable when it is expelled.
    ids.accused = await found(accusedAdmin.address, "accused", Level.None, Level.None);
    const alphaSigner = alpha.wallet.connect(ethers.provider);
    await recommend({ registry, signer: alphaSigner, candidateId: ids.accused, score: toFixed("0.9") });
    await activate({ registry, assessor: governance, orgId: ids.accused, legal: Level.High, capability: Level.High });
    // Two Pending candidates: one to recommend and activate, one to reject.
    ids.cand1 = await found(cand1Admin.address, "cand1", Level.None, Level.None);
    ids.cand2 = await found(cand2Admin.address, "cand2", Level.None, Level.None);

    ({ url, server } = await serveChain(connection));
    deploymentFile = path.join(dir, "deployment.json");
    otherChainFile = path.join(dir, "other-chain.json");
    const addresses = await addressesOf(suite);
    await writeDeployment(deploymentFile, 31337, addresses);
    await writeDeployment(otherChainFile, 1337, addresses);
  });

  after(async function () {
    server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe("wallet and gas", function () {
    describe("reverts", function () {
      it("when a write has no --wallet: exit code 2, before connecting", async function () {
        expectFailure(
          await runCli(["org", "add-member", Wallet.createRandom().address, "--rpc", NOWHERE]),
          2,
          "credence: this command sends a transaction: pass --wallet FILE (an encrypted JSON keystore)",
        );
      });

      it("when --gas-price is not an integer: exit code 2, before connecting", async function () {
        expectFailure(
          await offline(alpha, "org", "add-member", Wallet.createRandom().address, "--gas-price", "1.5"),
          2,
          'credence: --gas-price must be a non-negative integer, not "1.5"',
        );
      });

      it("when the password is wrong: exit code 4, nothing sent", async function () {
        const before = await nonceOf(alpha);
        const args = ["org", "add-member", Wallet.createRandom().address, "--wallet", alpha.file];
        expectFailure(
          await runCli([...args, "--rpc", url, "--deployment", deploymentFile], {
            env: { CREDENCE_PASSWORD: "not the password" },
          }),
          4,
          `credence: wrong password for wallet ${alpha.file}`,
        );
        expect(await nonceOf(alpha)).to.equal(before);
      });

      it("when the wallet has no ether on a chain that charges for gas: one line, exit code 1", async function () {
        const latest = await connection.ethers.provider.getBlock("latest");
        expect(latest!.baseFeePerGas! > 0n, "the in-process chain charges a base fee").to.equal(true);
        const result = await send(
          poor,
          ...["org", "join", "--identity", "poor", "--country", "DE"],
          ...["--profile-uri", "ipfs://poor", "--profile-hash", id("profile:poor")],
        );
        // The node's own refusal, not ethers' "could not coalesce error" (the wording is the in-process node's).
        expectFailure(result, 1, /^credence: .*(enough funds|insufficient funds).*\n$/i);
        expect(await nonceOf(poor)).to.equal(0);
        expect(await suite.registry.organizationOf(poor.address)).to.equal(0n);
      });
    });
  });

  describe("org join", function () {
    it("asks to join for the wallet's account: the Pending organization on chain is the one printed", async function () {
      const profile = path.join(dir, "newcomer-profile.json");
      await writeFile(profile, '{"name": "Newcomer GmbH"}\n');
      const joined = await sendJson(
        newcomer,
        ...["org", "join", "--identity", "HRB 12345 Berlin", "--country", "de"],
        ...["--profile-uri", "ipfs://newcomer", "--profile-file", profile],
      );
      const orgId = await suite.registry.organizationOf(newcomer.address);
      expect(joined.orgId).to.equal(orgId.toString());
      expect(joined).to.include({ admin: newcomer.address, submittedBy: newcomer.address, country: "DE" });
      const org = await suite.registry.organization(orgId);
      expect(org.status).to.equal(BigInt(Status.Pending));
      expect(org.identityHash).to.equal(id("HRB 12345 Berlin"));
      expect(org.country).to.equal(countryCode("DE"));
      expect(org.profileHash).to.equal(keccak256(await readFile(profile)));
      expect(org.profileURI).to.equal("ipfs://newcomer");
      expect(org.requestedAt).to.equal(BigInt(joined.blockNumber));
      const receipt = await connection.ethers.provider.getTransactionReceipt(joined.transactionHash);
      expect(receipt!.gasUsed.toString()).to.equal(joined.gasUsed);
    });

    it("files the request for another admin with --for (ASSESSOR), and prints a record", async function () {
      const delegate = Wallet.createRandom().address;
      const result = await send(
        platform,
        ...["org", "join", "--for", delegate.toLowerCase(), "--identity", "delegate", "--country", "FR"],
        ...["--profile-uri", "ipfs://delegate", "--profile-hash", id("profile:delegate")],
      );
      expect(result, result.stderr).to.include({ code: 0, stderr: "" });
      const orgId = await suite.registry.organizationOf(delegate);
      expect(orgId).to.not.equal(0n);
      expect((await suite.registry.organization(orgId)).admin).to.equal(delegate);
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines.map((line) => line.split(/ {2,}/)[0])).to.deep.equal([
        "organization",
        "status",
        "admin",
        "submitted by",
        "country",
        "transaction",
        "block",
        "gas used",
      ]);
      expect(result.stdout).to.match(new RegExp(`^organization +${orgId}$`, "m"));
      expect(result.stdout).to.match(/^status +Pending$/m);
      expect(result.stdout).to.match(new RegExp(`^admin +${delegate}$`, "m"));
      expect(result.stdout).to.match(new RegExp(`^submitted by +${platform.address}$`, "m"));
      expect(result.stdout).to.match(/^transaction +0x[0-9a-f]{64}$/m);
    });

    describe("reverts", function () {
      it("when --for is used without ASSESSOR: missing role, nothing sent", async function () {
        await expectMissingRole(
          alpha,
          "ASSESSOR",
          "EntityRegistry.requestJoinFor",
          ...["org", "join", "--for", Wallet.createRandom().address, "--identity", "x", "--country", "DE"],
          ...["--profile-uri", "ipfs://x", "--profile-hash", id("x")],
        );
      });

      it("when an input is malformed: exit code 2, before connecting", async function () {
        const join = (...args: string[]) =>
          offline(newcomer, "org", "join", "--identity", "x", "--profile-uri", "ipfs://x", ...args);
        const hash = id("x");
        const results = await Promise.all([
          join("--country", "DEU", "--profile-hash", hash),
          join("--country", "DE", "--profile-hash", hash, "--profile-file", deploymentFile),
          join("--country", "DE", "--profile-hash", "0x1234"),
          join("--country", "DE", "--profile-hash", hash, "--for", "bob"),
          join("--country", "DE"),
        ]);
        expectFailure(results[0], 2, 'credence: --country must be an ISO 3166-1 alpha-2 code such as DE, not "DEU"');
        expectFailure(results[1], 2, "credence: pass exactly one of --profile-hash 0x… and --profile-file FILE");
        expectFailure(results[2], 2, 'credence: --profile-hash must be 32 bytes (0x and 64 hex digits), not "0x1234"');
        expectFailure(results[3], 2, 'credence: --for must be an address (0x and 40 hex digits), not "bob"');
        expectFailure(results[4], 2, "credence: pass exactly one of --profile-hash 0x… and --profile-file FILE");
      });
    });
  });

  describe("org recommend", function () {
    it("recommends a Pending candidate, weighted by the organization's trust", async function () {
      const made = await sendJson(alpha, "org", "recommend", String(ids.cand1), "--score", "0.75");
      const recommendation = await suite.registry.recommendation(ids.cand1, ids.alpha);
      expect(made).to.include({
        candidateId: String(ids.cand1),
        recommenderId: String(ids.alpha),
        score: toFixed("0.75").toString(),
        weight: (await suite.ledger.trustOf(ids.alpha)).toString(),
      });
      expect(recommendation.score).to.equal(toFixed("0.75"));
      expect(recommendation.weight.toString()).to.equal(made.weight);
      expect(recommendation.recommendedAt).to.equal(BigInt(made.blockNumber));
    });

    describe("reverts", function () {
      it("when the organization has recommended the candidate already: the decoded error", async function () {
        expectFailure(
          await send(alpha, "org", "recommend", String(ids.cand1), "--score", "0.5"),
          1,
          `credence: EntityRegistryAlreadyRecommended(candidateId: ${ids.cand1}, recommenderId: ${ids.alpha})`,
        );
      });

      it("when the score is above 1: exit code 2, before connecting", async function () {
        expectFailure(
          await offline(alpha, "org", "recommend", String(ids.cand1), "--score", "1.5"),
          2,
          'credence: --score must be a decimal in [0, 1] with at most 18 decimals, not "1.5"',
        );
      });
    });
  });

  describe("org activate", function () {
    it("activates a Pending candidate (ASSESSOR): the initial trust printed is the ledger's", async function () {
      const activated = await sendJson(
        platform,
        ...["org", "activate", String(ids.cand1), "--legal", "high", "--capability", "Medium"],
      );
      const org = await suite.registry.organization(ids.cand1);
      expect(org.status).to.equal(BigInt(Status.Active));
      expect(org.activatedAt).to.equal(BigInt(activated.blockNumber));
      expect(org.preTrust > 0n, "alpha's recommendation counts").to.equal(true);
      expect(activated).to.include({
        orgId: String(ids.cand1),
        legal: Level.High,
        capability: Level.Medium,
        preTrust: org.preTrust.toString(),
        initialTrust: (await suite.ledger.trustOf(ids.cand1)).toString(),
      });
      expect(activated.initialTrust).to.equal(org.initialTrust.toString());
    });

    describe("reverts", function () {
      it("when the wallet lacks ASSESSOR: missing role, nothing sent", async function () {
        await expectMissingRole(
          alpha,
          "ASSESSOR",
          "EntityRegistry.activate",
          ...["org", "activate", String(ids.cand2), "--legal", "high", "--capability", "high"],
        );
      });

      it("when the candidate is not Pending: the decoded error, statuses by name", async function () {
        expectFailure(
          await send(platform, "org", "activate", String(ids.alpha), "--legal", "low", "--capability", "low"),
          1,
          `credence: EntityRegistryUnexpectedStatus(orgId: ${ids.alpha}, current: Active (2), expected: Pending (1))`,
        );
      });

      it("when the organization is unknown: exit code 1", async function () {
        expectFailure(
          await send(platform, "org", "activate", "99", "--legal", "low", "--capability", "low"),
          1,
          "credence: unknown organization 99",
        );
      });

      it("when a level is not low, medium or high: exit code 2, before connecting", async function () {
        expectFailure(
          await offline(platform, "org", "activate", "1", "--legal", "extreme", "--capability", "low"),
          2,
          'credence: --legal must be low, medium or high, not "extreme"',
        );
      });
    });
  });

  describe("org reject", function () {
    it("rejects a Pending candidate (ASSESSOR) with the hash of the reasons", async function () {
      const rejected = await sendJson(platform, "org", "reject", String(ids.cand2), "--reason", "statutes missing");
      expect(rejected).to.include({ orgId: String(ids.cand2), reasonHash: id("statutes missing") });
      expect(await suite.registry.statusOf(ids.cand2)).to.equal(BigInt(Status.Rejected));
    });

    describe("reverts", function () {
      it("when the wallet lacks ASSESSOR: missing role, nothing sent", async function () {
        await expectMissingRole(
          beta,
          "ASSESSOR",
          "EntityRegistry.reject",
          ...["org", "reject", String(ids.cand1), "--reason", "no"],
        );
      });
    });
  });

  describe("org add-member and remove-member", function () {
    it("binds an account to the wallet's organization, then releases it", async function () {
      const member = Wallet.createRandom().address;
      const added = await sendJson(alpha, "org", "add-member", member);
      const { memberCount } = await suite.registry.organization(ids.alpha);
      expect(added).to.include({ orgId: String(ids.alpha), account: member, memberCount: memberCount.toString() });
      expect(memberCount).to.equal(2n);
      expect(await suite.registry.organizationOf(member)).to.equal(ids.alpha);

      // Lower-case address, explicit --org and --gas-price, and the readable output.
      const gasPrice = 3_000_000_000n;
      const removed = await send(
        alpha,
        ...["org", "remove-member", member.toLowerCase(), "--org", String(ids.alpha), "--gas-price", String(gasPrice)],
      );
      expect(removed, removed.stderr).to.include({ code: 0, stderr: "" });
      expect(await suite.registry.organizationOf(member)).to.equal(0n);
      expect(removed.stdout).to.match(new RegExp(`^organization +${ids.alpha}$`, "m"));
      expect(removed.stdout).to.match(new RegExp(`^account +${member}$`, "m"));
      expect(removed.stdout).to.match(/^member accounts +1$/m);
      const hash = /^transaction +(0x[0-9a-f]{64})$/m.exec(removed.stdout)![1];
      const sent = (await connection.ethers.provider.getTransaction(hash))!;
      expect(sent.gasPrice).to.equal(gasPrice);
      // The gas limit is the node's estimate plus a quarter: room for a transaction landing in another block.
      const { gasUsed } = (await connection.ethers.provider.getTransactionReceipt(hash))!;
      expect(sent.gasLimit >= (gasUsed * 5n) / 4n, `limit ${sent.gasLimit}, used ${gasUsed}`).to.equal(true);
    });

    describe("reverts", function () {
      it("when --org names an unknown organization: exit code 1", async function () {
        expectFailure(
          await send(alpha, "org", "add-member", Wallet.createRandom().address, "--org", "99"),
          1,
          "credence: unknown organization 99",
        );
      });

      it("when the wallet's account belongs to no organization: exit code 1", async function () {
        expectFailure(
          await send(poor, "org", "add-member", Wallet.createRandom().address),
          1,
          `credence: unknown organization: the wallet's account ${poor.address} belongs to none`,
        );
      });

      it("when the wallet is not the organization's admin: the decoded error", async function () {
        expectFailure(
          await send(beta, "org", "add-member", Wallet.createRandom().address, "--org", String(ids.alpha)),
          1,
          `credence: EntityRegistryNotOrganizationAdmin(orgId: ${ids.alpha}, account: ${beta.address})`,
        );
      });

      it("when the account is not an address: exit code 2, before connecting", async function () {
        expectFailure(
          await offline(alpha, "org", "remove-member", "0x1234"),
          2,
          'credence: the account must be an address (0x and 40 hex digits), not "0x1234"',
        );
      });
    });
  });

  describe("profile add, edit and delete", function () {
    const profileArgs = (label: string) => ["--profile-uri", `ipfs://${label}`, "--profile-hash", id(label)];

    it("edits and deletes the organization's profile, each change a version", async function () {
      const edited = await sendJson(alpha, "profile", "edit", ...profileArgs("alpha-v2"));
      expect(edited).to.include({
        orgId: String(ids.alpha),
        action: "Edited",
        version: "2",
        profileHash: id("alpha-v2"),
        profileURI: "ipfs://alpha-v2",
      });
      let org = await suite.registry.organization(ids.alpha);
      expect([org.profileVersion, org.profileHash, org.profileURI]).to.deep.equal([
        2n,
        id("alpha-v2"),
        "ipfs://alpha-v2",
      ]);

      const deleted = await sendJson(alpha, "profile", "delete", "--org", String(ids.alpha));
      expect(deleted).to.include({ orgId: String(ids.alpha), version: "3" });
      org = await suite.registry.organization(ids.alpha);
      expect([org.profileVersion, org.profileHash, org.profileURI]).to.deep.equal([3n, ZeroHash, ""]);
    });

    it("adds a profile only where there is none, and edits only where there is one", async function () {
      const before = await nonceOf(alpha);
      expectFailure(
        await send(alpha, "profile", "edit", ...profileArgs("alpha-v4")),
        1,
        `credence: organization ${ids.alpha} has no profile: use profile add`,
      );
      expectFailure(
        await send(alpha, "profile", "delete"),
        1,
        `credence: EntityRegistryNoProfile(orgId: ${ids.alpha})`,
      );
      expect(await nonceOf(alpha)).to.equal(before);

      const file = path.join(dir, "alpha-profile.json");
      await writeFile(file, '{"name": "Alpha AG", "version": 4}\n');
      const added = await sendJson(alpha, "profile", "add", "--profile-uri", "ipfs://alpha-v4", "--profile-file", file);
      const profileHash = keccak256(await readFile(file));
      expect(added).to.include({ action: "Added", version: "4", profileHash, profileURI: "ipfs://alpha-v4" });
      expect((await suite.registry.organization(ids.alpha)).profileHash).to.equal(profileHash);

      expectFailure(
        await send(alpha, "profile", "add", ...profileArgs("alpha-v5")),
        1,
        `credence: organization ${ids.alpha} already has a profile (version 4): use profile edit`,
      );
      expect((await suite.registry.organization(ids.alpha)).profileVersion).to.equal(4n);
    });

    describe("reverts", function () {
      it("when --profile-uri is missing or the profile file unreadable: exit code 2, before connecting", async function () {
        const missing = path.join(dir, "no-such-profile.json");
        const [noUri, noFile] = await Promise.all([
          offline(alpha, "profile", "add", "--profile-hash", id("x")),
          offline(alpha, "profile", "edit", "--profile-uri", "ipfs://x", "--profile-file", missing),
        ]);
        expectFailure(noUri, 2, "credence: --profile-uri URI is required");
        expectFailure(noFile, 2, `credence: profile file ${missing}: not found`);
      });
    });
  });

  describe("trust rate", function () {
    const scores = ["--quality", "0.9", "--quantity", "0.8", "--integrity", "1", "--intent", "1"];

    it("rates a contribution as the platform (ASSESSOR): the new trust is the ledger's", async function () {
      const before = await suite.ledger.trustOf(ids.alpha);
      const rated = await sendJson(
        platform,
        ...["trust", "rate", String(ids.alpha), "--contribution", "report-117", ...scores, "--evidence", "eval-117"],
      );
      const after = await suite.ledger.trustOf(ids.alpha);
      expect(after).to.not.equal(before);
      expect(rated).to.include({
        orgId: String(ids.alpha),
        contributionId: id("report-117"),
        rater: platform.address,
        raterOrgId: "0",
        weight: ONE.toString(),
        oldTrust: before.toString(),
        newTrust: after.toString(),
        delta: (after - before).toString(),
      });
      expect(rated).to.not.have.property("signal"); // integrity and intent 1: no low-integrity signal
    });

    it("rates it as a peer with --peer, weighted by the rater organization's trust", async function () {
      const before = await suite.ledger.trustOf(ids.alpha);
      const rated = await sendJson(
        beta,
        ...["trust", "rate", alpha.address, "--peer", "--contribution", "report-117", ...scores],
      );
      expect(rated).to.include({
        orgId: String(ids.alpha),
        contributionId: id("report-117"),
        rater: beta.address,
        raterOrgId: String(ids.beta),
        weight: (await suite.ledger.trustOf(ids.beta)).toString(),
        oldTrust: before.toString(),
        newTrust: (await suite.ledger.trustOf(ids.alpha)).toString(),
      });
    });

    it("says which case a platform rating's low-integrity signal opened, and when one is open already", async function () {
      const low = ["--quality", "0.5", "--quantity", "0.5", "--integrity", "0.1", "--intent", "0.9"];
      const rateLow = (contribution: string) =>
        sendJson(platform, "trust", "rate", String(ids.signalled), "--contribution", contribution, ...low);
      const first = await rateLow("leak-1");
      const caseId = await suite.penalty.openCaseOf(ids.signalled);
      expect(caseId).to.not.equal(0n);
      expect(first.signal).to.include({ orgId: String(ids.signalled), integrity: toFixed("0.1").toString() });
      expect(first.casesOpened).to.deep.equal([caseId.toString()]);
      expect(first.ignoredForOpenCase).to.deep.equal([]);
      const second = await rateLow("leak-2");
      expect(second.casesOpened).to.deep.equal([]);
      expect(second.ignoredForOpenCase).to.deep.equal([caseId.toString()]);
      const text = await send(platform, "trust", "rate", String(ids.signalled), "--contribution", "leak-3", ...low);
      expect(text.stdout).to.match(
        new RegExp(
          `^low-integrity signal +yes \\(integrity 0\\.1000, intent 0\\.9000\\): case ${caseId} is open already$`,
          "m",
        ),
      );
    });

    describe("reverts", function () {
      it("when the wallet lacks ASSESSOR (no --peer): missing role, nothing sent", async function () {
        await expectMissingRole(
          alpha,
          "ASSESSOR",
          "TrustLedger.rate",
          ...["trust", "rate", String(ids.beta), "--contribution", "self-made", ...scores],
        );
      });

      it("when the contribution is rated already: the decoded error", async function () {
        expectFailure(
          await send(platform, "trust", "rate", String(ids.alpha), "--contribution", "report-117", ...scores),
          1,
          `credence: TrustLedgerAlreadyRated(orgId: ${ids.alpha}, contributionId: ${id("report-117")}, raterOrgId: 0)`,
        );
      });

      it("when a score is above 1: exit code 2, before connecting", async function () {
        expectFailure(
          await offline(platform, "trust", "rate", "1", "--contribution", "c", ...scores.slice(2), "--quality", "1.01"),
          2,
          'credence: --quality must be a decimal in [0, 1] with at most 18 decimals, not "1.01"',
        );
      });
    });
  });

  describe("trust rate-batch", function () {
    let csv: string;

    before(async function () {
      csv = path.join(dir, "ratings.csv");
      await writeFile(
        csv,
        [
          "org,contribution,quality,quantity,integrity,intent,evidence",
          `${ids.beta},batch-1,0.9,0.5,1,1,`,
          `${ids.carol},batch-2,0.8,0.5,1,1,`,
          `${ids.dave},batch-3,0.7,0.5,1,1,evaluation-3`,
          "",
        ].join("\n"),
      );
    });

    it("sends the file in chunks of --batch-size, a progress line per step on stderr", async function () {
      const result = await send(platform, "trust", "rate-batch", csv, "--batch-size", "2", "--json");
      expect(result.code, result.stderr).to.equal(0);
      const batch = JSON.parse(result.stdout);
      expect(batch).to.include({ file: csv, total: 3, applied: 3, alreadyRated: 0, signals: 0 });
      expect(batch.skipped).to.deep.equal([]);
      expect(batch.transactions.map((t: { ratings: number }) => t.ratings)).to.deep.equal([2, 1]);
      const [first, second] = batch.transactions as { transactionHash: string; blockNumber: number }[];
      expect(result.stderr.split("\n")).to.deep.equal([
        "rate-batch: sending ratings 1-2 of 3",
        `rate-batch: 2/3 sent, 2 applied, 0 already rated, 0 skipped (block ${first.blockNumber})`,
        "rate-batch: sending ratings 3-3 of 3",
        `rate-batch: 3/3 sent, 3 applied, 0 already rated, 0 skipped (block ${second.blockNumber})`,
        "",
      ]);
      // Each transaction applied its chunk, and the trust it wrote is the ledger's now.
      let gasUsed = 0n;
      const orgs = [];
      for (const transaction of batch.transactions) {
        const receipt = (await connection.ethers.provider.getTransactionReceipt(transaction.transactionHash))!;
        expect(receipt.blockNumber).to.equal(transaction.blockNumber);
        gasUsed += receipt.gasUsed;
        for (const rated of decodeRatings({ receipt, ledger: suite.ledger }).rated) {
          orgs.push(rated.orgId);
          expect(rated.newTrust).to.equal(await suite.ledger.trustOf(rated.orgId));
        }
      }
      expect(orgs).to.deep.equal([ids.beta, ids.carol, ids.dave]);
      expect(batch.gasUsed).to.equal(gasUsed.toString());
    });

    it("skips what is on chain when the same file runs again, sending nothing: exit code 0", async function () {
      const nonce = await nonceOf(platform);
      const result = await send(platform, "trust", "rate-batch", csv, "--json");
      expect(result.code, result.stderr).to.equal(0);
      const batch = JSON.parse(result.stdout);
      expect(batch).to.include({ total: 3, applied: 0, alreadyRated: 3 });
      expect(batch.skipped).to.deep.equal([]);
      // Read from the ledger first: nothing left to send, so no transaction.
      expect(batch.transactions).to.deep.equal([]);
      expect(await nonceOf(platform)).to.equal(nonce);
      expect(result.stderr).to.equal("rate-batch: 3 of 3 ratings are on chain already\n");
    });

    it("prints its table and fails with exit code 1 when an item is skipped for another reason", async function () {
      const file = path.join(dir, "ratings-with-a-rejected-org.json");
      const item = (org: bigint, contribution: string) =>
        `{"org": ${org}, "contribution": "${contribution}", "quality": 0.6, "quantity": 0.5, "integrity": 1, "intent": 1}`;
      await writeFile(file, `[\n${item(ids.carol, "mixed-1")},\n${item(ids.cand2, "mixed-2")}\n]\n`);
      const carolBefore = await suite.ledger.trustOf(ids.carol);
      const result = await send(platform, "trust", "rate-batch", file);
      expect(result.code, result.stderr).to.equal(1);
      expect(result.stdout).to.match(/^ratings +2$/m);
      expect(result.stdout).to.match(/^applied +1$/m);
      expect(result.stdout).to.match(/^skipped +1$/m);
      expect(result.stdout).to.match(/^Skipped$/m);
      expect(result.stdout).to.match(
        new RegExp(`^item 2 +${ids.cand2} +${id("mixed-2")} +TrustLedgerInactiveOrganization$`, "m"),
      );
      // stderr: the progress lines, then the one line of the failure.
      const lines = result.stderr.trimEnd().split("\n");
      expect(
        lines.slice(0, -1).every((line) => line.startsWith("rate-batch: ")),
        result.stderr,
      ).to.equal(true);
      expect(lines.at(-1)).to.equal(
        "credence: 1 of 2 ratings were skipped (first: item 2, TrustLedgerInactiveOrganization)",
      );
      expect(await suite.ledger.trustOf(ids.carol)).to.not.equal(carolBefore);
    });

    describe("reverts", function () {
      it("when the wallet lacks ASSESSOR: missing role, nothing sent", async function () {
        await expectMissingRole(alpha, "ASSESSOR", "TrustLedger.rateBatch", "trust", "rate-batch", csv);
      });

      it("when --batch-size or --format is malformed: exit code 2, before connecting", async function () {
        const [size, format] = await Promise.all([
          offline(platform, "trust", "rate-batch", csv, "--batch-size", "0"),
          offline(platform, "trust", "rate-batch", csv, "--format", "xml"),
        ]);
        expectFailure(size, 2, 'credence: --batch-size must be an integer of at least 1, not "0"');
        expectFailure(format, 2, 'credence: --format must be json or csv, not "xml"');
      });
    });
  });

  describe("penalty cases", function () {
    /** The case the command line opens (alpha flags the accused) and the vote expels. */
    let caseId: bigint;
    /** A case governance's z opened against y in-process, left without votes, for execute. */
    let quietCaseId: bigint;
    let penaltyAddress: string;
    const ballots = { carol: "", dave: "", otherChain: "", expired: "" };

    before(async function () {
      penaltyAddress = await suite.penalty.getAddress();
      const zAdmin = (await connection.ethers.getSigners())[3];
      ({ caseId: quietCaseId } = await flag({
        penalty: suite.penalty,
        signer: zAdmin,
        accusedId: ids.y,
        reasonCode: 2,
        evidenceHash: id("quiet"),
      }));
      for (const name of Object.keys(ballots) as (keyof typeof ballots)[]) {
        ballots[name] = path.join(dir, `ballot-${name}.json`);
      }
    });

    describe("case flag", function () {
      it("opens a case against the accused: the case on chain is the one printed", async function () {
        const before = await suite.ledger.trustOf(ids.alpha);
        const opened = await sendJson(
          alpha,
          ...["case", "flag", String(ids.accused), "--reason-code", "7", "--evidence", "minutes 2026-03-02"],
        );
        caseId = await suite.penalty.caseCount();
        expect(opened.caseId).to.equal(caseId.toString());
        const c = await suite.penalty.getCase(caseId);
        expect(opened).to.include({
          accusedId: String(ids.accused),
          reporterId: String(ids.alpha),
          reporter: alpha.address,
          reasonCode: 7,
          evidenceHash: id("minutes 2026-03-02"),
          snapshot: String(opened.blockNumber - 1),
          voteStart: c.voteStart.toString(),
          voteEnd: c.voteEnd.toString(),
          bond: c.bond.toString(),
          quorum: c.quorum.toString(),
        });
        expect(c.snapshot.toString()).to.equal(opened.snapshot);
        expect(BigInt(opened.bond)).to.equal(before - (await suite.ledger.trustOf(ids.alpha)));
        expect(await suite.penalty.openCaseOf(ids.accused)).to.equal(caseId);
      });

      describe("reverts", function () {
        it("when the reporter's trust is below the threshold: the decoded error with its figures", async function () {
          const trust = await suite.ledger.trustOf(ids.weak);
          const { reportingThreshold } = await suite.penalty.parameters();
          expect(trust < reportingThreshold, `weak's trust ${trust}`).to.equal(true);
          expectFailure(
            await send(weak, "case", "flag", String(ids.beta), "--reason-code", "1", "--evidence", "hearsay"),
            1,
            `credence: PenaltyCasesReporterBelowThreshold(reporterId: ${ids.weak}, trust: ${trust}, ` +
              `threshold: ${reportingThreshold})`,
          );
        });

        it("when the accused account belongs to no organization: exit code 1", async function () {
          const stranger = Wallet.createRandom().address;
          expectFailure(
            await send(alpha, "case", "flag", stranger, "--reason-code", "1", "--evidence", "e"),
            1,
            `credence: unknown organization: account ${stranger} belongs to none`,
          );
        });

        it("when --reason-code exceeds 65535: exit code 2, before connecting", async function () {
          expectFailure(
            await offline(alpha, "case", "flag", "2", "--reason-code", "70000", "--evidence", "e"),
            2,
            "credence: --reason-code must be at most 65535, not 70000",
          );
        });
      });
    });

    describe("case vote, sign-vote and relay", function () {
      it("refuses a vote before voting opens, the case's state by name", async function () {
        expectFailure(
          await send(beta, "case", "vote", String(caseId), "expel"),
          1,
          `credence: PenaltyCasesUnexpectedState(caseId: ${caseId}, current: Pending (1), expected: Active (2))`,
        );
      });

      it("signs a ballot with nonce and deadline from the chain, to a new file only the owner reads", async function () {
        const latest = (await connection.ethers.provider.getBlock("latest"))!;
        const signed = await sendJson(carol, "case", "sign-vote", String(caseId), "Expel", "--out", ballots.carol);
        const file = JSON.parse(await readFile(ballots.carol, "utf8"));
        expect(signed).to.deep.equal({ file: ballots.carol, ...file });
        expect(file.domain).to.deep.equal({
          name: "Credence PenaltyCases",
          version: "1",
          chainId: "31337",
          verifyingContract: penaltyAddress,
        });
        expect(file.ballot).to.deep.equal({
          caseId: String(caseId),
          support: VoteType.Expel,
          voter: carol.address,
          nonce: (await suite.penalty.nonces(carol.address)).toString(),
          deadline: String(BigInt(latest.timestamp) + DEFAULT_BALLOT_LIFETIME),
        });
        const domain = { ...file.domain, chainId: BigInt(file.domain.chainId) };
        expect(verifyTypedData(domain, BALLOT_TYPES, file.ballot, file.signature)).to.equal(carol.address);
        expect(file.digest).to.equal(TypedDataEncoder.hash(domain, BALLOT_TYPES, file.ballot));
        expect((await stat(ballots.carol)).mode & 0o777).to.equal(0o600);
      });

      it("votes for the wallet's organization, weighted by its trust at the snapshot", async function () {
        const c = await suite.penalty.getCase(caseId);
        await mineTo(c.voteStart);
        const vote = await sendJson(beta, "case", "vote", String(caseId), "expel");
        const weight = await suite.ledger.trustAt(ids.beta, c.snapshot);
        expect(vote).to.include({
          caseId: String(caseId),
          voterOrgId: String(ids.beta),
          voter: beta.address,
          support: "Expel",
          weight: weight.toString(),
        });
        expect(await suite.penalty.hasVoted(caseId, ids.beta)).to.equal(true);
        expect((await suite.penalty.getCase(caseId)).expelWeight).to.equal(weight);
      });

      it("refuses a second vote of the same organization: the decoded error", async function () {
        expectFailure(
          await send(beta, "case", "vote", String(caseId), "keep"),
          1,
          `credence: PenaltyCasesAlreadyVoted(caseId: ${caseId}, voterOrgId: ${ids.beta})`,
        );
      });

      it("relays a signed ballot: the vote counts for the signer, the relayer sends it", async function () {
        const relayed = await sendJson(platform, "case", "relay", ballots.carol);
        const { snapshot } = await suite.penalty.getCase(caseId);
        expect(relayed).to.include({
          caseId: String(caseId),
          voterOrgId: String(ids.carol),
          voter: carol.address,
          relayer: platform.address,
          support: "Expel",
          weight: (await suite.ledger.trustAt(ids.carol, snapshot)).toString(),
        });
        expect(await suite.penalty.hasVoted(caseId, ids.carol)).to.equal(true);
        expect(await suite.penalty.nonces(carol.address)).to.equal(1n);
      });

      it("refuses the same ballot twice: its nonce is spent", async function () {
        const nonce = await nonceOf(platform);
        expectFailure(
          await send(platform, "case", "relay", ballots.carol),
          1,
          `credence: ballot file ${ballots.carol} was used already: its nonce is 0, ${carol.address}'s is now 1`,
        );
        expect(await nonceOf(platform)).to.equal(nonce);
      });

      it("signs without a node with --offline: chain and contract from --deployment, the nonce given", async function () {
        const nonce = await runCli([
          "case",
          "nonce",
          dave.address,
          "--json",
          "--rpc",
          url,
          "--deployment",
          deploymentFile,
        ]);
        expect(nonce, nonce.stderr).to.include({ code: 0, stderr: "" });
        expect(JSON.parse(nonce.stdout)).to.deep.equal({ account: dave.address, nonce: "0" });

        const now = BigInt(Math.floor(Date.now() / 1000));
        const sign = (account: KeystoreAccount, deployment: string, ...args: string[]) =>
          runCli(
            [
              ...["case", "sign-vote", String(caseId), ...args, "--offline"],
              ...["--rpc", NOWHERE, "--deployment", deployment, "--wallet", account.file, "--json"],
            ],
            { env: { CREDENCE_PASSWORD: PASSWORD } },
          );
        const results = await Promise.all([
          sign(dave, deploymentFile, "expel", "--nonce", "0", "--valid-for", "600", "--out", ballots.dave),
          sign(dave, otherChainFile, "expel", "--nonce", "0", "--out", ballots.otherChain),
          sign(carol, deploymentFile, "keep", "--nonce", "1", "--deadline", "1000", "--out", ballots.expired),
        ]);
        const later = BigInt(Math.floor(Date.now() / 1000));
        for (const result of results) expect(result, result.stderr).to.include({ code: 0, stderr: "" });
        const [daveBallot, otherBallot, expiredBallot] = results.map((r) => JSON.parse(r.stdout));
        expect(daveBallot.domain).to.include({ chainId: "31337", verifyingContract: penaltyAddress });
        expect(daveBallot.ballot).to.include({ voter: dave.address, nonce: "0", support: VoteType.Expel });
        const deadline = BigInt(daveBallot.ballot.deadline);
        expect(deadline >= now + 600n && deadline <= later + 600n, `deadline ${deadline}, now ${now}`).to.equal(true);
        expect(otherBallot.domain).to.include({ chainId: "1337", verifyingContract: penaltyAddress });
        expect(expiredBallot.ballot).to.include({ voter: carol.address, deadline: "1000", support: VoteType.Keep });

        const relayed = await sendJson(platform, "case", "relay", ballots.dave);
        expect(relayed).to.include({ voterOrgId: String(ids.dave), voter: dave.address, relayer: platform.address });
        expect(await suite.penalty.hasVoted(caseId, ids.dave)).to.equal(true);
      });

      it("refuses a ballot signed for another chain: exit code 2, nothing sent", async function () {
        const before = await nonceOf(platform);
        expectFailure(
          await send(platform, "case", "relay", ballots.otherChain),
          2,
          `credence: ballot file ${ballots.otherChain} is for PenaltyCases ${penaltyAddress} on chain 1337, ` +
            `not ${penaltyAddress} on chain 31337`,
        );
        expect(await nonceOf(platform)).to.equal(before);
      });

      it("refuses a ballot past its deadline: the decoded error", async function () {
        expectFailure(
          await send(platform, "case", "relay", ballots.expired),
          1,
          "credence: PenaltyCasesExpiredSignature(deadline: 1000)",
        );
      });

      it("never overwrites a ballot file: exit code 2", async function () {
        const contents = await readFile(ballots.dave, "utf8");
        expectFailure(
          await runCli(
            [
              ...["case", "sign-vote", String(caseId), "keep", "--offline", "--nonce", "1", "--out", ballots.dave],
              ...["--rpc", NOWHERE, "--deployment", deploymentFile, "--wallet", dave.file],
            ],
            { env: { CREDENCE_PASSWORD: PASSWORD } },
          ),
          2,
          `credence: ${ballots.dave} exists: refusing to overwrite a ballot`,
        );
        expect(await readFile(ballots.dave, "utf8")).to.equal(contents);
      });

      it("refuses conflicting or incomplete sign-vote options: exit code 2, before connecting", async function () {
        const out = path.join(dir, "never-written.json");
        const sign = (...args: string[]) =>
          offline(dave, "case", "sign-vote", String(caseId), "keep", "--out", out, ...args);
        const [both, noNonce, noDeployment, badVote] = await Promise.all([
          sign("--deadline", "99999999999", "--valid-for", "60"),
          sign("--offline", "--deployment", deploymentFile),
          sign("--offline", "--nonce", "0"),
          offline(dave, "case", "sign-vote", String(caseId), "maybe", "--out", out),
        ]);
        expectFailure(both, 2, "credence: pass --deadline or --valid-for, not both");
        expectFailure(noNonce, 2, "credence: --offline needs --nonce (credence case nonce ACCOUNT tells it)");
        expectFailure(noDeployment, 2, "credence: --offline needs --deployment FILE (the chain id and contract)");
        expectFailure(badVote, 2, 'credence: the vote must be expel, keep or abstain, not "maybe"');
      });
    });

    describe("case finalize", function () {
      it("finalizes once voting has ended: the outcome the contract records", async function () {
        await mineTo((await suite.penalty.getCase(caseId)).voteEnd + 1n);
        const outcome = await sendJson(beta, "case", "finalize", String(caseId));
        const c = await suite.penalty.getCase(caseId);
        expect(c.finalized).to.equal(true);
        expect(outcome).to.include({
          caseId: String(caseId),
          outcome: enumName(CaseState, await suite.penalty.state(caseId)),
          expelWeight: c.expelWeight.toString(),
          keepWeight: c.keepWeight.toString(),
          abstainWeight: c.abstainWeight.toString(),
          quorum: c.quorum.toString(),
        });
        expect(outcome.outcome).to.equal("Succeeded");
      });

      it("then refuses to sign a ballot for the case: exit code 1, no file written", async function () {
        const out = path.join(dir, "too-late.json");
        expectFailure(
          await send(carol, "case", "sign-vote", String(caseId), "keep", "--out", out),
          1,
          `credence: case ${caseId} is Succeeded: its voting is over`,
        );
        expect(await stat(out).catch((error: NodeJS.ErrnoException) => error.code)).to.equal("ENOENT");
      });
    });

    describe("case ratify", function () {
      it("ratifies the vote (RATIFIER): the accused is expelled, the reporter's bond released", async function () {
        const before = await suite.ledger.trustOf(ids.alpha);
        const resolved = await sendJson(
          platform,
          ...["case", "ratify", String(caseId), "--expel", "--reason", "hearing 2026-03-20"],
        );
        expect(resolved).to.include({
          caseId: String(caseId),
          accusedId: String(ids.accused),
          expelled: true,
          ratified: true,
          resolution: "Executed",
          overturned: false,
          ratifier: platform.address,
          reasonHash: id("hearing 2026-03-20"),
          bondReleased: ((await suite.ledger.trustOf(ids.alpha)) - before).toString(),
        });
        expect(resolved).to.not.have.property("finalized"); // finalize recorded the outcome already
        expect(await suite.registry.statusOf(ids.accused)).to.equal(BigInt(Status.Expelled));
        expect(await suite.penalty.state(caseId)).to.equal(BigInt(CaseState.Executed));
      });

      describe("reverts", function () {
        it("when ratify has both or neither of --expel and --keep: exit code 2, before connecting", async function () {
          const results = await Promise.all([
            offline(platform, "case", "ratify", String(caseId), "--expel", "--keep", "--reason", "r"),
            offline(platform, "case", "ratify", String(caseId), "--reason", "r"),
          ]);
          for (const result of results) expectFailure(result, 2, "credence: pass exactly one of --expel and --keep");
        });

        it("when the wallet lacks RATIFIER: missing role, nothing sent", async function () {
          await expectMissingRole(
            alpha,
            "RATIFIER",
            "PenaltyCases.ratify",
            ...["case", "ratify", String(caseId), "--expel", "--reason", "r"],
          );
        });
      });
    });

    describe("case apply-liability", function () {
      it("charges a recommender of the expelled organization its liability (anyone, once)", async function () {
        const before = await suite.ledger.trustOf(ids.alpha);
        const charged = await sendJson(beta, "case", "apply-liability", String(caseId), alpha.address);
        const after = await suite.ledger.trustOf(ids.alpha);
        const { liabilityShare } = await suite.penalty.parameters();
        expect(charged).to.include({
          caseId: String(caseId),
          recommenderId: String(ids.alpha),
          amount: ((before * liabilityShare) / ONE).toString(),
          trustBefore: before.toString(),
          trustAfter: after.toString(),
        });
        expect(before - after).to.equal((before * liabilityShare) / ONE);
        expectFailure(
          await send(beta, "case", "apply-liability", String(caseId), String(ids.alpha)),
          1,
          `credence: PenaltyCasesLiabilityAlreadyApplied(caseId: ${caseId}, recommenderId: ${ids.alpha})`,
        );
      });
    });

    describe("case execute", function () {
      it("executes a vote after its ratification deadline (anyone): no quorum, the accused kept", async function () {
        const quiet = await suite.penalty.getCase(quietCaseId);
        await mineTo(quiet.ratificationDeadline + 1n);
        const before = await suite.ledger.trustOf(ids.z);
        const resolved = await sendJson(beta, "case", "execute", String(quietCaseId));
        expect(resolved).to.include({
          caseId: String(quietCaseId),
          accusedId: String(ids.y),
          expelled: false,
          ratified: false,
          resolution: "Dismissed",
          executor: beta.address,
          bondReleased: quiet.bond.toString(),
        });
        expect(resolved.finalized).to.include({ outcome: "Defeated", expelWeight: "0", keepWeight: "0" });
        expect(await suite.ledger.trustOf(ids.z)).to.equal(before + quiet.bond);
        expect(await suite.penalty.state(quietCaseId)).to.equal(BigInt(CaseState.Dismissed));
        expect(await suite.registry.statusOf(ids.y)).to.equal(BigInt(Status.Active));
      });
    });
  });
});
