/**
 * `lakebase-sdk/emulator`: a local Lakebase Postgres API that serves real Postgres.
 *
 * ```ts
 * import { startEmulator } from "lakebase-sdk/emulator";
 * const emulator = await startEmulator();
 * const client = createLakebaseClient({ host: emulator.host, auth: emulator.token });
 * // … every operation of the spec, long-running operations that really run, real Postgres
 * await emulator.stop();
 * ```
 *
 * Node-only (HTTP server, child processes); never imported by the core entry. Listens on
 * 127.0.0.1 only.
 *
 * - Endpoint hosts look like the service's, `ep-….database.localhost:<port>`, when this machine
 *   resolves `*.localhost` to loopback, else `127.0.0.1:<port>` (`hostNames`, host-names.ts). They
 *   serve TLS with a certificate from a local CA (`caCertificate`) valid for either: connect with
 *   `ssl: { rejectUnauthorized: true, ca: emulator.caCertificate }` (or `sslmode=verify-full
 *   sslrootcert=<caCertificatePath>`), as to a real endpoint. Plaintext (`ssl: false`) stays accepted.
 * - Each project runs the Postgres major its `spec.pg_version` asks when an engine here has it, else
 *   the nearest one with a `Warning` header and a log line, or not at all with `strictVersions`
 *   (docs/api-behaviour.md#pg_version-in-the-emulator).
 * - `dataDir` keeps everything across restarts — resources, operations, the PAT and service
 *   principal, the CA, every branch's Postgres data — see data-dir/index.ts. Without it, everything
 *   lives in temp directories removed by stop().
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { EmulatorAuth } from "./auth.js";
import { CredentialStore } from "./credentials.js";
import { openDataDir, type DataDir } from "./data-dir/index.js";
import { restoreState, snapshotState } from "./data-dir/restore.js";
import { Faults, type FaultSettings } from "./faults.js";
import { chooseHostNames, type HostLookup, type HostNameChoice, type HostNameMode } from "./host-names.js";
import { OperationStore } from "./operations.js";
import { PageTokens } from "./pagination.js";
import { startVersionedPostgres, type EngineInfo, type EngineKind } from "./postgres/index.js";
import { createApiServer, type RequestRecord } from "./server.js";
import { Store, type EmulatorContext } from "./state.js";
import { createLocalCa } from "./tls/ca.js";
import { createDashboard, RequestLog, type Dashboard } from "./ui/index.js";

export interface EmulatorOptions {
  /** Port of the API on 127.0.0.1 (default: any free port). */
  readonly port?: number;
  /** The personal access token the emulator accepts (default: a random `dapi…`). */
  readonly token?: string;
  /** The user the PAT belongs to (default `emulator-user@example.com`). */
  readonly userName?: string;
  /** How long every long-running operation takes at least, in ms (default 300). */
  readonly operationLatencyMs?: number;
  /**
   * Postgres engines allowed (default: `LAKEBASE_EMULATOR_ENGINE`, else "auto"): "auto" uses every
   * system PostgreSQL major installed and PGlite (PostgreSQL 18), "system" or "pglite" only that one.
   * Each project runs the major its `spec.pg_version` asks (default 17) when one of these engines
   * has it, else the nearest one, with a `Warning` header and a log line (see `strictVersions`).
   */
  readonly engine?: "auto" | EngineKind;
  /** Refuse instead: a project whose `pg_version` no engine here runs fails its CreateProject operation, naming what to install (default false). */
  readonly strictVersions?: boolean;
  /** How long a suspended endpoint refuses connections while it wakes up, in ms (default 1000). */
  readonly wakeUpMs?: number;
  /** Lifetime of OAuth tokens from /oidc/v1/token, in seconds (default 3600). */
  readonly oauthTokenTtlSeconds?: number;
  /**
   * Scale to zero: an endpoint with no open connection for its `suspend_timeout_duration` is
   * suspended (IDLE) and wakes on the next connection. `timeScale` shrinks the durations (0.01
   * turns "300s" into 3 s); `false` turns it off. Default: on, at real durations.
   */
  readonly autoSuspend?: false | { readonly timeScale?: number };
  /** Initial fault injection settings. */
  readonly faults?: Partial<FaultSettings>;
  /**
   * Keep state and databases in this directory across restarts (created if missing): every API
   * resource, finished operations, the PAT and service principal, the CA, and each branch's
   * Postgres data; endpoints listen again on their old ports when free. One emulator at a time per
   * directory (a lock holds its pid). Default: none — everything lives in a temp directory removed by stop().
   */
  readonly dataDir?: string;
  /**
   * Endpoint host names: `"name"` publishes `ep-<uid>.database.localhost:<port>` (like the service's
   * `ep-….database.<region>.cloud.databricks.com`), `"ip"` publishes `127.0.0.1:<port>`, and `"auto"`
   * (default) uses names when this machine resolves `*.localhost` to loopback (probed at start), else IPs.
   */
  readonly hostNames?: HostNameChoice;
  /** Tests only: the resolver `"auto"` probes with (default: `dns.promises.lookup`, what pg and libpq use). */
  readonly hostLookup?: HostLookup;
  /**
   * The dashboard at `{host}/` (default true): branch trees, endpoints, operations, credentials,
   * recent requests and fault knobs, live. Its data takes the same token as the API (open
   * `emulator.dashboardUrl` + `#token=…`, or enter the token on the page). `false` (`--no-ui`) serves nothing at `/`.
   */
  readonly ui?: boolean;
  /** Postgres engine events and internal errors, one line each. */
  readonly log?: (message: string) => void;
  /**
   * Called once per answered API request (request logs). `path` has no query string, so never a
   * page token; no header is passed, so never a token. `durationMs` is fractional.
   */
  readonly onRequest?: (request: { method: string; path: string; status: number; durationMs: number }) => void;
}

export interface Emulator {
  /** Base URL of the API, e.g. `http://127.0.0.1:40123`. */
  readonly host: string;
  /** A personal access token accepted by the API. */
  readonly token: string;
  /** The user the token belongs to. */
  readonly userName: string;
  /** A service principal that gets OAuth tokens from `{host}/oidc/v1/token` (client credentials). */
  readonly servicePrincipal: { readonly clientId: string; readonly clientSecret: string };
  /** The engine of a project with the default `pg_version` (17): what a project runs on unless it asks another major. */
  readonly engine: EngineKind;
  /** Every engine this emulator may use, one per Postgres major, and whether it has started (engines start on first use). */
  readonly engines: readonly EngineInfo[];
  /** How endpoint hosts are published: `"name"` (`ep-….database.localhost:<port>`) or `"ip"` (`127.0.0.1:<port>`). */
  readonly hostNames: HostNameMode;
  /** The data directory (absolute) when state is kept across restarts, else undefined. */
  readonly dataDir: string | undefined;
  /**
   * PEM of the CA that signed the endpoints' TLS certificate (for `127.0.0.1`, `localhost` and
   * `*.database.localhost`; made at start, or kept in the data directory):
   * `createPool({ …, ssl: { rejectUnauthorized: true, ca: emulator.caCertificate } })`.
   */
  readonly caCertificate: string;
  /** The same CA certificate as a file (libpq's `sslrootcert`): in the temp directory, deleted by stop(); or `<dataDir>/ca.pem`, kept. */
  readonly caCertificatePath: string;
  /** The dashboard's address (`{host}/`), or undefined when started with `ui: false`. Add `#token=…` to open it signed in: the fragment never reaches the server. */
  readonly dashboardUrl: string | undefined;
  /**
   * An OAuth access token for another workspace user (made on first use; the same name is the
   * same user), as Databricks Apps forward a signed-in user's token: for per-user pools and
   * row-level security with several users. Give the user a Postgres role with the Roles API
   * (`identity_type: "USER"`, `postgres_role: userName`) before it connects.
   */
  userToken(userName: string, options?: { readonly ttlSeconds?: number }): string;
  /** Fault injection, changeable at run time. */
  readonly faults: Faults;
  /** Scale an endpoint to zero: it shows IDLE and refuses connections for `wakeUpMs` on the next attempt. */
  suspendEndpoint(name: string): void;
  /** Close every open Postgres connection of an endpoint (fault injection). */
  dropConnections(name: string): void;
  /** Expire every database credential issued so far (tests of rejection). */
  expireCredentials(): void;
  /** Runs SQL as superuser on a branch database (for seeding and checks in tests and demos). */
  query(branchName: string, database: string, sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Stops the API and every Postgres process (after running operations finish), saves the data directory if any, removes temp files. Idempotent. */
  stop(): Promise<void>;
  /** Host and engines only: the printed forms never show the token or the service principal's secret. */
  toString(): string;
  toJSON(): { host: string; engine: EngineKind; engines: readonly EngineInfo[]; token: "[redacted]" };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  // The lock first: a second emulator on the same directory is refused before it starts anything.
  const dataDir = options.dataDir === undefined ? undefined : openDataDir(options.dataDir);
  try {
    return await startWith(options, dataDir);
  } catch (error) {
    await dataDir?.close();
    throw error;
  }
}

async function startWith(options: EmulatorOptions, dataDir: DataDir | undefined): Promise<Emulator> {
  const log = options.log ?? (() => undefined);
  const now = () => Date.now();
  const engine = options.engine ?? (process.env.LAKEBASE_EMULATOR_ENGINE as EmulatorOptions["engine"]) ?? "auto";
  const hostNames = await chooseHostNames(options.hostNames ?? "auto", options.hostLookup);
  const kept = dataDir?.secrets;
  // Endpoints speak TLS like real ones. Without a data directory the CA's private key never leaves
  // createLocalCa(); with one, it is kept in the 0600 secrets file so that ca.pem stays valid.
  const ca = createLocalCa({ existing: kept?.ca });
  const backend = await startVersionedPostgres({ engine, log, tls: ca.server, strictVersions: options.strictVersions, dataDir: dataDir?.enginesDir });
  const caCertificatePath = dataDir ? dataDir.caPath : join(backend.tempDir, "ca.pem");
  const auth = new EmulatorAuth(
    {
      token: options.token ?? kept?.pat,
      userName: options.userName ?? kept?.userName,
      userId: kept?.userId,
      servicePrincipal: kept?.servicePrincipal,
      oauthTokenTtlSeconds: options.oauthTokenTtlSeconds,
    },
    now,
  );
  const faults = new Faults(options.faults);
  const latency = options.operationLatencyMs ?? 300;
  const ctx: EmulatorContext = {
    store: new Store(),
    backend,
    operations: new OperationStore(() => latency, faults),
    pages: new PageTokens(),
    credentials: new CredentialStore(now),
    faults,
    wakeUpMs: options.wakeUpMs ?? 1000,
    now,
    hostNames,
  };
  let saver: { changed(): void } | undefined;
  let server: ReturnType<typeof createApiServer>;
  const timeScale = options.autoSuspend === false ? undefined : options.autoSuspend?.timeScale ?? 1;
  const requests = new RequestLog();
  const dashboard: Dashboard | undefined =
    options.ui === false ? undefined : createDashboard({ ctx, auth, requests, engines: () => backend.engines(), autoSuspendScale: timeScale });
  try {
    if (dataDir) {
      await dataDir.writeCa(ca.certificate);
      const { servicePrincipal } = auth;
      await dataDir.keepSecrets({
        pat: auth.pat,
        userName: auth.user.userName,
        userId: auth.user.id,
        servicePrincipal: { clientId: servicePrincipal.id, clientSecret: servicePrincipal.clientSecret },
        ca: ca.exportIdentity(),
      });
      if (dataDir.state) await restoreState(ctx, auth, backend, dataDir.state, log);
      saver = dataDir.startSaving(() => snapshotState(ctx, auth, backend), log);
      ctx.operations.onSettled = () => saver?.changed();
    } else {
      await writeFile(caCertificatePath, ca.certificate, { mode: 0o644 });
    }
    // Every change to the state comes from a request other than GET, or from an operation finishing.
    const onRequest = (request: RequestRecord) => {
      if (request.method !== "GET") saver?.changed();
      if (dashboard) requests.add(request);
      options.onRequest?.(request);
    };
    server = createApiServer(ctx, auth, log, onRequest, dashboard);
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => (server.off("error", reject), resolve()));
      });
    // With a data dir, the API keeps its port across restarts when it is free, so the printed
    // DATABRICKS_HOST stays valid like the token and the CA (an explicit `port` always wins).
    const keptPort = options.port === undefined && dataDir ? readKeptPort(dataDir.dir) : undefined;
    try {
      await listen(options.port ?? keptPort ?? 0);
    } catch (error) {
      if (keptPort === undefined || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      log(`API port ${keptPort} of the data directory is in use: listening on another one (DATABRICKS_HOST changes)`);
      await listen(0);
    }
    if (dataDir) await writeFile(join(dataDir.dir, API_PORT_FILE), String((server.address() as AddressInfo).port));
  } catch (error) {
    await backend.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const listenerOf = (name: string) => {
    const listener = ctx.store.endpointRuntime.get(name)?.listener;
    if (!listener) throw new Error(`endpoint ${name} has no running listener`);
    return listener;
  };
  const autoSuspend = timeScale === undefined ? undefined : setInterval(() => suspendIdleEndpoints(ctx, timeScale), 200);
  autoSuspend?.unref();
  let stopping: Promise<void> | undefined;
  const versions = () => backend.engines().map((e) => `${e.engine} ${e.version ?? e.pgMajor}`).join(", ");
  const describe = () => `Emulator(${`http://127.0.0.1:${port}`}, ${backend.engine} Postgres; engines: ${versions()})`;
  return {
    // The token and the service principal's secret are credentials: never in its printed forms.
    toString: describe,
    toJSON: () => ({ host: `http://127.0.0.1:${port}`, engine: backend.engine, engines: backend.engines(), token: "[redacted]" }),
    [Symbol.for("nodejs.util.inspect.custom")]: describe,
    host: `http://127.0.0.1:${port}`,
    token: auth.pat,
    userName: auth.user.userName,
    servicePrincipal: { clientId: auth.servicePrincipal.id, clientSecret: auth.servicePrincipal.clientSecret },
    engine: backend.engine,
    get engines() {
      return backend.engines();
    },
    hostNames,
    dataDir: dataDir?.dir,
    caCertificate: ca.certificate,
    caCertificatePath,
    dashboardUrl: dashboard ? `http://127.0.0.1:${port}/` : undefined,
    faults,
    userToken: (userName, tokenOptions) => {
      const token = auth.issueUserToken(userName, tokenOptions?.ttlSeconds);
      saver?.changed();
      return token;
    },
    suspendEndpoint: (name) => listenerOf(name).suspend(),
    dropConnections: (name) => listenerOf(name).dropConnections(),
    expireCredentials: () => ctx.credentials.expireAll(),
    query: (branchName, database, sql, params) => backend.query(ctx.store.branch(branchName).uid, database, sql, params),
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(autoSuspend);
        dashboard?.close();
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await ctx.operations.settle();
        try {
          await backend.close();
        } finally {
          // Saved after the operations settled; unlocked only once the engines are down.
          await dataDir?.close();
        }
      })()),
  };
}

/** Suspends every endpoint idle for longer than its suspend_timeout_duration (× timeScale). */
function suspendIdleEndpoints(ctx: EmulatorContext, timeScale: number): void {
  const now = ctx.now();
  for (const endpoint of ctx.store.endpoints.values()) {
    const listener = ctx.store.endpointRuntime.get(endpoint.name)?.listener;
    const timeout = /^(\d+(?:\.\d+)?)s$/.exec(String(endpoint.status.suspend_timeout_duration ?? ""));
    if (!listener || listener.suspended || !timeout || listener.idleSince === undefined) continue;
    if (now - listener.idleSince >= Number(timeout[1]) * 1000 * timeScale) listener.suspend();
  }
}

export type { FaultSettings } from "./faults.js";
export type { EngineInfo, EngineKind } from "./postgres/index.js";
export type { HostLookup, HostNameChoice, HostNameMode } from "./host-names.js";
export { DataDirError } from "./data-dir/index.js";

/** The data directory's file holding the API port of the last run. */
const API_PORT_FILE = "api-port";

function readKeptPort(dir: string): number | undefined {
  try {
    const port = Number(readFileSync(join(dir, API_PORT_FILE), "utf8").trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}
