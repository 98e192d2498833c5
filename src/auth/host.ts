/** Host classification and endpoint URL rules shared by the providers. */
import { normaliseHost } from "../client.js";
import { AuthConfigError } from "./errors.js";

export { normaliseHost };

/** Normalise `host` (https unless loopback) or throw an `AuthConfigError` naming the provider. */
export function requireHost(provider: string, host: string | undefined): string {
  if (host === undefined || host.trim() === "") throw new AuthConfigError(provider, "host is required");
  try {
    // Only scheme + authority matter for auth (paths and queries are dropped, as the SDKs do).
    return new URL(normaliseHost(host)).origin;
  } catch (error) {
    throw new AuthConfigError(provider, error instanceof Error ? error.message : String(error));
  }
}

/** `https://accounts.…` or `https://accounts-dod.…`: the account console, not a workspace. */
export function isAccountHost(host: string): boolean {
  return /^https:\/\/accounts(-dod)?\./i.test(host);
}

/** Azure Databricks workspace hosts. */
export function isAzureHost(host: string | undefined): boolean {
  return typeof host === "string" && /(\.azuredatabricks\.net|\.databricks\.azure\.cn|\.databricks\.azure\.us)(:\d+)?\/?$/i.test(host.replace(/\/+$/, ""));
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** True for `https:` URLs, and for `http:` only on loopback. Anything else must not receive a secret. */
export function isSafeUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.username || u.password) return false;
    return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.test(u.hostname));
  } catch {
    return false;
  }
}

/** True when the URL's host is `localhost`, `127.0.0.1` or `[::1]`. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Databricks on Google Cloud workspace hosts (`*.gcp.databricks.com`). */
export function isGcpHost(host: string | undefined): boolean {
  return typeof host === "string" && /\.gcp\.databricks\.com(:\d+)?\/?$/i.test(host.replace(/\/+$/, ""));
}
