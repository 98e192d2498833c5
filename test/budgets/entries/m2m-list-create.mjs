// Budget entry (b): a service principal (OAuth M2M) that lists branches, then creates one and
// waits for it (awaiting the operation handle), in the tree-shakeable style.
import { createBranch, createCoreClient, listBranches } from "lakebase-sdk";
import { oauthM2MCredentials } from "lakebase-sdk/auth";

const host = process.env.DATABRICKS_HOST;
const auth = oauthM2MCredentials({ host, clientId: process.env.DATABRICKS_CLIENT_ID, clientSecret: process.env.DATABRICKS_CLIENT_SECRET });
const lakebase = createCoreClient({ host, auth });
for await (const branch of listBranches(lakebase, "projects/my-app")) console.log(branch.name);
const branch = await createBranch(lakebase, "projects/my-app", "dev", { spec: { no_expiry: true } });
console.log(branch.name, branch.status?.current_state);
