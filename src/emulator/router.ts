import { operations, type OperationId } from "../generated/operations.js";
import { HANDLER_MODULES } from "./handlers/index.js";
import type { Handler } from "./state.js";

/** `CreateBranch` → `createBranch`: the name a handler module exports an operation's handler under. */
export const handlerName = (id: string): string => id[0]!.toLowerCase() + id.slice(1);

/**
 * The handler of every operation a module of src/emulator/handlers/ serves, found by name: the
 * router needs no edit when an API is added (a new handler file, indexed by `npm run codegen`).
 * Two modules exporting the same operation's handler is a mistake caught at load.
 */
function collectHandlers(): Partial<Record<OperationId, Handler>> {
  const found: Partial<Record<OperationId, Handler>> = {};
  const owner = new Map<string, string>();
  for (const id of Object.keys(operations) as OperationId[]) {
    const name = handlerName(id);
    for (const [module, exports] of Object.entries(HANDLER_MODULES)) {
      const candidate = exports[name];
      if (typeof candidate !== "function") continue;
      if (owner.has(id)) throw new Error(`emulator: ${id} is handled by both handlers/${owner.get(id)} and handlers/${module}`);
      owner.set(id, module);
      found[id] = candidate as Handler;
    }
  }
  return found;
}

const HANDLERS = collectHandlers();

/** The emulator's handler of an operation, or undefined when no handler module serves it (the coverage test forbids that). */
export function handlerFor(id: OperationId): Handler | undefined {
  return HANDLERS[id];
}

interface Route {
  readonly id: OperationId;
  readonly method: string;
  readonly pattern: RegExp;
  readonly params: string[];
  readonly verbatim: boolean;
}

/** Routes compiled from the same operation table the SDK sends by: one source of truth for paths. */
const ROUTES: Route[] = Object.values(operations)
  .map((op) => {
    const params: string[] = [];
    const source = op.path.replace(/[.+?^$()[\]\\|]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => {
      params.push(name);
      return (op.verbatimPathParams as readonly string[]).includes(name) ? "(.+/operations/.+)" : "([^/]+)";
    });
    return { id: op.id as OperationId, method: op.method, pattern: new RegExp(`^${source}$`), params, verbatim: op.verbatimPathParams.length > 0 };
  })
  // concrete routes first; the verbatim operation route last
  .sort((a, b) => Number(a.verbatim) - Number(b.verbatim));

export function route(method: string, pathname: string): { id: OperationId; params: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const match = r.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    r.params.forEach((name, i) => {
      const raw = match[i + 1]!;
      params[name] = r.verbatim ? raw : decodeURIComponent(raw);
    });
    return { id: r.id, params };
  }
  return undefined;
}
