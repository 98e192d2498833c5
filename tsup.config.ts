import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";
import { buildTypes } from "./scripts/build-types.mjs";
import { coreAsExternal } from "./scripts/core-external.mjs";
// A new subpath: add it to scripts/entries.mjs and to package.json "exports", then run
// `node scripts/types-versions.mjs --write`; `npm run lint:package` checks all three agree.
import { coreEntries, entries, nodeEntries } from "./scripts/entries.mjs";

// Options both builds share.
const common: Options = {
  format: ["esm", "cjs"],
  // Declarations come from scripts/build-types.mjs (one readable file per module, see there), not
  // from tsup's rollup, which folds whatever the entries share into one ≈270 kB hashed chunk.
  dts: false,
  // Source maps are shipped and carry their sources (esbuild's sourcesContent, on by default and
  // pinned here): a stack trace through the SDK resolves to readable TypeScript with
  // `node --enable-source-maps` or a debugger, without publishing src/. A map without its sources
  // points at files that are not in the package, which helps no one, so `npm run lint:package`
  // fails if any shipped map lacks them.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = true;
  },
  clean: false,
  splitting: true,
  treeshake: true,
  target: "es2022",
  platform: "neutral",
};

/**
 * Two builds, so that `import "lakebase-sdk"` loads two files, not ten. Node's ESM loader costs
 * ≈ 0.45 ms a module (measured: the same core code in one file imports in 5.4 ms, split into the
 * ten chunks one splitting build makes of it, 9.5–10 ms), and one build over every entry cuts the
 * core into a chunk per set of entries sharing a piece of it.
 *  1. the core: the root entry and `internal` (src/internal.ts: what the other entries use of the
 *     core) → dist/index.js, dist/internal.js and one chunk they share;
 *  2. every other entry, with each import of a core module turned into an import of that
 *     `internal` file (scripts/core-external.mjs), so all entries share one copy of the core.
 */
export default defineConfig((cli) => {
  // The two builds run side by side, so neither may clean: dist/ is emptied once, here.
  rmSync("dist", { recursive: true, force: true });
  const { index, ...others } = entries;
  return [
    { ...common, entry: { index, ...coreEntries } },
    {
      ...common,
      // `index.node` (nodeEntries) is built with the auth code it loads, and imports the root entry.
      entry: { ...others, ...nodeEntries },
      esbuildPlugins: [coreAsExternal(coreEntries.internal)],
      onSuccess: async () => {
        checkCoreImports();
        // The emulator's PGlite engine forks this plain-JS worker; it ships as is next to the bundles.
        copyFileSync("src/emulator/postgres/pglite-worker.mjs", "dist/pglite-worker.mjs");
        // `tsup --no-dts` (npm run demo) skips the declarations, as it did with tsup's own dts.
        if (cli.dts !== false) {
          const started = Date.now();
          const written = buildTypes(entries);
          console.log(`DTS ${written.length} declaration modules (+ .d.cts twins) in dist/types/, ${Date.now() - started} ms`);
        }
      },
    },
  ];
});

/**
 * After the second build: the plugin names the core `./internal.js` (or `.cjs`), which is right for
 * files in dist/; an entry one folder down (dist/auth/node.js) needs `../internal.js`. And a star
 * re-export of a core module (`export * from "../ops/x.js"`) would have become a namespace import
 * of the whole core, which no bundler can tree-shake: that fails the build, naming the file.
 */
function checkCoreImports(): void {
  for (const path of readdirSync("dist", { recursive: true, encoding: "utf8" })) {
    if (!/\.c?js$/.test(path) || path.startsWith("types")) continue;
    const file = `dist/${path}`;
    const text = readFileSync(file, "utf8");
    if (/import \* as \w+ from ["']\.\/internal\.c?js["']|__reExport\([^)]*require\(["']\.\/internal\.cjs["']\)/.test(text)) {
      throw new Error(`${file} imports the whole core (a star re-export of a core module in its sources): re-export the names it needs instead`);
    }
    if (!path.includes("/")) continue;
    const fixed = text.replace(/(["'])\.\/internal\.(c?js)\1/g, "$1../internal.$2$1");
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

