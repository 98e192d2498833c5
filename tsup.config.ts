import { copyFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { buildTypes } from "./scripts/build-types.mjs";
// A new subpath: add it to scripts/entries.mjs and to package.json "exports", then run
// `node scripts/types-versions.mjs --write`; `npm run lint:package` checks all three agree.
import { entries as entry } from "./scripts/entries.mjs";

export default defineConfig((cli) => ({
  entry,
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
  clean: true,
  splitting: true,
  treeshake: true,
  target: "es2022",
  platform: "neutral",
  onSuccess: async () => {
    // The emulator's PGlite engine forks this plain-JS worker; it ships as is next to the bundles.
    copyFileSync("src/emulator/postgres/pglite-worker.mjs", "dist/pglite-worker.mjs");
    // `tsup --no-dts` (npm run demo) skips the declarations, as it did with tsup's own dts.
    if (cli.dts !== false) {
      const started = Date.now();
      const written = buildTypes(entry);
      console.log(`DTS ${written.length} declaration modules (+ .d.cts twins) in dist/types/, ${Date.now() - started} ms`);
    }
  },
}));
