import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { HOSTILE_IDS as HOSTILE, recordingClient, settle } from "./harness.js";

const BR = "projects/p/branches/dev";
const CDF = `${BR}/databases/db/cdf-configs/cfg`;


async function expectRefused(run: () => unknown, sent: unknown[], field: RegExp) {
  const outcome = await settle(run);
  expect(outcome.ok, "expected a ValidationError").toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toMatch(field);
  expect(sent).toHaveLength(0);
}

describe("ids that would rewrite the request path are refused before any request", () => {
  for (const id of HOSTILE) {
    it(`role / catalog / CDF-status id ${JSON.stringify(id)}`, async () => {
      const { client, sent } = recordingClient();
      await expectRefused(() => client.roles.delete(`${BR}/roles/${id}`), sent, /role_id/);
      await expectRefused(() => client.roles.get(`${BR}/roles/${id}`), sent, /role_id/);
      await expectRefused(() => client.roles.update(`${BR}/roles/${id}`, { spec: { attributes: { createdb: true } } }), sent, /role_id/);
      await expectRefused(() => client.roles.create(BR, id, { spec: { postgres_role: "r" } }), sent, /role_id/);
      await expectRefused(() => client.catalogs.delete(`catalogs/${id}`), sent, /catalog_id/);
      await expectRefused(() => client.catalogs.get(`catalogs/${id}`), sent, /catalog_id/);
      await expectRefused(() => client.catalogs.create(id, { spec: { postgres_database: "app" } }), sent, /catalog_id/);
      await expectRefused(() => client.cdf.getStatus(`${CDF}/cdf-statuses/${id}`), sent, /cdf_status_id/);
    });
  }

  it("synced-table ids: no '/', '\\', '?', '#' or control characters in any part, encoded or not", async () => {
    const { client, sent } = recordingClient();
    for (const id of ["a.b.c%2fd", "a.b.c%2Fd", "a.b.c\\d", "a.b.c?d", "a.b.c#d", "a.b.c\nd", "a.b.c%00d", "a.b.c%252fd"]) {
      await expectRefused(() => client.syncedTables.get(`synced_tables/${id}`), sent, /synced_table_id/);
      await expectRefused(() => client.syncedTables.create(id, { spec: {} } as never), sent, /synced_table_id/);
    }
  });

  it("ordinary free-form ids still go through (emails, application ids, unicode, dots inside)", async () => {
    const { client, sent } = recordingClient(() => ({ name: `${BR}/roles/x` }));
    for (const id of ["someone@example.com", "6f1c2a3b-0000-4000-8000-000000000000", "équipe", "a.b", "...x", "a b"]) {
      await client.roles.get(`${BR}/roles/${id}`);
    }
    expect(sent.map((s) => s.url.pathname)).toEqual([
      "/api/2.0/postgres/projects/p/branches/dev/roles/someone%40example.com",
      "/api/2.0/postgres/projects/p/branches/dev/roles/6f1c2a3b-0000-4000-8000-000000000000",
      "/api/2.0/postgres/projects/p/branches/dev/roles/%C3%A9quipe",
      "/api/2.0/postgres/projects/p/branches/dev/roles/a.b",
      "/api/2.0/postgres/projects/p/branches/dev/roles/...x",
      "/api/2.0/postgres/projects/p/branches/dev/roles/a%20b",
    ]);
  });
});

describe("operation names must name an operation of a known resource", () => {
  const refused = [
    "projects/operations/branches/b",
    "operations/../projects/p",
    "projects/p/branches/b/operations/..",
    "projects/p/branches/b/operations/.",
    "foo/operations/x",
    "projects/p/branches/b/roles/operations/x",
    "projects/P/operations/x",
    "projects/p/branches/b/endpoints/e/extra/operations/x",
    "catalogs/../operations/x",
    "catalogs/%2e%2e/operations/x",
    "projects/p/operations/",
    "/projects/p/operations/x",
    "projects/p//operations/x",
    "projects/p/operations/a%2fb",
    "projects/p/operations/a b",
  ];
  for (const name of refused) {
    it(`refuses ${JSON.stringify(name)} with no request sent`, async () => {
      const { client, sent } = recordingClient();
      await expectRefused(() => client.operations.get(name), sent, /name/);
      expect(() => client.operations.resume(name, "CreateBranch")).toThrow(ValidationError);
    });
  }

  it("accepts the names the service hands out, spliced verbatim ('/', '+', '=' in the id)", async () => {
    const accepted = [
      "projects/p/branches/dev/operations/ab+c/d=",
      "projects/p/operations/a+b/c=",
      "projects/p/branches/b/endpoints/e/operations/Q2hhbmdl+Lzk/=",
      `${CDF}/operations/x`,
      `${BR}/databases/db/data-api/operations/x`,
      "catalogs/app_cat/operations/x",
      "synced_tables/main.sales.orders/operations/x",
      "projects/p/branches/operations/operations/x",
      "operations/abc",
    ];
    const { client, sent } = recordingClient((s) => ({ name: s.url.pathname.slice("/api/2.0/postgres/".length), done: false }));
    for (const name of accepted) {
      const op = await client.operations.get(name);
      expect(op.name).toBe(name);
    }
    expect(sent).toHaveLength(accepted.length);
  });
});
