/**
 * Each credential type of issue 13 at its place in the default chain (the Go SDK's order), the
 * "more than one method" check over every family, unified hosts (`/.well-known/databricks-config`,
 * `?o=` / `?a=`) and the knobs the chain reads, against local stand-ins.
 */
import nock from "nock";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { AZURE_DATABRICKS_RESOURCE_ID, type SelectedCredential } from "../../src/auth/index.js";
import { defaultCredentials, DEFAULT_CHAIN_ORDER, loadDatabricksConfig, type DefaultCredentialsOptions } from "../../src/auth/node.js";

const HOST = "https://ws.example.com";
const AZ_HOST = "https://adb-1.2.azuredatabricks.net";
const GCP_HOST = "https://1.2.gcp.databricks.com";
const home = mkdtempSync(join(tmpdir(), "lakebase-chain-cloud-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function chain(options: DefaultCredentialsOptions = {}) {
  return defaultCredentials({ homeDir: home, retry: { maxRetries: 1, baseDelayMs: 1 }, ...options, env: { PATH: "", ...options.env } });
}

/** Resolves the chain and checks the winner and that exactly the types before it were skipped. */
async function expectPlace(options: DefaultCredentialsOptions, name: (typeof DEFAULT_CHAIN_ORDER)[number], token: string) {
  let selected: SelectedCredential | undefined;
  const auth = chain({ ...options, onSelected: (s) => (selected = s) });
  expect((await auth.getToken()).accessToken).toBe(token);
  expect(auth.name).toBe(name);
  expect(selected!.skipped.map((s) => s.provider)).toEqual(DEFAULT_CHAIN_ORDER.slice(0, DEFAULT_CHAIN_ORDER.indexOf(name)));
  return auth;
}

describe("the default chain: order", () => {
  it("is the Go SDK's", () => {
    expect(DEFAULT_CHAIN_ORDER).toEqual([
      "pat", "oauth-m2m", "databricks-cli", "metadata-service", "github-oidc", "azure-devops-oidc", "env-oidc", "file-oidc",
      "github-oidc-azure", "azure-msi", "azure-client-secret", "azure-cli", "google-credentials", "google-id",
    ]);
  });
});

describe("the default chain: each cloud type at its place", () => {
  it("azure-devops-oidc (pipeline variables + client_id) after github-oidc", async () => {
    nock("https://dev.azure.com").post(/oidctoken/).query(true).reply(200, { oidcToken: "ado-jwt" });
    nock(HOST).get("/oidc/.well-known/oauth-authorization-server").reply(200, { authorization_endpoint: `${HOST}/oidc/v1/authorize`, token_endpoint: `${HOST}/oidc/v1/token` });
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "from-ado", expires_in: 3600 });
    await expectPlace(
      {
        env: {
          DATABRICKS_HOST: HOST,
          DATABRICKS_CLIENT_ID: "sp",
          SYSTEM_ACCESSTOKEN: "ado-secret-token",
          SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: "https://dev.azure.com/org/",
          SYSTEM_TEAMPROJECTID: "p",
          SYSTEM_HOSTTYPE: "build",
          SYSTEM_PLANID: "plan",
          SYSTEM_JOBID: "job",
        },
        hostMetadata: false,
      },
      "azure-devops-oidc",
      "from-ado",
    );
  });

  it("github-oidc-azure (Actions + ARM_CLIENT_ID + ARM_TENANT_ID, Azure host) before the other Azure types", async () => {
    nock("https://gh.example.com").get("/id").query(true).reply(200, { value: "gh-jwt" });
    nock("https://login.microsoftonline.com").post("/tenant/oauth2/token").reply(200, { access_token: "gh-azure", expires_in: 3600 });
    await expectPlace(
      { env: { DATABRICKS_HOST: AZ_HOST, ARM_CLIENT_ID: "app", ARM_TENANT_ID: "tenant", ACTIONS_ID_TOKEN_REQUEST_URL: "https://gh.example.com/id?x=1", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "req" } },
      "github-oidc-azure",
      "gh-azure",
    );
  });

  it("azure-msi (ARM_USE_MSI=true, Azure host)", async () => {
    nock("http://169.254.169.254").get("/metadata/identity/oauth2/token").query(true).times(2).reply(200, { access_token: "msi", expires_on: String(Math.floor(Date.now() / 1000) + 3600) });
    await expectPlace({ env: { DATABRICKS_HOST: AZ_HOST, ARM_USE_MSI: "true" } }, "azure-msi", "msi");
  });

  it("azure-client-secret (ARM_CLIENT_ID + ARM_CLIENT_SECRET)", async () => {
    nock("https://login.microsoftonline.com").post("/t/oauth2/token").times(2).reply(200, { access_token: "sp", expires_in: 3600 });
    await expectPlace({ env: { DATABRICKS_HOST: AZ_HOST, ARM_CLIENT_ID: "a", ARM_CLIENT_SECRET: "s", ARM_TENANT_ID: "t" } }, "azure-client-secret", "sp");
  });

  it("azure-cli (an Azure host and a logged-in az on PATH)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lakebase-az-chain-"));
    try {
      writeFileSync(
        join(dir, "az"),
        `#!/bin/sh\nif [ "$1 $2" = "account show" ]; then echo '{"user":{"name":"me","type":"user"}}'; exit 0; fi\necho '{"accessToken":"az-'"$4"'","expires_on":${Math.floor(Date.now() / 1000) + 3600}}'\n`,
      );
      chmodSync(join(dir, "az"), 0o755);
      await expectPlace({ env: { DATABRICKS_HOST: AZ_HOST, ARM_TENANT_ID: "t", PATH: dir } }, "azure-cli", `az-${AZURE_DATABRICKS_RESOURCE_ID}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("azure-cli is skipped (not configured) without az, and only Azure hosts are tried", async () => {
    const auth = chain({ env: { DATABRICKS_HOST: AZ_HOST } });
    const error = (await Promise.resolve(auth.getToken()).catch((e: unknown) => e)) as { attempts: Array<{ provider: string; reason: string }> };
    expect(error.attempts.find((a) => a.provider === "azure-cli")!.reason).toMatch(/not found on PATH/);
    const aws = (await Promise.resolve(chain({ env: { DATABRICKS_HOST: HOST } }).getToken()).catch((e: unknown) => e)) as typeof error;
    expect(aws.attempts.find((a) => a.provider === "azure-cli")!.reason).toBe("the host is not an Azure Databricks workspace");
  });

  it("google-credentials (GOOGLE_CREDENTIALS, GCP host)", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.sig`;
    nock("https://oauth2.googleapis.com").post("/token").times(2).reply(200, { id_token: idToken, access_token: "sa", expires_in: 3600 });
    const credentials = JSON.stringify({ type: "service_account", client_email: "sa@p.iam.gserviceaccount.com", private_key: privateKey });
    const auth = await expectPlace({ env: { DATABRICKS_HOST: GCP_HOST, GOOGLE_CREDENTIALS: credentials } }, "google-credentials", idToken);
    expect(inspect(auth.config)).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(auth.config)).not.toContain("PRIVATE KEY");
  });

  it("google-id (DATABRICKS_GOOGLE_SERVICE_ACCOUNT, GCP host; the caller from the metadata server)", async () => {
    nock("http://metadata.google.internal").get(/service-accounts\/default\/token/).reply(200, { access_token: "adc", expires_in: 3600 });
    const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.sig`;
    nock("https://iamcredentials.googleapis.com").post(/generateIdToken$/).reply(200, { token: idToken });
    await expectPlace({ env: { DATABRICKS_HOST: GCP_HOST, DATABRICKS_GOOGLE_SERVICE_ACCOUNT: "sa@p.iam.gserviceaccount.com" } }, "google-id", idToken);
  });

  it("every type can be forced with auth_type", () => {
    for (const type of DEFAULT_CHAIN_ORDER) expect(() => chain({ authType: type, env: { DATABRICKS_HOST: HOST } })).not.toThrow();
  });
});

describe("more than one authorization method configured", () => {
  const cases: Array<[Record<string, string>, RegExp, string[]]> = [
    [{ DATABRICKS_TOKEN: "dapi-secret-pat-value", ARM_USE_MSI: "true" }, /azure \(azureUseMsi from ARM_USE_MSI\) and pat/, ["dapi-secret-pat-value"]],
    [{ GOOGLE_CREDENTIALS: '{"private_key":"goog-secret-key"}', ARM_CLIENT_SECRET: "arm-secret-value" }, /azure .* and google/, ["goog-secret-key", "arm-secret-value"]],
    [{ DATABRICKS_OIDC_TOKEN_FILEPATH: "/tmp/t", DATABRICKS_CLIENT_SECRET: "client-secret-value" }, /file-oidc .* and oauth/, ["client-secret-value"]],
    [{ DATABRICKS_OIDC_TOKEN_ENV: "MY_TOKEN", DATABRICKS_GOOGLE_SERVICE_ACCOUNT: "sa@p" }, /env-oidc .* and google/, []],
    [{ DATABRICKS_AZURE_RESOURCE_ID: "/subscriptions/s/x", DATABRICKS_METADATA_SERVICE_URL: "http://localhost:1/secret-path" }, /azure .* and metadata-service/, ["secret-path"]],
  ];
  for (const [env, message, secrets] of cases) {
    it(`${Object.keys(env).join(" + ")}: an error naming both families, no secret`, () => {
      let error: Error | undefined;
      try {
        chain({ env: { DATABRICKS_HOST: HOST, ...env } });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toMatch(message);
      for (const secret of secrets) expect(`${error?.message} ${inspect(error)}`).not.toContain(secret);
    });
  }
  it("auth_type settles it", () => {
    expect(() => chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "t", ARM_USE_MSI: "true", DATABRICKS_AUTH_TYPE: "pat" } })).not.toThrow();
  });
});

describe("unified hosts", () => {
  it("?o= and ?a= in the host fill workspace_id and account_id; the query is dropped", () => {
    const config = loadDatabricksConfig({ env: { DATABRICKS_HOST: "https://unified.example.com/?o=12345&a=acc-9" }, homeDir: home });
    expect(config.values).toMatchObject({ host: "https://unified.example.com", workspaceId: "12345", accountId: "acc-9" });
    expect(config.sources.workspaceId).toMatch(/query of host/);
    const explicit = loadDatabricksConfig({ env: { DATABRICKS_HOST: "https://u.example.com/?o=1", DATABRICKS_WORKSPACE_ID: "2" }, homeDir: home });
    expect(explicit.values.workspaceId).toBe("2");
  });

  it("/.well-known/databricks-config fills account id, audience and discovery URL for workload identity", async () => {
    const U = "https://unified.example.com";
    nock(U).get("/.well-known/databricks-config").reply(200, {
      oidc_endpoint: `${U}/oidc/accounts/{account_id}`,
      account_id: "acc-1",
      workspace_id: "777",
      host_type: "UNIFIED_HOST",
      token_federation_default_oidc_audiences: ["aud-from-metadata"],
    });
    nock(U).get("/oidc/accounts/acc-1/.well-known/oauth-authorization-server").reply(200, { authorization_endpoint: `${U}/a`, token_endpoint: `${U}/oidc/accounts/acc-1/v1/token` });
    let exchange: Record<string, string> = {};
    nock(U)
      .post("/oidc/accounts/acc-1/v1/token")
      .reply((_uri, body) => {
        exchange = Object.fromEntries(new URLSearchParams(String(body)));
        return [200, { access_token: "unified", expires_in: 3600 }];
      });
    const auth = chain({ env: { DATABRICKS_HOST: U, DATABRICKS_OIDC_TOKEN: "eyJ.jwt.sig" } });
    const metadata = await auth.hostMetadata();
    expect(metadata).toMatchObject({ accountId: "acc-1", workspaceId: "777", hostType: "UNIFIED_HOST", tokenAudience: "aud-from-metadata", discoveryUrl: `${U}/oidc/accounts/acc-1/.well-known/oauth-authorization-server` });
    expect((await auth.getToken()).accessToken).toBe("unified");
    expect(exchange.subject_token).toBe("eyJ.jwt.sig");
    // The workspace id of a unified host travels with every request.
    expect(await (auth as unknown as { extraHeaders: (o: object) => Promise<Record<string, string>> }).extraHeaders({})).toEqual({ "X-Databricks-Workspace-Id": "777" });
  });

  it("metadata that cannot be had is not an error; DATABRICKS_WORKSPACE_ID needs no metadata", async () => {
    nock(HOST).get("/.well-known/databricks-config").reply(500, "oops");
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-x" } });
    expect(await auth.hostMetadata()).toBeUndefined();
    expect((await auth.getToken()).accessToken).toBe("dapi-x");
    const withId = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi-x", DATABRICKS_WORKSPACE_ID: "42" } });
    await withId.getToken();
    expect(await (withId as unknown as { extraHeaders: (o: object) => Promise<Record<string, string>> }).extraHeaders({})).toEqual({ "X-Databricks-Workspace-Id": "42" });
  });
});

describe("knobs the chain reads", () => {
  it("DATABRICKS_DISABLE_ASYNC_TOKEN_REFRESH and the new attributes are read from env", () => {
    const config = loadDatabricksConfig({
      env: { DATABRICKS_HOST: HOST, DATABRICKS_DISABLE_ASYNC_TOKEN_REFRESH: "true", DATABRICKS_HTTP_TIMEOUT_SECONDS: "5", DATABRICKS_RETRY_TIMEOUT_SECONDS: "30", DATABRICKS_DEBUG_HEADERS: "true", DATABRICKS_RATE_LIMIT: "10" },
      homeDir: home,
    });
    expect(config.values).toMatchObject({ disableAsyncTokenRefresh: "true", httpTimeoutSeconds: "5", retryTimeoutSeconds: "30", debugHeaders: "true", rateLimit: "10" });
  });

  it("DATABRICKS_HTTP_TIMEOUT_SECONDS bounds each token request", async () => {
    nock(HOST).get("/oidc/.well-known/oauth-authorization-server").delay(400).reply(200, {});
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_CLIENT_ID: "c", DATABRICKS_CLIENT_SECRET: "s", DATABRICKS_HTTP_TIMEOUT_SECONDS: "0.1" }, retry: false, hostMetadata: false });
    await expect(Promise.resolve(auth.getToken())).rejects.toThrow(/timeout/);
  });
});
