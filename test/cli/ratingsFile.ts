import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { ZeroHash, id } from "ethers";

import { ONE } from "../../src/constants.js";
import { CliError } from "../../src/cli/errors.js";
import { type RatingRow, type RatingsFormat, parseRatings, readRatingsFile } from "../../src/cli/ratingsFile.js";

const EVIDENCE = "0x" + "ab".repeat(32);

/** The ratings the CSV and JSON samples below both hold. */
const SAMPLE = [
  {
    orgId: 3n,
    contributionId: id("report-1"),
    scores: { quality: (ONE * 85n) / 100n, quantity: ONE / 2n, integrity: ONE, intent: 0n },
    evidenceHash: EVIDENCE,
  },
  {
    orgId: 12n,
    contributionId: id("report-2"),
    scores: { quality: 123456789012345678n, quantity: ONE, integrity: (ONE * 9n) / 10n, intent: ONE / 4n },
    evidenceHash: ZeroHash,
  },
];

const SAMPLE_CSV = [
  "org,contribution,quality,quantity,integrity,intent,evidence",
  `3,report-1,0.85,0.5,1,0,${EVIDENCE}`,
  "12,report-2,0.123456789012345678,1,0.9,0.25,",
].join("\n");

// Numbers and strings mixed, evidence absent in the second item.
const SAMPLE_JSON = `[
  { "org": 3, "contribution": "report-1", "quality": 0.85, "quantity": "0.5", "integrity": 1, "intent": 0,
    "evidence": "${EVIDENCE}" },
  { "org": "12", "contribution": "report-2", "quality": 0.123456789012345678, "quantity": 1, "integrity": 0.9,
    "intent": "0.25" }
]`;

const HEADER = "org,contribution,quality,quantity,integrity,intent";
const SCORE_RULE = "must be a decimal in [0, 1] with at most 18 decimals";

/** A rating object for JSON tests, with `changes` applied (undefined drops a key). */
const item = (changes: Record<string, unknown> = {}) => {
  const base: Record<string, unknown> = {
    org: 1,
    contribution: "c",
    quality: 1,
    quantity: 1,
    integrity: 1,
    intent: 1,
    ...changes,
  };
  return Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
};

/** Asserts that `run` throws a usage error (exit code 2) whose whole message is `message`. */
function expectUsage(run: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).to.be.instanceOf(CliError);
  expect((thrown as CliError).message).to.equal(message);
  expect((thrown as CliError).exitCode).to.equal(2);
}

async function expectUsageAsync(run: () => Promise<unknown>, message: string): Promise<void> {
  let thrown: unknown;
  try {
    await run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).to.be.instanceOf(CliError);
  expect((thrown as CliError).message).to.equal(message);
  expect((thrown as CliError).exitCode).to.equal(2);
}

const ratings = (rows: RatingRow[]) => rows.map((row) => row.rating);
const csv = (text: string) => parseRatings(text, "csv", "ratings.csv");
const json = (text: string) => parseRatings(text, "json", "ratings.json");
const csvError = (text: string, message: string) => expectUsage(() => csv(text), message);
const jsonError = (text: string, message: string) => expectUsage(() => json(text), message);

describe("parseRatings", function () {
  describe("both formats", function () {
    it("read the same data as the same ratings", function () {
      const fromCsv = csv(SAMPLE_CSV);
      const fromJson = json(SAMPLE_JSON);
      expect(ratings(fromCsv)).to.deep.equal(SAMPLE);
      expect(ratings(fromJson)).to.deep.equal(SAMPLE);
      expect(fromCsv.map((row) => row.source)).to.deep.equal(["line 2", "line 3"]);
      expect(fromJson.map((row) => row.source)).to.deep.equal(["item 1", "item 2"]);
    });

    it("hash a text id and take a 0x bytes32 as it is (lowercased)", function () {
      const upper = "0x" + "AB".repeat(32);
      const rows = csv([`${HEADER},evidence`, `1,${upper},1,1,1,1,evidence text`, "1,report-9,1,1,1,1,"].join("\n"));
      expect(rows[0].rating.contributionId).to.equal(EVIDENCE);
      expect(rows[0].rating.evidenceHash).to.equal(id("evidence text"));
      expect(rows[1].rating.contributionId).to.equal(id("report-9"));
      expect(rows[1].rating.evidenceHash).to.equal(ZeroHash);
      const [fromJson] = json(JSON.stringify([item({ contribution: upper, evidence: "evidence text" })]));
      expect(fromJson.rating.contributionId).to.equal(EVIDENCE);
      expect(fromJson.rating.evidenceHash).to.equal(id("evidence text"));
    });

    it("take an empty evidence as none", function () {
      expect(json(JSON.stringify([item({ evidence: "" })]))[0].rating.evidenceHash).to.equal(ZeroHash);
      expect(csv(`${HEADER},evidence\n1,c,1,1,1,1,  `)[0].rating.evidenceHash).to.equal(ZeroHash);
    });

    it("ignore a byte order mark", function () {
      expect(ratings(csv("\uFEFF" + SAMPLE_CSV))).to.deep.equal(SAMPLE);
      expect(ratings(json("\uFEFF" + SAMPLE_JSON))).to.deep.equal(SAMPLE);
    });
  });

  describe("CSV", function () {
    it("reads quoted fields holding commas and quotes", function () {
      const rows = csv(
        [
          "org,contribution,quality,quantity,integrity,intent,evidence",
          `1,"report ""A"", part 2",1,1,1,1,"a,b"`,
          ` 2 , "x" ,"0.5", 1,1,1, "" `,
        ].join("\n"),
      );
      expect(rows[0].rating.contributionId).to.equal(id('report "A", part 2'));
      expect(rows[0].rating.evidenceHash).to.equal(id("a,b"));
      expect(rows[1].rating.orgId).to.equal(2n);
      expect(rows[1].rating.contributionId).to.equal(id("x"));
      expect(rows[1].rating.scores.quality).to.equal(ONE / 2n);
      expect(rows[1].rating.evidenceHash).to.equal(ZeroHash);
    });

    it("keeps spaces inside quotes", function () {
      const [row] = csv(`${HEADER}\n1," c ",1,1,1,1`);
      expect(row.rating.contributionId).to.equal(id(" c "));
    });

    it("reads CRLF line ends", function () {
      expect(ratings(csv(SAMPLE_CSV.replaceAll("\n", "\r\n") + "\r\n"))).to.deep.equal(SAMPLE);
      // A quoted last field ends right before the CR.
      const [row] = csv(`${HEADER},evidence\r\n1,c,1,1,1,1,"e"\r\n`);
      expect(row.rating.evidenceHash).to.equal(id("e"));
    });

    it("takes the header's columns in any order and case", function () {
      const [row] = csv(" Intent ,EVIDENCE,quality,Quantity,integrity,contribution,org\n0,,0.1,0.2,0.3,c,7");
      expect(row.rating).to.deep.equal({
        orgId: 7n,
        contributionId: id("c"),
        scores: { quality: ONE / 10n, quantity: ONE / 5n, integrity: (ONE * 3n) / 10n, intent: 0n },
        evidenceHash: ZeroHash,
      });
    });

    it("skips blank and comment lines and counts them in line numbers", function () {
      const text = ["# ratings of week 12", "", HEADER, "   ", "# org 1", "1,a,1,1,1,1", "", "2,b,1,1,1,1"].join("\n");
      expect(csv(text).map((row) => row.source)).to.deep.equal(["line 6", "line 8"]);
      csvError(text.replace("2,b,1,1,1,1", "2,b,1,1,1,2"), `ratings.csv line 8: intent ${SCORE_RULE}, not "2"`);
    });

    describe("refuses", function () {
      it("an unknown column", function () {
        csvError(
          `${HEADER},weight\n1,c,1,1,1,1,1`,
          'ratings.csv line 1: unknown column "weight" (expected org, contribution, quality, quantity, integrity, ' +
            "intent, evidence)",
        );
      });

      it("a duplicate column", function () {
        csvError(`${HEADER},ORG\n1,c,1,1,1,1,1`, 'ratings.csv line 1: column "org" appears twice');
      });

      it("a missing column", function () {
        csvError(
          "# header\norg,contribution,quality,quantity,integrity\n1,c,1,1,1",
          'ratings.csv line 2: missing column "intent"',
        );
      });

      it("a row with the wrong number of fields", function () {
        csvError(`${HEADER}\n1,c,1,1,1,1\n\n2,c,1,1,1`, "ratings.csv line 4: 5 fields where the header has 6");
        csvError(`${HEADER}\n1,"c,d",1,1,1,1,`, "ratings.csv line 2: 7 fields where the header has 6");
      });

      it("a quoted field without its closing quote", function () {
        csvError(`${HEADER}\n1,"c,1,1,1,1`, "ratings.csv line 2: a quoted field has no closing quote");
      });

      it("text after a closing quote", function () {
        csvError(`${HEADER}\n1,"c"d,1,1,1,1`, "ratings.csv line 2: text after the closing quote of a field");
      });

      it("a quote in an unquoted field", function () {
        csvError(
          `${HEADER}\n1,c"d,1,1,1,1`,
          "ratings.csv line 2: a field holding a quote must be quoted, with the quote doubled",
        );
      });

      it("a file with no ratings", function () {
        csvError("", "ratings.csv holds no ratings");
        csvError("# nothing yet\n\n", "ratings.csv holds no ratings");
        csvError(`${HEADER}\r\n`, "ratings.csv holds no ratings");
      });
    });
  });

  describe("JSON", function () {
    it("takes a number by its decimal text", function () {
      // 0.123456789012345678 is not a double: read as a number it would come out as …568.
      const [row] = json(
        '[{"org":1,"contribution":"c","quality":0.123456789012345678,"quantity":1.0,"integrity":0.000000000000000001,"intent":0}]',
      );
      expect(row.rating.scores).to.deep.equal({
        quality: 123456789012345678n,
        quantity: ONE,
        integrity: 1n,
        intent: 0n,
      });
    });

    it("reads numbers in a contribution id as text", function () {
      const [row] = json(JSON.stringify([item({ contribution: 117 })]));
      expect(row.rating.contributionId).to.equal(id("117"));
    });

    it("leaves digits inside strings alone", function () {
      const [row] = json(JSON.stringify([item({ contribution: 'report "7", 1.5e3 \\ 2' })]));
      expect(row.rating.contributionId).to.equal(id('report "7", 1.5e3 \\ 2'));
    });

    describe("refuses", function () {
      it("invalid JSON, with the parser's reason on one line", function () {
        let thrown: unknown;
        try {
          json("[1,\n 2,\n x]");
        } catch (error) {
          thrown = error;
        }
        expect(thrown).to.be.instanceOf(CliError);
        const { message, exitCode } = thrown as CliError;
        expect(exitCode).to.equal(2);
        // V8 quotes the bad text, line breaks included; its wording differs between Node versions.
        expect(message).to.match(/^ratings\.json is not valid JSON: \S/);
        expect(message).to.include('"[1, 2, x]"');
        jsonError("", "ratings.json is not valid JSON: Unexpected end of JSON input");
      });

      it("a top level that is not an array", function () {
        jsonError(JSON.stringify(item()), "ratings.json: the top level must be an array of ratings, not an object");
        jsonError("5", "ratings.json: the top level must be an array of ratings, not 5");
      });

      it("an item that is not an object", function () {
        const expected = "(expected org, contribution, quality, quantity, integrity, intent, evidence)";
        jsonError(
          `[${JSON.stringify(item())}, [1]]`,
          `ratings.json item 2: must be an object ${expected}, not an array`,
        );
        jsonError("[null]", `ratings.json item 1: must be an object ${expected}, not null`);
        jsonError('["3,c,1,1,1,1"]', `ratings.json item 1: must be an object ${expected}, not "3,c,1,1,1,1"`);
      });

      it("an unknown key", function () {
        jsonError(
          JSON.stringify([item(), item({ contribution: "d", orgId: 1 })]),
          'ratings.json item 2: unknown key "orgId" (expected org, contribution, quality, quantity, integrity, ' +
            "intent, evidence)",
        );
      });

      it("a missing key", function () {
        jsonError(JSON.stringify([item({ quantity: undefined })]), 'ratings.json item 1: missing key "quantity"');
      });

      it("a value that is neither a string nor a number", function () {
        jsonError(
          JSON.stringify([item({ integrity: null })]),
          "ratings.json item 1: integrity must be a string or a number, not null",
        );
        jsonError(
          JSON.stringify([item({ evidence: true })]),
          "ratings.json item 1: evidence must be a string or a number, not true",
        );
        jsonError(
          JSON.stringify([item({ contribution: {} })]),
          "ratings.json item 1: contribution must be a string or a number, not an object",
        );
      });

      it("an empty array", function () {
        jsonError(" [ ] ", "ratings.json holds no ratings");
      });
    });
  });

  describe("field checks", function () {
    it("refuse a bad org", function () {
      jsonError(
        JSON.stringify([item(), item({ contribution: "d" }), item({ org: "x" })]),
        'ratings.json item 3: org must be a positive integer, not "x"',
      );
      jsonError(JSON.stringify([item({ org: 0 })]), 'ratings.json item 1: org must be a positive integer, not "0"');
      jsonError(
        '[{"org":3.0,"contribution":"c","quality":1,"quantity":1,"integrity":1,"intent":1}]',
        'ratings.json item 1: org must be a positive integer, not "3.0"',
      );
      csvError(`${HEADER}\n-1,c,1,1,1,1`, 'ratings.csv line 2: org must be a positive integer, not "-1"');
    });

    it("refuse a score out of [0, 1] or not a plain decimal", function () {
      csvError(`${HEADER}\n1,c,1,1,1,1\n\n4,c,1.2,1,1,1`, `ratings.csv line 4: quality ${SCORE_RULE}, not "1.2"`);
      csvError(`${HEADER}\n1,c,1,,1,1`, `ratings.csv line 2: quantity ${SCORE_RULE}, not ""`);
      jsonError(JSON.stringify([item({ quality: 1e-7 })]), `ratings.json item 1: quality ${SCORE_RULE}, not "1e-7"`);
      jsonError(
        '[{"org":1,"contribution":"c","quality":1,"quantity":1,"integrity":5E-1,"intent":1}]',
        `ratings.json item 1: integrity ${SCORE_RULE}, not "5E-1"`,
      );
      jsonError(JSON.stringify([item({ intent: -0.5 })]), `ratings.json item 1: intent ${SCORE_RULE}, not "-0.5"`);
      jsonError(JSON.stringify([item({ intent: ".5" })]), `ratings.json item 1: intent ${SCORE_RULE}, not ".5"`);
      jsonError(
        JSON.stringify([item({ quality: "0.1234567890123456789" })]),
        `ratings.json item 1: quality ${SCORE_RULE}, not "0.1234567890123456789"`,
      );
    });

    it("refuse an empty contribution or a short hex one", function () {
      csvError(`${HEADER}\n1,,1,1,1,1`, "ratings.csv line 2: contribution must not be empty");
      csvError(`${HEADER}\n1," ",1,1,1,1`, "ratings.csv line 2: contribution must not be empty");
      jsonError(
        JSON.stringify([item({ contribution: "0xabcd" })]),
        'ratings.json item 1: contribution looks like hex but is not 32 bytes (64 hex digits): "0xabcd"',
      );
      jsonError(
        JSON.stringify([item({ evidence: "0x12" })]),
        'ratings.json item 1: evidence looks like hex but is not 32 bytes (64 hex digits): "0x12"',
      );
    });

    it("refuse the same org and contribution twice, naming both places", function () {
      csvError(
        `${HEADER}\n3,report-1,1,1,1,1\n# later\n4,report-1,1,1,1,1\n\n\n3,report-1,0.5,1,1,1`,
        'ratings.csv line 7: org 3 contribution "report-1" repeats line 2',
      );
      // A text id and its hash name the same contribution.
      jsonError(
        JSON.stringify([item({ org: 3, contribution: "report-1" }), item({ org: 3, contribution: id("report-1") })]),
        `ratings.json item 2: org 3 contribution "${id("report-1")}" repeats item 1`,
      );
    });
  });

  it("refuses a format it does not know", function () {
    expectUsage(() => parseRatings("[]", "xml" as RatingsFormat, "r.xml"), '--format must be json or csv, not "xml"');
  });
});

describe("readRatingsFile", function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "credence-ratings-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it("tells the format from the extension, in any case", async function () {
    expect(ratings(await readRatingsFile(await write("week.csv", SAMPLE_CSV)))).to.deep.equal(SAMPLE);
    expect(ratings(await readRatingsFile(await write("week.JSON", SAMPLE_JSON)))).to.deep.equal(SAMPLE);
    expect(ratings(await readRatingsFile(await write("week.Csv", SAMPLE_CSV)))).to.deep.equal(SAMPLE);
  });

  it("takes the given format over the extension", async function () {
    expect(ratings(await readRatingsFile(await write("week.txt", SAMPLE_CSV), "csv"))).to.deep.equal(SAMPLE);
    expect(ratings(await readRatingsFile(await write("json.csv", SAMPLE_JSON), "json"))).to.deep.equal(SAMPLE);
  });

  it("names the file as given in messages", async function () {
    const file = await write("bad.csv", `${HEADER}\n1,c,1,1,1,1.5`);
    await expectUsageAsync(() => readRatingsFile(file), `${file} line 2: intent ${SCORE_RULE}, not "1.5"`);
  });

  describe("refuses", function () {
    it("a file whose format the extension does not tell", async function () {
      const file = await write("week.txt", SAMPLE_CSV);
      await expectUsageAsync(
        () => readRatingsFile(file),
        `${file}: cannot tell the format from the extension: pass --format json|csv`,
      );
      await expectUsageAsync(
        () => readRatingsFile(path.join(dir, "ratings")),
        `${path.join(dir, "ratings")}: cannot tell the format from the extension: pass --format json|csv`,
      );
    });

    it("a missing file", async function () {
      const file = path.join(dir, "absent.json");
      await expectUsageAsync(() => readRatingsFile(file), `ratings file ${file} not found`);
    });

    it("a file it cannot read", async function () {
      const file = path.join(dir, "folder.csv");
      await mkdir(file);
      await expectUsageAsync(
        () => readRatingsFile(file),
        `cannot read ratings file ${file}: EISDIR: illegal operation on a directory, read`,
      );
    });
  });
});
