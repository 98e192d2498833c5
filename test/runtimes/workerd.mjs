// workerd for the runtime matrix: serve a set of ES modules as a worker on a free loopback port,
// then hand its base URL to a `drive` function that sends it requests. workerd has no module
// resolution of its own, so the config lists every module; moduleGraph() collects them for code
// that is not bundled (the core scenario imports dist/ as built).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { killGroup } from "./processes.mjs";

/**
 * Every module reachable from `entryFile`, as [name, file], named to mirror the repo (relative to
 * `root`) so the relative specifiers of the built files resolve unchanged. A bare specifier is
 * named as workerd looks it up: relative to the importer ("openapi-fetch" imported from
 * dist/chunk.js is dist/openapi-fetch).
 */
export function moduleGraph(entryFile, root) {
  const modules = new Map(); // name -> absolute file
  const visit = (file, name) => {
    if (modules.has(name)) return;
    modules.set(name, file);
    const source = readFileSync(file, "utf8");
    const specifiers = new Set();
    for (const m of source.matchAll(/(?:^|[\s;}])(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']/g)) specifiers.add(m[1]);
    for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specifiers.add(m[1]);
    for (const spec of specifiers) {
      if (spec.startsWith(".")) {
        visit(resolve(dirname(file), spec), relative(root, resolve(dirname(file), spec)));
      } else if (spec.startsWith("node:")) {
        throw new Error(`${relative(root, file)} imports ${spec}: not a core-entry module`);
      } else {
        const target = fileURLToPath(import.meta.resolve(spec));
        if (/(?:^|[\s;}])(?:import|export)[^;]*from\s*["']\./.test(readFileSync(target, "utf8"))) {
          throw new Error(`${spec} has relative imports; extend moduleGraph to name them`);
        }
        visit(target, join(dirname(name), spec));
      }
    }
  };
  visit(entryFile, relative(root, entryFile));
  return [...modules];
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createNetServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const accepts = (port) =>
  new Promise((ok) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => socket.end(() => ok(true)));
    socket.once("error", () => ok(false));
  });

/**
 * Serves `modules` ([name, file], the first is the main module) with text `bindings` on workerd
 * and returns `{ code, stdout, stderr, ms }`: stdout is what `drive(baseUrl)` returned, then
 * workerd's own output; code is 0, workerd's exit code if it ended early, or a failure text.
 */
export async function serveOnWorkerd({ binary, compatibilityDate, modules, bindings, timeoutMs }, drive) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "lakebase-workerd-"));
  // capnp embeds only files below the config's folder: copy the modules there.
  const embeds = modules.map(([name, file], i) => {
    const local = join("modules", String(i), basename(file));
    mkdirSync(join(dir, dirname(local)), { recursive: true });
    copyFileSync(file, join(dir, local));
    return [name, local];
  });
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .scenario),
    # The default "internet" service refuses private and loopback addresses; the stand-in is on 127.0.0.1.
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const scenario :Workerd.Worker = (
  modules = [
${embeds.map(([name, file]) => `    (name = ${JSON.stringify(name)}, esModule = embed ${JSON.stringify(file)}),`).join("\n")}
  ],
  bindings = [
${Object.entries(bindings).map(([name, text]) => `    (name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)}),`).join("\n")}
  ],
  compatibilityDate = "${compatibilityDate}",
  globalOutbound = "loopback",
);
`;
  const configFile = join(dir, "config.capnp");
  writeFileSync(configFile, config);

  const started = performance.now();
  let stdout = "";
  let stderr = "";
  const child = spawn(binary, ["serve", configFile], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((ok) => child.on("close", (code, signal) => ok(code ?? signal)));
  let code = 0;
  let driven = "";
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const early = await Promise.race([exited, new Promise((ok) => setTimeout(() => ok(undefined), 50))]);
      if (early !== undefined) {
        code = early;
        break;
      }
      if (await accepts(port)) {
        try {
          driven = await drive(`http://127.0.0.1:${port}`, AbortSignal.timeout(Math.max(1, deadline - Date.now())));
        } catch (error) {
          code = `drive: ${error?.cause?.code ?? error.message}`;
        }
        break;
      }
      if (Date.now() > deadline) {
        code = "workerd did not listen in time";
        break;
      }
    }
  } finally {
    killGroup(child);
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return { code, stdout: driven ? `${driven}\n${stdout}` : stdout, stderr, ms: performance.now() - started };
}
