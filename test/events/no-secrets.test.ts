// No event and no debug line ever carries a token, a client secret, a page token or a database
// credential — not even with bodies on, where each of them travels in a JSON field.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { oauthM2MCredentials } from "../../src/auth/index.js";
import { BASE, HOST, recordingClient } from "./harness.js";

const CLIENT_SECRET = "dose0123456789abcdefCLIENTSECRET";
const ACCESS_TOKENS = ["m2m-access-token-AAAA1111", "m2m-access-token-BBBB2222"];
const PAGE_TOKEN = "page-token-CCCC3333-opaque";
const DB_PASSWORD = "pg-credential-DDDD4444-password";
const SECRETS = [CLIENT_SECRET, ...ACCESS_TOKENS, PAGE_TOKEN, DB_PASSWORD];

describe("no secret in any event or debug line", () => {
  it.each([false, true])("includeBodies: %s", async (includeBodies) => {
    nock(HOST).get("/oidc/.well-known/oauth-authorization-server").reply(200, { authorization_endpoint: `${HOST}/oidc/v1/authorize`, token_endpoint: `${HOST}/oidc/v1/token` });
    for (const token of ACCESS_TOKENS) nock(HOST).post("/oidc/v1/token").reply(200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
    nock(HOST).get(`${BASE}/projects/p/branches`).reply(200, { branches: [{ name: "projects/p/branches/a" }], next_page_token: PAGE_TOKEN });
    nock(HOST).get(`${BASE}/projects/p/branches`).query({ page_token: PAGE_TOKEN }).reply(200, { branches: [{ name: "projects/p/branches/b" }] });
    nock(HOST).post("/api/2.0/postgres/credentials").reply(200, { token: DB_PASSWORD, expire_time: "2030-01-01T00:00:00Z" });
    // A server that echoes the bearer token in an error (and a forced refresh after the 401).
    nock(HOST)
      .get(`${BASE}/projects/p`)
      .reply(function () {
        return [401, { error_code: "UNAUTHENTICATED", message: `Invalid access token. got ${String(this.req.headers.authorization)}` }];
      });
    nock(HOST).get(`${BASE}/projects/p`).reply(200, { name: "projects/p", echo: `you sent ${ACCESS_TOKENS[1]}` });

    const auth = oauthM2MCredentials({ host: HOST, clientId: "client-1", clientSecret: CLIENT_SECRET, retry: false });
    const lines: string[] = [];
    const { client, events } = recordingClient({ auth, includeBodies, debug: (line) => lines.push(line) });
    await client.branches.list("projects/p").toArray({ limit: Infinity });
    await client.credentials.generate({ endpoint: "projects/p/branches/production/endpoints/primary" });
    const project = await client.projects.get("projects/p");
    expect(project.name).toBe("projects/p");

    expect(events.map((e) => e.type)).toContain("token_refresh");
    expect(lines).toHaveLength(events.length);
    if (includeBodies) {
      // the bodies are there, with the secret-named fields masked
      const credential = events.find((e) => e.type === "response" && e.operationId === "GenerateDatabaseCredential");
      expect(credential).toMatchObject({ body: { token: "***", expire_time: "2030-01-01T00:00:00Z" } });
      const firstPage = events.find((e) => e.type === "response" && e.operationId === "ListBranches");
      expect(firstPage).toMatchObject({ body: { branches: [{ name: "projects/p/branches/a" }], next_page_token: "***" } });
    }
    const printed = JSON.stringify(events) + lines.join("\n");
    for (const secret of SECRETS) expect(printed).not.toContain(secret);
    expect(printed).not.toMatch(/Bearer [^*]/);
    expect(printed).toContain("page_token=***");
  });
});
