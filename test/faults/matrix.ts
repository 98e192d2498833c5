import type { CellResult } from "./cell.js";

/** The matrix as text: rows are faults, columns operation classes, cells their outcome labels. */
export function formatMatrix(faults: readonly string[], ops: readonly string[], cells: readonly CellResult[]): string {
  const byKey = new Map(cells.map((c) => [`${c.fault}\u0000${c.op}`, c.label]));
  const rows = faults.map((fault) => [fault, ...ops.map((op) => byKey.get(`${fault}\u0000${op}`) ?? "-")]);
  const header = ["fault \\ op", ...ops];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i]!.length, 34))));
  const line = (cols: readonly string[]) => cols.map((c, i) => clip(c, 34).padEnd(widths[i]!)).join(" | ");
  const held = cells.filter((c) => c.held).length;
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line), `cells tried: ${cells.length}, held: ${held}, failed: ${cells.length - held}`].join("\n");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}~`;
}

/** Runs `tasks` with at most `limit` in flight, results in input order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
