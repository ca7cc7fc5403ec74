import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { TypedDataEncoder, Wallet, id } from "ethers";

import { BALLOT_DOMAIN, BALLOT_TYPES, type Ballot } from "../../src/actions/signVote.js";
import { type BallotFile, readBallotFile, toBallotFile } from "../../src/cli/ballotFile.js";
import { CliError, ExitCode } from "../../src/cli/errors.js";
import { VoteType } from "../../src/constants.js";

describe("ballot files", function () {
  const voter = new Wallet(id("credence-test:ballot-voter"));
  const contract = "0x3Aa5ebB10DC797CAC828524e59A333d0A371443c";
  const chainId = 31337n;
  const ballot: Ballot = {
    caseId: 12n,
    support: VoteType.Expel,
    voter: voter.address,
    nonce: 3n,
    deadline: 1_900_000_000n,
  };
  let dir: string;
  let valid: BallotFile;
  let signature: string;
  let count = 0;

  /** Writes `contents` (JSON unless a string) to a new file and returns its path. */
  const fileWith = async (contents: unknown) => {
    const file = path.join(dir, `ballot-${++count}.json`);
    await writeFile(file, typeof contents === "string" ? contents : JSON.stringify(contents));
    return file;
  };
  /** A valid file with one change made to a copy of its JSON. */
  const variant = (change: (json: Record<string, Record<string, unknown>>) => void) => {
    const json = structuredClone(valid) as unknown as Record<string, Record<string, unknown>>;
    change(json);
    return json;
  };
  /** Reads `file` expecting a bad-input failure (exit code 2) with exactly `message`. */
  const expectRefused = async (file: string, message: string) => {
    let error: unknown;
    try {
      await readBallotFile(file);
    } catch (caught) {
      error = caught;
    }
    expect(error, "the file was accepted").to.be.instanceOf(CliError);
    expect((error as CliError).exitCode).to.equal(ExitCode.Usage);
    expect((error as CliError).message).to.equal(message);
  };

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "credence-ballot-"));
    const domain = { ...BALLOT_DOMAIN, chainId, verifyingContract: contract };
    signature = await voter.signTypedData(domain, BALLOT_TYPES, ballot);
    valid = toBallotFile(ballot, signature, chainId, contract, TypedDataEncoder.hash(domain, BALLOT_TYPES, ballot));
  });

  after(async function () {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe("toBallotFile and readBallotFile", function () {
    it("write integers as decimal strings and read back the ballot as signed", async function () {
      expect(valid.domain).to.deep.equal({
        name: "Credence PenaltyCases",
        version: "1",
        chainId: "31337",
        verifyingContract: contract,
      });
      expect(valid.ballot).to.deep.equal({
        caseId: "12",
        support: 1,
        voter: voter.address,
        nonce: "3",
        deadline: "1900000000",
      });
      const read = await readBallotFile(await fileWith(valid));
      expect(read).to.deep.equal({ ballot, signature, chainId, verifyingContract: contract });
    });

    it("read lower-case addresses as checksummed ones", async function () {
      const file = await fileWith(
        variant((json) => {
          json.domain.verifyingContract = contract.toLowerCase();
          json.ballot.voter = voter.address.toLowerCase();
        }),
      );
      const read = await readBallotFile(file);
      expect(read.verifyingContract === contract, read.verifyingContract).to.equal(true);
      expect(read.ballot.voter === voter.address, read.ballot.voter).to.equal(true);
    });

    it("take any vote type the contract knows", async function () {
      for (const support of Object.values(VoteType)) {
        const read = await readBallotFile(await fileWith(variant((json) => void (json.ballot.support = support))));
        expect(read.ballot.support).to.equal(support);
      }
    });
  });

  describe("readBallotFile", function () {
    describe("reverts", function () {
      it("when the file does not exist: exit code 2", async function () {
        const file = path.join(dir, "missing.json");
        await expectRefused(file, `ballot file ${file}: not found`);
      });

      it("when the file is not JSON: exit code 2", async function () {
        const file = await fileWith('{"domain": ');
        await expectRefused(file, `ballot file ${file} is not valid JSON`);
      });

      it("when the file holds null rather than an object: exit code 2", async function () {
        const file = await fileWith("null");
        await expectRefused(file, `ballot file ${file}: the top-level object is missing or malformed`);
      });

      // Each case: what is wrong, the change to a valid file, the field the message names.
      const cases: Array<[string, (json: Record<string, Record<string, unknown>>) => void, string]> = [
        ["the domain is missing", (json) => delete json.domain, "domain"],
        ["the domain names another contract", (json) => void (json.domain.name = "Other"), "domain"],
        ["the domain has another version", (json) => void (json.domain.version = "2"), "domain"],
        ["the chain id is a number", (json) => void (json.domain.chainId = 31337), "domain.chainId"],
        ["the chain id is negative", (json) => void (json.domain.chainId = "-1"), "domain.chainId"],
        [
          "the contract is not an address",
          (json) => void (json.domain.verifyingContract = "0x1234"),
          "domain.verifyingContract",
        ],
        ["the ballot is missing", (json) => delete json.ballot, "ballot"],
        ["the ballot is null", (json) => void ((json as Record<string, unknown>).ballot = null), "ballot"],
        ["the case id is a fraction", (json) => void (json.ballot.caseId = "1.5"), "ballot.caseId"],
        ["the case id is missing", (json) => delete json.ballot.caseId, "ballot.caseId"],
        ["the nonce is a number", (json) => void (json.ballot.nonce = 3), "ballot.nonce"],
        ["the deadline is empty", (json) => void (json.ballot.deadline = ""), "ballot.deadline"],
        ["the deadline is hex", (json) => void (json.ballot.deadline = "0x10"), "ballot.deadline"],
        ["the vote is out of range", (json) => void (json.ballot.support = 3), "ballot.support"],
        ["the vote is a string", (json) => void (json.ballot.support = "1"), "ballot.support"],
        ["the vote is a name", (json) => void (json.ballot.support = "Expel"), "ballot.support"],
        ["the voter is not an address", (json) => void (json.ballot.voter = "alice"), "ballot.voter"],
        [
          "the voter's checksum is wrong",
          (json) => void (json.ballot.voter = voter.address.replace(/[a-f]/, (c) => c.toUpperCase())),
          "ballot.voter",
        ],
        ["the signature is missing", (json) => delete (json as Record<string, unknown>).signature, "signature"],
        ["the signature is empty", (json) => void ((json as Record<string, unknown>).signature = "0x"), "signature"],
        ["the signature is not hex", (json) => void ((json as Record<string, unknown>).signature = "zz"), "signature"],
        [
          "the signature is not whole bytes",
          (json) => void ((json as Record<string, unknown>).signature = "0x123"),
          "signature",
        ],
        ["the nonce exceeds uint256", (json) => void (json.ballot.nonce = (2n ** 256n).toString()), "ballot.nonce"],
      ];
      for (const [what, change, field] of cases) {
        it(`when ${what}: exit code 2 naming ${field}`, async function () {
          const file = await fileWith(variant(change));
          await expectRefused(file, `ballot file ${file}: ${field} is missing or malformed`);
        });
      }
    });
  });
});
