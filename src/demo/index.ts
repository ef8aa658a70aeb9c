import { fileURLToPath } from "node:url";
import type { Sql } from "postgres";
import { appliedMigrations, loadMigrations, type MigrationResult, runMigrations } from "../db/index.ts";
import { type ProgressSink, type SeedOptions, type SeedReport, seedDemo } from "./seed/index.ts";

export type { ProgressSink, SeedOptions, SeedReport } from "./seed/index.ts";

const SCHEMA_DIR = fileURLToPath(new URL("./schema/", import.meta.url));

/** Migration set of the Art Battle demo fixtures (kept apart from Arthur's own tables). */
export const DEMO_MIGRATION_SET = "artbattle-demo";

/** Thrown when demo fixtures would be written into a database that already has Art Battle data. */
export class DemoRefusedError extends Error {
  readonly code = "DEMO_REFUSED";
}

/**
 * Create the demo Art Battle schema. Refuses when the database already has an `events` table that
 * the demo did not create: that is a real Art Battle database and must not receive fixtures.
 */
export async function applyDemoSchema(sql: Sql): Promise<MigrationResult> {
  const applied = await appliedMigrations(sql, DEMO_MIGRATION_SET);
  if (applied.length === 0) {
    const [found] = await sql`select to_regclass('public.events') as t`;
    if (found?.t) {
      throw new DemoRefusedError(
        "This database already has an events table that Arthur's demo did not create; refusing to add demo fixtures",
      );
    }
  }
  return runMigrations(sql, DEMO_MIGRATION_SET, loadMigrations(SCHEMA_DIR));
}

/** The latest seed recorded in this database, or null when the demo is absent or unseeded. */
export async function latestSeed(
  sql: Sql,
): Promise<{ seed: number; scale: string; anchor: Date; totalRows: string } | null> {
  const [table] = await sql`select to_regclass('public.arthur_demo_seeds') as t`;
  if (!table?.t) return null;
  const [row] = await sql<{ seed: number; scale: string; anchor: Date; totalRows: string }[]>`
    select seed, scale, anchor, total_rows as "totalRows" from arthur_demo_seeds order by id desc limit 1`;
  return row ?? null;
}

/** Demo tables (everything in public and auth except Arthur's own bookkeeping and esbmcp_ tables). */
export async function demoTables(sql: Sql): Promise<{ schema: string; table: string }[]> {
  return sql<{ schema: string; table: string }[]>`
    select table_schema as schema, table_name as table from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema in ('public', 'auth')
      and table_name not like 'esbmcp\\_%' and table_name not like 'arthur\\_%'
    order by table_schema, table_name`;
}

/** Empty every demo table (keeps the schema), so a new seed can run. */
export async function clearDemoData(sql: Sql): Promise<void> {
  const tables = await demoTables(sql);
  if (tables.length === 0) return;
  const list = tables.map((t) => `"${t.schema}"."${t.table}"`).join(", ");
  await sql.unsafe(`truncate ${list} restart identity cascade`);
  await sql`truncate arthur_demo_seeds`;
}

/** True when the demo tables hold rows (a seed already ran). */
export async function demoHasData(sql: Sql): Promise<boolean> {
  const [found] = await sql`select to_regclass('public.events') as t`;
  if (!found?.t) return false;
  const [row] = await sql`select exists (select 1 from events) as present`;
  return Boolean(row?.present);
}

/** Seed, then record what was seeded. Refuses to seed over existing rows. */
export async function seedDemoDatabase(
  sql: Sql,
  options: SeedOptions,
  progress?: ProgressSink,
): Promise<SeedReport> {
  if (await demoHasData(sql)) {
    throw new DemoRefusedError("The demo tables already hold data; use --reset to replace them");
  }
  const report = await seedDemo(sql, options, progress);
  await sql`
    insert into arthur_demo_seeds (seed, scale, anchor, total_rows, duration_ms)
    values (${options.seed}, ${options.scale}, ${options.anchor}, ${report.totalRows}, ${report.durationMs})`;
  await sql`analyze`;
  return report;
}

/** Default "today" for a seed: the start of the current UTC hour (pass --anchor to reproduce). */
export function defaultAnchor(now: Date = new Date()): Date {
  const anchor = new Date(now);
  anchor.setUTCMinutes(0, 0, 0);
  return anchor;
}
