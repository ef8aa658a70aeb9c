import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Caller, type Role, ToolError } from "../../../src/catalog/index.ts";
import type { ToolService } from "../../../src/gateway/index.ts";
import type {
  BugReportsResult,
  CreateBugReportResult,
} from "../../../src/packs/platform-db-edge/bug-reports.ts";
import {
  createBugReport,
  getBugReports,
  platformDbEdgeTools,
} from "../../../src/packs/platform-db-edge/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { startTestToolService } from "../../helpers/gateway.ts";
import { runReadTool, runWriteTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const REPORTER: Caller = {
  userId: "U_REPORTER",
  role: "viewer",
  teamId: "T1",
  channelId: "C_BUGS",
  sessionId: "5e55101a-0000-4000-8000-000000000001",
  via: "internal",
};

const file = (args: object, caller: Caller = REPORTER) =>
  runWriteTool<CreateBugReportResult>(db.sql, createBugReport, args, { caller });

const codeOf = (code: string) => (e: unknown) => e instanceof ToolError && e.code === code;

async function reportCount(): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_bug_reports`;
  return row?.n ?? -1;
}

describe("create_bug_report", () => {
  it("writes the report with the caller's user, channel and session, open and at normal priority", async () => {
    const result = await file({
      title: "  Chart for AB4125 never posted ",
      description: "The Monday chart did not appear in #marketing.\nExpected it at 10:00.",
      related_eid: "ab4125",
    });
    const [row] = await db.sql`
      select slack_user_id, slack_channel_id, session_id, title, description, related_eid, status, priority,
             updated_at = created_at as fresh
      from esbmcp_bug_reports where id = ${result.report.id}`;
    expect(row).toEqual({
      slack_user_id: "U_REPORTER",
      slack_channel_id: "C_BUGS",
      session_id: REPORTER.sessionId,
      title: "Chart for AB4125 never posted",
      description: "The Monday chart did not appear in #marketing.\nExpected it at 10:00.",
      related_eid: "AB4125",
      status: "open",
      priority: "normal",
      fresh: true,
    });
    expect(result.created).toBe(true);
    expect(createBugReport.format(result)).toContain("Filed bug report");
    expect(result.report).toMatchObject({ reported_by: "U_REPORTER", channel_id: "C_BUGS", status: "open" });
    const [open] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_bug_reports where status in ('open', 'in_progress')`;
    expect(result.open_count).toBe(open?.n);
  });

  it("returns the first report when the same person files the same title again moments later", async () => {
    const args = {
      title: "Votes missing in round 2",
      description: "AB4120 round 2 shows 0 votes",
      priority: "high",
    };
    const first = await file(args);
    const before = await reportCount();
    const again = await file({ ...args, title: "votes missing in ROUND 2" });
    expect(again.created).toBe(false);
    expect(again.report.id).toBe(first.report.id);
    expect(await reportCount()).toBe(before);
    const other = await file(args, { ...REPORTER, userId: "U_SOMEONE_ELSE" });
    expect(other.created).toBe(true);
    expect(await reportCount()).toBe(before + 1);
  });

  it("refuses an unknown related event, a short title or a long description, writing nothing", async () => {
    const before = await reportCount();
    await expect(
      file({ title: "Wrong event", description: "typo in the eid", related_eid: "AB999999" }),
    ).rejects.toSatisfy(codeOf("NOT_FOUND"));
    await expect(file({ title: "ab", description: "too short a title" })).rejects.toThrow(/at least 3/);
    await expect(file({ title: "Long one", description: "x".repeat(4001) })).rejects.toThrow();
    expect(await reportCount()).toBe(before);
  });
});

describe("create_bug_report through the gateway", () => {
  let writes: ToolService;
  let readOnly: ToolService;
  const start = (env: Record<string, string>) =>
    startTestToolService(db, { env, tools: platformDbEdgeTools });
  beforeAll(() => {
    writes = start({ ENABLE_MUTATING_TOOLS: "true" });
    readOnly = start({});
  });
  afterAll(async () => {
    await writes?.close();
    await readOnly?.close();
  });

  const caller = (role: Role): Caller => ({
    userId: `U-gw-${role}`,
    role,
    teamId: "T1",
    channelId: "C_GATEWAY",
    sessionId: null,
    via: "token",
  });
  const call = (service: ToolService, role: Role, args: object) =>
    service.gateway.call({
      caller: caller(role),
      toolName: "create_bug_report",
      arguments: args,
      requestId: randomUUID(),
      ipAddress: null,
    });
  const bug = { title: "Email log shows no sender", description: "Sender column is empty for SES mails" };

  it("is blocked while mutating tools are disabled", async () => {
    const before = await reportCount();
    await expect(call(readOnly, "ops", bug)).rejects.toSatisfy(codeOf("WRITES_DISABLED"));
    expect(await reportCount()).toBe(before);
  });

  it("runs when enabled, for viewers too, recording the authenticated caller", async () => {
    const result = await call(writes, "viewer", { ...bug, priority: "critical" });
    const report = (result.result as CreateBugReportResult).report;
    const [row] = await db.sql`
      select slack_user_id, slack_channel_id, priority from esbmcp_bug_reports where id = ${report.id}`;
    expect(row).toEqual({
      slack_user_id: "U-gw-viewer",
      slack_channel_id: "C_GATEWAY",
      priority: "critical",
    });
  });

  it("answers INVALID_ARGUMENT for an unknown priority and FORBIDDEN for other roles", async () => {
    const before = await reportCount();
    await expect(call(writes, "ops", { ...bug, priority: "urgent" })).rejects.toSatisfy(
      codeOf("INVALID_ARGUMENT"),
    );
    await expect(call(writes, "ops", { ...bug, title: "x" })).rejects.toSatisfy(codeOf("INVALID_ARGUMENT"));
    await expect(call(writes, "finance", bug)).rejects.toSatisfy(codeOf("FORBIDDEN"));
    expect(await reportCount()).toBe(before);
  });
});

describe("get_bug_reports", () => {
  const list = (args: object, rowCap = 200) =>
    runReadTool<BugReportsResult>(db.sql, getBugReports, args, undefined, rowCap);

  beforeAll(async () => {
    const rows: [string, string, string, number][] = [
      ["Payments page blank", "resolved", "critical", 50],
      ["Typo in reminder SMS", "open", "low", 2],
      ["Owed list double counts", "in_progress", "critical", 10],
      ["Slow vote data", "open", "high", 5],
      ["Chart colours", "closed", "normal", 80],
      ["Bid history empty", "open", "critical", 1],
      ["Old report", "open", "normal", 400],
    ];
    for (const [title, status, priority, hoursAgo] of rows) {
      await db.sql`
        insert into esbmcp_bug_reports (slack_user_id, title, description, status, priority, created_at)
        values ('U_TRIAGE', ${title}, ${`${title}. ${"Steps: ".repeat(200)}`}, ${status}, ${priority},
                now() - make_interval(hours => ${hoursAgo}))`;
    }
  });

  /** Ids in the order a triager wants them: critical, high, normal, low; newest first within each. */
  async function expectedOrder(status: string | null): Promise<string[]> {
    const rows = await db.sql<{ id: string }[]>`
      select id from esbmcp_bug_reports
      ${status === null ? db.sql`` : db.sql`where status = ${status}`}
      order by array_position(array['critical', 'high', 'normal', 'low'], priority), created_at desc, id`;
    return rows.map((r) => r.id);
  }

  it("lists the most urgent reports first, newest first within a priority, with counts like SQL", async () => {
    const byStatus = await db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from esbmcp_bug_reports group by status`;
    const result = await list({ limit: 50 });
    expect(result.reports.map((r) => r.id)).toEqual(await expectedOrder(null));
    const count = (s: string) => byStatus.find((r) => r.status === s)?.n ?? 0;
    expect(result.by_status).toEqual({
      open: count("open"),
      in_progress: count("in_progress"),
      resolved: count("resolved"),
      closed: count("closed"),
    });
    expect(result.open_count).toBe(count("open") + count("in_progress"));
    expect(result.matching).toBe(byStatus.reduce((a, r) => a + r.n, 0));
    expect(result.reports[0]?.priority).toBe("critical");
    expect(getBugReports.format(result)).toContain(`${result.open_count} open or in progress`);
    expect(result.reports.every((r) => (r.description?.length ?? 0) <= 500)).toBe(true);
  });

  it("filters by status, with priority counts for that status only", async () => {
    const byPriority = await db.sql<{ priority: string; n: number }[]>`
      select priority, count(*)::int as n from esbmcp_bug_reports where status = 'open' group by priority`;
    const result = await list({ status: "open" });
    expect(result.reports.map((r) => r.id)).toEqual(await expectedOrder("open"));
    expect(result.reports.every((r) => r.status === "open")).toBe(true);
    const count = (p: string) => byPriority.find((r) => r.priority === p)?.n ?? 0;
    expect(result.by_priority).toEqual({
      critical: count("critical"),
      high: count("high"),
      normal: count("normal"),
      low: count("low"),
    });
    expect(result.matching).toBe(result.reports.length);
    expect(result.reports.filter((r) => r.reported_by === "U_TRIAGE").map((r) => r.title)).toEqual([
      "Bid history empty",
      "Slow vote data",
      "Old report",
      "Typo in reminder SMS",
    ]);
  });

  it("cuts the list at the limit but keeps exact counts, and rejects an unknown status", async () => {
    const full = await list({});
    const cut = await list({ limit: 2 });
    expect(cut.reports.map((r) => r.id)).toEqual(full.reports.slice(0, 2).map((r) => r.id));
    expect(cut.truncated).toBe(true);
    expect(cut.by_status).toEqual(full.by_status);
    await expect(list({ status: "wontfix" })).rejects.toThrow();
  });
});

describe("esbmcp_bug_reports tracking (migration 0007)", () => {
  it("stamps updated_at on every change and resolved_at when a report is resolved", async () => {
    const { report } = await file({ title: "Tracking check", description: "status changes are tracked" });
    await db.sql`update esbmcp_bug_reports set updated_at = now() - interval '1 hour' where id = ${report.id}`;
    await db.sql`update esbmcp_bug_reports set status = 'resolved', resolved_by = 'U_OPS' where id = ${report.id}`;
    const [row] = await db.sql<{ recent: boolean; resolved: boolean }[]>`
      select updated_at > now() - interval '1 minute' as recent, resolved_at is not null as resolved
      from esbmcp_bug_reports where id = ${report.id}`;
    expect(row).toEqual({ recent: true, resolved: true });
  });

  it("rejects unknown statuses and priorities, and a missing priority", async () => {
    await expect(
      db.sql`insert into esbmcp_bug_reports (slack_user_id, title, priority) values ('U', 'x', 'urgent')`,
    ).rejects.toMatchObject({ code: "23514" });
    await expect(
      db.sql`insert into esbmcp_bug_reports (slack_user_id, title, status) values ('U', 'x', 'wontfix')`,
    ).rejects.toMatchObject({ code: "23514" });
    await expect(
      db.sql`insert into esbmcp_bug_reports (slack_user_id, title, priority) values ('U', 'x', null)`,
    ).rejects.toMatchObject({ code: "23502" });
  });

  it("has an index that serves the status-filtered, priority-ordered list", async () => {
    const [index] = await db.sql<{ def: string }[]>`
      select indexdef as def from pg_indexes where indexname = 'idx_esbmcp_bug_reports_status_priority'`;
    expect(index?.def).toContain("(status, priority_rank, created_at DESC)");
  });
});
