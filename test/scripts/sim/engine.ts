/**
 * The simulator's engine on the real contracts (scripts/sim/engine.ts) and its command line (scripts/simulate.ts):
 * determinism, that the trace is what the chain holds, and the policy's visible consequences.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";

import { type SimChain, openChain, revertTo, snapshot } from "../../../scripts/sim/chain.js";
import { runScenario } from "../../../scripts/sim/engine.js";
import { createRng } from "../../../scripts/sim/rng.js";
import { scenarioNamed } from "../../../scripts/sim/scenarios.js";
import type { SimResults, SimTrace } from "../../../scripts/sim/types.js";

const run = promisify(execFile);
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

describe("simulator engine", function () {
  this.timeout(120_000);
  let chain: SimChain;
  let base: string;

  before(async () => {
    chain = await openChain({});
    base = await snapshot(chain);
  });

  async function simulate(name: string, seed: number, extra: { sybils?: number } = {}): Promise<SimTrace> {
    await revertTo(chain, base);
    base = await snapshot(chain);
    const scenario = scenarioNamed(name);
    return runScenario(
      chain,
      scenario,
      { members: 12, malicious: scenario.defaultMalicious, rounds: 4, seed, ...extra },
      createRng(seed),
    );
  }

  it("gives the same trace for the same seed and another for another seed", async () => {
    const first = await simulate("individual", 7);
    const again = await simulate("individual", 7);
    const other = await simulate("individual", 8);
    expect(again).to.deep.equal(first);
    expect(other.ratings).to.not.deep.equal(first.ratings);
  });

  it("records what the chain holds: every member's trust, the ratings, the cases", async () => {
    const trace = await simulate("individual", 3);
    expect(trace.members).to.have.length(12);
    expect(trace.members.filter((m) => m.malicious)).to.have.length(Math.round(12 * 0.3));
    expect(trace.credence).to.have.length(4);
    const last = trace.credence[3];
    for (const member of trace.members) {
      const onChain = Number(await chain.ledger.trustOf(member.orgId)) / 1e18;
      expect(last[member.index]).to.equal(member.expelledRound === undefined ? onChain : 0);
      const status = Number(await chain.registry.statusOf(member.orgId));
      expect(status).to.equal(member.expelledRound === undefined ? 2 : 3); // Active or Expelled
    }
    // Every contribution got exactly one platform rating, and no rater rated a contribution twice.
    const platform = trace.ratings.filter((r) => r.rater === "platform");
    expect(platform).to.have.length(trace.contributions.length);
    const keys = trace.ratings.map((r) => `${r.contribution}:${r.rater}`);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(Number(await chain.penalty.caseCount())).to.equal(trace.cases.length);
    for (const c of trace.cases) {
      const onChain = await chain.penalty.getCase(c.caseId);
      expect(Number(onChain.accusedId)).to.equal(trace.members[c.accused].orgId);
      expect(c.outcome).to.equal(Number(await chain.penalty.state(c.caseId)) === 5 ? "expelled" : "kept");
    }
  });

  it("expels malicious members who keep making dishonest contributions, and no honest one", async () => {
    const trace = await simulate("individual", 11);
    const expelled = trace.members.filter((m) => m.expelledRound !== undefined);
    expect(expelled.length).to.be.greaterThan(0);
    expect(expelled.every((m) => m.malicious)).to.equal(true);
  });

  it("turns away Sybil identities that only their attacker recommends: too few recommendations", async () => {
    const trace = await simulate("sybil-unrecommended", 5);
    const sybils = trace.refused!.filter((r) => r.behaviour === "sybil");
    expect(sybils).to.have.length(5);
    for (const sybil of sybils)
      expect(sybil.reason).to.match(
        /^EntityRegistryEntryCriteriaNotMet\(.*criterion: "recommendations", actual: 1, required: 2\)$/,
      );
    expect(trace.members.some((m) => m.behaviour === "sybil")).to.equal(false);
  });

  it("turns away recommended Sybil shells on the legal minimum, and registers none in the control run", async () => {
    const trace = await simulate("sybil", 5);
    const sybils = trace.refused!.filter((r) => r.behaviour === "sybil");
    expect(sybils).to.have.length(5);
    const attacker = trace.members.find((m) => m.malicious)!;
    for (const sybil of sybils) {
      expect(sybil.controller).to.equal(attacker.index);
      // Low (1) against the raised criteria's Medium (2).
      expect(sybil.reason).to.match(
        /^EntityRegistryEntryCriteriaNotMet\(.*criterion: "legal", actual: 1, required: 2\)$/,
      );
    }
    const control = await simulate("sybil", 5, { sybils: 0 });
    expect(control.refused!.some((r) => r.behaviour === "sybil")).to.equal(false);
    expect(control.members.map((m) => m.orgId)).to.deep.equal(trace.members.map((m) => m.orgId));
  });
});

describe("npm run simulate: the baselines' options", function () {
  this.timeout(120_000);

  it("replays EigenTrust with --teleport and beta with --forgetting, and records both", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "credence-sim-"));
    try {
      const args = ["--scenario", "individual", "--members", "8", "--rounds", "2", "--runs", "1"];
      await run(process.execPath, [
        tsxCli,
        "scripts/simulate.ts",
        ...[...args, "--malicious", "0.3", "--teleport", "1", "--forgetting", "0.5", "--out", out],
      ]);
      const results = JSON.parse(await readFile(path.join(out, "results.json"), "utf8")) as SimResults;
      expect(results.options).to.include({ teleport: 1, forgetting: 0.5, ratifier: "evidence" });
      // Teleport weight 1: EigenTrust's trust is the pre-trusted peers' alone, so no malicious member has any.
      const eigentrust = results.scenarios[0].trajectories.filter((p) => p.model === "eigentrust");
      expect(eigentrust.filter((p) => p.group === "malicious")).to.have.length(2);
      for (const point of eigentrust.filter((p) => p.group === "malicious")) expect(point.mean).to.equal(0);
      expect(eigentrust.filter((p) => p.group === "honest").every((p) => p.mean > 0)).to.equal(true);
      expect(await readFile(path.join(out, "results.md"), "utf8")).to.include("--teleport 1 --forgetting 0.5");
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe("npm run simulate: bad input", function () {
  this.timeout(60_000);
  const cli = async (...args: string[]) => {
    try {
      await run(process.execPath, [tsxCli, "scripts/simulate.ts", ...args]);
      return { code: 0, stderr: "" };
    } catch (error) {
      const e = error as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
  };

  for (const [args, message] of [
    [["--scenario", "nope"], /^simulate: unknown scenario "nope" \(one of: honest, .*all\)\n$/],
    [["--members", "3"], /^simulate: --members must be a whole number from 8 to 500, not "3"\n$/],
    [["--malicious", "0.9"], /^simulate: --malicious must be a fraction from 0 to 0.8, not "0.9"\n$/],
    [["--runs", "x"], /^simulate: --runs must be a whole number from 1 to 1000, not "x"\n$/],
    [["--teleport", "0"], /^simulate: --teleport must be a number in \(0, 1\], not "0"\n$/],
    [["--teleport", "1.5"], /^simulate: --teleport must be a number in \(0, 1\], not "1.5"\n$/],
    [["--forgetting", "1.1"], /^simulate: --forgetting must be a number in \[0, 1\], not "1.1"\n$/],
    [["--forgetting", "x"], /^simulate: --forgetting must be a number in \[0, 1\], not "x"\n$/],
    [["--frobnicate"], /^simulate: Unknown option '--frobnicate'/],
  ] as const) {
    it(`refuses ${args.join(" ")} with one line and exit code 2`, async () => {
      const { code, stderr } = await cli(...args);
      expect(code).to.equal(2);
      expect(stderr).to.match(message);
      expect(stderr.trim().split("\n")).to.have.length(1);
    });
  }
});
