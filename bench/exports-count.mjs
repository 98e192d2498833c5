#!/usr/bin/env node
// The size of the root entry's public surface: the names `lakebase-sdk` exports, split into values
// (what exists at run time: functions, classes, constants) and types only, and how many of the
// values are error classes. Values come from importing dist/index.js; all names from the built
// declarations (dist/index.d.ts) through the TypeScript checker.
//   npm run build && node bench/exports-count.mjs [--json]
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function exportsCount(entry = "index") {
  const runtime = await import(pathToFileURL(join(ROOT, "dist", `${entry}.js`)).href);
  const values = Object.keys(runtime);
  const errorClasses = values.filter((k) => typeof runtime[k] === "function" && (runtime[k] === Error || runtime[k].prototype instanceof Error));
  const file = join(ROOT, "dist", `${entry}.d.ts`);
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const names = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file))).map((s) => s.name);
  const valueSet = new Set(values);
  return { entry, names: names.length, values: values.length, typesOnly: names.filter((n) => !valueSet.has(n)).length, errorClasses: errorClasses.length, errorClassNames: errorClasses.sort() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await exportsCount();
  if (process.argv.includes("--json")) console.log(JSON.stringify(result));
  else {
    console.log(`\nRoot exports of lakebase-sdk: ${result.names} names = ${result.values} values + ${result.typesOnly} types only; ${result.errorClasses} error classes`);
    console.log(`  error classes: ${result.errorClassNames.join(", ")}`);
  }
}
