import { readFile } from "node:fs/promises";
import path from "node:path";

import { ZeroHash } from "ethers";

import type { RatingInput } from "../actions/rate.js";
import { usageError } from "./errors.js";
import { hashOrText, parseId, parseScore } from "./input.js";

export type RatingsFormat = "json" | "csv";

/** One rating with where it came from, so that later messages (a skipped item) can name its line. */
export interface RatingRow {
  /** "line 4" (CSV: the file's physical line, 1-based) or "item 3" (JSON: the array index, 1-based). */
  source: string;
  rating: RatingInput;
}

const REQUIRED = ["org", "contribution", "quality", "quantity", "integrity", "intent"] as const;
const FIELDS: readonly string[] = [...REQUIRED, "evidence"];
const EXPECTED = `expected ${FIELDS.join(", ")}`;

/** A rating's fields as text, before validation. */
type Fields = Record<string, string>;

/**
 * Reads and validates a whole ratings file (JSON or CSV, see {@link parseRatings}), so that a bad file is refused
 * before any rating is sent. The format is `format` if given, else the file's extension (.json, .csv).
 * Every failure is a usage error (exit code 2) with one line naming the file.
 */
export async function readRatingsFile(file: string, format?: RatingsFormat): Promise<RatingRow[]> {
  const resolved = format ?? formatOf(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw usageError(`ratings file ${file} not found`);
    throw usageError(`cannot read ratings file ${file}: ${oneLine((error as Error).message)}`);
  }
  return parseRatings(text, resolved, file);
}

/**
 * Parses and validates ratings from `text`; `file` only names the file in messages.
 *
 * - JSON: an array of objects with the keys org, contribution, quality, quantity, integrity, intent and
 *   optionally evidence; numbers are taken by their decimal text (0.85 is "0.85", 1e-7 is refused).
 * - CSV: a header line naming the same columns (any order, any case), then one rating a line; RFC 4180 quoting
 *   within a line; blank lines and lines starting with `#` are ignored.
 *
 * org is a positive integer, the four scores decimals in [0, 1]; contribution and evidence are a 0x bytes32 or
 * text that is hashed (keccak256), an absent or empty evidence being the zero hash. The same org and contribution
 * twice is refused, as the contract would skip the second.
 */
export function parseRatings(text: string, format: RatingsFormat, file: string): RatingRow[] {
  // A byte order mark (spreadsheets write one) is not part of the data.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (format === "json") return validate(file, jsonEntries(body, file));
  if (format === "csv") return validate(file, csvEntries(body, file));
  throw usageError(`--format must be json or csv, not "${format as string}"`);
}

function formatOf(file: string): RatingsFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".json") return "json";
  if (extension === ".csv") return "csv";
  throw usageError(`${file}: cannot tell the format from the extension: pass --format json|csv`);
}

// ------------------------------------------------------------------ validation (both formats)

function validate(file: string, entries: { source: string; fields: Fields }[]): RatingRow[] {
  if (entries.length === 0) throw usageError(`${file} holds no ratings`);
  const seen = new Map<string, string>();
  return entries.map(({ source, fields }) => {
    const where = `${file} ${source}`;
    const rating = toRating(fields, where);
    // Keyed by the hash, so that a text id and its own hash count as the same contribution.
    const key = `${rating.orgId} ${rating.contributionId}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw usageError(
        `${where}: org ${rating.orgId} contribution ${JSON.stringify(fields.contribution)} repeats ${first}`,
      );
    }
    seen.set(key, source);
    return { source, rating };
  });
}

function toRating(fields: Fields, where: string): RatingInput {
  const score = (name: string) => parseScore(fields[name], `${where}: ${name}`);
  return {
    orgId: parseId(fields.org, `${where}: org`),
    contributionId: hashOrText(fields.contribution, `${where}: contribution`),
    scores: {
      quality: score("quality"),
      quantity: score("quantity"),
      integrity: score("integrity"),
      intent: score("intent"),
    },
    evidenceHash: fields.evidence ? hashOrText(fields.evidence, `${where}: evidence`) : ZeroHash,
  };
}

// ------------------------------------------------------------------ JSON

function jsonEntries(text: string, file: string): { source: string; fields: Fields }[] {
  // Parsed as written first: the parser's reason then points into the file, and the kinds in messages are true.
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid JSON: ${oneLine((error as Error).message)}`);
  }
  if (!Array.isArray(data)) throw usageError(`${file}: the top level must be an array of ratings, not ${kind(data)}`);
  const items = JSON.parse(numbersAsText(text)) as unknown[];
  return data.map((item: unknown, index) => {
    const source = `item ${index + 1}`;
    const where = `${file} ${source}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw usageError(`${where}: must be an object (${EXPECTED}), not ${kind(item)}`);
    }
    const fields: Fields = {};
    for (const [key, value] of Object.entries(items[index] as object)) {
      if (!FIELDS.includes(key)) throw usageError(`${where}: unknown key "${key}" (${EXPECTED})`);
      if (typeof value !== "string") {
        throw usageError(`${where}: ${key} must be a string or a number, not ${kind(value)}`);
      }
      fields[key] = value;
    }
    const missing = REQUIRED.find((key) => !(key in fields));
    if (missing !== undefined) throw usageError(`${where}: missing key "${missing}"`);
    return { source, fields };
  });
}

/**
 * Valid JSON with every number turned into a string of its own text. JSON.parse would make 0.123456789012345678
 * a double and lose decimals; as text, a number and the same number quoted read alike, and parseScore and parseId
 * refuse what is not a plain decimal (1e-7, -1). Strings are matched first, so digits inside them stay as they are.
 */
function numbersAsText(json: string): string {
  return json.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) =>
    token.startsWith('"') ? token : `"${token}"`,
  );
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

// ------------------------------------------------------------------ CSV

function csvEntries(text: string, file: string): { source: string; fields: Fields }[] {
  const records: { line: number; values: string[] }[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "" || line.startsWith("#")) return;
    records.push({ line: index + 1, values: splitCsvLine(line, `${file} line ${index + 1}`) });
  });
  if (records.length === 0) throw usageError(`${file} holds no ratings`);

  const [header, ...rows] = records;
  const where = `${file} line ${header.line}`;
  const columns = header.values.map((name) => name.trim().toLowerCase());
  columns.forEach((name, index) => {
    if (!FIELDS.includes(name)) throw usageError(`${where}: unknown column "${name}" (${EXPECTED})`);
    if (columns.indexOf(name) !== index) throw usageError(`${where}: column "${name}" appears twice`);
  });
  const missing = REQUIRED.find((name) => !columns.includes(name));
  if (missing !== undefined) throw usageError(`${where}: missing column "${missing}"`);

  return rows.map(({ line, values }) => {
    if (values.length !== columns.length) {
      throw usageError(`${file} line ${line}: ${values.length} fields where the header has ${columns.length}`);
    }
    return { source: `line ${line}`, fields: Object.fromEntries(columns.map((name, i) => [name, values[i]])) };
  });
}

/**
 * The comma-separated fields of one line. A field may be quoted (RFC 4180: "a,b", and "" for a quote inside);
 * spaces around an unquoted field are dropped, those inside quotes kept. A quoted field cannot span lines.
 */
function splitCsvLine(line: string, where: string): string[] {
  const values: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    while (line[i] === " " || line[i] === "\t") i++;
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close === -1) throw usageError(`${where}: a quoted field has no closing quote`);
        value += line.slice(i, close);
        i = close + 1;
        if (line[i] !== '"') break;
        value += '"'; // "" is a quote inside the field
        i++;
      }
      while (line[i] === " " || line[i] === "\t") i++;
      if (i < line.length && line[i] !== ",") throw usageError(`${where}: text after the closing quote of a field`);
      values.push(value);
    } else {
      const comma = line.indexOf(",", start);
      const end = comma === -1 ? line.length : comma;
      const value = line.slice(start, end).trim();
      if (value.includes('"')) {
        throw usageError(`${where}: a field holding a quote must be quoted, with the quote doubled`);
      }
      values.push(value);
      i = end;
    }
    if (i >= line.length) return values;
    i++; // past the comma
  }
}

/** Parser and file-system messages can hold line breaks (Node quotes the bad JSON); the output is one line. */
function oneLine(message: string): string {
  return message.replace(/\s+/g, " ").trim();
}
