// Child processes for the runtime matrix: run one with a deadline (its whole process group killed
// on expiry), and fetch a runtime's binary from the npm registry through npx.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const OBTAIN_TIMEOUT_MS = 300_000; // first download of a runtime through npx

export function exec(cmd, args, { timeoutMs, cwd, env } = {}) {
  return new Promise((done) => {
    const started = performance.now();
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    } catch (error) {
      done({ code: null, stdout, stderr: String(error), ms: 0, timedOut });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => (stderr += String(error)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

export function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

export const lastLine = (text) => text.trim().split("\n").filter(Boolean).at(-1)?.slice(0, 200) ?? "";

const obtained = new Map(); // "pkg bin" -> Promise<{ path } | { reason }>: each runtime is looked up once per run

/** The path of `bin` from npm package `pkg`, fetched into the npx cache; or { reason }. */
export function obtain(pkg, bin, cwd) {
  const key = `${pkg} ${bin}`;
  if (!obtained.has(key)) obtained.set(key, obtainOnce(pkg, bin, cwd));
  return obtained.get(key);
}

async function obtainOnce(pkg, bin, cwd) {
  const r = await exec("npx", ["-y", "-p", pkg, "-c", `command -v ${bin}`], { timeoutMs: OBTAIN_TIMEOUT_MS, cwd });
  const path = r.stdout.trim().split("\n").at(-1);
  if (r.code === 0 && path && existsSync(path)) return { path };
  return { reason: r.timedOut ? `npx ${pkg} timed out` : `npx ${pkg}: ${lastLine(r.stderr) || `exit ${r.code}`}` };
}
