import { describe, expectTypeOf, it } from "vitest";
import { createLakebaseClient, OperationHandle, type Branch, type Endpoint, type Operation } from "../../../src/index.js";

const client = createLakebaseClient({ host: "https://ws.example.com", auth: "t" });

describe("the operation handle types as a Promise of its result", () => {
  it("is assignable and returnable where a Promise is expected", () => {
    const p: Promise<Branch> = client.branches.create("projects/p", "dev", { spec: {} });
    const q: Promise<void> = client.branches.delete("projects/p/branches/dev");
    const make = async (): Promise<Endpoint> => client.endpoints.update("projects/p/branches/b/endpoints/e", { spec: { endpoint_type: "ENDPOINT_TYPE_READ_WRITE", autoscaling_limit_max_cu: 2 } });
    const plain = (): Promise<Branch> => client.branches.create("projects/p", "dev", { spec: {} });
    void [p, q, make, plain];
    expectTypeOf(client.branches.create("projects/p", "dev", { spec: {} })).toMatchTypeOf<Promise<Branch>>();
    // @ts-expect-error the result of a create is a Branch, not an Endpoint
    const wrong: Promise<Endpoint> = client.branches.create("projects/p", "dev", { spec: {} });
    void wrong;
  });

  it("catch, then and finally take the handlers any Promise takes, and give plain Promises", () => {
    const handle = client.branches.create("projects/p", "dev", { spec: {} });
    expectTypeOf(handle.catch((e: Error) => 1)).toEqualTypeOf<Promise<Branch | number>>();
    expectTypeOf(handle.then((b) => [b])).toEqualTypeOf<Promise<Branch[]>>();
    expectTypeOf(handle.then(undefined, (e: Error) => e.message)).toEqualTypeOf<Promise<Branch | string>>();
    expectTypeOf(handle.finally(() => undefined)).toEqualTypeOf<Promise<Branch>>();
    expectTypeOf<Awaited<typeof handle>>().toEqualTypeOf<Branch>();
  });

  it("keeps the operation surface", () => {
    const handle = client.branches.create("projects/p", "dev", { spec: {} });
    expectTypeOf(handle).toMatchTypeOf<OperationHandle<Branch, unknown>>();
    expectTypeOf(handle.submitted()).resolves.toEqualTypeOf<Operation>();
    expectTypeOf(handle.poll()).resolves.toEqualTypeOf<Operation>();
    expectTypeOf(handle.wait({ timeoutMs: 1_000 })).resolves.toEqualTypeOf<Branch>();
    expectTypeOf(handle.name).toEqualTypeOf<string | undefined>();
    expectTypeOf(handle.done).toEqualTypeOf<boolean>();
    expectTypeOf(handle.latest).toEqualTypeOf<Operation | undefined>();
    expectTypeOf(handle.toJSON()).toEqualTypeOf<{ name: string | undefined; done: boolean }>();
  });
});
