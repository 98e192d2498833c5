#!/usr/bin/env node
// Token fetches for 1,000 concurrent calls: a user's plain `{ getToken }` provider (every call asks
// it unless the client shares one answer among concurrent callers) against the SDK's own cache
// (cachedTokenProvider, which every provider of the SDK already is). The provider takes 20 ms to
// answer, as a token endpoint would; the API is a stub fetch.
//   npm run build && node bench/token-calls.mjs [--calls 1000] [--json]
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PAGE } from "./request-overhead.mjs";
import { cachedProvider, listBranchesPage, makeClient } from "./lib/sdk.mjs";

const HOST = "https://bench.cloud.databricks.com";
const stub = async () => new Response(PAGE, { status: 200, headers: { "content-type": "application/json" } });

async function count(makeAuth, calls) {
  let fetches = 0;
  const getToken = async () => {
    fetches += 1;
    await new Promise((r) => setTimeout(r, 20));
    return { accessToken: "t", expiresAt: Date.now() + 3_600_000 };
  };
  const client = makeClient({ host: HOST, auth: makeAuth(getToken), fetch: stub });
  await Promise.all(Array.from({ length: calls }, () => listBranchesPage(client)));
  return fetches;
}

/** rows: [{ name, tokenFetches, calls }] */
export async function tokenCalls({ calls = 1000 } = {}) {
  return [
    { name: "plain { getToken } provider", tokenFetches: await count((getToken) => ({ getToken }), calls), calls },
    { name: "cachedTokenProvider({ getToken })", tokenFetches: await count((getToken) => cachedProvider(getToken), calls), calls },
  ];
}

export function printTokens(rows) {
  console.log(`\nToken fetches for ${rows[0]?.calls} concurrent calls\n`);
  console.log("| auth | token fetches |");
  console.log("|---|---:|");
  for (const r of rows) console.log(`| ${r.name} | ${r.tokenFetches} |`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const calls = Number(argv[argv.indexOf("--calls") + 1]) || 1000;
  const rows = await tokenCalls({ calls });
  if (argv.includes("--json")) console.log(JSON.stringify({ rows }));
  else printTokens(rows);
}
