/**
 * Gas snapshots: one gas figure per operation, compared exactly. Pure functions; the measuring scenario lives
 * in scripts/gas-snapshot.ts.
 */

/** Operation name -> gasUsed. */
export type GasSnapshot = Record<string, number>;

/** How one operation compares with the snapshot. */
export interface GasDifference {
  operation: string;
  previous: number | undefined;
  current: number | undefined;
  status: "same" | "changed" | "missing" | "new";
}

/** The snapshot as committed: keys sorted, one figure per line, trailing newline. */
export function serializeGasSnapshot(snapshot: GasSnapshot): string {
  const sorted = Object.fromEntries(Object.entries(snapshot).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** Every operation of either snapshot, sorted by name, with its status. */
export function compareGasSnapshots(previous: GasSnapshot, current: GasSnapshot): GasDifference[] {
  const operations = [...new Set([...Object.keys(previous), ...Object.keys(current)])].sort();
  return operations.map((operation) => {
    const before = previous[operation];
    const after = current[operation];
    const status =
      before === undefined ? "new" : after === undefined ? "missing" : before === after ? "same" : "changed";
    return { operation, previous: before, current: after, status };
  });
}

/** A signed percentage with two decimals: `+1.25%`, `-0.40%`. */
export function signedPercent(previous: number, current: number): string {
  const percent = ((current - previous) / previous) * 100;
  return `${percent >= 0 ? "+" : ""}${percent.toFixed(2)}%`;
}

/** A plain-text table: operation, snapshot, current, change. */
export function formatGasTable(differences: GasDifference[]): string {
  const rows = differences.map((d) => [
    d.operation,
    d.previous?.toString() ?? "-",
    d.current?.toString() ?? "-",
    d.status === "changed" ? signedPercent(d.previous!, d.current!) : d.status === "same" ? "" : d.status,
  ]);
  const header = ["operation", "snapshot", "current", "change"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 || i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** One line per operation that differs from the snapshot; empty when they match exactly. */
export function describeGasProblems(differences: GasDifference[]): string[] {
  return differences.flatMap((d) => {
    switch (d.status) {
      case "changed":
        return [`${d.operation}: ${d.previous} -> ${d.current} (${signedPercent(d.previous!, d.current!)})`];
      case "missing":
        return [`${d.operation}: in the snapshot (${d.previous}) but no longer measured`];
      case "new":
        return [`${d.operation}: measured (${d.current}) but not in the snapshot`];
      default:
        return [];
    }
  });
}
