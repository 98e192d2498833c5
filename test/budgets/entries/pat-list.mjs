// Budget entry (a): a serverless function with a personal access token that lists branches, in the
// tree-shakeable style: the core client and the one generated function it calls.
import { createCoreClient, listBranches } from "lakebase-sdk";

const lakebase = createCoreClient({ host: process.env.DATABRICKS_HOST, auth: process.env.DATABRICKS_TOKEN });
for await (const branch of listBranches(lakebase, "projects/my-app")) console.log(branch.name);
