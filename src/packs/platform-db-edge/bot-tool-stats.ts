import { z } from "zod";
import { defineTool } from "../../catalog/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import { hoursBack, listLimit, percent, ROLES_OPS_VIEWER, type Window, windowOf } from "./shared.ts";

const input = z.strictObject({ hours_back: hoursBack(720), limit: listLimit() });

/**
 * Codes the gateway gives a call it refused before running the tool (policy, arguments, limits,
 * approvals). Such calls took no database time, so they are left out of the duration figures.
 */
export const REFUSAL_CODES = [
  "UNKNOWN_TOOL",
  "INVALID_ARGUMENT",
  "FORBIDDEN",
  "WRITES_DISABLED",
  "RATE_LIMITED",
  "APPROVAL_REQUIRED",
  "UNAUTHENTICATED",
  "REPLAYED",
] as const;

/** Users listed at most (the row cap may lower it). */
export const TOP_USERS_LISTED = 10;

interface Outcomes {
  calls: number;
  ok: number;
  /** Every call that did not succeed: refused + not_found + errors. */
  failed: number;
  /** Refused by the gateway before running (role, arguments, limits, approval). */
  refused: number;
  /** Ran and answered NOT_FOUND (an unknown event, artist…): usually a user typo, not a fault. */
  not_found: number;
  /** Ran and failed (timeouts, SQL errors, Edge Functions, database down). */
  errors: number;
}

export interface ToolStats extends Outcomes {
  tool_name: string;
  domain: string | null;
  success_pct: number | null;
  /** Over calls that ran (refusals excluded). */
  avg_ms: number | null;
  /**
   * At most this many ms: the upper bound of the latency bucket (1, 2, 5, 10, 25, 50, 100, 250 ms …)
   * holding the 95th percentile.
   */
  p95_ms: number | null;
  max_ms: number | null;
  users: number;
  last_call_at: string | null;
}

export interface UserStats {
  slack_user_id: string | null;
  user_role: string | null;
  calls: number;
  failed: number;
}

export interface BotToolStatsResult {
  window: Window;
  /** Exact over every call in the window. */
  totals: Outcomes & { tools: number; users: number; success_pct: number | null; avg_ms: number | null };
  /** Busiest tools first. */
  tools: ToolStats[];
  /** Busiest users first. */
  top_users: UserStats[];
  truncated: boolean;
}

type ToolRow = Omit<ToolStats, "success_pct" | "last_call_at"> & { last_call_at: Date | null };

export const getBotToolStats = defineTool({
  name: "get_bot_tool_stats",
  domain: "platform-db-edge",
  title: "Arthur's tool usage",
  description:
    "How Arthur's tools were used over the last hours_back hours (default 24, at most 720), from the gateway's " +
    "execution log (esbmcp_tool_executions): totals, and per tool (busiest first, limit 1–50, default 20) calls, " +
    "successes, failures split into refused by policy or arguments, not found, and errors, success rate, " +
    "average / p95 / maximum duration of the calls that ran, distinct users and the last call; plus the 10 " +
    "busiest users. Use it for 'which tools are slow or failing?'. Error details are in get_bot_errors.",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<BotToolStatsResult> {
    const { window, since } = await windowOf(sql, args.hours_back);
    // Whole hours come from the hourly rollup (arthur_tool_stats_hourly, kept equal to the log by
    // triggers); the first, partial hour of the window from the log itself, so counts stay exact.
    const firstWholeHour = sql`date_trunc('hour', ${since}::timestamptz, 'UTC') + interval '1 hour'`;
    const calls = sql`
      select tool_name, domain, nullif(slack_user_id, '') as slack_user_id, user_role, ok,
             nullif(error_code, '') as error_code, bucket, calls, duration_sum_ms, duration_max_ms, last_call_at
      from arthur_tool_stats_hourly where hour >= ${firstWholeHour}
      union all
      select tool_name, domain, slack_user_id, user_role, ok, error_code, arthur_duration_bucket(duration_ms), 1,
             coalesce(duration_ms, 0), duration_ms, created_at
      from esbmcp_tool_executions where created_at > ${since} and created_at < ${firstWholeHour}`;
    const refusal = sql`coalesce(error_code in ${sql(REFUSAL_CODES)}, false)`;
    // Calls that ran and recorded a duration (bucket -1 = none): the base of the latency figures.
    const timed = sql`not ${refusal} and bucket <> -1`;
    const outcomes = sql`
      sum(calls)::int as calls, coalesce(sum(calls) filter (where ok), 0)::int as ok,
      coalesce(sum(calls) filter (where not ok), 0)::int as failed,
      coalesce(sum(calls) filter (where not ok and ${refusal}), 0)::int as refused,
      coalesce(sum(calls) filter (where not ok and error_code = 'NOT_FOUND'), 0)::int as not_found,
      coalesce(sum(calls) filter (where not ok and not ${refusal} and error_code is distinct from 'NOT_FOUND'), 0)::int
        as errors`;
    const average = sql`round(sum(duration_sum_ms) filter (where ${timed})
                              / nullif(sum(calls) filter (where ${timed}), 0))::int`;
    const [totals] = await sql<(Outcomes & { tools: number; users: number; avg_ms: number | null })[]>`
      with c as (${calls})
      select ${outcomes}, count(distinct tool_name)::int as tools, count(distinct slack_user_id)::int as users,
             ${average} as avg_ms
      from c having sum(calls) > 0`;
    const shown = Math.min(args.limit, rowCap);
    const tools = await sql<ToolRow[]>`
      with c as materialized (${calls}),
      per_tool as (
        select tool_name, min(domain) as domain, ${outcomes}, ${average} as avg_ms,
               max(duration_max_ms) filter (where not ${refusal}) as max_ms,
               count(distinct slack_user_id)::int as users, max(last_call_at) as last_call_at
        from c group by tool_name),
      buckets as (
        select tool_name, bucket, sum(calls) as n,
               sum(sum(calls)) over (partition by tool_name order by bucket) as running,
               sum(sum(calls)) over (partition by tool_name) as total
        from c where ${timed} group by tool_name, bucket),
      p95 as (
        select tool_name, min(bucket) filter (where running >= 0.95 * total) as p95_ms from buckets group by tool_name)
      select t.*, p.p95_ms
      from per_tool t left join p95 p using (tool_name)
      order by t.calls desc, t.tool_name
      limit ${shown + 1}`;
    const usersShown = Math.min(TOP_USERS_LISTED, rowCap);
    const users = await sql<UserStats[]>`
      with c as (${calls})
      select slack_user_id, min(user_role) as user_role, sum(calls)::int as calls,
             coalesce(sum(calls) filter (where not ok), 0)::int as failed
      from c
      group by slack_user_id
      order by sum(calls) desc, slack_user_id
      limit ${usersShown + 1}`;
    const toolCut = capped(tools, shown);
    const userCut = capped(users, usersShown);
    const t = totals ?? {
      calls: 0,
      ok: 0,
      failed: 0,
      refused: 0,
      not_found: 0,
      errors: 0,
      tools: 0,
      users: 0,
      avg_ms: null,
    };
    return {
      window,
      totals: { ...t, success_pct: percent(t.ok, t.calls) },
      tools: toolCut.rows.map((r) => ({
        ...r,
        success_pct: percent(r.ok, r.calls),
        last_call_at: iso(r.last_call_at),
      })),
      top_users: userCut.rows,
      truncated: toolCut.truncated || userCut.truncated,
    };
  },
  format(r) {
    const t = r.totals;
    const lines = [
      `Tool calls, last ${r.window.hours} h: ${t.calls} by ${t.users} users over ${t.tools} tools — ${t.ok} ok` +
        `${t.success_pct === null ? "" : ` (${t.success_pct}%)`}, ${t.refused} refused, ${t.not_found} not found, ` +
        `${t.errors} errors${t.avg_ms === null ? "" : `; avg ${t.avg_ms} ms`}`,
      ...r.tools.map(
        (x) =>
          `- ${x.tool_name}: ${x.calls} calls, ${x.ok} ok, ${x.errors} errors, ${x.refused} refused` +
          `${x.avg_ms === null ? "" : `, avg ${x.avg_ms} ms, p95 ${x.p95_ms === null || x.p95_ms > 60_000 ? "over 60 s" : `≤ ${x.p95_ms} ms`}, max ${x.max_ms} ms`}`,
      ),
      `Busiest users: ${r.top_users.map((u) => `${u.slack_user_id ?? "?"} (${u.calls})`).join(", ") || "none"}`,
      ...truncationNote(r.truncated, r.tools.length),
    ];
    return lines.join("\n");
  },
});
