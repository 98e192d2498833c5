// Peer: @neondatabase/api-client. Neon has API keys only (no OAuth M2M); list, create, then poll
// the operations the create returned until each finishes.
import { createApiClient } from "@neondatabase/api-client";

const api = createApiClient({ apiKey: process.env.NEON_API_KEY });
let cursor;
do {
  const { data } = await api.listProjectBranches({ projectId: "my-app", cursor });
  for (const branch of data.branches) console.log(branch.name);
  cursor = data.branches.length > 0 ? data.pagination?.next : undefined;
} while (cursor);
const { data: created } = await api.createProjectBranch("my-app", { branch: { name: "dev" } });
for (const { id } of created.operations) {
  for (;;) {
    const { data } = await api.getProjectOperation("my-app", id);
    if (data.operation.status === "finished") break;
    if (data.operation.status === "failed") throw new Error(data.operation.error);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
console.log(created.branch.name);
