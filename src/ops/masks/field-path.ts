/*
 * Types only: dotted field paths of request bodies, and the accepted `update_mask` paths of each
 * updatable resource (taken from the generated operation table, so they follow the spec).
 */
import type { INPUT_FORM } from "../../generated/models.js";
import type { operations, UPDATE_OPERATIONS } from "../../generated/operations.js";

/** The updatable resources and the operation that updates each (from the spec's `x-update-mask`). */
export type MaskOperationIds = { readonly [K in keyof typeof UPDATE_OPERATIONS]: (typeof UPDATE_OPERATIONS)[K]["id"] };

/** A resource whose update method takes an `update_mask`. */
export type MaskResource = keyof MaskOperationIds;

type UpdateMaskOf<R extends MaskResource> = NonNullable<(typeof operations)[MaskOperationIds[R]]["updateMask"]>;

/**
 * The accepted update_mask paths of one resource (a union of string literals), e.g.
 * `MaskPath<"endpoint">` = `"spec" | "spec.suspension" | "spec.group.min" | …`. Oneof members
 * (`spec.suspend_timeout_duration`) are not mask paths: their group (`spec.suspension`) is.
 */
export type MaskPath<R extends MaskResource> = UpdateMaskOf<R>["paths"][number];

/** The oneof groups of one resource (group mask path → member field paths). */
export type MaskGroups<R extends MaskResource> = UpdateMaskOf<R>["groups"];

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** Depth budget: index D gives D - 1. */
type Prev = [never, 0, 1, 2, 3, 4, 5, 6, 7];

/** A map (`Record<string, …>`): its keys are data, not fields. */
type IsMap<V> = string extends keyof V ? true : false;

type PathsOfKey<K extends string, V, D extends number> = [V] extends [never]
  ? never
  : V extends Primitive | readonly unknown[] | ((...args: never[]) => unknown)
    ? K
    : IsMap<V> extends true
      ? K
      : K | `${K}.${FieldPath<V, Prev[D]>}`;

/**
 * Dotted paths of an object type: `FieldPath<Branch>` (or `FieldPath<BranchInput>`) accepts `"spec.is_protected"` and
 * rejects `"spec.is_protectd"`. Stops at maps (`Record<string, …>`), arrays and primitives;
 * keys typed `never` (output-only fields of a request body) are left out; depth-limited (5).
 */
export type FieldPath<T, D extends number = 5> = [D] extends [never]
  ? never
  : T extends Primitive | readonly unknown[]
    ? never
    : InputFormOf<T> extends infer I
      ? [I] extends [never]
        ? { [K in keyof T & string]-?: PathsOfKey<K, NonNullable<T[K]>, D> }[keyof T & string]
        : FieldPath<I, D>
      : never;

/** A resource model's request-body form (`Branch` → `BranchInput`), or never for other types. */
type InputFormOf<T> = typeof INPUT_FORM extends keyof T ? (unknown extends NonNullable<T[typeof INPUT_FORM]> ? never : NonNullable<T[typeof INPUT_FORM]>) : never;
