import { fileURLToPath } from "node:url";
import type { Sql } from "postgres";
import { loadMigrations, type MigrationResult, runMigrations } from "./migrate.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

/** The migration set holding Arthur's own tables (`esbmcp_*` and friends). */
export const ARTHUR_MIGRATION_SET = "arthur";

/** Apply Arthur's own migrations. */
export function migrateArthur(sql: Sql): Promise<MigrationResult> {
  return runMigrations(sql, ARTHUR_MIGRATION_SET, loadMigrations(MIGRATIONS_DIR));
}
