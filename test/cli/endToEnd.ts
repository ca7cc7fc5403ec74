/**
 * The command line end to end on a separate node: anvil on a free loopback port (chain id 2026, zero base fee),
 * the suite deployed by the deploy script with Ignition, and every step a separate `credence` process run with
 * wallets it created itself, which hold no ether: join → recommend → activate → member accounts → profile →
 * ratings (one, a CSV batch in chunks, a JSON batch) → flag → votes (one cast, one signed offline and relayed) →
 * finalize → ratification → expulsion → liability. After each step the chain is read directly. The refusals a
 * user meets most — a missing role, a wrong password, a bad batch file, an expelled member's vote — are checked
 * for their one line, their exit code, and that nothing was sent. anvil is stopped whatever happens.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { getAddress, toBeHex } from "ethers";

import { CaseState, ONE, Role, Status } from "../../src/constants.js";
import { CredenceAccessManager__factory } from "../../types/factories/access/CredenceAccessManager__factory.js";
import { PenaltyCases__factory } from "../../types/factories/penalty/PenaltyCases__factory.js";
import { EntityRegistry__factory } from "../../types/factories/registry/EntityRegistry__factory.js";
import { TrustLedger__factory } from "../../types/factories/trust/TrustLedger__factory.js";
import type { EntityRegistry, PenaltyCases, TrustLedger } from "../../types/index.js";
import { type Anvil, startAnvil } from "../helpers/anvil.js";
import { expectFailure, runCli } from "./support/cli.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const run = promisify(execFile);

const CHAIN_ID = 2026;
const PASSWORD = "correct horse battery staple";
const DEPLOYMENT_ID = `test-cli-e2e-${process.pid}`;
// Short penalty periods (blocks): anvil mines a block per transaction, and the test mines the rest.
const PENALTY_PERIODS = { votingDelay: "1", votingPeriod: "6", ratificationWindow: "4" };
const NAMES = ["platform", "governance", "aegis", "borealis", "coral", "delta"] as const;
type Name = (typeof NAMES)[number];

describe("credence end to end on anvil", function () {
  this.timeout(300_000);

  let anvil: Anvil | undefined;
  let dir: string;
  let deploymentFile: string;
  let registry: EntityRegistry;
  let ledger: TrustLedger;
  let penalty: PenaltyCases;
  const wallet = {} as Record<Name, string>;
  const address = {} as Record<Name, string>;
  const org = {} as Record<"aegis" | "borealis" | "coral" | "delta", bigint>;

  /** `credence …args` against anvil and the deployment, the password in the environment. */
  const credence = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, {
      cwd: dir,
      env: {
        CREDENCE_RPC_URL: anvil!.url,
        CREDENCE_DEPLOYMENT: deploymentFile,
        CREDENCE_PASSWORD: PASSWORD,
        ...env,
      },
    });
  /** A step that must succeed: exit 0, nothing on stderr but a batch's progress, its `--json` result. */
  const step = async (as: Name, ...args: string[]) => {
    const result = await credence([...args, "--wallet", wallet[as], "--json"]);
    expect(result.code, `credence ${args.join(" ")}: ${result.stderr}`).to.equal(0);
    const lines = result.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("rate-batch: "));
    expect(lines).to.deep.equal([]);
    return JSON.parse(result.stdout);
  };
  const mine = (blocks: number) => anvil!.provider.send("anvil_mine", [toBeHex(blocks)]);
  const nonceOf = (name: Name) => anvil!.provider.getTransactionCount(address[name]);

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "credence-e2e-"));
    anvil = await startAnvil(undefined, CHAIN_ID);
  });

  after(async function () {
    await anvil?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(path.join(root, "deploy/deployments", DEPLOYMENT_ID), { recursive: true, force: true });
  });

  it("creates six encrypted wallets, readable only by their owner and without funds", async () => {
    const created = await Promise.all(
      NAMES.map((name) =>
        credence(["wallet", "create", "--out", path.join(dir, `${name}.json`), "--json"]).then((result) => {
          expect(result.code, result.stderr).to.equal(0);
          return JSON.parse(result.stdout) as { address: string; file: string };
        }),
      ),
    );
    for (const [i, name] of NAMES.entries()) {
      wallet[name] = created[i].file;
      address[name] = getAddress(created[i].address);
      expect((await stat(wallet[name])).mode & 0o777).to.equal(0o600);
      expect(await anvil!.provider.getBalance(address[name])).to.equal(0n);
    }
    expect(new Set(Object.values(address))).to.have.length(NAMES.length);
  });

  it("deploys the suite with Ignition, the platform as assessor and governance as ratifier", async () => {
    const parametersFile = path.join(dir, "parameters.json");
    const parameters = { assessor: address.platform, ratifier: address.governance, penaltyParameters: PENALTY_PERIODS };
    await writeFile(parametersFile, JSON.stringify({ Credence: parameters }));
    const outDir = path.join(dir, "deployments");
    const args = ["--network", "anvil", "--parameters", parametersFile, "--deployment-id", DEPLOYMENT_ID];
    await run(process.execPath, [tsxCli, path.join(root, "scripts/deploy.ts"), ...args, "--out-dir", outDir], {
      cwd: root,
      env: { ...process.env, ANVIL_RPC_URL: anvil!.url },
    });

    deploymentFile = path.join(outDir, `${CHAIN_ID}.json`);
    const deployment = JSON.parse(await readFile(deploymentFile, "utf8"));
    expect(deployment.chainId).to.equal(CHAIN_ID);
    const at = (name: string) => deployment.contracts[name].address as string;
    const manager = CredenceAccessManager__factory.connect(at("CredenceAccessManager"), anvil!.provider);
    registry = EntityRegistry__factory.connect(at("EntityRegistry"), anvil!.provider);
    ledger = TrustLedger__factory.connect(at("TrustLedger"), anvil!.provider);
    penalty = PenaltyCases__factory.connect(at("PenaltyCases"), anvil!.provider);
    expect((await manager.hasRole(Role.ASSESSOR, address.platform))[0]).to.equal(true);
    expect((await manager.hasRole(Role.RATIFIER, address.governance))[0]).to.equal(true);
    expect((await penalty.parameters()).votingPeriod).to.equal(BigInt(PENALTY_PERIODS.votingPeriod));
  });

  it("takes four join requests, each from its own admin wallet", async () => {
    const candidates = [
      ["aegis", "DE"],
      ["borealis", "FR"],
      ["coral", "NL"],
      ["delta", "DE"],
    ] as const;
    const profile = path.join(dir, "profile.json");
    await writeFile(profile, JSON.stringify({ name: "a member of the community" }));
    // Sequential: the ids are then known, and each request is a separate process anyway.
    for (const [name, country] of candidates) {
      const joined = await step(
        name,
        ...["org", "join", "--identity", `LEI:${name}`, "--country", country],
        ...["--profile-uri", `https://${name}.example/profile.json`, "--profile-file", profile],
      );
      org[name] = BigInt(joined.orgId);
      expect(joined.admin).to.equal(address[name]);
      expect(await registry.organizationOf(address[name])).to.equal(org[name]);
      expect(await registry.statusOf(org[name])).to.equal(BigInt(Status.Pending));
    }
  });

  it("refuses an activation by an account without the ASSESSOR role, sending nothing", async () => {
    const before = await nonceOf("aegis");
    const args = ["org", "activate", String(org.aegis), "--legal", "high", "--capability", "high"];
    expectFailure(
      await credence([...args, "--wallet", wallet.aegis]),
      1,
      `credence: missing role: ${address.aegis} does not hold ASSESSOR, which EntityRegistry.activate needs`,
    );
    expect(await nonceOf("aegis")).to.equal(before);
    expect(await registry.statusOf(org.aegis)).to.equal(BigInt(Status.Pending));
  });

  it("activates the first organization, which recommends the others, who are then activated", async () => {
    const first = await step(
      "platform",
      "org",
      "activate",
      String(org.aegis),
      "--legal",
      "high",
      "--capability",
      "high",
    );
    expect(BigInt(first.initialTrust)).to.equal(await ledger.trustOf(org.aegis));
    for (const [name, score] of [
      ["borealis", "0.9"],
      ["coral", "0.8"],
      ["delta", "0.7"],
    ] as const) {
      const made = await step("aegis", "org", "recommend", String(org[name]), "--score", score);
      expect(BigInt(made.recommenderId)).to.equal(org.aegis);
      // The weight is the recommender's trust when it recommended (decayed since its activation).
      expect(BigInt(made.weight)).to.equal(await ledger.trustOf(org.aegis, { blockTag: made.blockNumber }));
    }
    for (const name of ["borealis", "coral", "delta"] as const) {
      const activated = await step(
        "platform",
        "org",
        "activate",
        String(org[name]),
        "--legal",
        "medium",
        "--capability",
        "high",
      );
      expect(BigInt(activated.preTrust)).to.be.greaterThan(0n);
      expect(await registry.statusOf(org[name])).to.equal(BigInt(Status.Active));
      expect(await ledger.trustOf(org[name])).to.equal(BigInt(activated.initialTrust));
    }
  });

  it("adds a member account to an organization and removes it", async () => {
    const analyst = getAddress(`0x${"a1".repeat(20)}`);
    const added = await step("aegis", "org", "add-member", analyst);
    expect(BigInt(added.memberCount)).to.equal(2n);
    expect(await registry.organizationOf(analyst)).to.equal(org.aegis);
    expect(await registry.isActiveMember(analyst)).to.equal(true);
    await step("aegis", "org", "remove-member", analyst);
    expect(await registry.organizationOf(analyst)).to.equal(0n);
  });

  it("edits and deletes a profile record, and adds one again", async () => {
    const uri = "https://borealis.example/profile-v2.json";
    const edited = await step(
      "borealis",
      "profile",
      "edit",
      "--profile-uri",
      uri,
      "--profile-hash",
      `0x${"b2".repeat(32)}`,
    );
    expect(edited.action).to.equal("Edited");
    expect((await registry.organization(org.borealis)).profileURI).to.equal(uri);
    const deleted = await step("borealis", "profile", "delete");
    expect(BigInt(deleted.version)).to.equal(3n);
    expect((await registry.organization(org.borealis)).profileHash).to.equal(`0x${"0".repeat(64)}`);
    const added = await step(
      "borealis",
      "profile",
      "add",
      "--profile-uri",
      uri,
      "--profile-hash",
      `0x${"b3".repeat(32)}`,
    );
    expect(added.action).to.equal("Added");
  });

  it("records one rating and a CSV batch in chunks with progress, then a JSON batch", async () => {
    const single = await step(
      "platform",
      ...["trust", "rate", String(org.delta), "--contribution", "delta-report-1"],
      ...["--quality", "0.3", "--quantity", "0.5", "--integrity", "0.6", "--intent", "0.6", "--evidence", "review 1"],
    );
    expect(BigInt(single.newTrust)).to.equal(await ledger.trustOf(org.delta));

    // Three contributions each; delta's are poor (its integrity stays above the flag threshold: no automatic case).
    const rows = (["borealis", "coral", "delta"] as const).flatMap((name, i) =>
      [2, 3, 4].map((n) =>
        name === "delta"
          ? `${org[name]},delta-report-${n},0.2,0.5,0.5,0.5,"review ${n}, poor"`
          : `${org[name]},${name}-report-${n},0.9,0.6,1,1,review ${i}-${n}`,
      ),
    );
    const csv = path.join(dir, "ratings.csv");
    await writeFile(csv, ["org,contribution,quality,quantity,integrity,intent,evidence", ...rows].join("\n") + "\n");
    const delta = await ledger.trustOf(org.delta);
    const result = await credence([
      "trust",
      "rate-batch",
      csv,
      "--batch-size",
      "4",
      "--wallet",
      wallet.platform,
      "--json",
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const batch = JSON.parse(result.stdout);
    expect(batch).to.include({ total: 9, applied: 9, alreadyRated: 0 });
    expect(batch.transactions.map((t: { ratings: number }) => t.ratings)).to.deep.equal([4, 4, 1]);
    // Not a terminal: one progress line per chunk sent and per chunk mined.
    const progress = result.stderr.trimEnd().split("\n");
    expect(progress).to.have.length(6);
    expect(progress.at(-1)).to.match(/^rate-batch: 9\/9 sent, 9 applied, 0 already rated, 0 skipped \(block \d+\)$/);
    expect(await ledger.trustOf(org.delta)).to.be.lessThan(delta);
    for (const tx of batch.transactions) {
      expect((await anvil!.provider.getTransactionReceipt(tx.transactionHash))!.status).to.equal(1);
    }
    const history = JSON.parse((await credence(["trust", "history", String(org.delta), "--json"])).stdout);
    expect(history.map((change: { reason: string }) => change.reason)).to.deep.equal([
      "Initialized",
      "Rated",
      "Rated",
      "Rated",
      "Rated",
    ]);

    const json = path.join(dir, "ratings.json");
    const items = [5, 6].map((n) => ({
      org: String(org.borealis),
      contribution: `borealis-report-${n}`,
      quality: 0.95,
      quantity: "0.7",
      integrity: 1,
      intent: 1,
    }));
    await writeFile(json, JSON.stringify(items));
    const second = await step("platform", "trust", "rate-batch", json);
    expect(second).to.include({ total: 2, applied: 2 });
  });

  it("refuses a bad batch file with its line, sending nothing", async () => {
    const bad = path.join(dir, "bad.csv");
    await writeFile(
      bad,
      `org,contribution,quality,quantity,integrity,intent\n${org.coral},ok,0.5,0.5,1,1\n${org.coral},c9,1.2,0.5,1,1\n`,
    );
    const before = await nonceOf("platform");
    expectFailure(
      await credence(["trust", "rate-batch", bad, "--wallet", wallet.platform]),
      2,
      `credence: ${bad} line 3: quality must be a decimal in [0, 1] with at most 18 decimals, not "1.2"`,
    );
    expect(await nonceOf("platform")).to.equal(before);
  });

  it("applies nothing twice when a batch file is run again", async () => {
    const recorded = await ledger.recordedTrustOf(org.coral);
    const nonce = await nonceOf("platform");
    const again = await step("platform", "trust", "rate-batch", path.join(dir, "ratings.csv"));
    expect(again).to.include({ total: 9, applied: 0, alreadyRated: 9 });
    expect(again.skipped).to.deep.equal([]);
    expect(again.transactions).to.deep.equal([]);
    expect(await nonceOf("platform")).to.equal(nonce);
    // No trust was written: the recorded value and the block it was recorded at are those from before.
    expect(await ledger.recordedTrustOf(org.coral)).to.deep.equal(recorded);
  });

  let caseId: bigint;

  it("opens a case when a member flags the poor contributor", async () => {
    const flagged = await step(
      "aegis",
      "case",
      "flag",
      String(org.delta),
      "--reason-code",
      "1",
      "--evidence",
      "reviews 1-4",
    );
    caseId = BigInt(flagged.caseId);
    expect(await penalty.openCaseOf(org.delta)).to.equal(caseId);
    expect(BigInt(flagged.bond)).to.be.greaterThan(0n);
  });

  it("refuses a vote with a wrong password, sending nothing", async () => {
    const result = await credence(["case", "vote", String(caseId), "expel", "--wallet", wallet.coral], {
      CREDENCE_PASSWORD: "wrong",
    });
    expectFailure(result, 4, `credence: wrong password for wallet ${wallet.coral}`);
    expect(await penalty.hasVoted(caseId, org.coral)).to.equal(false);
  });

  it("counts a vote cast directly and one signed offline and relayed by the platform", async () => {
    await mine(1); // the voting delay
    expect(await penalty.state(caseId)).to.equal(BigInt(CaseState.Active));
    const cast = await step("borealis", "case", "vote", String(caseId), "expel");
    expect(BigInt(cast.weight)).to.equal(await ledger.trustAt(org.borealis, (await penalty.getCase(caseId)).snapshot));

    // Offline: the node is unreachable from the signer's side; chain id and contract come from the deployment.
    const ballot = path.join(dir, "ballot.json");
    const signed = await credence(
      [
        "case",
        "sign-vote",
        String(caseId),
        "expel",
        "--offline",
        "--nonce",
        "0",
        "--out",
        ballot,
        "--wallet",
        wallet.coral,
      ],
      { CREDENCE_RPC_URL: "http://127.0.0.1:1" },
    );
    expect(signed.code, signed.stderr).to.equal(0);
    expect(await penalty.hasVoted(caseId, org.coral)).to.equal(false);
    const relayed = await step("platform", "case", "relay", ballot);
    expect(relayed).to.include({ voter: address.coral, relayer: address.platform, support: "Expel" });
    expect(await penalty.hasVoted(caseId, org.coral)).to.equal(true);

    expectFailure(
      await credence(["case", "relay", ballot, "--wallet", wallet.platform]),
      1,
      `credence: ballot file ${ballot} was used already: its nonce is 0, ${address.coral}'s is now 1`,
    );
  });

  it("finalizes the vote, and the ratifier's confirmation expels the organization", async () => {
    const { voteEnd } = await penalty.getCase(caseId);
    await mine(Number(voteEnd) - (await anvil!.provider.getBlockNumber()));
    const outcome = await step("aegis", "case", "finalize", String(caseId));
    expect(outcome.outcome).to.equal("Succeeded");
    const resolved = await step("governance", "case", "ratify", String(caseId), "--expel", "--reason", "confirmed");
    expect(resolved).to.include({ expelled: true, ratified: true, resolution: "Executed" });
    expect(await registry.statusOf(org.delta)).to.equal(BigInt(Status.Expelled));
    expect(await ledger.trustOf(org.delta)).to.equal(0n);
    expect(await registry.isActiveMember(address.delta)).to.equal(false);
    expect(await penalty.state(caseId)).to.equal(BigInt(CaseState.Executed));
  });

  it("refuses the expelled member's vote on a later case", async () => {
    const second = await step("aegis", "case", "flag", String(org.coral), "--reason-code", "2", "--evidence", "other");
    await mine(1);
    const before = await nonceOf("delta");
    expectFailure(
      await credence(["case", "vote", second.caseId, "keep", "--wallet", wallet.delta]),
      1,
      `credence: PenaltyCasesNotActiveMember(account: ${address.delta})`,
    );
    expect(await nonceOf("delta")).to.equal(before);
    expect(await penalty.hasVoted(BigInt(second.caseId), org.delta)).to.equal(false);
  });

  it("charges the expelled organization's recommender its liability", async () => {
    const charged = await step("borealis", "case", "apply-liability", String(caseId), String(org.aegis));
    expect(BigInt(charged.amount)).to.be.greaterThan(0n).and.lessThan(ONE);
    expect(BigInt(charged.trustAfter)).to.equal(BigInt(charged.trustBefore) - BigInt(charged.amount));
    expect(await ledger.trustOf(org.aegis)).to.equal(BigInt(charged.trustAfter));
  });

  it("ran every transaction for free: the wallets still hold no ether", async () => {
    for (const name of NAMES) expect(await anvil!.provider.getBalance(address[name])).to.equal(0n);
    expect(await nonceOf("platform")).to.be.greaterThan(0);
  });
});
