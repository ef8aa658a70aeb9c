import { describe, expect, it } from "vitest";
import { applyDemoSchema, DemoRefusedError } from "../../src/demo/index.ts";
import { useTestDatabase, withScratchDatabase } from "../helpers/db.ts";
import { PRODUCTION_ENUMS, TOOL_COLUMNS } from "./production-columns.ts";

const db = useTestDatabase();

describe("demo Art Battle schema", () => {
  it("has every table the tools read, with every column they use", async () => {
    const rows = await db.sql<{ table_name: string; column_name: string }[]>`
      select table_name, column_name from information_schema.columns where table_schema = 'public'`;
    const columns = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!columns.has(r.table_name)) columns.set(r.table_name, new Set());
      columns.get(r.table_name)?.add(r.column_name);
    }
    const missing: string[] = [];
    for (const [table, wanted] of Object.entries(TOOL_COLUMNS)) {
      const present = columns.get(table);
      if (!present) missing.push(`${table} (table)`);
      else for (const c of wanted) if (!present.has(c)) missing.push(`${table}.${c}`);
    }
    expect(missing).toEqual([]);
  });

  it("keeps production's enums and legacy column types", async () => {
    const labels = await db.sql<{ typname: string; labels: string[] }[]>`
      select t.typname, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
      from pg_type t join pg_enum e on e.enumtypid = t.oid group by t.typname`;
    const byName = new Map(labels.map((l) => [l.typname, l.labels]));
    for (const [name, expected] of Object.entries(PRODUCTION_ENUMS)) {
      expect([...(byName.get(name) ?? [])].sort()).toEqual([...expected].sort());
    }
    const types = await db.sql<{ table_name: string; column_name: string; data_type: string }[]>`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' and (table_name, column_name) in (
        ('votes', 'art_id'), ('votes', 'art_uuid'), ('ai_analysis_cache', 'event_id'),
        ('artist_manual_payment_requests', 'events_referenced'), ('eventbrite_api_cache', 'fetched_at'),
        ('sms_marketing_campaigns', 'event_id'), ('people', 'email'))`;
    const typeOf = (t: string, c: string) =>
      types.find((r) => r.table_name === t && r.column_name === c)?.data_type;
    expect(typeOf("votes", "art_id")).toMatch(/character varying|text/);
    expect(typeOf("votes", "art_uuid")).toBe("uuid");
    expect(typeOf("ai_analysis_cache", "event_id")).toMatch(/character varying|text/);
    expect(typeOf("artist_manual_payment_requests", "events_referenced")).toBe("ARRAY");
    expect(typeOf("eventbrite_api_cache", "fetched_at")).toBe("timestamp without time zone");
    expect(typeOf("sms_marketing_campaigns", "event_id")).toBe("uuid");
    expect(typeOf("people", "email")).toBe("USER-DEFINED"); // citext
  });

  it("has row-level security policies for check_rls_policies to report", async () => {
    const [row] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pg_policies where schemaname = 'public' and tablename in ('events', 'art', 'rounds')`;
    expect(row?.n).toBeGreaterThanOrEqual(3);
  });

  it("answers the vote-weight refresh the bot calls, with and without an event argument", async () => {
    const [event] = await db.sql<{ id: string }[]>`select id from events where eid = 'AB4001'`;
    const [withArg] = await db.sql<
      { r: string }[]
    >`select manual_refresh_vote_weights(${event?.id ?? null}::uuid) as r`;
    const [withoutArg] = await db.sql<{ r: string }[]>`select manual_refresh_vote_weights() as r`;
    expect(withArg?.r).toMatch(/^Vote weights refreshed successfully: \d+ rows/);
    expect(withoutArg?.r).toMatch(/^Vote weights refreshed successfully: \d+ rows/);
    const [log] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from system_logs where service = 'vote_weights' and operation = 'refresh_materialized_view'`;
    expect(log?.n).toBeGreaterThanOrEqual(2);
  });

  it("refuses to put demo fixtures into a database that already has Art Battle tables", async () => {
    await withScratchDatabase(async (sql) => {
      await sql`create table events (id uuid primary key, eid text)`;
      await expect(applyDemoSchema(sql)).rejects.toBeInstanceOf(DemoRefusedError);
      const [row] = await sql`select to_regclass('public.art') as t`;
      expect(row?.t).toBeNull();
    });
  });

  it("is idempotent: applying it again changes nothing", async () => {
    const result = await applyDemoSchema(db.sql);
    expect(result.applied).toEqual([]);
    expect(result.skipped).toBeGreaterThan(5);
  });
});
