import { operations, type OperationId } from "../../generated/operations.js";
import { errors } from "../http-errors.js";
import { fieldName, present, valueAt } from "./paths.js";

type Groups = { readonly [group: string]: readonly string[] };

/**
 * Oneofs of bodies that no Update operation describes (`x-update-mask` carries the others):
 * the snapshot spec's expiration and branch point, and the credential's lifetime.
 */
const UNMASKED_GROUPS: { readonly [schema: string]: Groups } = {
  Snapshot: { "spec.expiration": ["spec.ttl", "spec.expire_time", "spec.no_expiry"], "spec.branch_point": ["spec.source_branch_lsn", "spec.source_branch_time"] },
  GenerateDatabaseCredentialRequest: { expiration: ["ttl", "expire_time"] },
};

/**
 * The oneof groups of an operation's body: a create shares its resource's groups with the
 * resource's Update (`CreateBranch` ↔ `UpdateBranch`, same body schema), read from the operation
 * table; a project's create-only `initial_endpoint_spec` group is among UpdateProject's.
 */
export function groupsOf(id: OperationId): Groups {
  const schema = operations[id].body?.schema;
  if (!schema) return {};
  const update = Object.values(operations).find((op) => op.body?.schema === schema && op.updateMask);
  return (update?.updateMask?.groups as Groups | undefined) ?? UNMASKED_GROUPS[schema] ?? {};
}

const last = (path: string) => path.slice(path.lastIndexOf(".") + 1);

/**
 * Oneof members are mutually exclusive, and a `no_*` flag (`no_expiry`, `no_suspension`) is only
 * valid as `true`: false is documented as invalid, and the way back is another member of the
 * group (docs/api-behaviour.md#emulator-validation).
 */
export function checkOneofs(id: OperationId, body: unknown): void {
  for (const [group, members] of Object.entries(groupsOf(id))) {
    const set = members.filter((m) => present(valueAt(body, m)));
    if (set.length > 1) {
      throw errors.invalidValue(fieldName(id, group), `must set only one of ${members.map(last).join(", ")}`, set.map(last).join(", "));
    }
    const flag = set.find((m) => last(m).startsWith("no_"));
    if (flag && valueAt(body, flag) !== true) {
      const others = members.filter((m) => m !== flag).map(last);
      throw errors.invalidValue(fieldName(id, flag), `must be true when set (to change it, provide ${others.join(" or ")} instead)`, valueAt(body, flag));
    }
  }
}
