/**
 * Running a credential helper program (the Databricks CLI, the Azure CLI) and collecting what it printed. Arguments
 * go to the program directly (no shell), the program is found on the given environment's PATH,
 * and output is capped at 1 MiB. Node-only.
 */
import { execFile } from "node:child_process";

/** What a run gave: exit outcome and output. `startError` (`ENOENT`, `EACCES`) when the program could not be started. */
export interface CommandResult {
  readonly ok: boolean;
  readonly startError?: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `program args…`; never rejects except when `signal` aborts. */
export function runCommand(
  program: string,
  args: readonly string[],
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly timeoutMs: number; readonly signal?: AbortSignal | undefined },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      [...args],
      { env: options.env as NodeJS.ProcessEnv, timeout: options.timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true, ...(options.signal ? { signal: options.signal } : {}) },
      (error, stdout, stderr) => {
        if (options.signal?.aborted) return reject(options.signal.reason ?? error);
        const code = (error as { code?: unknown } | null)?.code;
        const startError = code === "ENOENT" || code === "EACCES" ? { startError: code } : {};
        resolve({ ok: !error, ...startError, stdout: String(stdout), stderr: String(stderr).trim() || (error ? String(error.message) : "") });
      },
    );
  });
}
