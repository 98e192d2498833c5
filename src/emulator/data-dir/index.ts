/**
 * `startEmulator({ dataDir })` / `--data-dir DIR`: the emulator keeps its state and every branch's
 * Postgres data in DIR, so a stop and a start on the same directory find everything again. Without
 * it, everything lives in temp directories removed on stop, as before. The files are listed in
 * saved-files.ts; the version check and the lock in layout.ts.
 *
 * A start on a directory: layout check → lock → secrets (PAT, service principal, CA) read or made
 * → the engines serve each saved branch again (`VersionedBackend.restore`) → the Store, operations,
 * credentials and OAuth tokens are loaded → each endpoint of a live branch listens again, on its
 * old port when free (`status.hosts` follows when not). The state file is saved after each change
 * (StateWriter), on stop, and from the exit hooks (Ctrl-C, `process.exit()`); the lock is released
 * the same ways. An operation still running when the process died is finished as failed (ABORTED)
 * on the next start — a clean stop waits for every operation first, so only a kill leaves one.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { track, untrack, type Reapable } from "../postgres/lifecycle.js";
import { writeFileAtomic } from "./atomic-write.js";
import { acquireLock, prepareLayout } from "./layout.js";
import { CA_FILE, ENGINES_DIR, readSecrets, readState, STATE_FILE, writeSecrets, type KeptSecrets, type SavedState } from "./saved-files.js";
import { StateWriter } from "./state-writer.js";

export { DATA_DIR_LAYOUT, DataDirError } from "./layout.js";
export type { KeptSecrets, SavedState } from "./saved-files.js";

export interface DataDir {
  /** The directory, absolute. */
  readonly dir: string;
  /** What an earlier start kept (undefined on the first start). */
  readonly secrets: KeptSecrets | undefined;
  readonly state: SavedState | undefined;
  /** `ca.pem`, the same file across restarts. */
  readonly caPath: string;
  /** The engines' data root (`PostgresBackendOptions.dataDir`). */
  readonly enginesDir: string;
  keepSecrets(secrets: KeptSecrets): Promise<void>;
  writeCa(pem: string): Promise<void>;
  /** Saves `snapshot()` after each `changed()`, on `close()` and from the exit hooks. */
  startSaving(snapshot: () => SavedState, log: (message: string) => void): { changed(): void };
  /** Last save, then the lock is released. Idempotent. */
  close(): Promise<void>;
}

/** Opens (or initialises) a data directory for this process; throws DataDirError when it cannot be used. */
export function openDataDir(path: string): DataDir {
  const dir = resolve(path);
  prepareLayout(dir);
  const release = acquireLock(dir);
  let writer: StateWriter | undefined;
  const hook: Reapable = {
    // Ctrl-C, process.exit(), an uncaught exception: the last state, then the lock.
    reapSync() {
      try {
        writer?.flushSync();
      } finally {
        release();
      }
    },
  };
  track(hook);
  let secrets: KeptSecrets | undefined;
  let state: SavedState | undefined;
  try {
    secrets = readSecrets(dir);
    state = readState(dir);
    mkdirSync(join(dir, ENGINES_DIR), { recursive: true, mode: 0o755 });
  } catch (error) {
    untrack(hook);
    release();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    dir,
    secrets,
    state,
    caPath: join(dir, CA_FILE),
    enginesDir: join(dir, ENGINES_DIR),
    keepSecrets: (kept) => writeSecrets(dir, kept),
    writeCa: (pem) => writeFileAtomic(join(dir, CA_FILE), pem, 0o644),
    startSaving(snapshot, log) {
      writer = new StateWriter(join(dir, STATE_FILE), snapshot, log);
      const saving = writer;
      return { changed: () => saving.schedule() };
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await writer?.flush();
        } finally {
          untrack(hook);
          release();
        }
      })()),
  };
}
