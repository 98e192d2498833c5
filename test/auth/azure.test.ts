/**
 * The Azure credential types against local stand-ins (docs/auth.md#azure): nock for Entra ID, the
 * Instance Metadata Service, Azure Resource Manager, GitHub and Azure DevOps; a stub `az` script
 * first on PATH for the Azure CLI.
 */
import nock from "nock";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import {
  AZURE_DATABRICKS_RESOURCE_ID,
  azureClientSecretCredentials,
  azureDevOpsIdToken,
  azureFederatedCredentials,
  azureMsiCredentials,
  CredentialUnavailableError,
  githubActionsIdToken,
  workloadIdentityCredentials,
} from "../../src/auth/index.js";
import { azureCliCredentials, parseAzureCliToken } from "../../src/auth/node.js";

const AZ_HOST = "https://adb-123.4.azuredatabricks.net";
const LOGIN = "https://login.microsoftonline.com";
const MANAGEMENT = "https://management.core.windows.net/";
const RESOURCE_ID = "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws";
const fast = { retry: { maxRetries: 1, baseDelayMs: 1 } } as const;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function form(body: unknown): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(String(body)));
}

/** Entra's v1 endpoint for `tenant`: answers per resource, records each form. */
function entra(tenant: string, forms: Record<string, string>[] = []) {
  return nock(LOGIN)
    .post(`/${tenant}/oauth2/token`)
    .times(10)
    .reply((_uri, body) => {
      const f = form(body);
      forms.push(f);
      return [200, { token_type: "Bearer", expires_in: 3600, access_token: f.resource === AZURE_DATABRICKS_RESOURCE_ID ? "dbx-token" : `token-for-${f.resource}` }];
    });
}

describe("azure-client-secret: the management token and the workspace resource id", () => {
  it("adds X-Databricks-Azure-SP-Management-Token (a token for the management resource) and the resource id header", async () => {
    const forms: Record<string, string>[] = [];
    entra("tenant-1", forms);
    const p = azureClientSecretCredentials({ host: AZ_HOST, tenantId: "tenant-1", clientId: "app", clientSecret: "very-secret-value", workspaceResourceId: RESOURCE_ID, ...fast });
    expect((await p.getToken()).accessToken).toBe("dbx-token");
    expect(await p.extraHeaders({})).toEqual({ "X-Databricks-Azure-SP-Management-Token": `token-for-${MANAGEMENT}`, "X-Databricks-Azure-Workspace-Resource-Id": RESOURCE_ID });
    expect(forms.map((f) => f.resource).sort()).toEqual([AZURE_DATABRICKS_RESOURCE_ID, MANAGEMENT].sort());
    // Cached: a second ask costs no request.
    await p.extraHeaders({});
    expect(forms).toHaveLength(2);
    for (const shown of [String(p), inspect(p), JSON.stringify(p)]) expect(shown).not.toContain("very-secret-value");
  });

  it("leaves the management header out when that token cannot be had, and the Databricks token still works", async () => {
    nock(LOGIN)
      .post("/t/oauth2/token")
      .times(4)
      .reply((_uri, body) => (form(body).resource === MANAGEMENT ? [400, { error: "invalid_resource" }] : [200, { access_token: "dbx", expires_in: 3600 }]));
    const p = azureClientSecretCredentials({ host: AZ_HOST, tenantId: "t", clientId: "a", clientSecret: "s3cret-s3cret", retry: false });
    expect((await p.getToken()).accessToken).toBe("dbx");
    expect(await p.extraHeaders({})).toEqual({});
  });

  it("wraps fetch: the headers reach the request, a header the caller set is kept", async () => {
    entra("t");
    const p = azureClientSecretCredentials({ host: AZ_HOST, tenantId: "t", clientId: "a", clientSecret: "s3cret-s3cret", ...fast });
    const seen: Headers[] = [];
    const send = p.wrapFetch(async (request) => {
      seen.push(request.headers);
      return new Response("{}");
    });
    await send(new Request(`${AZ_HOST}/api/2.0/postgres/projects`));
    await send(new Request(`${AZ_HOST}/api/2.0/postgres/projects`, { headers: { "X-Databricks-Azure-SP-Management-Token": "mine" } }));
    expect(seen[0]!.get("x-databricks-azure-sp-management-token")).toBe(`token-for-${MANAGEMENT}`);
    expect(seen[1]!.get("x-databricks-azure-sp-management-token")).toBe("mine");
  });

  it("looks the workspace URL up from azure_workspace_resource_id through Azure Resource Manager", async () => {
    entra("t");
    let auth: string | undefined;
    nock("https://management.azure.com")
      .get(`${RESOURCE_ID}`)
      .query({ "api-version": "2018-04-01" })
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { properties: { workspaceUrl: "adb-999.9.azuredatabricks.net" } }];
      });
    const p = azureClientSecretCredentials({ workspaceResourceId: RESOURCE_ID, tenantId: "t", clientId: "a", clientSecret: "s3cret-s3cret", ...fast });
    expect(await p.workspaceHost()).toBe("https://adb-999.9.azuredatabricks.net");
    expect(auth).toBe("Bearer token-for-https://management.azure.com/");
  });
});

describe("azure-msi", () => {
  it("asks IMDS with Metadata: true, for the user-assigned identity when a client id is given; expires_on, 40 s early", async () => {
    const asked: Array<Record<string, unknown>> = [];
    nock("http://169.254.169.254")
      .get("/metadata/identity/oauth2/token")
      .query(true)
      .times(2)
      .reply(function (uri) {
        const q = Object.fromEntries(new URL(uri, "http://x").searchParams);
        asked.push({ ...q, metadata: this.req.headers.metadata });
        return [200, { access_token: `msi-${q.resource}`, expires_on: "4000", token_type: "Bearer" }];
      });
    const p = azureMsiCredentials({ host: AZ_HOST, clientId: "user-assigned-id", clock: () => 1_000_000, ...fast });
    const token = await p.getToken();
    expect(token.accessToken).toBe(`msi-${AZURE_DATABRICKS_RESOURCE_ID}`);
    expect(token.expiresAt).toBe(4_000_000 - 40_000);
    expect(asked[0]).toEqual({ "api-version": "2018-02-01", resource: AZURE_DATABRICKS_RESOURCE_ID, client_id: "user-assigned-id", metadata: "true" });
    expect(await p.extraHeaders({})).toEqual({ "X-Databricks-Azure-SP-Management-Token": `msi-${MANAGEMENT}` });
    expect(p.name).toBe("azure-msi");
  });

  it("system-assigned: no client_id in the query", async () => {
    let query = "";
    nock("http://169.254.169.254")
      .get("/metadata/identity/oauth2/token")
      .query(true)
      .reply((uri) => {
        query = uri;
        return [200, { access_token: "sys", expires_on: String(Math.floor(Date.now() / 1000) + 3600) }];
      });
    await azureMsiCredentials({ host: AZ_HOST, managementToken: false, ...fast }).getToken();
    expect(query).not.toContain("client_id");
  });
});

describe("github-oidc-azure", () => {
  it("exchanges the GitHub ID token (audience api://AzureADTokenExchange) with Entra ID as a client assertion", async () => {
    let audience: string | null = null;
    nock("https://gh.example.com")
      .get("/idtoken")
      .query(true)
      .reply((uri) => {
        audience = new URL(uri, "https://gh.example.com").searchParams.get("audience");
        return [200, { value: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.signature-of-github" }];
      });
    const forms: Record<string, string>[] = [];
    entra("tenant-9", forms);
    const p = azureFederatedCredentials({
      host: AZ_HOST,
      clientId: "app-9",
      tenantId: "tenant-9",
      idToken: githubActionsIdToken({ requestUrl: "https://gh.example.com/idtoken?run=1", requestToken: "gh-request-token" }),
      ...fast,
    });
    expect((await p.getToken()).accessToken).toBe("dbx-token");
    expect(audience).toBe("api://AzureADTokenExchange");
    expect(forms[0]).toEqual({
      grant_type: "client_credentials",
      client_id: "app-9",
      resource: AZURE_DATABRICKS_RESOURCE_ID,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.signature-of-github",
    });
    expect(await p.extraHeaders({})).toEqual({});
    expect(p.name).toBe("github-oidc-azure");
  });

  it("a refused assertion is an error without the assertion", async () => {
    nock(LOGIN).post("/t/oauth2/token").reply(401, { error: "invalid_client", error_description: "AADSTS700213: assertion eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig-abcdef rejected" });
    const p = azureFederatedCredentials({ host: AZ_HOST, clientId: "a", tenantId: "t", idToken: () => "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig-abcdef", retry: false });
    const error = (await Promise.resolve(p.getToken()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/invalid_client/);
    expect(error.message).not.toContain("sig-abcdef");
  });
});

describe("azure-devops-oidc", () => {
  const ADO = {
    SYSTEM_ACCESSTOKEN: "ado-system-access-token",
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: "https://dev.azure.com/org/",
    SYSTEM_TEAMPROJECTID: "proj-1",
    SYSTEM_HOSTTYPE: "build",
    SYSTEM_PLANID: "plan-1",
    SYSTEM_JOBID: "job-1",
  };

  it("posts to the pipeline's oidctoken URL with the system access token, then exchanges the token at Databricks", async () => {
    let authorization = "";
    nock("https://dev.azure.com")
      .post("/org/proj-1/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken")
      .query({ "api-version": "7.2-preview.1" })
      .reply(function () {
        authorization = String(this.req.headers.authorization);
        return [200, { oidcToken: "ado-jwt" }];
      });
    let exchange: Record<string, string> = {};
    nock("https://ws.example.com")
      .post("/oidc/v1/token")
      .reply((_uri, body) => {
        exchange = form(body);
        return [200, { access_token: "dbx-from-ado", expires_in: 3600 }];
      });
    const p = workloadIdentityCredentials({ host: "https://ws.example.com", clientId: "sp", tokenEndpoint: "https://ws.example.com/oidc/v1/token", idToken: azureDevOpsIdToken({ env: ADO }), name: "azure-devops-oidc", ...fast });
    expect((await p.getToken()).accessToken).toBe("dbx-from-ado");
    expect(authorization).toBe("Bearer ado-system-access-token");
    expect(exchange.subject_token).toBe("ado-jwt");
    expect(exchange.client_id).toBe("sp");
  });

  it("is not configured outside a pipeline, naming what is missing", () => {
    expect(() => azureDevOpsIdToken({ env: { ...ADO, SYSTEM_PLANID: "" } })).toThrow(CredentialUnavailableError);
    expect(() => azureDevOpsIdToken({ env: { ...ADO, SYSTEM_PLANID: "" } })).toThrow(/SYSTEM_PLANID/);
  });
});

describe("azure-cli (a stub az first on PATH)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lakebase-az-"));
  const log = join(dir, "calls.log");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `az`: logs its arguments, answers `account show` with `user`, `get-access-token` per resource. */
  function stubAz(options: { user?: object; failWithTenant?: boolean; notLoggedIn?: boolean } = {}) {
    writeFileSync(log, "");
    const user = JSON.stringify({ user: options.user ?? { name: "me@example.com", type: "user" } });
    writeFileSync(
      join(dir, "az"),
      `#!/bin/sh
echo "$*" >> "${log}"
${options.notLoggedIn ? `echo "ERROR: Please run 'az login' to setup account." >&2; exit 1` : ""}
if [ "$1 $2" = "account show" ]; then echo '${user}'; exit 0; fi
case "$*" in *--tenant*) ${options.failWithTenant ? `echo "AADSTS tenant mismatch" >&2; exit 1` : ":"} ;; esac
resource="$4"
echo "{\\"accessToken\\": \\"az-$resource\\", \\"expiresOn\\": \\"2030-01-02 03:04:05.123456\\", \\"expires_on\\": 1893553445, \\"tokenType\\": \\"Bearer\\"}"
`,
    );
    chmodSync(join(dir, "az"), 0o755);
  }
  const env = () => ({ PATH: `${dir}:/usr/bin:/bin` });
  const calls = () => readFileSync(log, "utf8").trim().split("\n");

  it("asks for the Azure Databricks resource with the tenant; expires_on read, 40 s early; the management token too", async () => {
    stubAz();
    const p = azureCliCredentials({ host: AZ_HOST, tenantId: "tenant-7", env: env() });
    const token = await p.getToken();
    expect(token.accessToken).toBe(`az-${AZURE_DATABRICKS_RESOURCE_ID}`);
    expect(token.expiresAt).toBe(1_893_553_445_000 - 40_000);
    expect(calls()).toContain(`account get-access-token --resource ${AZURE_DATABRICKS_RESOURCE_ID} --output json --tenant tenant-7`);
    expect(await p.extraHeaders({})).toEqual({ "X-Databricks-Azure-SP-Management-Token": `az-${MANAGEMENT}` });
    expect(p.name).toBe("azure-cli");
  });

  it("a managed-identity login gets no --tenant", async () => {
    stubAz({ user: { name: "systemAssignedIdentity", type: "servicePrincipal" } });
    await azureCliCredentials({ host: AZ_HOST, tenantId: "tenant-7", env: env(), managementToken: false }).getToken();
    expect(calls().filter((c) => c.includes("get-access-token")).every((c) => !c.includes("--tenant"))).toBe(true);
  });

  it("a service principal that fails with the tenant is asked again without it", async () => {
    stubAz({ user: { name: "sp-app", type: "servicePrincipal" }, failWithTenant: true });
    const token = await azureCliCredentials({ host: AZ_HOST, tenantId: "tenant-7", env: env(), managementToken: false }).getToken();
    expect(token.accessToken).toBe(`az-${AZURE_DATABRICKS_RESOURCE_ID}`);
    const asks = calls().filter((c) => c.includes("get-access-token"));
    expect(asks).toHaveLength(2);
    expect(asks[1]).not.toContain("--tenant");
  });

  it("discovers the tenant from the workspace when ARM_TENANT_ID is not set", async () => {
    stubAz();
    nock(AZ_HOST).get("/aad/auth").reply(302, "", { Location: `${LOGIN}/found-tenant/oauth2/authorize?x=1` });
    await azureCliCredentials({ host: AZ_HOST, env: env(), managementToken: false }).getToken();
    expect(calls().some((c) => c.endsWith("--tenant found-tenant"))).toBe(true);
  });

  it("not logged in, or no az at all: not configured (the chain moves on)", async () => {
    stubAz({ notLoggedIn: true });
    await expect(Promise.resolve(azureCliCredentials({ host: AZ_HOST, tenantId: "t", env: env() }).getToken())).rejects.toBeInstanceOf(CredentialUnavailableError);
    await expect(Promise.resolve(azureCliCredentials({ host: AZ_HOST, tenantId: "t", env: { PATH: "/nonexistent" } }).getToken())).rejects.toThrow(/not found on PATH/);
  });

  it("parses expiresOn (local time) when expires_on is absent, and refuses output without a token", () => {
    const token = parseAzureCliToken("azure-cli", JSON.stringify({ accessToken: "x", expiresOn: "2030-01-02 03:04:05.123456" }));
    expect(token.expiresAt).toBe(new Date(2030, 0, 2, 3, 4, 5, 123).getTime() - 40_000);
    expect(() => parseAzureCliToken("azure-cli", "{}")).toThrow(/no accessToken/);
    expect(() => parseAzureCliToken("azure-cli", "not json")).toThrow(/not JSON/);
  });
});
