import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "postgres";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  skipped: number;
}

/** Thrown when an applied migration's file was edited afterwards: history must not be rewritten. */
export class MigrationDriftError extends Error {
  readonly code = "MIGRATION_DRIFT";
}

/** All `*.sql` files of a folder, in name order. */
export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

// Arbitrary constant shared by every Arthur process: serialises migration runs across replicas.
const MIGRATION_LOCK_KEY = 7_321_904_118;

/**
 * Apply each migration of `set` that has not run yet, one transaction per file, recording it in
 * `arthur_migrations`. Safe to run concurrently (an advisory lock serialises runners) and to re-run.
 */
export async function runMigrations(
  sql: Sql,
  set: string,
  migrations: Migration[],
): Promise<MigrationResult> {
  // Under the lock too: two first-time runners racing on CREATE TABLE IF NOT EXISTS can both miss
  // the table and collide on its row type.
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await tx`
      create table if not exists arthur_migrations (
        migration_set text not null,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now(),
        primary key (migration_set, name)
      )`;
  });
  const applied: string[] = [];
  let skipped = 0;
  for (const migration of migrations) {
    const ran = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
      const [existing] = await tx<{ checksum: string }[]>`
        select checksum from arthur_migrations where migration_set = ${set} and name = ${migration.name}`;
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationDriftError(
            `migration ${set}/${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      await tx.unsafe(migration.sql).simple();
      await tx`insert into arthur_migrations (migration_set, name, checksum)
               values (${set}, ${migration.name}, ${migration.checksum})`;
      return true;
    });
    if (ran) applied.push(migration.name);
    else skipped++;
  }
  return { applied, skipped };
}

/** Names of applied migrations in a set (empty when none, or when the table does not exist yet). */
export async function appliedMigrations(sql: Sql, set: string): Promise<string[]> {
  const [table] = await sql`select to_regclass('arthur_migrations') as t`;
  if (!table?.t) return [];
  const rows = await sql<{ name: string }[]>`
    select name from arthur_migrations where migration_set = ${set} order by name`;
  return rows.map((r) => r.name);
}
