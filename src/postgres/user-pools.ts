/**
 * Per-user pools (on-behalf-of): Databricks Apps with user authorization forward the signed-in
 * user's token in `x-forwarded-access-token`; a pool that mints its database credentials with that
 * token connects as the user's own Postgres role, so grants and row-level security apply to the
 * user, not to the app's service principal (docs/auth.md#databricks-apps). AppKit's `asUser(req)`.
 */
import { createHash } from "node:crypto";
import { processEnv } from "../auth/pat.js";
import { createCoreClient, type LakebaseClientOptions } from "../client/core.js";
import { currentUser } from "../client/current-user.js";
import { rememberSecret } from "../ops/redact.js";
import { createPool, type LakebasePool, type PoolOptions } from "./pool.js";

/**
 * The header Databricks Apps put the signed-in user's token in (with user authorization on).
 *
 * @example
 * const token = req.headers[FORWARDED_TOKEN_HEADER]; // what `pools.asUser(req)` reads
 */
export const FORWARDED_TOKEN_HEADER = "x-forwarded-access-token";

export interface UserPoolsOptions extends Omit<PoolOptions, "client" | "user" | "password" | "groupName"> {
  /** The workspace the users' tokens are for (default: `DATABRICKS_HOST`). */
  readonly host?: string;
  /** Options of each user's API client (`fetch`, `retry`, `timeoutMs`, `userAgent`, …). */
  readonly clientOptions?: Omit<LakebaseClientOptions, "host" | "auth">;
  /** At most this many user pools open at once; the least recently used is ended first (default 50). */
  readonly maxPools?: number;
  /** A user pool unused this long, with no connection checked out, is ended (default 5 minutes). */
  readonly idleMs?: number;
}

/** A request whose headers carry the forwarded token: Node's `IncomingMessage`, Express, or a fetch `Request`. */
export interface RequestWithHeaders {
  readonly headers: { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface UserPools {
  /** The pool that connects as the owner of `token` (a user's workspace OAuth token): made on first use, then reused. */
  forUser(token: string): Promise<LakebasePool>;
  /** `forUser` with the token Databricks Apps forwarded in `x-forwarded-access-token`. */
  asUser(request: RequestWithHeaders): Promise<LakebasePool>;
  /** How many user pools are open. */
  readonly size: number;
  /** Ends every user pool; `forUser` refuses afterwards. */
  end(): Promise<void>;
}

interface Entry {
  pool: Promise<LakebasePool>;
  opened?: LakebasePool;
  lastUsed: number;
  /** Order of creation: of two tokens of one user, the later one's pool is kept. */
  readonly serial: number;
}

/** A user pool per token owner: few connections each, closed when idle (AppKit's defaults). */
const USER_POOL_DEFAULTS = { max: 3, allowExitOnIdle: true, idleTimeoutMillis: 30_000 } as const;

/** What a pool is known by: a hash, so the map's keys are no credential even if dumped or logged. */
function fingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function forwardedToken(request: RequestWithHeaders): string | undefined {
  const headers = request.headers as { get?: unknown } & Record<string, unknown>;
  const value = typeof headers.get === "function" ? (headers.get as (name: string) => string | null)(FORWARDED_TOKEN_HEADER) : headers[FORWARDED_TOKEN_HEADER];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}


/**
 * Pools that authenticate as the users whose tokens they are given: keyed by a token fingerprint,
 * replaced when a user's token changes (the old pool ends once its connections are released),
 * ended when idle, at most `maxPools` at once (least recently used first), all ended by `end()`.
 * Each pool asks the workspace who the token belongs to (SCIM Me) and connects as that role.
 *
 * @example
 * const pools = createUserPools({ endpoint: process.env.LAKEBASE_ENDPOINT });
 * app.get("/notes", async (req, res) => {
 *   const pool = await pools.asUser(req); // the signed-in user's role: row-level security applies
 *   res.json((await pool.query("select * from notes")).rows);
 * });
 * process.on("SIGTERM", () => pools.end());
 */
export function createUserPools(options: UserPoolsOptions = {}): UserPools {
  const { host = processEnv().DATABRICKS_HOST, clientOptions, maxPools = 50, idleMs = 300_000, ...poolOptions } = options;
  const entries = new Map<string, Entry>(); // by fingerprint, least recently used first
  const keyOfUser = new Map<string, string>(); // Postgres user → fingerprint of its current token
  const ending = new Set<Promise<void>>();
  let ended = false;
  let serial = 0;

  const retire = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    const closing = entry.pool.then((pool) => pool.end()).catch(() => undefined);
    ending.add(closing);
    void closing.finally(() => ending.delete(closing));
  };

  const open = async (token: string, key: string, entry: Entry): Promise<LakebasePool> => {
    if (!host) throw new TypeError("host is required: pass host, or set DATABRICKS_HOST (Databricks Apps set it)");
    const client = createCoreClient({ workspaceId: processEnv().DATABRICKS_WORKSPACE_ID, ...clientOptions, host, auth: token });
    const { userName } = await currentUser(client);
    // The same user with a new token (tokens are refreshed): the pool of the old one goes. Two
    // tokens of one user opening at once: whichever was asked for last is the current one.
    const previous = keyOfUser.get(userName);
    const previousSerial = previous === undefined ? -1 : entries.get(previous)?.serial ?? -1;
    if (previousSerial < entry.serial) {
      if (previous !== undefined && previous !== key) retire(previous);
      keyOfUser.set(userName, key);
    }
    const pool = await createPool({ ...poolOptions, client, user: userName, pool: { ...USER_POOL_DEFAULTS, ...poolOptions.pool } });
    entry.opened = pool;
    pool.on("acquire", () => (entry.lastUsed = Date.now()));
    return pool;
  };

  const sweepIdle = () => {
    const cutoff = Date.now() - idleMs;
    for (const [key, { opened, lastUsed }] of entries) {
      const busy = !opened || opened.totalCount > opened.idleCount || opened.waitingCount > 0;
      if (lastUsed <= cutoff && !busy) retire(key);
    }
  };
  const sweeper = setInterval(sweepIdle, Math.max(10, Math.min(idleMs / 2, 60_000)));
  sweeper.unref?.();

  const forUser = (token: string): Promise<LakebasePool> => {
    if (ended) return Promise.reject(new Error("these user pools were ended"));
    if (typeof token !== "string" || token === "") return Promise.reject(new TypeError("a user token is required"));
    const key = fingerprint(token);
    let entry = entries.get(key);
    if (entry) entries.delete(key); // re-inserted below: most recently used last
    else {
      rememberSecret(token); // scrubbed from any error text that quotes it
      const made = { lastUsed: 0, serial: serial++ } as Entry;
      made.pool = open(token, key, made);
      // A pool that could not be made is forgotten: the next call tries again.
      made.pool.catch(() => entries.get(key) === made && entries.delete(key));
      entry = made;
    }
    entry.lastUsed = Date.now();
    entries.set(key, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= maxPools) break;
      retire(oldest);
    }
    return entry.pool;
  };

  return {
    forUser,
    asUser(request) {
      const token = forwardedToken(request);
      if (!token) return Promise.reject(new Error(`the request has no ${FORWARDED_TOKEN_HEADER} header: turn on user authorization for the app`));
      return forUser(token);
    },
    get size() {
      return entries.size;
    },
    async end() {
      ended = true;
      clearInterval(sweeper);
      for (const key of [...entries.keys()]) retire(key);
      await Promise.all(ending);
    },
  };
}
