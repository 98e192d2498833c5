/**
 * Issue 9, defect 6: a server that quotes the caller's token back (in a 401/403/500 body, in a
 * failed operation) must not put it into any error text, payload of a hook, or log line — for
 * every credential kind. The table printed at the end is secret kind × sink.
 */
import { randomBytes } from "node:crypto";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type TokenProvider } from "../../src/index.js";
import { oauthM2MCredentials, staticToken } from "../../src/auth/index.js";
import { captureConsole, LeakMatrix } from "./matrix.js";

const HOST = "https://ws.example.com";
const BASE = "/api/2.0/postgres";
const OP = "projects/p/branches/dev/operations/op-1";
const TOKEN_URL = `${HOST}/oidc/v1/token`;
const hex = (n: number) => randomBytes(n).toString("hex");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const jwt = () => `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(`{"sub":"sp","jti":"${hex(8)}"}`)}.${b64url(hex(32))}`;

const matrix = new LeakMatrix().guard("server echoes (defect 6)");
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** A credential kind: the provider given to the client and the secret value the server sees. */
interface Kind {
  readonly kind: string;
  readonly secret: string;
  auth(): string | TokenProvider;
}

function m2m(kind: string, accessToken: string): Kind {
  return {
    kind,
    secret: accessToken,
    auth() {
      nock(HOST).persist().post("/oidc/v1/token").reply(200, { access_token: accessToken, token_type: "Bearer", expires_in: 3600 });
      return oauthM2MCredentials({ host: HOST, clientId: "sp-id", clientSecret: `dose${hex(16)}`, tokenEndpoint: TOKEN_URL });
    },
  };
}

const pat = `dapi${hex(16)}`;
const opaquePat = `opaque-pat-${hex(12)}`;
const KINDS: Kind[] = [
  { kind: "PAT (dapi…)", secret: pat, auth: () => pat },
  { kind: "PAT (opaque)", secret: opaquePat, auth: () => opaquePat },
  m2m("OAuth token (JWT)", jwt()),
  m2m("OAuth token (opaque)", `oauth-opaque-${hex(12)}`),
  // Not remembered by any provider: held only through the transport remembering what it sent.
  ((secret: string): Kind => ({ kind: "custom provider token", secret, auth: () => ({ getToken: () => ({ accessToken: secret }) }) }))(`custom-${hex(12)}`),
];

type Reply = (token: string, header: string) => [number, string | Record<string, unknown>, Record<string, string>?];
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const ECHOES: Record<string, Reply> = {
  "401 JSON": (t, h) => [401, { error_code: "UNAUTHENTICATED", message: `Invalid access token ${t} (sent as ${h})` }],
  "403 details": (t, h) => [403, { error_code: "PERMISSION_DENIED", message: "denied", details: [
    { "@type": ERROR_INFO, reason: t, domain: "d", metadata: { token: t, header: h } },
    { "@type": "type.googleapis.com/google.rpc.DebugInfo", detail: h, stack_entries: [t] },
    { "@type": "type.example/Unknown", nested: { deep: [t, { h }] } },
  ] }],
  "500 text": (t, h) => [500, `INTERNAL_ERROR: header was ${h}, token ${t}`, { "Content-Type": "text/plain" }],
  "500 html": (t) => [500, `<html><body>proxy saw ${t}</body></html>`, { "Content-Type": "text/html" }],
  "500 other": (t) => [500, `upstream: ${t}`, { "Content-Type": "text/plain" }],
  "400 long": (t) => [400, { error_code: "INVALID_PARAMETER_VALUE", message: `${"x".repeat(4085)} ${t} ${t}` }],
  "JSON escaped": (t) => [400, `{"error_code":"BAD_REQUEST","message":"${t.replace(/-/g, "\\u002d")}"}`, { "Content-Type": "application/json" }],
};

/** Runs `fn` against a client of `k`, with hooks and console captured; records every sink. */
async function run(k: Kind, label: string, fn: (client: ReturnType<typeof createLakebaseClient>) => Promise<unknown>) {
  const hooks: unknown[] = [];
  let error: unknown;
  const logs = await captureConsole(async () => {
    const client = createLakebaseClient({
      host: HOST,
      auth: k.auth(),
      onRequest: (info) => hooks.push(info),
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetries: 1, onRetry: (info) => hooks.push(info) },
    });
    error = await fn(client).then(() => undefined, (e: unknown) => e);
  });
  expect(error, `${k.kind} ${label} must fail`).toBeInstanceOf(Error);
  const secrets = [k.secret];
  matrix.checkValue(k.kind, "error", error, secrets);
  matrix.check(k.kind, "onRequest/onRetry payload", JSON.stringify(hooks), secrets);
  matrix.check(k.kind, "console", logs, secrets);
  return error as Error;
}

describe.each(KINDS)("$kind echoed by the server", (k) => {
  it.each(Object.keys(ECHOES))("%s", async (name) => {
    nock(HOST)
      .persist()
      .get(`${BASE}/projects/p`)
      .reply(function () {
        const header = String(this.req.headers.authorization);
        return ECHOES[name]!(header.replace(/^Bearer /, ""), header);
      });
    const error = await run(k, name, (c) => c.projects.get("projects/p"));
    expect(error.name).toMatch(/Error$/);
  });

  it("503 quoting it in error_code and message: retried (onRetry sees the code), then final", async () => {
    nock(HOST)
      .persist()
      .get(`${BASE}/projects/p`)
      .reply(function () {
        const t = String(this.req.headers.authorization).replace(/^Bearer /, "");
        // The code too: onRetry's reason quotes it ("HTTP 503 <code>").
        return [503, { error_code: `UNAVAILABLE_${t}`, message: `busy for ${t}` }];
      });
    await run(k, "503", (c) => c.projects.get("projects/p"));
  });

  it("failed long-running operation quoting the token in message and details", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query(true).reply(200, { name: OP, done: false });
    nock(HOST)
      .persist()
      .get(`${BASE}/${OP}`)
      .reply(function () {
        const h = String(this.req.headers.authorization);
        const t = h.replace(/^Bearer /, "");
        return [200, { name: OP, done: true, error: { error_code: "INTERNAL_ERROR", message: `worker used ${t} (${h})`, details: [{ "@type": ERROR_INFO, reason: "R", domain: "d", metadata: { token: t } }] } }];
      });
    const error = await run(k, "operation", (c) => c.branches.create("projects/p", "dev", { spec: {} }).wait({ pollIntervalMs: 5 }));
    expect(error).toMatchObject({ operationName: OP });
  });
});

describe("token endpoint echoing the client secret", () => {
  const clientId = "sp-app-id";
  const echoes: Record<string, (secret: string, basic: string) => [number, string | Record<string, unknown>]> = {
    "401 invalid_client": (s, b) => [401, { error: "invalid_client", error_description: `secret ${s} does not match (${b})` }],
    "400 code echo": (s) => [400, { error: s, error_description: "bad" }],
    "400 message": (s) => [400, { error_code: "BAD_REQUEST", message: `client_secret=${s}` }],
    "500 text": (s, b) => [500, `failed for ${s} ${b}`],
  };
  for (const [kind, secret] of [["client secret (dose…)", `dose${hex(16)}`], ["client secret (opaque)", `cs-${hex(12)}`]] as const) {
    it.each(Object.keys(echoes))(`${kind}: %s`, async (name) => {
      nock(HOST)
        .persist()
        .post("/oidc/v1/token")
        .reply(function () {
          return echoes[name]!(secret, String(this.req.headers.authorization));
        });
      const basic = Buffer.from(`${clientId}:${secret}`).toString("base64");
      const provider = oauthM2MCredentials({ host: HOST, clientId, clientSecret: secret, tokenEndpoint: TOKEN_URL, retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetries: 1 } });
      let error: unknown;
      const logs = await captureConsole(async () => {
        const client = createLakebaseClient({ host: HOST, auth: provider, retry: false });
        error = await client.projects.get("projects/p").then(() => undefined, (e: unknown) => e);
      });
      expect(error).toBeInstanceOf(Error);
      matrix.checkValue(kind, "error", error, [secret, basic]);
      matrix.checkValue(kind, "provider", provider, [secret, basic]);
      matrix.check(kind, "console", logs, [secret, basic]);
    });
  }
});

describe("token objects", () => {
  it("staticToken(t).getToken() shows no token in JSON, inspect or String", async () => {
    const token = `opaque-${hex(12)}`;
    const provider = staticToken(token);
    const value = await provider.getToken();
    expect(value.accessToken).toBe(token);
    matrix.checkValue("PAT (opaque)", "getToken() result", value, [token]);
    matrix.checkValue("PAT (opaque)", "provider", provider, [token]);
  });
});
