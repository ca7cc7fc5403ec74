/**
 * Keeps docs/penalty.md true.
 *
 * - The parameter table (between `<!-- penalty-parameters:begin -->` and `<!-- penalty-parameters:end -->`) lists
 *   every field of `PenaltyParameters` in the struct's order; each default equals src/defaults.ts and a fresh
 *   deployment's `parameters()` (and its parenthesis, a decimal or a duration at 2-second blocks, equals the
 *   integer); each value the doc says is rejected reverts with the error and arguments it names, and those values
 *   are exactly the neighbours of the valid range, whose bounds are accepted; the first failure is reported in the
 *   order the doc gives; and at both ends of the duration range a case's timeline and a reporter's bar are exact
 *   (no overflow).
 * - The Mermaid state diagram's states are exactly the non-None members of `IPenaltyCases.CaseState` (read from
 *   the compiler's AST, and equal to src/constants.ts), and its arrows are exactly the transitions a replay of
 *   every path on the chain observes, each labelled with the call that made it.
 * - The signed-vote section: the Ballot type string, the domain (read by position: the ABI's outputs are
 *   unnamed), the example's types, and the example itself (a relayed vote by an EOA and by an ERC-1271 wallet),
 *   with replay and expiry.
 * - The rules the prose states, replayed with the errors and figures it quotes: who may not vote, the bond a
 *   release credits (capped at 1e18), the misuse inquiry only on a vote that reached its quorum, the liability
 *   terms fixed at the expulsion, the views of "Reading a case", and the open-case limitation with the default
 *   parameters' figures.
 * - Every repository file the doc names exists.
 */
import { existsSync, readFileSync } from "node:fs";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  id,
  Interface,
  keccak256,
  toUtf8Bytes,
  TypedDataEncoder,
} from "ethers";
import { artifacts, network } from "hardhat";

import { CaseState, TrustChangeReason, VoteType } from "../../src/constants.js";
import { defaultPenaltyParameters, defaultTrustParameters, type PenaltyParameters } from "../../src/defaults.js";
import { toFixed } from "../../src/fixedPoint.js";
import type { PenaltyCases } from "../../types/index.js";
import { deploySuite, fixtureTrustParameters, joinAndActivate, type Suite } from "../helpers/fixtures.js";
import { ballotTypes } from "../penalty/helpers.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const DOC = readFileSync(new URL("../../docs/penalty.md", import.meta.url), "utf8");

/** The text between `<!-- name:begin -->` and `<!-- name:end -->`. */
function section(name: string): string {
  const begin = DOC.indexOf(`<!-- ${name}:begin -->`);
  const end = DOC.indexOf(`<!-- ${name}:end -->`);
  if (begin === -1 || end === -1 || end < begin) throw new Error(`docs/penalty.md: no ${name} markers`);
  return DOC.slice(begin, end);
}

/** The markdown table rows of a marked section, header and rule dropped, backticks removed. */
function tableCells(name: string): string[][] {
  const lines = section(name)
    .split("\n")
    .filter((line) => line.trim().startsWith("|"));
  return lines.slice(2).map((line) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim().replace(/`/g, "")),
  );
}

/** Ignition parameters are JSON: bigints travel as decimal strings. */
function stringify(value: object): unknown {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}

// ------------------------------------------------------------------ deployment

interface Deployment extends Suite {
  penalty: PenaltyCases;
}

/** The suite with the given penalty parameters; PenaltyCases is the ledger's penalty hook (the proxy). */
async function deployWith(parameters: PenaltyParameters): Promise<Deployment> {
  const suite = await deploySuite(connection, { penaltyParameters: stringify(parameters) });
  const penalty = (await ethers.getContractAt(
    "PenaltyCases",
    await suite.ledger.penaltyHook(),
  )) as unknown as PenaltyCases;
  return { ...suite, penalty };
}

async function deployDefaults(): Promise<Deployment> {
  return deployWith(defaultPenaltyParameters);
}

/** Short periods, so that every path of a case fits in a few blocks. */
const shortParameters: PenaltyParameters = {
  ...defaultPenaltyParameters,
  votingDelay: 2n,
  votingPeriod: 5n,
  ratificationWindow: 4n,
};

interface Community extends Deployment {
  governance: HardhatEthersSigner;
  /** Admin accounts of the organizations A (the reporter), B (the accused), C and D (voters). */
  a: HardhatEthersSigner;
  b: HardhatEthersSigner;
  c: HardhatEthersSigner;
  d: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  orgA: bigint;
  orgB: bigint;
  orgC: bigint;
  orgD: bigint;
}

/** Four founding organizations, equally trusted; account 0 is governance, the assessor and the ratifier. */
async function communityWith(parameters: PenaltyParameters): Promise<Community> {
  const [governance, a, b, c, d, relayer] = await ethers.getSigners();
  const deployment = await deployWith(parameters);
  const orgA = await joinAndActivate(deployment, a, governance);
  const orgB = await joinAndActivate(deployment, b, governance);
  const orgC = await joinAndActivate(deployment, c, governance);
  const orgD = await joinAndActivate(deployment, d, governance);
  return { ...deployment, governance, a, b, c, d, relayer, orgA, orgB, orgC, orgD };
}

/** The community with short periods. */
async function deployCommunity(): Promise<Community> {
  return communityWith(shortParameters);
}

/** The community with the default parameters. */
async function deployDefaultCommunity(): Promise<Community> {
  return communityWith(defaultPenaltyParameters);
}

const ONE = 10n ** 18n;

/** A platform rating whose integrity 0 is under any flag threshold: the ledger calls the penalty hook. */
function lowIntegrityRating(orgId: bigint, label: string) {
  const scores = { quality: toFixed("0.5"), quantity: toFixed("0.5"), integrity: 0n, intent: toFixed("0.5") };
  return { orgId, contributionId: id(label), scores, evidenceHash: id(`evidence:${label}`) };
}

/** The receipt of a mined transaction. */
async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

/** The ledger's TrustChanged events of a receipt with the given reason. */
function trustChanges(
  { ledger }: Deployment,
  receipt: ContractTransactionReceipt,
  reason: number,
): { orgId: bigint; oldValue: bigint; newValue: bigint; delta: bigint }[] {
  return receipt.logs
    .map((log) => ledger.interface.parseLog(log))
    .filter((parsed) => parsed?.name === "TrustChanged" && Number(parsed.args.reason) === reason)
    .map((parsed) => ({
      orgId: parsed!.args.orgId as bigint,
      oldValue: parsed!.args.oldValue as bigint,
      newValue: parsed!.args.newValue as bigint,
      delta: parsed!.args.delta as bigint,
    }));
}

/** A flag of B by A; returns the case id and the flag's block. */
async function flagB({ penalty, a, orgB }: Community): Promise<{ caseId: bigint; flaggedAt: bigint }> {
  const receipt = await mined(penalty.connect(a).flag(orgB, 1, id("evidence")));
  return { caseId: await penalty.caseCount(), flaggedAt: BigInt(receipt.blockNumber) };
}

/** Mines until voting on the case has begun. */
async function untilVoting({ penalty }: Deployment, caseId: bigint): Promise<void> {
  const { voteStart } = await penalty.getCase(caseId);
  if ((await penalty.clock()) < voteStart) await networkHelpers.mineUpTo(voteStart);
}

/** Mines until the case's ratification deadline has passed: the next transaction may execute it. */
async function pastDeadline({ penalty }: Deployment, caseId: bigint): Promise<void> {
  await networkHelpers.mineUpTo((await penalty.getCase(caseId)).ratificationDeadline);
}

/** Normalized prose: every run of white space (line breaks included) is one space. */
const PROSE = DOC.replace(/\s+/g, " ");

/** A number as the prose writes it, with thousands separators. */
function figure(text: string): bigint {
  return BigInt(text.replace(/,/g, ""));
}

/** `Name(arg, …)` quoted in the doc → the error name and its arguments, each looked up by its name in `values`. */
function namedError(text: string, values: Record<string, unknown>): { name: string; args: unknown[] } {
  const match = /^(\w+)\((.*)\)$/.exec(text);
  if (match === null) throw new Error(`unreadable error: ${text}`);
  const args = match[2].split(", ").map((arg) => {
    if (!(arg in values)) throw new Error(`no value for ${arg} in ${text}`);
    return values[arg];
  });
  return { name: match[1], args };
}

/** The one backquoted `Name(…)` the doc quotes for an error name. */
function quotedError(name: string): string {
  const quoted = [...new Set([...DOC.matchAll(new RegExp(`\`(${name}\\([^\`]*\\))\``, "g"))].map((m) => m[1]))];
  if (quoted.length !== 1) throw new Error(`docs/penalty.md quotes ${name}(…) ${quoted.length} ways: ${quoted}`);
  return quoted[0];
}

// ------------------------------------------------------------------ the parameter table

/** The fields of PenaltyParameters in the struct's order, with their Solidity types, from the compiled ABI. */
async function parameterFields(): Promise<{ name: string; type: string }[]> {
  const { abi } = await artifacts.readArtifact("PenaltyCases");
  const [output] = new Interface(abi).getFunction("parameters")!.outputs;
  return output.components!.map(({ name, type }) => ({ name, type }));
}

const FIELDS = await parameterFields();
const PARAMETER_ROWS = tableCells("penalty-parameters");

/** The largest value of a `uintN` type. */
function maxOf(type: string): bigint {
  const bits = /^uint(\d+)$/.exec(type)?.[1];
  if (bits === undefined) throw new Error(`not an unsigned integer type: ${type}`);
  return (1n << BigInt(bits)) - 1n;
}

/** A bound as the doc writes it: an integer, `1e18`, or `2^N − 1`. */
function bound(text: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  if (text === "1e18") return 10n ** 18n;
  const power = /^2\^(\d+) − 1$/.exec(text);
  if (power !== null) return (1n << BigInt(power[1])) - 1n;
  throw new Error(`unreadable bound: ${text}`);
}

/** The extremes of a valid range: `[lo, hi]`, `(lo, hi]` (lo excluded), or `any uintN`. */
function validExtremes(range: string, type: string): bigint[] {
  if (range.startsWith(`any ${type}`)) return [0n, maxOf(type)];
  const match = /^([[(])([^,]+), ([^\]]+)\]/.exec(range);
  if (match === null) throw new Error(`unreadable range: ${range}`);
  const low = bound(match[2].trim()) + (match[1] === "(" ? 1n : 0n);
  return [low, bound(match[3].trim())];
}

/** The value a parenthesis next to a default stands for: a decimal, or a duration at 2-second blocks (in blocks). */
function parenthesisValue(text: string): bigint | undefined {
  const inside = /\(([^)]*)\)/.exec(text)?.[1];
  if (inside === undefined) return undefined;
  if (/^\d+\.\d+$/.test(inside)) return toFixed(inside);
  const duration = /^(\d+) (minute|hour|day)s? at 2 s$/.exec(inside);
  if (duration === null) throw new Error(`unreadable parenthesis: (${inside})`);
  const seconds = { minute: 60n, hour: 3_600n, day: 86_400n }[duration[2] as "minute" | "hour" | "day"];
  return (BigInt(duration[1]) * seconds) / 2n;
}

/** `Name("text", value)` → the error name and its arguments, `value` standing for the rejected value. */
function parseError(text: string, value: bigint): { name: string; args: unknown[] } {
  const match = /^(\w+)\((.*)\)$/.exec(text);
  if (match === null) throw new Error(`unreadable error: ${text}`);
  const args = match[2].split(", ").map((arg) => {
    if (arg === "value") return value;
    if (/^"[^"]*"$/.test(arg)) return arg.slice(1, -1);
    if (/^\d+$/.test(arg)) return BigInt(arg);
    throw new Error(`unreadable error argument: ${arg}`);
  });
  return { name: match[1], args };
}

describe("docs/penalty.md", function () {
  it("names only files of the repository", function () {
    const paths = [...DOC.matchAll(/`((?:contracts|deploy|docs|src|test)\/[\w./-]+)`/g)].map((match) => match[1]);
    expect(paths).to.not.be.empty;
    expect(paths.filter((path) => !existsSync(new URL(`../../${path}`, import.meta.url)))).to.deep.equal([]);
  });

  describe("parameter table", function () {
    it("lists every PenaltyParameters field once, in the struct's order", function () {
      expect(PARAMETER_ROWS.map(([name]) => name)).to.deep.equal(FIELDS.map(({ name }) => name));
    });

    for (const [name, defaultText, , range, rejectedText, errorText] of PARAMETER_ROWS) {
      const type = FIELDS.find((field) => field.name === name)?.type ?? "unknown";

      describe(name, function () {
        it("states the default of src/defaults.ts and of a fresh deployment", async function () {
          const { penalty } = await networkHelpers.loadFixture(deployDefaults);
          const stated = BigInt(defaultText.split(/\s/)[0]);
          expect(stated).to.equal(defaultPenaltyParameters[name as keyof PenaltyParameters]);
          expect((await penalty.parameters())[name as keyof PenaltyParameters]).to.equal(stated);
          const parenthesis = parenthesisValue(defaultText);
          if (parenthesis !== undefined) expect(parenthesis, defaultText).to.equal(stated);
        });

        it("accepts both ends of the valid range", async function () {
          const { penalty } = await networkHelpers.loadFixture(deployDefaults);
          for (const value of validExtremes(range, type)) {
            await expect(penalty.setParameters({ ...defaultPenaltyParameters, [name]: value })).to.emit(
              penalty,
              "PenaltyParametersUpdated",
            );
            expect((await penalty.parameters())[name as keyof PenaltyParameters]).to.equal(value);
          }
        });

        it("names as rejected exactly the encodable values next to its valid range", function () {
          const [low, high] = validExtremes(range, type);
          const neighbours = [low - 1n, high + 1n].filter((value) => value >= 0n && value <= maxOf(type));
          const rejected = rejectedText === "none" ? [] : rejectedText.split(", ").map((value) => BigInt(value));
          expect(rejected).to.deep.equal(neighbours);
        });

        if (rejectedText === "none") {
          it("names no error, and no value of its type is refused", function () {
            expect(errorText).to.match(/^none\b/);
            expect(range).to.match(new RegExp(`^any ${type}\\b`));
          });
        } else {
          it("rejects each value it names with the error it names", async function () {
            const { penalty } = await networkHelpers.loadFixture(deployDefaults);
            const values = rejectedText.split(", ").map((value) => BigInt(value));
            expect(values).to.not.be.empty;
            for (const value of values) {
              const error = parseError(errorText, value);
              await expect(penalty.setParameters({ ...defaultPenaltyParameters, [name]: value }))
                .to.be.revertedWithCustomError(penalty, error.name)
                .withArgs(...error.args);
            }
          });
        }
      });
    }

    describe("first failure", function () {
      it("reports shares above 1e18 first, then zeros, then durations above their bound, each in table order", async function () {
        const { penalty } = await networkHelpers.loadFixture(deployDefaults);
        const rowsOf = (predicate: (row: string[]) => boolean) => PARAMETER_ROWS.filter(predicate);
        const rangeOf = ([name, , , range]: string[]) =>
          validExtremes(range, FIELDS.find((field) => field.name === name)!.type);
        const shares = rowsOf((row) => rangeOf(row)[1] === ONE);
        const durations = rowsOf(([, , unit]) => unit.startsWith("blocks"));
        const zeroOnly = rowsOf((row) => !shares.includes(row) && !durations.includes(row));
        // The doc: "the six shares above `1e18` first, in the order of the table, then a zero `a`, `b` or `c`, then
        // the six durations above 2^32 − 1, in the order of the table".
        const order =
          /the six shares above `1e18` first, in the order of the table, then a zero `(\w+)`, `(\w+)` or `(\w+)`, then the six durations above (2\^\d+ − 1), in the order of the table/.exec(
            PROSE,
          );
        expect(order, "the order of the checks").to.not.equal(null);
        const zeros = order!.slice(1, 4);
        expect([shares.length, durations.length]).to.deep.equal([6, 6]);
        expect(durations.map((row) => rangeOf(row)[1])).to.deep.equal(durations.map(() => bound(order![4])));
        // Every field too large at once (or zero where there is no "too large"): the failures come out in order.
        const tooLarge = Object.fromEntries(
          PARAMETER_ROWS.map((row) => {
            const [low, high] = rangeOf(row);
            return [row[0], zeroOnly.includes(row) ? low - 1n : high + 1n];
          }),
        );
        const allZero = Object.fromEntries(zeros.map((name) => [name, 0n]));
        const sequences: [Record<string, bigint>, string[]][] = [
          [tooLarge, [...shares, ...zeroOnly, ...durations].map(([name]) => name)],
          [allZero, zeros],
        ];
        for (const [invalid, expected] of sequences) {
          const parameters: Record<string, bigint> = { ...defaultPenaltyParameters, ...invalid };
          for (const name of expected) {
            await expect(penalty.setParameters(parameters as PenaltyParameters))
              .to.be.revertedWithCustomError(penalty, "PenaltyCasesInvalidParameter")
              .withArgs(name, parameters[name]);
            parameters[name] = defaultPenaltyParameters[name as keyof PenaltyParameters];
          }
          await expect(penalty.setParameters(parameters as PenaltyParameters)).to.emit(
            penalty,
            "PenaltyParametersUpdated",
          );
        }
      });
    });

    describe("duration bounds", function () {
      /** The valid range's ends of a duration, as the table gives them. */
      const ends = (name: string): bigint[] => {
        const row = PARAMETER_ROWS.find(([rowName]) => rowName === name);
        if (row === undefined) throw new Error(`no row for ${name}`);
        return validExtremes(row[3], FIELDS.find((field) => field.name === name)!.type);
      };

      it("gives every uint48 field the bound the prose explains, which keeps every sum inside uint48", function () {
        const durations = FIELDS.filter(({ type }) => type === "uint48").map(({ name }) => name);
        expect(durations).to.have.length(6);
        const highs = new Set(durations.map((name) => ends(name)[1]));
        expect(highs.size).to.equal(1);
        const [high] = highs;
        const why =
          /With each duration at most (2\^\d+ − 1) \(over (\d+) years of 2-second blocks\), no such sum can leave the `uint48` range before block 2\^48 − 3 · 2\^(\d+), nearly (\d+) million years of 2-second blocks away/.exec(
            PROSE,
          );
        expect(why, "the explanation of the bound").to.not.equal(null);
        const [, stated, years, power, millions] = why!;
        expect(bound(stated)).to.equal(high);
        const yearsOf = (blocks: bigint) => (Number(blocks) * 2) / (365.25 * 86_400);
        expect(yearsOf(high + 1n)).to.be.greaterThan(Number(years));
        // At most three durations are added to the clock (the timeline): until that block, the sum fits uint48.
        const lastSafeBlock = maxOf("uint48") + 1n - 3n * (1n << BigInt(power));
        expect(lastSafeBlock + 3n * high).to.be.at.most(maxOf("uint48"));
        expect(Math.round(yearsOf(lastSafeBlock) / 1e6)).to.equal(Number(millions));
        expect(yearsOf(lastSafeBlock) / 1e6).to.be.lessThan(Number(millions)); // "nearly"
      });

      for (const [end, label] of [
        [0, "lower"],
        [1, "upper"],
      ] as const) {
        describe(`at the ${label} end`, function () {
          const timeline = () => ({
            votingDelay: ends("votingDelay")[end],
            votingPeriod: ends("votingPeriod")[end],
            ratificationWindow: ends("ratificationWindow")[end],
          });

          it("a flag's timeline is the exact sum of the durations", async function () {
            const community = await networkHelpers.loadFixture(deployCommunity);
            const { penalty } = community;
            const durations = timeline();
            await penalty.setParameters({ ...shortParameters, ...durations });
            const { caseId, flaggedAt } = await flagB(community);
            const { voteStart, voteEnd, ratificationDeadline } = await penalty.getCase(caseId);
            expect(voteStart).to.equal(flaggedAt + durations.votingDelay);
            expect(voteEnd).to.equal(voteStart + durations.votingPeriod);
            expect(ratificationDeadline).to.equal(voteEnd + durations.ratificationWindow);
          });

          it("a low-integrity platform rating opens a case with the exact timeline", async function () {
            const { penalty, ledger, orgB } = await networkHelpers.loadFixture(deployCommunity);
            const durations = timeline();
            await penalty.setParameters({ ...shortParameters, ...durations });
            const receipt = await mined(ledger.rate(lowIntegrityRating(orgB, "contribution")));
            const caseId = await penalty.caseCount();
            expect(await penalty.openCaseOf(orgB)).to.equal(caseId);
            const { voteStart, voteEnd, ratificationDeadline } = await penalty.getCase(caseId);
            expect(voteStart).to.equal(BigInt(receipt.blockNumber) + durations.votingDelay);
            expect(voteEnd).to.equal(voteStart + durations.votingPeriod);
            expect(ratificationDeadline).to.equal(voteEnd + durations.ratificationWindow);
          });

          it("a second misuse counts within misuseWindow and bars for barPeriod", async function () {
            const community = await networkHelpers.loadFixture(deployCommunity);
            const { penalty, c, d, orgA } = community;
            const misuseWindow = ends("misuseWindow")[end];
            const barPeriod = ends("barPeriod")[end];
            // At the upper end the second misuse bars; at the lower end (a window of 0 restarts the count) the
            // first one does, so that both ends of barPeriod are used.
            const maxMisuses = end === 1 ? 2n : 1n;
            // No reporting threshold: a forfeited bond of the default bondShare takes A under the default one,
            // and only the bar should decide whether A flags again.
            const reportingThreshold = 0n;
            await penalty.setParameters({
              ...shortParameters,
              misuseWindow,
              barPeriod,
              maxMisuses,
              reportingThreshold,
            });
            /** A flag of B that C and D keep (a quorum, no Expel: a misuse), executed; returns its block. */
            const misuse = async (): Promise<bigint> => {
              const { caseId } = await flagB(community);
              await untilVoting(community, caseId);
              await penalty.connect(c).castVote(caseId, VoteType.Keep);
              await penalty.connect(d).castVote(caseId, VoteType.Keep);
              await pastDeadline(community, caseId);
              const receipt = await mined(penalty.execute(caseId));
              expect(receipt.logs.map((log) => penalty.interface.parseLog(log)?.name)).to.include("BondForfeited");
              return BigInt(receipt.blockNumber);
            };
            const first = await misuse();
            expect((await penalty.reporterRecord(orgA)).windowStart).to.equal(first);
            const second = await misuse();
            const misuses = second <= first + misuseWindow ? 2n : 1n;
            const barredUntil = misuses >= maxMisuses ? second + barPeriod : 0n;
            const record = await penalty.reporterRecord(orgA);
            expect([record.misuses, record.windowStart, record.barredUntil]).to.deep.equal([
              misuses,
              misuses === 2n ? first : second,
              barredUntil,
            ]);
            // The bar lasts barPeriod + 1 blocks from the resolution's block: at the next block, A may flag only
            // when barPeriod is 0.
            const next = penalty.connect(community.a).flag(community.orgC, 1, id("evidence"));
            if (barredUntil > second) {
              await expect(next)
                .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterBarred")
                .withArgs(orgA, barredUntil);
            } else {
              await expect(next).to.emit(penalty, "CaseOpened");
            }
          });
        });
      }
    });
  });

  describe("state diagram", function () {
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(DOC)?.[1] ?? "";
    const arrows = [...mermaid.matchAll(/^\s*(\S+) --> (\S+)(?: : (.*))?$/gm)].map((match) => ({
      from: match[1],
      to: match[2],
      label: match[3] ?? "",
    }));
    const drawnStates = new Set(arrows.flatMap(({ from, to }) => [from, to]).filter((state) => state !== "[*]"));

    it("is a stateDiagram-v2", function () {
      expect(mermaid.trimStart()).to.match(/^stateDiagram-v2\n/);
      expect(arrows).to.not.be.empty;
    });

    it("draws exactly the non-None members of IPenaltyCases.CaseState", async function () {
      const members = await caseStateMembers();
      expect(members[0]).to.equal("None");
      expect(Object.keys(CaseState)).to.deep.equal(members); // src/constants.ts agrees, in order
      expect([...drawnStates].sort()).to.deep.equal(members.slice(1).sort());
    });

    it("draws exactly the transitions the chain makes, each labelled with the call that made it", async function () {
      const observed = new Map<string, Set<string>>();
      for (const path of PATHS) {
        const community = await networkHelpers.loadFixture(deployCommunity);
        const recorder = new Recorder(community.penalty);
        await path(community, recorder);
        for (const { from, to, cause } of recorder.transitions) {
          const key = `${from} --> ${to}`;
          observed.set(key, (observed.get(key) ?? new Set()).add(cause));
        }
      }
      const terminal = [...drawnStates].filter(
        (state) =>
          ![...observed.keys()].some((key) => key.startsWith(`${state} --> `) && key !== `${state} --> ${state}`),
      );
      const drawn = arrows.filter(({ to }) => to !== "[*]").map(({ from, to }) => `${from} --> ${to}`);
      expect(drawn.sort()).to.deep.equal([...observed.keys()].sort());
      // The final states (no transition leaves them on the chain) are exactly those drawn into [*].
      expect(arrows.filter(({ to }) => to === "[*]").map(({ from }) => from)).to.have.members(terminal);
      for (const { from, to, label } of arrows.filter((arrow) => arrow.to !== "[*]")) {
        for (const cause of observed.get(`${from} --> ${to}`) ?? []) {
          if (cause === "clock") {
            expect(label, `${from} --> ${to}`).to.not.match(/\w+\(\)/);
            expect(label, `${from} --> ${to}`).to.match(/clock/);
          } else {
            for (const word of cause.split(" ")) expect(label, `${from} --> ${to}`).to.include(word);
          }
        }
      }
    });
  });

  describe("signed votes", function () {
    const ballotType = /`(Ballot\([^`]*\))`/.exec(DOC)?.[1] ?? "";
    const example = section("ballot-example");
    const exampleTypes = {
      Ballot: [...example.matchAll(/\{ name: "(\w+)", type: "(\w+)" \}/g)].map((match) => ({
        name: match[1],
        type: match[2],
      })),
    };

    it("states the Ballot type whose hash is BALLOT_TYPEHASH, and the example's types encode it", async function () {
      const { penalty } = await networkHelpers.loadFixture(deployDefaults);
      expect(keccak256(toUtf8Bytes(ballotType))).to.equal(await penalty.BALLOT_TYPEHASH());
      expect(TypedDataEncoder.from(exampleTypes).encodeType("Ballot")).to.equal(ballotType);
    });

    it("states the domain the contract reports", async function () {
      const { penalty } = await networkHelpers.loadFixture(deployDefaults);
      const stated = /\*\*domain\*\*: `name` `"([^"]+)"`, `version` `"([^"]+)"`/.exec(DOC);
      const [fields, name, version, chainId, verifyingContract, salt, extensions] = await penalty.eip712Domain();
      expect([name, version]).to.deep.equal([stated?.[1], stated?.[2]]);
      expect(chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(verifyingContract).to.equal(await penalty.getAddress()); // the proxy
      // Name, version, chain id and verifying contract (bits 0-3), no salt, no extensions.
      expect([fields, salt, extensions]).to.deep.equal(["0x0f", ethers.ZeroHash, []]);
      expect(await penalty.DOMAIN_SEPARATOR()).to.equal(
        TypedDataEncoder.hashDomain({ name, version, chainId, verifyingContract }),
      );
    });

    it("says the domain's outputs are unnamed, as the ABI has them, so the example reads them by position", async function () {
      expect(PROSE).to.include("Its seven outputs are **unnamed** in the ABI: read them by position");
      const { abi } = await artifacts.readArtifact("PenaltyCases");
      const { outputs } = new Interface(abi).getFunction("eip712Domain")!;
      expect(outputs.map(({ name }) => name)).to.deep.equal(Array(7).fill(""));
      // The order the doc states is ERC-5267's, which the types confirm.
      const stated = /in the ERC-5267 order `([^`]+)`/.exec(PROSE)?.[1].split(", ");
      expect(stated).to.deep.equal(["fields", "name", "version", "chainId", "verifyingContract", "salt", "extensions"]);
      expect(outputs.map(({ type }) => type)).to.deep.equal([
        "bytes1",
        "string",
        "string",
        "uint256",
        "address",
        "bytes32",
        "uint256[]",
      ]);
      expect(example).to.include("const [, name, version, chainId, verifyingContract] = await penalty.eip712Domain();");
    });

    it("names the ERC-1271 magic value", function () {
      const stated = /magic value `(0x[0-9a-f]{8})`/.exec(DOC)?.[1];
      expect(stated).to.equal(id("isValidSignature(bytes32,bytes)").slice(0, 10));
    });

    /** The example's steps: the member signs, the relayer submits. */
    async function signBallot(
      penalty: PenaltyCases,
      signer: HardhatEthersSigner,
      voter: string,
      caseId: bigint,
      support: number,
      deadline: bigint,
    ): Promise<string> {
      const [, name, version, chainId, verifyingContract] = await penalty.eip712Domain();
      const domain = { name, version, chainId, verifyingContract };
      const ballot = { caseId, support, voter, nonce: await penalty.nonces(voter), deadline };
      return signer.signTypedData(domain, exampleTypes, ballot);
    }

    async function activeCase(): Promise<Community & { caseId: bigint; snapshot: bigint; deadline: bigint }> {
      const community = await networkHelpers.loadFixture(deployCommunity);
      const { penalty, a, orgB } = community;
      await penalty.connect(a).flag(orgB, 1, id("evidence"));
      const caseId = await penalty.caseCount();
      const { voteStart, snapshot } = await penalty.getCase(caseId);
      await networkHelpers.mineUpTo(voteStart);
      const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
      return { ...community, caseId, snapshot, deadline };
    }

    it("runs the example: a relayed ballot counts for the member's organization, once", async function () {
      const { penalty, ledger, registry, c, relayer, caseId, snapshot, deadline } = await activeCase();
      const orgC = await registry.organizationOf(c.address);
      const signature = await signBallot(penalty, c, c.address, caseId, VoteType.Expel, deadline);
      const relay = () =>
        penalty.connect(relayer).castVoteBySig(caseId, VoteType.Expel, c.address, deadline, signature);
      await expect(relay())
        .to.emit(penalty, "VoteCast")
        .withArgs(caseId, orgC, c.address, VoteType.Expel, await ledger.trustAt(orgC, snapshot));
      expect(await penalty.nonces(c.address)).to.equal(1n);
      // A replay fails: the nonce has moved on.
      await expect(relay()).to.be.revertedWithCustomError(penalty, "PenaltyCasesInvalidSignature").withArgs(c.address);
    });

    it("refuses a ballot after its deadline, a timestamp", async function () {
      const { penalty, c, relayer, caseId, deadline } = await activeCase();
      const signature = await signBallot(penalty, c, c.address, caseId, VoteType.Keep, deadline);
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(penalty.connect(relayer).castVoteBySig(caseId, VoteType.Keep, c.address, deadline, signature))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesExpiredSignature")
        .withArgs(deadline);
    });

    it("accepts the ballot of an ERC-1271 wallet bound as a member account", async function () {
      const { penalty, ledger, registry, d, orgD, relayer, caseId, snapshot, deadline } = await activeCase();
      const [owner] = (await ethers.getSigners()).slice(9);
      const wallet = await ethers.deployContract("ERC1271WalletMock", [owner.address]);
      const walletAddress = await wallet.getAddress();
      await registry.connect(d).addMember(orgD, walletAddress);
      const signature = await signBallot(penalty, owner, walletAddress, caseId, VoteType.Keep, deadline);
      await expect(penalty.connect(relayer).castVoteBySig(caseId, VoteType.Keep, walletAddress, deadline, signature))
        .to.emit(penalty, "VoteCast")
        .withArgs(caseId, orgD, walletAddress, VoteType.Keep, await ledger.trustAt(orgD, snapshot));
    });
  });

  describe("the bond with the default parameters", function () {
    const example =
      /With the defaults \(`bondShare` (0\.\d+), `reportingThreshold` (0\.\d+)\), a reporter at trust (0\.\d+) locks a bond of (0\.\d+) and is at (0\.\d+) while the case runs/.exec(
        PROSE,
      );
    const limit =
      /a reporter under (0\.\d+) \/ \(1 − (0\.\d+)\) ≈ (0\.\d+) cannot flag again while one of its cases is open/.exec(
        PROSE,
      );
    const misuse = /by default, less than (\d+)% of the decided weight voted Expel/.exec(PROSE);

    it("states the default bond, the trust it leaves, the threshold it implies and the misuse threshold", function () {
      expect(example, "the bond example").to.not.equal(null);
      expect(limit, "the trust under which a reporter cannot flag again").to.not.equal(null);
      expect(misuse, "the default misuse threshold").to.not.equal(null);
      const { bondShare, reportingThreshold, misuseThreshold } = defaultPenaltyParameters;
      const [share, threshold, trust, bond, left] = example!.slice(1, 6).map(toFixed);
      expect([share, threshold]).to.deep.equal([bondShare, reportingThreshold]);
      expect((trust * bondShare) / ONE).to.equal(bond);
      expect(trust - bond).to.equal(left);
      expect(limit!.slice(1, 3).map(toFixed)).to.deep.equal([reportingThreshold, bondShare]);
      const ratio = Number(reportingThreshold) / Number(ONE - bondShare);
      expect(ratio.toFixed(3)).to.equal(limit![3]);
      expect(BigInt(misuse![1]) * 10n ** 16n).to.equal(misuseThreshold);
    });

    it("keeps a reporter under that trust from flagging while its case is open, and after its bond is forfeited", async function () {
      const community = await networkHelpers.loadFixture(deployCommunity);
      const { penalty, ledger, a, c, d, orgA, orgC } = community;
      const { bondShare, reportingThreshold } = await penalty.parameters();
      expect([bondShare, reportingThreshold]).to.deep.equal([
        defaultPenaltyParameters.bondShare,
        defaultPenaltyParameters.reportingThreshold,
      ]);
      const before = await ledger.trustOf(orgA);
      expect(before).to.be.greaterThanOrEqual(reportingThreshold);
      expect((before * (ONE - bondShare)) / ONE).to.be.lessThan(reportingThreshold); // under the stated limit
      const { caseId } = await flagB(community);
      const { bond } = await penalty.getCase(caseId);
      const bonded = await ledger.trustOf(orgA);
      expect(bond).to.equal(((bonded + bond) * bondShare) / ONE); // a share of A's trust at the flag
      const refused = () =>
        expect(penalty.connect(a).flag(orgC, 1, id("evidence")))
          .to.be.revertedWithCustomError(penalty, "PenaltyCasesReporterBelowThreshold")
          .withArgs(orgA, bonded, reportingThreshold);
      await refused();
      // C and D keep: a quorum with no Expel, a misuse; the bond is forfeited and A is not barred (one misuse).
      await untilVoting(community, caseId);
      await penalty.connect(c).castVote(caseId, VoteType.Keep);
      await penalty.connect(d).castVote(caseId, VoteType.Keep);
      await pastDeadline(community, caseId);
      await expect(penalty.execute(caseId)).to.emit(penalty, "BondForfeited");
      expect((await penalty.reporterRecord(orgA)).barredUntil).to.equal(0n);
      await refused();
      // Decay does not raise it: a half-life later A is still where the bond left it.
      await networkHelpers.mine(defaultTrustParameters.halfLife);
      expect(await ledger.trustOf(orgA)).to.equal(bonded);
      await refused();
    });
  });

  describe("who votes", function () {
    it("refuses the accused and every account of the reporter, directly and by signature, with the errors it names", async function () {
      const community = await networkHelpers.loadFixture(deployCommunity);
      const { penalty, registry, a, b, relayer, orgA, orgB } = community;
      const { caseId } = await flagB(community);
      await untilVoting(community, caseId);
      const values = { caseId, accusedId: orgB, reporterId: orgA };
      const accused = namedError(quotedError("PenaltyCasesAccusedCannotVote"), values);
      const reporter = namedError(quotedError("PenaltyCasesReporterCannotVote"), values);
      await expect(penalty.connect(b).castVote(caseId, VoteType.Keep))
        .to.be.revertedWithCustomError(penalty, accused.name)
        .withArgs(...accused.args);
      // The account that flagged, and another member account of the reporter organization.
      const [second] = (await ethers.getSigners()).slice(7);
      await registry.connect(a).addMember(orgA, second.address);
      for (const account of [a, second]) {
        await expect(penalty.connect(account).castVote(caseId, VoteType.Expel))
          .to.be.revertedWithCustomError(penalty, reporter.name)
          .withArgs(...reporter.args);
      }
      const [, name, version, chainId, verifyingContract] = await penalty.eip712Domain();
      const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
      const ballot = { caseId, support: VoteType.Expel, voter: second.address, nonce: 0n, deadline };
      const signature = await second.signTypedData({ name, version, chainId, verifyingContract }, ballotTypes, ballot);
      await expect(penalty.connect(relayer).castVoteBySig(caseId, VoteType.Expel, second.address, deadline, signature))
        .to.be.revertedWithCustomError(penalty, reporter.name)
        .withArgs(...reporter.args);
      expect(await penalty.hasVoted(caseId, orgA)).to.equal(false);
    });

    it("lets every organization but the accused vote on a platform case (no reporter organization)", async function () {
      const { penalty, ledger, a, b, orgA, orgB } = await networkHelpers.loadFixture(deployCommunity);
      await ledger.rate(lowIntegrityRating(orgB, "contribution"));
      const caseId = await penalty.caseCount();
      const { reporterId, snapshot, voteStart } = await penalty.getCase(caseId);
      expect(reporterId).to.equal(0n);
      await networkHelpers.mineUpTo(voteStart);
      await expect(penalty.connect(a).castVote(caseId, VoteType.Expel))
        .to.emit(penalty, "VoteCast")
        .withArgs(caseId, orgA, a.address, VoteType.Expel, await ledger.trustAt(orgA, snapshot));
      await expect(penalty.connect(b).castVote(caseId, VoteType.Keep)).to.be.revertedWithCustomError(
        penalty,
        "PenaltyCasesAccusedCannotVote",
      );
    });
  });

  describe("outcomes", function () {
    it("reports in BondReleased the trust the ledger credited: min(bond, 1e18 − trustOf(reporterId))", async function () {
      const community = await networkHelpers.loadFixture(deployCommunity);
      const { penalty, ledger, c, d, orgA, orgB } = community;
      expect(PROSE).to.include("gets `min(bond, 1e18 − trustOf(reporterId))` and the rest is lost");
      const { caseId } = await flagB(community);
      const { bond } = await penalty.getCase(caseId);
      expect(bond).to.be.greaterThan(0n);
      // During the case the platform rates A perfectly with a full gain rate: A's trust reaches 1e18 (the
      // fixtures' parameters: no initial cap, so no probation holds A).
      await ledger.setParameters({ ...fixtureTrustParameters, gainRate: ONE, lossRate: ONE });
      const perfect = { quality: ONE, quantity: ONE, integrity: ONE, intent: ONE };
      await ledger.rate({ orgId: orgA, contributionId: id("excellent"), scores: perfect, evidenceHash: id("r") });
      expect((await ledger.recordedTrustOf(orgA)).value).to.equal(ONE);
      await untilVoting(community, caseId);
      await penalty.connect(c).castVote(caseId, VoteType.Expel);
      await penalty.connect(d).castVote(caseId, VoteType.Expel);
      await pastDeadline(community, caseId);
      const receipt = await mined(penalty.execute(caseId));
      const [release] = trustChanges(community, receipt, TrustChangeReason.BondReleased);
      const credited = ONE - release.oldValue < bond ? ONE - release.oldValue : bond;
      expect(release.orgId).to.equal(orgA);
      expect(release.newValue).to.equal(ONE);
      expect(credited).to.be.lessThan(bond); // the cap bit
      await expect(receipt).to.emit(penalty, "BondReleased").withArgs(caseId, orgA, credited);
      await expect(receipt).to.emit(penalty, "CaseResolved").withArgs(caseId, orgB, true, false);
    });

    it("releases the bond of a vote short of its quorum, and judges one that reached it", async function () {
      const community = await networkHelpers.loadFixture(deployCommunity);
      const { penalty, c, d, orgA } = community;
      for (const voters of [[], [c], [c, d]]) {
        const { caseId } = await flagB(community);
        await untilVoting(community, caseId);
        for (const voter of voters) await penalty.connect(voter).castVote(caseId, VoteType.Keep);
        await pastDeadline(community, caseId);
        const { bond, quorum, expelWeight, keepWeight, abstainWeight, misuseThreshold } = await penalty.getCase(caseId);
        const cast = expelWeight + keepWeight + abstainWeight;
        const before = await penalty.reporterRecord(orgA);
        const receipt = await mined(penalty.execute(caseId));
        const events = receipt.logs.map((log) => penalty.interface.parseLog(log)?.name);
        if (cast < quorum) {
          await expect(receipt).to.emit(penalty, "BondReleased").withArgs(caseId, orgA, bond);
          expect(events).to.not.include("BondForfeited");
          expect(events).to.not.include("ReporterMisuseRecorded");
          expect((await penalty.reporterRecord(orgA)).misuses).to.equal(before.misuses);
        } else {
          expect(misuseThreshold).to.be.greaterThan(0n); // an Expel share of 0 is under it: a misuse
          await expect(receipt).to.emit(penalty, "BondForfeited").withArgs(caseId, orgA, bond, 0n);
          expect(events).to.not.include("BondReleased");
          expect((await penalty.reporterRecord(orgA)).misuses).to.equal(before.misuses + 1n);
        }
        expect(voters.length === 2).to.equal(cast >= quorum); // one voter of four is under 30 %, two are not
      }
    });

    /**
     * E joins recommended by A; C flags E, A, B and D vote Expel, and the ratifier confirms at once. `atExpulsion`
     * are the parameters in force at the expulsion; `afterwards` those set right after it.
     */
    async function expelRecommended(atExpulsion: PenaltyParameters, afterwards: PenaltyParameters) {
      const community = await networkHelpers.loadFixture(deployCommunity);
      const { penalty, registry, governance, a, b, c, d, orgA } = community;
      const [e] = (await ethers.getSigners()).slice(6);
      const orgE = await joinAndActivate(community, e, governance, { recommenders: [a] });
      await penalty.connect(c).flag(orgE, 1, id("evidence"));
      const caseId = await penalty.caseCount();
      await untilVoting(community, caseId);
      for (const voter of [a, b, d]) await penalty.connect(voter).castVote(caseId, VoteType.Expel);
      await penalty.setParameters(atExpulsion);
      await networkHelpers.mineUpTo((await penalty.getCase(caseId)).voteEnd);
      await expect(penalty.connect(governance).ratify(caseId, true, id("reasons")))
        .to.emit(penalty, "CaseResolved")
        .withArgs(caseId, orgE, true, true);
      await penalty.setParameters(afterwards);
      const { activatedAt } = await registry.organization(orgE);
      return { ...community, caseId, orgA, orgE, activatedAt };
    }

    it("fixes the liability share at the expulsion: a later setParameters does not change it", async function () {
      const share =
        /The \*\*terms are fixed at the expulsion\*\*: in the same transaction the case records the `(\w+)` in force then/.exec(
          PROSE,
        )?.[1];
      expect(share).to.equal("liabilityShare");
      const community = await expelRecommended(shortParameters, {
        ...shortParameters,
        liabilityShare: 0n,
        liabilityWindow: 0n,
      });
      const { penalty, caseId, orgA } = community;
      const receipt = await mined(penalty.applyLiability(caseId, orgA));
      const [loss] = trustChanges(community, receipt, TrustChangeReason.Liability);
      const amount = (loss.oldValue * shortParameters.liabilityShare) / ONE; // the share in force at the expulsion
      expect(amount).to.be.greaterThan(0n);
      expect(loss.newValue).to.equal(loss.oldValue - amount);
      await expect(receipt).to.emit(penalty, "LiabilityApplied").withArgs(caseId, orgA, amount);
    });

    it("decides at the expulsion whether it came within the window: a later setParameters does not reopen it", async function () {
      const community = await expelRecommended({ ...shortParameters, liabilityWindow: 0n }, shortParameters);
      const { penalty, caseId, orgA, activatedAt } = community;
      const { resolvedAt } = await penalty.getCase(caseId);
      expect(resolvedAt).to.be.greaterThan(activatedAt); // outside the window of 0 in force at the expulsion
      expect(resolvedAt).to.be.at.most(activatedAt + shortParameters.liabilityWindow); // within today's window
      await expect(penalty.applyLiability(caseId, orgA))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesLiabilityWindowPassed")
        .withArgs(caseId, activatedAt);
    });
  });

  describe("reading a case", function () {
    const rows = tableCells("penalty-views");

    it("lists only views of the PenaltyCases ABI, with the arguments they take", async function () {
      const { abi } = await artifacts.readArtifact("PenaltyCases");
      const contract = new Interface(abi);
      expect(rows).to.not.be.empty;
      for (const [call] of rows) {
        const match = /^(\w+)\(([^)]*)\)$/.exec(call);
        expect(match, call).to.not.equal(null);
        const fragment = contract.getFunction(match![1]);
        expect(fragment, call).to.not.equal(null);
        expect(fragment!.stateMutability, call).to.be.oneOf(["view", "pure"]);
        expect(fragment!.inputs.length, call).to.equal(match![2] === "" ? 0 : match![2].split(", ").length);
      }
      expect(rows.map(([call]) => call.replace(/\(.*/, ""))).to.include.members(["registry", "ledger"]);
    });

    it("registry() and ledger() are the suite's proxies", async function () {
      const { penalty, registry, ledger } = await networkHelpers.loadFixture(deployDefaults);
      expect(await penalty.registry()).to.equal(await registry.getAddress());
      expect(await penalty.ledger()).to.equal(await ledger.getAddress());
      expect(await ledger.penaltyHook()).to.equal(await penalty.getAddress());
    });
  });

  describe("an open case blocks its organization", function () {
    const timeline =
      /the ratification deadline is votingDelay \+ votingPeriod \+ ratificationWindow = ([\d,]+) \+ ([\d,]+) \+ ([\d,]+) = ([\d,]+) blocks after the flag \(about (\d+) hours at 2-second blocks\)/.exec(
        PROSE,
      );
    const earliest = /only from `voteEnd \+ 1`, ([\d,]+) blocks after the flag with the defaults/.exec(PROSE);

    it("states the default parameters' figures", function () {
      expect(timeline, "the default timeline").to.not.equal(null);
      expect(earliest, "the earliest ratification").to.not.equal(null);
      const [delay, period, window, total] = timeline!.slice(1, 5).map(figure);
      const { votingDelay, votingPeriod, ratificationWindow } = defaultPenaltyParameters;
      expect([delay, period, window]).to.deep.equal([votingDelay, votingPeriod, ratificationWindow]);
      expect(delay + period + window).to.equal(total);
      expect(Math.round((Number(total) * 2) / 3_600)).to.equal(Number(timeline![5]));
      expect(figure(earliest![1])).to.equal(votingDelay + votingPeriod + 1n);
    });

    it("keeps a case open past its vote and its deadline, against flags and platform signals, until execute", async function () {
      const community = await networkHelpers.loadFixture(deployDefaultCommunity);
      const { penalty, ledger, c, orgA, orgB } = community;
      const total = figure(timeline![4]);
      const { caseId, flaggedAt } = await flagB(community);
      const { ratificationDeadline, bond } = await penalty.getCase(caseId);
      expect(ratificationDeadline).to.equal(flaggedAt + total);
      const open = namedError(quotedError("PenaltyCasesCaseAlreadyOpen"), { accusedId: orgB, openCaseId: caseId });
      const ignored = namedError(quotedError("PlatformSignalIgnored"), {
        orgId: orgB,
        contributionId: id("late"),
        openCaseId: caseId,
      });
      // Voting is long over and the outcome recorded: the case is still open.
      await networkHelpers.mineUpTo(ratificationDeadline - 2n);
      await expect(penalty.finalize(caseId)).to.emit(penalty, "CaseFinalized");
      expect(await penalty.state(caseId)).to.equal(CaseState.Defeated);
      expect(await penalty.openCaseOf(orgB)).to.equal(caseId);
      await expect(penalty.execute(caseId))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesRatificationOpen")
        .withArgs(caseId, ratificationDeadline);
      // At the deadline a platform signal is ignored; after it, a flag is still refused until someone executes.
      const signal = await mined(ledger.rate(lowIntegrityRating(orgB, "late")));
      expect(BigInt(signal.blockNumber)).to.equal(ratificationDeadline);
      await expect(signal)
        .to.emit(penalty, ignored.name)
        .withArgs(...ignored.args);
      await expect(penalty.connect(c).flag(orgB, 1, id("new evidence")))
        .to.be.revertedWithCustomError(penalty, open.name)
        .withArgs(...open.args);
      // Anyone executes from the block after the deadline; nobody voted, so the reporter gets its bond back.
      const executed = await mined(penalty.connect(c).execute(caseId));
      expect(BigInt(executed.blockNumber)).to.equal(ratificationDeadline + 1n);
      await expect(executed).to.emit(penalty, "CaseResolved").withArgs(caseId, orgB, false, false);
      await expect(executed).to.emit(penalty, "BondReleased").withArgs(caseId, orgA, bond);
      expect(await penalty.openCaseOf(orgB)).to.equal(0n);
      await expect(penalty.connect(c).flag(orgB, 1, id("new evidence"))).to.emit(penalty, "CaseOpened");
    });

    it("lets only the ratifier close an unvoted platform case early, from voteEnd + 1", async function () {
      const { penalty, ledger, governance, a, orgB } = await networkHelpers.loadFixture(deployDefaultCommunity);
      const opened = await mined(ledger.rate(lowIntegrityRating(orgB, "first")));
      const caseId = await penalty.caseCount();
      const { voteEnd, ratificationDeadline, reporterId } = await penalty.getCase(caseId);
      expect(reporterId).to.equal(0n);
      // Not before voting is over.
      await networkHelpers.mineUpTo(voteEnd - 1n);
      await expect(penalty.connect(governance).ratify(caseId, false, id("reasons")))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesUnexpectedState")
        .withArgs(caseId, CaseState.Active, CaseState.Succeeded);
      await networkHelpers.mine(1);
      // From voteEnd + 1 the case is Defeated, but nobody other than the ratifier can close it.
      await expect(penalty.execute(caseId))
        .to.be.revertedWithCustomError(penalty, "PenaltyCasesRatificationOpen")
        .withArgs(caseId, ratificationDeadline);
      await expect(penalty.connect(a).ratify(caseId, false, id("reasons")))
        .to.be.revertedWithCustomError(penalty, "AccessManagedUnauthorized")
        .withArgs(a.address);
      const closed = await mined(penalty.connect(governance).ratify(caseId, false, id("reasons")));
      await expect(closed).to.emit(penalty, "CaseResolved").withArgs(caseId, orgB, false, true);
      expect(BigInt(closed.blockNumber - opened.blockNumber)).to.equal(figure(earliest![1]));
      expect(await penalty.openCaseOf(orgB)).to.equal(0n);
      // The next platform signal opens a case again.
      await expect(ledger.rate(lowIntegrityRating(orgB, "second"))).to.emit(penalty, "CaseOpened");
    });
  });
});

// ------------------------------------------------------------------ the state machine on the chain

/** The members of IPenaltyCases.CaseState, in order, from the compiler's AST of IPenaltyCases.sol. */
async function caseStateMembers(): Promise<string[]> {
  const source = "contracts/interfaces/IPenaltyCases.sol";
  const buildInfoId = await artifacts.getBuildInfoId(`${source}:IPenaltyCases`);
  const outputPath = buildInfoId === undefined ? undefined : await artifacts.getBuildInfoOutputPath(buildInfoId);
  if (outputPath === undefined) throw new Error(`no build output for ${source}`);
  const { output } = JSON.parse(readFileSync(outputPath, "utf8"));
  const key = Object.keys(output.sources).find((name) => name.endsWith(source));
  if (key === undefined) throw new Error(`${source} is not in its build output`);
  let members: string[] | undefined;
  const visit = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    const record = node as { nodeType?: string; name?: string; members?: { name: string }[] };
    if (record.nodeType === "EnumDefinition" && record.name === "CaseState") {
      members = record.members!.map((member) => member.name);
    }
    Object.values(node).forEach(visit);
  };
  visit(output.sources[key].ast);
  if (members === undefined) throw new Error("no CaseState enum in the AST");
  return members;
}

const STATE_NAMES = Object.fromEntries(Object.entries(CaseState).map(([name, value]) => [value, name]));

/**
 * Records a case's state after each step. A step is one mined block (cause "clock") or one transaction (its
 * function's name, e.g. "ratify() confirms"). A change of state is a transition; so is a `finalize` that leaves
 * the state as it is, the one call the doc draws as a loop. `None` is drawn `[*]`.
 */
class Recorder {
  readonly transitions: { from: string; to: string; cause: string }[] = [];
  private last = "[*]";
  caseId = 1n;

  constructor(private readonly penalty: PenaltyCases) {}

  private async record(cause: string): Promise<string> {
    const value = Number(await this.penalty.state(this.caseId));
    const state = value === CaseState.None ? "[*]" : STATE_NAMES[value];
    if (state !== this.last || cause.startsWith("finalize")) {
      this.transitions.push({ from: this.last, to: state, cause });
    }
    this.last = state;
    return state;
  }

  /** Mines one block. */
  async tick(): Promise<string> {
    await networkHelpers.mine(1);
    return this.record("clock");
  }

  /** Sends one transaction. */
  async send(cause: string, tx: Promise<ContractTransactionResponse>): Promise<string> {
    await (await tx).wait();
    return this.record(cause);
  }

  /** Mines blocks while the state is `state` (at most `limit`). */
  async tickWhile(state: string, limit = 20): Promise<string> {
    let current = this.last;
    for (let i = 0; current === state && i < limit; i++) current = await this.tick();
    return current;
  }

  /** Mines blocks until the ratification deadline has passed. */
  async passDeadline(): Promise<void> {
    const { ratificationDeadline } = await this.penalty.getCase(this.caseId);
    while ((await this.penalty.clock()) <= ratificationDeadline) await this.tick();
  }
}

type Path = (community: Community, recorder: Recorder) => Promise<void>;

/** Flags B from A, waits for voting, and has C and D vote (A, the reporter, does not); `keep`: they vote Keep. */
async function flagAndVote({ penalty, a, c, d, orgB }: Community, recorder: Recorder, keep: boolean) {
  await recorder.send("flag()", penalty.connect(a).flag(orgB, 1, id("evidence")));
  recorder.caseId = await penalty.caseCount();
  expect(await recorder.tickWhile("Pending")).to.equal("Active");
  const support = keep ? VoteType.Keep : VoteType.Expel;
  await recorder.send("castVote()", penalty.connect(c).castVote(recorder.caseId, support));
  await recorder.send("castVote()", penalty.connect(d).castVote(recorder.caseId, support));
  expect(await recorder.tickWhile("Active")).to.equal(keep ? "Defeated" : "Succeeded");
  await recorder.send("finalize()", penalty.finalize(recorder.caseId));
}

/** Mines a few blocks after the resolution: a final state stays. */
async function settle(recorder: Recorder) {
  for (let i = 0; i < 3; i++) await recorder.tick();
}

const PATHS: Path[] = [
  // The vote expels; the ratifier stays silent; anyone executes.
  async (community, recorder) => {
    await flagAndVote(community, recorder, false);
    await recorder.passDeadline();
    await recorder.send("execute()", community.penalty.execute(recorder.caseId));
    await settle(recorder);
  },
  // The vote keeps; the ratifier stays silent; anyone executes.
  async (community, recorder) => {
    await flagAndVote(community, recorder, true);
    await recorder.passDeadline();
    await recorder.send("execute()", community.penalty.execute(recorder.caseId));
    await settle(recorder);
  },
  // The ratifier confirms an expulsion, overturns an expulsion, confirms a keep, overturns a keep.
  ...[
    { keep: false, expel: true },
    { keep: false, expel: false },
    { keep: true, expel: false },
    { keep: true, expel: true },
  ].map(({ keep, expel }): Path => {
    const verb = expel === !keep ? "confirms" : "overturns";
    return async (community, recorder) => {
      await flagAndVote(community, recorder, keep);
      await recorder.send(
        `ratify() ${verb}`,
        community.penalty.connect(community.governance).ratify(recorder.caseId, expel, id("reasons")),
      );
      await settle(recorder);
    };
  }),
  // A platform rating under the flag threshold opens a case.
  async ({ ledger, orgB }, recorder) => {
    const scores = { quality: toFixed("0.5"), quantity: toFixed("0.5"), integrity: 0n, intent: toFixed("0.5") };
    await recorder.send(
      "onLowIntegrity()",
      ledger.rate({ orgId: orgB, contributionId: id("contribution"), scores, evidenceHash: id("rating") }),
    );
    expect(await recorder.tickWhile("Pending")).to.equal("Active");
  },
];
