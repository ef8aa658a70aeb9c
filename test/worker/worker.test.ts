import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import type { Sql } from "../../src/db/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import type { BuiltPaceChart } from "../../src/packs/eventbrite-charts/chart.ts";
import {
  type ChartSchedulerStatusResult,
  getChartSchedulerStatus,
} from "../../src/packs/eventbrite-charts/schedule-log.ts";
import { createSlackClient } from "../../src/slack/index.ts";
import {
  type ChartBuilder,
  computeNextRun,
  type RunningWorker,
  runRetention,
  slotKey,
  startWorker,
} from "../../src/worker/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";
import { runReadTool } from "../helpers/tools.ts";

const db = useTestDatabase();
const logger = createLogger("silent");
const POLL_MS = 200;

function testConfig() {
  return loadConfig(
    { DATABASE_URL: db.url, WORKER_POLL_MS: String(POLL_MS), LOG_LEVEL: "warn" },
    { dotEnvPath: null },
  );
}

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(4096, 7),
]);

/** A chart as buildPaceChart returns it, without rendering anything. */
function fakeChart(eid: string, overrides: Partial<BuiltPaceChart> = {}): BuiltPaceChart {
  return {
    eid,
    eventName: "Art Battle Test City",
    city: "Test City",
    eventStart: new Date(Date.now() + 20 * 86_400_000),
    ticketCount: 120,
    revenue: "2400.00",
    currency: "USD",
    pacePerDay: 3.5,
    daysUntilEvent: 20,
    comparators: ["AB4001"],
    comparatorsSkipped: [],
    payloadHash: createHash("sha256").update(`${eid}:120`).digest("hex"),
    contentKey: createHash("sha256").update(`${eid}:120:today`).digest("hex"),
    chart: { title: eid, series: [], todayDaysBefore: 20 },
    png: PNG,
    width: 1000,
    height: 600,
    renderMs: 42,
    ...overrides,
  };
}

/** What the worker's chart builder does in the current test. */
let builder: ChartBuilder = async (_sql, { eid }) => fakeChart(eid);

interface JobRow {
  id: string;
  status: string;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_status: string | null;
  last_error: string | null;
  fail_count: number;
  last_ticket_count: number | null;
  last_pace_per_day: string | null;
}

interface LogRow {
  slot_key: string;
  source: string;
  skipped: boolean;
  skip_reason: string | null;
  posted_at: Date | null;
  slack_file_id: string | null;
  ticket_count: number | null;
  pace_per_day: string | null;
  payload_hash: string | null;
  error_message: string | null;
}

async function addSchedule(
  sql: Sql,
  channel: string,
  extra: {
    dueAgoMinutes?: number;
    status?: string;
    lastTickets?: number;
    lastPace?: number;
    stopInDays?: number;
  } = {},
): Promise<{ id: string; dueAt: Date }> {
  const [row] = await sql<{ id: string; next_run_at: Date }[]>`
    insert into esbmcp_scheduled_chart_jobs
      (eid, eventbrite_id, slack_channel_id, cadence, next_run_at, auto_stop_at, status, last_ticket_count, last_pace_per_day)
    values ('AB4125', 'eb-test', ${channel}, 'daily',
            date_trunc('minute', now()) - make_interval(mins => ${extra.dueAgoMinutes ?? 1}),
            now() + make_interval(days => ${extra.stopInDays ?? 10}), ${extra.status ?? "active"},
            ${extra.lastTickets ?? null}, ${extra.lastPace ?? null})
    returning id, next_run_at`;
  if (!row) throw new Error("insert failed");
  return { id: row.id, dueAt: row.next_run_at };
}

async function job(id: string): Promise<JobRow> {
  const [row] = await db.sql<JobRow[]>`
    select id, status, next_run_at, last_run_at, last_status, last_error, fail_count, last_ticket_count,
           last_pace_per_day::text from esbmcp_scheduled_chart_jobs where id = ${id}`;
  if (!row) throw new Error(`no schedule ${id}`);
  return row;
}

async function logRows(jobId: string): Promise<LogRow[]> {
  return db.sql<LogRow[]>`
    select slot_key, source, skipped, skip_reason, posted_at, slack_file_id, ticket_count, pace_per_day::text,
           payload_hash, error_message
    from esbmcp_chart_posts_log where job_id = ${jobId} order by created_at`;
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for the worker");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dbNow = async () => (await db.sql<{ now: Date }[]>`select now() as now`)[0]?.now ?? new Date();

describe("without a Slack token", () => {
  it("leaves due schedules alone and still completes those past their auto-stop", async () => {
    const worker = await startWorker({
      sql: db.sql,
      databaseUrl: db.url,
      config: testConfig(),
      logger,
      slack: null,
    });
    try {
      const due = await addSchedule(db.sql, "C0NOSLACK01");
      const expired = await addSchedule(db.sql, "C0NOSLACK02", { stopInDays: -1 });
      expect(worker.description).toContain("SLACK_BOT_TOKEN");
      expect(await worker.dispatch()).toBe(0);
      expect(await job(due.id)).toMatchObject({
        status: "active",
        next_run_at: due.dueAt,
        last_status: null,
      });
      expect(await logRows(due.id)).toEqual([]);
      expect((await job(expired.id)).status).toBe("completed");
      await db.sql`update esbmcp_scheduled_chart_jobs set status = 'cancelled' where id = ${due.id}`;
    } finally {
      await worker.stop();
    }
  });
});

describe("with Slack", () => {
  let fake: FakeSlack;
  let worker: RunningWorker;

  beforeAll(async () => {
    fake = await startFakeSlack({ channels: { C0NOTMEMBER: "not_member" } });
    worker = await startWorker({
      sql: db.sql,
      databaseUrl: db.url,
      config: testConfig(),
      logger,
      slack: createSlackClient({ token: fake.token, apiUrl: fake.apiUrl, retries: 0 }),
      buildChart: (sql, options) => builder(sql, options),
      retry: { limit: 2, delaySeconds: 1, backoff: false },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    builder = async (_sql, { eid }) => fakeChart(eid);
  });

  it("posts a due schedule once: one log row, one upload, and the schedule moves on", async () => {
    const { id, dueAt } = await addSchedule(db.sql, "C0WORKER001");
    const [posted] = await eventually(async () => {
      const rows = await logRows(id);
      return rows[0]?.posted_at ? rows : undefined;
    });
    expect(posted).toMatchObject({
      slot_key: slotKey(dueAt),
      source: "scheduler",
      skipped: false,
      ticket_count: 120,
      pace_per_day: "3.50",
      error_message: null,
    });
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(1);
    expect(fake.callsTo("files.completeUploadExternal")).toHaveLength(1);
    const [upload] = fake.uploads;
    expect(posted?.slack_file_id).toBe(upload?.fileId);
    expect(upload?.bytes?.equals(PNG)).toBe(true);
    const now = await dbNow();
    expect(upload).toMatchObject({
      channel: "C0WORKER001",
      filename: `AB4125-ticket-pace-${now.toISOString().slice(0, 10)}.png`,
      title: "Ticket Pace: AB4125 — Art Battle Test City",
    });
    expect(upload?.initialComment).toBe(
      "*AB4125* Art Battle Test City\nTickets: *120* · Pace: *3.5/day* · *20 days* until event · vs AB4001",
    );

    const after = await job(id);
    const [event] = await db.sql<
      { start: Date }[]
    >`select event_start_datetime as start from events where eid = 'AB4125'`;
    expect(after).toMatchObject({
      status: "active",
      last_status: "posted",
      fail_count: 0,
      last_ticket_count: 120,
      last_pace_per_day: "3.50",
      last_error: null,
    });
    expect(after.next_run_at?.toISOString()).toBe(
      computeNextRun(event?.start ?? now, "daily", now).toISOString(),
    );

    // The same slot again (a duplicate dispatch, or run_now twice within a minute): nothing is posted twice.
    await db.sql`update esbmcp_scheduled_chart_jobs set next_run_at = ${dueAt} where id = ${id}`;
    await Promise.all([worker.dispatch(), worker.dispatch(), worker.dispatch()]);
    await eventually(async () => ((await job(id)).next_run_at?.getTime() ?? 0) > Date.now() || undefined);
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    expect(await logRows(id)).toHaveLength(1);
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(1);
  });

  it("retries a failed upload with the schedule still active, recording the failure meanwhile", async () => {
    fake.failNext("files.completeUploadExternal", { error: "internal_error", times: 1 });
    const { id } = await addSchedule(db.sql, "C0WORKER002");
    const seen: Pick<JobRow, "status" | "fail_count" | "last_status">[] = [];
    await eventually(async () => {
      const row = await job(id);
      seen.push({ status: row.status, fail_count: row.fail_count, last_status: row.last_status });
      return row.last_status === "posted" ? row : undefined;
    });
    expect(seen).toContainEqual({ status: "active", fail_count: 1, last_status: "retrying" });
    expect(seen.every((s) => s.status === "active")).toBe(true);
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(2);
    expect(fake.callsTo("files.completeUploadExternal")).toHaveLength(2);
    const rows = await logRows(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ skipped: false, error_message: null });
    expect((await job(id)).fail_count).toBe(0);
  });

  it("gives up on a slot after the last retry, never turning the schedule into 'error'", async () => {
    fake.failNext("files.completeUploadExternal", { error: "internal_error", times: 100 });
    const { id, dueAt } = await addSchedule(db.sql, "C0WORKER003");
    const failed = await eventually(async () => {
      const row = await job(id);
      return row.last_status === "failed" ? row : undefined;
    }, 45_000);
    expect(failed).toMatchObject({ status: "active", fail_count: 3 });
    expect(failed.last_error).toContain("internal_error");
    expect(failed.next_run_at?.getTime()).toBeGreaterThan(Date.now());
    expect(failed.next_run_at?.toISOString()).toMatch(/T10:00:00\.000Z$/);
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(3);
    expect(await logRows(id)).toMatchObject([
      { slot_key: slotKey(dueAt), skipped: true, skip_reason: "error", posted_at: null },
    ]);
    expect((await logRows(id))[0]?.error_message).toContain("internal_error");
  });

  it("stops at once on a permanent Slack error (the bot is not in the channel)", async () => {
    const { id } = await addSchedule(db.sql, "C0NOTMEMBER");
    const failed = await eventually(async () => {
      const row = await job(id);
      return row.last_status === "failed" ? row : undefined;
    });
    expect(failed).toMatchObject({ status: "active", fail_count: 1 });
    expect(failed.last_error).toContain("not_in_channel");
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(1);
  });

  it("skips without uploading when sales have not changed meaningfully (no_change)", async () => {
    // 125 tickets at 3.6/day against 120 at 3.5/day: +4 % tickets, +2.9 % pace.
    builder = async (_sql, { eid }) => fakeChart(eid, { ticketCount: 125, pacePerDay: 3.6 });
    const { id, dueAt } = await addSchedule(db.sql, "C0WORKER004", { lastTickets: 120, lastPace: 3.5 });
    const row = await eventually(async () => {
      const r = await job(id);
      return r.last_status ? r : undefined;
    });
    expect(row).toMatchObject({ status: "active", last_status: "skipped_no_change", last_ticket_count: 120 });
    expect(row.next_run_at?.getTime()).toBeGreaterThan(Date.now());
    expect(await logRows(id)).toMatchObject([
      {
        slot_key: slotKey(dueAt),
        skipped: true,
        skip_reason: "no_change",
        ticket_count: 125,
        posted_at: null,
      },
    ]);
    expect(fake.calls).toEqual([]);
  });

  it("skips an event with nothing to draw (no_data)", async () => {
    builder = async () => null;
    const { id } = await addSchedule(db.sql, "C0WORKER005");
    const row = await eventually(async () => {
      const r = await job(id);
      return r.last_status ? r : undefined;
    });
    expect(row.last_status).toBe("skipped_no_data");
    expect(await logRows(id)).toMatchObject([{ skipped: true, skip_reason: "no_data" }]);
    expect(fake.calls).toEqual([]);
  });

  it("skips a duplicate of this schedule's own earlier post, but not of a chart made in chat", async () => {
    const chart = fakeChart("AB4125", { payloadHash: "f".repeat(64) });
    builder = async () => chart;
    const own = await addSchedule(db.sql, "C0WORKER006", { status: "paused" });
    const chat = await addSchedule(db.sql, "C0WORKER007", { status: "paused" });
    await db.sql`
      insert into esbmcp_chart_posts_log (job_id, eid, slot_key, source, payload_hash, posted_at, slack_file_id)
      values (${own.id}, 'AB4125', '2026-01-01T10:00Z', 'scheduler', ${chart.payloadHash}, now() - interval '1 day', 'F0EARLIER'),
             (null, 'AB4125', null, 'chat', ${chart.payloadHash}, null, null)`;
    await db.sql`update esbmcp_scheduled_chart_jobs set status = 'active' where id in ${db.sql([own.id, chat.id])}`;
    const done = await eventually(async () => {
      const [a, b] = [await job(own.id), await job(chat.id)];
      return a.last_status && b.last_status ? [a, b] : undefined;
    });
    expect(done.map((r) => r.last_status)).toEqual(["skipped_duplicate_hash", "posted"]);
    expect(fake.uploads.map((u) => u.channel)).toEqual(["C0WORKER007"]);
  });

  it("abandons a slot whose schedule was paused while its retry waited", async () => {
    fake.failNext("files.completeUploadExternal", { error: "internal_error", times: 1 });
    const { id } = await addSchedule(db.sql, "C0WORKER009");
    await eventually(async () => ((await job(id)).last_status === "retrying" ? true : undefined));
    await db.sql`update esbmcp_scheduled_chart_jobs set status = 'paused' where id = ${id}`;
    const [row] = await eventually(async () => {
      const rows = await logRows(id);
      return rows[0]?.skipped ? rows : undefined;
    });
    expect(row).toMatchObject({
      skip_reason: "error",
      posted_at: null,
      error_message: "abandoned: the schedule is paused",
    });
    expect(fake.callsTo("files.completeUploadExternal")).toHaveLength(1);
  });

  it("is visible to get_chart_scheduler_status through pg-boss's tables", async () => {
    const status = await runReadTool<ChartSchedulerStatusResult>(db.sql, getChartSchedulerStatus, {
      hours_back: 24,
    });
    expect(status.worker.installed).toBe(true);
    expect(status.worker.workers_alive).toBeGreaterThanOrEqual(1);
    expect(status.worker.last_heartbeat_at).not.toBeNull();
    expect(status.counts.posted).toBeGreaterThanOrEqual(1);
    expect(status.warnings.filter((w) => w.includes("no worker"))).toEqual([]);
  });

  it("does not post paused schedules", async () => {
    const { id } = await addSchedule(db.sql, "C0WORKER008", { status: "paused" });
    await worker.dispatch();
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    expect(await logRows(id)).toEqual([]);
    expect((await job(id)).last_status).toBeNull();
  });

  it("registers the daily retention run once for the whole cluster", async () => {
    const schedules = await db.sql<{ name: string; cron: string; timezone: string }[]>`
      select name, cron, timezone from arthur_jobs.schedule`;
    expect(schedules).toEqual([{ name: "arthur-retention", cron: "15 3 * * *", timezone: "UTC" }]);
  });
});

describe("retention", () => {
  it("deletes esbmcp_ rows and stored images older than the window, keeping newer ones", async () => {
    await db.sql`
      insert into esbmcp_chart_posts_log (eid, source, created_at)
      values ('AB4125', 'chat', now() - interval '100 days'), ('AB4125', 'chat', now() - interval '10 days')`;
    const image = (age: string) => db.sql`
      insert into arthur_images (kind, eid, width, height, bytes, sha256, data, created_by, created_at)
      values ('chart', 'AB4125', 1, 1, 1, 'x', '\\x00'::bytea, 'test', now() - ${age}::interval)`;
    await image("100 days");
    await image("95 days");
    await image("1 day");
    await db.sql`
      insert into arthur_rate_limits (key, tat)
      values ('user:U-spent', now() - interval '1 minute'), ('user:U-busy', now() + interval '30 seconds')`;
    const [before] = await db.sql<{ old_logs: number; new_logs: number }[]>`
      select count(*) filter (where created_at < now() - interval '90 days')::int as old_logs,
             count(*) filter (where created_at >= now() - interval '90 days')::int as new_logs
      from esbmcp_chart_posts_log`;

    const result = await runRetention(db.sql, 90);
    expect(result.retentionDays).toBe(90);
    expect(result.images).toBe(2);
    expect(result.esbmcp.deleted?.esbmcp_chart_posts_log).toBe(before?.old_logs);
    const [after] = await db.sql<{ old_logs: number; new_logs: number; images: number }[]>`
      select count(*) filter (where created_at < now() - interval '90 days')::int as old_logs,
             count(*) filter (where created_at >= now() - interval '90 days')::int as new_logs,
             (select count(*)::int from arthur_images) as images
      from esbmcp_chart_posts_log`;
    expect(after).toEqual({ old_logs: 0, new_logs: before?.new_logs, images: 1 });
    // Spent rate-limit state goes; a key still inside its window stays.
    expect(result.rateLimits).toBe(1);
    const keys = await db.sql<
      { key: string }[]
    >`select key from arthur_rate_limits where key like 'user:U-%' order by key`;
    expect(keys.map((k) => k.key)).toEqual(["user:U-busy"]);
  });
});
