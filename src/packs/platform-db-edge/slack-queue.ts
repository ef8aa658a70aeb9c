import { z } from "zod";
import { defineTool } from "../../catalog/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import { clip, countsFor, percent, ROLES_OPS_VIEWER, type Window, windowOf } from "./shared.ts";

const input = z.strictObject({});

/** Health is judged on this many recent hours, not on the whole history of the table. */
export const SLACK_HEALTH_WINDOW_HOURS = 24;
/** The outbox is drained 20 rows a minute; a row still pending after this long is stuck. */
export const SLACK_STUCK_AFTER_MINUTES = 15;
/** Above this share of failed deliveries (of sent + failed) in the window, the queue is unhealthy. */
export const SLACK_FAILURE_RATE_LIMIT_PCT = 5;
/** Failures listed at most (the row cap may lower it). */
export const SLACK_FAILURES_LISTED = 10;

export const SLACK_STATUSES = ["pending", "pending_lookup", "sent", "failed"] as const;
export type SlackStatus = (typeof SLACK_STATUSES)[number];

export interface QueueIssue {
  /** critical: the queue is not delivering properly now; warning: worth a look. */
  severity: "critical" | "warning";
  code: "stuck_pending" | "high_failure_rate" | "failures" | "unresolved_channels" | "old_pending";
  message: string;
}

export interface SlackFailure {
  id: string;
  created_at: string | null;
  last_attempt_at: string | null;
  message_type: string;
  channel_id: string | null;
  eid: string | null;
  attempts: number;
  error: string | null;
  /** The message text (or the payload as JSON), cut to 200 characters. */
  payload_preview: string | null;
}

export interface SlackQueueHealthResult {
  window: Window;
  /** No critical issue in the window. Old failures alone never make the queue unhealthy. */
  healthy: boolean;
  issues: QueueIssue[];
  /** Notifications created in the window, by status. */
  counts: Record<SlackStatus, number> & { total: number };
  /** failed / (sent + failed) in the window; null when nothing was delivered or failed. */
  failure_rate_pct: number | null;
  last_sent_at: string | null;
  backlog: {
    /** Rows waiting to be sent now, whatever their age. */
    pending_now: number;
    /** Pending rows from the window that have waited longer than the drain interval allows. */
    stuck_pending: number;
    /** Pending rows older than the window: leftovers nobody will send. */
    pending_older_than_window: number;
    oldest_pending_at: string | null;
  };
  /** Newest failures of the window. */
  recent_failures: SlackFailure[];
  truncated: boolean;
}

interface StatusRow {
  key: string | null;
  n: number;
  overdue: number;
  last_sent: Date | null;
}

export const getSlackQueueHealth = defineTool({
  name: "get_slack_queue_health",
  domain: "platform-db-edge",
  title: "Slack notification queue health",
  description:
    "Health of the platform's Slack notification outbox (slack_notifications) over the last 24 hours: counts by " +
    "status (pending, pending_lookup, sent, failed), the failure rate, when a message was last delivered, the " +
    "backlog (pending rows now, rows stuck pending for over 15 minutes, leftovers older than the window), and the " +
    "newest failures with their error and a short payload preview. `healthy` is false only for problems inside " +
    "the window (stuck rows or a failure rate above 5%); older failures do not count. Use it for 'are Slack " +
    "notifications going out?'. It does not cover e-mail (get_email_queue_stats).",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(_args, { sql, rowCap }): Promise<SlackQueueHealthResult> {
    const { window, since } = await windowOf(sql, SLACK_HEALTH_WINDOW_HOURS);
    const stuckBefore = new Date(Date.parse(window.to) - SLACK_STUCK_AFTER_MINUTES * 60_000);
    const byStatus = await sql<StatusRow[]>`
      select status as key, count(*)::int as n,
             count(*) filter (where created_at < ${stuckBefore})::int as overdue,
             max(sent_at) as last_sent
      from slack_notifications
      where created_at > ${since}
      group by status`;
    // The partial index on pending rows serves this whatever the table's size.
    const [pending] = await sql<{ now: number; old: number; oldest: Date | null }[]>`
      select count(*)::int as now, count(*) filter (where created_at <= ${since})::int as old,
             min(created_at) as oldest
      from slack_notifications where status = 'pending'`;
    const shown = Math.min(SLACK_FAILURES_LISTED, rowCap);
    const failures = await sql<
      (Omit<SlackFailure, "created_at" | "last_attempt_at"> & {
        created_at: Date | null;
        last_attempt_at: Date | null;
        text: string | null;
      })[]
    >`
      select n.id, n.created_at, n.last_attempt_at, n.message_type, n.channel_id,
             coalesce(e.eid, n.payload ->> 'event_eid') as eid, coalesce(n.attempts, 0)::int as attempts,
             left(n.error, 1000) as error, left(coalesce(n.payload ->> 'text', n.payload::text), 1000) as text
      from slack_notifications n
      left join events e on e.id = n.event_id
      where n.status = 'failed' and n.created_at > ${since}
      order by n.created_at desc, n.id
      limit ${shown + 1}`;
    const counts = countsFor(SLACK_STATUSES, byStatus);
    const total = byStatus.reduce((sum, r) => sum + r.n, 0);
    const stuck = byStatus.find((r) => r.key === "pending")?.overdue ?? 0;
    const rate = percent(counts.failed, counts.sent + counts.failed);
    const issues = queueIssues(counts, rate, stuck, pending?.old ?? 0);
    const lastSent = byStatus.find((r) => r.key === "sent")?.last_sent ?? null;
    const cut = capped(failures, shown);
    return {
      window,
      healthy: !issues.some((i) => i.severity === "critical"),
      issues,
      counts: { ...counts, total },
      failure_rate_pct: rate,
      last_sent_at: iso(lastSent),
      backlog: {
        pending_now: pending?.now ?? 0,
        stuck_pending: stuck,
        pending_older_than_window: pending?.old ?? 0,
        oldest_pending_at: iso(pending?.oldest ?? null),
      },
      recent_failures: cut.rows.map(({ text, created_at, last_attempt_at, error, ...f }) => ({
        ...f,
        created_at: iso(created_at),
        last_attempt_at: iso(last_attempt_at),
        error: clip(error, 300),
        payload_preview: clip(text, 200),
      })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const c = r.counts;
    const lines = [
      `Slack queue, last ${r.window.hours} h: ${r.healthy ? "healthy" : "UNHEALTHY"} — ${c.total} notifications ` +
        `(${c.sent} sent, ${c.failed} failed, ${c.pending} pending, ${c.pending_lookup} awaiting channel lookup)` +
        (r.failure_rate_pct === null ? "" : `, failure rate ${r.failure_rate_pct}%`),
      `Last delivery: ${r.last_sent_at ?? "none in the window"}; pending now: ${r.backlog.pending_now}` +
        (r.backlog.oldest_pending_at ? ` (oldest ${r.backlog.oldest_pending_at})` : ""),
      ...r.issues.map((i) => `- [${i.severity}] ${i.message}`),
      ...r.recent_failures.map(
        (f) =>
          `  ${f.created_at?.slice(0, 16).replace("T", " ") ?? "?"} ${f.message_type}` +
          `${f.channel_id ? ` → ${f.channel_id}` : ""}: ${f.error ?? "no error text"}`,
      ),
      ...truncationNote(r.truncated, r.recent_failures.length),
    ];
    return lines.join("\n");
  },
});

/** What is wrong with the queue in the window, critical first. */
export function queueIssues(
  counts: Record<SlackStatus, number>,
  failureRatePct: number | null,
  stuck: number,
  oldPending: number,
): QueueIssue[] {
  const issues: QueueIssue[] = [];
  if (stuck > 0) {
    issues.push({
      severity: "critical",
      code: "stuck_pending",
      message: `${stuck} notification(s) from the last ${SLACK_HEALTH_WINDOW_HOURS} h have been pending for over ${SLACK_STUCK_AFTER_MINUTES} minutes: the sender may be down.`,
    });
  }
  if (failureRatePct !== null && failureRatePct > SLACK_FAILURE_RATE_LIMIT_PCT) {
    issues.push({
      severity: "critical",
      code: "high_failure_rate",
      message: `${counts.failed} of ${counts.sent + counts.failed} deliveries failed (${failureRatePct}%, limit ${SLACK_FAILURE_RATE_LIMIT_PCT}%).`,
    });
  } else if (counts.failed > 0) {
    issues.push({
      severity: "warning",
      code: "failures",
      message: `${counts.failed} delivery failure(s) in the window (${failureRatePct}%), below the ${SLACK_FAILURE_RATE_LIMIT_PCT}% limit.`,
    });
  }
  if (counts.pending_lookup > 0) {
    issues.push({
      severity: "warning",
      code: "unresolved_channels",
      message: `${counts.pending_lookup} notification(s) wait for a channel name to be resolved to an id.`,
    });
  }
  if (oldPending > 0) {
    issues.push({
      severity: "warning",
      code: "old_pending",
      message: `${oldPending} pending notification(s) are older than the window and were never sent.`,
    });
  }
  return issues;
}
