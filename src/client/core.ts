import { toTokenProvider } from "../ops/token-provider.js";
import type { CallContext, RequestInfo, SchemaSet } from "../ops/call.js";
import { CONTEXT, type Lakebase } from "../ops/context.js";
import type { FetchLike, RetryOptions } from "../ops/retry.js";
import { createTransport } from "../ops/transport.js";
import type { LakebaseEventListener } from "../ops/events.js";
import { eventSinkOf } from "./observe.js";
import { userAgent } from "../ops/user-agent.js";
import type { AuthOption } from "../ops/token-provider.js";

export interface LakebaseClientOptions {
  /** The workspace URL, e.g. `https://my-workspace.cloud.databricks.com`. Must be https unless loopback. */
  readonly host: string;
  /** A token provider (`{ getToken() }`) or a static token such as a PAT. */
  readonly auth: AuthOption;
  /** A fetch implementation; defaults to the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Retry policy for throttling and transient failures, or `false` to disable retries. */
  readonly retry?: RetryOptions | false;
  /**
   * Timeout of one HTTP attempt in milliseconds (default 60 000), from asking for the token to the
   * last byte of the body; a timed-out attempt is cancelled and, for a safe method, retried. `0`
   * (or `Infinity`) sets none: the caller's `signal` is then the only bound. A timeout costs a
   * signal the runtime's `fetch` follows (≈ 20 µs of CPU per request on Node 20, `npm run bench`).
   */
  readonly timeoutMs?: number;
  /** Your product, appended to the User-Agent: `my-tool/1.2.3`. */
  readonly userAgent?: string;
  /** Sent as `X-Databricks-Workspace-Id` for unified-host routing. */
  readonly workspaceId?: string | number;
  /**
   * Validate every response against the spec's zod schemas. `true` loads `lakebase-sdk/schemas`
   * (and zod) at run time on first use; in a bundled edge deployment pass the schemas instead:
   * `import { schemas } from "lakebase-sdk/schemas"; createLakebaseClient({ validateResponses: schemas, … })`.
   * The core never imports zod itself, so a bundle without validation carries none of it.
   */
  readonly validateResponses?: boolean | SchemaSet;
  /**
   * One listener for everything the client does, told apart by `event.type`: `request` and
   * `response` (status, request id, ms, attempts) per API call, `retry` (reason, delay, budget
   * left), `poll` (every poll of an operation or readiness wait), `page` (every page of a list
   * walk) and `token_refresh` (the SDK's refreshable providers). Events carry no token, secret,
   * `Authorization` header, page token or credential value; bodies only with `includeBodies`,
   * redacted. What the listener throws is caught and dropped:
   * it never breaks a call. With no listener (and no debug logger) no event is built at all.
   *
   * @example
   * createLakebaseClient({
   *   host, auth,
   *   onEvent: (e) => {
   *     if (e.type === "response") metrics.histogram("lakebase.ms", e.durationMs, { op: e.operationId, status: e.status });
   *     if (e.type === "retry") log.warn(`${e.operationId} retry ${e.attempt}: ${e.reason}, in ${e.delayMs} ms`);
   *   },
   * });
   */
  readonly onEvent?: LakebaseEventListener;
  /**
   * A debug log of every event, one redacted line each: `true` writes to `console.error`
   * (stderr), a function is given each line, `false` stays silent even when the environment says
   * otherwise. When not given, `LAKEBASE_SDK_DEBUG=1` switches it on (`=body` also logs bodies).
   * A line is `lakebase-sdk ` and the event as JSON; strings inside a body are cut to
   * `DATABRICKS_DEBUG_TRUNCATE_BYTES` characters (default 96), as in the Databricks SDKs.
   */
  readonly debug?: boolean | ((line: string) => void);
  /**
   * Put request and response bodies in `request`/`response` events (and debug lines), parsed when
   * JSON, with secret-named fields (`token`, `*_secret`, `password`, `*page_token`, …) masked and
   * credential-shaped strings scrubbed. Default false (true with `LAKEBASE_SDK_DEBUG=body`).
   */
  readonly includeBodies?: boolean;
  /**
   * Called before each API method is sent: operation id, verb and path template only (no headers,
   * no body). A thin alias of `onEvent` kept for existing code: the `request` event reduced to
   * those three fields; like every listener, what it throws is ignored.
   * @deprecated Use `onEvent` and its `request` event (same fields, plus the call id and URL).
   */
  readonly onRequest?: (info: RequestInfo) => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The smallest client: no methods of its own, the argument of every generated function
 * (`listBranches(core, "projects/p")`), so a bundle carries only the operations it calls.
 * `createLakebaseClient()` is this plus a method per operation.
 */
export function createCoreClient(options: LakebaseClientOptions): Lakebase {
  const baseUrl = normaliseHost(options.host);
  const events = eventSinkOf(options);
  const tokenProvider = toTokenProvider(options.auth);
  const transport = createTransport({
    // A credential with headers besides Authorization (Azure, GCP, unified hosts) wraps the fetch:
    // docs/auth.md#secondary-headers.
    fetch: (tokenProvider as { wrapFetch?: (f?: FetchLike) => FetchLike }).wrapFetch?.(options.fetch) ?? options.fetch,
    tokenProvider,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: options.retry ?? {},
    onRefresh: events,
  });
  const headers: Record<string, string> = {
    Accept: "application/json",
    "User-Agent": userAgent(options.userAgent),
  };
  if (options.workspaceId !== undefined && options.workspaceId !== "") {
    headers["X-Databricks-Workspace-Id"] = String(options.workspaceId);
  }
  const ctx: CallContext = { baseUrl, transport, headers, loadSchemas: schemaLoader(options.validateResponses), events };
  const core = { host: baseUrl, toString: () => `LakebaseClient(${baseUrl})` };
  // Not enumerable: a client logged or spread shows its host, not its transport.
  Object.defineProperty(core, CONTEXT, { value: ctx, enumerable: false });
  return core as Lakebase;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** `https://` always, except for loopback (the emulator and tests): a bearer token never travels in clear. */
export function normaliseHost(host: string): string {
  if (typeof host !== "string" || host.trim() === "") {
    throw new TypeError("host is required, e.g. https://my-workspace.cloud.databricks.com");
  }
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `https://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`host is not a URL: ${host}`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.test(url.hostname))) {
    throw new TypeError(`host must use https:// (plain http is allowed only for loopback addresses): ${url.origin}`);
  }
  if (url.username || url.password) throw new TypeError("host must not carry credentials");
  // Every path of the spec starts with /api/2.0/…: a host copied with (part of) that prefix is
  // the same workspace, not a base to put a second prefix under.
  return url.origin + url.pathname.replace(/\/+$/, "").replace(/\/api(\/2\.0(\/postgres)?)?$/i, "");
}

/**
 * The specifier is a variable on purpose: bundlers leave the import alone, so zod never lands in
 * the core bundle; Node resolves the package's own `./schemas` export at run time.
 */
const SCHEMAS_MODULE = "lakebase-sdk/schemas";

function schemaLoader(option: boolean | SchemaSet | undefined): (() => Promise<SchemaSet>) | undefined {
  if (!option) return undefined;
  if (option !== true) return () => Promise.resolve(option);
  let loading: Promise<SchemaSet> | undefined;
  return () =>
    (loading ??= import(/* @vite-ignore */ /* webpackIgnore: true */ SCHEMAS_MODULE).then(
      (mod: { schemas: SchemaSet }) => mod.schemas,
      (cause: unknown) => {
        loading = undefined;
        throw new TypeError(
          `validateResponses: true could not load ${SCHEMAS_MODULE}; pass the schemas instead (import { schemas } from "${SCHEMAS_MODULE}")`,
          { cause },
        );
      },
    ));
}

