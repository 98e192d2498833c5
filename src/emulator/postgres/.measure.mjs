import { readFileSync, readdirSync } from "node:fs";
import pg from "pg";
import { execSync } from "node:child_process";
import { startPostgresBackend } from "./.measure-bundle.mjs";
const engine = process.argv[2];
function descendants(root) {
  const kids = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try { const st = readFileSync(`/proc/${d}/stat`, "utf8"); const ppid = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1]); (kids.get(ppid) ?? kids.set(ppid, []).get(ppid)).push(Number(d)); } catch {}
  }
  const out = []; const q = [root];
  while (q.length) { const p = q.shift(); for (const c of kids.get(p) ?? []) { out.push(c); q.push(c); } }
  return out;
}
function mem(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const get = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+)`, "m"))?.[1] ?? 0) / 1024;
    return { rss: get("Rss"), pss: get("Pss") };
  } catch { return { rss: 0, pss: 0 }; }
}
function report(label) {
  const kids = descendants(process.pid);
  const k = kids.map(mem).reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss }), { rss: 0, pss: 0 });
  const self = mem(process.pid);
  console.log(`${label}: node RSS ${self.rss.toFixed(0)} MiB; children (${kids.length} procs) RSS ${k.rss.toFixed(0)} MiB, PSS ${k.pss.toFixed(0)} MiB`);
}
const t0 = performance.now();
const b = await startPostgresBackend({ engine, log: (m) => { if (/forked|created|template/.test(m)) console.log("  log:", m); } });
const t1 = performance.now();
await b.createBranch("main");
const t2 = performance.now();
const ep = await b.openEndpoint("main", { authenticate: (_u, p) => p === "t" });
const c = new pg.Client({ host: ep.host, port: ep.port, user: "u", password: "t", database: "databricks_postgres", ssl: false });
await c.connect(); await c.query("select 1"); await c.end();
const t3 = performance.now();
console.log(`${engine}: startPostgresBackend ${(t1 - t0).toFixed(0)} ms, first createBranch ${(t2 - t1).toFixed(0)} ms, to first query via endpoint ${(t3 - t0).toFixed(0)} ms`);
report(`${engine} after 1 branch`);
await b.query("main", "databricks_postgres", "create table items(id serial primary key, name text, payload text)");
const ts = performance.now();
await b.query("main", "databricks_postgres", "insert into items(name, payload) select 'n'||g, repeat('x', 100) from generate_series(1,10000) g");
console.log(`${engine}: seed 10k rows ${(performance.now() - ts).toFixed(0)} ms`);
const forks = [];
for (let i = 0; i < 3; i++) { const t = performance.now(); await b.forkBranch("main", `f${i}`); forks.push((performance.now() - t).toFixed(0)); }
console.log(`${engine}: forkBranch (10k rows) ${forks.join(", ")} ms`);
const creates = [];
for (let i = 0; i < 3; i++) { const t = performance.now(); await b.createBranch(`e${i}`); creates.push((performance.now() - t).toFixed(0)); }
console.log(`${engine}: createBranch (more) ${creates.join(", ")} ms`);
const dbs = [];
for (let i = 0; i < 3; i++) { const t = performance.now(); await b.createDatabase("main", `db${i}`); dbs.push((performance.now() - t).toFixed(0)); }
console.log(`${engine}: createDatabase ${dbs.join(", ")} ms`);
const { rows } = await b.query("f0", "databricks_postgres", "select count(*)::int n from items");
console.log(`${engine}: fork sees ${rows[0].n} rows`);
report(`${engine} after 7 branches`);
console.log(`${engine}: temp dir ${execSync(`du -sm ${b.tempDir}`).toString().trim()}`);
const tc = performance.now();
await b.close();
console.log(`${engine}: close ${(performance.now() - tc).toFixed(0)} ms; children left: ${descendants(process.pid).length}`);
