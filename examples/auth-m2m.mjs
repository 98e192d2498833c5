// OAuth M2M (a service principal) end to end against a loopback stand-in for a workspace:
// endpoint discovery, the client-credentials grant, the in-process token cache, and the client's
// one replay after a 401 with a forced refresh.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createLakebaseClient } from "lakebase-sdk";
import { oauthM2MCredentials } from "lakebase-sdk/auth";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const CLIENT_SECRET = "example-secret";
let issued = 0;
let revoked = "";
const log = [];

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const send = (status, body) => res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  if (url.pathname === "/oidc/.well-known/oauth-authorization-server") {
    return send(200, { authorization_endpoint: `${host}/oidc/v1/authorize`, token_endpoint: `${host}/oidc/v1/token` });
  }
  if (url.pathname === "/oidc/v1/token") {
    let body = "";
    for await (const chunk of req) body += chunk;
    const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
    if (req.headers.authorization !== expected) return send(401, { error: "invalid_client" });
    log.push(`token endpoint: ${body}`);
    return send(200, { access_token: `m2m-${++issued}`, token_type: "Bearer", expires_in: 3600 });
  }
  const token = (req.headers.authorization ?? "").replace("Bearer ", "");
  if (!token.startsWith("m2m-") || token === revoked) return send(401, { error_code: "UNAUTHENTICATED", message: "Invalid access token." });
  return send(200, { name: "projects/demo", status: { pg_version: 17 } });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const host = `http://127.0.0.1:${server.address().port}`;

try {
  const auth = oauthM2MCredentials({
    host,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    cache: { onRefresh: (e) => log.push(`token refresh (${e.trigger}) ok=${e.ok}`) },
  });
  console.log(`1. provider: ${auth} (name ${auth.name}) — prints no secret`);
  const client = createLakebaseClient({ host, auth });

  const first = await client.projects.get("projects/demo");
  const second = await client.projects.get("projects/demo");
  console.log(`2. two calls, ${issued} token request (cached):\n   ${log.join("\n   ")}`);
  assert.deepEqual([first.name, second.name], ["projects/demo", "projects/demo"]);
  assert.equal(first.status.pg_version, 17);
  assert.equal(issued, 1, "the second call must be served from the token cache");
  assert.deepEqual(log, ["token endpoint: grant_type=client_credentials&scope=all-apis", "token refresh (blocking) ok=true"]);
  assert.doesNotMatch(String(auth), /example-secret|m2m-1/);

  revoked = "m2m-1"; // the server revokes the cached token
  const project = await client.projects.get("projects/demo");
  console.log(`3. after a 401 the client forced one refresh and replayed: ${project.name}, tokens issued ${issued}`);
  assert.equal(project.name, "projects/demo");
  assert.equal(issued, 2, "expected exactly one forced refresh");
  console.log("\nauth-m2m: ok");
} finally {
  server.close();
}
