/**
 * Crash-safe file replacement for the data directory: the new content goes to a temp file beside
 * the target, is flushed to disk, then renamed over it. A rename within one directory is atomic
 * on POSIX file systems, so a reader (or the next start after a crash) sees either the old file
 * or the new one, never half of one.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";

const tempName = (path: string) => `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;

/** Writes `content` to `path` by temp file + fsync + rename; `mode` applies from the first byte (secrets: 0o600). */
export async function writeFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const temp = tempName(path);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/** The same, synchronously (for the last write from an exit hook, where nothing async runs). */
export function writeFileAtomicSync(path: string, content: string, mode = 0o644): void {
  const temp = tempName(path);
  try {
    const fd = openSync(temp, "wx", mode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
