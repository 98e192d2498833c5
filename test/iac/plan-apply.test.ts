import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLakebaseClient, type LakebaseClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { apply, ApplyError, plan, RecreateRequiredError, type ApplyProgress, type DesiredState } from "../../src/iac/index.js";

/**
 * plan/apply against the emulator (real HTTP, real Postgres, the live API's mask rules): fresh,
 * converged, drifted, partially applied after a failure, immutable changes, implicit resources,
 * every oneof member. Each test works in its own project.
 */
let emulator: Emulator;
let client: LakebaseClient;
const sent: string[] = [];
const FAST = { pollIntervalMs: 20 };

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 20, autoSuspend: false, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  client = createLakebaseClient({
    host: emulator.host,
    auth: emulator.token,
    validateResponses: true,
    fetch: (request) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return fetch(request);
    },
  });
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
});

afterEach(() => emulator.faults.reset());

const ms = (iso: unknown) => Date.parse(String(iso));

/** A project with every oneof member the API has, in one of its forms each. */
function shop(p: string, userName: string) {
  return {
    projects: [
      {
        name: `projects/${p}`,
        spec: { display_name: "Shop", pg_version: 17, default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2, no_suspension: true } },
        permissions: [
          { level: "CAN_MANAGE", user_name: userName },
          { level: "CAN_USE", group_name: "developers" },
        ],
      },
    ],
    branches: [
      { name: `projects/${p}/branches/production`, spec: { is_protected: true } },
      { name: `projects/${p}/branches/dev`, spec: { no_expiry: true, is_protected: false } },
      { name: `projects/${p}/branches/pr-1`, spec: { ttl: "86400s" } },
      { name: `projects/${p}/branches/pr-2`, spec: { expire_time: "2030-01-01T00:00:00Z" } },
    ],
    endpoints: [
      { name: `projects/${p}/branches/dev/endpoints/primary`, spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_max_cu: 1, suspend_timeout_duration: "600s" } },
      { name: `projects/${p}/branches/dev/endpoints/replica`, spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", no_suspension: true, settings: { pg_settings: { work_mem: "8MB" } } } },
    ],
    roles: [{ name: `projects/${p}/branches/dev/roles/app`, spec: { postgres_role: "app", identity_type: "USER", attributes: { createdb: true } } }],
    databases: [{ name: `projects/${p}/branches/dev/databases/appdb`, spec: { postgres_database: "appdb", role: `projects/${p}/branches/dev/roles/app` } }],
  } satisfies DesiredState;
}

describe("a fresh desired state", () => {
  it("creates parents first, adopts the implicit branch and endpoint, and a second plan is empty", async () => {
    const desired = shop("fresh", emulator.userName);
    const first = await plan(client, desired);
    expect(first.changes.map((c) => `${c.action} ${c.name}`)).toEqual([
      "create projects/fresh",
      "create projects/fresh/branches/production",
      "create projects/fresh/branches/dev",
      "create projects/fresh/branches/pr-1",
      "create projects/fresh/branches/pr-2",
      "create projects/fresh/branches/dev/endpoints/primary",
      "create projects/fresh/branches/dev/endpoints/replica",
      "create projects/fresh/branches/dev/roles/app",
      "create projects/fresh/branches/dev/databases/appdb",
    ]);
    expect(first.changes.filter((c) => c.implicit).map((c) => c.name)).toEqual(["projects/fresh/branches/production", "projects/fresh/branches/dev/endpoints/primary"]);
    expect(String(first)).toMatch(/^Plan: 9 to create, 0 to update, 0 to recreate, 0 to delete, 0 unchanged\./);

    const progress: ApplyProgress[] = [];
    const applied = await apply(client, first, { ...FAST, onProgress: (p) => progress.push(p) });
    expect(applied.map((a) => `${a.action} ${a.name}`)).toEqual([
      "created projects/fresh",
      "updated projects/fresh/branches/production",
      "created projects/fresh/branches/dev",
      "created projects/fresh/branches/pr-1",
      "created projects/fresh/branches/pr-2",
      "updated projects/fresh/branches/dev/endpoints/primary",
      "created projects/fresh/branches/dev/endpoints/replica",
      "created projects/fresh/branches/dev/roles/app",
      "created projects/fresh/branches/dev/databases/appdb",
    ]);
    // parents are done before any child starts; every waited operation is named for a resume
    const at = (phase: string, name: string) => progress.findIndex((p) => p.phase === phase && p.name === name);
    expect(at("done", "projects/fresh")).toBeLessThan(at("started", "projects/fresh/branches/dev"));
    expect(at("done", "projects/fresh/branches/dev")).toBeLessThan(at("started", "projects/fresh/branches/dev/endpoints/replica"));
    expect(at("done", "projects/fresh/branches/dev/roles/app")).toBeLessThan(at("started", "projects/fresh/branches/dev/databases/appdb"));
    expect(progress.filter((p) => p.phase === "waiting").every((p) => /\/operations\//.test(p.operation ?? ""))).toBe(true);

    // the live state is what was described, oneof members included
    const dev = await client.branches.get("projects/fresh/branches/dev");
    expect(dev.status?.expire_time).toBeUndefined();
    const pr1 = await client.branches.get("projects/fresh/branches/pr-1");
    expect(ms(pr1.status?.expire_time) - ms(pr1.create_time)).toBe(86_400_000);
    expect((await client.branches.get("projects/fresh/branches/production")).status?.is_protected).toBe(true);
    const replica = await client.endpoints.get("projects/fresh/branches/dev/endpoints/replica");
    expect(replica.status?.suspend_timeout_duration).toBeUndefined();
    expect((await client.endpoints.get("projects/fresh/branches/dev/endpoints/primary")).status?.suspend_timeout_duration).toBe("600s");
    const acl = await client.permissions.getProject("projects/fresh");
    expect(acl.access_control_list?.find((e) => e.group_name === "developers")?.all_permissions?.[0]?.permission_level).toBe("CAN_USE");

    const second = await plan(client, desired);
    expect(second.changes).toEqual([]);
    expect(second.resources).toHaveLength(9);
    expect(String(second)).toBe("Plan: 0 to create, 0 to update, 0 to recreate, 0 to delete, 9 unchanged.");
    const again = await apply(client, second, FAST);
    expect(again.every((a) => a.action === "unchanged")).toBe(true);
  }, 60_000);
});

describe("a converged state", () => {
  const P = "conv";
  let desired: ReturnType<typeof shop>;
  beforeAll(async () => {
    desired = shop(P, emulator.userName);
    await apply(client, await plan(client, desired), FAST);
  }, 60_000);

  it("drift: a field changed outside shows as one field, with its mask, and is put back", async () => {
    await client.endpoints.update(`projects/${P}/branches/dev/endpoints/primary`, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_max_cu: 3 } }).wait(FAST);
    const drifted = await plan(client, desired);
    expect(drifted.changes).toHaveLength(1);
    const [change] = drifted.changes;
    expect(change).toMatchObject({ action: "update", name: `projects/${P}/branches/dev/endpoints/primary`, mask: ["spec.autoscaling_limit_max_cu"] });
    expect(change!.fields).toEqual([{ path: "spec.autoscaling_limit_max_cu", current: 3, desired: 1 }]);
    expect(String(drifted)).toContain("    spec.autoscaling_limit_max_cu: 3 → 1");
    const before = sent.length;
    const applied = await apply(client, drifted, FAST);
    expect(applied.find((a) => a.action === "updated")?.name).toBe(`projects/${P}/branches/dev/endpoints/primary`);
    expect(sent.slice(before).filter((s) => s.startsWith("PATCH"))).toEqual([`PATCH /api/2.0/postgres/projects/${P}/branches/dev/endpoints/primary`]);
    expect((await plan(client, desired)).changes).toEqual([]);
  }, 30_000);

  it("one changed field in the description is a one-field plan", async () => {
    const changed = { ...desired, branches: desired.branches.map((b) => (b.name.endsWith("/dev") ? { ...b, spec: { ...b.spec, is_protected: true } } : b)) };
    const next = await plan(client, changed);
    expect(next.changes.map((c) => [c.name, c.mask, c.fields])).toEqual([[`projects/${P}/branches/dev`, ["spec.is_protected"], [{ path: "spec.is_protected", current: false, desired: true }]]]);
    await apply(client, next, FAST);
    expect((await plan(client, changed)).changes).toEqual([]);
    // and back: an explicit false is a change too, and converges
    const back = await plan(client, desired);
    expect(back.changes.map((c) => c.fields)).toEqual([[{ path: "spec.is_protected", current: true, desired: false }]]);
    await apply(client, back, FAST);
    expect((await plan(client, desired)).changes).toEqual([]);
  }, 30_000);

  it("switching oneof members: each form converges (no_expiry → ttl → expire_time → no_expiry; timeout ↔ no_suspension)", async () => {
    const forms = [{ ttl: "3600s" as const }, { expire_time: "2031-06-01T12:00:00Z" }, { no_expiry: true }];
    for (const expiration of forms) {
      const next = { ...desired, branches: desired.branches.map((b) => (b.name.endsWith("/dev") ? { ...b, spec: { is_protected: false, ...expiration } } : b)) };
      const planned = await plan(client, next);
      expect(planned.changes.map((c) => c.mask)).toEqual([["spec.expiration"]]);
      await apply(client, planned, FAST);
      expect((await plan(client, next)).changes).toEqual([]);
    }
    for (const suspension of [{ suspend_timeout_duration: "300s" as const }, { no_suspension: true }]) {
      const next = {
        ...desired,
        endpoints: desired.endpoints.map((e) => (e.name.endsWith("/replica") ? { ...e, spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" as const, ...suspension } } : e)),
      };
      const planned = await plan(client, next);
      expect(planned.changes.map((c) => c.mask)).toEqual([["spec.suspension"]]);
      await apply(client, planned, FAST);
      expect((await plan(client, next)).changes).toEqual([]);
    }
    const projectForm = { ...desired, projects: desired.projects.map((p) => ({ ...p, spec: { ...p.spec, default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2, suspend_timeout_duration: "900s" as const } } })) };
    const planned = await plan(client, projectForm);
    expect(planned.changes.map((c) => c.mask)).toEqual([["spec.default_endpoint_settings.suspension"]]);
    await apply(client, planned, FAST);
    expect((await plan(client, projectForm)).changes).toEqual([]);
    await apply(client, await plan(client, desired), FAST);
    expect((await plan(client, desired)).changes).toEqual([]);
  }, 60_000);

  it("a changed permission is planned and set; inherited entries are not the description's", async () => {
    const next = { ...desired, projects: desired.projects.map((p) => ({ ...p, permissions: [{ level: "CAN_MANAGE" as const, user_name: emulator.userName }] })) };
    const planned = await plan(client, next);
    expect(planned.changes).toHaveLength(1);
    expect(planned.changes[0]).toMatchObject({ action: "update", name: `projects/${P}`, permissions: { desired: [{ level: "CAN_MANAGE", user_name: emulator.userName }] } });
    expect(planned.changes[0]!.mask).toBeUndefined();
    await apply(client, planned, FAST);
    expect((await plan(client, next)).changes).toEqual([]);
    const acl = await client.permissions.getProject(`projects/${P}`);
    expect(acl.access_control_list?.map((e) => e.group_name ?? e.user_name)).toEqual([emulator.userName, "admins"]);
    await apply(client, await plan(client, desired), FAST);
  }, 30_000);

  it("an immutable change is refused before anything is sent, naming the field", async () => {
    const next = { ...desired, projects: desired.projects.map((p) => ({ ...p, spec: { ...p.spec, pg_version: 16 } })) };
    const before = sent.length;
    const error = await plan(client, next).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecreateRequiredError);
    expect((error as RecreateRequiredError).resources).toEqual([{ kind: "project", name: `projects/${P}`, fields: [{ path: "spec.pg_version", current: 17, desired: 16 }] }]);
    expect((error as Error).message).toContain("must be recreated");
    expect(sent.slice(before).every((s) => s.startsWith("GET"))).toBe(true);
  });

  it("allowRecreate plans a delete and create, and the recreated resource converges", async () => {
    const reporter = (postgres_role: string) => ({ name: `projects/${P}/branches/dev/roles/reporter` as const, spec: { postgres_role, identity_type: "USER" as const } });
    const withReporter = { ...desired, roles: [...desired.roles, reporter("reporter")] };
    await apply(client, await plan(client, withReporter), FAST);
    const next = { ...desired, roles: [...desired.roles, reporter("reporter_v2")] };
    const planned = await plan(client, next, { allowRecreate: true });
    expect(planned.changes.map((c) => [c.action, c.name, c.fields])).toEqual([["recreate", `projects/${P}/branches/dev/roles/reporter`, [{ path: "spec.postgres_role", current: "reporter", desired: "reporter_v2" }]]]);
    expect(String(planned)).toContain(`-/+ role projects/${P}/branches/dev/roles/reporter`);
    const applied = await apply(client, planned, FAST);
    expect(applied.find((a) => a.name.endsWith("/reporter"))?.action).toBe("created");
    expect((await client.roles.get(`projects/${P}/branches/dev/roles/reporter`)).status?.postgres_role).toBe("reporter_v2");
    expect((await plan(client, next)).changes).toEqual([]);
  }, 30_000);
});

describe("failures and retries", () => {
  it("a rerun after an apply that stopped midway converges, repeating nothing that was done", async () => {
    const desired = shop("crash", emulator.userName);
    emulator.faults.set({ failOperationKinds: ["Endpoint"] });
    const error = await apply(client, await plan(client, desired), FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    const stopped = error as ApplyError;
    expect(stopped.failures.map((f) => f.name).sort()).toEqual(["projects/crash/branches/dev/endpoints/primary", "projects/crash/branches/dev/endpoints/replica"]);
    expect(stopped.applied.map((a) => a.name)).toContain("projects/crash/branches/dev");
    expect(stopped.applied.map((a) => a.name)).not.toContain("projects/crash/branches/dev/databases/appdb"); // the next level never started
    expect(stopped.message).toContain("plan again to continue");

    emulator.faults.reset();
    const rest = await plan(client, desired);
    // What the failed operations did is read back, not assumed (the emulator, like the live service
    // after a failed PATCH, may have applied part of it): only what is still missing or different.
    const remaining = rest.changes.map((c) => `${c.action} ${c.name}`);
    expect(remaining).toContain("create projects/crash/branches/dev/databases/appdb");
    expect(remaining.every((c) => c.includes("/endpoints/") || c.includes("/databases/"))).toBe(true);
    const before = sent.length;
    await apply(client, rest, FAST);
    expect(sent.slice(before).filter((s) => s.startsWith("POST /api/2.0/postgres/projects?") || s === "POST /api/2.0/postgres/projects")).toEqual([]);
    expect((await plan(client, desired)).changes).toEqual([]);
  }, 60_000);

  it("a branch forked from a branch made by the same apply waits for it (fork rank), and carries its data lineage", async () => {
    const desired = {
      projects: [{ name: "projects/forks", spec: { pg_version: 17 } }],
      branches: [
        { name: "projects/forks/branches/grandchild", spec: { no_expiry: true, source_branch: "projects/forks/branches/child" } },
        { name: "projects/forks/branches/child", spec: { no_expiry: true, source_branch: "projects/forks/branches/dev" } },
        { name: "projects/forks/branches/dev", spec: { no_expiry: true } },
      ],
    } satisfies DesiredState;
    const planned = await plan(client, desired);
    expect(planned.changes.map((c) => c.name)).toEqual(["projects/forks", "projects/forks/branches/dev", "projects/forks/branches/child", "projects/forks/branches/grandchild"]);
    await apply(client, planned, FAST);
    expect((await client.branches.get("projects/forks/branches/grandchild")).status?.source_branch).toBe("projects/forks/branches/child");
    expect((await plan(client, desired)).changes).toEqual([]);
  }, 60_000);

  it("a cancelled apply stops with the caller's reason and starts nothing more; planning again finishes", async () => {
    const desired = shop("cancel", emulator.userName);
    const controller = new AbortController();
    const started: string[] = [];
    const onProgress = (p: ApplyProgress) => {
      if (p.phase === "started") started.push(p.name);
      if (p.phase === "done" && p.name === "projects/cancel") controller.abort(new Error("deploy cancelled"));
    };
    await expect(apply(client, await plan(client, desired), { ...FAST, signal: controller.signal, onProgress })).rejects.toThrow("deploy cancelled");
    expect(started).toEqual(["projects/cancel"]);
    await apply(client, await plan(client, desired), FAST);
    expect((await plan(client, desired)).changes).toEqual([]);
  }, 60_000);

  it("ALREADY_EXISTS on a create (made since the plan, or by a retried request) is resolved by reading and updating", async () => {
    const desired = { projects: [{ name: "projects/race", spec: { pg_version: 17 } }] } as const satisfies DesiredState;
    await apply(client, await plan(client, desired), FAST);
    const withBranch = { ...desired, branches: [{ name: "projects/race/branches/dev", spec: { is_protected: true, no_expiry: true } }] } satisfies DesiredState;
    const planned = await plan(client, withBranch);
    expect(planned.changes.map((c) => c.action)).toEqual(["create"]);
    await client.branches.create("projects/race", "dev", { spec: { no_expiry: true } }).wait(FAST);
    const applied = await apply(client, planned, FAST);
    expect(applied.find((a) => a.name === "projects/race/branches/dev")?.action).toBe("updated");
    expect((await client.branches.get("projects/race/branches/dev")).status?.is_protected).toBe(true);
    expect((await plan(client, withBranch)).changes).toEqual([]);
  }, 30_000);
});

describe("deletes", () => {
  it("prune deletes what the description leaves out under its projects and branches, never the implicit resources", async () => {
    const desired = { projects: [{ name: "projects/prune", spec: { pg_version: 17 } }], branches: [{ name: "projects/prune/branches/keep", spec: { no_expiry: true } }] } satisfies DesiredState;
    await apply(client, await plan(client, desired), FAST);
    await client.branches.create("projects/prune", "stray", { spec: { no_expiry: true } }).wait(FAST);
    await client.endpoints.create("projects/prune/branches/keep", "reader", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" } }).wait(FAST);
    expect((await plan(client, desired)).changes).toEqual([]); // without prune, extra resources are left alone
    const pruning = await plan(client, desired, { prune: true });
    expect(pruning.changes.map((c) => `${c.action} ${c.name} (${c.reason})`)).toEqual([
      "delete projects/prune/branches/keep/endpoints/reader (pruned: not in the desired state)",
      "delete projects/prune/branches/stray (pruned: not in the desired state)",
    ]);
    const applied = await apply(client, pruning, FAST);
    expect(applied.filter((a) => a.action === "deleted").map((a) => a.name)).toEqual(["projects/prune/branches/keep/endpoints/reader", "projects/prune/branches/stray"]);
    expect((await plan(client, desired, { prune: true })).changes).toEqual([]);
  }, 30_000);

  it("absent resources are deleted children first; MANAGED_BY_PARENT is done when the parent goes too; purgeOnDelete frees the id", async () => {
    const desired = { projects: [{ name: "projects/gone", spec: { pg_version: 17 } }], branches: [{ name: "projects/gone/branches/tmp", spec: { no_expiry: true } }] } satisfies DesiredState;
    await apply(client, await plan(client, desired), FAST);
    const removeBranch = {
      projects: desired.projects,
      branches: [{ name: "projects/gone/branches/tmp", absent: true }],
      endpoints: [{ name: "projects/gone/branches/tmp/endpoints/primary", absent: true }],
    } satisfies DesiredState;
    const planned = await plan(client, removeBranch);
    expect(planned.changes.map((c) => `${c.action} ${c.name}`)).toEqual(["delete projects/gone/branches/tmp/endpoints/primary", "delete projects/gone/branches/tmp"]);
    const applied = await apply(client, planned, FAST);
    expect(applied.filter((a) => a.action === "deleted")).toHaveLength(2);
    expect((await plan(client, removeBranch)).changes).toEqual([]);

    const removeProject = { projects: [{ name: "projects/gone", absent: true, purgeOnDelete: true }] } satisfies DesiredState;
    await apply(client, await plan(client, removeProject), FAST);
    // purged, not soft-deleted: the id is free again at once
    await client.projects.create("gone", { spec: { pg_version: 17 } }).wait(FAST);
  }, 30_000);
});
