/*
 * A plan for people: one summary line, then one block per change, in apply order.
 *
 *   Plan: 1 to create, 1 to update, 0 to recreate, 0 to delete, 3 unchanged.
 *   + branch projects/shop/branches/dev
 *   ~ endpoint projects/shop/branches/dev/endpoints/primary
 *       spec.autoscaling_limit_max_cu: 2 → 4
 */
import type { PlannedChange } from "./types.js";

const SIGN = { create: "+", update: "~", recreate: "-/+", delete: "-", noop: " " } as const;

const show = (value: unknown): string => (value === undefined ? "(not set)" : JSON.stringify(value));

export function formatPlan(resources: readonly PlannedChange[]): string {
  const count = (action: PlannedChange["action"]) => resources.filter((c) => c.action === action).length;
  const lines = [
    `Plan: ${count("create")} to create, ${count("update")} to update, ${count("recreate")} to recreate, ${count("delete")} to delete, ${count("noop")} unchanged.`,
  ];
  for (const change of resources) {
    if (change.action === "noop") continue;
    lines.push(`${SIGN[change.action]} ${change.kind} ${change.name}${change.reason ? ` (${change.reason})` : ""}`);
    for (const field of change.fields) lines.push(`    ${field.path}: ${show(field.current)} → ${show(field.desired)}`);
    if (change.permissions) lines.push(`    permissions: ${show(change.permissions.current)} → ${show(change.permissions.desired)}`);
  }
  return lines.join("\n");
}
