// The package's entry points, output name under dist/ → source, kept in this one place for tsup
// (the build), scripts/build-types.mjs (the declarations), TypeDoc (the reference) and
// `npm run lint:package` (which checks that every public entry has its subpath in package.json
// "exports", `index` being ".", and that every subpath there has an entry here).

/** Entries users import: `lakebase-sdk` (index) and `lakebase-sdk/<name>`. */
export const publicEntries = {
  index: "src/index.ts",
  schemas: "src/schemas.ts",
  "auth/node": "src/auth/node.ts",
  emulator: "src/emulator/index.ts",
  postgres: "src/postgres/index.ts",
  auth: "src/auth/index.ts",
  raw: "src/raw.ts",
  iac: "src/iac/index.ts",
};

/** Entries run as programs (package.json "bin"), not imported. */
export const binEntries = {
  "emulator-cli": "src/emulator/cli.ts",
};

export const entries = { ...publicEntries, ...binEntries };

/**
 * Built with the root entry but not a subpath: what the other entries use of the core, so that
 * they import the core's one copy (tsup.config.ts, scripts/core-external.mjs).
 */
export const coreEntries = {
  internal: "src/internal.ts",
};

/**
 * The root entry's Node build, behind the `node` condition of "." in package.json "exports"
 * (src/index.node.ts: `createLakebaseClient()` defaults to the full credential chain). Built with
 * the other entries: it imports the root entry's built file, and the chain's code it loads on
 * first use is shared with `lakebase-sdk/auth/node`.
 */
export const nodeEntries = {
  "index.node": "src/index.node.ts",
};

/** The package.json "exports" subpath of a public entry. */
export function subpathOf(name) {
  return name === "index" ? "." : `./${name}`;
}
