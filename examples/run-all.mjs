// Runs every example as CI does: each must exit 0 and print its closing "<name>: ok" line (each
// example asserts its own results before printing it). Examples import the built package (dist/).
// The TypeScript examples (cli/, serverless/) are type-checked first against dist's declarations,
// as a user's code would be; their runners (cli-session.mjs, serverless-preview.mjs) bundle them
// with esbuild into a temp dir and run them like the other examples.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith(".mjs") && f !== "run-all.mjs");
let failed = 0;

try {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--noEmit"], { stdio: "pipe", timeout: 120_000, encoding: "utf8" });
  console.log("examples typecheck (tsc -p examples/tsconfig.json): ok");
} catch (error) {
  failed += 1;
  console.error(`examples typecheck (tsc -p examples/tsconfig.json): FAILED\n${error.stdout ?? ""}${error.stderr ?? error.message}`);
}
for (const file of examples) {
  try {
    const stdout = execFileSync(process.execPath, [join(dir, file)], { stdio: "pipe", timeout: 60_000, encoding: "utf8" });
    const done = `${basename(file, ".mjs")}: ok`;
    // An example that exits 0 without reaching its last line (an early return) has not passed.
    if (!stdout.split("\n").some((line) => line.startsWith(done))) throw Object.assign(new Error(`no "${done}" line`), { stdout });
    console.log(`example ${file}: ok`);
  } catch (error) {
    failed += 1;
    console.error(`example ${file}: FAILED (${error.message})\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
}
console.log(`examples: ${examples.length + 1 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
