// Peer: @neondatabase/api-client (the Neon API, the closest public analogue); cursor pagination by hand.
import { createApiClient } from "@neondatabase/api-client";

const api = createApiClient({ apiKey: process.env.NEON_API_KEY });
let cursor;
do {
  const { data } = await api.listProjectBranches({ projectId: "my-app", cursor });
  for (const branch of data.branches) console.log(branch.name);
  cursor = data.branches.length > 0 ? data.pagination?.next : undefined;
} while (cursor);
