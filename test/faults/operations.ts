import { oauthM2MCredentials } from "../../src/auth/index.js";
import * as sdk from "../../src/index.js";
import { databaseCredentialProvider } from "../../src/postgres/credential-provider.js";
import { RETRY, SLACK_MS, TIMEOUT_MS, TOKEN_RETRY, WAIT, WAIT_SLACK_MS } from "./config.js";
import type { SeenRequest } from "./fault-server.js";
import { ALL_BRANCHES, API, BRANCH, ENDPOINT, OPERATION, PAGE_SIZE, PROJECT, TOKEN_PATH } from "./fixtures.js";

export type OpId = "get" | "list" | "create" | "update" | "delete" | "wait" | "token" | "cred";
/** Which expectations of a fault apply: reads are retried, mutations never re-sent after receipt. */
export type OpGroup = "read" | "mutation" | "wait" | "token";

/** What an operation class gets from its cell. */
export interface RunEnv {
  readonly url: string;
  /** Called right before the request the fault targets (the refused fault stops the server here). */
  arm(): Promise<void>;
  /** Items a list walk yielded, kept even when the walk later fails. */
  readonly collected: string[];
  /** The fetch every client and provider of the cell uses: it records when each request leaves. */
  readonly fetch: (request: Request) => Promise<Response>;
}

export interface OpClass {
  readonly id: OpId;
  readonly group: OpGroup;
  /** Whether the fault hits this request (later requests of other routes stay healthy). */
  isTarget(req: SeenRequest): boolean;
  /** A request the server may act on: it must arrive exactly once when the server may have done the work. */
  readonly mutation?: { readonly method: string; readonly path: string; readonly alwaysOnce?: boolean };
  run(env: RunEnv): Promise<unknown>;
  /** A problem with a successful result, or undefined when it is the right one. */
  check(result: unknown): string | undefined;
  /** The time the cell must settle within. */
  readonly boundMs: number;
}

const client = (env: RunEnv) => sdk.createLakebaseClient({ host: env.url, auth: "t", fetch: env.fetch, timeoutMs: TIMEOUT_MS, retry: { ...RETRY } });
const is = (method: string, path: string) => (req: SeenRequest) => req.method === method && req.path === path;
const nameIs = (want: string) => (result: unknown) =>
  (result as { name?: unknown } | undefined)?.name === want ? undefined : `result name ${JSON.stringify((result as { name?: unknown })?.name)}, want ${want}`;
/** Retried calls: every attempt may take TIMEOUT_MS, all inside the retry budget. */
const RETRIED_BOUND = RETRY.budgetMs + TIMEOUT_MS + SLACK_MS;

const get: OpClass = {
  id: "get",
  group: "read",
  isTarget: is("GET", `${API}/${PROJECT}`),
  async run(env) {
    await env.arm();
    return client(env).projects.get(PROJECT);
  },
  check: nameIs(PROJECT),
  boundMs: RETRIED_BOUND,
};

const list: OpClass = {
  id: "list",
  group: "read",
  // Page 2: the walk is already under way, which is where a lost or repeated item would hide.
  isTarget: (req) => is("GET", `${API}/${PROJECT}/branches`)(req) && req.query.get("page_token") === `page-${PAGE_SIZE}`,
  async run(env) {
    for await (const branch of client(env).branches.list(PROJECT)) {
      env.collected.push(branch.name ?? "(unnamed)");
      if (env.collected.length === PAGE_SIZE) await env.arm();
    }
    return env.collected;
  },
  check: (result) => (JSON.stringify(result) === JSON.stringify(ALL_BRANCHES) ? undefined : "walk differs from the server's list"),
  boundMs: RETRIED_BOUND,
};

const submittedName = nameIs(OPERATION);

const create: OpClass = {
  id: "create",
  group: "mutation",
  isTarget: is("POST", `${API}/${PROJECT}/branches`),
  mutation: { method: "POST", path: `${API}/${PROJECT}/branches` },
  async run(env) {
    await env.arm();
    return client(env).branches.create(PROJECT, "dev", { spec: { no_expiry: true } }).submitted();
  },
  check: submittedName,
  boundMs: RETRIED_BOUND,
};

const update: OpClass = {
  id: "update",
  group: "mutation",
  isTarget: is("PATCH", `${API}/${BRANCH}`),
  mutation: { method: "PATCH", path: `${API}/${BRANCH}` },
  async run(env) {
    await env.arm();
    return client(env).branches.update(BRANCH, { spec: { is_protected: false } }).submitted();
  },
  check: submittedName,
  boundMs: RETRIED_BOUND,
};

const del: OpClass = {
  id: "delete",
  group: "mutation",
  isTarget: is("DELETE", `${API}/${BRANCH}`),
  mutation: { method: "DELETE", path: `${API}/${BRANCH}` },
  async run(env) {
    await env.arm();
    return client(env).branches.delete(BRANCH).submitted();
  },
  check: submittedName,
  boundMs: RETRIED_BOUND,
};

const wait: OpClass = {
  id: "wait",
  group: "wait",
  // The create is healthy; the fault hits the polls.
  isTarget: is("GET", `${API}/${OPERATION}`),
  mutation: { method: "POST", path: `${API}/${PROJECT}/branches`, alwaysOnce: true },
  async run(env) {
    const handle = client(env).branches.create(PROJECT, "dev", { spec: { no_expiry: true } });
    await handle.submitted();
    await env.arm();
    return handle.wait({ ...WAIT });
  },
  check: nameIs(BRANCH),
  boundMs: WAIT.timeoutMs + WAIT_SLACK_MS,
};

const token: OpClass = {
  id: "token",
  group: "token",
  isTarget: is("POST", TOKEN_PATH),
  async run(env) {
    const provider = oauthM2MCredentials({
      host: env.url,
      clientId: "sp-id",
      clientSecret: "sp-secret",
      tokenEndpoint: `${env.url}${TOKEN_PATH}`,
      fetch: env.fetch,
      timeoutMs: TIMEOUT_MS,
      retry: { ...TOKEN_RETRY },
    });
    await env.arm();
    return provider.getToken();
  },
  check: (result) => (/^oauth-token-\d+$/.test(String((result as { accessToken?: unknown })?.accessToken)) ? undefined : "not the minted token"),
  boundMs: TOKEN_RETRY.budgetMs + TIMEOUT_MS + SLACK_MS,
};

const cred: OpClass = {
  id: "cred",
  group: "mutation",
  isTarget: is("POST", `${API}/credentials`),
  mutation: { method: "POST", path: `${API}/credentials` },
  async run(env) {
    const provider = databaseCredentialProvider({ client: client(env), endpoint: ENDPOINT });
    await env.arm();
    return provider.getPassword();
  },
  check: (result) => (typeof result === "string" && /^pg-token-\d+$/.test(result) ? undefined : "not the minted credential"),
  boundMs: RETRIED_BOUND,
};

export const OP_CLASSES: readonly OpClass[] = [get, list, create, update, del, wait, token, cred];
