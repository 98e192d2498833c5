import v8 from "node:v8";
import vm from "node:vm";

/**
 * A callable `gc()` without `--expose-gc` on the command line: the flag is switched on at run
 * time and a fresh context picks up the global it installs. This keeps vitest.config.ts (and so
 * every other test file's workers) untouched.
 */
let cached: (() => void) | undefined;

export function getGc(): () => void {
  if (cached) return cached;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") return (cached = existing);
  v8.setFlagsFromString("--expose-gc");
  const fn: unknown = vm.runInNewContext("gc");
  if (typeof fn !== "function") throw new Error("could not obtain gc() at run time");
  return (cached = fn as () => void);
}
