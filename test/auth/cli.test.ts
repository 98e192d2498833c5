import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { CredentialUnavailableError, AuthenticationFailedError, InvalidTokenResponseError } from "../../src/auth/index.js";
import { databricksCliCredentials, parseExpiry } from "../../src/auth/node.js";

const dir = mkdtempSync(join(tmpdir(), "lakebase-fake-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake `databricks` executable: logs its argv, answers `version` and `auth token` per env. */
function fakeCli(name: string, version: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
if (process.env.FAKE_CLI_LOG) fs.appendFileSync(process.env.FAKE_CLI_LOG, JSON.stringify(args) + "\\n");
if (args[0] === "version") {
  const [Major, Minor, Patch] = ${JSON.stringify(version)}.split(".").map(Number);
  process.stdout.write(JSON.stringify({ Version: ${JSON.stringify(version)}, Major, Minor, Patch }));
  process.exit(0);
}
const mode = process.env.FAKE_CLI_MODE || "ok";
if (mode === "not-logged-in") {
  process.stderr.write("Error: cannot get access token: databricks OAuth is not configured for this host. Try logging in again with \`databricks auth login\`\\n");
  process.exit(1);
}
if (mode === "fail") {
  process.stderr.write("Error: refresh token is invalid: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl\\n");
  process.exit(1);
}
if (mode === "garbage") { process.stdout.write("not json"); process.exit(0); }
process.stdout.write(JSON.stringify({ access_token: "cli-token-" + (process.env.FAKE_CLI_N || "1"), token_type: "Bearer", expiry: "2030-01-02T03:04:05.123456789+01:00" }));
`,
  );
  chmodSync(path, 0o755);
  return path;
}

const modern = fakeCli("databricks-modern", "0.296.0");
const old = fakeCli("databricks-old", "0.200.0");

function run(log: string, mode = "ok") {
  return { ...process.env, FAKE_CLI_LOG: log, FAKE_CLI_MODE: mode };
}

function calls(log: string): string[][] {
  return readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]);
}

describe("databricks-cli", () => {
  it("runs `auth token --profile P --force-refresh` on a recent CLI and parses the JSON", async () => {
    const log = join(dir, "log1");
    const p = databricksCliCredentials({ profile: "dev", cliPath: modern, env: run(log) });
    const token = await p.getToken();
    expect(token.accessToken).toBe("cli-token-1");
    expect(token.expiresAt).toBe(Date.parse("2030-01-02T03:04:05.123+01:00"));
    expect(calls(log)).toEqual([
      ["version", "--output", "json"],
      ["auth", "token", "--profile", "dev", "--force-refresh"],
    ]);
    expect(p.name).toBe("databricks-cli");
    await p.getToken(); // cached in process: no second CLI run
    expect(calls(log)).toHaveLength(2);
  });

  it("on an old CLI uses --host (and --account-id for account hosts), without --force-refresh", async () => {
    const log = join(dir, "log2");
    await databricksCliCredentials({ profile: "p", host: "https://accounts.cloud.databricks.com", accountId: "acc", cliPath: old, env: run(log) }).getToken();
    expect(calls(log).at(-1)).toEqual(["auth", "token", "--host", "https://accounts.cloud.databricks.com", "--account-id", "acc"]);
  });

  it("no login for the host is NOT CONFIGURED (the chain moves on)", async () => {
    const p = databricksCliCredentials({ host: "https://ws.example.com", cliPath: modern, env: run(join(dir, "log3"), "not-logged-in") });
    await expect(Promise.resolve(p.getToken())).rejects.toBeInstanceOf(CredentialUnavailableError);
  });

  it("another CLI failure is an AuthenticationFailedError that quotes stderr without token-like strings", async () => {
    const p = databricksCliCredentials({ host: "https://ws.example.com", cliPath: modern, env: run(join(dir, "log4"), "fail") });
    const error = (await Promise.resolve(p.getToken()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AuthenticationFailedError);
    expect(error.message).toMatch(/refresh token is invalid/);
    expect(error.message).not.toMatch(/eyJhbGci/);
  });

  it("output that is not JSON is an InvalidTokenResponseError", async () => {
    const p = databricksCliCredentials({ host: "https://ws.example.com", cliPath: modern, env: run(join(dir, "log5"), "garbage") });
    await expect(Promise.resolve(p.getToken())).rejects.toBeInstanceOf(InvalidTokenResponseError);
  });

  it("is not configured without a CLI on PATH; a small (legacy Python) `databricks` on PATH is ignored", () => {
    const pathDir = mkdtempSync(join(dir, "path-"));
    writeFileSync(join(pathDir, "databricks"), "#!/bin/sh\necho legacy\n", { mode: 0o755 });
    expect(() => databricksCliCredentials({ host: "https://ws.example.com", env: { PATH: pathDir } })).toThrow(/not found on PATH/);
    expect(() => databricksCliCredentials({ env: { PATH: pathDir } })).toThrow(CredentialUnavailableError);
  });

  it("a missing executable is NOT CONFIGURED at token time", async () => {
    const p = databricksCliCredentials({ host: "https://ws.example.com", cliPath: join(dir, "nope"), env: {} });
    await expect(Promise.resolve(p.getToken())).rejects.toBeInstanceOf(CredentialUnavailableError);
  });

  it("parses RFC 3339 (nanoseconds) and the space-separated form", () => {
    expect(parseExpiry("2026-08-21T13:46:32.123456+02:00")).toBe(Date.parse("2026-08-21T13:46:32.123+02:00"));
    expect(parseExpiry("2026-08-21T13:46:32Z")).toBe(Date.parse("2026-08-21T13:46:32Z"));
    expect(parseExpiry("2026-08-21 13:46:32.5")).toBe(Date.parse("2026-08-21T13:46:32.500"));
    expect(parseExpiry("tomorrow")).toBeUndefined();
  });
});
