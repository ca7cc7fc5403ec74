import { fromFixed } from "./fixedPoint.js";

/**
 * An 18-decimal fixed-point value (trust, a score, a weight) with `digits` decimals, rounded half away from
 * zero: 2/3 shows as "0.6667" and 0.53 - 1 wei as "0.5300" (fromFixed alone truncates).
 */
export function formatFixed(value: bigint, digits = 4): string {
  const magnitude = fromFixed(roundHalfUp(value < 0n ? -value : value, digits), digits);
  return value < 0n && /[1-9]/.test(magnitude) ? `-${magnitude}` : magnitude;
}

/** A fixed-point change with its sign, rounded like formatFixed: "+0.0123", "-0.0456", "+0.0000". */
export function formatDelta(value: bigint, digits = 4): string {
  const formatted = formatFixed(value, digits);
  return formatted.startsWith("-") ? formatted : `+${formatted}`;
}

function roundHalfUp(magnitude: bigint, digits: number): bigint {
  if (digits < 0 || digits > 18) throw new Error(`digits must be in [0, 18], not ${digits}`);
  return digits === 18 ? magnitude : magnitude + 5n * 10n ** BigInt(17 - digits);
}

export interface TableOptions {
  /** Per-column alignment (default: the first column left, the others right). */
  align?: ReadonlyArray<"left" | "right">;
  /** Spaces between columns (default 2). */
  gap?: number;
  /** Prefix of every line (default none). */
  indent?: string;
}

/**
 * A plain text table: a header line, a rule of dashes, then one line per row; each column as wide as its
 * widest cell. Rows shorter than the header are padded with empty cells. Trailing spaces are trimmed.
 */
export function renderTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: TableOptions = {},
): string {
  const { gap = 2, indent = "" } = options;
  const columns = Math.max(headers.length, ...rows.map((row) => row.length));
  const cell = (row: readonly string[], i: number) => row[i] ?? "";
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(cell(headers, i).length, ...rows.map((row) => cell(row, i).length)),
  );
  const alignOf = (i: number) => options.align?.[i] ?? (i === 0 ? "left" : "right");
  const line = (row: readonly string[]) =>
    (
      indent +
      widths
        .map((width, i) => (alignOf(i) === "left" ? cell(row, i).padEnd(width) : cell(row, i).padStart(width)))
        .join(" ".repeat(gap))
    ).trimEnd();
  const rule = indent + widths.map((width) => "-".repeat(width)).join(" ".repeat(gap));
  return [line(headers), rule, ...rows.map(line)].join("\n");
}
