/**
 * Process hygiene shared by both engines: one set of `exit` / signal hooks for every live backend
 * (so a crash, Ctrl-C or `process.exit()` never leaves a server or a temp directory behind; a
 * signal someone else handles is theirs to shut down on), and
 * the helpers to find the unprivileged user that PostgreSQL insists on when we run as root.
 */
import { readFileSync, rmSync } from "node:fs";

/** Something that can stop its child processes and delete its files synchronously, from an `exit` hook. */
export interface Reapable {
  reapSync(): void;
}

const live = new Set<Reapable>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let hooked = false;

function reapAll(): void {
  for (const item of [...live]) {
    try {
      item.reapSync();
    } catch {
      // Best effort: the process is going away.
    }
  }
  live.clear();
}

function onExit(): void {
  reapAll();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (the CLI's orderly stop, which lets running operations end
  // before the engines stop): the shutdown is theirs, and the `exit` hook still reaps whatever
  // is left when the process ends. Reaping here would kill a fork in the middle of its operation.
  if (process.listenerCount(signal) > 1) return;
  reapAll();
  unhook();
  // Keep the default meaning of the signal (terminate) unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' also runs after an uncaught exception, before the process dies.
  process.on("exit", onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off("exit", onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

export function track(item: Reapable): void {
  live.add(item);
  hook();
}

export function untrack(item: Reapable): void {
  live.delete(item);
  if (live.size === 0) unhook();
}

/** Kills a process by pid, ignoring "no such process". */
export function killPid(pid: number | undefined, signal: NodeJS.Signals | number = "SIGKILL"): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function removeDirSync(dir: string | undefined): void {
  if (!dir) return;
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
    // A dying child may still be writing; the caller's watchdog (if any) retries.
  }
}

export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/**
 * When this process is root, PostgreSQL's initdb/postgres refuse to run: spawn them as `postgres`
 * (Debian/Ubuntu packages create it) or, failing that, `nobody`. `undefined` when not root.
 */
export function unprivilegedUser(): RunAs | undefined | "missing" {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  let passwd = "";
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return "missing";
  }
  const users = new Map<string, RunAs>();
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user && uid && gid && Number(uid) > 0) users.set(user, { user, uid: Number(uid), gid: Number(gid) });
  }
  return users.get("postgres") ?? users.get("nobody") ?? "missing";
}
