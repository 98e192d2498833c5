import nock from "nock";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { inspect } from "node:util";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { AuthConfigError, chainCredentials, CredentialUnavailableError, NoCredentialsError, patCredentials, AuthenticationFailedError } from "../../src/auth/index.js";
import { defaultCredentials, DEFAULT_CHAIN_ORDER, type DefaultCredentialsOptions } from "../../src/auth/node.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/databrickscfg", import.meta.url));
const HOST = "https://ws.example.com";
const home = mkdtempSync(join(tmpdir(), "lakebase-chain-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** Isolated from the machine: no ~/.databrickscfg, no CLI on PATH, fast retries. */
function chain(options: DefaultCredentialsOptions = {}) {
  return defaultCredentials({ homeDir: home, retry: { maxRetries: 1, baseDelayMs: 1 }, ...options, env: { PATH: "", ...options.env } });
}

function oidcDiscovery() {
  nock(HOST)
    .get("/oidc/.well-known/oauth-authorization-server")
    .reply(200, { authorization_endpoint: `${HOST}/oidc/v1/authorize`, token_endpoint: `${HOST}/oidc/v1/token` });
}

describe("default credentials: precedence explicit > env > file", () => {
  const table: Array<{ name: string; options: DefaultCredentialsOptions; token: string }> = [
    { name: "explicit beats env", options: { token: "explicit-tok", env: { DATABRICKS_TOKEN: "env-tok" } }, token: "explicit-tok" },
    { name: "env beats the profile", options: { configFile: FIXTURE, env: { DATABRICKS_TOKEN: "env-tok", DATABRICKS_CONFIG_PROFILE: "pat-only" } }, token: "env-tok" },
    { name: "the profile when nothing else", options: { configFile: FIXTURE, env: { DATABRICKS_CONFIG_PROFILE: "pat-only" } }, token: "dapi-pat-only" },
    { name: "explicit profile beats DATABRICKS_CONFIG_PROFILE", options: { configFile: FIXTURE, profile: "team.dev", env: { DATABRICKS_CONFIG_PROFILE: "pat-only" } }, token: "dapi-team-dev" },
    { name: "DEFAULT profile via DATABRICKS_CONFIG_FILE", options: { env: { DATABRICKS_CONFIG_FILE: FIXTURE, DATABRICKS_CONFIG_PROFILE: "DEFAULT" } }, token: "dapi-default-token" },
  ];
  for (const row of table) {
    it(row.name, async () => {
      const auth = chain(row.options);
      expect((await auth.getToken()).accessToken).toBe(row.token);
      expect(auth.name).toBe("pat");
    });
  }

  it("the profile's host is exposed, normalised", () => {
    expect(chain({ configFile: FIXTURE, env: { DATABRICKS_CONFIG_PROFILE: "team.dev" } }).host).toBe("https://team-dev.cloud.databricks.com");
  });
});

describe("default credentials: selection", () => {
  it("skips providers that are not configured and reports the winner (onSelected, name)", async () => {
    oidcDiscovery();
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "federated", expires_in: 3600 });
    const selected: string[] = [];
    let skipped: readonly { provider: string; reason: string }[] = [];
    const auth = chain({
      env: { DATABRICKS_HOST: HOST, DATABRICKS_OIDC_TOKEN: "eyJ.jwt.sig" },
      onSelected: (s) => {
        selected.push(s.name);
        skipped = s.skipped;
      },
    });
    expect(auth.name).toBeUndefined();
    expect((await auth.getToken()).accessToken).toBe("federated");
    expect(auth.name).toBe("env-oidc");
    expect(selected).toEqual(["env-oidc"]);
    expect(skipped.map((s) => s.provider)).toEqual(["pat", "oauth-m2m", "databricks-cli", "metadata-service", "github-oidc", "azure-devops-oidc"]);
    expect(String(auth)).toBe("ChainedTokenProvider(env-oidc)");
  });

  it("moves past a CLI that has no login for the host (known only at token time)", async () => {
    const cli = join(home, "databricks-fake");
    writeFileSync(
      cli,
      `#!${process.execPath}
if (process.argv[2] === "version") { process.stdout.write('{"Major":0,"Minor":300,"Patch":0}'); process.exit(0); }
process.stderr.write("Error: databricks OAuth is not configured for this host"); process.exit(1);
`,
    );
    chmodSync(cli, 0o755);
    oidcDiscovery();
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "after-cli", expires_in: 3600 });
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_CLI_PATH: cli, DATABRICKS_OIDC_TOKEN: "jwt" } });
    const selection = await auth.resolve();
    expect(selection.name).toBe("env-oidc");
    expect(selection.skipped.find((s) => s.provider === "databricks-cli")?.reason).toMatch(/no login/);
  });

  it("a configured provider that fails stops the chain with its own error", async () => {
    oidcDiscovery();
    nock(HOST).post("/oidc/v1/token").reply(400, { error: "invalid_client", error_description: "bad secret" });
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_CLIENT_ID: "id", DATABRICKS_CLIENT_SECRET: "the-secret", DATABRICKS_OIDC_TOKEN: "jwt" } });
    const error = await Promise.resolve(auth.getToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect((error as AuthenticationFailedError).provider).toBe("oauth-m2m");
    expect((error as Error).message).not.toContain("the-secret");
  });

  it("nothing configured: one error listing every provider and why it was skipped", async () => {
    const auth = chain({ env: {} });
    const error = (await Promise.resolve(auth.getToken()).catch((e: unknown) => e)) as NoCredentialsError;
    expect(error).toBeInstanceOf(NoCredentialsError);
    expect(error.attempts.map((a) => a.provider)).toEqual([...DEFAULT_CHAIN_ORDER]);
    for (const attempt of error.attempts) expect(error.message).toContain(`${attempt.provider}: ${attempt.reason}`);
    expect(error.attempts[0]!.reason).toMatch(/DATABRICKS_TOKEN/);
    expect(error.attempts[1]!.reason).toMatch(/client_id/);
    expect(error.message).toMatch(/docs\.databricks\.com/);
    expect(error.message).toMatch(/does not exist/); // the (absent) config file is mentioned
  });

  it("a failed selection is retried on the next call (the failure is not cached)", async () => {
    // env-oidc reads its variable when the chain runs, so setting it between the calls makes the
    // second selection succeed: a remembered failure would answer NoCredentialsError again.
    const env: Record<string, string> = { PATH: "", DATABRICKS_HOST: HOST };
    const auth = defaultCredentials({ homeDir: home, retry: { maxRetries: 1, baseDelayMs: 1 }, env });
    await expect(Promise.resolve(auth.getToken())).rejects.toBeInstanceOf(NoCredentialsError);
    expect(auth.name).toBeUndefined();
    env.DATABRICKS_OIDC_TOKEN = "eyJ.jwt.sig";
    oidcDiscovery();
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "second-try", expires_in: 3600 });
    expect((await auth.getToken()).accessToken).toBe("second-try");
    expect(auth.name).toBe("env-oidc");
  });
});

describe("default credentials: auth_type", () => {
  it("forces one provider even when another would come first", async () => {
    oidcDiscovery();
    let auth = "";
    nock(HOST)
      .post("/oidc/v1/token")
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { access_token: "forced-m2m", expires_in: 3600 }];
      });
    const provider = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: "dapi", DATABRICKS_CLIENT_ID: "id", DATABRICKS_CLIENT_SECRET: "s", DATABRICKS_AUTH_TYPE: "oauth-m2m" } });
    expect((await provider.getToken()).accessToken).toBe("forced-m2m");
    expect(provider.name).toBe("oauth-m2m");
    expect(auth).toMatch(/^Basic /);
  });

  it("auth_type from the profile file", async () => {
    const provider = chain({ configFile: FIXTURE, profile: "team.dev", authType: "pat" });
    expect((await provider.getToken()).accessToken).toBe("dapi-team-dev");
  });

  it("a forced provider that is not configured returns its own error, not the aggregate", async () => {
    const error = await Promise.resolve(chain({ env: { DATABRICKS_AUTH_TYPE: "oauth-m2m", DATABRICKS_HOST: HOST } }).getToken()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect(error).not.toBeInstanceOf(NoCredentialsError);
    expect((error as Error).message).toMatch(/client_id/);
  });

  it("unknown and unsupported types are refused up front", () => {
    expect(() => chain({ authType: "magic" })).toThrow(/auth type "magic" not found/);
    expect(() => chain({ authType: "runtime" })).toThrow(/not supported/);
  });

  it("more than one method without auth_type is an error naming the sources", () => {
    const error = (() => {
      try {
        chain({ token: "dapi-explicit", env: { DATABRICKS_CLIENT_ID: "id", DATABRICKS_CLIENT_SECRET: "s3cr3t-value" } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(AuthConfigError);
    expect(error!.message).toMatch(/more than one authorization method configured: oauth .* and pat \(token from explicit\)/);
    // The advice names values auth_type accepts, and each of them is accepted.
    expect(error!.message).toMatch(/set auth_type \(DATABRICKS_AUTH_TYPE\) to choose one: oauth-m2m, github-oidc, azure-devops-oidc, external-browser, pat$/);
    for (const authType of ["oauth-m2m", "pat"]) expect(() => chain({ token: "dapi-explicit", authType, env: { DATABRICKS_CLIENT_ID: "id", DATABRICKS_CLIENT_SECRET: "s3cr3t-value" } })).not.toThrow();
    expect(error!.message).not.toMatch(/dapi-explicit|s3cr3t-value/);
    // An auth_type that does not exist lists the ones that do.
    expect(() => chain({ authType: "oauth", env: {} })).toThrow(/auth type "oauth" not found; the types: pat, oauth-m2m, databricks-cli, .*external-browser/);
  });
});

describe("chainCredentials (core, generic)", () => {
  it("a failed selection is not remembered: the next call runs the links again", async () => {
    let creates = 0;
    const auth = chainCredentials([
      {
        name: "flaky",
        create: () => {
          creates += 1;
          if (creates === 1) throw new CredentialUnavailableError("flaky", "not yet");
          return patCredentials({ token: "now-configured" });
        },
      },
    ]);
    const first = await Promise.resolve(auth.getToken()).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(NoCredentialsError);
    expect((first as NoCredentialsError).attempts).toEqual([{ provider: "flaky", reason: "not yet" }]);
    expect((await auth.getToken()).accessToken).toBe("now-configured");
    expect(creates).toBe(2);
    // once selected, the choice is kept
    expect((await auth.getToken()).accessToken).toBe("now-configured");
    expect(creates).toBe(2);
  });

  it("a failure that is not 'unavailable' is not remembered either", async () => {
    let creates = 0;
    const auth = chainCredentials([
      {
        name: "broken-once",
        create: () => {
          creates += 1;
          if (creates === 1) throw new TypeError("transient boom");
          return patCredentials({ token: "recovered" });
        },
      },
    ]);
    await expect(auth.getToken()).rejects.toThrow("transient boom");
    expect((await auth.getToken()).accessToken).toBe("recovered");
  });

  it("tries links in order and rethrows a non-availability error", async () => {
    const auth = chainCredentials([
      { name: "first", create: () => patCredentials({ env: {} }) },
      { name: "second", create: () => patCredentials({ token: "second-token" }) },
    ]);
    expect((await auth.getToken()).accessToken).toBe("second-token");
    expect(auth.name).toBe("pat");
    const broken = chainCredentials([
      {
        name: "broken",
        create: () => {
          throw new TypeError("boom");
        },
      },
      { name: "never", create: () => patCredentials({ token: "x" }) },
    ]);
    await expect(broken.getToken()).rejects.toThrow("boom");
  });
});

describe("chainCredentials: selection details", () => {
  const unavailable = (name: string, reason: string) => ({
    name,
    create: (): never => {
      throw new CredentialUnavailableError(name, reason);
    },
  });

  it("the error names the chain ('chain' unless named) and lists every link", async () => {
    const unnamed = await Promise.resolve(chainCredentials([unavailable("a", "no a")]).getToken()).catch((e: unknown) => e);
    expect(unnamed).toBeInstanceOf(NoCredentialsError);
    expect((unnamed as Error).message).toBe("chain: no credentials found; tried:\n  - a: no a");
    const named = await Promise.resolve(chainCredentials([unavailable("a", "no a"), unavailable("b", "no b")], { name: "mine", hint: "see the docs" }).getToken()).catch((e: unknown) => e);
    expect((named as Error).message).toBe("mine: no credentials found; tried:\n  - a: no a\n  - b: no b\nsee the docs");
  });

  it("rethrowSingle rethrows the link's own error only when there is exactly one link", async () => {
    const single = await Promise.resolve(chainCredentials([unavailable("only", "not here")], { rethrowSingle: true }).getToken()).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(CredentialUnavailableError);
    expect(single).not.toBeInstanceOf(NoCredentialsError);
    const two = await Promise.resolve(chainCredentials([unavailable("a", "no a"), unavailable("b", "no b")], { rethrowSingle: true }).getToken()).catch((e: unknown) => e);
    expect(two).toBeInstanceOf(NoCredentialsError);
  });

  it("the winner is named by its provider's name, else by its link's name", async () => {
    const unnamedProvider = chainCredentials([{ name: "custom-link", create: () => ({ getToken: () => ({ accessToken: "x" }) }) }]);
    await unnamedProvider.getToken();
    expect(unnamedProvider.name).toBe("custom-link");
    const namedProvider = chainCredentials([{ name: "link", create: () => patCredentials({ token: "y" }) }]);
    await namedProvider.getToken();
    expect(namedProvider.name).toBe("pat");
  });

  it("the selection's dry run gets the caller's signal", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const auth = chainCredentials([{ name: "p", create: () => ({ getToken: (o?: { signal?: AbortSignal }) => (signals.push(o?.signal), { accessToken: "t" }) }) }]);
    const controller = new AbortController();
    await auth.getToken({ signal: controller.signal });
    expect(signals).toEqual([controller.signal]);
  });

  it("concurrent first callers share one selection and its dry-run token", async () => {
    let creates = 0;
    let asked = 0;
    const auth = chainCredentials([
      {
        name: "p",
        create: async () => {
          creates += 1;
          await new Promise((r) => setTimeout(r, 20));
          return { getToken: () => ({ accessToken: `t-${++asked}` }) };
        },
      },
    ]);
    const tokens = await Promise.all([auth.getToken(), auth.getToken(), auth.getToken()]);
    expect(tokens.map((t) => t.accessToken)).toEqual(["t-1", "t-1", "t-1"]);
    expect(creates).toBe(1);
    expect(asked).toBe(1);
  });

  it("a forced refresh during the first selection is not answered with the dry run's token", async () => {
    const asked: boolean[] = [];
    const auth = chainCredentials([{ name: "p", create: () => ({ getToken: (o?: { forceRefresh?: boolean }) => (asked.push(o?.forceRefresh === true), { accessToken: `t-${asked.length}` }) }) }]);
    expect((await auth.getToken({ forceRefresh: true })).accessToken).toBe("t-2");
    expect(asked).toEqual([false, true]);
  });

  it("prints which provider won, never a token, and keeps its printing helpers out of its keys", async () => {
    const auth = chainCredentials([{ name: "pat", create: () => patCredentials({ token: "dapi-secret-in-chain" }) }]);
    expect(String(auth)).toBe("ChainedTokenProvider(unresolved)");
    expect(JSON.stringify(auth)).toBe('{"provider":"ChainedTokenProvider","selected":null}');
    expect(inspect(auth)).toBe("ChainedTokenProvider(unresolved)");
    await auth.getToken();
    expect(String(auth)).toBe("ChainedTokenProvider(pat)");
    expect(JSON.stringify(auth)).toBe('{"provider":"ChainedTokenProvider","selected":"pat"}');
    expect(inspect(auth)).toBe("ChainedTokenProvider(pat)");
    expect(Object.keys(auth).sort()).toEqual(["getToken", "name", "refreshable", "resolve"]);
    for (const key of ["toString", "toJSON", Symbol.for("nodejs.util.inspect.custom")]) {
      expect(Object.getOwnPropertyDescriptor(auth, key)).toMatchObject({ enumerable: false, configurable: true });
    }
  });
});

describe("default credentials: every chained type is reachable", () => {
  it("file-oidc reads the ID token file", async () => {
    const file = join(home, "id-token");
    writeFileSync(file, "file-jwt\n");
    oidcDiscovery();
    let subject = "";
    nock(HOST)
      .post("/oidc/v1/token")
      .reply((_u, b) => {
        subject = new URLSearchParams(String(b)).get("subject_token")!;
        return [200, { access_token: "from-file", expires_in: 3600 }];
      });
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_OIDC_TOKEN_FILEPATH: file } });
    expect((await auth.getToken()).accessToken).toBe("from-file");
    expect(auth.name).toBe("file-oidc");
    expect(subject).toBe("file-jwt");
  });

  it("metadata-service from DATABRICKS_METADATA_SERVICE_URL", async () => {
    nock("http://localhost:7777").get("/token").reply(200, { access_token: "ide", token_type: "Bearer", expires_on: 4_000_000_000 });
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_METADATA_SERVICE_URL: "http://localhost:7777/token" } });
    expect((await auth.getToken()).accessToken).toBe("ide");
    expect(auth.name).toBe("metadata-service");
  });

  it("github-oidc from the Actions environment", async () => {
    nock("https://gh.example.com").get("/id").query(true).reply(200, { value: "gh-jwt" });
    oidcDiscovery();
    nock(HOST).post("/oidc/v1/token").reply(200, { access_token: "gh", expires_in: 3600 });
    const auth = chain({ env: { DATABRICKS_HOST: HOST, DATABRICKS_CLIENT_ID: "sp", ACTIONS_ID_TOKEN_REQUEST_URL: "https://gh.example.com/id?x=1", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "req" } });
    expect((await auth.getToken()).accessToken).toBe("gh");
    expect(auth.name).toBe("github-oidc");
  });

  it("azure-client-secret only for Azure hosts", async () => {
    const AZ = "https://adb-1.2.azuredatabricks.net";
    nock("https://login.microsoftonline.com").post("/tenant/oauth2/token").reply(200, { access_token: "az", expires_in: 3600 });
    const auth = chain({ env: { DATABRICKS_HOST: AZ, ARM_CLIENT_ID: "a", ARM_CLIENT_SECRET: "s", ARM_TENANT_ID: "tenant" } });
    expect((await auth.getToken()).accessToken).toBe("az");
    expect(auth.name).toBe("azure-client-secret");
    const aws = chain({ env: { DATABRICKS_HOST: HOST, ARM_CLIENT_ID: "a", ARM_CLIENT_SECRET: "s" } });
    const error = (await Promise.resolve(aws.getToken()).catch((e: unknown) => e)) as NoCredentialsError;
    expect(error.attempts.find((a) => a.provider === "azure-client-secret")).toEqual({ provider: "azure-client-secret", reason: "the host is not an Azure Databricks workspace" });
  });
});
