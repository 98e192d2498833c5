import { operations, type OperationId } from "../../generated/operations.js";

/** A JSON value the request carries: proto3 JSON reads `null` as "not set" (docs/api-behaviour.md#wire-conventions). */
export const present = (value: unknown): boolean => value !== undefined && value !== null;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

const own = (node: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined);

/**
 * Every value a request carries at a dotted path. A segment ending in `[]` walks each element of
 * an array; the returned path names the element (`spec.membership_roles[1]`).
 */
export function valuesAt(root: unknown, path: string): { path: string; value: unknown }[] {
  let nodes: { path: string; value: unknown }[] = [{ path: "", value: root }];
  for (const segment of path.split(".")) {
    const each = segment.endsWith("[]");
    const key = each ? segment.slice(0, -2) : segment;
    const next: { path: string; value: unknown }[] = [];
    for (const node of nodes) {
      if (!isObject(node.value)) continue;
      const child = own(node.value, key);
      const childPath = node.path ? `${node.path}.${key}` : key;
      if (!each) next.push({ path: childPath, value: child });
      else if (Array.isArray(child)) child.forEach((value, i) => next.push({ path: `${childPath}[${i}]`, value }));
    }
    nodes = next;
  }
  return nodes.filter((node) => present(node.value));
}

/** The value at a dotted path (no `[]`), or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  return valuesAt(root, path)[0]?.value;
}

/**
 * The name the live service gives a body field in its messages: the body is the request's
 * resource member, so paths start with it (`Field 'database.spec.role' is required…`, live,
 * docs/api-behaviour.md#messages-the-service-uses). A body that is the request itself (the
 * credential request) has no member.
 */
export function fieldName(id: OperationId, path: string): string {
  const member = bodyMember(id);
  return member ? `${member}.${path}` : path;
}

/** `SyncedTable` → `synced_table`; undefined for a body that is a whole request message (`…Request`). */
export function bodyMember(id: OperationId): string | undefined {
  const schema = operations[id].body?.schema;
  if (!schema || schema.endsWith("Request")) return undefined;
  return schema.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();
}
