import { describe, expectTypeOf, it } from "vitest";
import {
  createBranch,
  createCoreClient,
  createLakebaseClient,
  endpointName,
  getBranch,
  type BranchName,
  type EndpointName,
  type ValidEndpointName,
  type Branch,
  type BranchInput,
  type DatabaseCredential,
  type Endpoint,
  type EndpointInput,
  type Page,
  type Operation,
  type Project,
} from "../src/index.js";

const client = createLakebaseClient({ host: "https://ws.example.com", auth: "t" });

describe("request bodies", () => {
  it("a create body that carries output-only fields does not compile", () => {
    // @ts-expect-error status is output-only (readOnly): it is not part of a request body
    void client.branches.create("projects/p", "dev", { spec: {}, status: { current_state: "READY" } });
    // @ts-expect-error uid is output-only
    void client.projects.create("p", { uid: "proj-x" });
    // @ts-expect-error create_time is output-only
    void client.endpoints.create("projects/p/branches/b", "e", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY" }, create_time: "2026-01-01T00:00:00Z" });
    expectTypeOf<BranchInput["status"]>().toEqualTypeOf<undefined>();
  });

  it("spec fields are checked: required fields, durations, enums", () => {
    // @ts-expect-error endpoint_type is required in an endpoint spec
    void client.endpoints.create("projects/p/branches/b", "e", { spec: { autoscaling_limit_min_cu: 1 } });
    // @ts-expect-error durations are proto Duration strings with an "s" suffix
    void client.endpoints.create("projects/p/branches/b", "e", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", suspend_timeout_duration: "300" } });
    // @ts-expect-error is_protected is a boolean
    void client.branches.create("projects/p", "dev", { spec: { is_protected: "no" } });
    // Open enums keep autocompletion and accept values the SDK does not know yet.
    const input: EndpointInput = { spec: { endpoint_type: "ENDPOINT_TYPE_FUTURE" } };
    expectTypeOf(input).toMatchTypeOf<EndpointInput>();
  });

  it("a missing required id does not compile", () => {
    // @ts-expect-error the branch id is required
    void client.branches.create("projects/p", { spec: {} });
  });
});

describe("resource names", () => {
  it("a branch name passed where an endpoint name is expected is an editor error", () => {
    // @ts-expect-error a branch name is not an endpoint name
    void client.endpoints.get("projects/p/branches/b");
    // @ts-expect-error an endpoint name is not a branch name
    void client.branches.get("projects/p/branches/b/endpoints/e");
    // @ts-expect-error a branch is created under a project, not under a branch
    void client.branches.create("projects/p/branches/b", "dev", { spec: {} });
    // Names only known at run time are accepted and checked at run time.
    const dynamic: string = "projects/p/branches/b";
    void client.branches.get(dynamic);
    void client.endpoints.get("projects/p/branches/b/endpoints/e");
  });
});

describe("results are typed", () => {
  it("gets, lists, mutations and credentials", () => {
    expectTypeOf(client.projects.get("projects/p")).resolves.toEqualTypeOf<Project>();
    expectTypeOf(client.branches.get("projects/p/branches/b")).resolves.toEqualTypeOf<Branch>();
    expectTypeOf(client.endpoints.get("projects/p/branches/b/endpoints/e")).resolves.toEqualTypeOf<Endpoint>();
    expectTypeOf(client.branches.list("projects/p").page()).resolves.toEqualTypeOf<Page<Branch>>();
    expectTypeOf(client.branches.create("projects/p", "dev", { spec: {} }).submitted()).resolves.toEqualTypeOf<Operation>();
    // Awaiting a mutation yields its typed result: the resource, or void for deletes.
    expectTypeOf<Awaited<ReturnType<typeof client.branches.create>>>().toEqualTypeOf<Branch>();
    expectTypeOf<Awaited<ReturnType<typeof client.endpoints.update>>>().toEqualTypeOf<Endpoint>();
    expectTypeOf<Awaited<ReturnType<typeof client.branches.delete>>>().toEqualTypeOf<void>();
    expectTypeOf<Awaited<ReturnType<typeof client.operations.resume<"CreateProject">>>>().toEqualTypeOf<Project>();
    expectTypeOf(client.credentials.generate({ endpoint: "projects/p/branches/b/endpoints/e" })).resolves.toEqualTypeOf<DatabaseCredential>();
  });

  it("results drop input-only fields and mark output fields", () => {
    expectTypeOf<Branch>().not.toHaveProperty("spec");
    // an open enum is still a string
    const state: string = "" as NonNullable<NonNullable<Branch["status"]>["current_state"]>;
    void state;
    expectTypeOf<"READY">().toMatchTypeOf<NonNullable<NonNullable<Branch["status"]>["current_state"]>>();
    // int64 fields may arrive as a JSON number or a quoted string
    expectTypeOf<number>().toMatchTypeOf<NonNullable<NonNullable<Branch["status"]>["logical_size_bytes"]>>();
    expectTypeOf<"8796093022208">().toMatchTypeOf<NonNullable<NonNullable<Branch["status"]>["logical_size_bytes"]>>();
  });
});

describe("typed names in results (issue 10)", () => {
  it("a Branch's name is a BranchName: builders take it, and it is refused where an endpoint name is expected", () => {
    const branch = {} as Branch;
    expectTypeOf(branch.name).toEqualTypeOf<BranchName | undefined>();
    expectTypeOf(endpointName(branch.name!, "primary")).toEqualTypeOf<EndpointName>();
    void client.endpoints.get(endpointName(branch.name!, "primary"));
    void client.branches.get(branch.name!);
    // @ts-expect-error a branch name where an endpoint name is expected
    void client.endpoints.get(branch.name!);
    // @ts-expect-error a builder takes its parent kind's name: not an endpoint's
    void endpointName(endpointName(branch.name!, "primary"), "x");
  });

  it("a wrong kind of literal name reads as a sentence, not never", () => {
    expectTypeOf<ValidEndpointName<"projects/p/branches/b">>().toEqualTypeOf<"Expected an endpoint name: projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}">();
  });

  it("the generated functions take the core client and keep the same checks", () => {
    const core = createCoreClient({ host: "https://ws.example.com", auth: "t" });
    expectTypeOf(getBranch(core, "projects/p/branches/b")).toEqualTypeOf<Promise<Branch>>();
    // @ts-expect-error an endpoint name where a branch name is expected
    void getBranch(core, "projects/p/branches/b/endpoints/e");
    const handle: Promise<Branch> = createBranch(core, "projects/p", "dev", { spec: {} });
    void handle;
  });
});

describe("lakebase-sdk/iac: a desired state is checked by the editor", async () => {
  const { plan } = await import("../src/iac/index.js");
  const client = createCoreClient({ host: "https://h.example.com", auth: "t" });
  it("a name of the wrong kind, a misspelled list and an output-only field do not compile; a bundle does", () => {
    // @ts-expect-error a branch name where an endpoint name is expected
    void plan(client, { endpoints: [{ name: "projects/p/branches/b" }] });
    const asConst = { endpoints: [{ name: "projects/p/branches/b" }] } as const;
    // @ts-expect-error the same, through a variable (as const): neither the typed form nor a bundle
    void plan(client, asConst);
    // @ts-expect-error `branchs` is no list of a desired state
    void plan(client, { branchs: [{ name: "projects/p/branches/b" }] });
    // @ts-expect-error current_state is output-only
    void plan(client, { branches: [{ name: "projects/p/branches/b", spec: { current_state: "READY" } }] });
    void plan(client, { endpoints: [{ name: "projects/p/branches/b/endpoints/e", spec: { endpoint_type: "ENDPOINT_TYPE_READ_ONLY", no_suspension: true } }] });
    void plan(client, { postgres_projects: { app: { project_id: "app", pg_version: 17 } } });
    void plan(client, { resources: { postgres_projects: {} } } as { resources: Record<string, unknown> });
  });
});
