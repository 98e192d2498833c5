/** The Azure Databricks first-party application id (production): the resource of every Databricks Entra token. */
export const AZURE_DATABRICKS_RESOURCE_ID = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
