import { errors } from "../http-errors.js";
import { newUid } from "../ids.js";
import { branchAt, branchNamed, projectAt } from "../lookup.js";
import { applyAssignments, resolveUpdate } from "../masks.js";
import { iso, listPage, view, type BranchOrigin, type EmulatorContext, type Handler, type Json } from "../state.js";
import { checkDuration } from "../validate/durations.js";
import { futureExpiration } from "../validate/expiration.js";
import { validated } from "../validate/index.js";
import { branchOrigin } from "./branches.js";

/*
 * Snapshots (private preview; the spec's Snapshot and SnapshotSchedule). A snapshot keeps a copy of its source
 * branch's committed data in the Postgres backend (a fork under the snapshot's own backend id,
 * which no endpoint serves) and the branch's role and database records. Once taken it carries an
 * `_origin`, which CreateBranch reads for `spec.source_snapshot`: the new branch forks the
 * snapshot's copy, so it starts with the data as it was when the snapshot was taken.
 *
 * Limits: the backend keeps no history, so `source_branch_lsn` / `source_branch_time` are checked
 * and then ignored (the snapshot holds the branch's data at creation); sizes read 0 as a branch's
 * `logical_size_bytes` does; expiry is shown, not enforced; a schedule is kept and checked, but no
 * snapshot is ever taken by it.
 */

const SNAPSHOTS = "snapshots";
const SCHEDULES = "snapshot-schedules";
const present = (value: unknown) => value !== undefined && value !== null;
// ScheduleCadence.retention's `x-duration-bounds` (the operation table keeps no bounds inside lists)
const RETENTION_BOUNDS = { minimum: 3600 };

/**
 * The status fields of the expiration oneof (`ttl` | `expire_time` | `no_expiry`), as a branch
 * has it: the oneof was checked with the request; the expiration must lie in the future.
 */
function expiration(spec: Json, createdMs: number, nowMs: number): Json {
  const at = futureExpiration("snapshot.spec", spec, createdMs, nowMs);
  if (at !== undefined) return { expire_time: iso(at) };
  return spec.no_expiry ? { no_expiry: true } : {};
}

function snapshot(ctx: EmulatorContext, params: Record<string, string>): Json {
  const project = projectAt(ctx, params);
  const found = ctx.store.collection(SNAPSHOTS).get(`${project.name}/snapshots/${params.snapshot_id}`);
  if (!found) throw errors.notFound("snapshot");
  return found;
}

export const createSnapshot: Handler = validated("CreateSnapshot", (ctx, { params, query, body }) => {
  const spec: Json = body?.spec ?? {};
  if (!spec.source_branch) throw errors.required("snapshot.spec.source_branch");
  const project = projectAt(ctx, params);
  const snapshotId = query.get("snapshot_id")!;
  const name = `${project.name}/snapshots/${snapshotId}`;
  const snapshots = ctx.store.collection(SNAPSHOTS);
  if (snapshots.has(name)) throw errors.alreadyExists("snapshot");
  const source = branchNamed(ctx, spec.source_branch);
  if (source.parent !== project.name) throw errors.invalidValue("snapshot.spec.source_branch", `must be a branch of ${project.name}`, spec.source_branch);
  if (source.status.current_state !== "READY") throw errors.invalid(`branch '${source.name}' is not ready`);
  const nowMs = ctx.now();
  const record: Json = {
    name,
    snapshot_id: snapshotId,
    uid: newUid.generic(),
    create_time: iso(nowMs),
    status: { source_branch: source.name, full_size_bytes: 0, diff_size_bytes: 0, ...expiration(spec, nowMs, nowMs) },
  };
  snapshots.set(name, record);
  return ctx.operations.start({
    resource: name,
    kind: "Snapshot",
    run: async () => {
      // The records and the data of the same moment: read the records, then copy the data.
      const origin = branchOrigin(ctx, source);
      const backendId = `snapshot-${record.uid}`;
      try {
        await ctx.backend.forkBranch(origin.backendId, backendId);
      } catch (error) {
        snapshots.delete(name);
        throw error;
      }
      const restorable: BranchOrigin = { ...origin, backendId, status: { ...origin.status, source_branch_time: record.create_time, source_snapshot: name } };
      record._origin = restorable;
      return view(record);
    },
  });
});

export const getSnapshot: Handler = (ctx, { params }) => view(snapshot(ctx, params));

export const listSnapshots: Handler = (ctx, { params, query }) => {
  const project = projectAt(ctx, params);
  const items = [...ctx.store.collection(SNAPSHOTS).values()].filter((s) => String(s.name).startsWith(`${project.name}/snapshots/`));
  return listPage(ctx, items, `${project.name}/snapshots`, "snapshots", query);
};

export const deleteSnapshot: Handler = validated("DeleteSnapshot", (ctx, { params }) => {
  const found = snapshot(ctx, params);
  return ctx.operations.start({
    resource: found.name,
    kind: "Snapshot",
    run: async () => {
      ctx.store.collection(SNAPSHOTS).delete(found.name);
      // Branches restored from it are forks of their own: only the snapshot's copy goes.
      if (found._origin) await ctx.backend.dropBranch((found._origin as BranchOrigin).backendId);
      return undefined;
    },
  });
});

/** A branch's schedule; a branch without one (or a purged branch's successor) has the empty schedule. */
function schedule(ctx: EmulatorContext, params: Record<string, string>): Json {
  const branch = branchAt(ctx, params);
  const name = `${branch.name}/snapshot-schedule`;
  const schedules = ctx.store.collection(SCHEDULES);
  const found = schedules.get(name);
  if (found && found._branch_uid === branch.uid) return found;
  const fresh: Json = { name, _branch_uid: branch.uid };
  schedules.set(name, fresh);
  return fresh;
}

const within = (value: unknown, min: number, max: number) => value === undefined || (Number.isInteger(value) && (value as number) >= min && (value as number) <= max);

/** One cadence as the spec's ScheduleCadence describes it: retention ≥ 1 h, exactly one of daily / weekly / monthly. */
function checkCadence(cadence: unknown, i: number): void {
  const at = `schedule[${i}]`;
  if (!cadence || typeof cadence !== "object" || Array.isArray(cadence)) throw errors.invalid(`${at} must be an object`);
  const c = cadence as Json;
  if (!present(c.retention)) throw errors.required(`${at}.retention`);
  checkDuration(`${at}.retention`, c.retention, RETENTION_BOUNDS);
  const kinds = ["daily_schedule", "weekly_schedule", "monthly_schedule"].filter((k) => present(c[k]));
  if (kinds.length !== 1) throw errors.invalid(`${at} must set exactly one of daily_schedule, weekly_schedule, monthly_schedule`);
  const when = c[kinds[0]!] as Json;
  if (!within(when.hour, 0, 23)) throw errors.invalid(`${at}.${kinds[0]}.hour must be 0-23`);
  if (kinds[0] === "monthly_schedule" && !within(when.day, 1, 31)) throw errors.invalid(`${at}.monthly_schedule.day must be 1-31`);
}

export const getSnapshotSchedule: Handler = (ctx, { params }) => view(schedule(ctx, params));

export const updateSnapshotSchedule: Handler = validated("UpdateSnapshotSchedule", (ctx, { params, query, body }) => {
  const record = schedule(ctx, params);
  // no spec/status split: `*` reads the schedule itself
  const assignments = resolveUpdate("UpdateSnapshotSchedule", query.get("update_mask"), body, record);
  for (const { path, value } of assignments) {
    if (path !== "schedule") continue;
    if (!Array.isArray(value)) throw errors.invalid("schedule must be a list of cadences");
    value.forEach(checkCadence);
  }
  return ctx.operations.start({
    resource: record.name,
    kind: "SnapshotSchedule",
    run: async () => {
      // `schedule` is a field of the resource itself (no spec/status split); an empty list is omitted, as proto3 JSON omits it.
      applyAssignments(record, assignments);
      if (Array.isArray(record.schedule) && record.schedule.length === 0) delete record.schedule;
      return view(record);
    },
  });
});
