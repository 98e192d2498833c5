/**
 * The U2M token cache holds a refresh token: the file is 0600 and its directory 0700 whatever the
 * umask, rewriting a looser file tightens it, and no temporary copy is left behind.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTokenFile, writeTokenFile } from "../../src/auth/node.js";

const dir = mkdtempSync(join(tmpdir(), "lakebase-token-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;
const token = { accessToken: "at-secret", refreshToken: "rt-secret", expiresAt: Date.now() + 60_000 };

describe.skipIf(process.platform === "win32")("token cache files", () => {
  it("are 0600 in a 0700 directory, even with umask 000", async () => {
    let previous: number | undefined;
    try {
      previous = process.umask(0);
    } catch {
      // worker threads cannot change the umask: the default one is tested then
    }
    try {
      const path = join(dir, "a", "b", "tokens.json");
      await writeTokenFile(path, token);
      expect(mode(path)).toBe(0o600);
      expect(mode(join(dir, "a", "b"))).toBe(0o700);
      expect(await readTokenFile(path)).toEqual(token);
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });

  it("rewriting a world-readable file leaves it 0600, with no temporary file behind", async () => {
    const path = join(dir, "loose.json");
    writeFileSync(path, "{}");
    chmodSync(path, 0o644);
    await writeTokenFile(path, token);
    expect(mode(path)).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.startsWith("loose"))).toEqual(["loose.json"]);
  });
});
