import nock from "nock";
import { inspect } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { AuthConfigError, AZURE_DATABRICKS_RESOURCE_ID, azureClientSecretCredentials, CredentialUnavailableError, githubActionsIdToken, idTokenFromEnv, metadataServiceCredentials, patCredentials, workloadIdentityCredentials, databricksAppsCredentials } from "../../src/auth/index.js";

const HOST = "https://ws.example.com";
const AZURE_HOST = "https://adb-123.4.azuredatabricks.net";
const LOGIN = "https://login.microsoftonline.com";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function form(body: unknown): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(String(body)));
}

describe("pat", () => {
  it("reads DATABRICKS_TOKEN, trims it, and names itself pat", async () => {
    const p = patCredentials({ env: { DATABRICKS_TOKEN: " dapi123 \n" } });
    expect(p.name).toBe("pat");
    expect((await p.getToken()).accessToken).toBe("dapi123");
    expect(inspect(p)).not.toContain("dapi123");
    expect(JSON.stringify(p)).not.toContain("dapi123");
  });
  it("is not configured without a token, and refuses whitespace inside one", () => {
    expect(() => patCredentials({ env: {} })).toThrow(CredentialUnavailableError);
    expect(() => patCredentials({ token: "a b" })).toThrow(AuthConfigError);
  });
});

describe("azure-client-secret", () => {
  it("posts client credentials for the Azure Databricks resource to the tenant's v1 endpoint; expiry 40 s early", async () => {
    let body: Record<string, string> = {};
    let headers: Record<string, unknown> = {};
    nock(LOGIN)
      .post("/tenant-1/oauth2/token")
      .reply(function (_uri, b) {
        body = form(b);
        headers = this.req.headers;
        return [200, { token_type: "Bearer", expires_in: "3599", expires_on: "1", resource: AZURE_DATABRICKS_RESOURCE_ID, access_token: "aad-token" }];
      });
    const p = azureClientSecretCredentials({ host: AZURE_HOST, tenantId: "tenant-1", clientId: "app-id", clientSecret: "aad-secret", clock: () => 0 });
    const token = await p.getToken();
    expect(token.accessToken).toBe("aad-token");
    expect(token.expiresAt).toBe(3_599_000 - 40_000);
    expect(body).toEqual({ grant_type: "client_credentials", client_id: "app-id", client_secret: "aad-secret", resource: "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d" });
    expect(headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(headers.authorization).toBeUndefined();
    expect(p.name).toBe("azure-client-secret");
  });

  it("discovers the tenant from the Location of GET {host}/aad/auth without following it", async () => {
    nock(AZURE_HOST).get("/aad/auth").reply(302, "", { Location: `${LOGIN}/tenant-xyz/oauth2/authorize?client_id=abc` });
    const login = nock(LOGIN).post("/tenant-xyz/oauth2/token").reply(200, { access_token: "t", expires_in: 3600 });
    await azureClientSecretCredentials({ host: AZURE_HOST, clientId: "app-id", clientSecret: "s" }).getToken();
    login.done();
  });

  it("uses the government cloud login endpoint for ARM_ENVIRONMENT=USGOVERNMENT", async () => {
    const login = nock("https://login.microsoftonline.us").post("/t/oauth2/token").reply(200, { access_token: "gov", expires_in: 3600 });
    await azureClientSecretCredentials({ host: "https://adb-1.2.databricks.azure.us", tenantId: "t", clientId: "a", clientSecret: "s", environment: "usgovernment" }).getToken();
    login.done();
  });

  it("a refused secret is an error without the secret", async () => {
    nock(LOGIN).post("/t/oauth2/token").reply(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided: aad-secret-xyz" });
    const error = (await Promise.resolve(azureClientSecretCredentials({ host: AZURE_HOST, tenantId: "t", clientId: "a", clientSecret: "aad-secret-xyz", retry: false }).getToken()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/invalid_client/);
    expect(error.message).not.toContain("aad-secret-xyz");
  });
});

describe("metadata-service", () => {
  it("sends the version and host headers and reads expires_on", async () => {
    let headers: Record<string, unknown> = {};
    nock("http://localhost:1234")
      .get("/secret-path/token")
      .reply(function () {
        headers = this.req.headers;
        return [200, { access_token: "ide-token", token_type: "Bearer", expires_on: 2_000_000_000 }];
      });
    const p = metadataServiceCredentials({ host: `${HOST}/ignored/path`, url: "http://localhost:1234/secret-path/token" });
    const token = await p.getToken();
    expect(token).toMatchObject({ accessToken: "ide-token", expiresAt: 2_000_000_000_000 });
    expect(headers["x-databricks-metadata-version"]).toBe("1");
    expect(headers["x-databricks-host"]).toBe(HOST);
    expect(inspect(p)).not.toContain("secret-path");
  });

  it("accepts only localhost URLs, and never prints the URL", async () => {
    expect(() => metadataServiceCredentials({ host: HOST, url: "http://169.254.169.254/secret" })).toThrow(/localhost/);
    nock("http://127.0.0.1:9999").get("/secret-path").reply(403, { error: "host mismatch" });
    const error = (await Promise.resolve(metadataServiceCredentials({ host: HOST, url: "http://127.0.0.1:9999/secret-path", retry: false }).getToken()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/403/);
    expect(error.message).not.toContain("secret-path");
    expect(error.message).not.toContain("9999");
  });
});

describe("workload identity federation", () => {
  const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

  it("exchanges an env ID token (RFC 8693) with client_id; audience defaults to the token endpoint", async () => {
    nock(HOST)
      .get("/oidc/.well-known/oauth-authorization-server")
      .reply(200, { authorization_endpoint: `${HOST}/oidc/v1/authorize`, token_endpoint: `${HOST}/oidc/v1/token` });
    let body: Record<string, string> = {};
    let raw = "";
    nock(HOST)
      .post("/oidc/v1/token")
      .reply(function (_uri, b) {
        raw = String(b);
        body = form(b);
        return [200, { access_token: "federated", expires_in: 3600 }];
      });
    const audiences: string[] = [];
    const source = idTokenFromEnv("MY_OIDC", { MY_OIDC: "eyJhbGciOi.jwt-body.sig" });
    const p = workloadIdentityCredentials({
      host: HOST,
      clientId: "sp-uuid",
      idToken: (ctx) => {
        audiences.push(ctx.audience);
        return source(ctx);
      },
      name: "env-oidc",
    });
    expect((await p.getToken()).accessToken).toBe("federated");
    expect(raw.startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=")).toBe(true);
    expect(body).toEqual({
      grant_type: TOKEN_EXCHANGE,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      subject_token: "eyJhbGciOi.jwt-body.sig",
      scope: "all-apis",
      client_id: "sp-uuid",
    });
    expect(audiences).toEqual([`${HOST}/oidc/v1/token`]);
    expect(p.name).toBe("env-oidc");
  });

  it("account-wide federation: no client_id, audience = account id on an account host", async () => {
    const ACC = "https://accounts.cloud.databricks.com";
    let body: Record<string, string> = {};
    nock(ACC)
      .post("/oidc/accounts/acc-1/v1/token")
      .reply((_uri, b) => {
        body = form(b);
        return [200, { access_token: "acct", expires_in: 3600 }];
      });
    let audience = "";
    await workloadIdentityCredentials({ host: ACC, accountId: "acc-1", idToken: (c) => ((audience = c.audience), "jwt") }).getToken();
    expect(audience).toBe("acc-1");
    expect(body).not.toHaveProperty("client_id");
  });

  it("GitHub Actions: fetches the ID token with the request token and the audience", async () => {
    let auth = "";
    nock("https://pipelines.actions.githubusercontent.com")
      .get("/abc/idtoken")
      .query({ "api-version": "2.0", audience: "https://ws.example.com/oidc/v1/token" })
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { value: "gh-jwt" }];
      });
    let subject = "";
    nock(HOST)
      .post("/oidc/v1/token")
      .reply((_uri, b) => {
        subject = form(b).subject_token!;
        return [200, { access_token: "from-gh", expires_in: 3600 }];
      });
    const idToken = githubActionsIdToken({
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "gh-request-token" },
    });
    const p = workloadIdentityCredentials({ host: HOST, clientId: "sp", tokenEndpoint: `${HOST}/oidc/v1/token`, idToken, name: "github-oidc" });
    expect((await p.getToken()).accessToken).toBe("from-gh");
    expect(auth).toBe("Bearer gh-request-token");
    expect(subject).toBe("gh-jwt");
  });

  it("outside GitHub Actions the source is not configured", () => {
    expect(() => githubActionsIdToken({ env: {} })).toThrow(CredentialUnavailableError);
  });

  it("a rejected exchange does not echo the ID token", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJl";
    nock(HOST).post("/t").reply(400, { error: "invalid_request", error_description: `no federation policy matches ${jwt}` });
    const error = (await Promise.resolve(workloadIdentityCredentials({ host: HOST, tokenEndpoint: `${HOST}/t`, idToken: () => jwt }).getToken()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/invalid_request/);
    expect(error.message).not.toContain(jwt);
  });
});

describe("Databricks Apps", () => {
  it("uses the injected service principal with M2M", async () => {
    nock(HOST)
      .get("/oidc/.well-known/oauth-authorization-server")
      .reply(200, { authorization_endpoint: `${HOST}/oidc/v1/authorize`, token_endpoint: `${HOST}/oidc/v1/token` });
    let auth = "";
    nock(HOST)
      .post("/oidc/v1/token", "grant_type=client_credentials&scope=all-apis")
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { access_token: "app-token", expires_in: 3600 }];
      });
    const p = databricksAppsCredentials({ env: { DATABRICKS_HOST: "ws.example.com", DATABRICKS_CLIENT_ID: "app-sp", DATABRICKS_CLIENT_SECRET: "app-secret" } });
    expect((await p.getToken()).accessToken).toBe("app-token");
    expect(auth).toBe(`Basic ${Buffer.from("app-sp:app-secret").toString("base64")}`);
  });

  it("is not configured outside an app", () => {
    expect(() => databricksAppsCredentials({ env: { DATABRICKS_HOST: HOST } })).toThrow(/DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET/);
  });
});
