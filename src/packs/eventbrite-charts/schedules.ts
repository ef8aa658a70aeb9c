import type { Fragment } from "postgres";
import { z } from "zod";
import { defineTool, eid, notFound, type Role, ToolError } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
// The pure schedule rules only: the worker's index would load pg-boss into the gateway.
import {
  AUTO_STOP_AFTER_START_MS,
  CADENCES,
  type Cadence,
  cadenceIntervalDays,
  computeNextRun,
} from "../../worker/schedule-rules.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { checkComparatorEids } from "./chart-tools.ts";

const ROLES_WRITE: readonly Role[] = ["ops", "event-producer", "marketing"];
export const ROLES_READ: readonly Role[] = ["ops", "event-producer", "marketing", "viewer"];
export const SCHEDULE_STATUSES = ["active", "paused", "completed", "error", "cancelled"] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];
/** Most schedules get_chart_schedule lists (the policy table's 25). */
export const SCHEDULES_LISTED = 25;
/** Most log rows get_chart_scheduler_status lists. */
export const RECENT_POSTS_LISTED = 20;
export const MAX_COMPARATORS = 5;

/** Slack channel ids: C (public), G (private) or D (direct), then at least 8 capitals or digits. */
const channelId = () =>
  z
    .string()
    .trim()
    .regex(/^[CGD][A-Z0-9]{8,}$/, {
      message:
        'must be a Slack channel id such as "C0123456789" (C, G or D followed by at least 8 capital letters or ' +
        "digits), not a #channel name; in Slack, the channel's details show its id",
    })
    .describe('Slack channel id, e.g. "C0123456789" (not the #name)');

// ---------------------------------------------------------------------------------------------------
// Shared row shape

export interface ChartSchedule {
  id: string;
  eid: string;
  event_name: string | null;
  slack_channel_id: string;
  cadence: Cadence;
  status: ScheduleStatus;
  /** auto: the stored comparator ranking's top five; locked: comparator_eids. */
  comparator_mode: "auto" | "locked";
  comparator_eids: string[];
  next_run_at: string | null;
  last_run_at: string | null;
  auto_stop_at: string | null;
  last_ticket_count: number | null;
  last_pace_per_day: number | null;
  /** Failed tries since the last post or skip; a failing schedule keeps trying every slot. */
  fail_count: number;
  /** posted, skipped_<reason>, retrying, failed or completed. */
  last_status: string | null;
  last_error: string | null;
  created_by: string | null;
  created_at: string | null;
  updated_at: string | null;
}

type ScheduleRow = Omit<
  ChartSchedule,
  "comparator_eids" | "next_run_at" | "last_run_at" | "auto_stop_at" | "created_at" | "updated_at"
> & {
  locked_comparators: unknown;
  next_run_at: Date | null;
  last_run_at: Date | null;
  auto_stop_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
};

const scheduleColumns = `j.id, j.eid, e.name as event_name, j.slack_channel_id, j.cadence, j.status, j.comparator_mode,
  j.locked_comparators, j.next_run_at, j.last_run_at, j.auto_stop_at, j.last_ticket_count,
  j.last_pace_per_day::float8 as last_pace_per_day, j.fail_count, j.last_status, left(j.last_error, 300) as last_error,
  j.created_by, j.created_at, j.updated_at`;

function toSchedule(row: ScheduleRow): ChartSchedule {
  const { locked_comparators, ...rest } = row;
  return {
    ...rest,
    comparator_eids: Array.isArray(locked_comparators) ? locked_comparators.map(String) : [],
    next_run_at: iso(row.next_run_at),
    last_run_at: iso(row.last_run_at),
    auto_stop_at: iso(row.auto_stop_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export async function schedulesWhere(sql: Sql, where: Fragment, limit: number): Promise<ChartSchedule[]> {
  const rows = await sql<ScheduleRow[]>`
    select ${sql.unsafe(scheduleColumns)}
    from esbmcp_scheduled_chart_jobs j left join events e on e.eid = j.eid
    where ${where}
    order by (j.status in ('active', 'paused')) desc, j.next_run_at nulls last, j.created_at desc, j.id
    limit ${limit}`;
  return rows.map(toSchedule);
}

export const utc = (value: string | null) => (value ? `${value.slice(0, 16).replace("T", " ")} UTC` : "—");

export function scheduleLine(s: ChartSchedule): string {
  const comparators =
    s.comparator_mode === "locked" ? `vs ${s.comparator_eids.join(", ")}` : "auto comparators";
  const failing = s.fail_count > 0 ? `, ${s.fail_count} failed tries (${s.last_error ?? "?"})` : "";
  return (
    `- ${s.eid} → ${s.slack_channel_id}: ${s.status}, ${s.cadence}, next ${utc(s.next_run_at)}, ` +
    `last ${utc(s.last_run_at)}${s.last_status ? ` (${s.last_status})` : ""}, ${comparators}${failing}`
  );
}

// ---------------------------------------------------------------------------------------------------
// schedule_chart_autopost

const scheduleInput = z.strictObject({
  eid: eid(),
  slack_channel_id: channelId(),
  cadence: z
    .enum(CADENCES)
    .default("auto")
    .describe(
      "How often to post: auto (weekly while the event is more than 28 days away, every 2 days while more " +
        "than 7, then daily), weekly, every_2_days or daily; default auto",
    ),
  comparator_eids: z
    .array(eid())
    .min(1)
    .max(MAX_COMPARATORS, { message: `at most ${MAX_COMPARATORS} comparator events` })
    .refine((list) => new Set(list).size === list.length, { message: "must not list an event twice" })
    .optional()
    .describe(
      'Up to 5 earlier events to draw for comparison, e.g. ["AB4001", "AB4010"]; default: those chosen for the event, else the stored ranking',
    ),
});

export interface ScheduleAutopostResult {
  /** created: a new schedule; updated: the live schedule for this event and channel was changed. */
  action: "created" | "updated";
  previous_status: ScheduleStatus | null;
  schedule: ChartSchedule;
  /** Days between posts right now (auto follows the event's distance). */
  interval_days: number;
}

export const scheduleChartAutopost = defineTool({
  name: "schedule_chart_autopost",
  domain: "eventbrite-charts",
  title: "Schedule ticket-pace chart posts",
  description:
    "Post an event's ticket-pace chart to a Slack channel on a schedule until two days after the event: eid, " +
    "slack_channel_id (the channel's id such as C0123456789, not its #name; the Arthur bot must be in the " +
    "channel), cadence (auto, weekly, every_2_days, daily; default auto) and optionally comparator_eids (up to 5 " +
    "earlier events to compare with; otherwise those chosen with set_chart_comparators, else the stored ranking). Posts go out at 10:00 UTC and are " +
    "skipped when sales have not changed meaningfully. There is one schedule per event and channel: calling it " +
    "again for the same pair updates that schedule (and reactivates it if paused). The event must be linked to " +
    "Eventbrite and not over. Use update_chart_schedule to pause, resume, post now or cancel.",
  input: scheduleInput,
  policy: {
    roles: ROLES_WRITE,
    risk: "medium",
    writes: true,
    requiresApproval: true,
    maxCallsPerRequest: 1,
  },
  async handler(args, { sql, caller }): Promise<ScheduleAutopostResult> {
    const event = await eventByEid(sql, args.eid);
    const [link] = await sql<{ eventbrite_id: string | null; now: Date }[]>`
      select nullif(eventbrite_id, '') as eventbrite_id, now() as now from events where id = ${event.id}`;
    if (!link?.eventbrite_id) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${event.eid} has no Eventbrite id, so there are no ticket sales to chart (get_eventbrite_mapping shows the link).`,
      );
    }
    if (!event.startsAt)
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${event.eid} has no start time yet, so it cannot be scheduled.`,
      );
    const autoStop = new Date(event.startsAt.getTime() + AUTO_STOP_AFTER_START_MS);
    if (event.phase === "past" || autoStop <= link.now) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${event.eid} is over (it started ${event.startsAt.toISOString().slice(0, 16).replace("T", " ")} UTC); ` +
          "chart posts stop two days after an event starts, so there is nothing to schedule.",
      );
    }
    if (args.comparator_eids) await checkComparatorEids(sql, event.eid, args.comparator_eids);
    // Without a list, the comparators chosen for the event (set_chart_comparators) if any, else auto.
    const [chosen] = args.comparator_eids
      ? []
      : await sql<{ comparator_eids: string[] }[]>`
          select comparator_eids from arthur_chart_comparator_locks where eid = ${event.eid}`;
    const locked = args.comparator_eids ?? chosen?.comparator_eids ?? [];
    const nextRunAt = computeNextRun(event.startsAt, args.cadence, link.now);
    const [previous] = await sql<{ status: ScheduleStatus }[]>`
      select status from esbmcp_scheduled_chart_jobs
      where eid = ${event.eid} and slack_channel_id = ${args.slack_channel_id} and status in ('active', 'paused')
      for update`;
    // One live schedule per (eid, channel), enforced by the partial unique index uq_esbmcp_chart_jobs_live.
    const [saved] = await sql<{ id: string }[]>`
      insert into esbmcp_scheduled_chart_jobs as j
        (eid, eventbrite_id, slack_channel_id, cadence, next_run_at, auto_stop_at, comparator_mode,
         locked_comparators, status, created_by)
      values (${event.eid}, ${link.eventbrite_id}, ${args.slack_channel_id}, ${args.cadence}, ${nextRunAt},
              ${autoStop}, ${locked.length ? "locked" : "auto"}, ${sql.json(locked)}, 'active', ${caller.userId})
      on conflict (eid, slack_channel_id) where status in ('active', 'paused') do update
      set eventbrite_id = excluded.eventbrite_id, cadence = excluded.cadence,
          next_run_at = least(coalesce(j.next_run_at, excluded.next_run_at), excluded.next_run_at),
          auto_stop_at = excluded.auto_stop_at, comparator_mode = excluded.comparator_mode,
          locked_comparators = excluded.locked_comparators, status = 'active', updated_at = now()
      returning j.id`;
    if (!saved) throw new Error("schedule upsert returned no row");
    const [schedule] = await schedulesWhere(sql, sql`j.id = ${saved.id}`, 1);
    if (!schedule) throw new Error("saved schedule not found");
    return {
      action: previous ? "updated" : "created",
      previous_status: previous?.status ?? null,
      schedule,
      interval_days: cadenceIntervalDays(event.startsAt, args.cadence, link.now),
    };
  },
  format(r) {
    const s = r.schedule;
    const verb = r.action === "created" ? "Scheduled" : `Updated the ${r.previous_status} schedule:`;
    const comparators =
      s.comparator_mode === "locked"
        ? `compared with ${s.comparator_eids.join(", ")}`
        : "comparators from the stored ranking";
    return [
      `${verb} ${s.eid} ticket-pace chart to ${s.slack_channel_id}, ${s.cadence} (every ${r.interval_days} day(s) now), ${comparators}.`,
      `Next post ${utc(s.next_run_at)}; posts stop ${utc(s.auto_stop_at)}. Schedule id ${s.id}.`,
    ].join("\n");
  },
});

// ---------------------------------------------------------------------------------------------------
// get_chart_schedule

const listInput = z.strictObject({
  eid: eid().optional(),
  status: z.enum(SCHEDULE_STATUSES).optional().describe("Only schedules with this status"),
});

export interface ChartScheduleListResult {
  filter: { eid: string | null; status: ScheduleStatus | null };
  /** Live (active, paused) first, then by next run. */
  schedules: ChartSchedule[];
  truncated: boolean;
}

export const getChartSchedule = defineTool({
  name: "get_chart_schedule",
  domain: "eventbrite-charts",
  title: "Chart autopost schedules",
  description:
    "List ticket-pace chart autopost schedules (up to 25), optionally for one eid and/or one status (active, " +
    "paused, completed, error, cancelled): channel, cadence, status, next and last run, when posts stop, " +
    "comparators, the last ticket count and pace posted, failed tries and the last error. Use it for 'is AB4125's " +
    "chart scheduled?'; get_chart_history shows what was posted.",
  input: listInput,
  policy: { roles: ROLES_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<ChartScheduleListResult> {
    const event = args.eid === undefined ? null : await eventByEid(sql, args.eid);
    const byEid = event ? sql`j.eid = ${event.eid}` : sql`true`;
    const byStatus = args.status ? sql`j.status = ${args.status}` : sql`true`;
    const shown = Math.min(SCHEDULES_LISTED, rowCap);
    const rows = await schedulesWhere(sql, sql`${byEid} and ${byStatus}`, shown + 1);
    const cut = capped(rows, shown);
    return {
      filter: { eid: event?.eid ?? null, status: args.status ?? null },
      schedules: cut.rows,
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = [r.filter.eid, r.filter.status].filter(Boolean).join(", ");
    if (!r.schedules.length) return `No chart schedules${what ? ` (${what})` : ""}.`;
    return [
      `Chart schedules${what ? ` (${what})` : ""}: ${r.schedules.length}`,
      ...r.schedules.map(scheduleLine),
      ...truncationNote(r.truncated, r.schedules.length),
    ].join("\n");
  },
});

// ---------------------------------------------------------------------------------------------------
// update_chart_schedule

const ACTIONS = ["pause", "resume", "run_now", "cancel"] as const;
type Action = (typeof ACTIONS)[number];

const updateInput = z.strictObject({
  eid: eid(),
  action: z
    .enum(ACTIONS)
    .describe(
      "pause (stop posting for now), resume (start again and post now), run_now (post now), cancel (stop for good)",
    ),
});

/** Which live statuses an action applies to, and what to say when none of the event's schedules fit. */
const ACTION_RULES: Record<Action, { from: readonly ScheduleStatus[]; refusal: string }> = {
  pause: { from: ["active"], refusal: "is already paused; resume starts it again" },
  resume: { from: ["paused"], refusal: "is already active, not paused; run_now posts at once" },
  run_now: { from: ["active"], refusal: "is paused; resume starts it again and posts at once" },
  cancel: { from: ["active", "paused"], refusal: "is not live" },
};

export interface UpdateChartScheduleResult {
  eid: string;
  action: Action;
  /** The schedules changed, as they are now. */
  changed: ChartSchedule[];
  /** Live schedules of the event the action did not apply to. */
  unchanged: { id: string; slack_channel_id: string; status: ScheduleStatus }[];
  note: string | null;
}

const POST_SOON =
  "The worker posts it on its next check (every WORKER_POLL_MS, 30 s by default); get_chart_history shows the outcome.";

export const updateChartSchedule = defineTool({
  name: "update_chart_schedule",
  domain: "eventbrite-charts",
  title: "Pause, resume, post now or cancel chart posts",
  description:
    "Change an event's live chart autopost schedule(s): action pause (active → paused), resume (paused → active, " +
    "and post at once), run_now (post at once, then carry on as scheduled) or cancel (stop for good). Acts on " +
    "every active or paused schedule of the eid that the action applies to; an action that fits none of them (e.g. " +
    "resume when already active) is refused with the reason. To change the cadence or comparators call " +
    "schedule_chart_autopost again.",
  input: updateInput,
  policy: { roles: ROLES_WRITE, risk: "medium", writes: true, maxCallsPerRequest: 2 },
  async handler(args, { sql }): Promise<UpdateChartScheduleResult> {
    const event = await eventByEid(sql, args.eid);
    const live = await sql<{ id: string; slack_channel_id: string; status: ScheduleStatus }[]>`
      select id, slack_channel_id, status from esbmcp_scheduled_chart_jobs
      where eid = ${event.eid} and status in ('active', 'paused')
      order by created_at, id
      for update`;
    if (!live.length) {
      throw notFound(
        `${event.eid} has no active or paused chart schedule (schedule_chart_autopost creates one; get_chart_schedule lists past ones).`,
      );
    }
    const rule = ACTION_RULES[args.action];
    const targets = live.filter((j) => rule.from.includes(j.status));
    if (!targets.length) {
      const channels = live.map((j) => j.slack_channel_id).join(", ");
      throw new ToolError(
        "INVALID_ARGUMENT",
        `Cannot ${args.action.replace("_", " ")}: ${event.eid}'s schedule (${channels}) ${rule.refusal}.`,
      );
    }
    const ids = targets.map((j) => j.id);
    const change = {
      pause: sql`status = 'paused'`,
      resume: sql`status = 'active', next_run_at = now()`,
      run_now: sql`next_run_at = now()`,
      cancel: sql`status = 'cancelled'`,
    }[args.action];
    await sql`update esbmcp_scheduled_chart_jobs set ${change}, updated_at = now() where id in ${sql(ids)}`;
    const changed = await schedulesWhere(sql, sql`j.id in ${sql(ids)}`, ids.length);
    return {
      eid: event.eid,
      action: args.action,
      changed,
      unchanged: live.filter((j) => !ids.includes(j.id)),
      note: args.action === "resume" || args.action === "run_now" ? POST_SOON : null,
    };
  },
  format(r) {
    const done = { pause: "Paused", resume: "Resumed", run_now: "Posting now", cancel: "Cancelled" }[
      r.action
    ];
    return [
      `${done}: ${r.eid} chart schedule(s) for ${r.changed.map((s) => s.slack_channel_id).join(", ")}.`,
      ...r.unchanged.map((u) => `Left as ${u.status}: ${u.slack_channel_id}.`),
      ...(r.note ? [r.note] : []),
    ].join("\n");
  },
});
