import nock from "nock";
import { inspect } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  createLakebaseClient,
  InvalidResponseError,
  NotFoundError,
  SDK_VERSION,
  RequestTimeoutError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  type TokenProvider,
} from "../src/index.js";
import pkg from "../package.json" with { type: "json" };
import { rawClient } from "../src/raw.js";

const HOST = "https://ws.example.com";
const SECRET = "dapi-0123456789abcdef-SECRET";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function client(extra: Partial<Parameters<typeof createLakebaseClient>[0]> = {}) {
  return createLakebaseClient({ host: HOST, auth: SECRET, retry: false, ...extra });
}

describe("headers", () => {
  it("sends Accept, Content-Type on bodies, a User-Agent naming the SDK and version, and the workspace id", async () => {
    let headers: Record<string, unknown> = {};
    nock(HOST)
      .post("/api/2.0/postgres/projects")
      .query({ project_id: "p1" })
      .reply(function () {
        headers = this.req.headers;
        return [200, { name: "projects/p1/operations/x", done: false }];
      });
    await client({ userAgent: "my-cli/2.0", workspaceId: 1234567890 }).projects.create("p1", { spec: {} }).submitted();
    expect(headers.accept).toBe("application/json");
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["user-agent"]).toMatch(new RegExp(`^lakebase-sdk/${SDK_VERSION.replace(/\./g, "\\.")} node/\\d+\\.\\d+\\.\\d+ my-cli/2\\.0$`));
    expect(headers["x-databricks-workspace-id"]).toBe("1234567890");
    expect(headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it("omits X-Databricks-Workspace-Id when not configured", async () => {
    let headers: Record<string, unknown> = {};
    nock(HOST)
      .get("/api/2.0/postgres/projects/p1")
      .reply(function () {
        headers = this.req.headers;
        return [200, { name: "projects/p1" }];
      });
    await client().projects.get("projects/p1");
    expect(headers).not.toHaveProperty("x-databricks-workspace-id");
  });

  it("keeps the SDK version in step with package.json", () => {
    expect(SDK_VERSION).toBe(pkg.version);
  });
});

describe("serialization keeps explicit false, 0 and empty string in bodies", () => {
  it("un-protecting a branch sends {\"spec\":{\"is_protected\":false}}", async () => {
    let raw = "";
    nock(HOST)
      .patch("/api/2.0/postgres/projects/p/branches/b")
      .query(true)
      .reply(function (_uri, body) {
        raw = typeof body === "string" ? body : JSON.stringify(body);
        return [200, { name: "projects/p/branches/b/operations/o" }];
      });
    await client().branches.update("projects/p/branches/b", { spec: { is_protected: false } }, { update_mask: ["spec.is_protected"] }).submitted();
    expect(raw).toBe('{"spec":{"is_protected":false}}');
  });

  it("sends 0 and empty strings as given", async () => {
    let body: unknown;
    nock(HOST)
      .patch("/api/2.0/postgres/projects/p")
      .query(true)
      .reply(function (_uri, b) {
        body = b;
        return [200, { name: "projects/p/operations/o" }];
      });
    await client().projects.update(
      "projects/p",
      { spec: { budget_policy_id: "", default_endpoint_settings: { autoscaling_limit_min_cu: 0 } } },
      { update_mask: "spec.budget_policy_id,spec.default_endpoint_settings.autoscaling_limit_min_cu" },
    ).submitted();
    expect(body).toEqual({ spec: { budget_policy_id: "", default_endpoint_settings: { autoscaling_limit_min_cu: 0 } } });
  });
});

describe("bad input is refused before any request, naming the field and the rule", () => {
  let sent = 0;
  const c = client({ fetch: (request) => ((sent += 1), fetch(request)) });
  const cases: [string, () => unknown, RegExp, string][] = [
    ["missing branch id", () => c.branches.create("projects/p", "", { spec: {} }), /branch_id/, "branch_id"],
    ["upper-case branch id", () => c.branches.create("projects/p", "Dev", { spec: {} }), /branch_id.*lowercase/, "branch_id"],
    ["branch name where an endpoint name is expected", () => c.endpoints.get("projects/p/branches/b" as never), /endpoints\/\{endpoint_id\}/, "name"],
    ["endpoint name where a branch name is expected", () => c.branches.get("projects/p/branches/b/endpoints/e" as never), /branches\/\{branch_id\}/, "name"],
    ["bad database id", () => c.databases.create("projects/p/branches/b", "Invalid_DB_ID", { spec: { role: "r" } }), /database_id/, "database_id"],
    ["page_size above 100 for projects", () => c.projects.list({ page_size: 101 }), /page_size.*100/, "page_size"],
    ["negative page_size", () => c.branches.list("projects/p", { page_size: -1 }), /page_size.*≥ 0/, "page_size"],
    ["empty update mask", () => c.branches.update("projects/p/branches/b", { spec: {} }, { update_mask: [] }), /update_mask/, "update_mask"],
    ["malformed mask path", () => c.branches.update("projects/p/branches/b", { spec: {} }, { update_mask: "spec.is protected" }), /update_mask/, "update_mask"],
    ["unknown query parameter", () => c.branches.delete("projects/p/branches/b", { purgee: true } as never), /purgee/, "purgee"],
    ["missing body", () => c.projects.create("p", undefined as never), /body/, "body"],
    ["bad operation name", () => c.operations.get("projects/p/nonsense"), /operation name/, "name"],
    ["credential for a branch", () => c.credentials.generate({ endpoint: "projects/p/branches/b" }), /endpoint/, "endpoint"],
  ];
  for (const [label, call, message, field] of cases) {
    it(label, async () => {
      const error = await Promise.resolve().then(call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(message);
      expect((error as ValidationError).field).toBe(field);
    });
  }
  it("sent no request for any of them", () => {
    expect(sent).toBe(0);
  });
});

describe("server errors are typed and complete", () => {
  it("maps error_code to its class with status, code, message, request id and details", async () => {
    nock(HOST)
      .post("/api/2.0/postgres/projects/p/branches")
      .query(true)
      .reply(409, {
        error_code: "ALREADY_EXISTS",
        message: "branch with such id already exists",
        details: [
          { "@type": "type.googleapis.com/google.rpc.RequestInfo", request_id: "req-123", serving_data: "" },
          { "@type": "type.googleapis.com/example.Unknown", foo: 1 },
        ],
      });
    const error = await client().branches.create("projects/p", "dev", { spec: {} }).submitted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyExistsError);
    const e = error as ApiError;
    expect(e.status).toBe(409);
    expect(e.errorCode).toBe("ALREADY_EXISTS");
    expect(e.message).toContain("branch with such id already exists");
    expect(e.requestId).toBe("req-123");
    expect(e.details.some((d) => d.type === "unknown")).toBe(true);
    expect(e.method).toBe("POST");
    expect(e.path).toBe("/api/2.0/postgres/projects/p/branches");
  });

  it("surfaces MANAGED_BY_PARENT on deleting the root branch", async () => {
    nock(HOST)
      .delete("/api/2.0/postgres/projects/p/branches/production")
      .reply(400, {
        error_code: "BAD_REQUEST",
        message: "Cannot delete root branch 'projects/p/branches/production'. Root branches cannot be deleted independently.",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "RESOURCE_CONFLICT",
            domain: "databricks.com",
            metadata: { declarative_context: "MANAGED_BY_PARENT" },
          },
        ],
      });
    const error = (await client().branches.delete("projects/p/branches/production").submitted().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.managedByParent).toBe(true);
  });

  it("an HTML 502 from a proxy still produces a typed error without the page", async () => {
    const page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(502, page, { "Content-Type": "text/html" });
    const error = (await client().projects.get("projects/p").catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.message).not.toContain("<html>");
  });

  it("an empty 404 body becomes NotFoundError", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(404, "");
    const error = (await client().projects.get("projects/p").catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.isMissing).toBe(true);
  });

  it("a 200 that is not JSON is an InvalidResponseError, not a crash", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(200, "<html>login</html>", { "Content-Type": "text/html" });
    await expect(client().projects.get("projects/p")).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it("never puts the token in an error's message, fields, toString, JSON or inspect output, even when the server echoes it", async () => {
    // The server quotes the Authorization header it received: the token reaches the error builder.
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .reply(function () {
        return [401, { error_code: "UNAUTHENTICATED", message: `Invalid access token. Authorization: ${String(this.req.headers.authorization)}` }];
      });
    const error = (await client().projects.get("projects/p").catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.status).toBe(401);
    for (const text of [error.message, error.serverMessage, String(error), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), error.stack ?? ""]) {
      expect(text).not.toContain(SECRET);
    }
  });
});

describe("auth", () => {
  it("replays a request once after a 401 with a forced refresh", async () => {
    const calls: boolean[] = [];
    const provider: TokenProvider = {
      getToken: (options) => {
        calls.push(Boolean(options?.forceRefresh));
        return { accessToken: options?.forceRefresh ? "fresh" : "stale" };
      },
    };
    const seen: string[] = [];
    nock(HOST)
      .get("/api/2.0/postgres/projects/p")
      .times(2)
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return seen.length === 1 ? [401, { error_code: "UNAUTHENTICATED", message: "expired" }] : [200, { name: "projects/p" }];
      });
    const project = await client({ auth: provider }).projects.get("projects/p");
    expect(project.name).toBe("projects/p");
    expect(seen).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(calls).toEqual([false, true]);
  });

  it("does not replay a 401 for a static token (nothing to refresh)", async () => {
    const scope = nock(HOST).get("/api/2.0/postgres/projects/p").reply(401, { error_code: "UNAUTHENTICATED", message: "bad" });
    await expect(client().projects.get("projects/p")).rejects.toBeInstanceOf(UnauthenticatedError);
    scope.done();
  });

  it("refuses a plain-http host unless it is loopback", () => {
    expect(() => createLakebaseClient({ host: "http://ws.example.com", auth: "t" })).toThrow(/https/);
    expect(() => createLakebaseClient({ host: "http://127.0.0.1:8080", auth: "t" })).not.toThrow();
    expect(() => createLakebaseClient({ host: "http://localhost:8080", auth: "t" })).not.toThrow();
    expect(createLakebaseClient({ host: "ws.example.com/", auth: "t" }).host).toBe("https://ws.example.com");
  });

  it("does not follow a redirect with the bearer token", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(302, "", { Location: "https://evil.example.net/steal" });
    const evil = nock("https://evil.example.net").get("/steal").reply(200, {});
    await expect(client().projects.get("projects/p")).rejects.toBeInstanceOf(ApiError);
    expect(evil.isDone()).toBe(false);
  });

  it("the client and a static token provider print no secret", () => {
    const c = client();
    expect(String(c)).not.toContain(SECRET);
    expect(inspect(c, { depth: 4 })).not.toContain(SECRET);
  });
});

describe("retries through the client", () => {
  it("retries a GET on 503 and succeeds", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(200, { name: "projects/p" });
    const c = client({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    expect((await c.projects.get("projects/p")).name).toBe("projects/p");
  });

  it("does not retry a create on 500 (a create is never duplicated)", async () => {
    const scope = nock(HOST).post("/api/2.0/postgres/projects").query(true).times(2).reply(500, { error_code: "INTERNAL_ERROR", message: "boom" });
    let sent = 0;
    const c = client({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, fetch: (request) => ((sent += 1), fetch(request)) });
    await expect(c.projects.create("p", { spec: {} }).submitted()).rejects.toBeInstanceOf(ApiError);
    expect(sent).toBe(1);
    expect(scope.isDone()).toBe(false); // the second reply was never asked for
  });

  it("gives up with the typed error once retries are exhausted", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").times(3).reply(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" });
    const c = client({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    await expect(c.projects.get("projects/p")).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe("opt-in response validation", () => {
  it("passes a valid response and rejects one that breaks the schema", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(200, { name: "projects/p", status: { pg_version: 17, synthetic_storage_size_bytes: "123" } });
    nock(HOST).get("/api/2.0/postgres/projects/q").reply(200, { name: "projects/q", status: { pg_version: "seventeen" } });
    const c = client({ validateResponses: true });
    expect((await c.projects.get("projects/p")).status?.pg_version).toBe(17);
    const error = await c.projects.get("projects/q").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/status\.pg_version/);
  });

  it("takes the schemas explicitly (the form for bundled edge deployments)", async () => {
    const { schemas } = await import("../src/schemas.js");
    nock(HOST).get("/api/2.0/postgres/projects/q").reply(200, { name: "projects/q", status: { pg_version: "seventeen" } });
    await expect(client({ validateResponses: schemas }).projects.get("projects/q")).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it("accepts unknown enum values and unknown fields (open enums, forward compatibility)", async () => {
    nock(HOST)
      .get("/api/2.0/postgres/projects/p/branches/b/roles/r")
      .reply(200, { name: "projects/p/branches/b/roles/r", new_field: 1, status: { identity_type: "SOMETHING_NEW" } });
    const role = await client({ validateResponses: true }).roles.get("projects/p/branches/b/roles/r");
    expect(role.status?.identity_type).toBe("SOMETHING_NEW");
  });
});

describe("rawClient(client): the openapi-fetch escape hatch (lakebase-sdk/raw)", () => {
  it("is typed by path and goes through the same auth stack", async () => {
    let auth = "";
    nock(HOST)
      .get("/api/2.0/postgres/projects/p/branches/b")
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { name: "projects/p/branches/b" }];
      });
    const { data } = await rawClient(client()).GET("/api/2.0/postgres/projects/{project_id}/branches/{branch_id}", {
      params: { path: { project_id: "p", branch_id: "b" } },
    });
    expect(data?.name).toBe("projects/p/branches/b");
    expect(auth).toBe(`Bearer ${SECRET}`);
  });

  it("splices operation names verbatim", async () => {
    const scope = nock(HOST).get("/api/2.0/postgres/projects/p/operations/a+b/c=").reply(200, { done: true });
    await rawClient(client()).GET("/api/2.0/postgres/{operation_name}", { params: { path: { operation_name: "projects/p/operations/a+b/c=" } } });
    scope.done();
  });
});

describe("the onRequest hook", () => {
  it("receives exactly the operation id, the verb and the path template: never headers, body, query or token", async () => {
    const seen: unknown[] = [];
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(200, { name: "projects/p" });
    nock(HOST)
      .post("/api/2.0/postgres/projects/p/branches")
      .query({ branch_id: "dev" })
      .reply(200, { name: "projects/p/branches/dev/operations/o", done: false });
    const c = client({ onRequest: (info) => seen.push(info), workspaceId: 42 });
    await c.projects.get("projects/p", { headers: { "X-Trace": "trace-1" } });
    await c.branches.create("projects/p", "dev", { spec: { no_expiry: true } }).submitted();
    expect(seen).toStrictEqual([
      { operationId: "GetProject", method: "GET", path: "/api/2.0/postgres/projects/{project_id}" },
      { operationId: "CreateBranch", method: "POST", path: "/api/2.0/postgres/projects/{project_id}/branches" },
    ]);
    for (const info of seen) expect(Object.keys(info as object).sort()).toEqual(["method", "operationId", "path"]);
    const printed = JSON.stringify(seen) + inspect(seen, { showHidden: true, depth: 10 });
    for (const leak of [SECRET, "Bearer", "trace-1", "no_expiry", "branch_id=dev", "42"]) expect(printed).not.toContain(leak);
  });
});

describe("the per-attempt timeout (timeoutMs)", () => {
  it("also bounds getting the token: a provider whose getToken never resolves ends in RequestTimeoutError", async () => {
    const api = nock(HOST).get("/api/2.0/postgres/projects/p").reply(200, { name: "projects/p" });
    const provider: TokenProvider = { getToken: () => new Promise(() => {}) }; // ignores the signal too
    const t0 = performance.now();
    const outcome = await Promise.race([
      client({ auth: provider, timeoutMs: 150 }).projects.get("projects/p").catch((e: unknown) => e),
      new Promise((r) => setTimeout(() => r("still waiting"), 3_000)),
    ]);
    const elapsed = performance.now() - t0;
    expect(outcome).toBeInstanceOf(RequestTimeoutError);
    expect((outcome as RequestTimeoutError).timeoutMs).toBe(150);
    expect((outcome as Error).message).toBe("GET /api/2.0/postgres/projects/p timed out after 150 ms");
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
    expect(api.isDone()).toBe(false); // nothing was sent without a token
    expect((outcome as RequestTimeoutError).outcomeUnknown).toBe(false);
  });

  it("a mutation that timed out after it was sent has an unknown outcome, says so, and is not re-sent; a read is known", async () => {
    const create = nock(HOST).post("/api/2.0/postgres/projects").query(true).delay(1_000).reply(200, { name: "projects/p/operations/x" });
    const error = await client({ timeoutMs: 100 }).projects.create("p", { spec: {} }).submitted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).outcomeUnknown).toBe(true);
    expect((error as Error).message).toMatch(/^POST \/api\/2\.0\/postgres\/projects timed out after 100 ms; the request was sent and not retried: the server may have done the work/);
    expect(create.isDone()).toBe(true);
    nock.abortPendingRequests();
    nock(HOST).get("/api/2.0/postgres/projects/p").delay(1_000).reply(200, {}).persist();
    const read = await client({ timeoutMs: 100, retry: false }).projects.get("projects/p").catch((e: unknown) => e);
    expect((read as RequestTimeoutError).outcomeUnknown).toBe(false);
    nock.cleanAll();
  });

  it("hands the provider a signal that aborts at the timeout", async () => {
    let received: AbortSignal | undefined;
    const provider: TokenProvider = {
      getToken: (options) =>
        new Promise((_resolve, reject) => {
          received = options?.signal;
          options?.signal?.addEventListener("abort", () => reject(options.signal!.reason), { once: true });
        }),
    };
    const error = await client({ auth: provider, timeoutMs: 100 }).projects.get("projects/p").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(received?.aborted).toBe(true);
  });

  it("timeoutMs: 0 sets none: a slow answer arrives; the same answer with timeoutMs: 100 is a timeout", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").delay(300).reply(200, { name: "projects/p" });
    expect((await client({ timeoutMs: 0, retry: false }).projects.get("projects/p")).name).toBe("projects/p");
    nock(HOST).get("/api/2.0/postgres/projects/p").delay(300).reply(200, { name: "projects/p" });
    const error = await client({ timeoutMs: 100, retry: false }).projects.get("projects/p").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
  });

  it("a GET that times out is retried with a new attempt", async () => {
    nock(HOST).get("/api/2.0/postgres/projects/p").delay(2_000).reply(200, { name: "projects/slow" });
    nock(HOST).get("/api/2.0/postgres/projects/p").reply(200, { name: "projects/p" });
    const reasons: string[] = [];
    const c = client({ timeoutMs: 150, retry: { baseDelayMs: 1, maxDelayMs: 5, onRetry: (i) => reasons.push(i.reason) } });
    const t0 = performance.now();
    expect((await c.projects.get("projects/p")).name).toBe("projects/p");
    expect(reasons).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(1_500);
  });
});
