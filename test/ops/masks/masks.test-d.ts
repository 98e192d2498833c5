import { describe, expectTypeOf, it } from "vitest";
import type { Branch, BranchInput, Endpoint, EndpointInput, ProjectInput, RoleInput } from "../../../src/generated/models.js";
import { fieldMask, type FieldPath, type MaskPath } from "../../../src/ops/masks/index.js";

describe("FieldPath", () => {
  it("takes the resource type too: FieldPath<Branch> names the paths of its request body", () => {
    const ok: FieldPath<Branch> = "spec.is_protected";
    // @ts-expect-error typo: is_protectd
    const typo: FieldPath<Branch> = "spec.is_protectd";
    void ok;
    void typo;
    expectTypeOf<FieldPath<Branch>>().toEqualTypeOf<FieldPath<BranchInput>>();
    expectTypeOf<"spec.suspend_timeout_duration">().toExtend<FieldPath<Endpoint>>();
  });

  it("accepts the dotted paths of a request body and rejects typos", () => {
    const ok: FieldPath<BranchInput> = "spec.is_protected";
    // @ts-expect-error typo: is_protectd
    const typo: FieldPath<BranchInput> = "spec.is_protectd";
    void ok;
    void typo;
    expectTypeOf<"spec" | "spec.ttl" | "spec.no_expiry" | "name">().toExtend<FieldPath<BranchInput>>();
    expectTypeOf<"spec.group.min" | "spec.settings.pg_settings">().toExtend<FieldPath<EndpointInput>>();
    expectTypeOf<"spec.attributes.createdb">().toExtend<FieldPath<RoleInput>>();
    expectTypeOf<"initial_endpoint_spec.group.max">().toExtend<FieldPath<ProjectInput>>();
  });

  it("stops at maps, arrays and primitives; leaves out output-only fields", () => {
    // @ts-expect-error map keys are data, not fields
    const mapKey: FieldPath<EndpointInput> = "spec.settings.pg_settings.work_mem";
    // @ts-expect-error arrays are leaves
    const arrayItem: FieldPath<ProjectInput> = "spec.custom_tags.key";
    // @ts-expect-error status is output-only: not a field of a request body
    const status: FieldPath<BranchInput> = "status";
    // @ts-expect-error primitives have no fields
    const prim: FieldPath<BranchInput> = "spec.is_protected.x";
    void [mapKey, arrayItem, status, prim];
    expectTypeOf<FieldPath<string>>().toEqualTypeOf<never>();
  });
});

describe("MaskPath", () => {
  it("is the allow-list of the generated operation table", () => {
    const group: MaskPath<"endpoint"> = "spec.suspension";
    // @ts-expect-error oneof members are masked by their group
    const member: MaskPath<"endpoint"> = "spec.suspend_timeout_duration";
    void group;
    void member;
    expectTypeOf<MaskPath<"branch">>().toEqualTypeOf<"spec" | "spec.is_protected" | "spec.expiration">();
    expectTypeOf<"spec.attributes.createdb">().toExtend<MaskPath<"role">>();
    expectTypeOf<"spec.default_endpoint_settings.suspension">().toExtend<MaskPath<"project">>();
    expectTypeOf<"spec.pg_version">().not.toExtend<MaskPath<"project">>();
  });
});

describe("fieldMask", () => {
  it("paths() takes only accepted paths of the resource", () => {
    expectTypeOf(fieldMask.paths("branch", "spec.expiration")).toEqualTypeOf<MaskPath<"branch">[]>();
    // @ts-expect-error spec.ttl is a member of spec.expiration
    fieldMask.paths("branch", "spec.ttl");
    // @ts-expect-error an endpoint path is not a branch path
    fieldMask.paths("branch", "spec.suspension");
  });

  it("fromPatch and diff return typed mask paths", () => {
    expectTypeOf(fieldMask.fromPatch("endpoint", { spec: {} })).toEqualTypeOf<MaskPath<"endpoint">[]>();
    expectTypeOf(fieldMask.diff("role", {}, {})).toEqualTypeOf<MaskPath<"role">[]>();
    expectTypeOf(fieldMask.validate("project", "spec.display_name", {})).toEqualTypeOf<string[]>();
  });
});
