/**
 * The contracts fingerprint (scripts/sim/fingerprint.ts) on small source trees built by hand: it follows relative
 * and package imports, changes with any file it reaches and with nothing else, and names a file it cannot read.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { FINGERPRINT_ROOTS, contractsFingerprint, importsOf, resolveImport } from "../../../scripts/sim/fingerprint.js";

describe("simulator contracts fingerprint", function () {
  let root: string;

  async function write(file: string, text: string) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }

  beforeEach(async function () {
    root = await mkdtemp(path.join(tmpdir(), "credence-fingerprint-"));
    await write(
      "contracts/a/A.sol",
      'pragma solidity ^0.8.0;\nimport {B} from "../b/B.sol";\nimport "@oz/contracts/C.sol";\ncontract A {}\n',
    );
    await write("contracts/b/B.sol", 'import {D} from "./D.sol";\nlibrary B {}\n');
    await write("contracts/b/D.sol", "library D {}\n");
    await write("node_modules/@oz/contracts/C.sol", "library C {}\n");
    await write("contracts/b/Unused.sol", "library Unused {}\n");
  });

  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  const fingerprint = () => contractsFingerprint(root, ["contracts/a/A.sol"]);

  it("reads the imports of a source: named, plain and aliased, in order", function () {
    expect(
      importsOf('import {X} from "./X.sol";\nimport "../Y.sol";\nimport * as Z from "@p/Z.sol";\n// import "no"\n'),
    ).to.deep.equal(["./X.sol", "../Y.sol", "@p/Z.sol"]);
  });

  it("resolves relative imports against the importing file and packages in node_modules", function () {
    expect(resolveImport("contracts/a/A.sol", "../b/B.sol")).to.equal("contracts/b/B.sol");
    expect(resolveImport("contracts/b/B.sol", "./D.sol")).to.equal("contracts/b/D.sol");
    expect(resolveImport("contracts/a/A.sol", "@oz/contracts/C.sol")).to.equal("node_modules/@oz/contracts/C.sol");
  });

  it("is a stable SHA-256", async function () {
    const first = await fingerprint();
    expect(first).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(await fingerprint()).to.equal(first);
  });

  it("changes when any file the roots reach changes, a package's included", async function () {
    const before = await fingerprint();
    for (const [file, text] of [
      ["contracts/a/A.sol", "contract A { uint x; }\n"],
      ["contracts/b/D.sol", "library D { }\n"],
      ["node_modules/@oz/contracts/C.sol", "library C { }\n"],
    ]) {
      const saved = await readFile(path.join(root, file), "utf8");
      await write(file, text);
      expect(await fingerprint(), file).to.not.equal(before);
      await write(file, saved);
      expect(await fingerprint(), file).to.equal(before);
    }
  });

  it("ignores files the roots do not import", async function () {
    const before = await fingerprint();
    await write("contracts/b/Unused.sol", "library Unused { }\n");
    await write("contracts/b/New.sol", "library New {}\n");
    expect(await fingerprint()).to.equal(before);
  });

  it("throws naming the file it cannot read", async function () {
    await write("contracts/b/D.sol", 'import "./Missing.sol";\n');
    let error: unknown;
    try {
      await fingerprint();
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.contain("cannot read contracts/b/Missing.sol");
  });

  it("covers, in this repository, the contracts the simulator deploys", async function () {
    expect(FINGERPRINT_ROOTS).to.include.members([
      "contracts/registry/EntityRegistry.sol",
      "contracts/trust/TrustLedger.sol",
      "contracts/penalty/PenaltyCases.sol",
    ]);
    expect(await contractsFingerprint()).to.match(/^sha256:[0-9a-f]{64}$/);
  });
});
