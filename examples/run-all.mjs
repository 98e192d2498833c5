// Runs every example as CI does: each must exit 0. Examples import the built package (dist/).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const examples = readdirSync(dir).filter((f) => f.endsWith(".mjs") && f !== "run-all.mjs");
let failed = 0;
for (const file of examples) {
  try {
    execFileSync(process.execPath, [join(dir, file)], { stdio: "pipe", timeout: 60_000 });
    console.log(`example ${file}: ok`);
  } catch (error) {
    failed += 1;
    console.error(`example ${file}: FAILED\n${error.stdout ?? ""}${error.stderr ?? ""}`);
  }
}
console.log(`examples: ${examples.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
