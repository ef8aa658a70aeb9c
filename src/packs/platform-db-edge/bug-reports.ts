import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { clip, countsFor, listLimit, ROLES_OPS_VIEWER } from "./shared.ts";

export const BUG_STATUSES = ["open", "in_progress", "resolved", "closed"] as const;
export type BugStatus = (typeof BUG_STATUSES)[number];
/** Most urgent first: the order get_bug_reports lists them in. */
export const BUG_PRIORITIES = ["critical", "high", "normal", "low"] as const;
export type BugPriority = (typeof BUG_PRIORITIES)[number];

export const BUG_TITLE_MAX = 200;
export const BUG_DESCRIPTION_MAX = 4000;
/** The same person filing the same title again within this many minutes gets the first report back. */
export const DUPLICATE_WINDOW_MINUTES = 10;

export interface BugReport {
  id: string;
  title: string;
  description: string | null;
  related_eid: string | null;
  status: BugStatus;
  priority: BugPriority;
  reported_by: string;
  channel_id: string | null;
  session_id: string | null;
  created_at: string | null;
  updated_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

const columns = `id, title, description, related_eid, status, priority, slack_user_id as reported_by,
  slack_channel_id as channel_id, session_id, created_at, updated_at, resolved_at, resolved_by, resolution_note`;

type Row = Omit<BugReport, "created_at" | "updated_at" | "resolved_at"> & {
  created_at: Date | null;
  updated_at: Date | null;
  resolved_at: Date | null;
};

function toReport(row: Row): BugReport {
  return {
    ...row,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    resolved_at: iso(row.resolved_at),
  };
}

// ---------------------------------------------------------------------------------------------------
// create_bug_report

const createInput = z.strictObject({
  title: z
    .string()
    .trim()
    .min(3, { message: "must be at least 3 characters" })
    .max(BUG_TITLE_MAX)
    .describe("A short summary of the problem"),
  description: z
    .string()
    .trim()
    .min(1)
    .max(BUG_DESCRIPTION_MAX)
    .describe("What happened, what was expected, and how to reproduce it"),
  related_eid: eid().optional(),
  priority: z
    .enum(["low", "normal", "high", "critical"])
    .default("normal")
    .describe("How urgent (default normal)"),
});

export interface CreateBugReportResult {
  /** False when the same person filed the same title moments ago: that report is returned instead. */
  created: boolean;
  report: BugReport;
  /** Reports waiting for someone (open + in_progress), this one included. */
  open_count: number;
}

export const createBugReport = defineTool({
  name: "create_bug_report",
  domain: "platform-db-edge",
  title: "File a bug report",
  description:
    "File a bug report about Arthur or the Art Battle platform: title (at least 3 characters), description (what " +
    "happened and what was expected), optionally the related eid and a priority (low, normal, high, critical; " +
    "default normal). The reporter and channel are taken from the conversation, never from the arguments. It " +
    "starts as 'open'. Filing the same title again within 10 minutes returns the first report instead of a copy. " +
    "Use it when someone says 'report this as a bug'. To see reports use get_bug_reports.",
  input: createInput,
  policy: { roles: ROLES_OPS_VIEWER, risk: "medium", writes: true, maxCallsPerRequest: 2 },
  async handler(args, { sql, caller }): Promise<CreateBugReportResult> {
    const event = args.related_eid === undefined ? undefined : await eventByEid(sql, args.related_eid);
    // Serialise one person's filings so a retried call cannot slip a copy in beside the first.
    await sql`select pg_advisory_xact_lock(hashtext('esbmcp_bug_reports'), hashtext(${caller.userId}))`;
    const [existing] = await sql<Row[]>`
      select ${sql.unsafe(columns)} from esbmcp_bug_reports
      where slack_user_id = ${caller.userId} and lower(title) = lower(${args.title})
        and status in ('open', 'in_progress')
        and created_at > now() - make_interval(mins => ${DUPLICATE_WINDOW_MINUTES})
      order by created_at desc limit 1`;
    const [row] = existing
      ? [existing]
      : await sql<Row[]>`
          insert into esbmcp_bug_reports
            (slack_user_id, slack_channel_id, session_id, title, description, related_eid, priority, status)
          values (${caller.userId}, ${caller.channelId}, ${caller.sessionId}, ${args.title}, ${args.description},
                  ${event?.eid ?? null}, ${args.priority}, 'open')
          returning ${sql.unsafe(columns)}`;
    if (!row) throw new Error("bug report insert returned no row");
    const [open] = await sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_bug_reports where status in ('open', 'in_progress')`;
    return { created: !existing, report: toReport(row), open_count: open?.n ?? 0 };
  },
  format(r) {
    const b = r.report;
    return [
      `${r.created ? "Filed" : "Already filed"} bug report ${b.id}: "${b.title}" (${b.priority}, ${b.status})` +
        `${b.related_eid ? ` about ${b.related_eid}` : ""}`,
      `${r.open_count} report(s) are open or in progress.`,
    ].join("\n");
  },
});

// ---------------------------------------------------------------------------------------------------
// get_bug_reports

const listInput = z.strictObject({
  status: z.enum(BUG_STATUSES).optional().describe("Only reports with this status"),
  limit: listLimit(),
});

export interface BugReportsResult {
  filter: { status: BugStatus | null };
  /** Every report, by status (the whole board, whatever the filter). */
  by_status: Record<BugStatus, number>;
  /** Reports matching the filter, by priority. */
  by_priority: Record<BugPriority, number>;
  /** open + in_progress. */
  open_count: number;
  /** Reports matching the filter. */
  matching: number;
  /** Most urgent first, then newest. */
  reports: BugReport[];
  truncated: boolean;
}

export const getBugReports = defineTool({
  name: "get_bug_reports",
  domain: "platform-db-edge",
  title: "Bug reports",
  description:
    "Bug reports filed through Arthur, most urgent first (critical, high, normal, low) and newest first within a " +
    "priority, optionally only one status (open, in_progress, resolved, closed); limit 1–50 (default 20). " +
    "Returns counts per status over all reports, counts per priority for the filter, open_count (open + " +
    "in_progress), and each report's title, description (cut to 500 characters), related eid, status, priority, " +
    "reporter, channel, when it was filed, last changed and resolved, and the resolution note. Use it for 'what " +
    "bugs are open?'.",
  input: listInput,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<BugReportsResult> {
    const filter = args.status === undefined ? sql`` : sql`where status = ${args.status}`;
    const [counts] = await sql<
      { by_status: { key: string; n: number }[]; by_priority: { key: string; n: number }[] }[]
    >`
      select
        coalesce((select json_agg(json_build_object('key', status, 'n', n))
                  from (select status, count(*)::int as n from esbmcp_bug_reports group by status) s), '[]')
          as by_status,
        coalesce((select json_agg(json_build_object('key', priority, 'n', n))
                  from (select priority, count(*)::int as n from esbmcp_bug_reports ${filter} group by priority) p),
                 '[]') as by_priority`;
    const shown = Math.min(args.limit, rowCap);
    const rows = await sql<Row[]>`
      select ${sql.unsafe(columns)} from esbmcp_bug_reports ${filter}
      order by priority_rank, created_at desc, id
      limit ${shown + 1}`;
    const byStatus = countsFor(BUG_STATUSES, counts?.by_status ?? []);
    const byPriority = countsFor(BUG_PRIORITIES, counts?.by_priority ?? []);
    const cut = capped(rows, shown);
    return {
      filter: { status: args.status ?? null },
      by_status: byStatus,
      by_priority: byPriority,
      open_count: byStatus.open + byStatus.in_progress,
      matching: Object.values(byPriority).reduce((a, b) => a + b, 0),
      reports: cut.rows.map((r) => toReport({ ...r, description: clip(r.description, 500, false) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const s = r.by_status;
    const lines = [
      `Bug reports${r.filter.status ? ` (${r.filter.status})` : ""}: ${r.matching}; ${r.open_count} open or in ` +
        `progress (${s.open} open, ${s.in_progress} in progress, ${s.resolved} resolved, ${s.closed} closed)`,
      ...r.reports.map(
        (b) =>
          `- [${b.priority}] ${b.title} — ${b.status}${b.related_eid ? `, ${b.related_eid}` : ""}, ` +
          `by ${b.reported_by} on ${b.created_at?.slice(0, 10) ?? "?"}`,
      ),
      ...truncationNote(r.truncated, r.reports.length),
    ];
    return lines.join("\n");
  },
});
