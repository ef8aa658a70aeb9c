export { ARTHUR_MIGRATION_SET, migrateArthur } from "./arthur-schema.ts";
export { checksumTables, listTables, type TableChecksum } from "./checksum.ts";
export {
  createSql,
  isDatabaseUnavailable,
  maskDatabaseUrl,
  ping,
  type Sql,
  withDatabaseName,
} from "./client.ts";
export { type EmbeddedPostgresHandle, startEmbeddedPostgres } from "./embedded.ts";
export {
  appliedMigrations,
  loadMigrations,
  type Migration,
  MigrationDriftError,
  type MigrationResult,
  runMigrations,
} from "./migrate.ts";
export { type Database, openDatabase } from "./open.ts";
