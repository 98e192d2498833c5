import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { recordingClient, settle } from "./harness.js";

const P = "projects/p";
const BR = `${P}/branches/dev`;
const EP = `${BR}/endpoints/primary`;
const DB = `${BR}/databases/db`;

async function refused(run: () => unknown, sent: unknown[], field: string | RegExp) {
  const outcome = await settle(run);
  expect(outcome.ok, "expected a ValidationError").toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(ValidationError);
  if (typeof field === "string") expect((error as ValidationError).field).toBe(field);
  else expect((error as ValidationError).field).toMatch(field);
  expect(sent).toHaveLength(0);
}

const MALFORMED = ["abc", "-5s", "1 day", "P7D", "ten minutes", "", "300", "300 s", "5m", "1e3s", "s", ".s", "300S", " 300s"];

describe("durations are checked by the spec's format and bounds before any request", () => {
  for (const bad of MALFORMED) {
    it(`malformed ${JSON.stringify(bad)} is refused in every duration field`, async () => {
      const { client, sent } = recordingClient();
      await refused(() => client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: bad as `${number}s` } }), sent, "spec.suspend_timeout_duration");
      await refused(
        () => client.endpoints.create(BR, "r", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", suspend_timeout_duration: bad as `${number}s` } }),
        sent,
        "spec.suspend_timeout_duration",
      );
      await refused(() => client.credentials.generate({ endpoint: EP, ttl: bad as `${number}s` }), sent, "ttl");
      await refused(() => client.branches.create(P, "b", { spec: { ttl: bad as `${number}s` } }), sent, "spec.ttl");
      await refused(() => client.projects.create("p", { spec: { history_retention_duration: bad as `${number}s` } }), sent, "spec.history_retention_duration");
      await refused(
        () => client.projects.create("p", { initial_endpoint_spec: { suspend_timeout_duration: bad as `${number}s` } }),
        sent,
        "initial_endpoint_spec.suspend_timeout_duration",
      );
      await refused(
        () => client.projects.update(P, { spec: { default_endpoint_settings: { suspend_timeout_duration: bad as `${number}s` } } }),
        sent,
        "spec.default_endpoint_settings.suspend_timeout_duration",
      );
      await refused(() => client.dataApi.update(`${DB}/data-api`, { spec: { jwt_cache_max_lifetime: bad as `${number}s` } }), sent, "spec.jwt_cache_max_lifetime");
    });
  }

  it("a duration must be a string, not a number of seconds", async () => {
    const { client, sent } = recordingClient();
    await refused(() => client.credentials.generate({ endpoint: EP, ttl: 900 as unknown as `${number}s` }), sent, "ttl");
  });

  it("out-of-range values are refused with the bounds in the message", async () => {
    const { client, sent } = recordingClient();
    for (const ttl of ["299s", "3601s", "3600.000000001s", "0s", "86400s"]) {
      await refused(() => client.credentials.generate({ endpoint: EP, ttl: ttl as `${number}s` }), sent, "ttl");
    }
    for (const d of ["59s", "59.999s", "604801s", "0s"]) {
      await refused(() => client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: d as `${number}s` } }), sent, "spec.suspend_timeout_duration");
    }
    for (const d of ["172799s", "3024001s", "86400s"]) {
      await refused(() => client.projects.create("p", { spec: { history_retention_duration: d as `${number}s` } }), sent, "spec.history_retention_duration");
    }
    const outcome = await settle(() => client.credentials.generate({ endpoint: EP, ttl: "7200s" }));
    expect(String((outcome as { error: Error }).error.message)).toMatch(/300s.*3600s/);
  });

  it("values inside the bounds, at the bounds and with fractions are sent unchanged", async () => {
    const { client, sent } = recordingClient((s) => (s.url.pathname.endsWith("/credentials") ? { token: "x" } : { name: `${P}/operations/x`, done: false }));
    await client.credentials.generate({ endpoint: EP, ttl: "300s" });
    await client.credentials.generate({ endpoint: EP, ttl: "3600s" });
    await client.credentials.generate({ endpoint: EP, ttl: "900.5s" });
    await client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "60s" } }).submitted();
    await client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "604800s" } }).submitted();
    await client.projects.create("p", { spec: { history_retention_duration: "172800s" } }).submitted();
    await client.projects.create("p", { spec: { history_retention_duration: "3024000s" } }).submitted();
    await client.branches.create(P, "b", { spec: { ttl: "3.5s" } }).submitted();
    await client.dataApi.update(`${DB}/data-api`, { spec: { jwt_cache_max_lifetime: "0s" } }).submitted();
    expect(sent).toHaveLength(9);
    expect(JSON.parse(sent[2]!.body)).toEqual({ endpoint: EP, ttl: "900.5s" });
  });
});

describe("output-only fields are refused in request bodies", () => {
  it("status, uid, create_time, update_time, delete_time, purge_time are refused by name", async () => {
    const { client, sent } = recordingClient();
    const bogus = (extra: Record<string, unknown>) => extra as never;
    await refused(() => client.projects.create("p", bogus({ spec: {}, status: { display_name: "x" } })), sent, "status");
    await refused(() => client.projects.create("p", bogus({ uid: "proj-x" })), sent, "uid");
    await refused(() => client.branches.create(P, "b", bogus({ create_time: "2026-01-01T00:00:00Z" })), sent, "create_time");
    await refused(() => client.branches.update(BR, bogus({ spec: { is_protected: true }, update_time: "2026-01-01T00:00:00Z" })), sent, "update_time");
    await refused(() => client.projects.create("p", bogus({ delete_time: "2026-01-01T00:00:00Z" })), sent, "delete_time");
    await refused(() => client.projects.create("p", bogus({ purge_time: "2026-01-01T00:00:00Z" })), sent, "purge_time");
    await refused(() => client.roles.create(BR, "r", bogus({ spec: { postgres_role: "r" }, status: {} })), sent, "status");
    await refused(() => client.catalogs.create("c", bogus({ spec: {}, uid: "u" })), sent, "uid");
  });

  it("name, parent and the resource's own id field stay accepted (Terraform-style layers send them)", async () => {
    const { client, sent } = recordingClient();
    await client.roles.create(BR, "r", { name: `${BR}/roles/r`, parent: BR, role_id: "r", spec: { postgres_role: "r" } } as never).submitted();
    await client.branches.create(P, "b", { name: `${P}/branches/b`, parent: P, branch_id: "b", spec: { no_expiry: true } } as never).submitted();
    await client.projects.create("p", { name: P, project_id: "p", spec: {} } as never).submitted();
    await client.catalogs.create("c", { name: "catalogs/c", catalog_id: "c", spec: {} } as never).submitted();
    expect(sent).toHaveLength(4);
  });
});

describe("request body size", () => {
  it("a body above 1 MiB of JSON is refused before any request", async () => {
    const { client, sent } = recordingClient();
    await refused(() => client.projects.create("p", { spec: { display_name: "x".repeat(2 * 1024 * 1024) } }), sent, "body");
    await refused(() => client.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", settings: { pg_settings: { big: "y".repeat(20 * 1024 * 1024) } } } }), sent, "body");
  });

  it("a body that is not JSON (a cycle, a BigInt) is a ValidationError, not a TypeError", async () => {
    const { client, sent } = recordingClient();
    const cyclic: Record<string, unknown> = { spec: {} };
    (cyclic.spec as Record<string, unknown>).self = cyclic;
    await refused(() => client.projects.create("p", cyclic as never), sent, "body");
    await refused(() => client.projects.create("p", { spec: { pg_version: 10n } } as never), sent, "body");
  });
});
