import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { migrateArthur } from "../../src/db/index.ts";
import { useTestDatabase } from "../helpers/db.ts";

const db = useTestDatabase({ empty: true });
const fixture = readFileSync(new URL("./fixtures/esbmcp-activity.sql", import.meta.url), "utf8");

beforeAll(async () => {
  await migrateArthur(db.sql);
  await db.sql.unsafe(fixture).simple();
});

/** Rows as compact strings, so a whole view compares in one readable assertion. */
async function lines(query: string): Promise<string[]> {
  const rows = await db.sql.unsafe(query);
  return rows.map((r) =>
    Object.values(r)
      .map((v) => (v === null ? "-" : String(v)))
      .join("|"),
  );
}

describe("esbmcp_ views over a known history", () => {
  it("tool usage: calls, outcomes and latency per tool over 30 days", async () => {
    expect(
      await lines(`select tool_name, total_calls, success_count, failure_count, success_rate_pct, avg_duration_ms,
                          p95_duration_ms, max_duration_ms, unique_users from esbmcp_v_tool_usage_30d order by tool_name`),
    ).toEqual([
      "generate_chart|1|0|1|0.0|2000|2000|2000|1",
      "get_artists_owed|1|1|0|100.0|500|500|500|1",
      "get_event_summary|4|4|0|100.0|525|955|1000|3",
      "lookup_person|2|0|2|0.0|300|390|400|1",
    ]);
  });

  it("user activity counts each session once, however many tools it called (original over-counted)", async () => {
    expect(
      await lines(`select slack_user_id, user_role, total_sessions, total_tool_calls, avg_session_ms, error_sessions,
                          denied_sessions, tools_used from esbmcp_v_user_activity_30d order by slack_user_id`),
    ).toEqual([
      "U_ALICE|ops|2|5|2000|1|0|get_artists_owed,get_event_summary,lookup_person",
      "U_BOB|viewer|1|0|100|0|1|-",
      "U_CAROL|finance|2|1|403|0|0|get_event_summary",
    ]);
  });

  it("error digest counts resolved errors through execution_id (original was always 0)", async () => {
    expect(
      await lines(`select tool_name, error_code, occurrence_count, affected_users, resolved_count
                   from esbmcp_v_error_digest_7d order by occurrence_count desc, tool_name`),
    ).toEqual(["lookup_person|42P01|2|1|1", "generate_chart|504|1|1|1"]);
  });

  it("daily volume and the hourly heatmap use UTC and cover the right windows", async () => {
    const [totals] = await db.sql`
      select sum(total_sessions)::int as sessions, sum(completed)::int as completed, sum(errors)::int as errors,
             sum(denied)::int as denied, sum(rate_limited)::int as limited, sum(total_tool_calls)::int as calls
      from esbmcp_v_daily_volume`;
    expect(totals).toEqual({ sessions: 6, completed: 3, errors: 1, denied: 1, limited: 1, calls: 7 });
    const [heat] = await db.sql`select sum(session_count)::int as n from esbmcp_v_hourly_heatmap_7d`;
    expect(heat?.n).toBe(3);
  });

  it("audit denials group the four denial kinds over 7 days, with their reasons", async () => {
    expect(
      await lines(`select event_type, slack_user_id, coalesce(tool_name, '-'), denial_count, reasons::text
                   from esbmcp_v_audit_denials_7d order by event_type, slack_user_id`),
    ).toEqual([
      'identity_denied|U_EVE|-|2|["not_in_directory"]',
      'mutating_tool_blocked|U_ALICE|process_artist_payment|1|["mutations_disabled"]',
      "rate_limit_exceeded|U_CAROL|-|1|-",
      'role_denied|U_BOB|get_artists_owed|1|["role_not_allowed"]',
    ]);
  });

  it("negative feedback includes thumbs-down ratings and negative or bug reactions linked to sessions", async () => {
    expect(
      await lines(
        `select rating, comment, user_prompt, source, sentiment from esbmcp_v_negative_feedback order by feedback_id`,
      ),
    ).toEqual([
      "-1|wrong totals|sales for AB4001?|feedback|negative",
      "-1|stale data|old question|feedback|negative",
      "-1|:thumbsdown:|sales for AB4001?|reaction|negative",
      "-1|:bug:|sales for AB4001?|reaction|bug",
      "-1|:x:|old question|reaction|negative",
    ]);
    expect(
      await lines(
        "select tool_name, coalesce(triggering_prompt, '-') from esbmcp_v_unresolved_errors order by created_at desc",
      ),
    ).toEqual(["lookup_person|who is owed?", "get_vote_data|-", "get_vote_data|-"]);
  });
});

describe("esbmcp_ constraints", () => {
  it("reject invalid bug-report states, sentiments and a second live chart job for the same event and channel", async () => {
    await expect(
      db.sql`insert into esbmcp_bug_reports (slack_user_id, title, status) values ('U', 't', 'wontfix')`,
    ).rejects.toMatchObject({ code: "23514" });
    await expect(
      db.sql`insert into esbmcp_reaction_feedback (slack_channel_id, message_ts, slack_user_id, reaction, sentiment) values ('C', '1.1', 'U', 'smile', 'happy')`,
    ).rejects.toMatchObject({ code: "23514" });
    await expect(
      db.sql`insert into esbmcp_scheduled_chart_jobs (eid, eventbrite_id, slack_channel_id, status) values ('AB4001', '1', 'C_CHARTS', 'paused')`,
    ).rejects.toMatchObject({ code: "23505" });
  });

  it("let a schedule slot be claimed once only (idempotent posting across replicas)", async () => {
    const claim = () => db.sql`
      insert into esbmcp_chart_posts_log (job_id, eid, slot_key)
      values ('80000000-0000-0000-0000-000000000001', 'AB4001', '2026-03-01T10:00Z')
      on conflict (job_id, slot_key) where slot_key is not null do nothing returning id`;
    expect((await claim()).length + (await claim()).length).toBeLessThanOrEqual(1);
    const [row] =
      await db.sql`select count(*)::int as n from esbmcp_chart_posts_log where slot_key = '2026-03-01T10:00Z'`;
    expect(row?.n).toBe(1);
  });

  it("accept tool executions and audit rows written before their session row exists", async () => {
    const session = "10000000-0000-0000-0000-0000000000ff";
    await db.sql`insert into esbmcp_tool_executions (session_id, tool_name) values (${session}, 'pre_session_write')`;
    await db.sql`insert into esbmcp_audit_log (session_id, event_type) values (${session}, 'role_allowed')`;
    const [row] = await db.sql`
      select (select count(*)::int from esbmcp_tool_executions where session_id = ${session}) as executions,
             (select count(*)::int from esbmcp_audit_log where session_id = ${session}) as audits`;
    expect(row).toEqual({ executions: 1, audits: 1 });
  });
});

describe("esbmcp_cleanup_old_data", () => {
  it("rejects a retention period below one day", async () => {
    await expect(db.sql`select esbmcp_cleanup_old_data(0)`).rejects.toMatchObject({ code: "22023" });
  });

  it("deletes old rows from every esbmcp_ table, keeps current memory versions, and is idempotent", async () => {
    const [first] = await db.sql<
      { r: { deleted: Record<string, number> } }[]
    >`select esbmcp_cleanup_old_data(30) as r`;
    expect(first?.r.deleted).toEqual({
      esbmcp_chat_sessions: 1,
      esbmcp_tool_executions: 1,
      esbmcp_audit_log: 1,
      esbmcp_tool_errors: 2,
      esbmcp_feedback: 2,
      esbmcp_bug_reports: 2,
      esbmcp_scheduled_chart_jobs: 1,
      esbmcp_chart_posts_log: 2,
      esbmcp_chart_comparator_candidates: 1,
      esbmcp_memory_heads: 1,
      esbmcp_memory_versions: 4,
      esbmcp_reaction_feedback: 1,
    });
    expect(
      await lines(
        "select scope_id || ':v' || version_no from esbmcp_memory_versions order by scope_id, version_no",
      ),
    ).toEqual(["C1:v3", "lookup_person:v2"]);
    const [again] = await db.sql<
      { r: { deleted: Record<string, number> } }[]
    >`select esbmcp_cleanup_old_data(30) as r`;
    expect(Object.values(again?.r.deleted ?? {}).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
