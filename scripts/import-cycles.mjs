import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (/\.(ts|mjs)$/.test(f) && !f.endsWith(".d.ts")) files.push(p); } };
walk("src");
const graph = new Map();
for (const f of files) {
  const src = readFileSync(f, "utf8");
  const deps = [...src.matchAll(/^(?:import|export)[^"']*from\s+["'](\.[^"']+)["']/gm)].map((m) => resolve(dirname(f), m[1]).replace(/\.js$/, ".ts").replace(process.cwd() + "/", ""));
  graph.set(f, deps.filter((d) => files.includes(d)));
}
const cycles = new Set();
const stack = [], on = new Set(), done = new Set();
const dfs = (n) => { stack.push(n); on.add(n); for (const d of graph.get(n) ?? []) { if (on.has(d)) cycles.add(stack.slice(stack.indexOf(d)).concat(d).join(" -> ")); else if (!done.has(d)) dfs(d); } stack.pop(); on.delete(n); done.add(n); };
for (const f of files) if (!done.has(f)) dfs(f);
console.log([...cycles].join("\n") || "no cycles");
