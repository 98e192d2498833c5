import type { DatabaseCredential, GenerateDatabaseCredentialRequestInput } from "../generated/models.js";
import { callOperation, type CallOptions } from "../ops/call.js";
import { parseName } from "../ops/names.js";
import type { ResourceContext } from "./shared.js";

/** Short-lived Postgres passwords (OAuth tokens) for an endpoint. */
export function credentialsApi(ctx: ResourceContext) {
  return {
    /**
     * GenerateDatabaseCredential (synchronous). `ttl` ("300s"…"3600s") or `expire_time` bound its
     * life. The returned `token` is a secret: use it as the Postgres password, never log it.
     */
    async generate(request: GenerateDatabaseCredentialRequestInput, options?: CallOptions): Promise<DatabaseCredential> {
      parseName("projects/{project_id}/branches/{branch_id}/endpoints/{endpoint_id}", request?.endpoint, "endpoint");
      return callOperation(ctx, "GenerateDatabaseCredential", { body: request, options });
    },
  };
}

export type CredentialsApi = ReturnType<typeof credentialsApi>;
