#!/usr/bin/env node
// One command turns spec/postgres.openapi.yaml into src/generated/ (and indexes the emulator's
// handler modules, src/emulator/handlers/index.ts).
//   node codegen/run.mjs          write the generated files
//   node codegen/run.mjs --check  regenerate in memory and fail on any difference
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { renderTypes } from "./types.mjs";
import { renderZod } from "./zod.mjs";
import { renderOperations } from "./operations.mjs";
import { renderModels } from "./models.mjs";
import { renderFunctions, renderNamespaces } from "./functions.mjs";
import { renderNameExports, renderNames } from "./names.mjs";
import { renderEmulatorHandlers } from "./emulator-handlers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const specPath = join(root, "spec", "postgres.openapi.yaml");
const check = process.argv.includes("--check");

const spec = parseYaml(readFileSync(specPath, "utf8"));

const handlersDir = join(root, "src", "emulator", "handlers");

// Output files by path from the repository root.
const outputs = {
  "src/generated/openapi.ts": await renderTypes(spec),
  "src/generated/models.ts": renderModels(spec),
  "src/generated/schemas.ts": renderZod(spec),
  "src/generated/operations.ts": renderOperations(spec),
  "src/generated/names.ts": renderNames(spec),
  "src/generated/name-exports.ts": renderNameExports(spec),
  "src/generated/functions.ts": renderFunctions(spec),
  "src/generated/namespaces.ts": renderNamespaces(spec),
  // Not from the spec: the emulator's handler index, from the handler files themselves.
  "src/emulator/handlers/index.ts": renderEmulatorHandlers(handlersDir),
};

let stale = [];
for (const [file, content] of Object.entries(outputs)) {
  const target = join(root, file);
  if (check) {
    const current = existsSync(target) ? readFileSync(target, "utf8") : "";
    if (current !== content) stale.push(relative(root, target));
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

if (check) {
  if (stale.length > 0) {
    console.error(`codegen:check failed: these files differ from what codegen generates (from the spec and the handler files):\n  ${stale.join("\n  ")}\nRun \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`codegen:check ok (${Object.keys(outputs).length} generated files are current)`);
} else {
  console.log(`codegen wrote ${Object.keys(outputs).join(", ")}`);
}
