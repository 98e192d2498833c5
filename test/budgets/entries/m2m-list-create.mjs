// Budget entry (b): a service principal (OAuth M2M) that lists branches, then creates one and
// waits for it (awaiting the operation handle).
import { createLakebaseClient, oauthM2MCredentials } from "lakebase-sdk";

const host = process.env.DATABRICKS_HOST;
const auth = oauthM2MCredentials({ host, clientId: process.env.DATABRICKS_CLIENT_ID, clientSecret: process.env.DATABRICKS_CLIENT_SECRET });
const client = createLakebaseClient({ host, auth });
for await (const branch of client.branches.list("projects/my-app")) console.log(branch.name);
const branch = await client.branches.create("projects/my-app", "dev", { spec: { no_expiry: true } });
console.log(branch.name, branch.status?.current_state);
