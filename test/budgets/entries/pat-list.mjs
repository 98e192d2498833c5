// Budget entry (a): a serverless function with a personal access token that lists branches.
// Written against the public API as users call it; update it when that API changes.
import { createLakebaseClient } from "lakebase-sdk";

const client = createLakebaseClient({ host: process.env.DATABRICKS_HOST, auth: process.env.DATABRICKS_TOKEN });
for await (const branch of client.branches.list("projects/my-app")) console.log(branch.name);
