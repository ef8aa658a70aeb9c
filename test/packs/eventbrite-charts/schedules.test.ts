import { beforeAll, describe, expect, it } from "vitest";
import {
  type ChartHistoryResult,
  type ChartSchedulerStatusResult,
  getChartHistory,
  getChartSchedulerStatus,
} from "../../../src/packs/eventbrite-charts/schedule-log.ts";
import {
  type ChartScheduleListResult,
  getChartSchedule,
  type ScheduleAutopostResult,
  scheduleChartAutopost,
  type UpdateChartScheduleResult,
  updateChartSchedule,
} from "../../../src/packs/eventbrite-charts/schedules.ts";
import { computeNextRun } from "../../../src/worker/index.ts";
import { keepChartedShowsAhead, useTestDatabase } from "../../helpers/db.ts";
import { OPS_CALLER, refusalOf, runReadTool, runWriteTool } from "../../helpers/tools.ts";

const db = useTestDatabase();
const DAY = 86_400_000;

const schedule = (args: Record<string, unknown>) =>
  runWriteTool<ScheduleAutopostResult>(db.sql, scheduleChartAutopost, args);
const update = (eid: string, action: string) =>
  runWriteTool<UpdateChartScheduleResult>(db.sql, updateChartSchedule, { eid, action });

async function dbNow(): Promise<Date> {
  const [row] = await db.sql<{ now: Date }[]>`select now() as now`;
  return row?.now ?? new Date();
}

async function startOf(eid: string): Promise<Date> {
  const [row] = await db.sql<
    { start: Date }[]
  >`select event_start_datetime as start from events where eid = ${eid}`;
  if (!row) throw new Error(`no event ${eid}`);
  return row.start;
}

let comparators: string[] = [];
let pastEid = "";

beforeAll(async () => {
  await keepChartedShowsAhead(db.sql);
  const earlier = await db.sql<{ eid: string }[]>`
    select eid from events
    where eid not in ('AB4125', 'AB4130') and nullif(eventbrite_id, '') is not null
      and event_start_datetime < now() - interval '3 days'
    order by event_start_datetime desc limit 3`;
  comparators = earlier.map((r) => r.eid);
  pastEid = comparators[0] ?? "";
  expect(comparators).toHaveLength(3);
});

describe("schedule_chart_autopost", () => {
  it("creates an active schedule: auto cadence, next run at 10:00 UTC, stops two days after the start", async () => {
    const before = await dbNow();
    const result = await schedule({ eid: "ab4125", slack_channel_id: "C0SCHEDULE1" });
    const start = await startOf("AB4125");
    expect(result.action).toBe("created");
    expect(result.schedule).toMatchObject({
      eid: "AB4125",
      slack_channel_id: "C0SCHEDULE1",
      cadence: "auto",
      status: "active",
      comparator_mode: "auto",
      comparator_eids: [],
      created_by: OPS_CALLER.userId,
      fail_count: 0,
      auto_stop_at: new Date(start.getTime() + 2 * DAY).toISOString(),
      next_run_at: computeNextRun(start, "auto", before).toISOString(),
    });
    expect(result.interval_days).toBe(2); // 18 days away
    expect(result.schedule.next_run_at).toMatch(/T10:00:00\.000Z$/);
    const [row] = await db.sql<{ eventbrite_id: string; expected: string }[]>`
      select j.eventbrite_id, e.eventbrite_id as expected
      from esbmcp_scheduled_chart_jobs j join events e on e.eid = j.eid where j.id = ${result.schedule.id}`;
    expect(row?.eventbrite_id).toBe(row?.expected);
    expect(scheduleChartAutopost.format(result)).toContain("Next post");
  });

  it("updates the one live schedule of an event and channel instead of adding another", async () => {
    const first = await schedule({ eid: "AB4130", slack_channel_id: "C0SCHEDULE2", cadence: "weekly" });
    const second = await schedule({
      eid: "AB4130",
      slack_channel_id: "C0SCHEDULE2",
      cadence: "daily",
      comparator_eids: comparators.slice(0, 2),
    });
    expect(second.action).toBe("updated");
    expect(second.previous_status).toBe("active");
    expect(second.schedule.id).toBe(first.schedule.id);
    expect(second.schedule).toMatchObject({
      cadence: "daily",
      comparator_mode: "locked",
      comparator_eids: comparators.slice(0, 2),
    });
    // The sooner of the two next runs is kept: daily comes before weekly.
    expect(Date.parse(second.schedule.next_run_at ?? "")).toBeLessThan(
      Date.parse(first.schedule.next_run_at ?? ""),
    );
    const [stored] = await db.sql<{ n: number; kind: string }[]>`
      select count(*)::int as n, max(jsonb_typeof(locked_comparators)) as kind from esbmcp_scheduled_chart_jobs
      where eid = 'AB4130' and slack_channel_id = 'C0SCHEDULE2' and status in ('active', 'paused')`;
    expect(stored).toEqual({ n: 1, kind: "array" });

    // Another channel is another schedule.
    const other = await schedule({ eid: "AB4130", slack_channel_id: "G0SCHEDULE3" });
    expect(other.action).toBe("created");
    expect(other.schedule.id).not.toBe(first.schedule.id);
  });

  it("without comparator_eids, locks the comparators chosen for the event (set_chart_comparators)", async () => {
    await db.sql`
      insert into arthur_chart_comparator_locks (eid, comparator_eids, set_by)
      values ('AB4130', ${comparators.slice(1, 3)}, 'someone')`;
    try {
      const result = await schedule({ eid: "AB4130", slack_channel_id: "C0CHOSEN001" });
      expect(result.schedule).toMatchObject({
        comparator_mode: "locked",
        comparator_eids: comparators.slice(1, 3),
      });
    } finally {
      await db.sql`delete from arthur_chart_comparator_locks where eid = 'AB4130'`;
    }
  });

  it("validates the channel id and the comparator list", () => {
    /** The validation messages for these arguments (empty when they are valid). */
    const problems = (args: Record<string, unknown>) => {
      const parsed = scheduleChartAutopost.input.safeParse({ eid: "AB4125", ...args });
      return parsed.success
        ? ""
        : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    };
    expect(problems({ slack_channel_id: "#general" })).toContain(
      'slack_channel_id: must be a Slack channel id such as "C0123456789"',
    );
    expect(problems({ slack_channel_id: "c0123456789" })).toContain("Slack channel id");
    expect(problems({ slack_channel_id: "C0123" })).toContain("Slack channel id");
    expect(problems({ slack_channel_id: "X0123456789" })).toContain("Slack channel id");
    expect(problems({ slack_channel_id: "D0123456789" })).toBe("");
    expect(problems({ slack_channel_id: "C0123456789", comparator_eids: { a: "AB4001" } })).toContain(
      "comparator_eids",
    );
    expect(problems({ slack_channel_id: "C0123456789", comparator_eids: "AB4001" })).toContain(
      "comparator_eids",
    );
    const six = ["AB4001", "AB4002", "AB4003", "AB4004", "AB4005", "AB4006"];
    expect(problems({ slack_channel_id: "C0123456789", comparator_eids: six })).toContain("at most 5");
    expect(problems({ slack_channel_id: "C0123456789", comparator_eids: ["AB4001", "ab4001"] })).toContain(
      "twice",
    );
    expect(problems({ slack_channel_id: "C0123456789", comparator_eids: ["AB4001", "Toronto"] })).toContain(
      "comparator_eids.1",
    );
    expect(problems({ slack_channel_id: "C0123456789", cadence: "hourly" })).toContain("cadence");
    const parsed = scheduleChartAutopost.input.parse({
      eid: "AB4125",
      slack_channel_id: " C0123456789 ",
      comparator_eids: ["ab4001"],
    });
    expect(parsed).toMatchObject({
      slack_channel_id: "C0123456789",
      comparator_eids: ["AB4001"],
      cadence: "auto",
    });
  });

  it("refuses unknown comparators by name, the event itself, unlinked and finished events", async () => {
    const unknown = await refusalOf(
      schedule({
        eid: "AB4125",
        slack_channel_id: "C0REFUSED01",
        comparator_eids: [comparators[0], "AB9998", "AB9997"],
      }),
    );
    expect(unknown.code).toBe("INVALID_ARGUMENT");
    expect(unknown.message).toContain("AB9998, AB9997");
    expect(unknown.details).toEqual({ unknown_comparator_eids: ["AB9998", "AB9997"] });

    const self = await refusalOf(
      schedule({ eid: "AB4125", slack_channel_id: "C0REFUSED01", comparator_eids: ["AB4125"] }),
    );
    expect(self.message).toContain("AB4125 itself");

    const unlinked = await refusalOf(schedule({ eid: "AB4098", slack_channel_id: "C0REFUSED01" }));
    expect(unlinked.code).toBe("INVALID_ARGUMENT");
    expect(unlinked.message).toContain("no Eventbrite id");

    const over = await refusalOf(schedule({ eid: pastEid, slack_channel_id: "C0REFUSED01" }));
    expect(over.code).toBe("INVALID_ARGUMENT");
    expect(over.message).toContain("is over");

    expect((await refusalOf(schedule({ eid: "AB9999", slack_channel_id: "C0REFUSED01" }))).code).toBe(
      "NOT_FOUND",
    );
    const [left] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_scheduled_chart_jobs where slack_channel_id = 'C0REFUSED01'`;
    expect(left?.n).toBe(0);
  });
});

describe("update_chart_schedule", () => {
  it("pauses, resumes (which the original could not), posts now and cancels, refusing what does not apply", async () => {
    const created = await schedule({ eid: "AB4125", slack_channel_id: "C0ACTIONS01", cadence: "weekly" });
    const id = created.schedule.id;
    // AB4125 has a second live schedule (C0SCHEDULE1) from the first test; both follow the actions.

    const paused = await update("AB4125", "pause");
    expect(paused.changed.map((s) => s.status)).toEqual(["paused", "paused"]);
    const again = await refusalOf(update("AB4125", "pause"));
    expect(again.code).toBe("INVALID_ARGUMENT");
    expect(again.message).toContain("already paused");
    expect((await refusalOf(update("AB4125", "run_now"))).message).toContain("is paused");

    const resumed = await update("AB4125", "resume");
    const now = await dbNow();
    const mine = resumed.changed.find((s) => s.id === id);
    expect(mine?.status).toBe("active");
    expect(Math.abs(Date.parse(mine?.next_run_at ?? "") - now.getTime())).toBeLessThan(5_000);
    expect(resumed.note).toContain("next check");
    expect((await refusalOf(update("AB4125", "resume"))).message).toContain("already active");

    await db.sql`update esbmcp_scheduled_chart_jobs set next_run_at = now() + interval '5 days' where id = ${id}`;
    const ran = await update("AB4125", "run_now");
    expect(Date.parse(ran.changed.find((s) => s.id === id)?.next_run_at ?? "")).toBeLessThanOrEqual(
      (await dbNow()).getTime(),
    );

    const cancelled = await update("AB4125", "cancel");
    expect(cancelled.changed.map((s) => s.status)).toEqual(["cancelled", "cancelled"]);
    const gone = await refusalOf(update("AB4125", "pause"));
    expect(gone.code).toBe("NOT_FOUND");
    expect(gone.message).toContain("no active or paused chart schedule");

    // Cancelled schedules do not block a new one for the same channel.
    const fresh = await schedule({ eid: "AB4125", slack_channel_id: "C0ACTIONS01" });
    expect(fresh.action).toBe("created");
    expect(fresh.schedule.id).not.toBe(id);
  });

  it("acts only on the schedules an action applies to and reactivates a paused one when rescheduled", async () => {
    const a = await schedule({ eid: "AB4130", slack_channel_id: "C0PARTIAL01" });
    await db.sql`update esbmcp_scheduled_chart_jobs set status = 'paused' where id = ${a.schedule.id}`;
    const resumed = await update("AB4130", "resume");
    expect(resumed.changed.map((s) => s.id)).toEqual([a.schedule.id]);
    expect(resumed.unchanged.length).toBeGreaterThan(0);
    expect(resumed.unchanged.every((u) => u.status === "active")).toBe(true);

    await update("AB4130", "pause");
    const again = await schedule({ eid: "AB4130", slack_channel_id: "C0PARTIAL01" });
    expect(again).toMatchObject({ action: "updated", previous_status: "paused" });
    expect(again.schedule.status).toBe("active");
  });

  it("refuses an unknown event and an unknown action", async () => {
    expect((await refusalOf(update("AB9999", "pause"))).code).toBe("NOT_FOUND");
    expect(() => updateChartSchedule.input.parse({ eid: "AB4125", action: "delete" })).toThrow();
  });
});

describe("get_chart_schedule", () => {
  it("lists an event's schedules, live first, filtered by status", async () => {
    const all = await runReadTool<ChartScheduleListResult>(db.sql, getChartSchedule, { eid: "AB4130" });
    expect(all.schedules.length).toBeGreaterThanOrEqual(3);
    expect(all.schedules.every((s) => s.eid === "AB4130")).toBe(true);
    const live = all.schedules.map((s) => ["active", "paused"].includes(s.status));
    expect(live).toEqual([...live].sort((x, y) => Number(y) - Number(x)));

    const cancelled = await runReadTool<ChartScheduleListResult>(db.sql, getChartSchedule, {
      status: "cancelled",
    });
    expect(cancelled.schedules.length).toBeGreaterThanOrEqual(2);
    expect(cancelled.schedules.every((s) => s.status === "cancelled")).toBe(true);
    expect(getChartSchedule.format(cancelled)).toContain("cancelled");

    expect((await refusalOf(runReadTool(db.sql, getChartSchedule, { eid: "AB9999" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("lists at most 25 schedules and says when it cut the list", async () => {
    await db.sql`
      insert into esbmcp_scheduled_chart_jobs (eid, eventbrite_id, slack_channel_id, status, next_run_at)
      select 'AB4001', 'x', 'C0BULK' || lpad(i::text, 5, '0'), 'completed', null from generate_series(1, 30) i`;
    const result = await runReadTool<ChartScheduleListResult>(db.sql, getChartSchedule, { eid: "AB4001" });
    expect(result.schedules).toHaveLength(25);
    expect(result.truncated).toBe(true);
  });
});

describe("get_chart_history and get_chart_scheduler_status", () => {
  let jobId = "";

  beforeAll(async () => {
    const [job] = await db.sql<{ id: string }[]>`
      insert into esbmcp_scheduled_chart_jobs (eid, eventbrite_id, slack_channel_id, cadence, next_run_at, auto_stop_at, fail_count, last_error)
      values ('AB4124', 'x', 'C0HISTORY01', 'daily', now() - interval '20 minutes', now() + interval '10 days', 2, 'Slack files.uploadV2 failed: internal_error')
      returning id`;
    jobId = job?.id ?? "";
    await db.sql`
      insert into esbmcp_chart_posts_log
        (job_id, eid, slot_key, source, skipped, skip_reason, posted_at, slack_file_id, ticket_count, pace_per_day,
         days_until_event, comparators_used, created_at, error_message)
      values
        (${jobId}, 'AB4124', '2026-01-01T10:00Z', 'scheduler', false, null, now() - interval '50 hours', 'F0POSTED1', 80, 3.5, 20, '["AB4001"]', now() - interval '50 hours', null),
        (${jobId}, 'AB4124', '2026-01-02T10:00Z', 'scheduler', true, 'no_change', null, null, 82, 3.6, 19, '[]', now() - interval '3 hours', null),
        (${jobId}, 'AB4124', '2026-01-03T10:00Z', 'scheduler', true, 'error', null, null, null, null, null, '[]', now() - interval '2 hours', 'Slack files.uploadV2 failed: not_in_channel'),
        (null, 'AB4124', null, 'chat', false, null, null, null, 90, 4, 18, '[]', now() - interval '1 hour', null),
        (${jobId}, 'AB4124', '2026-01-04T10:00Z', 'scheduler', false, null, null, null, null, null, null, '[]', now() - interval '1 minute', 'attempt failed: internal_error')`;
  });

  it("get_chart_history: posts, skips, chat charts and pending slots, newest first", async () => {
    const result = await runReadTool<ChartHistoryResult>(db.sql, getChartHistory, { eid: "AB4124" });
    expect(result.entries.map((e) => e.outcome)).toEqual([
      "pending",
      "generated",
      "skipped",
      "skipped",
      "posted",
    ]);
    expect(result.counts).toMatchObject({ posted: 1, skipped: 2, errors: 1, generated: 1, pending: 1 });
    expect(result.counts.skipped_by_reason).toEqual({ no_change: 1, error: 1 });
    const posted = result.entries.at(-1);
    expect(posted).toMatchObject({
      source: "scheduler",
      slack_channel_id: "C0HISTORY01",
      slack_file_id: "F0POSTED1",
      ticket_count: 80,
      pace_per_day: 3.5,
      comparators_used: ["AB4001"],
    });
    expect(result.entries[2]?.error_message).toContain("not_in_channel");
    const two = await runReadTool<ChartHistoryResult>(db.sql, getChartHistory, { eid: "AB4124", limit: 2 });
    expect(two.entries).toHaveLength(2);
    expect(two.truncated).toBe(true);
    expect(getChartHistory.format(result)).toContain("1 posted");
    expect(() => getChartHistory.input.parse({ eid: "AB4124", limit: 51 })).toThrow();
  });

  it("get_chart_scheduler_status: active schedules, what is due, counts in the window, worker health", async () => {
    const result = await runReadTool<ChartSchedulerStatusResult>(db.sql, getChartSchedulerStatus, {
      hours_back: 24,
    });
    expect(result.window.hours).toBe(24);
    expect(result.active.every((s) => s.status === "active")).toBe(true);
    expect(result.active.map((s) => s.id)).toContain(jobId);
    expect(result.schedules_by_status.active).toBe(result.active.length);
    expect(result.due_now).toBeGreaterThanOrEqual(1);
    expect(result.failing).toBeGreaterThanOrEqual(1);
    // In the window: the no_change and error skips, the chat chart and the pending slot (the post is 50 h old).
    expect(result.counts).toMatchObject({ posted: 0, skipped: 2, errors: 1, generated: 1, pending: 1 });
    expect(result.recent).toHaveLength(4);
    // No worker has ever run on this database, and a schedule is 20 minutes overdue.
    expect(result.worker).toMatchObject({ installed: false, workers_alive: 0 });
    expect(result.warnings.join(" ")).toContain("no worker is running");

    const wider = await runReadTool<ChartSchedulerStatusResult>(db.sql, getChartSchedulerStatus, {
      hours_back: 72,
    });
    expect(wider.counts.posted).toBe(1);
    const capped = await runReadTool<ChartSchedulerStatusResult>(
      db.sql,
      getChartSchedulerStatus,
      { hours_back: 72 },
      OPS_CALLER,
      1,
    );
    expect(capped.active).toHaveLength(1);
    expect(capped.active_truncated).toBe(true);
    expect(getChartSchedulerStatus.format(result)).toContain("WARNING");
  });
});
