import { beforeAll, describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import type { EmailLogResult } from "../../../src/packs/platform-db-edge/email-log.ts";
import type { EmailQueueStatsResult } from "../../../src/packs/platform-db-edge/email-queue.ts";
import {
  getEmailLog,
  getEmailQueueStats,
  getSlackQueueHealth,
} from "../../../src/packs/platform-db-edge/index.ts";
import type { SlackQueueHealthResult } from "../../../src/packs/platform-db-edge/slack-queue.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const notFound = (e: unknown) => e instanceof ToolError && e.code === "NOT_FOUND";

describe("get_slack_queue_health", () => {
  const health = (rowCap = 200) =>
    runReadTool<SlackQueueHealthResult>(db.sql, getSlackQueueHealth, {}, undefined, rowCap);

  async function notification(
    status: string,
    minutesAgo: number,
    extra: { text?: string; error?: string } = {},
  ): Promise<string> {
    const [row] = await db.sql<{ id: string }[]>`
      insert into slack_notifications (channel_id, message_type, payload, status, attempts, sent_at, error, created_at)
      values ('C04OPSALERTS', 'general', ${db.sql.json({ text: extra.text ?? "AB4120 settings changed", channel: "#ops-alerts" })},
              ${status}, ${status === "failed" ? 3 : status === "sent" ? 1 : 0},
              ${status === "sent" ? db.sql`now() - make_interval(mins => ${minutesAgo}) + interval '30 seconds'` : null},
              ${extra.error ?? (status === "failed" ? "channel_not_found" : null)},
              now() - make_interval(mins => ${minutesAgo}))
      returning id`;
    return row?.id ?? "";
  }

  async function windowCounts(): Promise<Record<string, number>> {
    const rows = await db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from slack_notifications
      where created_at > now() - interval '24 hours' group by status`;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  beforeAll(async () => {
    // The seed is anchored to a fixed date; clearing the last three days makes the 24-hour window hold
    // only the rows these tests insert, whenever the suite runs.
    await db.sql`delete from slack_notifications where created_at > now() - interval '3 days'`;
  });

  it("stays healthy when the only failures are older than the 24-hour window", async () => {
    await notification("failed", 30 * 60);
    await notification("failed", 5 * 24 * 60);
    for (const minutes of [10, 45, 90, 180, 300, 600]) await notification("sent", minutes);
    await notification("pending", 3);
    const result = await health();
    const expected = await windowCounts();
    const [ever] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from slack_notifications where status = 'failed'`;
    expect(ever?.n).toBeGreaterThan(0);
    expect(result.window.hours).toBe(24);
    expect(result.counts).toEqual({
      pending: expected.pending ?? 0,
      pending_lookup: expected.pending_lookup ?? 0,
      sent: expected.sent ?? 0,
      failed: expected.failed ?? 0,
      total: Object.values(expected).reduce((a, b) => a + b, 0),
    });
    expect(result.counts.sent).toBe(6);
    expect(result.counts.failed).toBe(0);
    expect(result.healthy).toBe(true);
    expect(result.issues.filter((i) => i.severity === "critical")).toEqual([]);
    expect(result.recent_failures).toEqual([]);
    expect(result.last_sent_at).not.toBeNull();
  });

  it("turns unhealthy on recent failures and a stuck pending row, with failures trimmed", async () => {
    const huge = `AB4120 lead change ${"x".repeat(5000)}`;
    const ids = [
      await notification("failed", 60, { text: huge, error: `invalid_blocks ${"y".repeat(2000)}` }),
      await notification("failed", 40, { text: huge }),
      await notification("failed", 20, { text: huge }),
    ];
    await notification("pending", 45);
    const result = await health();
    const expected = await windowCounts();
    const [pending] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from slack_notifications where status = 'pending'`;
    expect(result.counts.failed).toBe(expected.failed);
    expect(result.counts.sent).toBe(expected.sent);
    expect(result.failure_rate_pct).toBe(
      Math.round(((expected.failed ?? 0) / ((expected.sent ?? 0) + (expected.failed ?? 0))) * 1000) / 10,
    );
    expect(result.healthy).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(["stuck_pending", "high_failure_rate"]),
    );
    expect(result.backlog.stuck_pending).toBe(1);
    expect(result.backlog.pending_now).toBe(pending?.n);
    expect(result.recent_failures.map((f) => f.id)).toEqual([...ids].reverse());
    for (const f of result.recent_failures) {
      expect(f.payload_preview?.length).toBeLessThanOrEqual(200);
      expect(f.payload_preview?.startsWith("AB4120 lead change")).toBe(true);
      expect(f.error?.length ?? 0).toBeLessThanOrEqual(300);
    }
    expect(JSON.stringify(result).length).toBeLessThan(6000);
    expect(getSlackQueueHealth.format(result)).toContain("UNHEALTHY");
  });

  it("lists at most the row cap of failures but keeps exact counts", async () => {
    const full = await health();
    const result = await health(2);
    expect(result.recent_failures).toHaveLength(2);
    expect(result.truncated).toBe(true);
    expect(result.counts).toEqual(full.counts);
  });
});

describe("get_email_queue_stats", () => {
  const stats = (args: object, rowCap = 200) =>
    runReadTool<EmailQueueStatsResult>(db.sql, getEmailQueueStats, args, undefined, rowCap);

  beforeAll(async () => {
    const rows: [string, string, string, number, string | null][] = [
      ["lena.sent1@example.com", "artists@artbattle.com", "sent", 60, null],
      ["lena.sent2@example.com", "artists@artbattle.com", "sent", 120, null],
      ["marco.sent@example.net", "payments@artbattle.com", "sent", 200, null],
      ["casey.failed@example.org", "payments@artbattle.com", "failed", 90, "MessageRejected: not verified"],
      ["casey.failed2@example.org", "artists@artbattle.com", "failed", 300, `Throttling ${"z".repeat(900)}`],
      ["queued.one@example.com", "hello@artbattle.com", "queued", 10, null],
      ["old.failed@example.com", "hello@artbattle.com", "failed", 30 * 60, "InvalidParameterValue"],
    ];
    for (const [recipient, sender, status, minutes, error] of rows) {
      await db.sql`
        insert into email_logs (recipient, sender, subject, status, method, error_message, sent_at, created_at)
        values (${recipient}, ${sender}, 'Your Art Battle payment', ${status}, 'aws_ses_api', ${error},
                now() - make_interval(mins => ${minutes}), now() - make_interval(mins => ${minutes}))`;
    }
  });

  async function expectedFor(hours: number) {
    const rows = await db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from email_logs where created_at > now() - make_interval(hours => ${hours})
      group by status`;
    const failures = await db.sql<{ id: string }[]>`
      select id from email_logs where status = 'failed' and created_at > now() - make_interval(hours => ${hours})
      order by created_at desc, id limit 10`;
    const count = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
    return {
      total: rows.reduce((a, r) => a + r.n, 0),
      sent: count("sent"),
      failed: count("failed"),
      queued: count("queued"),
      failures: failures.map((f) => f.id),
    };
  }

  it("counts the window's mails like independent SQL, every status included", async () => {
    const expected = await expectedFor(24);
    const result = await stats({});
    expect(result.window.hours).toBe(24);
    expect({ total: result.total, sent: result.sent, failed: result.failed }).toEqual({
      total: expected.total,
      sent: expected.sent,
      failed: expected.failed,
    });
    expect(result.by_status.find((s) => s.status === "queued")?.count).toBe(expected.queued);
    expect(result.failure_rate_pct).toBe(
      Math.round((expected.failed / (expected.sent + expected.failed)) * 1000) / 10,
    );
    expect(result.recent_failures.map((f) => f.id)).toEqual(expected.failures);
    const payments = result.by_sender.find((s) => s.sender === "payments@artbattle.com");
    expect(payments).toMatchObject({ failed: 1 });
    expect(getEmailQueueStats.format(result)).toContain(`${expected.failed} failed`);
  });

  it("widens with hours_back, and shows failures without the recipient's address", async () => {
    const narrow = await stats({ hours_back: 24 });
    const wide = await stats({ hours_back: 48 });
    const expected = await expectedFor(48);
    expect(wide.failed).toBe(expected.failed);
    expect(wide.failed).toBe(narrow.failed + 1);
    expect(wide.recent_failures.map((f) => f.recipient_domain)).toContain("example.org");
    const text = JSON.stringify(wide);
    expect(text).not.toContain("casey.failed");
    expect(text).not.toContain("old.failed");
    for (const f of wide.recent_failures) expect(f.error_message?.length ?? 0).toBeLessThanOrEqual(300);
  });

  it("caps the failure list at the row cap", async () => {
    const result = await stats({}, 1);
    expect(result.recent_failures).toHaveLength(1);
    expect(result.truncated).toBe(true);
  });

  it("rejects hours_back beyond a week", async () => {
    await expect(stats({ hours_back: 169 })).rejects.toThrow(/168/);
  });
});

describe("get_email_log", () => {
  const log = (args: object, rowCap = 200) =>
    runReadTool<EmailLogResult>(db.sql, getEmailLog, args, undefined, rowCap);

  it("finds a recipient's mails by part of the address, case-insensitively, newest first", async () => {
    const [busiest] = await db.sql<{ recipient: string }[]>`
      select recipient from email_logs where recipient is not null
      group by recipient order by count(*) desc, recipient limit 1`;
    const part = (busiest?.recipient ?? "").split("@")[0]?.slice(0, 8).toUpperCase() ?? "";
    const [expected] = await db.sql<{ n: number; sent: number; failed: number }[]>`
      select count(*)::int as n, count(*) filter (where status = 'sent')::int as sent,
             count(*) filter (where status = 'failed')::int as failed
      from email_logs where position(lower(${part}) in lower(recipient)) > 0`;
    const result = await log({ recipient: part, limit: 50 });
    expect(expected?.n).toBeGreaterThan(0);
    expect(result.total_matching).toBe(expected?.n);
    expect(result.sent).toBe(expected?.sent);
    expect(result.failed).toBe(expected?.failed);
    expect(result.emails).toHaveLength(Math.min(50, expected?.n ?? 0));
    expect(result.emails.every((m) => m.recipient?.toLowerCase().includes(part.toLowerCase()))).toBe(true);
    const times = result.emails.map((m) => m.created_at ?? "");
    expect(times).toEqual([...times].sort().reverse());
  });

  it("matches % and _ literally instead of as wildcards", async () => {
    await db.sql`
      insert into email_logs (recipient, sender, subject, status, created_at)
      values ('odd%name@example.org', 'hello@artbattle.com', 'Hi', 'sent', now())`;
    for (const part of ["%", "_"]) {
      const [expected] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from email_logs where position(${part} in recipient) > 0`;
      const result = await log({ recipient: part });
      expect(result.total_matching).toBe(expected?.n);
    }
    const [all] = await db.sql<{ n: number }[]>`select count(*)::int as n from email_logs`;
    expect((await log({ recipient: "%" })).total_matching).toBeLessThan(all?.n ?? 0);
  });

  it("filters by event, and the limit cuts the list but not the totals", async () => {
    const [event] = await db.sql<{ eid: string; n: number }[]>`
      select e.eid, count(*)::int as n from email_logs l join events e on e.id = l.event_id
      group by e.eid order by count(*) desc, e.eid limit 1`;
    expect(event?.n).toBeGreaterThan(0);
    const result = await log({ eid: event?.eid.toLowerCase(), limit: 1 });
    expect(result.filter.eid).toBe(event?.eid);
    expect(result.total_matching).toBe(event?.n);
    expect(result.emails).toHaveLength(1);
    expect(result.emails[0]?.eid).toBe(event?.eid);
    expect(result.truncated).toBe((event?.n ?? 0) > 1);
    expect(getEmailLog.format(result)).toContain(`(${event?.eid}): ${event?.n}`);
  });

  it("reports an unknown event as NOT_FOUND and declares the recipient as an e-mail address", async () => {
    await expect(log({ eid: "AB999999" })).rejects.toSatisfy(notFound);
    expect(getEmailLog.pii).toEqual({ recipient: "email" });
  });
});
