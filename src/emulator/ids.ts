import { randomBytes } from "node:crypto";

/** Server-generated identifiers, shaped like the live ones (docs/api-behaviour.md#resource-names-and-ids). */
const words = ["bold", "quiet", "blue", "red", "swift", "calm", "river", "sun", "bread", "stone", "cloud", "leaf", "moon", "pine", "lake", "wind"];
const pick = () => words[randomBytes(1)[0]! % words.length]!;
const alnum = (n: number) => randomBytes(n).toString("hex").slice(0, n);

export const newUid = {
  project: () => `proj-${pick()}-${pick()}-${alnum(6)}`,
  branch: () => `br-${pick()}-${pick()}-${alnum(8)}`,
  endpoint: () => `ep-${pick()}-${pick()}-${alnum(8)}`,
  generic: () => alnum(12),
};

/** Operation ids are base64-like and may contain '/', '+', '=' (docs/api-behaviour.md#operation-names): the SDK must splice them verbatim. */
export function newOperationId(): string {
  return randomBytes(12).toString("base64").replace(/=+$/, "") + "+/=";
}

export const generatedId = {
  database: () => `db-${alnum(8)}`,
  role: () => `role-${alnum(8)}`,
};
