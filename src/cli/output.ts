import { formatFixed } from "../format.js";
import type { GlobalOptions } from "./context.js";

/**
 * Prints a command's result: `data` as JSON with `--json` (bigints as decimal strings, so 18-decimal values stay
 * exact), else the readable text `render` makes of it.
 */
export function output<T>(options: GlobalOptions, data: T, render: (data: T) => string): void {
  process.stdout.write((options.json ? toJson(data) : render(data)) + "\n");
}

/** JSON with bigints as decimal strings, indented two spaces. */
export function toJson(data: unknown): string {
  return JSON.stringify(data, (_, value) => (typeof value === "bigint" ? value.toString() : value), 2);
}

/** `label  value` lines, the labels padded to one width: the layout of a single record. */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join("\n");
}

/** A titled block: the title, then the body. */
export function section(title: string, body: string): string {
  return `${title}\n${body}`;
}

/** An 18-decimal fixed-point value with 4 decimals (trust, scores, weights, shares). */
export function fixed(value: bigint): string {
  return formatFixed(value);
}

/** A block number, or "-" for the 0 that stands for "not yet". */
export function blockOrDash(value: bigint | number): string {
  return BigInt(value) === 0n ? "-" : String(value);
}

/**
 * Progress of a long operation on stderr (stdout stays the result, also with `--json`): one line rewritten in
 * place on a terminal, one line per step otherwise (a log, CI).
 */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private open = false;

  update(text: string): void {
    if (this.tty) {
      process.stderr.write(`\r\u001b[2K${text}`);
      this.open = true;
    } else {
      process.stderr.write(`${text}\n`);
    }
  }

  /** Ends the rewritten line, so that what follows starts on its own. */
  done(): void {
    if (this.open) process.stderr.write("\n");
    this.open = false;
  }
}

/** The probation row: whether ratings can lift the organization above the community's initial cap yet. */
export function probationText(onProbation: boolean): string {
  return onProbation ? "yes (ratings cannot lift trust above the initial cap yet)" : "no";
}
