import type { components } from "../../generated/openapi.js";
import { operations, type OperationId } from "../../generated/operations.js";
import { errors } from "../http-errors.js";
import { fieldName, valuesAt } from "./paths.js";

type Schemas = components["schemas"];
/** The values an open enum of the spec lists (`"A" | "B" | (string & {})` → `"A" | "B"`). */
type Listed<T> = T extends string ? (string extends T ? never : T) : never;

/**
 * The values of enum `E` exactly as the spec lists them: the compiler refuses a list with a value
 * the spec lacks or without one it has, so this stays the spec's list (generated types have no
 * run-time value to read).
 */
const listed =
  <E>() =>
  <const L extends readonly Listed<E>[]>(values: L & ([Exclude<Listed<E>, L[number]>] extends [never] ? unknown : { missing: Exclude<Listed<E>, L[number]> })): readonly string[] =>
    values;

const ENDPOINT_TYPE = listed<Schemas["EndpointType"]>()(["ENDPOINT_TYPE_READ_ONLY", "ENDPOINT_TYPE_READ_WRITE"]);
// IDENTITY_TYPE_UNSPECIFIED is a value of the enum (the service returns it), so a request may carry it.
const IDENTITY_TYPE = listed<Schemas["RoleIdentityType"]>()(["GROUP", "SERVICE_PRINCIPAL", "USER", "IDENTITY_TYPE_UNSPECIFIED"]);
const AUTH_METHOD = listed<Schemas["RoleAuthMethod"]>()(["LAKEBASE_OAUTH_V1", "NO_LOGIN", "PG_PASSWORD_SCRAM_SHA_256"]);
const MEMBERSHIP_ROLE = listed<Schemas["RoleMembershipRole"]>()(["DATABRICKS_SUPERUSER"]);
const PERMISSION_SET = listed<Schemas["RequestedClaimsPermissionSet"]>()(["READ_ONLY"]);
const DAY_OF_WEEK = listed<Schemas["DayOfWeek"]>()(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]);
const OPENAPI_MODE = listed<Schemas["OpenApiMode"]>()(["OPEN_API_MODE_DISABLED", "OPEN_API_MODE_IGNORE_PRIVILEGES"]);
const SCHEDULING_POLICY = listed<Schemas["SyncedTableSyncedTableSpecSyncedTableSchedulingPolicy"]>()(["CONTINUOUS", "SNAPSHOT", "TRIGGERED"]);
const PG_TYPE = listed<Schemas["SyncedTableSyncedTableSpecPgSpecificType"]>()(["PG_SPECIFIC_TYPE_HALFVEC", "PG_SPECIFIC_TYPE_VARCHAR", "PG_SPECIFIC_TYPE_VECTOR"]);
const MAINTENANCE = listed<Schemas["SyncedTableSyncedTableSpecExtraColumnMaintenance"]>()(["STORED_GENERATED"]);
const PIPELINE_CHANNEL = listed<Schemas["NewPipelineSpecPipelineChannel"]>()(["CURRENT", "PREVIEW"]);

/**
 * The enum fields of each request body, by body schema. Enums are open for what the service
 * *returns*; what it *parses* is its own enum, so a request value outside the list is refused
 * (docs/api-behaviour.md#emulator-validation).
 */
const REQUEST_ENUMS: { readonly [schema: string]: { readonly [path: string]: readonly string[] } } = {
  Endpoint: { "spec.endpoint_type": ENDPOINT_TYPE },
  Role: { "spec.identity_type": IDENTITY_TYPE, "spec.auth_method": AUTH_METHOD, "spec.membership_roles[]": MEMBERSHIP_ROLE },
  GenerateDatabaseCredentialRequest: { "claims[].permission_set": PERMISSION_SET },
  SnapshotSchedule: { "schedule[].weekly_schedule.day_of_week": DAY_OF_WEEK },
  DataApi: { "spec.openapi_mode": OPENAPI_MODE },
  SyncedTable: {
    "spec.scheduling_policy": SCHEDULING_POLICY,
    "spec.type_overrides[].pg_type": PG_TYPE,
    "spec.extra_columns[].maintenance": MAINTENANCE,
    "spec.new_pipeline_spec.pipeline_channel": PIPELINE_CHANNEL,
  },
};

/** Refuses an enum value of the body that its enum does not list. */
export function checkEnums(id: OperationId, body: unknown): void {
  const schema = operations[id].body?.schema;
  for (const [path, values] of Object.entries((schema && REQUEST_ENUMS[schema]) || {})) {
    for (const found of valuesAt(body, path)) {
      if (typeof found.value !== "string" || !values.includes(found.value)) {
        throw errors.invalidValue(fieldName(id, found.path), `must be one of ${values.join(", ")}`, found.value);
      }
    }
  }
}
