// The shape of the build (tsup.config.ts): the root entry loads as two files (Node's ESM loader
// costs ≈ 0.45 ms a module, so the import budget of `lakebase-sdk` depends on it), and no source
// module is built into two files (a second copy of the core would be a second set of error
// classes and client internals, and twice the bytes to load).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "../../dist");
const MAX_ROOT_MODULES = 2;

/** The files a built module loads, itself included (relative imports and requires). */
function graph(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const [, spec] of text.matchAll(/(?:\bfrom|\bimport|\brequire\()\s*["'](\.\.?\/[^"']+)["']/g)) graph(join(dirname(file), spec), seen);
  return seen;
}

/** Every built file of one format (dist/ and its entry folders; not the declarations). */
function builtFiles(extension) {
  return readdirSync(DIST, { recursive: true })
    .filter((path) => path.endsWith(extension) && !path.startsWith("types"))
    .map((path) => join(DIST, path));
}

let passed = 0;
for (const extension of [".js", ".cjs"]) {
  const root = [...graph(join(DIST, `index${extension}`))].map((file) => relative(DIST, file));
  assert.ok(root.length <= MAX_ROOT_MODULES, `lakebase-sdk (${extension}) loads ${root.length} files (${root.join(", ")}), at most ${MAX_ROOT_MODULES} expected`);
  passed += 1;

  // esbuild marks each source module's code with a `// src/…` line; a module in two files is two copies.
  const builtIn = new Map();
  for (const file of builtFiles(extension)) {
    for (const [, source] of readFileSync(file, "utf8").matchAll(/^\/\/ (src\/\S+)$/gm)) {
      const files = builtIn.get(source) ?? new Set();
      files.add(relative(DIST, file));
      builtIn.set(source, files);
    }
  }
  const copied = [...builtIn].filter(([, files]) => files.size > 1).map(([source, files]) => `${source} (${[...files].join(", ")})`);
  assert.deepEqual(copied, [], `source modules built into more than one ${extension} file`);
  passed += 1;

  // Each format loads only its own files: a CommonJS file that required an ESM one would load a
  // second copy of the core (and fail outright on Node before 20.19).
  const other = extension === ".js" ? /\.cjs$/ : /\.js$/;
  const crossing = builtFiles(extension).flatMap((file) =>
    [...graph(file)].filter((loaded) => other.test(loaded)).map((loaded) => `${relative(DIST, file)} → ${relative(DIST, loaded)}`),
  );
  assert.deepEqual([...new Set(crossing)], [], `${extension} files that load files of the other format`);
  passed += 1;
}
console.log(`dist layout: ${passed} passed, 0 failed (the root entry loads at most ${MAX_ROOT_MODULES} files; no module built twice; no format loads the other's files)`);
