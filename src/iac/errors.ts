import { LakebaseError } from "../ops/errors.js";
import type { AppliedResource, FieldChange, ResourceKind } from "./types.js";

/**
 * The desired state changes a field that cannot change after creation (a project's `pg_version`,
 * an endpoint's `endpoint_type`, a branch's `source_branch`, a role's `postgres_role`): the resource
 * must be recreated. Thrown by `plan` before anything is sent, unless `allowRecreate` is set.
 */
export class RecreateRequiredError extends LakebaseError {
  static override readonly typeName: string = "RecreateRequiredError";

  readonly resources: readonly { readonly kind: ResourceKind; readonly name: string; readonly fields: readonly FieldChange[] }[];
  constructor(resources: RecreateRequiredError["resources"]) {
    const lines = resources.map((r) => `${r.name}: ${r.fields.map((f) => `${f.path} ${JSON.stringify(f.current)} → ${JSON.stringify(f.desired)}`).join(", ")}`);
    super(`must be recreated to change immutable fields (pass allowRecreate: true to plan a delete and create): ${lines.join("; ")}`);
    this.resources = resources;
  }
}

/**
 * Some resources could not be changed. What was done before is in `applied`; planning and
 * applying again continues from the live state (nothing is repeated that already happened).
 */
export class ApplyError extends LakebaseError {
  static override readonly typeName: string = "ApplyError";

  readonly applied: readonly AppliedResource[];
  readonly failures: readonly { readonly kind: ResourceKind; readonly name: string; readonly error: unknown }[];
  constructor(applied: readonly AppliedResource[], failures: ApplyError["failures"]) {
    const first = failures[0]!;
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    super(`apply stopped: ${first.kind} ${first.name} failed: ${first.error instanceof Error ? first.error.message : String(first.error)}${more}; ${applied.length} resources done before; plan again to continue`, {
      cause: first.error,
    });
    this.applied = applied;
    this.failures = failures;
  }
}
