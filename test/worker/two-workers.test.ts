import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slotKey } from "../../src/worker/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";
import { cleanEnv, type LongRunning, startArthur } from "../helpers/process.ts";

const db = useTestDatabase();
let fake: FakeSlack;
const workers: LongRunning[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  await fake?.close();
});

interface SlotRow {
  slot_key: string;
  posted_at: Date | null;
  skipped: boolean;
  skip_reason: string | null;
  slack_file_id: string | null;
  ticket_count: number | null;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out; worker output:\n${workers.map((w) => w.output()).join("\n---\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("two `arthur worker` processes on one database", () => {
  it("post a due schedule's slot exactly once, then stop cleanly on SIGTERM", {
    timeout: 150_000,
  }, async () => {
    // Due one minute ago, before either worker exists: both dispatch it on their first pass.
    const [schedule] = await db.sql<{ id: string; next_run_at: Date }[]>`
      insert into esbmcp_scheduled_chart_jobs
        (eid, eventbrite_id, slack_channel_id, cadence, next_run_at, auto_stop_at, created_by)
      select eid, eventbrite_id, 'C0TWOWORKER', 'daily', date_trunc('minute', now()) - interval '1 minute',
             now() + interval '10 days', 'test'
      from events where eid = 'AB4125'
      returning id, next_run_at`;
    if (!schedule) throw new Error("schedule insert failed");
    const slot = slotKey(schedule.next_run_at);

    const env = cleanEnv({
      DATABASE_URL: db.url,
      SLACK_BOT_TOKEN: fake.token,
      SLACK_API_URL: fake.apiUrl,
      WORKER_POLL_MS: "300",
      LOG_LEVEL: "warn",
    });
    workers.push(startArthur(["worker"], env), startArthur(["worker"], env));
    for (const w of workers) await w.waitFor(/^Arthur worker running: chart autoposts/, 90_000);

    const posted = await eventually(async () => {
      const rows = await db.sql<SlotRow[]>`
        select slot_key, posted_at, skipped, skip_reason, slack_file_id, ticket_count
        from esbmcp_chart_posts_log where job_id = ${schedule.id}`;
      return rows.some((r) => r.posted_at) ? rows : undefined;
    }, 60_000);
    // Let both workers run several more dispatch passes over the same (now moved-on) schedule.
    await new Promise((r) => setTimeout(r, 3000));

    const rows = await db.sql<SlotRow[]>`
      select slot_key, posted_at, skipped, skip_reason, slack_file_id, ticket_count
      from esbmcp_chart_posts_log where job_id = ${schedule.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      slot_key: slot,
      skipped: false,
      slack_file_id: posted[0]?.slack_file_id,
    });
    expect(rows[0]?.ticket_count).toBeGreaterThan(0);
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(1);
    expect(fake.callsTo("files.completeUploadExternal")).toHaveLength(1);
    const [upload] = fake.uploads;
    expect(upload?.channel).toBe("C0TWOWORKER");
    expect(upload?.bytes?.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a"); // a real PNG
    expect(upload?.initialComment).toMatch(/^\*AB4125\* .+\nTickets: \*\d+\* · Pace: \*[\d.]+\/day\*/);

    const [after] = await db.sql<{ status: string; last_status: string; next_run_at: Date }[]>`
      select status, last_status, next_run_at from esbmcp_scheduled_chart_jobs where id = ${schedule.id}`;
    expect(after).toMatchObject({ status: "active", last_status: "posted" });
    expect(after?.next_run_at.getTime()).toBeGreaterThan(Date.now());

    for (const w of workers) w.child.kill("SIGTERM");
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes).toEqual([0, 0]);
  });
});
