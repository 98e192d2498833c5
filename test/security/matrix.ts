/**
 * The leak matrix of the security suite: every check records (secret kind × sink → held/LEAKED);
 * `report()` prints the table and `expectAllHeld()` fails the file when any cell leaked.
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeEach, expect } from "vitest";

type Cell = { held: number; leaked: number };

export class LeakMatrix {
  readonly #cells = new Map<string, Map<string, Cell>>();
  readonly #leaks: string[] = [];

  /** Record one sink's text: held when none of `secrets` occurs in it. */
  check(kind: string, sink: string, text: string, secrets: readonly string[]): void {
    const found = secrets.filter((s) => text.includes(s));
    const row = this.#cells.get(kind) ?? new Map<string, Cell>();
    this.#cells.set(kind, row);
    const cell = row.get(sink) ?? { held: 0, leaked: 0 };
    row.set(sink, cell);
    if (found.length === 0) cell.held += 1;
    else {
      cell.leaked += 1;
      this.#leaks.push(`${kind} × ${sink}: ${text.slice(0, 200)}`);
    }
  }

  /** Record a yes/no property (e.g. "the redirect target received nothing"). */
  hold(kind: string, sink: string, held: boolean, what = ""): void {
    this.check(kind, sink, held ? "" : `LEAK ${what}`, held ? [] : ["LEAK"]);
  }

  /** Every string form of an error (or any value) a user might print or log. */
  checkValue(kind: string, label: string, value: unknown, secrets: readonly string[]): void {
    const e = value as { message?: unknown; stack?: unknown };
    this.check(kind, `${label} String()`, String(value), secrets);
    if (typeof e?.message === "string") this.check(kind, `${label} message`, e.message, secrets);
    if (typeof e?.stack === "string") this.check(kind, `${label} stack`, e.stack, secrets);
    this.check(kind, `${label} JSON`, safeJson(value), secrets);
    this.check(kind, `${label} inspect`, inspect(value, { depth: 8 }), secrets);
    this.check(kind, `${label} inspect showHidden`, inspect(value, { depth: 8, showHidden: true }), secrets);
  }

  get counts(): { tried: number; held: number } {
    let tried = 0;
    let held = 0;
    for (const row of this.#cells.values()) {
      for (const cell of row.values()) {
        tried += cell.held + cell.leaked;
        held += cell.held;
      }
    }
    return { tried, held };
  }

  /** One line per secret kind and sink: held (n cases) or LEAKED. */
  report(title: string): void {
    const table: Record<string, Record<string, string>> = {};
    for (const [kind, row] of this.#cells) {
      for (const [sink, cell] of row) {
        (table[sink] ??= {})[kind] = cell.leaked > 0 ? `LEAKED ${cell.leaked}/${cell.held + cell.leaked}` : `held ${cell.held}`;
      }
    }
    const { tried, held } = this.counts;
    console.log(`\n${title}: ${held}/${tried} cases held`);
    console.table(table);
  }

  /**
   * Registers the file's hooks: each test fails on the leaks it recorded, and the table is printed
   * once the file is done.
   */
  guard(title: string): this {
    let mark = 0;
    beforeEach(() => void (mark = this.#leaks.length));
    afterEach(() => expect(this.#leaks.slice(mark)).toEqual([]));
    afterAll(() => this.report(title));
    return this;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch (error) {
    return `(not serialisable: ${(error as Error).message})`;
  }
}

/** Runs `fn` with console.* captured; returns everything written. */
export async function captureConsole(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 8, showHidden: true }))).join(" "));
  try {
    await fn();
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]!));
  }
  return lines.join("\n");
}
