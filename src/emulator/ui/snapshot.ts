/**
 * What the dashboard shows, as one JSON document built from the emulator's state. It is the only
 * data the page gets, so it is also where secrets are kept out: no API token, no database
 * credential token, no client secret, no password — credentials are listed by subject, endpoint and
 * expiry only, requests by method, path, status and time only.
 */
import type { FaultSettings } from "../faults.js";
import type { EngineInfo } from "../postgres/index.js";
import { view, type BranchRecord, type EmulatorContext, type EndpointRecord, type Json } from "../state.js";
import type { LoggedRequest, RequestLog } from "./request-log.js";

/** A branch, with what the tree draws: its parent (the branch it was forked from) and its marks. */
export interface BranchView {
  readonly name: string;
  readonly branchId: string;
  /** The branch it was forked from, or undefined for a root (the project's first branch, or one made from a snapshot). */
  readonly source: string | undefined;
  readonly forkLsn: string | undefined;
  readonly forkTime: string | undefined;
  readonly isDefault: boolean;
  readonly isProtected: boolean;
  readonly expireTime: string | undefined;
  readonly state: string | undefined;
  readonly endpoints: readonly string[];
  /** The branch as GetBranch shows it. */
  readonly resource: Json;
}

export interface ProjectView {
  readonly name: string;
  readonly displayName: string | undefined;
  readonly pgVersion: unknown;
  readonly defaultBranch: string | undefined;
  readonly branches: readonly BranchView[];
}

/** An endpoint's live state: the API's `current_state`, and what its listener knows right now. */
export interface EndpointView {
  readonly name: string;
  readonly endpointId: string;
  readonly branch: string;
  readonly type: string | undefined;
  /** ACTIVE, IDLE (suspended, scale to zero), WAKING (suspended, a connection started the wake-up), DISABLED, INIT, … */
  readonly state: string;
  /** `status.pending_state` when set, else the method of an operation still running on the endpoint ("UpdateEndpoint"). */
  readonly pendingState: string | undefined;
  readonly minCu: unknown;
  readonly maxCu: unknown;
  readonly host: string | undefined;
  readonly openConnections: number | undefined;
  readonly suspendTimeout: string | undefined;
  /** When scale to zero suspends it if no connection opens before (epoch ms); undefined when it will not (connected, suspended, off). */
  readonly suspendsAt: number | undefined;
}

export interface OperationView {
  readonly name: string;
  /** The API method that started it ("CreateBranch"), else the resource kind. */
  readonly method: string;
  readonly kind: string;
  readonly target: string;
  readonly submittedAt: number;
  readonly finishedAt: number | undefined;
  readonly state: "running" | "done" | "failed";
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

/** A database credential, without its token. */
export interface CredentialView {
  readonly subject: string;
  readonly subjectKind: string;
  readonly endpoint: string;
  readonly expiresAt: number;
}

export interface DashboardSnapshot {
  readonly engines: readonly EngineInfo[];
  readonly projects: readonly ProjectView[];
  readonly endpoints: readonly EndpointView[];
  readonly operations: readonly OperationView[];
  readonly credentials: readonly CredentialView[];
  readonly requests: readonly LoggedRequest[];
  readonly faults: FaultSettings;
}

/** What the snapshot is built from besides the handlers' context. */
export interface SnapshotSources {
  readonly ctx: EmulatorContext;
  readonly requests: RequestLog;
  readonly engines: () => readonly EngineInfo[];
  /** Scale to zero's time scale (index.ts `autoSuspend`), or undefined when it is off. */
  readonly autoSuspendScale: number | undefined;
}

const LIST_LIMIT = 100;

function branchView(ctx: EmulatorContext, branch: BranchRecord): BranchView {
  const s = branch.status;
  return {
    name: branch.name,
    branchId: branch.branch_id,
    source: typeof s.source_branch === "string" ? s.source_branch : undefined,
    forkLsn: s.source_branch_lsn,
    forkTime: s.source_branch_time,
    isDefault: s.default === true,
    isProtected: s.is_protected === true,
    expireTime: s.expire_time,
    state: s.current_state,
    endpoints: ctx.store.childrenOf(ctx.store.endpoints, branch.name).map((e) => e.name),
    resource: view(branch),
  };
}

function projects(ctx: EmulatorContext): ProjectView[] {
  return [...ctx.store.projects.values()]
    .filter((p) => !p.delete_time)
    .map((p) => ({
      name: p.name,
      displayName: p.status.display_name,
      pgVersion: p.status.pg_version,
      defaultBranch: p.status.default_branch,
      branches: ctx.store.childrenOf(ctx.store.branches, p.name).filter((b) => !b.delete_time).map((b) => branchView(ctx, b)),
    }));
}

/** Seconds of a `"300s"` duration, or undefined. */
const seconds = (duration: unknown) => {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(String(duration ?? ""));
  return match ? Number(match[1]) : undefined;
};

function endpointView(sources: SnapshotSources, endpoint: EndpointRecord, running: ReadonlyMap<string, string>): EndpointView {
  const s = endpoint.status;
  const listener = sources.ctx.store.endpointRuntime.get(endpoint.name)?.listener;
  let state = String(s.current_state ?? "UNKNOWN");
  if (listener && state === "ACTIVE") {
    if (s.disabled) state = "DISABLED";
    else if (listener.waking) state = "WAKING";
    else if (listener.suspended) state = "IDLE";
  }
  const timeout = seconds(s.suspend_timeout_duration);
  // The same rule as index.ts suspendIdleEndpoints: idle since `idleSince` for the timeout × scale.
  const idleSince = listener && !listener.suspended ? listener.idleSince : undefined;
  const suspendsAt = timeout !== undefined && idleSince !== undefined && sources.autoSuspendScale !== undefined ? idleSince + timeout * 1000 * sources.autoSuspendScale : undefined;
  return {
    name: endpoint.name,
    endpointId: endpoint.endpoint_id,
    branch: endpoint.parent,
    type: s.endpoint_type,
    state,
    pendingState: s.pending_state ?? running.get(endpoint.name),
    minCu: s.autoscaling_limit_min_cu,
    maxCu: s.autoscaling_limit_max_cu,
    host: s.hosts?.host,
    openConnections: listener?.openConnections,
    suspendTimeout: s.suspend_timeout_duration,
    suspendsAt,
  };
}

function operations(ctx: EmulatorContext): OperationView[] {
  return ctx.operations.recent(LIST_LIMIT).map<OperationView>(({ operation, timing }) => ({
    name: operation.name,
    method: timing.method ?? timing.kind,
    kind: timing.kind,
    target: timing.resource,
    submittedAt: timing.submittedAt,
    finishedAt: timing.finishedAt,
    state: !operation.done ? "running" : operation.error ? "failed" : "done",
    // The error only: an operation's response is the resource, which the other lists already show.
    error: operation.error && { code: operation.error.error_code, message: operation.error.message },
  }));
}

function credentials(ctx: EmulatorContext): CredentialView[] {
  // exportIssued() pairs each token with its credential: the token is dropped right here.
  return ctx.credentials
    .exportIssued()
    .slice(-LIST_LIMIT)
    .map(([, c]) => ({ subject: c.group ?? c.identity.userName, subjectKind: c.group ? `group (for ${c.identity.userName})` : c.identity.kind, endpoint: c.endpoint, expiresAt: c.expiresAt }));
}

/** The dashboard's JSON: projects and branch trees, endpoints, operations, credentials, requests, faults. */
export function dashboardSnapshot(sources: SnapshotSources): DashboardSnapshot {
  const { ctx } = sources;
  const ops = operations(ctx);
  const running = new Map(ops.filter((o) => o.state === "running").map((o) => [o.target, o.method]));
  return {
    engines: sources.engines(),
    projects: projects(ctx),
    endpoints: [...ctx.store.endpoints.values()].filter((e) => isLive(ctx, e)).map((e) => endpointView(sources, e, running)),
    operations: ops,
    credentials: credentials(ctx),
    requests: sources.requests.recent(LIST_LIMIT),
    faults: { ...ctx.faults.settings, failOperationKinds: [...ctx.faults.settings.failOperationKinds] },
  };
}

/** An endpoint whose branch and project are not deleted. */
function isLive(ctx: EmulatorContext, endpoint: EndpointRecord): boolean {
  const branch = ctx.store.branches.get(endpoint.parent);
  const project = branch && ctx.store.projects.get(branch.parent);
  return Boolean(branch && !branch.delete_time && project && !project.delete_time);
}
