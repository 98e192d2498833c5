import { operations, type OperationId } from "../../generated/operations.js";
import { errors } from "../http-errors.js";
import { fieldName, present, valueAt } from "./paths.js";

/** `projects/{project_id}/branches/{branch_id}` → a test of one name of that shape (each id one path segment). */
export function nameTest(template: string): RegExp {
  const source = template.replace(/[.+?^$()[\]\\|]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
  return new RegExp(`^${source}$`);
}

/** Every body field that holds a resource name (`x-resource-name`) has that name's shape. */
export function checkNames(id: OperationId, body: unknown): void {
  const names: { readonly [path: string]: string } = operations[id].body?.names ?? {};
  for (const [path, template] of Object.entries(names)) {
    const value = valueAt(body, path);
    if (present(value) && (typeof value !== "string" || !nameTest(template).test(value))) {
      throw errors.invalidValue(fieldName(id, path), `must be a resource name of the form ${template}`, value);
    }
  }
}
