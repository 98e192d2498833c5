/*
 * Within one level, a branch forked from another branch made by the same apply (its
 * `spec.source_branch` names it) must wait for that one: its create forks the source's data. Each
 * change gets a rank (0, or one more than the branch it forks from), and apply runs level by
 * level, rank by rank.
 */
import type { Json, PlannedChange } from "./types.js";

const MAKES = new Set<PlannedChange["action"]>(["create", "recreate"]);

/** The rank of every change: how many branches made by this apply it forks from, transitively. */
export function forkRanks(changes: readonly PlannedChange[]): Map<string, number> {
  const made = new Map(changes.filter((c) => c.kind === "branch" && MAKES.has(c.action)).map((c) => [c.name, c]));
  const ranks = new Map<string, number>();
  const rankOf = (change: PlannedChange, seen: Set<string>): number => {
    const known = ranks.get(change.name);
    if (known !== undefined) return known;
    const source = ((change.desired?.body.spec ?? {}) as Json).source_branch;
    const parent = typeof source === "string" ? made.get(source) : undefined;
    // A cycle (a branch forked from itself, through others) is the server's to refuse: rank 0 breaks it here.
    const rank = parent && MAKES.has(change.action) && !seen.has(parent.name) ? 1 + rankOf(parent, new Set(seen).add(change.name)) : 0;
    ranks.set(change.name, rank);
    return rank;
  };
  for (const change of changes) rankOf(change, new Set());
  return ranks;
}
