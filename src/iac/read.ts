import type { Lakebase } from "../ops/context.js";
import { NotFoundError } from "../ops/errors.js";
import { KINDS } from "./kinds.js";
import type { Json, ResourceKind } from "./types.js";

/**
 * The resource as a GET shows it, or undefined when it does not exist. A soft-deleted one (a
 * branch still readable with its `delete_time`) counts as absent: the desired state restores it.
 */
export async function readLive(lakebase: Lakebase, kind: ResourceKind, name: string, options: { signal?: AbortSignal }): Promise<Json | undefined> {
  try {
    const found = await KINDS[kind].get(lakebase, name, options);
    return found.delete_time || (found.status as Json | undefined)?.delete_time ? undefined : found;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
