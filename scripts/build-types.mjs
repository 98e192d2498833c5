// Emits the published declaration files: one .d.ts per source module under dist/types/, mirroring
// src/, plus a .d.cts twin of each for `require` consumers.
//
// Why not tsup's `dts: true`: it rolls every entry up with rollup-plugin-dts, and what the entries
// share lands in one hashed chunk (≈270 kB: the generated OpenAPI types, the clients, the name
// types…) that no reader can find their way in. Plain tsc declaration emit keeps one file per
// module, with its TSDoc, at a path that says what it is (dist/types/ops/errors.d.ts), and each
// entry's declaration is just its own module (dist/types/index.d.ts, dist/types/postgres/index.d.ts).
//
// Why a .d.cts twin: the package is `"type": "module"`, so a .d.ts is read as ESM; a CommonJS
// consumer (node16/nodenext from a .cts/.cjs file) must get declarations that are CJS, else
// TypeScript and attw report them "masquerading as ESM". The twin is the same text with relative
// specifiers pointing at .cjs, so a CJS consumer stays in the CJS tree.
//
// Each entry keeps its usual path (dist/index.d.ts, dist/postgres.d.ts, …: what package.json's
// "exports", "types" and "typesVersions" name) as a one-line `export *` of its module in the tree,
// so a new tsup entry needs no knowledge of the tree's layout.
//
// Called from tsup.config.ts after the JS build (skipped with `tsup --no-dts`).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const TYPES_DIR = "dist/types";

/** Relative `./x.js` → `./x.cjs` in `from "…"`, `import("…")` and `export … from "…"`. */
export function toCjsDeclaration(text) {
  return text.replace(/((?:\bfrom\s*|\bimport\s*\(\s*)["'])(\.{1,2}\/[^"'\n]*?)\.js(["'])/g, "$1$2.cjs$3");
}

/**
 * Emits declarations for `entries` (tsup's map: output name → source path relative to the repo
 * root) and returns the written files. Throws with TypeScript's diagnostics when the declarations
 * cannot be emitted.
 */
export function buildTypes(entries, { root = ROOT, outDir = TYPES_DIR } = {}) {
  const configPath = join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.formatDiagnostic(config.error, host(root)));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  const options = {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false, // would point into src/, which is not published
    sourceMap: false,
    incremental: false,
    composite: false,
    tsBuildInfoFile: undefined,
    rootDir: join(root, "src"),
    outDir: join(root, outDir),
  };
  const program = ts.createProgram({ rootNames: Object.values(entries).map((e) => join(root, e)), options });
  const absOut = join(root, outDir);
  rmSync(absOut, { recursive: true, force: true });
  const written = [];
  const emit = program.emit(undefined, (file, text) => {
    if (!file.endsWith(".d.ts")) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), toCjsDeclaration(text));
    written.push(relative(root, file));
  });
  // Semantic errors too, as tsup's own dts step did: a declaration emitted from code that does not
  // type-check may describe an API that does not exist.
  const errors = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(), ...emit.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (errors.length > 0 || emit.emitSkipped) {
    throw new Error(`declaration emit failed:\n${ts.formatDiagnosticsWithColorAndContext(errors, host(root))}`);
  }
  for (const [name, source] of Object.entries(entries)) {
    const stub = join(root, "dist", `${name}.d.ts`);
    const target = join(absOut, relative("src", source)).replace(/\.tsx?$/, ".js");
    let specifier = relative(dirname(stub), target).split("\\").join("/");
    if (!specifier.startsWith(".")) specifier = `./${specifier}`;
    mkdirSync(dirname(stub), { recursive: true });
    writeFileSync(stub, `export * from "${specifier}";\n`);
    writeFileSync(stub.replace(/\.d\.ts$/, ".d.cts"), toCjsDeclaration(`export * from "${specifier}";\n`));
    written.push(relative(root, stub));
  }
  return written.sort();
}

function host(root) {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
}
