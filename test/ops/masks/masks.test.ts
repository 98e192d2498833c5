import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/ops/errors.js";
import { fieldMask, maskRulesFor, type MaskResource } from "../../../src/ops/masks/index.js";

/** The ValidationError thrown by `fn` (fails the test when nothing, or something else, is thrown). */
function caught(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const err = e as ValidationError;
    expect(err.field).toBe("update_mask");
    expect(err.message).toBe(`Invalid update_mask: ${err.rule}`);
    return err;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}

const fromPatchError = (resource: MaskResource, patch: object) => caught(() => fieldMask.fromPatch(resource, patch)).rule;
const validateError = (resource: MaskResource, mask: string | readonly string[], body: object) =>
  caught(() => fieldMask.validate(resource, mask, body)).rule;

describe("maskRulesFor", () => {
  it("reads the generated operation table", () => {
    const endpoint = maskRulesFor("endpoint");
    expect(endpoint.operationId).toBe("UpdateEndpoint");
    expect(endpoint.allowed.has("spec.suspension")).toBe(true);
    expect(endpoint.groupOf.get("spec.no_suspension")).toBe("spec.suspension");
    expect(endpoint.trueOnly.has("spec.no_suspension")).toBe(true);
    expect(endpoint.carriedUnmasked.has("spec.endpoint_type")).toBe(true);
    expect(maskRulesFor("branch").groups.get("spec.expiration")).toEqual(["spec.ttl", "spec.expire_time", "spec.no_expiry"]);
    expect(maskRulesFor("project").createOnly).toEqual(["initial_branch_spec", "initial_endpoint_spec"]);
    expect(maskRulesFor("role").immutable).toEqual(["spec.postgres_role"]);
    expect(maskRulesFor("dataApi").paths).toContain("spec.db_schemas");
  });

  it("refuses an unknown resource", () => {
    expect(() => maskRulesFor("catalog" as MaskResource)).toThrow(/Unknown mask resource "catalog"/);
  });
});

describe("fromPatch: rule 1, oneof members are masked by their group", () => {
  it("endpoint suspension (reference example)", () => {
    expect(fieldMask.fromPatch("endpoint", { spec: { suspend_timeout_duration: "600s", autoscaling_limit_max_cu: 4 } })).toEqual([
      "spec.autoscaling_limit_max_cu",
      "spec.suspension",
    ]);
    expect(fieldMask.fromPatch("endpoint", { spec: { no_suspension: true } })).toEqual(["spec.suspension"]);
  });

  it("branch expiration", () => {
    expect(fieldMask.fromPatch("branch", { spec: { ttl: "3600s" } })).toEqual(["spec.expiration"]);
    expect(fieldMask.fromPatch("branch", { spec: { expire_time: "2026-12-31T00:00:00Z" } })).toEqual(["spec.expiration"]);
    expect(fieldMask.fromPatch("branch", { spec: { no_expiry: true, is_protected: true } })).toEqual(["spec.expiration", "spec.is_protected"]);
  });

  it("project default endpoint suspension", () => {
    expect(fieldMask.fromPatch("project", { spec: { default_endpoint_settings: { suspend_timeout_duration: "300s" } } })).toEqual([
      "spec.default_endpoint_settings.suspension",
    ]);
    expect(
      fieldMask.fromPatch("project", { spec: { default_endpoint_settings: { no_suspension: true, autoscaling_limit_min_cu: 0.5 } } }),
    ).toEqual(["spec.default_endpoint_settings.autoscaling_limit_min_cu", "spec.default_endpoint_settings.suspension"]);
  });

  it("two members of one group are mutually exclusive", () => {
    expect(fromPatchError("endpoint", { spec: { suspend_timeout_duration: "600s", no_suspension: true } })).toBe(
      "spec.suspend_timeout_duration and spec.no_suspension are mutually exclusive (oneof spec.suspension): send only one of spec.suspend_timeout_duration, spec.no_suspension",
    );
    expect(fromPatchError("branch", { spec: { ttl: "3600s", expire_time: "2026-12-31T00:00:00Z" } })).toContain(
      "spec.ttl and spec.expire_time are mutually exclusive (oneof spec.expiration)",
    );
  });

  it("a group name used as a body field is refused", () => {
    expect(fromPatchError("endpoint", { spec: { suspension: { no_suspension: true } } })).toBe(
      "spec.suspension is a oneof group, not a field: put one member (suspend_timeout_duration or no_suspension) directly under spec in the body",
    );
  });
});

describe("fromPatch: rule 2, maps and arrays are masked whole", () => {
  it("pg_settings", () => {
    expect(fieldMask.fromPatch("endpoint", { spec: { settings: { pg_settings: { work_mem: "64MB", statement_timeout: "0" } } } })).toEqual([
      "spec.settings.pg_settings",
    ]);
    expect(fieldMask.fromPatch("project", { spec: { default_endpoint_settings: { pg_settings: { work_mem: "4MB" } } } })).toEqual([
      "spec.default_endpoint_settings.pg_settings",
    ]);
    // an empty map replaces the settings with none: still a value to send
    expect(fieldMask.fromPatch("endpoint", { spec: { settings: { pg_settings: {} } } })).toEqual(["spec.settings.pg_settings"]);
  });

  it("a null map entry is refused", () => {
    expect(fromPatchError("endpoint", { spec: { settings: { pg_settings: { work_mem: null } } } })).toContain(
      "spec.settings.pg_settings.work_mem is null: the API cannot unset a field",
    );
  });

  it("arrays", () => {
    expect(fieldMask.fromPatch("project", { spec: { custom_tags: [{ key: "team", value: "db" }] } })).toEqual(["spec.custom_tags"]);
    expect(fieldMask.fromPatch("project", { spec: { custom_tags: [] } })).toEqual(["spec.custom_tags"]);
    expect(fieldMask.fromPatch("role", { spec: { membership_roles: ["DATABRICKS_SUPERUSER"] } })).toEqual(["spec.membership_roles"]);
    expect(fieldMask.fromPatch("dataApi", { spec: { db_schemas: ["public", "api"], db_max_rows: 100 } })).toEqual([
      "spec.db_max_rows",
      "spec.db_schemas",
    ]);
  });
});

describe("fromPatch: rule 3, create-only fields", () => {
  it("initial_endpoint_spec and initial_branch_spec are refused", () => {
    expect(fromPatchError("project", { initial_endpoint_spec: { suspend_timeout_duration: "300s" } })).toBe(
      "initial_endpoint_spec applies only at creation (create-only): it cannot be updated; leave it out of the project update",
    );
    expect(fromPatchError("project", { spec: { display_name: "x" }, initial_branch_spec: { is_protected: true } })).toContain(
      "initial_branch_spec applies only at creation",
    );
  });
});

describe("fromPatch: rule 4, immutable fields", () => {
  it("pg_version, source_branch*, postgres_role are refused", () => {
    expect(fromPatchError("project", { spec: { pg_version: 17 } })).toBe("spec.pg_version is immutable: create a new project instead");
    expect(fromPatchError("branch", { spec: { source_branch: "projects/p/branches/main", is_protected: true } })).toBe(
      "spec.source_branch is immutable: create a new branch instead",
    );
    expect(fromPatchError("branch", { spec: { source_branch_lsn: "0/16B3748" } })).toContain("spec.source_branch_lsn is immutable");
    expect(fromPatchError("branch", { spec: { source_branch_time: "2026-01-01T00:00:00Z" } })).toContain("spec.source_branch_time is immutable");
    expect(fromPatchError("role", { spec: { postgres_role: "other" } })).toBe("spec.postgres_role is immutable: create a new role instead");
  });

  it("an endpoint body may carry endpoint_type: it is left out of the mask", () => {
    expect(fieldMask.fromPatch("endpoint", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", disabled: true } })).toEqual(["spec.disabled"]);
    expect(fromPatchError("endpoint", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE" } })).toContain("nothing to update");
  });
});

describe("fromPatch: rule 5, every masked path is present and sendable", () => {
  it("explicit false is kept", () => {
    expect(fieldMask.fromPatch("branch", { spec: { is_protected: false } })).toEqual(["spec.is_protected"]);
    expect(fieldMask.fromPatch("endpoint", { spec: { disabled: false, autoscaling_limit_min_cu: 0.5 } })).toEqual([
      "spec.autoscaling_limit_min_cu",
      "spec.disabled",
    ]);
    expect(fieldMask.fromPatch("database", { spec: { postgres_database: "" } })).toEqual(["spec.postgres_database"]);
  });

  it("no_suspension: false is refused with the advice", () => {
    expect(fromPatchError("endpoint", { spec: { no_suspension: false } })).toBe(
      'spec.no_suspension: false is not accepted by the API: send no_suspension: true under spec.suspension to disable scale-to-zero, or suspend_timeout_duration (e.g. "300s") to re-enable it',
    );
    expect(fromPatchError("project", { spec: { default_endpoint_settings: { no_suspension: false } } })).toBe(
      'spec.default_endpoint_settings.no_suspension: false is not accepted by the API: send no_suspension: true under spec.default_endpoint_settings.suspension to disable scale-to-zero, or suspend_timeout_duration (e.g. "300s") to re-enable it',
    );
  });

  it("no_expiry: false is refused with the advice", () => {
    expect(fromPatchError("branch", { spec: { no_expiry: false } })).toContain(
      "spec.no_expiry: false is not accepted by the API: send ttl or expire_time to set an expiration",
    );
  });

  it("null and undefined are refused", () => {
    expect(fromPatchError("project", { spec: { display_name: null } })).toBe(
      "spec.display_name is null: the API cannot unset a field; send a value, or leave the key out to keep the current value",
    );
    expect(fromPatchError("endpoint", { spec: { suspend_timeout_duration: null } })).toBe(
      "spec.suspend_timeout_duration is null: the API cannot unset a field; send a value, or leave the key out to keep the current value; to clear spec.suspension, send no_suspension: true under it",
    );
    expect(fromPatchError("branch", { spec: { is_protected: undefined } })).toContain(
      "spec.is_protected is undefined: the API cannot unset a field; send a value",
    );
    expect(fromPatchError("branch", { spec: null })).toContain("spec is null");
  });
});

describe("fromPatch: rule 6, the most specific accepted paths", () => {
  it("role attributes are masked per leaf", () => {
    expect(fieldMask.fromPatch("role", { spec: { attributes: { createdb: true } } })).toEqual(["spec.attributes.createdb"]);
    expect(fieldMask.fromPatch("role", { spec: { attributes: { createdb: false, bypassrls: true }, auth_method: "NO_LOGIN" } })).toEqual([
      "spec.attributes.bypassrls",
      "spec.attributes.createdb",
      "spec.auth_method",
    ]);
  });

  it("endpoint group leaves", () => {
    expect(fieldMask.fromPatch("endpoint", { spec: { group: { min: 2, max: 2 }, no_suspension: true } })).toEqual([
      "spec.group.max",
      "spec.group.min",
      "spec.suspension",
    ]);
  });

  it("project default_endpoint_settings: the leaves, not the parent", () => {
    expect(
      fieldMask.fromPatch("project", {
        spec: { display_name: "Prod", default_endpoint_settings: { autoscaling_limit_max_cu: 8, pg_settings: { a: "b" } } },
      }),
    ).toEqual([
      "spec.default_endpoint_settings.autoscaling_limit_max_cu",
      "spec.default_endpoint_settings.pg_settings",
      "spec.display_name",
    ]);
  });

  it("an unknown field under an accepted parent is masked by that parent", () => {
    expect(fieldMask.fromPatch("role", { spec: { attributes: { createdb: true, superuser: true } } })).toEqual(["spec.attributes"]);
  });

  it("an unknown leaf is refused, listing the accepted paths (no fallback to spec)", () => {
    expect(fromPatchError("branch", { spec: { is_protectd: true } })).toBe(
      "spec.is_protectd is not an updatable field of a branch (no accepted update_mask path covers it); accepted paths: spec, spec.expiration, spec.is_protected",
    );
    expect(fromPatchError("endpoint", { spec: { group: { min: 1, max: 1, size: 3 } } })).toContain(
      "spec.group.size is not an updatable field of an endpoint",
    );
    expect(fromPatchError("project", { status: { display_name: "x" } })).toContain("status is not an updatable field of a project");
  });

  it("an empty patch is refused", () => {
    expect(fromPatchError("branch", {})).toContain("nothing to update");
    expect(fromPatchError("branch", { spec: {} })).toContain("nothing to update");
    expect(fromPatchError("branch", { name: "projects/p/branches/b" })).toContain("nothing to update");
    expect(fromPatchError("endpoint", { spec: { group: {} } })).toContain("nothing to update");
  });

  it("the resource name is not a field", () => {
    expect(fieldMask.fromPatch("project", { name: "projects/p", spec: { display_name: "x" } })).toEqual(["spec.display_name"]);
  });

  it("a Date value is a leaf", () => {
    expect(fieldMask.fromPatch("branch", { spec: { expire_time: new Date("2026-12-31T00:00:00Z") } })).toEqual(["spec.expiration"]);
  });

  it("database and Data API leaves", () => {
    expect(fieldMask.fromPatch("database", { spec: { role: "projects/p/branches/b/roles/r", postgres_database: "app" } })).toEqual([
      "spec.postgres_database",
      "spec.role",
    ]);
    expect(fieldMask.fromPatch("dataApi", { spec: { jwt_cache_max_lifetime: "0s", server_timing_enabled: false } })).toEqual([
      "spec.jwt_cache_max_lifetime",
      "spec.server_timing_enabled",
    ]);
  });

  it("a non-object patch or spec is refused", () => {
    expect(fromPatchError("branch", { spec: "x" })).toBe("spec must be an object");
    expect(fromPatchError("branch", [] as unknown as object)).toContain("the patch must be a plain object");
  });
});

describe("validate", () => {
  const endpointBody = { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", suspend_timeout_duration: "600s", autoscaling_limit_max_cu: 4 } };

  it("accepts a string or a list; trims and removes duplicates, keeping the caller's order", () => {
    expect(fieldMask.validate("endpoint", "spec.suspension, spec.autoscaling_limit_max_cu,,spec.suspension", endpointBody)).toEqual([
      "spec.suspension",
      "spec.autoscaling_limit_max_cu",
    ]);
    expect(fieldMask.validate("endpoint", ["spec.suspension"], endpointBody)).toEqual(["spec.suspension"]);
    expect(fieldMask.validate("endpoint", "spec", endpointBody)).toEqual(["spec"]);
  });

  it("a member instead of its group", () => {
    expect(validateError("endpoint", "spec.suspend_timeout_duration", endpointBody)).toBe(
      "mask spec.suspension instead of spec.suspend_timeout_duration (oneof members are masked by their group)",
    );
    expect(validateError("branch", ["spec.ttl"], { spec: { ttl: "60s" } })).toBe(
      "mask spec.expiration instead of spec.ttl (oneof members are masked by their group)",
    );
  });

  it("a masked path absent from the body", () => {
    expect(validateError("branch", "spec.is_protected", { spec: { ttl: "60s" } })).toBe(
      "Field 'spec.is_protected' is in update_mask but not provided in request: add is_protected to the body, or remove it from the mask",
    );
    expect(validateError("endpoint", "spec.suspension", { spec: { disabled: true } })).toBe(
      "Field 'spec.suspension' is in update_mask but not provided in request: send one of spec.suspend_timeout_duration, spec.no_suspension",
    );
    expect(validateError("project", "spec", { name: "projects/p" })).toContain("Field 'spec' is in update_mask but not provided in request");
  });

  it("masking default_endpoint_settings whole requires its suspension member", () => {
    expect(validateError("project", "spec.default_endpoint_settings", { spec: { default_endpoint_settings: { autoscaling_limit_max_cu: 2 } } })).toContain(
      "Field 'spec.default_endpoint_settings.suspension' is in update_mask but not provided in request: masking spec.default_endpoint_settings replaces it whole",
    );
    expect(
      fieldMask.validate("project", "spec.default_endpoint_settings", {
        spec: { default_endpoint_settings: { autoscaling_limit_max_cu: 2, no_suspension: true } },
      }),
    ).toEqual(["spec.default_endpoint_settings"]);
  });

  it("'*' goes through as the live API accepts it (the bundle engine's form); bad values below it are still refused", () => {
    expect(fieldMask.validate("project", "*", { name: "projects/p", spec: { display_name: "x" } })).toEqual(["*"]);
    expect(validateError("branch", "*", { spec: { ttl: "60s", no_expiry: true } })).toContain("mutually exclusive");
    expect(validateError("endpoint", "*", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", no_suspension: false } })).toContain("no_suspension: false");
  });

  it("create-only paths go through only without their value (Terraform's recorded form)", () => {
    expect(fieldMask.validate("project", "initial_branch_spec,initial_endpoint_spec,spec", { spec: { display_name: "x" } })).toEqual([
      "initial_branch_spec",
      "initial_endpoint_spec",
      "spec",
    ]);
    expect(validateError("project", "initial_endpoint_spec", { initial_endpoint_spec: { autoscaling_limit_min_cu: 1 } })).toContain(
      "initial_endpoint_spec applies only at creation",
    );
    expect(validateError("project", "initial_endpoint_spec.autoscaling_limit_min_cu", {})).toContain("initial_endpoint_spec applies only at creation");
  });

  it("unknown, immutable, create-only and per-key paths", () => {
    expect(validateError("branch", "spec.foo", { spec: { foo: 1 } })).toBe(
      `unknown update_mask path 'spec.foo' for a branch (the API answers "Unknown field path in update_mask"); accepted paths: spec, spec.expiration, spec.is_protected`,
    );
    expect(validateError("project", "spec.pg_version", { spec: { pg_version: 17 } })).toBe("spec.pg_version is immutable: create a new project instead");
    expect(validateError("endpoint", "spec,spec.endpoint_type", endpointBody)).toContain("spec.endpoint_type is immutable: create a new endpoint instead");
    expect(validateError("project", "initial_endpoint_spec", { initial_endpoint_spec: {} })).toContain("initial_endpoint_spec applies only at creation");
    expect(validateError("endpoint", "spec.settings.pg_settings.work_mem", {})).toBe(
      "mask spec.settings.pg_settings instead of spec.settings.pg_settings.work_mem (maps are masked as a whole, never per key)",
    );
    expect(validateError("branch", "", { spec: { is_protected: true } })).toContain("the mask is empty");
  });

  it("null, undefined and no_*: false under a masked path", () => {
    expect(validateError("project", "spec.display_name", { spec: { display_name: null } })).toContain("spec.display_name is null: the API cannot unset a field");
    expect(validateError("project", "spec", { spec: { display_name: "x", budget_policy_id: undefined } })).toContain(
      "spec.budget_policy_id is undefined",
    );
    expect(validateError("endpoint", "spec.suspension", { spec: { no_suspension: false } })).toContain(
      "spec.no_suspension: false is not accepted by the API: send no_suspension: true under spec.suspension to disable scale-to-zero",
    );
    expect(validateError("branch", "spec", { spec: { no_expiry: false } })).toContain("spec.no_expiry: false is not accepted by the API");
    expect(validateError("endpoint", "spec.suspension", { spec: { no_suspension: true, suspend_timeout_duration: "60s" } })).toContain(
      "are mutually exclusive (oneof spec.suspension)",
    );
  });

  it("a body field that is not masked is not checked", () => {
    expect(fieldMask.validate("branch", "spec.is_protected", { spec: { is_protected: false, ttl: null } })).toEqual(["spec.is_protected"]);
  });
});

describe("paths", () => {
  it("returns the typed list and checks it at run time", () => {
    expect(fieldMask.paths("branch", "spec.expiration", "spec.is_protected")).toEqual(["spec.expiration", "spec.is_protected"]);
    expect(caught(() => fieldMask.paths("branch", "spec.ttl" as "spec.expiration")).rule).toContain("mask spec.expiration instead of spec.ttl");
  });
});

describe("diff", () => {
  const endpointCurrent = {
    name: "projects/p/branches/b/endpoints/e",
    status: {
      endpoint_type: "ENDPOINT_TYPE_READ_WRITE",
      autoscaling_limit_min_cu: 0.5,
      autoscaling_limit_max_cu: 4,
      suspend_timeout_duration: "300s",
      disabled: false,
      group: { min: 1, max: 1, enable_readable_secondaries: false },
      settings: { pg_settings: { work_mem: "4MB" } },
      current_state: "ACTIVE",
    },
  };

  it("nothing changed: []", () => {
    const desired = {
      spec: {
        endpoint_type: "ENDPOINT_TYPE_READ_WRITE",
        autoscaling_limit_min_cu: 0.5,
        autoscaling_limit_max_cu: 4,
        suspend_timeout_duration: "300.000s",
        group: { min: 1, max: 1 },
        settings: { pg_settings: { work_mem: "4MB" } },
      },
    };
    expect(fieldMask.diff("endpoint", endpointCurrent, desired)).toEqual([]);
  });

  it("only changed paths, masked by the rules", () => {
    const desired = {
      spec: {
        endpoint_type: "ENDPOINT_TYPE_READ_WRITE",
        autoscaling_limit_min_cu: 0.5,
        autoscaling_limit_max_cu: 8,
        suspend_timeout_duration: "600s",
        group: { min: 1, max: 1 },
        settings: { pg_settings: { work_mem: "4MB", statement_timeout: "0" } },
      },
    };
    expect(fieldMask.diff("endpoint", endpointCurrent, desired)).toEqual([
      "spec.autoscaling_limit_max_cu",
      "spec.settings.pg_settings",
      "spec.suspension",
    ]);
  });

  it("no_suspension: true against a current state without it is a change", () => {
    expect(fieldMask.diff("endpoint", endpointCurrent, { spec: { no_suspension: true } })).toEqual(["spec.suspension"]);
  });

  it("oneof members converge against what a GET shows (status only: docs/api-behaviour.md#convergence-of-oneof-members)", () => {
    const noTimeout = { status: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_min_cu: 0.5 } };
    expect(fieldMask.diff("endpoint", noTimeout, { spec: { no_suspension: true } })).toEqual([]);
    expect(fieldMask.diff("endpoint", noTimeout, { spec: { suspend_timeout_duration: "300s" } })).toEqual(["spec.suspension"]);
    const project = { status: { default_endpoint_settings: { autoscaling_limit_min_cu: 1 } } };
    expect(fieldMask.diff("project", project, { spec: { default_endpoint_settings: { no_suspension: true } } })).toEqual([]);
    const created = "2026-12-01T10:00:00Z";
    const neverExpires = { create_time: created, status: { is_protected: false } };
    expect(fieldMask.diff("branch", neverExpires, { spec: { no_expiry: true } })).toEqual([]);
    expect(fieldMask.diff("branch", neverExpires, { spec: { ttl: "3600s" } })).toEqual(["spec.expiration"]);
    const expiring = { create_time: created, status: { expire_time: "2026-12-01T11:00:00.250Z" } };
    expect(fieldMask.diff("branch", expiring, { spec: { ttl: "3600s" } })).toEqual([]);
    expect(fieldMask.diff("branch", expiring, { spec: { ttl: "7200s" } })).toEqual(["spec.expiration"]);
    expect(fieldMask.diff("branch", expiring, { spec: { no_expiry: true } })).toEqual(["spec.expiration"]);
    expect(fieldMask.diff("branch", expiring, { spec: { expire_time: "2026-12-01T11:00:00.250Z" } })).toEqual([]);
    // within TTL_TOLERANCE_MS (60 s) of create_time + ttl, and not beyond
    expect(fieldMask.diff("branch", { create_time: created, status: { expire_time: "2026-12-01T11:00:59Z" } }, { spec: { ttl: "3600s" } })).toEqual([]);
    expect(fieldMask.diff("branch", { create_time: created, status: { expire_time: "2026-12-01T11:01:01Z" } }, { spec: { ttl: "3600s" } })).toEqual(["spec.expiration"]);
  });

  it("current.spec wins over current.status when present", () => {
    const current = { spec: { no_suspension: true }, status: { suspend_timeout_duration: "300s" } };
    expect(fieldMask.diff("endpoint", current, { spec: { no_suspension: true } })).toEqual([]);
    expect(fieldMask.diff("endpoint", current, { spec: { suspend_timeout_duration: "300s" } })).toEqual(["spec.suspension"]);
    expect(fieldMask.diff("branch", { spec: { is_protected: false }, status: { is_protected: true } }, { spec: { is_protected: false } })).toEqual([]);
  });

  it("explicit false against true is a change", () => {
    expect(fieldMask.diff("branch", { status: { is_protected: true } }, { spec: { is_protected: false } })).toEqual(["spec.is_protected"]);
  });

  it("numbers and numeric strings (int64) are equal; timestamps compare by instant", () => {
    expect(fieldMask.diff("dataApi", { status: { db_max_rows: "1000" } }, { spec: { db_max_rows: 1000 } })).toEqual([]);
    expect(fieldMask.diff("dataApi", { status: { db_max_rows: "1000" } }, { spec: { db_max_rows: 1001 } })).toEqual(["spec.db_max_rows"]);
    expect(
      fieldMask.diff("branch", { status: { expire_time: "2026-12-31T00:00:00.000Z" } }, { spec: { expire_time: "2026-12-31T00:00:00Z" } }),
    ).toEqual([]);
  });

  it("role attributes per leaf; arrays whole", () => {
    const current = { status: { attributes: { createdb: false, bypassrls: false }, membership_roles: ["DATABRICKS_SUPERUSER"], postgres_role: "app" } };
    expect(
      fieldMask.diff("role", current, {
        spec: { postgres_role: "app", attributes: { createdb: true, bypassrls: false }, membership_roles: ["DATABRICKS_SUPERUSER"] },
      }),
    ).toEqual(["spec.attributes.createdb"]);
    expect(fieldMask.diff("role", current, { spec: { membership_roles: [] } })).toEqual(["spec.membership_roles"]);
  });

  it("immutable fields: equal are ignored, different throw", () => {
    expect(fieldMask.diff("project", { status: { pg_version: 17, display_name: "a" } }, { spec: { pg_version: 17, display_name: "b" } })).toEqual([
      "spec.display_name",
    ]);
    expect(caught(() => fieldMask.diff("project", { status: { pg_version: 16 } }, { spec: { pg_version: 17 } })).rule).toBe(
      "spec.pg_version is immutable: create a new project instead (current 16, desired 17)",
    );
    expect(
      caught(() => fieldMask.diff("endpoint", endpointCurrent, { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" } })).rule,
    ).toContain("spec.endpoint_type is immutable: create a new endpoint instead");
  });

  it("the desired body obeys the fromPatch rules", () => {
    expect(caught(() => fieldMask.diff("endpoint", endpointCurrent, { spec: { no_suspension: false } })).rule).toContain(
      "spec.no_suspension: false is not accepted by the API",
    );
    expect(caught(() => fieldMask.diff("project", {}, { initial_branch_spec: { is_protected: true } })).rule).toContain(
      "initial_branch_spec applies only at creation",
    );
    expect(caught(() => fieldMask.diff("branch", {}, { spec: { ttl: null } })).rule).toContain("spec.ttl is null");
  });
});
