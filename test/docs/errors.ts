/**
 * Keeps docs/errors.md true: every custom error in the compiled ABIs of contracts/registry, contracts/trust,
 * contracts/penalty, contracts/network and contracts/access has a `### Name(types)` heading with its selector, why it happens and how
 * to fix it, and the docs name no error that no longer exists. Where an entry restates a rule of
 * docs/penalty.md (the parameters `PenaltyCasesInvalidParameter` names, the order of the vote checks, the
 * open-case limitation's figures), it must agree with that page.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { type ErrorFragment, Interface } from "ethers";
import { artifacts } from "hardhat";

/** The folders whose contracts' errors docs/errors.md documents. */
const FOLDERS = [
  "contracts/registry/",
  "contracts/trust/",
  "contracts/penalty/",
  "contracts/network/",
  "contracts/access/",
];

/** Prefixes of error names whose every mention in the docs must be a current error. */
const CREDENCE_PREFIXES = ["EntityRegistry", "TrustLedger", "PenaltyCases", "ValidatorSet"];

interface AbiError {
  fragment: ErrorFragment;
  /** The contracts whose ABI has it. */
  contracts: string[];
}

/** Every custom error of the compiled contracts in FOLDERS, by canonical signature. */
async function loadAbiErrors(): Promise<Map<string, AbiError>> {
  const errors = new Map<string, AbiError>();
  const names = [...(await artifacts.getAllFullyQualifiedNames())].filter((name) =>
    FOLDERS.some((folder) => name.startsWith(folder)),
  );
  for (const name of names.sort()) {
    const { abi, contractName } = await artifacts.readArtifact(name);
    new Interface(abi).forEachError((fragment) => {
      const signature = fragment.format("sighash");
      const entry = errors.get(signature) ?? { fragment, contracts: [] };
      entry.contracts.push(contractName);
      errors.set(signature, entry);
    });
  }
  return errors;
}

interface Section {
  /** The `##` group the heading is under. */
  group: string;
  /** The heading's signature with whitespace removed. */
  signature: string;
  body: string;
}

/** The `### Name(types)` sections of the doc, each with its `##` group and its text up to the next heading. */
function parseSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let group = "";
  let current: Section | undefined;
  for (const line of markdown.split("\n")) {
    if (/^#{1,2} /.test(line)) {
      group = line.replace(/^#+ /, "").trim();
      current = undefined;
    } else if (line.startsWith("### ")) {
      current = { group, signature: line.slice(4).replace(/\s+/g, ""), body: "" };
      sections.push(current);
    } else if (line.startsWith("#")) {
      current = undefined;
    } else if (current !== undefined) {
      current.body += `${line}\n`;
    }
  }
  return sections;
}

const DOC = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
const TRUST_MODEL = readFileSync(new URL("../../docs/trust-model.md", import.meta.url), "utf8");
const ACCESS = readFileSync(new URL("../../docs/access-and-upgrades.md", import.meta.url), "utf8");
const PENALTY = readFileSync(new URL("../../docs/penalty.md", import.meta.url), "utf8");
const ABI_ERRORS = await loadAbiErrors();
const SECTIONS = parseSections(DOC);

describe("docs/errors.md", function () {
  it("finds the compiled contracts of every documented folder", async function () {
    const contracts = new Set([...ABI_ERRORS.values()].flatMap(({ contracts }) => contracts));
    expect([...contracts].sort()).to.include.members([
      "CredenceAccessManager",
      "EntityRegistry",
      "PenaltyCases",
      "TrustLedger",
      "ValidatorSet",
    ]);
  });

  describe("documents every custom error of the ABIs", function () {
    for (const [signature, { fragment, contracts }] of ABI_ERRORS) {
      it(`${signature} (${contracts.join(", ")})`, function () {
        const matching = SECTIONS.filter((section) => section.signature === signature);
        expect(matching, `no "### ${signature}" heading`).to.have.length(1);
        const [section] = matching;
        const selectors = [...section.body.matchAll(/Selector `(0x[0-9a-f]{8})`/g)].map((match) => match[1]);
        expect(selectors).to.deep.equal([fragment.selector]);
        expect(section.body).to.match(/\*\*Why:\*\* \S/);
        expect(section.body).to.match(/\*\*Fix:\*\* \S/);
      });
    }
  });

  describe("names no error that does not exist", function () {
    it("has no heading without a matching error in the ABIs", function () {
      const unknown = SECTIONS.map((section) => section.signature).filter((signature) => !ABI_ERRORS.has(signature));
      expect(unknown).to.deep.equal([]);
    });

    it("has no heading twice", function () {
      const signatures = SECTIONS.map((section) => section.signature);
      expect(signatures).to.have.length(new Set(signatures).size);
    });

    it("files each error under a contract whose ABI has it", function () {
      const contractNames = new Set([...ABI_ERRORS.values()].flatMap(({ contracts }) => contracts));
      const misfiled = SECTIONS.filter(
        (section) =>
          contractNames.has(section.group) && !ABI_ERRORS.get(section.signature)?.contracts.includes(section.group),
      ).map((section) => `${section.group}: ${section.signature}`);
      expect(misfiled).to.deep.equal([]);
    });

    for (const [name, text] of [
      ["docs/errors.md", DOC],
      ["docs/trust-model.md", TRUST_MODEL],
      ["docs/access-and-upgrades.md", ACCESS],
      ["docs/penalty.md", PENALTY],
    ] as const) {
      it(`mentions only current Credence errors in ${name}`, function () {
        const known = new Set([...ABI_ERRORS.values()].map(({ fragment }) => fragment.name));
        const pattern = new RegExp(`\\b(?:${CREDENCE_PREFIXES.join("|")})[A-Z]\\w*`, "g");
        const stale = [...new Set(text.match(pattern) ?? [])].filter((mention) => !known.has(mention));
        expect(stale).to.deep.equal([]);
      });
    }
  });

  describe("agrees with docs/penalty.md", function () {
    /** The body of the one section whose heading starts with `name(`. */
    const body = (name: string): string => {
      const matching = SECTIONS.filter((section) => section.signature.startsWith(`${name}(`));
      expect(matching, name).to.have.length(1);
      return matching[0].body.replace(/\s+/g, " ");
    };
    const penaltyProse = PENALTY.replace(/\s+/g, " ");

    it("PenaltyCasesInvalidParameter names exactly the parameters the parameter table says it rejects", function () {
      const named = new Set([...body("PenaltyCasesInvalidParameter").matchAll(/`"(\w+)"`/g)].map((match) => match[1]));
      const rejected = new Set(
        [...PENALTY.matchAll(/`PenaltyCasesInvalidParameter\("(\w+)", value\)`/g)].map((match) => match[1]),
      );
      expect(rejected.size).to.be.greaterThan(0);
      expect([...named].sort()).to.deep.equal([...rejected].sort());
      // The duration bound it gives is the one of the table's duration rows.
      const bound = /a duration \([^)]*\) above (2\^\d+ − 1) blocks/.exec(body("PenaltyCasesInvalidParameter"))?.[1];
      expect(bound).to.not.equal(undefined);
      expect(PENALTY).to.include(`| [0, ${bound}]`);
    });

    it("puts PenaltyCasesReporterCannotVote right after the check docs/penalty.md lists before it", function () {
      const after = /Checked right after `(\w+)`/.exec(body("PenaltyCasesReporterCannotVote"))?.[1];
      const checks = [...PENALTY.matchAll(/^(\d+)\. .*?`(PenaltyCases\w+)[`(]/gm)].map((match) => ({
        number: Number(match[1]),
        error: match[2],
      }));
      const reporter = checks.find(({ error }) => error === "PenaltyCasesReporterCannotVote");
      expect(reporter, "the vote check of PenaltyCasesReporterCannotVote").to.not.equal(undefined);
      const previous = checks[checks.indexOf(reporter!) - 1];
      expect(previous.number).to.equal(reporter!.number - 1);
      expect(previous.error).to.equal(after);
    });

    it("quotes the open-case limitation's default figures as docs/penalty.md does", function () {
      const stated = /= ([\d,]+) blocks after the flag \(about (\d+) hours at 2-second blocks\)/.exec(penaltyProse);
      expect(stated, "docs/penalty.md's figures").to.not.equal(null);
      const [, blocks, hours] = stated!;
      expect(body("PenaltyCasesCaseAlreadyOpen")).to.include(
        `up to ${blocks} blocks (about ${hours} hours) after the flag`,
      );
      expect(TRUST_MODEL.replace(/\s+/g, " ")).to.include(`up to ${blocks} blocks after the flag`);
    });
  });
});
