import type { Fragment } from "postgres";
import { z } from "zod";
import { boundedInt, defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
// The pure schedule rules only: the worker's index would load pg-boss into the gateway.
import { CHART_POST_QUEUE, JOBS_SCHEMA, RETENTION_QUEUE } from "../../worker/schedule-rules.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { hoursBack, ROLES_OPS_VIEWER, type Window, windowOf } from "../platform-db-edge/shared.ts";
import {
  type ChartSchedule,
  RECENT_POSTS_LISTED,
  ROLES_READ,
  SCHEDULE_STATUSES,
  type ScheduleStatus,
  scheduleLine,
  schedulesWhere,
  utc,
} from "./schedules.ts";

// What the chart autoposter did: get_chart_history (#60) and get_chart_scheduler_status (#61).

// ---------------------------------------------------------------------------------------------------
// get_chart_history and get_chart_scheduler_status

export interface ChartLogEntry {
  id: string;
  created_at: string | null;
  eid: string;
  source: "scheduler" | "chat";
  /** posted; skipped (skip_reason); generated (a chat chart); pending (a slot claimed, not finished: retrying). */
  outcome: "posted" | "skipped" | "generated" | "pending";
  skip_reason: string | null;
  error_message: string | null;
  schedule_id: string | null;
  slack_channel_id: string | null;
  slot_key: string | null;
  slack_file_id: string | null;
  posted_at: string | null;
  ticket_count: number | null;
  pace_per_day: number | null;
  days_until_event: number | null;
  comparators_used: string[];
  render_duration_ms: number | null;
}

type LogRow = Omit<ChartLogEntry, "created_at" | "posted_at" | "comparators_used"> & {
  created_at: Date | null;
  posted_at: Date | null;
  comparators_used: unknown;
};

const logColumns = `l.id, l.created_at, l.eid, l.source,
  case when l.posted_at is not null then 'posted' when l.skipped then 'skipped'
       when l.source = 'chat' then 'generated' else 'pending' end as outcome,
  l.skip_reason, left(l.error_message, 300) as error_message, l.job_id as schedule_id, j.slack_channel_id, l.slot_key,
  l.slack_file_id, l.posted_at, l.ticket_count, l.pace_per_day::float8 as pace_per_day, l.days_until_event,
  l.comparators_used, l.render_duration_ms`;

function toLogEntry(row: LogRow): ChartLogEntry {
  return {
    ...row,
    created_at: iso(row.created_at),
    posted_at: iso(row.posted_at),
    comparators_used: Array.isArray(row.comparators_used) ? row.comparators_used.map(String) : [],
  };
}

async function logRows(sql: Sql, where: Fragment, limit: number): Promise<ChartLogEntry[]> {
  const rows = await sql<LogRow[]>`
    select ${sql.unsafe(logColumns)}
    from esbmcp_chart_posts_log l left join esbmcp_scheduled_chart_jobs j on j.id = l.job_id
    where ${where}
    order by l.created_at desc, l.id
    limit ${limit}`;
  return rows.map(toLogEntry);
}

export interface LogCounts {
  posted: number;
  skipped: number;
  /** Slots given up on after retries (skip_reason 'error'); also counted in skipped. */
  errors: number;
  generated: number;
  pending: number;
  skipped_by_reason: Record<string, number>;
}

async function logCounts(sql: Sql, where: Fragment): Promise<LogCounts> {
  const [row] = await sql<
    (Omit<LogCounts, "skipped_by_reason"> & { reasons: Record<string, number> | null })[]
  >`
    select count(*) filter (where posted_at is not null)::int as posted,
           count(*) filter (where skipped)::int as skipped,
           count(*) filter (where skipped and skip_reason = 'error')::int as errors,
           count(*) filter (where posted_at is null and not skipped and source = 'chat')::int as generated,
           count(*) filter (where posted_at is null and not skipped and source = 'scheduler')::int as pending,
           (select jsonb_object_agg(reason, n) from (
              select coalesce(skip_reason, 'unknown') as reason, count(*)::int as n
              from esbmcp_chart_posts_log l where ${where} and skipped group by 1) r) as reasons
    from esbmcp_chart_posts_log l where ${where}`;
  return {
    posted: row?.posted ?? 0,
    skipped: row?.skipped ?? 0,
    errors: row?.errors ?? 0,
    generated: row?.generated ?? 0,
    pending: row?.pending ?? 0,
    skipped_by_reason: row?.reasons ?? {},
  };
}

function logLine(e: ChartLogEntry): string {
  const what =
    e.outcome === "posted"
      ? `posted to ${e.slack_channel_id ?? "?"}`
      : e.outcome === "skipped"
        ? `skipped (${e.skip_reason ?? "?"}${e.error_message ? `: ${e.error_message}` : ""})`
        : e.outcome === "pending"
          ? `pending${e.error_message ? ` (${e.error_message})` : ""}`
          : "made in chat";
  const numbers = e.ticket_count === null ? "" : `, ${e.ticket_count} tickets, ${e.pace_per_day ?? "?"}/day`;
  return `- ${utc(e.created_at)} ${e.eid} ${what}${numbers}`;
}

const historyInput = z.strictObject({ eid: eid(), limit: boundedInt(1, 50, 20, "Most log rows to list") });

export interface ChartHistoryResult {
  eid: string;
  /** Over the event's whole log, not only the rows listed. */
  counts: LogCounts;
  /** Newest first, scheduled and chat charts alike. */
  entries: ChartLogEntry[];
  truncated: boolean;
}

export const getChartHistory = defineTool({
  name: "get_chart_history",
  domain: "eventbrite-charts",
  title: "Chart post history",
  description:
    "The ticket-pace charts of an event, newest first (limit 1–50, default 20): scheduled posts with their " +
    "channel and Slack file id, skips with the reason (no_data, no_change, duplicate_hash, error), slots still " +
    "being retried, and charts made in chat; each with ticket count, pace and days until the event. Counts " +
    "cover the event's whole history. Use it for 'did AB4125's chart go out?'.",
  input: historyInput,
  policy: { roles: ROLES_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<ChartHistoryResult> {
    const event = await eventByEid(sql, args.eid);
    const where = sql`l.eid = ${event.eid}`;
    const shown = Math.min(args.limit, rowCap);
    const cut = capped(await logRows(sql, where, shown + 1), shown);
    return {
      eid: event.eid,
      counts: await logCounts(sql, where),
      entries: cut.rows,
      truncated: cut.truncated,
    };
  },
  format(r) {
    const c = r.counts;
    return [
      `${r.eid} charts: ${c.posted} posted, ${c.skipped} skipped (${c.errors} after errors), ${c.pending} pending, ` +
        `${c.generated} made in chat`,
      ...r.entries.map(logLine),
      ...truncationNote(r.truncated, r.entries.length),
    ].join("\n");
  },
});

const statusInput = z.strictObject({ hours_back: hoursBack(720) });

export interface WorkerHealth {
  /** pg-boss's tables exist: a worker has started on this database at least once. */
  installed: boolean;
  /** Workers whose heartbeat is recent and that did not stop. */
  workers_alive: number;
  last_heartbeat_at: string | null;
  chart_post_jobs: { queued: number; retrying: number; running: number; failed_in_window: number };
  last_retention_at: string | null;
}

export interface ChartSchedulerStatusResult {
  window: Window;
  schedules_by_status: Record<ScheduleStatus, number>;
  /** Active schedules, soonest next run first. */
  active: ChartSchedule[];
  active_truncated: boolean;
  /** Active schedules whose next run has come. */
  due_now: number;
  /** The oldest due next_run_at, when any is due. */
  oldest_due_at: string | null;
  /** Active schedules whose last tries failed. */
  failing: number;
  counts: LogCounts;
  recent: ChartLogEntry[];
  worker: WorkerHealth;
  warnings: string[];
}

async function workerHealth(sql: Sql, since: Date): Promise<WorkerHealth> {
  const [found] = await sql<{ jobs: boolean; instances: boolean }[]>`
    select to_regclass(${`${JOBS_SCHEMA}.job`}) is not null as jobs,
           to_regclass(${`${JOBS_SCHEMA}.instance`}) is not null as instances`;
  const health: WorkerHealth = {
    installed: Boolean(found?.jobs),
    workers_alive: 0,
    last_heartbeat_at: null,
    chart_post_jobs: { queued: 0, retrying: 0, running: 0, failed_in_window: 0 },
    last_retention_at: null,
  };
  if (found?.instances) {
    const [alive] = await sql<{ alive: number; last: Date | null }[]>`
      select count(*) filter (where stopped_on is null
                                and heartbeat_on > now() - make_interval(secs => 3 * heartbeat_seconds))::int as alive,
             max(heartbeat_on) as last
      from ${sql.unsafe(`${JOBS_SCHEMA}.instance`)} where name = 'arthur-worker'`;
    health.workers_alive = alive?.alive ?? 0;
    health.last_heartbeat_at = iso(alive?.last);
  }
  if (found?.jobs) {
    const [jobs] = await sql<(WorkerHealth["chart_post_jobs"] & { retention: Date | null })[]>`
      select count(*) filter (where name = ${CHART_POST_QUEUE} and state = 'created')::int as queued,
             count(*) filter (where name = ${CHART_POST_QUEUE} and state = 'retry')::int as retrying,
             count(*) filter (where name = ${CHART_POST_QUEUE} and state = 'active')::int as running,
             count(*) filter (where name = ${CHART_POST_QUEUE} and state = 'failed' and completed_on > ${since})::int
               as failed_in_window,
             max(completed_on) filter (where name = ${RETENTION_QUEUE} and state = 'completed') as retention
      from ${sql.unsafe(`${JOBS_SCHEMA}.job`)} where name in (${CHART_POST_QUEUE}, ${RETENTION_QUEUE})`;
    if (jobs) {
      const { retention, ...chartJobs } = jobs;
      health.chart_post_jobs = chartJobs;
      health.last_retention_at = iso(retention);
    }
  }
  return health;
}

/** Due schedules older than this with no live worker mean nothing is posting. */
const OVERDUE_MS = 5 * 60_000;

function statusWarnings(r: Omit<ChartSchedulerStatusResult, "warnings">, now: Date): string[] {
  const warnings: string[] = [];
  const overdue = r.oldest_due_at !== null && now.getTime() - Date.parse(r.oldest_due_at) > OVERDUE_MS;
  if (overdue && r.worker.workers_alive === 0)
    warnings.push("Schedules are overdue and no worker is running: start `arthur worker` (or `arthur dev`).");
  else if (overdue)
    warnings.push("Schedules are overdue although a worker is running: is SLACK_BOT_TOKEN set for it?");
  if (r.failing)
    warnings.push(`${r.failing} active schedule(s) are failing; get_chart_schedule shows their last error.`);
  return warnings;
}

export const getChartSchedulerStatus = defineTool({
  name: "get_chart_scheduler_status",
  domain: "eventbrite-charts",
  title: "Chart scheduler status",
  description:
    "Health of the chart autoposter over the last hours_back hours (default 24, at most 720): schedules by " +
    "status, the active ones (soonest first), how many are due now and since when, failing schedules, posts, " +
    "skips and errors in the window with the 20 newest, and the background worker as the database sees it " +
    "(workers alive, queued and retrying post jobs, last retention run), with warnings when nothing is posting.",
  input: statusInput,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<ChartSchedulerStatusResult> {
    const { window, since } = await windowOf(sql, args.hours_back);
    const [agg] = await sql<
      {
        by_status: { key: string; n: number }[] | null;
        due: number;
        oldest: Date | null;
        failing: number;
        now: Date;
      }[]
    >`
      select (select json_agg(json_build_object('key', status, 'n', n))
              from (select status, count(*)::int as n from esbmcp_scheduled_chart_jobs group by status) s) as by_status,
             count(*) filter (where next_run_at <= now())::int as due,
             min(next_run_at) filter (where next_run_at <= now()) as oldest,
             count(*) filter (where fail_count > 0)::int as failing,
             now() as now
      from esbmcp_scheduled_chart_jobs where status = 'active'`;
    const byStatus = Object.fromEntries(SCHEDULE_STATUSES.map((s) => [s, 0])) as Record<
      ScheduleStatus,
      number
    >;
    for (const { key, n } of agg?.by_status ?? []) if (key in byStatus) byStatus[key as ScheduleStatus] = n;
    const shown = rowCap;
    const active = capped(await schedulesWhere(sql, sql`j.status = 'active'`, shown + 1), shown);
    const inWindow = sql`l.created_at > ${since}`;
    const result = {
      window,
      schedules_by_status: byStatus,
      active: active.rows,
      active_truncated: active.truncated,
      due_now: agg?.due ?? 0,
      oldest_due_at: iso(agg?.oldest),
      failing: agg?.failing ?? 0,
      counts: await logCounts(sql, inWindow),
      recent: await logRows(sql, inWindow, Math.min(RECENT_POSTS_LISTED, rowCap)),
      worker: await workerHealth(sql, since),
    };
    return { ...result, warnings: statusWarnings(result, agg?.now ?? new Date()) };
  },
  format(r) {
    const s = r.schedules_by_status;
    const c = r.counts;
    const w = r.worker;
    return [
      `Chart schedules: ${s.active} active, ${s.paused} paused, ${s.completed} completed, ${s.cancelled} cancelled, ` +
        `${s.error} error; ${r.due_now} due now${r.oldest_due_at ? ` (oldest ${utc(r.oldest_due_at)})` : ""}`,
      `Last ${r.window.hours} h: ${c.posted} posted, ${c.skipped} skipped (${c.errors} errors), ${c.pending} pending`,
      `Worker: ${w.installed ? `${w.workers_alive} alive, ${w.chart_post_jobs.queued} queued, ${w.chart_post_jobs.retrying} retrying, last retention ${utc(w.last_retention_at)}` : "never started on this database"}`,
      ...r.warnings.map((x) => `WARNING: ${x}`),
      ...r.active.map(scheduleLine),
      ...truncationNote(r.active_truncated, r.active.length),
      ...(r.recent.length ? ["Recent:", ...r.recent.map(logLine)] : []),
    ].join("\n");
  },
});
