// The order and content of the client's events (src/ops/events.ts) for the SDK's call shapes: a
// plain call, a retried one, a list walk, an operation wait, a readiness wait and an OAuth
// token refresh.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { oauthM2MCredentials } from "../../src/auth/index.js";
import type { PollEvent, RequestEvent, ResponseEvent, RetryEvent, WaitProgress } from "../../src/index.js";
import type { Endpoint } from "../../src/generated/models.js";
import { BASE, HOST, recordingClient, sequence } from "./harness.js";

const OP = "projects/p/branches/dev/operations/op-1";

describe("event order", () => {
  it("a call: request, then response with status, request id, duration and attempt", async () => {
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" }, { "x-request-id": "req-42" });
    const { client, events } = recordingClient();
    await client.projects.get("projects/p");
    expect(sequence(events)).toEqual(["request:GetProject", "response:GetProject:200"]);
    const [request, response] = events as [RequestEvent, ResponseEvent];
    expect(request).toMatchObject({ callId: 1, method: "GET", path: `${BASE}/projects/{project_id}`, url: `${HOST}${BASE}/projects/p` });
    expect(response).toMatchObject({ callId: 1, operationId: "GetProject", status: 200, requestId: "req-42", attempt: 1 });
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    expect(request.body).toBeUndefined();
    expect(response.body).toBeUndefined();
  });

  it("a server's Warning header reaches the response event (e.g. a substituted pg_version)", async () => {
    const warning = '299 - "pg_version 17 is not available in this emulator: the project runs PostgreSQL 15 instead"';
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" }, { warning });
    nock(HOST).get(`${BASE}/projects/q`).reply(200, { name: "projects/q" });
    const { client, events } = recordingClient();
    await client.projects.get("projects/p");
    await client.projects.get("projects/q");
    const [first, second] = events.filter((e): e is ResponseEvent => e.type === "response");
    expect(first?.warning).toBe(warning);
    expect(second?.warning).toBeUndefined();
  });

  it("a retried call (429 then 200): request, retry with reason, delay and budget, response on attempt 2", async () => {
    nock(HOST).get(`${BASE}/projects/p`).reply(429, { error_code: "RESOURCE_EXHAUSTED", message: "slow down" });
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    const { client, events } = recordingClient({ retry: { baseDelayMs: 1, maxDelayMs: 2, budgetMs: 30_000, maxRetries: 3 } });
    await client.projects.get("projects/p");
    expect(sequence(events)).toEqual(["request:GetProject", "retry:HTTP 429 RESOURCE_EXHAUSTED", "response:GetProject:200"]);
    const retry = events[1] as RetryEvent;
    expect(retry).toMatchObject({ callId: 1, operationId: "GetProject", attempt: 1, retriesLeft: 2 });
    expect(retry.delayMs).toBeGreaterThanOrEqual(0);
    expect(retry.budgetLeftMs).toBeGreaterThan(29_000);
    expect(retry.budgetLeftMs).toBeLessThanOrEqual(30_000);
    expect(events[2]).toMatchObject({ status: 200, attempt: 2 });
  });

  it("a call that ends without an answer: the response event carries the error and no status", async () => {
    nock(HOST).get(`${BASE}/projects/p`).replyWithError({ code: "ECONNREFUSED", message: "connect ECONNREFUSED" });
    const { client, events } = recordingClient({ retry: false });
    await expect(client.projects.get("projects/p")).rejects.toThrow();
    const response = events[1] as ResponseEvent;
    expect(response.type).toBe("response");
    expect(response.status).toBeUndefined();
    expect(response.error).toMatch(/^NetworkError: /);
  });

  it("a paginated walk: each page's call, then its page event with number, items and whether more follow", async () => {
    nock(HOST).get(`${BASE}/projects/p/branches`).reply(200, { branches: [{ name: "projects/p/branches/a" }, { name: "projects/p/branches/b" }], next_page_token: "tok-2" });
    nock(HOST).get(`${BASE}/projects/p/branches`).query({ page_token: "tok-2" }).reply(200, { branches: [{ name: "projects/p/branches/c" }] });
    const { client, events } = recordingClient();
    const names: string[] = [];
    for await (const b of client.branches.list("projects/p")) names.push(b.name!);
    expect(names).toHaveLength(3);
    expect(sequence(events)).toEqual([
      "request:ListBranches",
      "response:ListBranches:200",
      "page:1:2:more",
      "request:ListBranches",
      "response:ListBranches:200",
      "page:2:1:last",
    ]);
    expect(events.map((e) => (e.type === "request" ? e.callId : undefined)).filter(Boolean)).toEqual([1, 2]);
  });

  it("an operation wait: the mutation's call, a poll report before polling, then each GetOperation and its poll", async () => {
    nock(HOST).post(`${BASE}/projects/p/branches`).query({ branch_id: "dev" }).reply(200, { name: OP, done: false });
    nock(HOST).get(`${BASE}/${OP}`).reply(200, { name: OP, done: false });
    nock(HOST).get(`${BASE}/${OP}`).reply(200, { name: OP, done: true, response: { name: "projects/p/branches/dev" } });
    const { client, events } = recordingClient();
    const progress: WaitProgress[] = [];
    await client.branches.create("projects/p", "dev", { spec: {} }).wait({ pollIntervalMs: 5, onProgress: (p) => progress.push(p) });
    expect(sequence(events)).toEqual([
      "request:CreateBranch",
      "response:CreateBranch:200",
      "poll:0:running",
      "request:GetOperation",
      "response:GetOperation:200",
      "poll:1:running",
      "request:GetOperation",
      "response:GetOperation:200",
      "poll:2:succeeded",
    ]);
    const polls = events.filter((e): e is PollEvent => e.type === "poll");
    expect(polls.every((p) => p.name === OP && p.kind === "CreateBranch" && p.elapsedMs >= 0)).toBe(true);
    expect(polls.at(-1)?.done).toBe(true);
    // onProgress hears the same polls, with the same facts
    expect(progress.map((p) => [p.polls, p.state, p.done])).toEqual(polls.map((p) => [p.polls, p.state, p.done]));
  });

  it("a readiness wait: onProgress has the operation wait's shape, poll events follow each read, onPoll still works", async () => {
    const EP = "projects/p/branches/dev/endpoints/primary";
    for (const status of [{ current_state: "INIT", pending_state: "ACTIVE" }, { current_state: "ACTIVE" }]) {
      nock(HOST).get(`${BASE}/${EP}`).reply(200, { name: EP, status });
    }
    const { client, events } = recordingClient();
    const progress: WaitProgress<Endpoint>[] = [];
    const legacy: number[] = [];
    await client.endpoints.waitForReady(EP, { pollIntervalMs: 5, onProgress: (p) => progress.push(p), onPoll: (_v, info) => legacy.push(info.polls) });
    expect(progress.map((p) => [p.name, p.polls, p.state, p.done, p.changed])).toEqual([
      [EP, 1, "INIT→ACTIVE", false, true],
      [EP, 2, "ACTIVE", true, true],
    ]);
    expect(progress[1]?.metadata?.status?.current_state).toBe("ACTIVE");
    expect(legacy).toEqual([1, 2]);
    expect(sequence(events)).toEqual(["request:GetEndpoint", "response:GetEndpoint:200", "poll:1:INIT→ACTIVE", "request:GetEndpoint", "response:GetEndpoint:200", "poll:2:ACTIVE"]);
  });

  it("an OAuth M2M token refresh reaches the client's listener through the transport, before the call it serves", async () => {
    nock(HOST).get("/oidc/.well-known/oauth-authorization-server").reply(200, { authorization_endpoint: `${HOST}/oidc/v1/authorize`, token_endpoint: `${HOST}/oidc/v1/token` });
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "m2m-access-1", token_type: "Bearer", expires_in: 3600 });
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "m2m-access-2", token_type: "Bearer", expires_in: 3600 });
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    nock(HOST).get(`${BASE}/projects/p`).reply(401, { error_code: "UNAUTHENTICATED", message: "Invalid access token." });
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p" });
    const auth = oauthM2MCredentials({ host: HOST, clientId: "client-1", clientSecret: "dose0123456789abcdefSECRET", retry: false });
    const { client, events } = recordingClient({ auth });
    await client.projects.get("projects/p");
    await client.projects.get("projects/p"); // 401: one forced refresh, then the replay
    expect(sequence(events)).toEqual([
      "request:GetProject",
      "token_refresh:oauth-m2m:ok",
      "response:GetProject:200",
      "request:GetProject",
      "token_refresh:oauth-m2m:ok",
      "response:GetProject:200",
    ]);
    const refreshes = events.filter((e) => e.type === "token_refresh");
    expect(refreshes.map((e) => e.type === "token_refresh" && e.trigger)).toEqual(["blocking", "forced"]);
    expect(refreshes.every((e) => e.type === "token_refresh" && e.ok && e.durationMs >= 0 && e.expiresAt! > Date.now())).toBe(true);
  });

  it("a failed refresh is reported with outcome error and a redacted message", async () => {
    nock(HOST).post("/oidc/v1/token").reply(400, { error: "invalid_client", error_description: "bad secret dose0123456789abcdefSECRET" });
    const auth = oauthM2MCredentials({ host: HOST, clientId: "client-1", clientSecret: "dose0123456789abcdefSECRET", tokenEndpoint: `${HOST}/oidc/v1/token`, retry: false });
    const { client, events } = recordingClient({ auth });
    await expect(client.projects.get("projects/p")).rejects.toThrow();
    const refresh = events.find((e) => e.type === "token_refresh");
    expect(refresh).toMatchObject({ type: "token_refresh", provider: "oauth-m2m", outcome: "error", ok: false, trigger: "blocking" });
    expect(JSON.stringify(events)).not.toContain("dose0123456789abcdefSECRET");
  });
});

describe("token refreshes of a provider shared by two clients", () => {
  it("each client hears the refreshes its own calls caused; one refresh joined by both is heard by both, once each", async () => {
    let issued = 0;
    nock(HOST)
      .post("/oidc/v1/token")
      .times(2)
      .delay(30)
      .reply(() => [200, { access_token: `shared-${++issued}`, token_type: "Bearer", expires_in: 3600 }]);
    nock(HOST).get(`${BASE}/projects/p`).times(3).reply(200, { name: "projects/p" });
    const auth = oauthM2MCredentials({ host: HOST, clientId: "c", clientSecret: "dose0123456789abcdefSHARED", tokenEndpoint: `${HOST}/oidc/v1/token`, retry: false });
    const a = recordingClient({ auth });
    const b = recordingClient({ auth });
    // Both start while no token is cached: one refresh, joined by both.
    await Promise.all([a.client.projects.get("projects/p"), b.client.projects.get("projects/p")]);
    expect(issued).toBe(1);
    const refreshes = (events: typeof a.events) => events.filter((e) => e.type === "token_refresh").length;
    expect([refreshes(a.events), refreshes(b.events)]).toEqual([1, 1]);
    // A later call of one client is served from the cache: no event anywhere.
    await a.client.projects.get("projects/p");
    expect([refreshes(a.events), refreshes(b.events)]).toEqual([1, 1]);
  });

  it(".page() reports page 1 of a one-page walk", async () => {
    nock(HOST).get(`${BASE}/projects/p/branches`).query({ page_token: "resume-here" }).reply(200, { branches: [{ name: "x" }], next_page_token: "after" });
    const { client, events } = recordingClient();
    await client.branches.list("projects/p").page("resume-here");
    expect(sequence(events)).toEqual(["request:ListBranches", "response:ListBranches:200", "page:1:1:more"]);
    expect((events[0] as RequestEvent).url).toBe(`${HOST}${BASE}/projects/p/branches?page_token=***`);
  });
});
