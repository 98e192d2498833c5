// Runs every example as CI does: each must exit 0 and print its closing "<name>: ok" line (each
// example asserts its own results before printing it). Examples import the built package (dist/).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith(".mjs") && f !== "run-all.mjs");
let failed = 0;
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
console.log(`examples: ${examples.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
