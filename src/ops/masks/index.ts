/*
 * The field-mask layer: computes and checks `update_mask` values by the rules of the live API
 * (docs/api-behaviour.md#update-mask-rules), so a bad update is refused before any request. Edge-safe: no Node built-ins, no
 * schema library.
 */
import { diff } from "./diff.js";
import type { MaskPath, MaskResource } from "./field-path.js";
import { fromPatch } from "./from-patch.js";
import { maskRulesFor } from "./rules.js";
import { checkMaskPath, validate } from "./validate.js";

export type { FieldPath, MaskGroups, MaskOperationIds, MaskPath, MaskResource } from "./field-path.js";
export { maskRulesFor, type MaskRules } from "./rules.js";

export interface FieldMaskApi {
  /**
   * The mask for a patch (a request body such as `{ spec: { suspend_timeout_duration: "600s" } }`).
   * Returns sorted unique paths. Throws ValidationError before any request.
   */
  fromPatch<R extends MaskResource>(resource: R, patch: object): MaskPath<R>[];
  /**
   * The mask that turns `current` (a GET result: effective values under `status`, and `spec` if
   * present) into `desired` (a request body with `spec`). Only changed paths.
   */
  diff<R extends MaskResource>(resource: R, current: object, desired: object): MaskPath<R>[];
  /**
   * Checks an explicit mask against the rules and the body it travels with. Throws ValidationError.
   * Returns the normalised path list.
   */
  validate<R extends MaskResource>(resource: R, mask: readonly string[] | string, body: object): string[];
  /** Type helper: a typed list of mask paths (each checked against the rules at run time too). */
  paths<R extends MaskResource>(resource: R, ...paths: MaskPath<R>[]): MaskPath<R>[];
}

export const fieldMask: FieldMaskApi = {
  fromPatch,
  diff,
  validate,
  paths<R extends MaskResource>(resource: R, ...paths: MaskPath<R>[]): MaskPath<R>[] {
    const rules = maskRulesFor(resource);
    for (const p of paths) checkMaskPath(rules, p);
    return [...paths];
  },
};
