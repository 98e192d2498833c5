// Builds a TypeScript example into one ESM file in a fresh temp directory, with esbuild (a
// devDependency), the way a user's bundler would: "lakebase-sdk" resolves through the package's
// exports map to the built dist/, which is bundled in, so the output runs anywhere — Node, or
// workerd, which resolves no packages of its own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { build } from "esbuild";

/**
 * @param {string} entry the example's .ts entry
 * @param {{ platform?: "node" | "neutral" }} [options] "neutral" for code that must not touch Node (a worker)
 * @returns {Promise<{ file: string, remove: () => void }>}
 */
export async function buildTypeScriptExample(entry, { platform = "node" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lakebase-example-"));
  const file = join(dir, `${basename(entry, ".ts")}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    format: "esm",
    target: "es2022",
    platform,
    // A neutral build has no default package entry fields; the SDK's exports map needs "import".
    ...(platform === "neutral" ? { mainFields: ["module", "main"], conditions: ["import"] } : {}),
    // A CommonJS dependency bundled into ESM (yaml, for the IaC example) requires Node built-ins:
    // give the bundle a `require`, as a Node ESM program has to.
    ...(platform === "node" ? { banner: { js: 'import { createRequire as __lakebaseRequire } from "node:module"; const require = __lakebaseRequire(import.meta.url);' } } : {}),
    // dist's chunks import each other for no side effect (tsup's output); esbuild says so, harmlessly.
    logOverride: { "ignored-bare-import": "silent" },
    logLevel: "error",
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
