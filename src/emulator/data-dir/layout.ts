/**
 * The data directory's frame: its layout version and the lock that keeps a second emulator out.
 *
 * - `layout.json` names the layout version. A directory written by another version is refused
 *   with a clear error (never read half-understood); an empty or new directory is initialised; a
 *   non-empty directory without `layout.json` is refused too (it is not ours to write into).
 * - `emulator.lock` holds the pid of the emulator using the directory, created exclusively (`wx`).
 *   A second emulator (another process, or the same one) is refused while that pid lives; a lock
 *   left by a dead pid (a SIGKILL, a crash) is taken over. Released by `stop()` and by the exit hooks.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../postgres/lifecycle.js";
import { writeFileAtomicSync } from "./atomic-write.js";

/** Bumped whenever a file's meaning changes; an older or newer directory is refused, not migrated. */
export const DATA_DIR_LAYOUT = 1;
const LAYOUT_FILE = "layout.json";
export const LOCK_FILE = "emulator.lock";

/** A data directory that cannot be used: the message says why and what to do. */
export class DataDirError extends Error {
  override readonly name = "DataDirError";
}

/** Creates `dir` if needed and checks (or writes) its layout version. */
export function prepareLayout(dir: string): void {
  // 0755: when the emulator runs as root, PostgreSQL runs as `postgres` and must traverse it to reach
  // its clusters; secrets.json is 0600 on its own.
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  let text: string | undefined;
  try {
    text = readFileSync(join(dir, LAYOUT_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text === undefined) {
    const entries = readdirSync(dir).filter((name) => name !== LOCK_FILE);
    if (entries.length > 0) {
      throw new DataDirError(`${dir} is not empty and is not a lakebase emulator data directory (no ${LAYOUT_FILE}): give a new or empty directory`);
    }
    chmodSync(dir, 0o755);
    writeFileAtomicSync(join(dir, LAYOUT_FILE), `${JSON.stringify({ layout: DATA_DIR_LAYOUT })}\n`);
    return;
  }
  let layout: unknown;
  try {
    layout = (JSON.parse(text) as { layout?: unknown }).layout;
  } catch {
    layout = undefined;
  }
  if (layout !== DATA_DIR_LAYOUT) {
    throw new DataDirError(
      `${dir} was made by an emulator with data directory layout ${JSON.stringify(layout ?? "unknown")}; this one reads layout ${DATA_DIR_LAYOUT} only. ` +
        `Use the lakebase-sdk version that made it, or a new directory.`,
    );
  }
}

/** Takes the lock of `dir` for this process; throws DataDirError while another live emulator holds it. Returns the release. */
export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: "wx", mode: 0o644 });
      return () => {
        try {
          if (readFileSync(path, "utf8").trim() === String(process.pid)) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (error) {
      // EEXIST again after removing a stale lock: another emulator took it meanwhile, and is named below.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw error;
    }
    const holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    // The same pid counts as live: two emulators in one process would corrupt the directory as surely.
    if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || isAlive(holder))) {
      throw new DataDirError(`${dir} is in use by another lakebase emulator (pid ${holder}); stop it first, or give another --data-dir`);
    }
    rmSync(path, { force: true }); // stale: its emulator is gone
  }
}
