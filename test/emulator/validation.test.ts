import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { BranchSchema, DatabricksErrorSchema, EndpointSchema, OperationSchema, ProjectSchema, RoleSchema } from "../../src/schemas.js";

/**
 * The emulator refuses what the live service refuses (issue 11), spoken to over raw HTTP — not
 * through the SDK, whose own checks would hide a gap. Each test is one rule: the status, the
 * error code and the message. Where the live service's message is recorded
 * (docs/api-behaviour.md#messages-the-service-uses) the test pins that text verbatim, and never
 * derives it from the generated operation table the emulator itself reads; elsewhere it pins the
 * emulator's documented wording (docs/api-behaviour.md#emulator-validation).
 */
let emulator: Emulator;
const P = "projects/val";
const PROD = `${P}/branches/production`;
const PRIMARY = `${PROD}/endpoints/primary`;

interface Reply {
  status: number;
  body: Record<string, any>;
}

async function call(method: string, path: string, options: { query?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const url = new URL(`${emulator.host}/api/2.0/postgres/${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${emulator.token}`, ...(options.body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = (await response.json()) as Record<string, any>;
  if (response.status !== 200) DatabricksErrorSchema.parse(body);
  return { status: response.status, body };
}

/** Waits for the operation a mutation answered with; returns its response (the resource). */
async function settled(reply: Reply): Promise<Record<string, any>> {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  OperationSchema.parse(reply.body);
  for (;;) {
    const { body: op } = await call("GET", reply.body.name);
    if (op.done) {
      expect(op.error).toBeUndefined();
      return op.response;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function refused(reply: Reply, message: string | RegExp, status = 400, code = "INVALID_PARAMETER_VALUE"): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body.error_code).toBe(code);
  if (typeof message === "string") expect(reply.body.message).toBe(message);
  else expect(reply.body.message).toMatch(message);
}

const createEndpoint = (spec: object, endpointId = "reader", branch = PROD) =>
  call("POST", `${branch}/endpoints`, { query: { endpoint_id: endpointId }, body: { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", ...spec } } });
const createBranch = (spec: object, branchId = "feature") => call("POST", `${P}/branches`, { query: { branch_id: branchId }, body: { spec } });
const patch = (name: string, mask: string, body: object) => call("PATCH", name, { query: { update_mask: mask }, body });

beforeAll(async () => {
  emulator = await startEmulator({ operationLatencyMs: 20, autoSuspend: false, engine: (process.env.LAKEBASE_EMULATOR_ENGINE as "auto") ?? "auto" });
  await settled(await call("POST", "projects", { query: { project_id: "val" }, body: { spec: { display_name: "Val", pg_version: 17 } } }));
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
});

describe("durations are proto Duration strings within their documented bounds", () => {
  it("refuses a suspend timeout below 60s", async () => {
    refused(await createEndpoint({ suspend_timeout_duration: "5s" }), "Field endpoint.spec.suspend_timeout_duration must be between 60s and 604800s, got '5s'.");
  });

  it("refuses a suspend timeout above 604800s", async () => {
    refused(await createEndpoint({ suspend_timeout_duration: "9999999s" }), "Field endpoint.spec.suspend_timeout_duration must be between 60s and 604800s, got '9999999s'.");
  });

  it("refuses a duration without its unit, or as a number", async () => {
    const rule = 'must be a Duration: decimal seconds with an "s" suffix, e.g. "600s"';
    refused(await createEndpoint({ suspend_timeout_duration: "600" }), `Field endpoint.spec.suspend_timeout_duration ${rule}, got '600'.`);
    refused(await createEndpoint({ suspend_timeout_duration: "10m" }), `Field endpoint.spec.suspend_timeout_duration ${rule}, got '10m'.`);
    refused(await createEndpoint({ suspend_timeout_duration: 600 }), `Field endpoint.spec.suspend_timeout_duration ${rule}, got '600'.`);
  });

  it("accepts both bounds of the suspend timeout, fractions included", async () => {
    const endpoint = await settled(await createEndpoint({ suspend_timeout_duration: "60s" }, "edge"));
    expect(endpoint.status.suspend_timeout_duration).toBe("60s");
    const updated = await settled(await patch(`${PROD}/endpoints/edge`, "spec.suspension", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", suspend_timeout_duration: "604800s" } }));
    expect(updated.status.suspend_timeout_duration).toBe("604800s");
    refused(
      await patch(`${PROD}/endpoints/edge`, "spec.suspension", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", suspend_timeout_duration: "604800.5s" } }),
      "Field endpoint.spec.suspend_timeout_duration must be between 60s and 604800s, got '604800.5s'.",
    );
    await settled(await call("DELETE", `${PROD}/endpoints/edge`));
  });

  it("refuses a history retention outside 172800s…3024000s, on create and on update", async () => {
    const create = (value: string) => call("POST", "projects", { query: { project_id: "short-history" }, body: { spec: { history_retention_duration: value } } });
    refused(await create("172799s"), "Field project.spec.history_retention_duration must be between 172800s and 3024000s, got '172799s'.");
    refused(await create("3024001s"), "Field project.spec.history_retention_duration must be between 172800s and 3024000s, got '3024001s'.");
    refused(
      await patch(P, "spec.history_retention_duration", { spec: { history_retention_duration: "86400s" } }),
      "Field project.spec.history_retention_duration must be between 172800s and 3024000s, got '86400s'.",
    );
    const updated = await settled(await patch(P, "spec.history_retention_duration", { spec: { history_retention_duration: "172800s" } }));
    expect(updated.status.history_retention_duration).toBe("172800s");
  });

  it("refuses a project's default and initial suspend timeouts outside 60s…604800s", async () => {
    const create = (body: object) => call("POST", "projects", { query: { project_id: "sleepy" }, body });
    refused(
      await create({ spec: { default_endpoint_settings: { suspend_timeout_duration: "30s" } } }),
      "Field project.spec.default_endpoint_settings.suspend_timeout_duration must be between 60s and 604800s, got '30s'.",
    );
    refused(await create({ initial_endpoint_spec: { suspend_timeout_duration: "700000s" } }), "Field project.initial_endpoint_spec.suspend_timeout_duration must be between 60s and 604800s, got '700000s'.");
  });

  it("refuses a credential ttl outside 300s…3600s, and an expire_time outside 5 min…1 h from now", async () => {
    const generate = (body: object) => call("POST", "credentials", { body: { endpoint: PRIMARY, ...body } });
    refused(await generate({ ttl: "299s" }), "Field ttl must be between 300s and 3600s, got '299s'.");
    refused(await generate({ ttl: "3601s" }), "Field ttl must be between 300s and 3600s, got '3601s'.");
    refused(await generate({ ttl: "3600" }), `Field ttl must be a Duration: decimal seconds with an "s" suffix, e.g. "600s", got '3600'.`);
    const soon = new Date(Date.now() + 10_000).toISOString();
    refused(await generate({ expire_time: soon }), `Field expire_time must be between 300s and 3600s from now, got '${soon}'.`);
    refused(await generate({ expire_time: "in an hour" }), `Field expire_time must be an RFC 3339 timestamp, e.g. "2030-01-01T00:00:00Z", got 'in an hour'.`);
    const ok = await call("POST", "credentials", { body: { endpoint: PRIMARY, ttl: "300s" } });
    expect(ok.status).toBe(200);
    const inHalfAnHour = await call("POST", "credentials", { body: { endpoint: PRIMARY, expire_time: new Date(Date.now() + 1_800_000).toISOString() } });
    expect(inHalfAnHour.status).toBe(200);
  });

  it("refuses a branch ttl or expire_time that is not in the future", async () => {
    refused(await createBranch({ ttl: "0s" }), "Field branch.spec.ttl must put the expiration (create_time + ttl) in the future, got '0s'.");
    refused(await createBranch({ ttl: "-60s" }), "Field branch.spec.ttl must be at least 0s, got '-60s'.");
    refused(await createBranch({ expire_time: "2020-01-01T00:00:00Z" }), "Field branch.spec.expire_time must be in the future, got '2020-01-01T00:00:00Z'.");
    refused(await createBranch({ expire_time: "tomorrow" }), `Field branch.spec.expire_time must be an RFC 3339 timestamp, e.g. "2030-01-01T00:00:00Z", got 'tomorrow'.`);
  });
});

describe("compute units within the documented range", () => {
  it("refuses a minimum below 0.5 CU", async () => {
    refused(await createEndpoint({ autoscaling_limit_min_cu: 0.1 }), "Field endpoint.spec.autoscaling_limit_min_cu must be between 0.5 and 64, got '0.1'.");
  });

  it("refuses a maximum above 64 CU", async () => {
    refused(await createEndpoint({ autoscaling_limit_max_cu: 100 }), "Field endpoint.spec.autoscaling_limit_max_cu must be between 0.5 and 64, got '100'.");
  });

  it("refuses a maximum below the minimum", async () => {
    refused(
      await createEndpoint({ autoscaling_limit_min_cu: 4, autoscaling_limit_max_cu: 2 }),
      "Field endpoint.spec.autoscaling_limit_max_cu must not be below autoscaling_limit_min_cu (4), got '2'.",
    );
  });

  it("refuses a maximum more than 16 CU above the minimum", async () => {
    refused(
      await createEndpoint({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 32 }),
      "Field endpoint.spec.autoscaling_limit_max_cu must be at most autoscaling_limit_min_cu + 16 (17), got '32'.",
    );
  });

  it("checks an update against the limits the endpoint keeps", async () => {
    refused(
      await patch(PRIMARY, "spec.autoscaling_limit_min_cu", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_min_cu: 8 } }),
      "Field endpoint.spec.autoscaling_limit_min_cu must not exceed autoscaling_limit_max_cu (1), got '8'.",
    );
    const updated = await settled(
      await patch(PRIMARY, "spec.autoscaling_limit_min_cu,spec.autoscaling_limit_max_cu", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 16.5 } }),
    );
    expect(updated.status).toMatchObject({ autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 16.5 });
  });

  it("refuses a project's default limits outside the range", async () => {
    refused(
      await patch(P, "spec.default_endpoint_settings.autoscaling_limit_max_cu", { spec: { default_endpoint_settings: { autoscaling_limit_max_cu: 100 } } }),
      "Field project.spec.default_endpoint_settings.autoscaling_limit_max_cu must be between 0.5 and 64, got '100'.",
    );
    refused(
      await call("POST", "projects", { query: { project_id: "tiny" }, body: { spec: { default_endpoint_settings: { autoscaling_limit_min_cu: 0.25 } } } }),
      "Field project.spec.default_endpoint_settings.autoscaling_limit_min_cu must be between 0.5 and 64, got '0.25'.",
    );
  });

  it("refuses an endpoint group whose max differs from its min", async () => {
    refused(await createEndpoint({ group: { min: 1, max: 2 } }), "Field endpoint.spec.group.max must equal group.min (1), got '2'.");
    refused(await createEndpoint({ group: { max: 2 } }), `Field 'endpoint.spec.group.min' is required, expected non-default value (not "")!`);
  });
});

describe("enums, ids and required fields", () => {
  it("refuses an endpoint type the enum does not list", async () => {
    refused(await createEndpoint({ endpoint_type: "READ_ONLY" }), "Field endpoint.spec.endpoint_type must be one of ENDPOINT_TYPE_READ_ONLY, ENDPOINT_TYPE_READ_WRITE, got 'READ_ONLY'.");
  });

  it("refuses role enums the spec does not list, and accepts IDENTITY_TYPE_UNSPECIFIED", async () => {
    const create = (spec: object) => call("POST", `${PROD}/roles`, { query: { role_id: "robot" }, body: { spec: { postgres_role: "robot", ...spec } } });
    refused(await create({ identity_type: "ROBOT" }), "Field role.spec.identity_type must be one of GROUP, SERVICE_PRINCIPAL, USER, IDENTITY_TYPE_UNSPECIFIED, got 'ROBOT'.");
    refused(await create({ membership_roles: ["DATABRICKS_SUPERUSER", "ROOT"] }), "Field role.spec.membership_roles[1] must be one of DATABRICKS_SUPERUSER, got 'ROOT'.");
    const role = await settled(await create({ identity_type: "IDENTITY_TYPE_UNSPECIFIED", auth_method: "NO_LOGIN" }));
    expect(role.status).toMatchObject({ identity_type: "IDENTITY_TYPE_UNSPECIFIED", auth_method: "NO_LOGIN" });
    await settled(await call("DELETE", `${PROD}/roles/robot`));
  });

  it("refuses a credential claim's unknown permission set", async () => {
    refused(
      await call("POST", "credentials", { body: { endpoint: PRIMARY, claims: [{ permission_set: "WRITE" }] } }),
      "Field claims[0].permission_set must be one of READ_ONLY, got 'WRITE'.",
    );
  });

  it("answers a missing branch_id or endpoint_id with the live message", async () => {
    refused(await call("POST", `${P}/branches`, { body: { spec: { no_expiry: true } } }), `Field 'branch_id' is required, expected non-default value (not "")!`);
    refused(await call("POST", `${PROD}/endpoints`, { body: { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" } } }), `Field 'endpoint_id' is required, expected non-default value (not "")!`);
  });

  it("refuses a database_id off its pattern with the live message", async () => {
    refused(
      await call("POST", `${PROD}/databases`, { query: { database_id: "Invalid_DB_ID" }, body: { spec: { postgres_database: "x", role: `${PROD}/roles/owner` } } }),
      "Field database_id must match pattern ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$, got 'Invalid_DB_ID'.",
    );
  });

  it("refuses a branch_id off its pattern in the same shape", async () => {
    refused(await createBranch({ no_expiry: true }, "Feature_1"), "Field branch_id must match pattern ^[a-z][a-z0-9-]{0,62}$, got 'Feature_1'.");
  });

  it("answers a database without its owner role with the live message", async () => {
    refused(await call("POST", `${PROD}/databases`, { query: { database_id: "orders" }, body: { spec: { postgres_database: "orders" } } }), `Field 'database.spec.role' is required, expected non-default value (not "")!`);
  });

  it("requires an endpoint's type", async () => {
    refused(await call("POST", `${PROD}/endpoints`, { query: { endpoint_id: "typeless" }, body: { spec: {} } }), `Field 'endpoint.spec.endpoint_type' is required, expected non-default value (not "")!`);
  });

  it("answers a body wrapped in its resource's name as the empty resource", async () => {
    refused(await call("POST", `${PROD}/roles`, { query: { role_id: "wrapped" }, body: { role: { spec: { postgres_role: "wrapped" } } } }), `Field 'role' is required, expected non-default value (not "")!`);
  });

  it("refuses a resource-name field of the wrong shape", async () => {
    refused(
      await call("POST", "credentials", { body: { endpoint: "primary" } }),
      "Field endpoint must be a resource name of the form projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}, got 'primary'.",
    );
  });
});

describe("oneof members", () => {
  it("refuses two members of a branch's expiration", async () => {
    refused(await createBranch({ ttl: "3600s", no_expiry: true }), "Field branch.spec.expiration must set only one of ttl, expire_time, no_expiry, got 'ttl, no_expiry'.");
  });

  it("refuses two members of an endpoint's suspension, on create and on update", async () => {
    refused(await createEndpoint({ suspend_timeout_duration: "600s", no_suspension: true }), "Field endpoint.spec.suspension must set only one of suspend_timeout_duration, no_suspension, got 'suspend_timeout_duration, no_suspension'.");
    refused(
      await patch(PRIMARY, "spec.suspension", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "600s", no_suspension: true } }),
      "Field endpoint.spec.suspension must set only one of suspend_timeout_duration, no_suspension, got 'suspend_timeout_duration, no_suspension'.",
    );
  });

  it("refuses no_expiry: false", async () => {
    refused(await createBranch({ no_expiry: false }), "Field branch.spec.no_expiry must be true when set (to change it, provide ttl or expire_time instead), got 'false'.");
  });

  it("refuses no_suspension: false on an endpoint and in a project's defaults", async () => {
    refused(await createEndpoint({ no_suspension: false }), "Field endpoint.spec.no_suspension must be true when set (to change it, provide suspend_timeout_duration instead), got 'false'.");
    refused(
      await patch(P, "spec.default_endpoint_settings.suspension", { spec: { default_endpoint_settings: { no_suspension: false } } }),
      "Field project.spec.default_endpoint_settings.no_suspension must be true when set (to change it, provide suspend_timeout_duration instead), got 'false'.",
    );
  });
});

describe("update masks as the live service reads them", () => {
  it("a oneof member masked by its own name is an unknown path", async () => {
    refused(
      await patch(PRIMARY, "spec.suspend_timeout_duration", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", suspend_timeout_duration: "600s" } }),
      "Unknown field path in update_mask: 'spec.suspend_timeout_duration'",
    );
  });

  it("a create-only field in the mask is an unknown path when its value is sent", async () => {
    refused(await patch(P, "initial_endpoint_spec", { initial_endpoint_spec: { autoscaling_limit_max_cu: 2 } }), "Unknown field path in update_mask: 'initial_endpoint_spec'");
  });

  it("create-only fields masked without their value are accepted and ignored (Terraform's recorded update)", async () => {
    const reply = await patch(P, "initial_branch_spec,initial_endpoint_spec,spec", { name: P, spec: { display_name: "Val (tf)" } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect((await settled(reply)).status.display_name).toBe("Val (tf)");
    await settled(await patch(P, "spec.display_name", { spec: { display_name: "Val" } }));
  });

  it("a parent message outside the probed paths is an unknown path", async () => {
    refused(await patch(PRIMARY, "spec.group", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", group: { min: 1, max: 1 } } }), "Unknown field path in update_mask: 'spec.group'");
  });

  it("a masked leaf absent from the body is refused", async () => {
    refused(await patch(P, "spec.history_retention_duration", { spec: { display_name: "Val" } }), "Field 'spec.history_retention_duration' is in update_mask but not provided in request");
  });

  it("an explicit null counts as absent", async () => {
    refused(await patch(P, "spec.display_name", { spec: { display_name: null } }), "Field 'spec.display_name' is in update_mask but not provided in request");
  });

  it("spec.default_endpoint_settings masked whole needs its suspension, and replaces the settings", async () => {
    await settled(await patch(P, "spec.default_endpoint_settings.autoscaling_limit_max_cu", { spec: { default_endpoint_settings: { autoscaling_limit_max_cu: 4 } } }));
    refused(
      await patch(P, "spec.default_endpoint_settings", { spec: { default_endpoint_settings: { autoscaling_limit_max_cu: 2 } } }),
      "Field 'spec.default_endpoint_settings.suspension' is in update_mask but not provided in request",
    );
    const replaced = await settled(await patch(P, "spec.default_endpoint_settings", { spec: { default_endpoint_settings: { suspend_timeout_duration: "600s" } } }));
    expect(replaced.status.default_endpoint_settings).toEqual({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1, suspend_timeout_duration: "600s" });
  });

  it("update_mask=* needs every field the resource has set", async () => {
    const minimal = await patch(P, "*", { spec: { display_name: "Val", pg_version: 17 } });
    refused(minimal, /^Field 'spec\.[a-z_.]+' is in update_mask but not provided in request$/);
    const project = (await call("GET", P)).body;
    const { display_name, history_retention_duration, default_branch, default_endpoint_settings } = project.status;
    const full = await settled(await patch(P, "*", { spec: { display_name: "Val*", history_retention_duration, default_branch, default_endpoint_settings } }));
    expect(full.status.display_name).toBe("Val*");
    expect(display_name).toBe("Val");
  });

  it("an immutable field under update_mask=spec is carried but not changed", async () => {
    const updated = await settled(await patch(P, "spec", { spec: { display_name: "Val", pg_version: 16 } }));
    expect(updated.status).toMatchObject({ display_name: "Val", pg_version: 17 });
  });

  it("a missing update_mask is a missing required field", async () => {
    refused(await call("PATCH", P, { body: { spec: { display_name: "x" } } }), `Field 'update_mask' is required, expected non-default value (not "")!`);
  });
});

describe("reads under missing parents", () => {
  it("a read under a missing project answers project id not found", async () => {
    refused(await call("GET", "projects/nowhere/branches/production"), /^project id not found \[TraceId: [0-9a-f]+\]$/, 404, "NOT_FOUND");
    refused(await call("GET", "projects/nowhere/branches/production/endpoints/primary"), /^project id not found \[TraceId: [0-9a-f]+\]$/, 404, "NOT_FOUND");
  });

  it("a read under a soft-deleted project answers project id not found", async () => {
    await settled(await call("POST", "projects", { query: { project_id: "gone" }, body: { spec: {} } }));
    await settled(await call("DELETE", "projects/gone"));
    for (const path of ["projects/gone/branches/production", "projects/gone/branches/production/endpoints/primary", "projects/gone/branches/production/roles/owner", "projects/gone/branches"]) {
      refused(await call("GET", path), /^project id not found \[TraceId: [0-9a-f]+\]$/, 404, "NOT_FOUND");
    }
    await settled(await call("DELETE", "projects/gone", { query: { purge: "true" } }));
  });

  it("a read under a missing or soft-deleted branch answers branch id not found", async () => {
    await settled(await createBranch({ no_expiry: true }, "doomed"));
    await settled(await call("DELETE", `${P}/branches/doomed`));
    for (const branch of ["nowhere", "doomed"]) {
      for (const path of [`${P}/branches/${branch}/endpoints/primary`, `${P}/branches/${branch}/databases/databricks-postgres`, `${P}/branches/${branch}/roles`]) {
        refused(await call("GET", path), /^branch id not found \[TraceId: [0-9a-f]+\]$/, 404, "NOT_FOUND");
      }
    }
    await settled(await call("DELETE", `${P}/branches/doomed`, { query: { purge: "true" } }));
  });

  it("a missing resource under existing parents answers its own kind", async () => {
    refused(await call("GET", `${PROD}/endpoints/nowhere`), /^endpoint id not found \[TraceId: [0-9a-f]+\]$/, 404, "NOT_FOUND");
  });
});

describe("reads carry what the live service shows", () => {
  it("GET answers status and never spec, with the recorded server defaults", async () => {
    await settled(await call("POST", "projects", { query: { project_id: "shape" }, body: { spec: { display_name: "orig", pg_version: 16 } } }));
    const project = (await call("GET", "projects/shape")).body;
    ProjectSchema.parse(project);
    expect(project.spec).toBeUndefined();
    expect(project.status).toMatchObject({
      history_retention_duration: "604800s",
      default_endpoint_settings: { autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1, suspend_timeout_duration: "86400s" },
      enable_pg_native_login: false,
      branch_logical_size_limit_bytes: 8796093022208,
      synthetic_storage_size_bytes: 0,
      owner: emulator.userName,
      default_branch: "projects/shape/branches/production",
    });
    const root = (await call("GET", "projects/shape/branches/production")).body;
    BranchSchema.parse(root);
    expect(root.spec).toBeUndefined();
    expect(root.status).toMatchObject({ current_state: "READY", default: true });
    expect(Object.keys(root.status).filter((k) => k.startsWith("source_"))).toEqual([]);
    const child = await settled(await call("POST", "projects/shape/branches", { query: { branch_id: "child" }, body: { spec: { no_expiry: true } } }));
    expect(child.status).toMatchObject({ current_state: "READY", default: false, is_protected: false, source_branch: "projects/shape/branches/production" });
    expect(child.status.source_branch_lsn).toMatch(/^0\/[0-9A-F]+$/);
    const endpoint = (await call("GET", "projects/shape/branches/production/endpoints/primary")).body;
    EndpointSchema.parse(endpoint);
    expect(endpoint.spec).toBeUndefined();
    expect(endpoint.status).toMatchObject({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1, suspend_timeout_duration: "86400s" });
    const role = await settled(await call("POST", "projects/shape/branches/production/roles", { query: { role_id: "plain" }, body: { spec: { postgres_role: "plain" } } }));
    RoleSchema.parse(role);
    expect(role.spec).toBeUndefined();
    expect(role.status).toMatchObject({ identity_type: "IDENTITY_TYPE_UNSPECIFIED", auth_method: "PG_PASSWORD_SCRAM_SHA_256", attributes: { createdb: false, createrole: false, bypassrls: false } });
  });

  it("an endpoint inherits its project's no_suspension default", async () => {
    await settled(await call("POST", "projects", { query: { project_id: "awake" }, body: { spec: { default_endpoint_settings: { no_suspension: true } } } }));
    const primary = (await call("GET", "projects/awake/branches/production/endpoints/primary")).body;
    expect(primary.status.suspend_timeout_duration).toBeUndefined();
  });
});
