import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { AuthConfigError } from "../../src/auth/index.js";
import { loadDatabricksConfig, parseDatabricksConfig, selectProfile } from "../../src/auth/node.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/databrickscfg", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "lakebase-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe(".databrickscfg parsing", () => {
  const sections = parseDatabricksConfig(
    ["a = 1", "[s]", "k = v # comment", "k2 = v2 ; comment", "pw = abc#def;ghi", "url: https://x:8080/p", "  spaced   =   value with spaces   ", "[s]", "later = yes", "[ dotted.name ]", "x=1"].join("\n"),
  );
  it("handles sections, `=` and `:`, trimming, DEFAULT for early keys, repeated sections", () => {
    expect(sections.get("DEFAULT")).toEqual({ a: "1" });
    expect(sections.get("s")).toEqual({ k: "v", k2: "v2", pw: "abc#def;ghi", url: "https://x:8080/p", spaced: "value with spaces", later: "yes" });
    expect(sections.get("dotted.name")).toEqual({ x: "1" });
  });

  it("reads the fixture: comments, inline comments only after a space, __settings__", () => {
    const s = parseDatabricksConfig(readFileSync(FIXTURE, "utf8"));
    expect(s.get("DEFAULT")).toEqual({ orphan_key: "goes-to-default", host: "https://dbc-default.cloud.databricks.com/", token: "dapi-default-token" });
    expect(s.get("sp")).toEqual({ host: "https://adb-123.4.azuredatabricks.net", client_id: "sp-client-id", client_secret: "pa#ss;word", account_id: "acc-colon-delimited" });
    expect(s.get("__settings__")?.default_profile).toBe("my-workspace");
    expect(selectProfile(s, undefined)).toMatchObject({ profile: "my-workspace" });
    expect(selectProfile(s, "__settings__")).toEqual({ missing: "__settings__" });
  });
});

describe("loadDatabricksConfig (explicit > env > file)", () => {
  const load = (input: Parameters<typeof loadDatabricksConfig>[0] = {}) => loadDatabricksConfig({ homeDir: home, configFile: FIXTURE, ...input });

  it("the named profile's values, not merged with DEFAULT", () => {
    const c = load({ env: { DATABRICKS_CONFIG_PROFILE: "pat-only" } });
    expect(c.profile).toBe("pat-only");
    expect(c.values).toEqual({ token: "dapi-pat-only" });
    expect(c.values.host).toBeUndefined();
  });

  it("without a named profile, [__settings__] default_profile is used", () => {
    const c = load({ env: {} });
    expect(c.profile).toBe("my-workspace");
    expect(c.values).toMatchObject({ host: "https://my-workspace.cloud.databricks.com", authType: "databricks-cli", scopes: "clusters, jobs, sql" });
    expect(c.profileNamed).toBe(false);
  });

  it("env overrides the profile attribute by attribute; explicit overrides env", () => {
    const env = { DATABRICKS_CONFIG_PROFILE: "sp", DATABRICKS_CLIENT_ID: "env-client", DATABRICKS_HOST: "https://env-host.cloud.databricks.com" };
    const c = load({ env });
    expect(c.values).toMatchObject({ host: "https://env-host.cloud.databricks.com", clientId: "env-client", clientSecret: "pa#ss;word", accountId: "acc-colon-delimited" });
    expect(c.sources).toMatchObject({ host: "DATABRICKS_HOST", clientId: "DATABRICKS_CLIENT_ID", clientSecret: `profile sp in ${FIXTURE}` });
    const e = load({ env, host: "explicit.cloud.databricks.com" });
    expect(e.values.host).toBe("https://explicit.cloud.databricks.com");
    expect(e.sources.host).toBe("explicit");
  });

  it("skips the file entirely when no profile is named and env already sets host or credentials", () => {
    const c = load({ env: { DATABRICKS_HOST: "https://env-only.cloud.databricks.com" } });
    expect(c.configFile).toBeUndefined();
    expect(c.fileSkipped).toMatch(/DATABRICKS_HOST/);
    expect(c.values).toEqual({ host: "https://env-only.cloud.databricks.com" });
    // ... but reads it when a profile is named
    expect(load({ env: { DATABRICKS_HOST: "https://h.cloud.databricks.com", DATABRICKS_CONFIG_PROFILE: "team.dev" } }).values).toMatchObject({ host: "https://h.cloud.databricks.com", token: "dapi-team-dev" });
  });

  it("DATABRICKS_CONFIG_FILE picks the file; the Go and Python key spellings both work", () => {
    const c = loadDatabricksConfig({ homeDir: home, env: { DATABRICKS_CONFIG_FILE: FIXTURE, DATABRICKS_CONFIG_PROFILE: "fileoidc" } });
    expect(c.values).toMatchObject({ oidcTokenFilepath: "/var/run/secrets/token", tokenAudience: "my-audience" });
    expect(c.configFile).toBe(FIXTURE);
  });

  it("~/.databrickscfg by default; a missing default file is fine, a missing named profile or file is not", () => {
    expect(loadDatabricksConfig({ homeDir: home, env: {} }).fileSkipped).toMatch(/does not exist/);
    writeFileSync(join(home, ".databrickscfg"), "[DEFAULT]\nhost = home.cloud.databricks.com\n");
    expect(loadDatabricksConfig({ homeDir: home, env: {} }).values.host).toBe("https://home.cloud.databricks.com");
    expect(() => load({ env: { DATABRICKS_CONFIG_PROFILE: "nope" } })).toThrow(AuthConfigError);
    expect(() => loadDatabricksConfig({ homeDir: home, configFile: join(home, "missing.cfg"), env: {} })).toThrow(/does not exist/);
  });

  it("prints secrets as ***", () => {
    const c = load({ env: { DATABRICKS_CONFIG_PROFILE: "sp" } });
    for (const text of [JSON.stringify(c), inspect(c, { depth: 5 }), JSON.stringify(c.values)]) {
      expect(text).not.toContain("pa#ss;word");
      expect(text).toContain("***");
    }
    expect(c.values.clientSecret).toBe("pa#ss;word");
  });
});
