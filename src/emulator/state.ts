import type { Identity } from "./auth.js";
import type { CredentialStore } from "./credentials.js";
import type { Faults } from "./faults.js";
import type { HostNameMode } from "./host-names.js";
import { errors } from "./http-errors.js";
import type { OperationStore } from "./operations.js";
import type { PageTokens } from "./pagination.js";
import type { EndpointListener, PostgresBackend } from "./postgres/index.js";

/** A resource as the API shows it: plain JSON, spec never stored (it is input only), status materialised. */
export type Json = Record<string, any>;

export interface ProjectRecord extends Json {
  name: string;
  project_id: string;
  uid: string;
  create_time: string;
  update_time: string;
  delete_time?: string;
  purge_time?: string;
  status: Json;
}

export interface BranchRecord extends Json {
  name: string;
  branch_id: string;
  parent: string;
  uid: string;
  status: Json;
  delete_time?: string;
}

export interface EndpointRecord extends Json {
  name: string;
  endpoint_id: string;
  parent: string;
  uid: string;
  status: Json;
}

/**
 * Where a new branch's data and records come from: a live branch forked now, or a stored resource
 * that can seed a branch (kept as its internal `_origin`, see `Store.record`). The backend forks
 * `backendId`; the roles and databases are copied under the new branch's name.
 */
export interface BranchOrigin {
  /** The Postgres backend id whose committed data the new branch starts from. */
  readonly backendId: string;
  /** The branch the role and database records belonged to (their names are rewritten from it). */
  readonly branchName: string;
  readonly roles: readonly Json[];
  readonly databases: readonly Json[];
  /** Lineage the new branch's status shows (`source_branch`, `source_branch_lsn`, …). */
  readonly status: Json;
}

/** Internal facts kept beside a resource and never shown. */
export interface EndpointRuntime {
  listener?: EndpointListener;
}

/** Everything a handler needs. */
export interface EmulatorContext {
  readonly store: Store;
  readonly backend: PostgresBackend;
  readonly operations: OperationStore;
  readonly pages: PageTokens;
  readonly credentials: CredentialStore;
  readonly faults: Faults;
  readonly wakeUpMs: number;
  readonly now: () => number;
  /** How endpoint hosts are published: `ep-….database.localhost` names, or `127.0.0.1` (host-names.ts). */
  readonly hostNames: HostNameMode;
}

export interface HandlerInput {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Json | undefined;
  readonly identity: Identity;
}

export type Handler = (ctx: EmulatorContext, input: HandlerInput) => Promise<unknown> | unknown;

/** All resources by full name, in creation order (lists are stable). */
export class Store {
  readonly projects = new Map<string, ProjectRecord>();
  readonly branches = new Map<string, BranchRecord>();
  readonly endpoints = new Map<string, EndpointRecord>();
  readonly endpointRuntime = new Map<string, EndpointRuntime>();
  readonly databases = new Map<string, Json>();
  readonly roles = new Map<string, Json>();
  readonly catalogs = new Map<string, Json>();
  readonly syncedTables = new Map<string, Json>();
  readonly dataApis = new Map<string, Json>();
  readonly cdfConfigs = new Map<string, Json>();
  /** Resources a handler module keeps for itself, by collection: a new API needs no field here. */
  readonly #collections = new Map<string, Map<string, Json>>();

  /** The collection `name` of a handler module (created empty on first use), by full resource name. */
  collection<T extends Json = Json>(name: string): Map<string, T> {
    let map = this.#collections.get(name);
    if (!map) this.#collections.set(name, (map = new Map()));
    return map as Map<string, T>;
  }

  /** A resource of any handler module's collection, by its full name. */
  record(name: string): Json | undefined {
    for (const map of this.#collections.values()) {
      const found = map.get(name);
      if (found) return found;
    }
    return undefined;
  }

  project(name: string, options: { allowDeleted?: boolean } = {}): ProjectRecord {
    const project = this.projects.get(name);
    if (!project || (project.delete_time && !options.allowDeleted)) throw errors.notFound("project");
    return project;
  }

  branch(name: string, options: { allowDeleted?: boolean } = {}): BranchRecord {
    const branch = this.branches.get(name);
    const project = branch && this.projects.get(branch.parent);
    if (!branch || !project || project.delete_time || (branch.delete_time && !options.allowDeleted)) throw errors.notFound("branch");
    return branch;
  }

  endpoint(name: string): EndpointRecord {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw errors.notFound("endpoint");
    this.branch(endpoint.parent);
    return endpoint;
  }

  childrenOf<T extends Json>(map: Map<string, T>, parent: string): T[] {
    return [...map.values()].filter((item) => item.parent === parent);
  }

  /** Every resource, internal fields included, as plain JSON in creation order (a data directory's state file). */
  exportRecords(): StoredRecords {
    const list = (map: Map<string, Json>) => [...map.values()];
    return {
      ...Object.fromEntries(RECORD_MAPS.map((key) => [key, list(this[key])])),
      collections: Object.fromEntries([...this.#collections].map(([name, map]) => [name, list(map)])),
    } as StoredRecords;
  }

  /** Loads what `exportRecords` wrote into this (empty) store; endpoints get empty runtimes (no listener yet). */
  importRecords(records: StoredRecords): void {
    for (const key of RECORD_MAPS) {
      const map = this[key] as Map<string, Json>;
      for (const record of records[key] ?? []) map.set(record.name, record);
    }
    for (const [name, items] of Object.entries(records.collections ?? {})) {
      const map = this.collection(name);
      for (const record of items) map.set(record.name, record);
    }
    for (const name of this.endpoints.keys()) this.endpointRuntime.set(name, {});
  }
}

/** The Store's resource maps, by field name (every one of them is saved in a data directory). */
const RECORD_MAPS = ["projects", "branches", "endpoints", "databases", "roles", "catalogs", "syncedTables", "dataApis", "cdfConfigs"] as const;

/** What a data directory keeps of the Store: each map's records, and each handler module's collection. */
export type StoredRecords = { readonly [K in (typeof RECORD_MAPS)[number]]: Json[] } & { readonly collections: Record<string, Json[]> };

export const iso = (ms: number) => new Date(ms).toISOString();

/** A copy of `record` without the internal `_`-prefixed fields. */
export function view<T extends Json>(record: T): T {
  return JSON.parse(JSON.stringify(record, (key, value) => (key.startsWith("_") ? undefined : value)));
}

export function queryFlag(query: URLSearchParams, name: string): boolean {
  return query.get(name) === "true";
}

export function listPage<T extends Json>(ctx: EmulatorContext, items: T[], listKey: string, field: string, query: URLSearchParams, maxPageSize = 1000): Json {
  const { page, next } = ctx.pages.paginate(items, listKey, query.get("page_size") ?? undefined, query.get("page_token") ?? undefined, maxPageSize);
  return { [field]: page.map(view), ...(next ? { next_page_token: next } : {}) };
}
