/**
 * PKCE (RFC 7636, S256) and `state` values from Web Crypto (`globalThis.crypto`), so this works in
 * any runtime with Web Crypto (Node ≥ 20, browsers, workers).
 */

/** base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `byteLength` random bytes, base64url-encoded. */
export function randomUrlSafe(byteLength: number): string {
  return base64Url(globalThis.crypto.getRandomValues(new Uint8Array(byteLength)));
}

/** base64url(SHA-256(ascii(verifier))): the S256 code challenge. */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A fresh PKCE pair: a 43-character verifier (32 random bytes) and its S256 challenge. */
export async function createPkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomUrlSafe(32);
  return { verifier, challenge: await codeChallenge(verifier) };
}

/** Lower-case hex SHA-256 of a string (used for cache file names). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
