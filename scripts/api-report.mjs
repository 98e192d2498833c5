#!/usr/bin/env node
// The public surface of every entry, one line per export, written to api/<entry>.api.md and
// compared in `npm test` (`--check`): a change to what users can import shows up in review as a
// diff of that file. Reads the TypeScript sources of the entries in scripts/entries.mjs.
//   node scripts/api-report.mjs          write api/*.api.md
//   node scripts/api-report.mjs --check  fail when they differ; also enforce the root budget
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { publicEntries } from "./entries.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
/** Values a user writes by name from `lakebase-sdk`, not counting what the spec generates (operation functions, name builders). */
const ROOT_VALUE_BUDGET = 40;

const program = ts.createProgram(
  Object.values(publicEntries).map((file) => join(root, file)),
  { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, skipLibCheck: true, noEmit: true },
);
const checker = program.getTypeChecker();
const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType;

function kindOf(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const f = target.flags;
  if (f & ts.SymbolFlags.Class) return "class";
  if (f & ts.SymbolFlags.Function) return "function";
  if (f & ts.SymbolFlags.Variable) return "const";
  if (f & ts.SymbolFlags.Interface) return "interface";
  if (f & ts.SymbolFlags.TypeAlias) return "type";
  if (f & ts.SymbolFlags.Enum) return "enum";
  return "other";
}

/** A short, stable description: signatures of functions, member names of classes, the type of consts (cut at 240 chars). */
function describe(symbol, kind, at) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  // Paths relative to the repository and internal symbol ids (`__@INPUT_FORM@319`, which change
  // whenever a declaration is added) by name, before cutting: the report reads the same on every clone.
  const cut = (raw) => {
    const text = raw.split(`${root}/`).join("").replace(/__@(\w+)@\d+/g, "[$1]");
    return text.length > 240 ? `${text.slice(0, 240)}…` : text;
  };
  if (kind === "function") {
    const type = checker.getTypeOfSymbolAtLocation(target, at);
    return type.getCallSignatures().map((s) => cut(checker.signatureToString(s, at, flags))).join(" | ");
  }
  if (kind === "class") {
    const instance = checker.getDeclaredTypeOfSymbol(target);
    const members = checker.getPropertiesOfType(instance).map((p) => p.name).filter((n) => !n.startsWith("#") && !n.startsWith("__"));
    return `{ ${members.sort().join(", ")} }`;
  }
  if (kind === "const") return cut(checker.typeToString(checker.getTypeOfSymbolAtLocation(target, at), at, flags));
  if (kind === "interface" || kind === "type") {
    const type = checker.getDeclaredTypeOfSymbol(target);
    const props = checker.getPropertiesOfType(type).map((p) => p.name.replace(/^__@(\w+)@\d+$/, "[$1]"));
    return props.length > 0 && props.length < 40 ? `{ ${props.sort().join(", ")} }` : "";
  }
  return "";
}

let failed = false;
const summary = [];
for (const [entry, file] of Object.entries(publicEntries)) {
  const source = program.getSourceFile(join(root, file));
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name));
  const rows = exports.filter((symbol) => !isTypeOnlyValue(symbol)).map((symbol) => {
    const kind = kindOf(symbol);
    // Paths relative to the repository: the report reads the same on every clone.
    const text = describe(symbol, kind, source);
    return { name: symbol.name, kind, text, generated: isGenerated(symbol) };
  });
  const values = rows.filter((r) => ["class", "function", "const", "enum"].includes(r.kind));
  const handWritten = values.filter((r) => !r.generated);
  const title = entry === "index" ? "lakebase-sdk" : `lakebase-sdk/${entry}`;
  const text = [
    `# ${title}`,
    "",
    `${rows.length} exports: ${values.length} values (${values.length - handWritten.length} generated from the spec: operation functions and name builders), ${rows.length - values.length} types.`,
    "",
    ...rows.map((r) => `- ${r.kind} \`${r.name}\`${r.text ? `: ${r.text.replace(/\n\s*/g, " ")}` : ""}`),
    "",
  ].join("\n");
  const out = join(root, "api", `${entry.replace("/", "-")}.api.md`);
  summary.push(`${title}: ${rows.length} exports, ${values.length} values (${values.length - handWritten.length} generated from the spec), ${rows.length - values.length} types`);
  if (entry === "index" && handWritten.length > ROOT_VALUE_BUDGET) {
    console.error(`api: lakebase-sdk exports ${handWritten.length} hand-written values, over the budget of ${ROOT_VALUE_BUDGET}: ${handWritten.map((r) => r.name).join(", ")}`);
    failed = true;
  }
  if (check) {
    const current = existsSync(out) ? readFileSync(out, "utf8") : "";
    if (current !== text) {
      console.error(`api: ${out.slice(root.length + 1)} differs from the sources' public surface. Review the change, then run \`npm run api:report\` and commit it.`);
      failed = true;
    }
  } else {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
}

/** A `declare const` (a type-level marker such as INPUT_FORM) re-exported with `export type`: no run-time value. */
function isTypeOnlyValue(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return (target.declarations ?? []).every((d) => ts.isVariableDeclaration(d) && !d.initializer);
}

/** Whether an export is generated from the spec (src/generated/functions.ts, src/generated/names.ts). */
function isGenerated(symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  // One function per operation, one name builder per resource kind: they grow with the spec, not by hand.
  return (target.declarations ?? []).some((d) => /src\/generated\/(functions|names)\.ts$/.test(d.getSourceFile().fileName));
}

console.log(summary.join("\n"));
if (failed) process.exit(1);
console.log(check ? "api report: 1 passed, 0 failed" : "api report written to api/");
