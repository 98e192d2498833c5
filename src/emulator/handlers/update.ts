import { applyAssignments, type Assignment } from "../masks.js";
import { iso, view, type EmulatorContext, type Json } from "../state.js";

/**
 * The shape every Update handler shares: the mask was checked before answering; when the
 * operation runs, the assignments land on the status, `afterApply` does what is particular to
 * the resource, and the result is the updated resource.
 */
export function startUpdate(
  ctx: EmulatorContext,
  record: Json,
  kind: string,
  assignments: readonly Assignment[],
  afterApply: () => void | Promise<void> = () => undefined,
  render: (record: Json) => Json = view,
) {
  return ctx.operations.start({
    resource: record.name,
    kind,
    run: async () => {
      applyAssignments(record.status, assignments);
      await afterApply();
      record.update_time = iso(ctx.now());
      return render(record);
    },
  });
}
