import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, ValidationError, type LakebaseClient } from "../../../src/index.js";

const HOST = "https://ws.example.com";
const B = "/api/2.0/postgres";
const P = "projects/p";
const BR = `${P}/branches/dev`;
const EP = `${BR}/endpoints/primary`;
const RL = `${BR}/roles/app`;
const DB = `${BR}/databases/app`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const client = () => createLakebaseClient({ host: HOST, auth: "t", retry: false });

/** Captures the PATCH the client sends: the exact path+query and the body. */
function capturePatch(path: string) {
  const seen: { url: string; body: unknown }[] = [];
  nock(HOST)
    .patch(path)
    .query(true)
    .reply(function (uri, body) {
      seen.push({ url: uri, body });
      return [200, { name: `${path.slice(B.length + 1)}/operations/x`, done: false }];
    });
  return seen;
}

const derived: [string, (c: LakebaseClient) => { submitted(): Promise<unknown> }, string, string][] = [
  [
    "endpoint: suspension member → spec.suspension; leaf kept",
    (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "600s", autoscaling_limit_max_cu: 4 } }),
    `${B}/${EP}`,
    "update_mask=spec.autoscaling_limit_max_cu%2Cspec.suspension",
  ],
  [
    "endpoint: no_suspension: true disables scale-to-zero under spec.suspension",
    (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", no_suspension: true } }),
    `${B}/${EP}`,
    "update_mask=spec.suspension",
  ],
  [
    "endpoint: pg_settings masked as a whole map",
    (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", settings: { pg_settings: { work_mem: "64MB", max_connections: "200" } } } }),
    `${B}/${EP}`,
    "update_mask=spec.settings.pg_settings",
  ],
  [
    "endpoint: HA group leaves with suspension off",
    (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", group: { min: 2, max: 2 }, no_suspension: true } }),
    `${B}/${EP}`,
    "update_mask=spec.group.max%2Cspec.group.min%2Cspec.suspension",
  ],
  ["branch: explicit false is a change", (c) => c.branches.update(BR, { spec: { is_protected: false } }), `${B}/${BR}`, "update_mask=spec.is_protected"],
  ["branch: ttl → spec.expiration", (c) => c.branches.update(BR, { spec: { ttl: "3600s" } }), `${B}/${BR}`, "update_mask=spec.expiration"],
  ["branch: no_expiry: true → spec.expiration", (c) => c.branches.update(BR, { spec: { no_expiry: true } }), `${B}/${BR}`, "update_mask=spec.expiration"],
  [
    "project: default suspension → spec.default_endpoint_settings.suspension",
    (c) => c.projects.update(P, { spec: { display_name: "x", default_endpoint_settings: { suspend_timeout_duration: "120s" } } }),
    `${B}/${P}`,
    "update_mask=spec.default_endpoint_settings.suspension%2Cspec.display_name",
  ],
  [
    "project: custom_tags as a whole list (empty list clears)",
    (c) => c.projects.update(P, { spec: { custom_tags: [] } }),
    `${B}/${P}`,
    "update_mask=spec.custom_tags",
  ],
  ["role: attributes per leaf", (c) => c.roles.update(RL, { spec: { attributes: { createdb: true } } }), `${B}/${RL}`, "update_mask=spec.attributes.createdb"],
  ["database: rename", (c) => c.databases.update(DB, { spec: { postgres_database: "app_v2", role: `${BR}/roles/app` } }), `${B}/${DB}`, "update_mask=spec.postgres_database%2Cspec.role"],
  [
    // Recorded from the bundle engine against real workspaces (docs/api-behaviour.md#update-mask-rules, rule 6)
    "explicit '*' with the whole spec goes through: the server names a field left out",
    (c) => c.branches.update(BR, { name: BR, spec: { is_protected: true, no_expiry: true } } as never, { update_mask: "*" }),
    `${B}/${BR}`,
    "update_mask=*",
  ],
  [
    // Recorded from Terraform against real workspaces (docs/api-behaviour.md#update-mask-rules, rule 10)
    "explicit initial_branch_spec,initial_endpoint_spec,spec without the initial specs in the body goes through",
    (c) => c.projects.update(P, { name: P, spec: { display_name: "renamed" } } as never, { update_mask: "initial_branch_spec,initial_endpoint_spec,spec" }),
    `${B}/${P}`,
    "update_mask=initial_branch_spec%2Cinitial_endpoint_spec%2Cspec",
  ],
  [
    "explicit mask is accepted as given",
    (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2 } }, { update_mask: ["spec.autoscaling_limit_min_cu"] }),
    `${B}/${EP}`,
    "update_mask=spec.autoscaling_limit_min_cu",
  ],
];

describe("update masks derived by the client, with the exact query string sent", () => {
  for (const [label, call, path, query] of derived) {
    it(label, async () => {
      const seen = capturePatch(path);
      await call(client()).submitted();
      expect(seen).toHaveLength(1);
      expect(seen[0]!.url).toBe(`${path}?${query}`);
    });
  }

  it("the body keeps the explicit false it masks", async () => {
    const seen = capturePatch(`${B}/${BR}`);
    await client().branches.update(BR, { spec: { is_protected: false } }).submitted();
    expect(seen[0]!.body).toEqual({ spec: { is_protected: false } });
  });
});

const refused: [string, (c: LakebaseClient) => { submitted(): Promise<unknown> }, RegExp][] = [
  ["no_suspension: false, with what to send instead", (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", no_suspension: false } }), /send no_suspension: true under spec\.suspension/],
  ["no_expiry: false", (c) => c.branches.update(BR, { spec: { no_expiry: false } }), /spec\.no_expiry: false.*send ttl or expire_time/],
  ["null under a masked path", (c) => c.branches.update(BR, { spec: { is_protected: null as never } }), /spec\.is_protected is null/],
  ["two members of one oneof", (c) => c.branches.update(BR, { spec: { ttl: "60s", expire_time: "2027-01-01T00:00:00Z" } }), /mutually exclusive/],
  ["immutable pg_version", (c) => c.projects.update(P, { spec: { pg_version: 17 } }), /spec\.pg_version is immutable/],
  ["immutable source_branch", (c) => c.branches.update(BR, { spec: { source_branch: `${P}/branches/main` } }), /spec\.source_branch is immutable/],
  ["immutable postgres_role", (c) => c.roles.update(RL, { spec: { postgres_role: "other" } }), /spec\.postgres_role is immutable/],
  ["create-only initial_endpoint_spec", (c) => c.projects.update(P, { initial_endpoint_spec: { autoscaling_limit_min_cu: 1 } }), /initial_endpoint_spec applies only at creation/],
  ["explicit member instead of its group", (c) => c.endpoints.update(EP, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "60s" } }, { update_mask: ["spec.suspend_timeout_duration" as never] }), /mask spec\.suspension instead of spec\.suspend_timeout_duration/],
  ["explicit mask path absent from the body", (c) => c.branches.update(BR, { spec: {} }, { update_mask: ["spec.is_protected"] }), /'spec\.is_protected' is in update_mask but not provided/],
  ["unknown mask path", (c) => c.branches.update(BR, { spec: { is_protected: true } }, { update_mask: "spec.is_protectd" }), /spec\.is_protectd/],
  ["wildcard with a bad value below it", (c) => c.branches.update(BR, { spec: { no_expiry: false } }, { update_mask: "*" }), /spec\.no_expiry: false/],
  ["create-only path whose value is sent", (c) => c.projects.update(P, { spec: { display_name: "x" }, initial_branch_spec: { is_protected: true } }, { update_mask: "initial_branch_spec,spec" }), /initial_branch_spec applies only at creation/],
  ["nothing to update", (c) => c.branches.update(BR, { spec: {} }), /nothing to update/],
];

describe("masks the live API would reject are refused before any request", () => {
  let sent = 0;
  const counting = createLakebaseClient({ host: HOST, auth: "t", retry: false, fetch: (request) => ((sent += 1), fetch(request)) });
  for (const [label, call, message] of refused) {
    it(label, async () => {
      const error = await call(counting).submitted().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
    });
  }
  it("sent nothing", () => expect(sent).toBe(0));
});
