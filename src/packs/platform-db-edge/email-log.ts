import { z } from "zod";
import { defineTool, eid, likePattern, text } from "../../catalog/index.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { clip, listLimit, ROLES_OPS_VIEWER } from "./shared.ts";

const input = z.strictObject({
  recipient: text(
    "Part of the recipient's e-mail address, e.g. 'jordan.lee' or '@example.com'",
    254,
  ).optional(),
  eid: eid().optional(),
  limit: listLimit(),
});

export interface EmailLogRow {
  id: string;
  recipient: string | null;
  sender: string | null;
  subject: string | null;
  status: string | null;
  method: string | null;
  error_message: string | null;
  sent_at: string | null;
  created_at: string | null;
  eid: string | null;
  event_name: string | null;
}

export interface EmailLogResult {
  filter: { recipient: string | null; eid: string | null };
  /** Every matching row, not only the listed ones. */
  total_matching: number;
  sent: number;
  failed: number;
  /** Newest first. */
  emails: EmailLogRow[];
  truncated: boolean;
}

type Row = Omit<EmailLogRow, "sent_at" | "created_at"> & { sent_at: Date | null; created_at: Date | null };

export const getEmailLog = defineTool({
  name: "get_email_log",
  domain: "platform-db-edge",
  title: "E-mails sent",
  description:
    "The platform's outgoing e-mail log (email_logs), newest first: recipient, sender, subject, status (sent or " +
    "failed), method, error message, when, and the event when the mail is linked to one. Filter by part of the " +
    "recipient address (matched literally, case-insensitive) and/or eid; limit 1–50 (default 20). Also returns " +
    "exact totals for the filter. Most mails carry no event link, so an eid filter finds only invitation and " +
    "confirmation mails that were linked. Use it for 'did the invitation e-mail to X go out?'. For failure rates " +
    "use get_email_queue_stats.",
  input,
  pii: { recipient: "email" },
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<EmailLogResult> {
    const event = args.eid === undefined ? undefined : await eventByEid(sql, args.eid);
    const where = sql`where true
      ${args.recipient === undefined ? sql`` : sql`and l.recipient ilike ${likePattern(args.recipient)}`}
      ${event === undefined ? sql`` : sql`and l.event_id = ${event.id}`}`;
    const shown = Math.min(args.limit, rowCap);
    // The page is taken from email_logs alone (newest first, through idx_email_logs_created_desc_id)
    // and only its rows are joined to events; the totals run at the same time.
    const [[totals], rows] = await Promise.all([
      sql<{ total: number; sent: number; failed: number }[]>`
        select count(*)::int as total, count(*) filter (where l.status = 'sent')::int as sent,
               count(*) filter (where l.status = 'failed')::int as failed
        from email_logs l ${where}`,
      sql<Row[]>`
        with page as materialized (
          select l.id, l.recipient, l.sender, l.subject, l.status, l.method,
                 left(l.error_message, 1000) as error_message, l.sent_at, l.created_at, l.event_id
          from email_logs l
          ${where}
          order by l.created_at desc nulls last, l.id
          limit ${shown + 1})
        select p.id, p.recipient, p.sender, p.subject, p.status, p.method, p.error_message, p.sent_at,
               p.created_at, e.eid, e.name as event_name
        from page p left join events e on e.id = p.event_id
        order by p.created_at desc nulls last, p.id`,
    ]);
    const cut = capped(rows, shown);
    return {
      filter: { recipient: args.recipient ?? null, eid: event?.eid ?? null },
      total_matching: totals?.total ?? 0,
      sent: totals?.sent ?? 0,
      failed: totals?.failed ?? 0,
      emails: cut.rows.map((r) => ({
        ...r,
        subject: clip(r.subject, 200),
        error_message: clip(r.error_message, 300),
        sent_at: iso(r.sent_at),
        created_at: iso(r.created_at),
      })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const scope = [r.filter.recipient && `recipient ~ "${r.filter.recipient}"`, r.filter.eid]
      .filter(Boolean)
      .join(", ");
    const lines = [
      `E-mails${scope ? ` (${scope})` : ""}: ${r.total_matching} (${r.sent} sent, ${r.failed} failed)`,
      ...r.emails.map(
        (m) =>
          `- ${m.created_at?.slice(0, 16).replace("T", " ") ?? "?"} ${m.status ?? "?"} to ${m.recipient ?? "?"}: ` +
          `"${m.subject ?? ""}"${m.eid ? ` [${m.eid}]` : ""}${m.error_message ? ` — ${m.error_message}` : ""}`,
      ),
      ...truncationNote(r.truncated, r.emails.length),
    ];
    return lines.join("\n");
  },
});
