import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, ValidationError } from "../../src/index.js";
import { readDesired } from "../../src/iac/desired.js";
import { apply, plan, type DesiredState } from "../../src/iac/index.js";

/**
 * Reading a desired state (typed, or a bundle's resources section) and refusing a bad one before
 * any request; the apply steps that need a scripted server (nock): endpoint reconciliation.
 */
const HOST = "https://ws.example.com";
const B = "/api/2.0/postgres";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

/** The databricks.yml of the source document, as `yaml` parses it. */
const bundle = {
  bundle: { name: "my-lakebase-app" },
  resources: {
    jobs: { nightly: { name: "not a postgres resource" } },
    postgres_projects: {
      my_app: {
        project_id: "my-lakebase-app",
        display_name: "My Lakebase Postgres App",
        pg_version: 17,
        history_retention_duration: "172800s",
        default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 1.0, suspend_timeout_duration: "300s", pg_settings: { log_min_duration_statement: "1000" } },
        permissions: [{ level: "CAN_USE", group_name: "data-engineers" }],
      },
    },
    postgres_branches: { dev_branch: { parent: "${resources.postgres_projects.my_app.id}", branch_id: "dev", no_expiry: true, is_protected: false } },
    postgres_endpoints: {
      read_replica: {
        parent: "${resources.postgres_branches.dev_branch.id}",
        endpoint_id: "replica",
        endpoint_type: "ENDPOINT_TYPE_READ_ONLY",
        autoscaling_limit_min_cu: 0.5,
        autoscaling_limit_max_cu: 0.5,
      },
    },
    postgres_databases: { app_db: { parent: "${resources.postgres_branches.dev_branch.name}", database_id: "app", postgres_database: "app", role: "${resources.postgres_roles.app.id}" } },
    postgres_roles: { app: { parent: "${resources.postgres_branches.dev_branch.id}", role_id: "app", postgres_role: "app" } },
  },
};

describe("a bundle's resources section", () => {
  it("maps over as is: flat fields into spec, references resolved, other kinds passed over", () => {
    const read = readDesired(bundle);
    expect(read.map((r) => [r.kind, r.name, r.source])).toEqual([
      ["project", "projects/my-lakebase-app", "postgres_projects.my_app"],
      ["branch", "projects/my-lakebase-app/branches/dev", "postgres_branches.dev_branch"],
      ["endpoint", "projects/my-lakebase-app/branches/dev/endpoints/replica", "postgres_endpoints.read_replica"],
      ["role", "projects/my-lakebase-app/branches/dev/roles/app", "postgres_roles.app"],
      ["database", "projects/my-lakebase-app/branches/dev/databases/app", "postgres_databases.app_db"],
    ]);
    expect(read[0]!.body).toEqual({
      spec: {
        display_name: "My Lakebase Postgres App",
        pg_version: 17,
        history_retention_duration: "172800s",
        default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 1.0, suspend_timeout_duration: "300s", pg_settings: { log_min_duration_statement: "1000" } },
      },
    });
    expect(read[0]!.permissions).toEqual([{ level: "CAN_USE", group_name: "data-engineers" }]);
    expect(read[1]!.body).toEqual({ spec: { no_expiry: true, is_protected: false } });
    expect(read[4]!.body).toEqual({ spec: { postgres_database: "app", role: "projects/my-lakebase-app/branches/dev/roles/app" } });
    // the resources section alone is accepted too
    expect(readDesired(bundle.resources).map((r) => r.name)).toEqual(read.map((r) => r.name));
  });

  it("an unresolvable reference, a variable or a missing id is refused, naming where", () => {
    const broken = (patch: object) => ({ resources: { ...bundle.resources, ...patch } });
    expect(refusal(() => readDesired(broken({ postgres_branches: { dev: { parent: "${resources.postgres_projects.nope.id}", branch_id: "dev" } } }))).message).toContain(
      "postgres_branches.dev.parent: cannot resolve ${resources.postgres_projects.nope.id}: no resource postgres_projects.nope is described",
    );
    expect(refusal(() => readDesired(broken({ postgres_branches: { dev: { parent: "${var.project}", branch_id: "dev" } } }))).message).toContain("resolve variables first");
    expect(refusal(() => readDesired(broken({ postgres_branches: { dev: { parent: "projects/x" } } }))).message).toContain("postgres_branches.dev.branch_id: is required");
    expect(refusal(() => readDesired(broken({ postgres_synced_tables: {} }))).message).toContain("is not managed by lakebase-sdk/iac");
  });
});

describe("a typed desired state", () => {
  it("refuses a name of the wrong kind, a child of an absent parent, a duplicate, bad permissions", () => {
    // a misspelled list would describe nothing (and with prune, delete what it meant to keep)
    expect(refusal(() => readDesired({ projects: [{ name: "projects/p" }], branchs: [{ name: "projects/p/branches/b" }] })).message).toContain(
      "branchs: is not a list of a desired state: expected projects, branches, endpoints, roles, databases",
    );
    expect(refusal(() => readDesired({ branches: [{ name: "projects/p/endpoints/e" }] })).message).toContain("branches[0].name: must be a branch name such as projects/p/branches/b");
    expect(
      refusal(() => readDesired({ projects: [{ name: "projects/p", spec: {} }, { name: "projects/p" }] })).message,
    ).toContain("projects/p is described twice");
    expect(refusal(() => readDesired({ projects: [{ name: "projects/p", permissions: [{ level: "CAN_READ", user_name: "a" }] }] })).message).toContain(
      "permissions[0].level: must be CAN_USE or CAN_MANAGE",
    );
    expect(refusal(() => readDesired({ projects: [{ name: "projects/p", permissions: [{ level: "CAN_USE", user_name: "a", group_name: "g" }] }] })).message).toContain(
      "needs exactly one of user_name, group_name, service_principal_name",
    );
  });

  it("plan refuses bad fields before any request: a typo, no_expiry: false, two oneof members, an absent parent", async () => {
    const client = createLakebaseClient({ host: HOST, auth: "t", retry: false });
    // no nock scope: any request would fail with a network error instead of a ValidationError
    await expect(plan(client, { branches: [{ name: "projects/p/branches/b", spec: { is_protectd: true } as never }] })).rejects.toThrow(/branches\[0\]\.spec: is_protectd is not a field this SDK can manage on a branch \(misspelled, or output-only\)/);
    await expect(plan(client, { branches: [{ name: "projects/p/branches/b", spec: { no_expiry: false } }] })).rejects.toThrow(/no_expiry: false is not accepted/);
    await expect(plan(client, { endpoints: [{ name: "projects/p/branches/b/endpoints/e", spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", no_suspension: true, suspend_timeout_duration: "60s" } }] })).rejects.toThrow(
      /mutually exclusive/,
    );
    await expect(plan(client, { projects: [{ name: "projects/p", absent: true }], branches: [{ name: "projects/p/branches/b", spec: {} }] })).rejects.toThrow(
      /projects\/p\/branches\/b is described, but its parent projects\/p is described as absent/,
    );
  });
});

describe("apply and the endpoint's reconciliation", () => {
  it("waits until the endpoint is ready before an update, and retries an update answered 409 reconciliation", async () => {
    const EP = "projects/p/branches/b/endpoints/e";
    const endpoint = (max: number, pending?: string) => ({
      name: EP,
      create_time: "2026-12-01T00:00:00Z",
      status: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", autoscaling_limit_max_cu: max, current_state: "ACTIVE", ...(pending ? { pending_state: pending } : {}) },
    });
    const client = createLakebaseClient({ host: HOST, auth: "t", retry: false });
    const desired = { endpoints: [{ name: EP, spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" as const, autoscaling_limit_max_cu: 2 } }] } satisfies DesiredState;
    nock(HOST).get(`${B}/${EP}`).reply(200, endpoint(1));
    const planned = await plan(client, desired);
    expect(planned.changes.map((c) => c.mask)).toEqual([["spec.autoscaling_limit_max_cu"]]);

    const patches: string[] = [];
    nock(HOST)
      .get(`${B}/${EP}`)
      .reply(200, endpoint(1, "ACTIVE")) // still reconciling: wait
      .get(`${B}/${EP}`)
      .reply(200, endpoint(1)) // ready
      .patch(`${B}/${EP}`)
      .query({ update_mask: "spec.autoscaling_limit_max_cu" })
      .reply(409, { error_code: "RESOURCE_CONFLICT", message: "Endpoint reconciliation still in progress" })
      .patch(`${B}/${EP}`)
      .query({ update_mask: "spec.autoscaling_limit_max_cu" })
      .reply(function (uri) {
        patches.push(uri);
        return [200, { name: `${EP}/operations/op1`, done: false }];
      })
      .get(`${B}/${EP}/operations/op1`)
      .reply(200, { name: `${EP}/operations/op1`, done: true, response: endpoint(2) })
      .get(`${B}/${EP}`)
      .reply(200, endpoint(2));
    const applied = await apply(client, planned, { pollIntervalMs: 5 });
    expect(applied).toEqual([{ action: "updated", kind: "endpoint", name: EP, resource: endpoint(2) }]);
    expect(patches).toHaveLength(1);
    expect(nock.isDone()).toBe(true);
  });
});
