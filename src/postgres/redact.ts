/**
 * Keeping the database credential out of `util.inspect(pool, { showHidden: true })`.
 *
 * pg's Client resolves a password function once, during connection start-up, and then keeps the
 * string as a non-enumerable own property (`client.password`, `client.connectionParameters.password`,
 * see node_modules/pg/lib/client.js `_getPassword`). Non-enumerable hides it from plain
 * `console.log`, not from `showHidden`.
 *
 * pg reads those properties only while authenticating (cleartext, MD5 and SCRAM handlers); a Client
 * never authenticates twice (it cannot reconnect). So once the pool reports a client connected, the
 * string is replaced by a function: pg would call it if it ever asked again, and every string form
 * shows `[Function: password]`, never the value.
 */
import type pg from "pg";
import { rememberSecret } from "../auth/secrets.js";

type PasswordOption = string | (() => string | Promise<string>) | undefined;

function closure(used: string): () => string {
  return function password() {
    return used;
  };
}

function poolOptions(pool: pg.Pool): { password?: PasswordOption } | undefined {
  return (pool as unknown as { options?: { password?: PasswordOption } }).options;
}

/** What stands in for a used password: the pool's own function when it has one (fresh credentials). */
function standIn(pool: pg.Pool, used: string): () => string | Promise<string> {
  const configured = poolOptions(pool)?.password;
  return typeof configured === "function" ? configured : closure(used);
}

function replace(owner: object | undefined, value: () => string | Promise<string>): void {
  if (!owner || typeof (owner as { password?: unknown }).password !== "string") return;
  // Same shape as pg's own definition (non-enumerable, writable), so pg can still assign to it.
  Object.defineProperty(owner, "password", { value, enumerable: false, writable: true, configurable: true });
}

/**
 * After each new connection of `pool`, drop the resolved password string from the client (and from
 * its connection parameters); a string password in the pool's options becomes a function too. The
 * value is also remembered for scrubbing server echoes in errors. Call once per pool, right after
 * constructing it.
 */
export function hideConnectionPasswords(pool: pg.Pool): void {
  // A pool given a plain string keeps it in its options (pg-pool hides it only from enumeration).
  const options = poolOptions(pool);
  if (typeof options?.password === "string") replace(options, closure(options.password));
  pool.on("connect", (client) => {
    const used = (client as unknown as { password?: unknown }).password;
    if (typeof used !== "string") return;
    rememberSecret(used);
    const value = standIn(pool, used);
    replace(client, value);
    replace((client as unknown as { connectionParameters?: object }).connectionParameters, value);
  });
}
