import { z } from "zod";
import { defineTool } from "../../catalog/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import { clip, hoursBack, percent, ROLES_OPS_VIEWER, type Window, windowOf } from "./shared.ts";

const input = z.strictObject({ hours_back: hoursBack(168) });

/** Failures listed at most (the row cap may lower it). */
export const EMAIL_FAILURES_LISTED = 10;

export interface EmailFailure {
  id: string;
  created_at: string | null;
  /** Only the domain of the address: this tool shows no personal data. */
  recipient_domain: string | null;
  sender: string | null;
  subject: string | null;
  method: string | null;
  error_message: string | null;
  eid: string | null;
}

export interface EmailQueueStatsResult {
  window: Window;
  total: number;
  sent: number;
  failed: number;
  /** Every status seen in the window (the senders write 'sent' and 'failed'; anything else shows here). */
  by_status: { status: string; count: number }[];
  /** failed / (sent + failed); null when there were none. */
  failure_rate_pct: number | null;
  by_sender: { sender: string; sent: number; failed: number }[];
  last_sent_at: string | null;
  recent_failures: EmailFailure[];
  truncated: boolean;
}

export const getEmailQueueStats = defineTool({
  name: "get_email_queue_stats",
  domain: "platform-db-edge",
  title: "E-mail sending statistics",
  description:
    "How the platform's outgoing e-mail (email_logs) went over the last hours_back hours (default 24, at most " +
    "168): totals sent and failed, the failure rate, counts per status and per sender address, the last " +
    "successful send, and the newest failures (error message, subject, sender, the recipient's domain only, and " +
    "the event when known). Use it for 'are e-mails failing?'. To find mails to one person or for one event, use " +
    "get_email_log.",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<EmailQueueStatsResult> {
    const { window, since } = await windowOf(sql, args.hours_back);
    const [stats] = await sql<
      { by_status: { status: string; count: number }[]; by_sender: EmailQueueStatsResult["by_sender"] }[]
    >`
      with w as (select status, sender from email_logs where created_at > ${since})
      select
        coalesce((select json_agg(json_build_object('status', s, 'count', n) order by n desc, s)
                  from (select coalesce(status, '(none)') as s, count(*)::int as n from w group by 1) x), '[]') as by_status,
        coalesce((select json_agg(json_build_object('sender', s, 'sent', ok, 'failed', bad) order by ok + bad desc, s)
                  from (select coalesce(sender, '(unknown)') as s,
                               count(*) filter (where status = 'sent')::int as ok,
                               count(*) filter (where status = 'failed')::int as bad
                        from w group by 1) y), '[]') as by_sender`;
    const [last] = await sql<{ at: Date | null }[]>`
      select max(coalesce(sent_at, created_at)) as at from email_logs where created_at > ${since} and status = 'sent'`;
    const shown = Math.min(EMAIL_FAILURES_LISTED, rowCap);
    const failures = await sql<(Omit<EmailFailure, "created_at"> & { created_at: Date | null })[]>`
      select l.id, l.created_at, nullif(split_part(l.recipient, '@', 2), '') as recipient_domain, l.sender,
             l.subject, l.method, left(l.error_message, 1000) as error_message, e.eid
      from email_logs l
      left join events e on e.id = l.event_id
      where l.status = 'failed' and l.created_at > ${since}
      order by l.created_at desc, l.id
      limit ${shown + 1}`;
    const byStatus = stats?.by_status ?? [];
    const count = (status: string) => byStatus.find((s) => s.status === status)?.count ?? 0;
    const sent = count("sent");
    const failed = count("failed");
    const cut = capped(failures, shown);
    const senders = stats?.by_sender ?? [];
    return {
      window,
      total: byStatus.reduce((sum, s) => sum + s.count, 0),
      sent,
      failed,
      by_status: byStatus,
      failure_rate_pct: percent(failed, sent + failed),
      by_sender: senders.slice(0, rowCap),
      last_sent_at: iso(last?.at ?? null),
      recent_failures: cut.rows.map((f) => ({
        ...f,
        subject: clip(f.subject, 200),
        error_message: clip(f.error_message, 300),
        created_at: iso(f.created_at),
      })),
      truncated: cut.truncated || senders.length > rowCap,
    };
  },
  format(r) {
    const lines = [
      `E-mail, last ${r.window.hours} h: ${r.total} logged, ${r.sent} sent, ${r.failed} failed` +
        (r.failure_rate_pct === null ? "" : ` (${r.failure_rate_pct}% failed)`) +
        `; last sent ${r.last_sent_at ?? "never in the window"}`,
      ...r.by_sender.map((s) => `- ${s.sender}: ${s.sent} sent, ${s.failed} failed`),
      ...r.recent_failures.map(
        (f) =>
          `  ${f.created_at?.slice(0, 16).replace("T", " ") ?? "?"} to @${f.recipient_domain ?? "?"} ` +
          `"${f.subject ?? ""}": ${f.error_message ?? "no error text"}`,
      ),
      ...truncationNote(r.truncated, r.recent_failures.length),
    ];
    return lines.join("\n");
  },
});
