import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { Wallet, encodeRlp, getAddress } from "ethers";

import { decodeExtraData, encodeExtraData } from "../../besu-network/src/extraData.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "besu-network/cli/extradata.ts");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

// ------------------------------------------------------------------ published vectors
// Besu's own test of `besu rlp encode/decode`:
// hyperledger/besu besu/src/test/java/org/hyperledger/besu/cli/subcommands/rlp/RLPSubCommandTest.java
// (encodeWithoutPathMustWriteToStandardOutput, canEncodeToQbftExtraData, decodeQBFTWithoutPathMustWriteToStandardOutput).
// `besu rlp encode` keeps the input order, and be06… > 5ff6…, so these two are not sorted ascending.
const BESU_PAIR = ["0xbe068f726a13c8d46c44be6ce9d275600e1735a4", "0x5ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193"];
const BESU_IBFT2_PAIR =
  "0xf853a00000000000000000000000000000000000000000000000000000000000000000ea94be068f726a13c8d" +
  "46c44be6ce9d275600e1735a4945ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193808400000000c0";
const BESU_QBFT_PAIR =
  "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94be068f726a13c8d" +
  "46c44be6ce9d275600e1735a4945ff6f4b66a46a2b2310a6f3a93aaddc0d9a1c193c080c0";
// Already ascending, so the default (sorting) encoder must reproduce it byte for byte.
const BESU_QBFT_SORTED_PAIR = [
  "0x241f804efb46f71acaa5be94a62f7798e89c3724",
  "0x6cdf72da457453063ea92e7fa5ac30afbcec28cd",
];
const BESU_QBFT_SORTED =
  "0xf84fa00000000000000000000000000000000000000000000000000000000000000000ea94241f804efb46f71acaa" +
  "5be94a62f7798e89c3724946cdf72da457453063ea92e7fa5ac30afbcec28cdc080c0";

// Besu docs, "Configure IBFT 2.0 consensus", example genesis file:
// https://besu.hyperledger.org/private-networks/how-to/configure/consensus/ibft
// (hyperledger/besu-docs docs/private-networks/how-to/configure/consensus/ibft.md)
const DOCS_IBFT2_VALIDATOR = "0xc2ab482b506de561668e07f04547232a72897daf";
const DOCS_IBFT2 =
  "0xf83ea00000000000000000000000000000000000000000000000000000000000000000d594c2ab482b506de561668e07f04547232a72897daf808400000000c0";

// Besu docs, "Configure QBFT consensus", genesis files for block header and contract validator selection:
// https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft
// (hyperledger/besu-docs docs/private-networks/how-to/configure/consensus/qbft.md)
const DOCS_QBFT_VALIDATORS = [
  "0x64a702e6263b7297a96638cac6ae65e6541f4169",
  "0x3923390ad55e90c237593b3b0e401f3b08a03185",
  "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
  "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
];
const DOCS_QBFT =
  "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169" +
  "943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b21" +
  "2648e01c6c6b78c080c0";
const DOCS_QBFT_CONTRACT_MODE = "0xe5a00000000000000000000000000000000000000000000000000000000000000000c0c080c0";

const ZERO_VANITY = "0x" + "00".repeat(32);
const randomAddresses = (n: number) => Array.from({ length: n }, () => Wallet.createRandom().address);

describe("encodeExtraData", function () {
  describe("matches Besu's published vectors", function () {
    it("IBFT 2.0 in the given order (besu rlp encode)", function () {
      expect(encodeExtraData({ consensus: "ibft2", validators: BESU_PAIR, sort: false })).to.equal(BESU_IBFT2_PAIR);
    });

    it("QBFT in the given order (besu rlp encode --type QBFT_EXTRA_DATA)", function () {
      expect(encodeExtraData({ consensus: "qbft", validators: BESU_PAIR, sort: false })).to.equal(BESU_QBFT_PAIR);
    });

    it("QBFT sorted by default", function () {
      expect(encodeExtraData({ consensus: "qbft", validators: BESU_QBFT_SORTED_PAIR })).to.equal(BESU_QBFT_SORTED);
    });

    it("IBFT 2.0 docs genesis with one validator", function () {
      expect(encodeExtraData({ consensus: "ibft2", validators: [DOCS_IBFT2_VALIDATOR] })).to.equal(DOCS_IBFT2);
    });

    it("QBFT docs genesis with four validators in the given order", function () {
      expect(encodeExtraData({ consensus: "qbft", validators: DOCS_QBFT_VALIDATORS, sort: false })).to.equal(DOCS_QBFT);
    });
  });

  describe("sorting", function () {
    it("sorts the validators ascending by default", function () {
      for (const consensus of ["qbft", "ibft2"] as const) {
        const encoded = encodeExtraData({ consensus, validators: BESU_PAIR });
        const reversed = encodeExtraData({ consensus, validators: [...BESU_PAIR].reverse(), sort: false });
        expect(encoded).to.equal(reversed);
        expect(encoded).to.not.equal(consensus === "qbft" ? BESU_QBFT_PAIR : BESU_IBFT2_PAIR);
        expect(decodeExtraData(encoded, consensus).validators).to.deep.equal([BESU_PAIR[1], BESU_PAIR[0]]);
      }
    });

    it("sorts by bytes whatever the case of the input", function () {
      const validators = randomAddresses(7); // checksummed, mixed case
      const expected = validators.map((v) => v.toLowerCase()).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      expect(decodeExtraData(encodeExtraData({ consensus: "qbft", validators }), "qbft").validators).to.deep.equal(
        expected,
      );
    });

    it("gives the same bytes for lower-case, upper-case and checksummed addresses", function () {
      const lower = encodeExtraData({ consensus: "ibft2", validators: BESU_PAIR });
      const checksummed = BESU_PAIR.map((v) => getAddress(v));
      const upper = BESU_PAIR.map((v) => "0x" + v.slice(2).toUpperCase());
      // A plain `!==`: the ethers chai plugin may compare address strings case-insensitively.
      expect(checksummed.every((v, i) => v !== BESU_PAIR[i] && v.toLowerCase() === BESU_PAIR[i])).to.equal(true);
      expect(upper.every((v, i) => v !== BESU_PAIR[i])).to.equal(true);
      expect(encodeExtraData({ consensus: "ibft2", validators: checksummed })).to.equal(lower);
      expect(encodeExtraData({ consensus: "ibft2", validators: upper })).to.equal(lower);
    });
  });

  describe("reverts", function () {
    it("when an address is too short", function () {
      expect(() => encodeExtraData({ consensus: "qbft", validators: [BESU_PAIR[0], "0x1234"] })).to.throw(
        'invalid validator address "0x1234"',
      );
    });

    it("when an address is not hex", function () {
      const bad = "0x" + "zz".repeat(20);
      expect(() => encodeExtraData({ consensus: "qbft", validators: [bad] })).to.throw(
        `invalid validator address "${bad}"`,
      );
    });

    it("when a mixed-case address has a bad checksum", function () {
      const good = getAddress(BESU_PAIR[0]);
      const bad = good.replace(/[a-f]/, (c) => c.toUpperCase());
      expect(() => encodeExtraData({ consensus: "ibft2", validators: [bad] })).to.throw("bad EIP-55 checksum");
    });

    it("when a validator is listed twice (in any case)", function () {
      expect(() =>
        encodeExtraData({ consensus: "qbft", validators: [BESU_PAIR[0], BESU_PAIR[1], getAddress(BESU_PAIR[0])] }),
      ).to.throw(`duplicate validator ${BESU_PAIR[0]}`);
    });

    it("when the validator list is empty", function () {
      expect(() => encodeExtraData({ consensus: "ibft2", validators: [] })).to.throw("empty validator list");
    });

    it("when the consensus is unknown", function () {
      expect(() => encodeExtraData({ consensus: "clique" as "qbft", validators: BESU_PAIR })).to.throw(
        'unknown consensus "clique"',
      );
    });

    it("when the vanity is not 32 bytes", function () {
      expect(() => encodeExtraData({ consensus: "qbft", validators: BESU_PAIR, vanity: "0x00" })).to.throw(
        'invalid vanity "0x00"',
      );
    });
  });
});

describe("decodeExtraData", function () {
  describe("reads Besu's published vectors", function () {
    it("IBFT 2.0 (besu rlp decode)", function () {
      expect(decodeExtraData(BESU_IBFT2_PAIR, "ibft2")).to.deep.equal({
        vanity: ZERO_VANITY,
        validators: BESU_PAIR,
        vote: null,
        round: 0,
        seals: [],
      });
    });

    it("QBFT (besu rlp decode --type QBFT_EXTRA_DATA)", function () {
      expect(decodeExtraData(BESU_QBFT_SORTED, "qbft")).to.deep.equal({
        vanity: ZERO_VANITY,
        validators: BESU_QBFT_SORTED_PAIR,
        vote: null,
        round: 0,
        seals: [],
      });
      expect(decodeExtraData(BESU_QBFT_PAIR, "qbft").validators).to.deep.equal(BESU_PAIR);
    });

    it("the docs genesis files", function () {
      expect(decodeExtraData(DOCS_IBFT2, "ibft2").validators).to.deep.equal([DOCS_IBFT2_VALIDATOR]);
      expect(decodeExtraData(DOCS_QBFT, "qbft").validators).to.deep.equal(DOCS_QBFT_VALIDATORS);
      // Contract validator selection: the header carries no validators.
      expect(decodeExtraData(DOCS_QBFT_CONTRACT_MODE, "qbft").validators).to.deep.equal([]);
    });
  });

  describe("round trip", function () {
    for (const consensus of ["qbft", "ibft2"] as const) {
      it(`returns what ${consensus} encoded, vanity included`, function () {
        const validators = randomAddresses(5);
        const vanity = "0x" + "ab".repeat(32);
        const decoded = decodeExtraData(encodeExtraData({ consensus, validators, vanity }), consensus);
        expect(decoded.vanity).to.equal(vanity);
        expect([...decoded.validators].sort()).to.deep.equal(validators.map((v) => v.toLowerCase()).sort());
        expect(decoded).to.include({ vote: null, round: 0 });
        expect(decoded.seals).to.deep.equal([]);
      });
    }
  });

  describe("reverts", function () {
    it("when QBFT extraData is read as IBFT 2.0", function () {
      expect(() => decodeExtraData(BESU_QBFT_PAIR, "ibft2")).to.throw("wrong extraData layout for ibft2");
    });

    it("when IBFT 2.0 extraData is read as QBFT", function () {
      expect(() => decodeExtraData(BESU_IBFT2_PAIR, "qbft")).to.throw("wrong extraData layout for qbft");
    });

    it("when the input is not hex", function () {
      expect(() => decodeExtraData("0xzz", "qbft")).to.throw('invalid extraData "0xzz"');
      expect(() => decodeExtraData("0x", "qbft")).to.throw('invalid extraData "0x"');
    });

    it("when the input is not RLP", function () {
      expect(() => decodeExtraData(BESU_QBFT_PAIR.slice(0, -2), "qbft")).to.throw("invalid extraData: not RLP");
    });

    it("when the list does not have five items", function () {
      const fourItems = encodeRlp([ZERO_VANITY, [], [], "0x"]);
      expect(() => decodeExtraData(fourItems, "qbft")).to.throw("4 items, expected 5");
    });

    it("when a validator is not 20 bytes", function () {
      const shortValidator = encodeRlp([ZERO_VANITY, ["0xaa"], [], "0x", []]);
      expect(() => decodeExtraData(shortValidator, "qbft")).to.throw('invalid validator address "0xaa"');
    });

    it("when the vanity is not 32 bytes", function () {
      const shortVanity = encodeRlp(["0x00", [BESU_PAIR[0]], "0x", "0x00000000", []]);
      expect(() => decodeExtraData(shortVanity, "ibft2")).to.throw("vanity is 1 bytes, expected 32");
    });

    it("when the IBFT 2.0 round is not 4 bytes", function () {
      const scalarRound = encodeRlp([ZERO_VANITY, [BESU_PAIR[0]], "0x", "0x", []]);
      expect(() => decodeExtraData(scalarRound, "ibft2")).to.throw("is not 4 bytes");
    });

    it("when the consensus is unknown", function () {
      expect(() => decodeExtraData(BESU_QBFT_PAIR, "clique" as "qbft")).to.throw('unknown consensus "clique"');
    });
  });
});

describe("extradata command", function () {
  this.timeout(30_000);

  const runCli = (args: string[]) =>
    promisify(execFile)(process.execPath, [tsxCli, cli, ...args], { cwd: root }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("prints Besu's QBFT extraData and decodes it back", async function () {
    const encoded = await runCli(["--consensus", "qbft", "--validators", BESU_QBFT_SORTED_PAIR.join(",")]);
    expect(encoded).to.include({ code: 0, stdout: BESU_QBFT_SORTED + "\n", stderr: "" });
    const decoded = await runCli(["--consensus", "ibft2", "--decode", BESU_IBFT2_PAIR]);
    expect(decoded).to.include({ code: 0, stdout: BESU_PAIR.join("\n") + "\n", stderr: "" });
  });

  describe("reverts", function () {
    it("when an address is bad: one line on stderr, exit code 2", async function () {
      const result = await runCli(["--consensus", "ibft2", "--validators", `${BESU_PAIR[0]},0x1234`]);
      expect(result.code).to.equal(2);
      expect(result.stdout).to.equal("");
      expect(result.stderr).to.equal(
        'extradata: invalid validator address "0x1234": expected 0x followed by 40 hex digits\n',
      );
    });
  });
});
