/**
 * Import directions (issue 10, "No import runs back up"): ops/ is the bottom of the stack and
 * never imports auth/ or the client; no module imports itself back through a cycle of run-time
 * imports; the core entry reaches no `node:` module.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const files: string[] = [];
const walk = (dir: string) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|mjs)$/.test(name) && !name.endsWith(".d.ts")) files.push(relative(root, path));
  }
};
walk(join(root, "src"));

/** Relative imports of a file: [target file, type-only?]. */
function importsOf(file: string): { target: string; typeOnly: boolean; specifier: string }[] {
  const source = readFileSync(join(root, file), "utf8");
  return [...source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => {
    const specifier = m[2]!;
    const target = specifier.startsWith(".") ? relative(root, resolve(dirname(join(root, file)), specifier)).replace(/\.js$/, ".ts") : specifier;
    return { target, typeOnly: Boolean(m[1]), specifier };
  });
}

describe("import directions", () => {
  it("src/ops never imports src/auth, src/client* or src/postgres", () => {
    const upward = files
      .filter((f) => f.startsWith("src/ops/"))
      .flatMap((f) => importsOf(f).filter((i) => /^src\/(auth|client|postgres|emulator)/.test(i.target)).map((i) => `${f} → ${i.target}`));
    expect(upward).toEqual([]);
  });

  it("no cycle of run-time imports", () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => !i.typeOnly && files.includes(i.target)).map((i) => i.target)]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" → "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it("the emulator's Postgres engines and their chooser import no module back, types included", () => {
    const dir = "src/emulator/postgres/";
    const back = files
      .filter((f) => f.startsWith(dir) && f !== `${dir}index.ts`)
      .flatMap((f) => importsOf(f).filter((i) => i.target === `${dir}index.ts`).map((i) => `${f} → ${i.target}`));
    expect(back).toEqual([]);
  });

  it("the core entry reaches no node: module (edge runtimes)", () => {
    const seen = new Set<string>();
    const nodeImports: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const i of importsOf(file)) {
        if (i.typeOnly) continue;
        if (i.specifier.startsWith("node:")) nodeImports.push(`${file} → ${i.specifier}`);
        else if (files.includes(i.target)) visit(i.target);
      }
    };
    visit("src/index.ts");
    expect(nodeImports).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });
});
