/**
 * What an event may show of a request: the rule of redact.ts (remembered secrets and credential
 * shapes) plus the names that hold credentials, so that a database credential's `token`, an OAuth
 * `access_token` or `client_secret`, a `page_token`/`next_page_token` or a cookie is masked even
 * when its value has no recognisable shape.
 */
import { REDACTED, redactSecrets } from "./redact.js";

/** Field names whose values are credentials or page tokens. */
const SECRET_NAME = /token|secret|password|credential|authorization|cookie|api[-_]?key/i;

/** A JSON body with secret-named fields masked and every string scrubbed; text that is not JSON, scrubbed. */
export function redactBody(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => (SECRET_NAME.test(key) ? REDACTED : typeof value === "string" ? redactSecrets(value) : value));
  } catch {
    return redactSecrets(text);
  }
}

/** The URL with the page token's value masked: a stored token resumes a walk, so it is a credential of sorts. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]page_token=)[^&#]*/g, `$1${REDACTED}`);
}

/** `"<ErrorClass>: <message>"` of a thrown value (Error's own string form), scrubbed. */
export function errorLabel(error: unknown): string {
  return redactSecrets(String(error));
}
