/**
 * The debug logger: one line per event (events.ts), `lakebase-sdk {"type":"request",…}` — the
 * event as JSON, already redacted by whoever built it, so a line never breaks and a log pipeline
 * can parse it. Strings inside a value (a body, an error) are cut to `truncate` characters, as the
 * Databricks SDKs cut logged bodies (`DATABRICKS_DEBUG_TRUNCATE_BYTES`, default 96; README, "Client
 * options", `debug`).
 */
import type { LakebaseEventListener } from "./events.js";

export function debugListener(write: (line: string) => void, truncate: number): LakebaseEventListener {
  return (event) =>
    write(
      `lakebase-sdk ${JSON.stringify(event, function (this: unknown, _key, value: unknown) {
        return this !== event && typeof value === "string" && value.length > truncate ? `${value.slice(0, truncate)}… (${value.length} chars)` : value;
      })}`,
    );
}
