import { describe, expect, it } from "vitest";
import {
  ARTHUR_MIGRATION_SET,
  createSql,
  loadMigrations,
  MigrationDriftError,
  migrateArthur,
  runMigrations,
} from "../../src/db/index.ts";
import { withScratchDatabase } from "../helpers/db.ts";
import { ESBMCP_TABLES, ESBMCP_VIEWS } from "./esbmcp-objects.ts";

describe("Arthur migrations", () => {
  it("apply from an empty database, creating every esbmcp_ table, view and the retention function", async () => {
    await withScratchDatabase(async (sql) => {
      const first = await migrateArthur(sql);
      expect(first.applied.length).toBeGreaterThanOrEqual(5);
      expect(first.skipped).toBe(0);

      const tables = await sql<{ name: string }[]>`
        select table_name as name from information_schema.tables
        where table_schema = 'public' and table_name like 'esbmcp%' and table_type = 'BASE TABLE' order by 1`;
      expect(tables.map((t) => t.name)).toEqual(ESBMCP_TABLES);
      const views = await sql<{ name: string }[]>`
        select table_name as name from information_schema.views
        where table_schema = 'public' and table_name like 'esbmcp%' order by 1`;
      expect(views.map((v) => v.name)).toEqual(ESBMCP_VIEWS);
      const [fn] = await sql`select to_regprocedure('esbmcp_cleanup_old_data(integer)') as f`;
      expect(fn?.f).not.toBeNull();
      const [rls] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_class where relname like 'esbmcp\\_%' and relkind = 'r' and relrowsecurity`;
      expect(rls?.n).toBe(ESBMCP_TABLES.length);
    });
  });

  it("are idempotent: a second run applies nothing and records each file once", async () => {
    await withScratchDatabase(async (sql) => {
      const first = await migrateArthur(sql);
      const second = await migrateArthur(sql);
      expect(second.applied).toEqual([]);
      expect(second.skipped).toBe(first.applied.length);
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from arthur_migrations where migration_set = ${ARTHUR_MIGRATION_SET}`;
      expect(row?.n).toBe(first.applied.length);
    });
  });

  it("serialise concurrent runners (two replicas starting at once) without errors or double application", async () => {
    await withScratchDatabase(async (sql, url) => {
      const other = createSql(url, { maxConnections: 2 });
      try {
        const [a, b] = await Promise.all([migrateArthur(sql), migrateArthur(other)]);
        expect(a.applied.length + b.applied.length).toBe(a.applied.length + a.skipped);
        expect(new Set([...a.applied, ...b.applied]).size).toBe(a.applied.length + b.applied.length);
      } finally {
        await other.end();
      }
    });
  });

  it("refuse to run when an applied migration file was edited afterwards", async () => {
    await withScratchDatabase(async (sql) => {
      const migrations = [{ name: "0001_one.sql", sql: "create table one (id int);", checksum: "aaa" }];
      await runMigrations(sql, "drift-test", migrations);
      const edited = [
        { ...migrations[0], sql: "create table one (id bigint);", checksum: "bbb" },
      ] as typeof migrations;
      await expect(runMigrations(sql, "drift-test", edited)).rejects.toBeInstanceOf(MigrationDriftError);
    });
  });

  it("roll back a failing migration completely and record nothing for it", async () => {
    await withScratchDatabase(async (sql) => {
      const broken = [
        { name: "0001_ok.sql", sql: "create table ok_table (id int);", checksum: "1" },
        {
          name: "0002_bad.sql",
          sql: "create table half_done (id int); select no_such_function();",
          checksum: "2",
        },
      ];
      await expect(runMigrations(sql, "rollback-test", broken)).rejects.toThrow(/no_such_function/);
      const [half] = await sql`select to_regclass('public.half_done') as t`;
      expect(half?.t).toBeNull();
      const names = await sql`select name from arthur_migrations where migration_set = 'rollback-test'`;
      expect(names.map((n) => n.name)).toEqual(["0001_ok.sql"]);
    });
  });

  it("ship as plain SQL files named in order", () => {
    const files = loadMigrations(new URL("../../src/db/migrations/", import.meta.url).pathname);
    expect(files.map((f) => f.name)).toEqual([...files.map((f) => f.name)].sort());
    expect(files.every((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f.name))).toBe(true);
  });
});
