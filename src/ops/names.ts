import { NAME_TEMPLATES, type NameOfKind, type ResourceKind } from "../generated/names.js";
import { ValidationError } from "./errors.js";
import { checkId, validateId } from "./ids.js";
import { formatName, parseName } from "./name-parse.js";

/*
 * Resource names. Every single-resource method takes the full hierarchical name
 * (`projects/p/branches/b`); the generated name types (src/generated/names.ts) let an editor tell a
 * branch name from an endpoint name, and `parseName` checks the same at run time before any
 * request is sent.
 */

export * from "../generated/names.js";
export { formatName, parseName };

/** An operation name: `<resource name>/operations/{id}`. */
export type OperationName = `${string}operations/${string}`;

const OPERATIONS = "operations/";

/**
 * An operation name as the service hands it out: `<resource name>/operations/{id}` (or a bare
 * `operations/{id}`, which the spec's OperationName pattern allows). The id is base64-like and may
 * itself contain `/`, so the name is spliced verbatim; what keeps the request on an operation is
 * that the part before `/operations/` parses as one of NAME_TEMPLATES, each id by its own rule
 * (`projects/operations/branches/b` names no resource and is refused). The id may contain
 * `operations/` too, so every split is tried. Throws a ValidationError naming `field`.
 */
export function checkOperationName(name: unknown, field = "name"): string {
  const value = checkId("operation_name", name, field);
  for (let at = value.indexOf(OPERATIONS); at !== -1; at = value.indexOf(OPERATIONS, at + 1)) {
    if (at > 0 && value[at - 1] !== "/") continue;
    const id = value.slice(at + OPERATIONS.length);
    if (!/^[A-Za-z0-9+/=_-]+$/.test(id)) continue;
    if (at === 0 || kindOf(value.slice(0, at - 1)) !== undefined) return value;
  }
  throw new ValidationError(
    field,
    `must be an operation name <resource name>/operations/{id} whose resource is a ${Object.keys(NAME_TEMPLATES).join(", ")} (as returned in Operation.name)`,
    { value },
  );
}

/** The ids a template names: "projects/{project_id}/branches/{branch_id}" → "project_id" | "branch_id". */
type TemplateIds<T extends string> = T extends `${string}{${infer Id}}${infer Rest}` ? Id | TemplateIds<Rest> : never;

/** The components of a resource name of kind K, e.g. `{ project_id, branch_id }` for a branch. */
export type NameParts<K extends ResourceKind> = { readonly [Id in TemplateIds<(typeof NAME_TEMPLATES)[K]>]: string };

function parserFor<K extends ResourceKind>(kind: K) {
  return (name: string): NameParts<K> => parseName(NAME_TEMPLATES[kind], name) as NameParts<K>;
}

/*
 * The tables below are built by functions called with a pure annotation: a bundler may drop a
 * call marked pure when its result is unused, but only if its arguments are free of side effects
 * too, and `Object.fromEntries(Object.keys(…).map(…))` has a call in its arguments. A bundle that
 * never builds a name (test/budgets/bundle-budgets.mjs, entry (a)) then carries none of them.
 */

function parsers() {
  return Object.fromEntries((Object.keys(NAME_TEMPLATES) as ResourceKind[]).map((kind) => [kind, parserFor(kind)])) as unknown as typeof parse;
}

/** Parsers: `parse.branch("projects/p/branches/b")` → `{ project_id: "p", branch_id: "b" }`; ValidationError on a bad name. */
export const parse: { readonly [K in ResourceKind]: (name: string) => NameParts<K> } = /* @__PURE__ */ parsers();

/** The kind of a resource name, or undefined when it matches none. */
export function kindOf(name: string): ResourceKind | undefined {
  for (const kind of Object.keys(NAME_TEMPLATES) as ResourceKind[]) {
    try {
      parseName(NAME_TEMPLATES[kind], name);
      return kind;
    } catch {
      // not this kind
    }
  }
  return undefined;
}

/** The ids of a template in order, as a tuple of strings: "projects/{project_id}/branches/{branch_id}" → [string, string]. */
type IdArgs<T extends string> = T extends `${string}{${string}}${infer Rest}` ? [string, ...IdArgs<Rest>] : [];

function builderFor<K extends ResourceKind>(kind: K) {
  const template: string = NAME_TEMPLATES[kind];
  const params = [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
  return (...ids: string[]) => formatName(template, Object.fromEntries(params.map((p, i) => [p, ids[i]!])));
}

type Builders = { readonly [K in ResourceKind]: (...ids: IdArgs<(typeof NAME_TEMPLATES)[K]>) => NameOfKind[K] };

function namesApi() {
  return {
    /** The resource name templates by kind (`names.templates.branch`). */
    templates: NAME_TEMPLATES,
    parse,
    kindOf,
    /** The rule an id breaks, or undefined: for forms and CLIs that check as the user types. */
    validateId,
    ...(Object.fromEntries((Object.keys(NAME_TEMPLATES) as ResourceKind[]).map((kind) => [kind, builderFor(kind)])) as unknown as Builders),
  };
}

/**
 * Builders from ids for every resource name, each checking its ids (`names.branch("p", "dev")`),
 * with `names.parse.<kind>(name)` and `names.kindOf(name)`. From a parent name, the generated
 * `branchName(project, "dev")`, `endpointName(branch.name, "primary")`, … read better.
 */
export const names = /* @__PURE__ */ namesApi();
