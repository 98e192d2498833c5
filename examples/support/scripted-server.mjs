// A tiny scripted stand-in for the Lakebase API on loopback, used by the examples until the
// emulator (src/emulator/) lands. It answers a fixed story; it is not an emulator.
import { createServer } from "node:http";

export async function startScriptedServer() {
  const branches = new Map([["production", { name: "projects/demo/branches/production", status: { current_state: "READY", default: true } }]]);
  const pendingOps = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const send = (status, body) => {
      res.writeHead(status, { "Content-Type": "application/json", "x-request-id": `req-${Math.random().toString(16).slice(2, 10)}` });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== "Bearer demo-token") {
      return send(401, { error_code: "UNAUTHENTICATED", message: "Invalid access token." });
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const path = url.pathname.replace("/api/2.0/postgres/", "");
      if (req.method === "POST" && path === "projects/demo/branches") {
        const id = url.searchParams.get("branch_id");
        if (branches.has(id)) return send(409, { error_code: "ALREADY_EXISTS", message: "branch with such id already exists" });
        const branch = { name: `projects/demo/branches/${id}`, parent: "projects/demo", status: { current_state: "READY", is_protected: JSON.parse(body).spec?.is_protected ?? false, source_branch: "projects/demo/branches/production" } };
        const opName = `projects/demo/branches/${id}/operations/${Buffer.from(id).toString("base64")}+/=`;
        pendingOps.set(opName, { polls: 0, branch });
        branches.set(id, branch);
        return send(200, { name: opName, done: false, metadata: { "@type": "type.googleapis.com/databricks.postgres.v1.BranchOperationMetadata" } });
      }
      if (req.method === "GET" && pendingOps.has(path)) {
        const op = pendingOps.get(path);
        op.polls += 1;
        return send(200, op.polls < 2 ? { name: path, done: false } : { name: path, done: true, response: { "@type": "type.googleapis.com/databricks.postgres.v1.Branch", ...op.branch } });
      }
      if (req.method === "GET" && path === "projects/demo/branches") {
        return send(200, { branches: [...branches.values()] });
      }
      const match = /^projects\/demo\/branches\/([^/]+)$/.exec(path);
      if (req.method === "GET" && match) {
        return branches.has(match[1]) ? send(200, branches.get(match[1])) : send(404, { error_code: "NOT_FOUND", message: "branch id not found" });
      }
      send(404, { error_code: "NOT_FOUND", message: `no route for ${req.method} ${url.pathname}` });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
