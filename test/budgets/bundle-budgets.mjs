#!/usr/bin/env node
// Bundle budgets: what three typical user programs (test/budgets/entries/*.mjs) cost once bundled
// against the built package (dist/, through package.json "exports", as a user's bundler sees it).
// esbuild --bundle --minify --format=esm --target=es2022, then gzip -9: the method of the
// peer measurements, so the figures compare with the peers measured that way.
//
//   npm run build && node test/budgets/bundle-budgets.mjs [--enforce] [--why] [--json]
//     --enforce  exit 1 when an entry is over its gzip ceiling (npm run test:budgets, in npm test)
//     --why      also list the five largest inputs of each bundle (minified bytes in the output)
//     --json     print the figures as JSON (bench/run.mjs reads them)
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const KiB = 1024;

/**
 * Budgets in gzip bytes. (a) and (b) are the targets of issue 10 for the core path. (c) is (a)'s
 * client plus lakebase-sdk/postgres (credential provider, config resolution, wake-up retry, ORM
 * configs) on the Node platform, `pg` external. Measured on the pre-redesign build (2026-12-01):
 * (a) 24.6 KiB, (c) 26.9 KiB, so the postgres layer costs ≈ 2.3 KiB gzip on top of the core.
 * Its budget is (a)'s 8 KiB plus 4 KiB for that layer (≈ 1.7× its size today): room for a fix or
 * two, and a failure if the pool pulls in the zod schemas or the emulator (each ≥ 10 KiB).
 */
const pgPoolBudget = 12 * KiB;
/**
 * `budget` is the target; `ceiling` is what `--enforce` (and so `npm test`) holds: the size after
 * the redesign plus about ½ KiB, so that no change makes a bundle larger while the targets are out
 * of reach (measured 2026-12-01 after the tree-shaking work: (a) 11.5, (b) 17.3, (c) 14.7 KiB; the
 * pre-redesign build: (a) 20.9 / 24.6, (b) 24.0, (c) 26.9). Where the rest goes is in the issue 10
 * note: the error path (typed details, HTML/SCIM/text bodies), the id rules and the per-attempt
 * deadline that the hardening suites pin.
 * Raised by ½ KiB for (a) and (b) on 2026-12-01 (issue 12): the client's event hook and the debug
 * logger `LAKEBASE_SDK_DEBUG` switches on must live in the core entry (an environment variable can
 * turn them on in any bundle), and cost +0.69 KiB on (a), +0.92 KiB on (b): measured with and
 * without them on one tree; (a) 12.2, (b) 18.2, (c) 15.4 KiB after.
 * (c) raised by ¼ KiB on 2026-12-01 (issue 13), measured feature by feature on one tree: the pool's
 * own new paths (a native Postgres password instead of minting, `claims` and `group_name` on every
 * credential request, `createPool()` without a client loading the Databricks Apps form by name)
 * +115 B; the client's hook for credentials that add headers (Azure, GCP) +19 B; the two-build
 * layout that loads the root entry as two files (tsup.config.ts) +68 B of gzip from module order
 * alone (the minified size moved by 1 byte). (c) 15.7 KiB after.
 * Raised again the same day after the outside-in check of the packed package: (b) by ¼ KiB for a
 * timed-out mutation's `outcomeUnknown` and the status kept on a body that broke off (+109 B; the
 * auth chunk's Azure/GCP tables, kept by (b) once the Apps pool shared that chunk, were made
 * tree-shakeable instead: −315 B); (c) by ¾ KiB for the pool's errors that say what to do — the
 * identity without a Postgres role (with the Roles API call to make one) and the wake-up retries
 * that ran out (with where host and port came from) — +459 B, and the core's +109 B.
 * After: (a) 12.4, (b) 18.6, (c) 16.2 KiB.
 */
export const budgets = [
  { entry: "pat-list.mjs", label: "(a) PAT + list branches", platform: "neutral", budget: 8 * KiB, ceiling: 12.5 * KiB },
  { entry: "m2m-list-create.mjs", label: "(b) OAuth M2M + list + create/await", platform: "neutral", budget: 12 * KiB, ceiling: 18.75 * KiB },
  { entry: "pg-pool.mjs", label: "(c) pg pool (createPool + query)", platform: "node", budget: pgPoolBudget, ceiling: 16.5 * KiB, external: ["pg", "pg-native"] },
];

/** esbuild resolves `lakebase-sdk[/sub]` through the package's own "exports" (import condition). */
function selfReference() {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  return {
    name: "lakebase-sdk-self",
    setup(b) {
      b.onResolve({ filter: /^lakebase-sdk(\/.*)?$/ }, (args) => {
        const subpath = `.${args.path.slice("lakebase-sdk".length)}`;
        const target = pkg.exports[subpath]?.import?.default;
        if (!target) return { errors: [{ text: `lakebase-sdk has no export "${subpath}"` }] };
        return { path: join(ROOT, target) };
      });
    },
  };
}

/** Bundles one entry; returns { min, gzip, inputs } (bytes; inputs: largest contributors). */
export async function measure({ entry, platform, external = [] }) {
  const result = await build({
    entryPoints: [join(HERE, "entries", entry)],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform,
    mainFields: ["module", "main"],
    external,
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: ROOT,
    plugins: [selfReference()],
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs };
}

export async function measureAll() {
  const rows = [];
  for (const spec of budgets) rows.push({ ...spec, ...(await measure(spec)) });
  return rows;
}

const kib = (n) => `${(n / KiB).toFixed(1)} KiB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(ROOT, "dist/index.js"))) {
    console.error("bundle budgets: dist/ is missing; run `npm run build` first");
    process.exit(2);
  }
  const args = process.argv.slice(2);
  const rows = await measureAll();
  if (args.includes("--json")) {
    console.log(JSON.stringify(rows.map(({ inputs, ...r }) => ({ ...r, top: inputs.slice(0, 5) }))));
  } else {
    console.log(`\nBundle budgets (esbuild ${(await import("esbuild")).version} minify esm es2022, gzip -9), node ${process.version}\n`);
    console.log("| entry | platform | min | gzip | target (gzip) | ceiling (enforced) | result |");
    console.log("|---|---|---:|---:|---:|---:|---|");
    for (const r of rows) {
      const target = r.gzip <= r.budget ? "target met" : `${kib(r.gzip - r.budget)} over target`;
      const result = r.gzip <= r.ceiling ? `pass (${target})` : `FAIL (+${kib(r.gzip - r.ceiling)} over ceiling)`;
      console.log(`| ${r.label} | ${r.platform} | ${kib(r.min)} | ${kib(r.gzip)} | ${kib(r.budget)} | ${kib(r.ceiling)} | ${result} |`);
    }
    if (args.includes("--why")) {
      for (const r of rows) {
        console.log(`\n${r.label}: largest inputs (minified bytes in the bundle)`);
        for (const { file, bytes } of r.inputs.slice(0, 5)) {
          console.log(`  ${String(bytes).padStart(7)}  ${file}`);
          // A dist chunk is many modules: name them from its source map, so the line says what to cut.
          const map = join(ROOT, `${file}.map`);
          if (file.startsWith("dist/") && existsSync(map)) {
            const sources = JSON.parse(readFileSync(map, "utf8")).sources.map((s) => s.replace(/^(\.\.\/)+/, ""));
            console.log(`           ${sources.slice(0, 12).join(", ")}${sources.length > 12 ? `, … (${sources.length} modules)` : ""}`);
          }
        }
      }
    }
  }
  const over = rows.filter((r) => r.gzip > r.ceiling);
  if (args.includes("--enforce")) {
    if (over.length > 0) {
      console.error(`\nbundle budgets: ${over.length} of ${rows.length} entries over their ceiling`);
      process.exit(1);
    }
    console.log(`\nbundle budgets: ${rows.length} passed, 0 failed (${rows.filter((r) => r.gzip <= r.budget).length} of ${rows.length} within the issue 10 targets)`);
  }
}
