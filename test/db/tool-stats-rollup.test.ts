import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/db.ts";

const db = useTestDatabase();

/** Per tool, from the log and from the rollup: calls, ok calls, summed and longest durations. */
async function bothSides() {
  const raw = await db.sql`
    select tool_name, count(*)::int as calls, count(*) filter (where ok)::int as ok,
           coalesce(sum(duration_ms), 0)::int as ms, max(duration_ms) as max_ms,
           count(distinct slack_user_id)::int as users
    from esbmcp_tool_executions group by 1 order by 1`;
  const rolled = await db.sql`
    select tool_name, sum(calls)::int as calls, coalesce(sum(calls) filter (where ok), 0)::int as ok,
           sum(duration_sum_ms)::int as ms, max(duration_max_ms) as max_ms,
           count(distinct nullif(slack_user_id, ''))::int as users
    from arthur_tool_stats_hourly group by 1 order by 1`;
  return { raw, rolled };
}

describe("arthur_tool_stats_hourly", () => {
  it("stays equal to the execution log through batch inserts, deletes and truncation", async () => {
    await db.sql`
      insert into esbmcp_tool_executions (tool_name, domain, slack_user_id, user_role, ok, error_code, duration_ms, created_at)
      select (array['lookup_event', 'get_artists_owed', 'get_bug_reports'])[1 + i % 3], 'data-read',
             case when i % 7 = 0 then null else 'U' || (i % 4) end, 'ops', i % 5 <> 0,
             case when i % 5 = 0 then 'NOT_FOUND' end, case when i % 11 = 0 then null else (i % 4) * 10 end,
             now() - make_interval(secs => i * 30)
      from generate_series(1, 2000) i`;
    const first = await bothSides();
    expect(first.raw.length).toBe(3);
    expect(first.rolled).toEqual(first.raw);
    // One row per hour, tool, user, outcome and latency bucket: far fewer rows than calls.
    const [rows] = await db.sql<{ n: number }[]>`select count(*)::int as n from arthur_tool_stats_hourly`;
    expect(rows?.n).toBeLessThan(1000);

    // Retention deletes old calls; the rollup loses exactly those.
    await db.sql`delete from esbmcp_tool_executions where created_at < now() - interval '8 hours'`;
    const second = await bothSides();
    expect(second.rolled.map((r) => [r.tool_name, r.calls, r.ok, r.ms, r.users])).toEqual(
      second.raw.map((r) => [r.tool_name, r.calls, r.ok, r.ms, r.users]),
    );
    const [oldest] = await db.sql<{ old: number }[]>`
      select count(*)::int as old from arthur_tool_stats_hourly where hour < now() - interval '9 hours'`;
    expect(oldest?.old).toBe(0);

    await db.sql`truncate esbmcp_tool_executions`;
    const [left] = await db.sql<{ n: number }[]>`select count(*)::int as n from arthur_tool_stats_hourly`;
    expect(left?.n).toBe(0);
  });

  it("buckets durations by upper bound", async () => {
    const rows = await db.sql<{ b: number }[]>`
      select arthur_duration_bucket(d) as b from unnest(array[0, 1, 3, 25, 26, 59999, 60001, null]::int[]) d`;
    expect(rows.map((r) => r.b)).toEqual([1, 1, 5, 25, 50, 60000, 2147483647, -1]);
  });
});
