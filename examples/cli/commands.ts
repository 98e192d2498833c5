// The five commands, each a function of (client, invocation, io). They print results on stdout,
// as a human line (or table) or, with --json, as one JSON document for scripts. Errors are thrown
// and turned into exit codes by failures.ts.
import type { LakebaseClient, LroOperationId, Operation, Project, WaitOptions } from "lakebase-sdk";
import { expectPositionals, type Invocation } from "./args.js";
import type { Io } from "./io.js";
import { progressReporter, type WaitProgress } from "./progress.js";

export type Command = (client: LakebaseClient, invocation: Invocation, io: Io) => Promise<void>;

/** The default `--timeout`: the SDK's own default wait, named here so the usage text can say it. */
const DEFAULT_TIMEOUT_MS = 20 * 60_000;

const printJson = (io: Io, value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export const commands: Record<string, Command> = {
  async "projects list"(client, invocation, io) {
    expectPositionals(invocation);
    const projects: Project[] = [];
    // The SDK walks every page; a script gets one array, not pages.
    for await (const project of client.projects.list()) projects.push(project);
    if (invocation.json) return void printJson(io, projects);
    if (projects.length === 0) return void io.stdout.write("no projects\n");
    const rows = projects.map((p) => [p.name ?? "", p.status?.display_name ?? "", String(p.status?.pg_version ?? "")]);
    io.stdout.write(table(["NAME", "DISPLAY NAME", "PG"], rows));
  },

  async "branches create"(client, invocation, io) {
    const [project, branchId] = expectPositionals(invocation, "project", "branch-id");
    const parent = project!.startsWith("projects/") ? project! : `projects/${project}`;
    const expiration = invocation.ttlSeconds === undefined ? { no_expiry: true } : { ttl: `${invocation.ttlSeconds}s` as const };
    const handle = client.branches.create(parent, branchId!, { spec: expiration });
    if (invocation.noWait) {
      // As the Databricks CLI's --no-wait: read the operation once and print it; its name is
      // what `operations wait` (or `client.operations.resume`) takes later.
      const operation = await handle.poll();
      if (invocation.json) return void printJson(io, operation);
      io.stdout.write(`started ${operation.name}\nwait for it with: lakebase operations wait ${operation.name}\n`);
      return;
    }
    const branch = await waitWithProgress(io, invocation, `creating ${parent}/branches/${branchId}`, (onProgress, timeoutMs) => handle.wait({ onProgress, timeoutMs }));
    if (invocation.json) return void printJson(io, branch);
    io.stdout.write(`created ${describeResource(branch)}\n`);
  },

  async "operations get"(client, invocation, io) {
    const [name] = expectPositionals(invocation, "operation-name");
    const operation = await client.operations.get(name!);
    if (invocation.json) return void printJson(io, operation);
    io.stdout.write(describeOperation(operation));
  },

  async "operations wait"(client, invocation, io) {
    const [name] = expectPositionals(invocation, "operation-name");
    // --kind types and checks the result; without it the result is what the server sent (a
    // resource, or nothing for a delete), which is all a CLI prints anyway.
    const handle: { wait: (options: WaitOptions) => Promise<unknown> } =
      invocation.kind === undefined ? client.operations.resume(name!) : client.operations.resume(name!, invocation.kind as LroOperationId);
    const result = await waitWithProgress(io, invocation, `waiting for ${name}`, (onProgress, timeoutMs) => handle.wait({ onProgress, timeoutMs }));
    if (invocation.json) return void printJson(io, result ?? null);
    const resource = result as { name?: string; status?: unknown } | undefined;
    io.stdout.write(typeof resource?.name === "string" ? `done: ${describeResource(resource)}\n` : "done\n");
  },

  async "credentials generate"(client, invocation, io) {
    const [endpoint] = expectPositionals(invocation, "endpoint-name");
    const ttl = invocation.ttlSeconds === undefined ? {} : { ttl: `${invocation.ttlSeconds}s` as const };
    const credential = await client.credentials.generate({ endpoint: endpoint!, ...ttl });
    // The token is the point of this command, but a terminal is shared, scrolled back and
    // screen-recorded: it is printed only when the caller asked for machine output, which is how
    // a script (psql's PGPASSWORD, a connection string) consumes it anyway.
    if (invocation.json) return void printJson(io, credential);
    io.stdout.write(`credential for ${endpoint} expires ${credential.expire_time ?? "(no expiry given)"}\n(the token is not shown: use --json to print it)\n`);
  },
};

/** Runs a wait with the progress display, which is always taken down, also when the wait fails. */
async function waitWithProgress<T>(io: Io, invocation: Invocation, label: string, wait: (onProgress: (progress: WaitProgress) => void, timeoutMs: number) => Promise<T>): Promise<T> {
  const progress = progressReporter(io.stderr, label, { quiet: invocation.json });
  try {
    return await wait(progress.onProgress, invocation.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } finally {
    progress.stop();
  }
}

function describeResource(resource: { name?: string; status?: unknown }): string {
  const status = resource.status as { current_state?: string } | undefined;
  return status?.current_state ? `${resource.name} (${status.current_state})` : String(resource.name);
}

function describeOperation(operation: Operation): string {
  const lines = [`name: ${operation.name}`, `done: ${operation.done === true ? "yes" : "no"}`];
  if (operation.error) lines.push(`error: ${operation.error.error_code ?? "UNKNOWN"}: ${operation.error.message ?? ""}`);
  const response = operation.response as { name?: string } | undefined;
  if (response?.name) lines.push(`result: ${response.name}`);
  return `${lines.join("\n")}\n`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
