/*
 * The update_mask rules of each updatable resource, read from its generated update operation
 * (`UPDATE_OPERATIONS[kind].updateMask`): the allow-lists of the spec's `x-update-mask`, the oneof
 * groups of `x-oneof-groups`, the `x-immutable` fields, maps and create-only fields.
 */
import { NOUNS } from "../../generated/names.js";
import { UPDATE_OPERATIONS } from "../../generated/operations.js";
import type { MaskOperationIds, MaskResource } from "./field-path.js";

export type { MaskResource } from "./field-path.js";

/** The rules one resource's update_mask obeys. Paths are relative to the resource (`spec.…`). */
export interface MaskRules {
  readonly resource: MaskResource;
  /** The update operation, e.g. "UpdateEndpoint". */
  readonly operationId: MaskOperationIds[MaskResource];
  /** How messages name the resource ("endpoint", "Data API"). */
  readonly noun: string;
  /** Accepted mask paths, sorted. */
  readonly paths: readonly string[];
  readonly allowed: ReadonlySet<string>;
  /** Oneof group mask path → member field paths. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /** Member field path → its group mask path. */
  readonly groupOf: ReadonlyMap<string, string>;
  /** Fields that cannot change after creation (a mask naming them, or anything under them, is refused). */
  readonly immutable: readonly string[];
  /**
   * Immutable fields a request body may carry without them being masked: `spec.endpoint_type` is
   * required in EndpointSpec, so SDK bodies always carry it (docs/api-behaviour.md#update-mask-rules, rule 12).
   */
  readonly carriedUnmasked: ReadonlySet<string>;
  /** Map fields, masked whole (never per key). */
  readonly maps: ReadonlySet<string>;
  /** Top-level fields that apply only at creation (`initial_branch_spec`, `initial_endpoint_spec`). */
  readonly createOnly: readonly string[];
  /** Oneof members that accept only `true` (`no_suspension`, `no_expiry`). */
  readonly trueOnly: ReadonlySet<string>;
}

/**
 * The updatable resources. Pure, like everything else this module computes at load: a bundle that
 * reaches this module without updating anything (a list walks through methods.ts) must be able to
 * drop UPDATE_OPERATIONS and its seven operation tables (test/budgets/bundle-budgets.mjs).
 */
export const MASK_RESOURCES: readonly MaskResource[] = /* @__PURE__ */ Object.keys(UPDATE_OPERATIONS) as MaskResource[];

const cache = new Map<MaskResource, MaskRules>();

/** The update_mask rules of `resource` ("project" | "branch" | "endpoint" | "database" | "role" | "dataApi"). */
export function maskRulesFor(resource: MaskResource): MaskRules {
  const cached = cache.get(resource);
  if (cached) return cached;
  if (!Object.prototype.hasOwnProperty.call(UPDATE_OPERATIONS, resource)) {
    throw new TypeError(`Unknown mask resource ${JSON.stringify(resource)}: expected one of ${MASK_RESOURCES.join(", ")}`);
  }
  const op = UPDATE_OPERATIONS[resource];
  const operationId = op.id;
  const table = op.updateMask;
  const groups = new Map<string, readonly string[]>(Object.entries(table.groups as Record<string, readonly string[]>));
  const groupOf = new Map<string, string>();
  const trueOnly = new Set<string>();
  for (const [group, members] of groups) {
    for (const member of members) {
      groupOf.set(member, group);
      // The proto "explicitly disable" flags of a oneof: only `true` is meaningful.
      if (lastSegment(member).startsWith("no_")) trueOnly.add(member);
    }
  }
  const paths = [...(table.paths as readonly string[])].sort();
  const rules: MaskRules = {
    resource,
    operationId,
    noun: NOUNS[resource],
    paths,
    allowed: new Set(paths),
    groups,
    groupOf,
    immutable: [...(table.immutable as readonly string[])],
    carriedUnmasked: new Set(table.carriedUnmasked as readonly string[]),
    maps: new Set(table.maps as readonly string[]),
    createOnly: [...(table.createOnly as readonly string[])],
    trueOnly,
  };
  cache.set(resource, rules);
  return rules;
}

// --- path helpers -----------------------------------------------------------------------------

export function lastSegment(path: string): string {
  const i = path.lastIndexOf(".");
  return i < 0 ? path : path.slice(i + 1);
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf(".");
  return i < 0 ? "" : path.slice(0, i);
}

/** True when `path` is `root` or lies under it. */
export function isAtOrUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}.`);
}

/** The first of `roots` that `path` is, or lies under. */
export function rootOf(path: string, roots: Iterable<string>): string | undefined {
  for (const root of roots) if (isAtOrUnder(path, root)) return root;
  return undefined;
}

/** Sorted, unique, and without paths already covered by a masked ancestor. */
export function normalisePaths(paths: Iterable<string>): string[] {
  const unique = [...new Set(paths)].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && p.startsWith(`${q}.`)));
}
