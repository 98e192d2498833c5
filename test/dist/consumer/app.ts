// A user's program type-checked against the built .d.ts (through the package's exports map,
// skipLibCheck off): the published types compile and still reject what they should.
import { createLakebaseClient, fieldMask, type Branch, type FieldPath } from "lakebase-sdk";
import { schemas } from "lakebase-sdk/schemas";
import type { Emulator } from "lakebase-sdk/emulator";
import type { LakebasePool } from "lakebase-sdk/postgres";
import { defaultCredentials } from "lakebase-sdk/auth/node";

const client = createLakebaseClient({ host: "https://x.cloud.databricks.com", auth: defaultCredentials() });
export async function main(): Promise<void> {
  const b: Branch = await client.branches.create("projects/p", "dev", { spec: { no_expiry: true } });
  // @ts-expect-error status is output-only
  void client.branches.create("projects/p", "dev", { spec: {}, status: {} });
  // @ts-expect-error a branch name is not an endpoint name
  void client.endpoints.get("projects/p/branches/b");
  const path: FieldPath<Branch> = "spec.is_protected";
  // @ts-expect-error typo
  const bad: FieldPath<Branch> = "spec.is_protectd";
  const mask = fieldMask.fromPatch("endpoint", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", no_suspension: true } });
  void [b, path, bad, mask, schemas.Branch];
}
export type { Emulator, LakebasePool };
