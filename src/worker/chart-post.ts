import { ToolError } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import type { BuiltPaceChart } from "../packs/eventbrite-charts/chart.ts";
import { SlackApiError, type SlackClient } from "../slack/index.ts";
import { chartPostText } from "./post-text.ts";
import { type Cadence, changedEnough, computeNextRun } from "./schedule-rules.ts";

/** Builds the chart of one event (buildPaceChart, or a stand-in in tests). Null: nothing to draw. */
export type ChartBuilder = (
  sql: Sql,
  options: { eid: string; comparatorEids: readonly string[] | null; now?: Date },
) => Promise<BuiltPaceChart | null>;

export interface ChartPostDeps {
  sql: Sql;
  slack: SlackClient;
  buildChart: ChartBuilder;
  logger: Logger;
}

/** The pg-boss job: one slot of one schedule. */
export interface ChartPostJob {
  scheduleId: string;
  slot: string;
}

/** Which try this is; the last one (or a permanent Slack error) gives up until the next slot. */
export interface Attempt {
  retryCount: number;
  retryLimit: number;
}

export type SkipReason = "no_data" | "no_change" | "duplicate_hash";

export type ChartPostOutcome =
  | { kind: "posted"; fileId: string }
  | { kind: "skipped"; reason: SkipReason }
  /** The slot was posted or skipped before (a duplicate job, or a second run_now in one minute). */
  | { kind: "already_done" }
  /** Another worker holds the slot's row right now; it owns the outcome. */
  | { kind: "busy" }
  /** The schedule is gone, paused or finished since it was dispatched. */
  | { kind: "inactive" }
  /** Gave up on this slot (retries exhausted or a permanent Slack error); the next slot tries again. */
  | { kind: "failed"; error: string };

interface ScheduleRow {
  id: string;
  eid: string;
  slack_channel_id: string;
  cadence: Cadence;
  status: string;
  comparator_mode: "auto" | "locked";
  locked_comparators: unknown;
  last_ticket_count: number | null;
  last_pace_per_day: string | null;
  event_start: Date | null;
}

/** The slot of a schedule's next_run_at, as SQL (matches slotKey()). */
const NEXT_RUN_SLOT = `to_char(next_run_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') || 'Z'`;

async function loadSchedule(sql: Sql, id: string): Promise<ScheduleRow | undefined> {
  const [row] = await sql<ScheduleRow[]>`
    select j.id, j.eid, j.slack_channel_id, j.cadence, j.status, j.comparator_mode, j.locked_comparators,
           j.last_ticket_count, j.last_pace_per_day::text, e.event_start_datetime as event_start
    from esbmcp_scheduled_chart_jobs j
    left join events e on e.eid = j.eid
    where j.id = ${id}`;
  return row;
}

function nextRun(schedule: ScheduleRow, now: Date): Date {
  return computeNextRun(schedule.event_start ?? now, schedule.cadence, now);
}

function comparatorEids(schedule: ScheduleRow): string[] | null {
  if (schedule.comparator_mode !== "locked" || !Array.isArray(schedule.locked_comparators)) return null;
  return schedule.locked_comparators.filter((e): e is string => typeof e === "string");
}

const chartColumns = (sql: Sql, chart: BuiltPaceChart | null) =>
  chart
    ? sql`ticket_count = ${chart.ticketCount}, revenue = ${chart.revenue}, pace_per_day = ${chart.pacePerDay.toFixed(2)},
          days_until_event = ${chart.daysUntilEvent}, comparators_used = ${sql.json(chart.comparators)},
          payload_hash = ${chart.payloadHash}, render_duration_ms = ${Math.round(chart.renderMs)}`
    : sql`ticket_count = null`;

async function skip(
  tx: Sql,
  schedule: ScheduleRow,
  rowId: string,
  reason: SkipReason,
  chart: BuiltPaceChart | null,
  now: Date,
): Promise<ChartPostOutcome> {
  await tx`
    update esbmcp_chart_posts_log
    set skipped = true, skip_reason = ${reason}, error_message = null, ${chartColumns(tx, chart)}
    where id = ${rowId}`;
  await tx`
    update esbmcp_scheduled_chart_jobs
    set last_run_at = ${now}, next_run_at = ${nextRun(schedule, now)}, fail_count = 0,
        last_status = ${`skipped_${reason}`}, last_error = null, updated_at = now()
    where id = ${schedule.id}`;
  return { kind: "skipped", reason };
}

async function post(
  deps: ChartPostDeps,
  tx: Sql,
  schedule: ScheduleRow,
  rowId: string,
  chart: BuiltPaceChart,
  now: Date,
): Promise<ChartPostOutcome> {
  const text = chartPostText(chart, now);
  const file = await deps.slack.uploadChart({
    channel: schedule.slack_channel_id,
    filename: text.filename,
    title: text.title,
    initialComment: text.comment,
    png: chart.png,
  });
  await tx`
    update esbmcp_chart_posts_log
    set posted_at = now(), slack_file_id = ${file.fileId}, error_message = null, ${chartColumns(tx, chart)}
    where id = ${rowId}`;
  await tx`
    update esbmcp_scheduled_chart_jobs
    set last_run_at = ${now}, last_ticket_count = ${chart.ticketCount},
        last_pace_per_day = ${chart.pacePerDay.toFixed(2)}, next_run_at = ${nextRun(schedule, now)},
        fail_count = 0, last_status = 'posted', last_error = null, updated_at = now()
    where id = ${schedule.id}`;
  return { kind: "posted", fileId: file.fileId };
}

/**
 * The slot's work inside one transaction holding its log row (FOR UPDATE SKIP LOCKED): build the
 * chart, apply the no_data / no_change / duplicate_hash gates before any upload, then upload and
 * record. A throw rolls everything back, so the slot stays open for the retry.
 */
async function runSlot(
  deps: ChartPostDeps,
  tx: Sql,
  schedule: ScheduleRow,
  slot: string,
): Promise<ChartPostOutcome> {
  const [row] = await tx<{ id: string; posted_at: Date | null; skipped: boolean; now: Date }[]>`
    select id, posted_at, skipped, now() as now from esbmcp_chart_posts_log
    where job_id = ${schedule.id} and slot_key = ${slot}
    for update skip locked`;
  if (!row) return { kind: "busy" };
  const now = row.now;
  if (row.posted_at || row.skipped) {
    // Still pointing at this slot (e.g. run_now twice within a minute): move on, or it stays due.
    await tx`
      update esbmcp_scheduled_chart_jobs set next_run_at = ${nextRun(schedule, now)}, updated_at = now()
      where id = ${schedule.id} and status = 'active' and ${tx.unsafe(NEXT_RUN_SLOT)} = ${slot}`;
    return { kind: "already_done" };
  }
  const chart = await deps.buildChart(deps.sql, {
    eid: schedule.eid,
    comparatorEids: comparatorEids(schedule),
    now,
  });
  if (!chart) return skip(tx, schedule, row.id, "no_data", null, now);
  const last = {
    ticketCount: schedule.last_ticket_count,
    pacePerDay: schedule.last_pace_per_day === null ? null : Number(schedule.last_pace_per_day),
  };
  if (!changedEnough(last, chart)) return skip(tx, schedule, row.id, "no_change", chart, now);
  // Only this schedule's own earlier posts count: a chart someone made in chat never blocks one.
  const duplicate = await tx`
    select 1 from esbmcp_chart_posts_log
    where job_id = ${schedule.id} and source = 'scheduler' and payload_hash = ${chart.payloadHash}
      and posted_at is not null and id <> ${row.id}
    limit 1`;
  if (duplicate.length) return skip(tx, schedule, row.id, "duplicate_hash", chart, now);
  return post(deps, tx, schedule, row.id, chart, now);
}

/** Failures a retry cannot fix: Slack refusing the channel or token, or the event no longer existing. */
function isPermanent(error: unknown): boolean {
  return (
    (error instanceof SlackApiError && error.permanent) ||
    (error instanceof ToolError && error.code === "NOT_FOUND")
  );
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 500 ? `${message.slice(0, 499)}…` : message;
}

/**
 * Record a failed try. The schedule never turns into 'error': it counts failures and keeps the last
 * error; when giving up, the slot is logged as an 'error' skip and next_run_at moves on to the next
 * slot (only if it still points at this one: a run_now since then keeps its own slot).
 */
async function recordFailure(
  sql: Sql,
  schedule: ScheduleRow,
  slot: string,
  error: string,
  final: boolean,
): Promise<void> {
  await sql.begin(async (tx) => {
    const [{ now } = { now: new Date() }] = await tx<{ now: Date }[]>`select now() as now`;
    await tx`
      update esbmcp_scheduled_chart_jobs
      set fail_count = fail_count + 1, last_status = ${final ? "failed" : "retrying"}, last_error = ${error},
          next_run_at = case when ${final} and status = 'active' and ${tx.unsafe(NEXT_RUN_SLOT)} = ${slot}
                             then ${nextRun(schedule, now)} else next_run_at end,
          updated_at = now()
      where id = ${schedule.id}`;
    await tx`
      update esbmcp_chart_posts_log
      set error_message = ${error}, skipped = ${final}, skip_reason = ${final ? "error" : null}
      where job_id = ${schedule.id} and slot_key = ${slot} and posted_at is null and not skipped`;
  });
}

/**
 * Post one slot of one schedule, at most once across every worker: the slot's log row is inserted
 * first (ON CONFLICT DO NOTHING on (job_id, slot_key)) and the work happens while holding it.
 * Throws to ask pg-boss for a retry; returns `failed` when it gives up on the slot.
 */
export async function postChartSlot(
  deps: ChartPostDeps,
  job: ChartPostJob,
  attempt: Attempt,
): Promise<ChartPostOutcome> {
  const schedule = await loadSchedule(deps.sql, job.scheduleId);
  if (schedule?.status !== "active") {
    // Paused or cancelled while a retry waited: close the slot's open row so history does not show it pending.
    await deps.sql`
      update esbmcp_chart_posts_log
      set skipped = true, skip_reason = 'error',
          error_message = ${`abandoned: the schedule is ${schedule?.status ?? "gone"}`}
      where job_id = ${job.scheduleId} and slot_key = ${job.slot} and posted_at is null and not skipped`;
    return { kind: "inactive" };
  }
  await deps.sql`
    insert into esbmcp_chart_posts_log (job_id, eid, slot_key, source)
    values (${schedule.id}, ${schedule.eid}, ${job.slot}, 'scheduler')
    on conflict (job_id, slot_key) where slot_key is not null do nothing`;
  try {
    return await deps.sql.begin((tx) => runSlot(deps, tx as unknown as Sql, schedule, job.slot));
  } catch (error) {
    const final = attempt.retryCount >= attempt.retryLimit || isPermanent(error);
    const message = describeError(error);
    await recordFailure(deps.sql, schedule, job.slot, message, final);
    if (final) return { kind: "failed", error: message };
    throw error;
  }
}
