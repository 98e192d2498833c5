import { ValidationError } from "./errors.js";
import { checkId } from "./ids.js";

/**
 * Matches `name` against a template such as `projects/{project_id}/branches/{branch_id}` and
 * returns the parameters, each checked by its id rule. Throws a ValidationError naming `field`.
 * A template made of one verbatim parameter (`{operation_name}`) takes the whole name.
 */
export function parseName(template: string, name: unknown, field = "name"): Record<string, string> {
  if (typeof name !== "string" || name.length === 0) {
    throw new ValidationError(field, `is required: expected a resource name like ${template}`);
  }
  const whole = /^\{([a-z_]+)\}$/.exec(template)?.[1];
  if (whole) return { [whole]: checkId(whole, name, field) };
  const want = template.split("/");
  const got = name.split("/");
  const mismatch = () => new ValidationError(field, `expected a resource name like ${template}, got "${name}"`);
  if (want.length !== got.length) throw mismatch();
  const params: Record<string, string> = {};
  want.forEach((part, i) => {
    const value = got[i]!;
    const param = /^\{([a-z_]+)\}$/.exec(part)?.[1];
    if (param) params[param] = checkId(param, value, `${field} (${param})`);
    else if (part !== value) throw mismatch();
  });
  return params;
}

/** Fills a template with ids, checking each: `formatName("projects/{project_id}", { project_id: "p" })`. */
export function formatName(template: string, params: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, param: string) => checkId(param, params[param]));
}
