// Keeps package.json "typesVersions" in step with "exports".
//
// Why: TypeScript's `moduleResolution: node10` (still the default of many tsconfigs, and of old
// bundlers' type checks) ignores "exports", so `import … from "lakebase-sdk/postgres"` finds no
// declarations unless "typesVersions" maps the subpath. The map is derived from "exports" (each
// subpath's `import.types`), never written by hand, so a new subpath cannot be forgotten.
//
//   node scripts/types-versions.mjs          # check: exit 1 and print the expected map if stale
//   node scripts/types-versions.mjs --write  # rewrite the "typesVersions" field in place
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const file = join(dirname(fileURLToPath(import.meta.url)), "..", "package.json");

/** "typesVersions" as it must be for `exports`: every subpath but "." and non-code files. */
export function expectedTypesVersions(exports) {
  const map = {};
  for (const [subpath, target] of Object.entries(exports ?? {})) {
    if (subpath === "." || typeof target !== "object" || target === null) continue;
    const types = target.import?.types ?? target.types ?? target.require?.types;
    if (!types) throw new Error(`exports["${subpath}"] has no types condition`);
    map[subpath.replace(/^\.\//, "")] = [types];
  }
  return { "*": map };
}

export function main(argv = process.argv.slice(2)) {
  const source = readFileSync(file, "utf8");
  const pkg = JSON.parse(source);
  const expected = expectedTypesVersions(pkg.exports);
  if (JSON.stringify(pkg.typesVersions) === JSON.stringify(expected)) {
    console.log(`typesVersions: in step with exports (${Object.keys(expected["*"]).length} subpaths)`);
  } else if (argv.includes("--write")) {
    // Re-read right before writing and touch only this field (others may be editing package.json).
    const fresh = JSON.parse(readFileSync(file, "utf8"));
    const entries = Object.entries(fresh).filter(([k]) => k !== "typesVersions");
    const at = entries.findIndex(([k]) => k === "exports");
    entries.splice(at + 1, 0, ["typesVersions", expectedTypesVersions(fresh.exports)]);
    writeFileSync(file, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`);
    console.log("typesVersions: rewritten from exports");
  } else {
    console.error("typesVersions is out of step with exports; run `node scripts/types-versions.mjs --write`. Expected:");
    console.error(JSON.stringify({ typesVersions: expected }, null, 2));
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
