/**
 * Keeping secrets out of strings: scrubbing server text before it goes into an error, and giving
 * provider objects string forms (`toString`, `util.inspect`, `JSON.stringify`) that show no secret.
 */
import { accessToken, REDACTED, redactSecrets, rememberSecret } from "../ops/redact.js";

export { accessToken, REDACTED, redactSecrets, rememberSecret };

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Replace every occurrence of each secret (of length ≥ 4) in `text` with `***`, then cut the result
 * to `maxLength` characters. Used on any text a server or the CLI sent back before it is put in an error.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[], maxLength = 300): string {
  const out = redactSecrets(text, secrets);
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

/**
 * Give a provider object string forms that show only its name and non-secret facts such as the host.
 * Returns the same object.
 */
export function describeProvider<T extends object>(provider: T, label: string, facts: Record<string, string | undefined> = {}): T {
  const shown = Object.entries(facts)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const text = `${label}(${shown})`;
  Object.defineProperties(provider, {
    toString: { value: () => text, enumerable: false, configurable: true },
    toJSON: { value: () => ({ provider: label, ...Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) }), enumerable: false, configurable: true },
    [INSPECT]: { value: () => text, enumerable: false, configurable: true },
  });
  return provider;
}
