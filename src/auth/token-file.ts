/**
 * The U2M token cache file: `{"token": {access_token, token_type, expiry, refresh_token}}`,
 * directory 0700, file 0600, written atomically (temporary file created 0600, then renamed), so a
 * reader never sees half a file and the refresh token is never world-readable. Node-only.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { randomUrlSafe, sha256Hex } from "./pkce.js";

/** What is kept between runs. */
export interface StoredToken {
  readonly accessToken: string;
  readonly expiresAt?: number;
  readonly refreshToken?: string;
}

/**
 * The default cache path: `~/.config/lakebase-sdk/oauth/<sha256(host, client id, scopes, profile)>.json`
 * — this SDK's own file, never the Databricks CLI's store.
 */
export async function defaultTokenCachePath(key: { host: string; clientId: string; scopes: readonly string[]; profile?: string }, home = homedir()): Promise<string> {
  const hash = await sha256Hex(JSON.stringify({ host: key.host, client_id: key.clientId, scopes: key.scopes, profile: key.profile ?? null }));
  return join(home, ".config", "lakebase-sdk", "oauth", `${hash}.json`);
}

/** Read a cache file; undefined when absent or unreadable (a corrupt cache just means "log in again"). */
export async function readTokenFile(path: string): Promise<StoredToken | undefined> {
  try {
    const body = JSON.parse(await readFile(path, "utf8")) as { token?: Record<string, unknown> };
    const t = body?.token;
    if (!t || typeof t.access_token !== "string") return undefined;
    const expiry = typeof t.expiry === "string" ? Date.parse(t.expiry) : NaN;
    return {
      accessToken: t.access_token,
      ...(Number.isNaN(expiry) ? {} : { expiresAt: expiry }),
      ...(typeof t.refresh_token === "string" && t.refresh_token ? { refreshToken: t.refresh_token } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Write a cache file atomically with mode 0600 (its directory 0700). */
export async function writeTokenFile(path: string, token: StoredToken): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const body = JSON.stringify(
    {
      token: {
        access_token: token.accessToken,
        token_type: "Bearer",
        ...(token.expiresAt !== undefined ? { expiry: new Date(token.expiresAt).toISOString() } : {}),
        ...(token.refreshToken ? { refresh_token: token.refreshToken } : {}),
      },
    },
    null,
    2,
  );
  const temp = `${path}.${randomUrlSafe(6)}.tmp`;
  try {
    await writeFile(temp, body, { mode: 0o600, flag: "wx" });
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
