/**
 * Secrets out of error text: the values this process sent (remembered as they are sent) and any
 * value shaped like a credential. At the bottom of the stack so that the error builders in ops/
 * and the token providers in auth/ share one rule.
 */
import type { AccessToken } from "./token-provider.js";

export const REDACTED = "***";

/** How many recently used secrets are remembered for scrubbing (oldest forgotten first). */
const REMEMBERED_MAX = 16;
/** Shorter values are not remembered: replacing them would mangle ordinary words. */
const REMEMBERED_MIN_LENGTH = 8;
const remembered = new Set<string>();

/**
 * Remember a secret this process sent (a bearer token, a database credential) so that any server
 * text quoting it is scrubbed before it becomes part of an error. Keeps the last 16 values.
 */
export function rememberSecret(value: string | undefined): void {
  if (typeof value !== "string" || value.length < REMEMBERED_MIN_LENGTH) return;
  remembered.delete(value); // re-inserted below as the most recent
  remembered.add(value);
  if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.values().next().value as string);
}

/**
 * Credential shapes masked even when the value is unknown here: an `Authorization` value
 * (RFC 6750 §2.1 b64token after `Bearer`; RFC 7617 base64 after `Basic`, which carries a client
 * secret), a JWT (three base64url parts, the header starting `eyJ` = `{"`), and Databricks
 * personal access tokens (`dapi…`) and OAuth secrets (`dose…`).
 */
const SECRET_SHAPES: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi,
  /\bBasic\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}=*/gi,
  // No word boundary before these: a prefix such as `E_` or `token=` must not shelter the value.
  /eyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*/g,
  /(?<![A-Za-z0-9])dapi[A-Za-z0-9_-]{8,}/g,
  /(?<![A-Za-z0-9])dose[A-Za-z0-9]{16,}/g,
];

/**
 * `text` with every remembered secret, every given secret (of length ≥ 4) and every credential-shaped
 * value replaced, untruncated. `Bearer <token>` keeps the scheme word: `Bearer ***`.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is not left half-replaced.
  const known = [...secrets, ...remembered].filter((s): s is string => typeof s === "string" && s.length >= 4);
  for (const secret of known.sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const shape of SECRET_SHAPES) {
    out = out.replace(shape, (match) => {
      const scheme = /^(Bearer|Basic)\s+/i.exec(match);
      return scheme ? `${scheme[0]}${REDACTED}` : REDACTED;
    });
  }
  return out;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * An `AccessToken` whose `JSON.stringify` / `util.inspect` / `String()` forms hide the token.
 * Reading `accessToken` still gives the value.
 */
export function accessToken(token: string, expiresAt?: number): AccessToken {
  rememberSecret(token); // a server quoting it back in an error gets it scrubbed
  const value: AccessToken = expiresAt === undefined ? { accessToken: token } : { accessToken: token, expiresAt };
  const shown = () => (expiresAt === undefined ? { accessToken: REDACTED } : { accessToken: REDACTED, expiresAt });
  Object.defineProperties(value, {
    toJSON: { value: shown, enumerable: false },
    toString: { value: () => `AccessToken(${REDACTED})`, enumerable: false },
    [INSPECT]: { value: () => `AccessToken { accessToken: '${REDACTED}'${expiresAt === undefined ? "" : `, expiresAt: ${expiresAt}`} }`, enumerable: false },
  });
  return Object.freeze(value);
}
