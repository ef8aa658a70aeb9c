import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { countsByStatus, describeCounts, ROLES_MARKETING_READ, shortUtc } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

/** Delivery of one of the event's campaigns. */
export interface CampaignDelivery {
  id: string;
  name: string;
  status: string | null;
  scheduled_at: string | null;
  /** sms_outbound rows by status: messages handed to the carrier. */
  sent_by_status: Record<string, number>;
  /** message_queue rows by status: messages staged for a scheduled send. */
  queued_by_status: Record<string, number>;
}

/** Transactional messages (bid, outbid, winner, reminder…) for the event, by channel, type and status. */
export interface TransactionalCount {
  channel: string;
  type: string | null;
  status: string;
  messages: number;
}

export interface NotificationStatusResult {
  eid: string;
  name: string;
  /** Exact, over every campaign created for the event. */
  campaigns_total: number;
  /** Newest send time first. */
  campaigns: CampaignDelivery[];
  campaigns_truncated: boolean;
  /** All of the event's campaign texts together. */
  campaign_sms: {
    sent_by_status: Record<string, number>;
    queued_by_status: Record<string, number>;
    /** Earliest send time among messages still waiting in the queue. */
    next_queued_send_at: string | null;
    /** Most frequent carrier errors among failed texts, most frequent first. */
    top_errors: { error: string; messages: number }[];
  };
  transactional: TransactionalCount[];
  transactional_truncated: boolean;
  notes: string[];
}

const TRANSACTIONAL_NOTE =
  "Transactional messages are matched through message_queue.metadata.event_eid; messages queued without it " +
  "cannot be attributed to an event and are not counted.";

type CampaignRow = { id: string; name: string; status: string | null; scheduled_at: Date | null };
type StatusCount = { campaign_id: string; status: string; n: number };

export const getNotificationStatus = defineTool({
  name: "get_notification_status",
  domain: "growth-marketing",
  title: "Message delivery for an event",
  description:
    "Delivery status of the messages for one event (eid): for each SMS campaign created for the event, its " +
    "texts by delivery status (sent, delivered, failed, undelivered…) and any still waiting in the queue; " +
    "totals over all its campaigns with the next queued send time and the commonest carrier errors; and the " +
    "event's transactional messages (bid confirmations, outbid and winner notices, reminders) by channel, type " +
    "and status. Use it for 'did the AB4120 texts go out?' or 'are winner notices failing?'. For campaign " +
    "settings use get_sms_campaigns.",
  input,
  policy: { roles: ROLES_MARKETING_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<NotificationStatusResult> {
    const event = await eventByEid(sql, args.eid);
    const campaignIds = sql`select id from sms_marketing_campaigns where event_id = ${event.id}`;
    const campaigns = await sql<CampaignRow[]>`
      select id, name, status, scheduled_at from sms_marketing_campaigns where event_id = ${event.id}
      order by coalesce(scheduled_at, created_at) desc nulls last, id limit ${rowCap + 1}`;
    const cutCampaigns = capped(campaigns, rowCap);
    const listed = cutCampaigns.rows.map((c) => c.id);
    // Per-campaign breakdowns only for the listed campaigns; the totals cover every campaign.
    const [[total], sent, queued, sentTotals, queuedTotals, [next], errors, transactional] =
      await Promise.all([
        sql<
          { n: number }[]
        >`select count(*)::int as n from sms_marketing_campaigns where event_id = ${event.id}`,
        listed.length
          ? sql<StatusCount[]>`
            select campaign_id, coalesce(status, '(none)') as status, count(*)::int as n
            from sms_outbound where campaign_id in ${sql(listed)}
            group by 1, 2 order by 3 desc, 2`
          : [],
        listed.length
          ? sql<StatusCount[]>`
            select campaign_id, status::text as status, count(*)::int as n
            from message_queue where campaign_id in ${sql(listed)}
            group by 1, 2 order by 3 desc, 2`
          : [],
        sql<{ status: string; n: number }[]>`
        select coalesce(status, '(none)') as status, count(*)::int as n
        from sms_outbound where campaign_id in (${campaignIds})
        group by 1 order by 2 desc, 1 limit ${rowCap}`,
        sql<{ status: string; n: number }[]>`
        select status::text as status, count(*)::int as n
        from message_queue where campaign_id in (${campaignIds})
        group by 1 order by 2 desc, 1 limit ${rowCap}`,
        sql<{ at: Date | null }[]>`
        select min(send_after) as at from message_queue
        where campaign_id in (${campaignIds}) and status = 'pending'`,
        sql<{ error: string; messages: number }[]>`
        select error_message as error, count(*)::int as messages
        from sms_outbound where campaign_id in (${campaignIds}) and error_message is not null
        group by 1 order by 2 desc, 1 limit 5`,
        sql<TransactionalCount[]>`
        select channel, metadata->>'type' as type, status::text as status, count(*)::int as messages
        from message_queue
        where campaign_id is null and metadata->>'event_eid' = ${event.eid}
        group by 1, 2, 3 order by 1, 2 nulls last, 3
        limit ${rowCap + 1}`,
      ]);
    const perCampaign = (rows: readonly StatusCount[], id: string) =>
      countsByStatus(rows.filter((r) => r.campaign_id === id));
    const cutTransactional = capped(transactional, rowCap);
    const notes = [TRANSACTIONAL_NOTE];
    if ((total?.n ?? 0) === 0) notes.push(`No SMS campaigns were created for ${event.eid}.`);
    return {
      eid: event.eid,
      name: event.name,
      campaigns_total: total?.n ?? 0,
      campaigns: cutCampaigns.rows.map((c) => ({
        ...c,
        scheduled_at: iso(c.scheduled_at),
        sent_by_status: perCampaign(sent, c.id),
        queued_by_status: perCampaign(queued, c.id),
      })),
      campaigns_truncated: cutCampaigns.truncated,
      campaign_sms: {
        sent_by_status: countsByStatus(sentTotals),
        queued_by_status: countsByStatus(queuedTotals),
        next_queued_send_at: iso(next?.at),
        top_errors: errors,
      },
      transactional: cutTransactional.rows,
      transactional_truncated: cutTransactional.truncated,
      notes,
    };
  },
  format(r) {
    const s = r.campaign_sms;
    const lines = [
      `Messages for ${r.eid} (${r.name}): ${r.campaigns_total} SMS campaigns; texts sent: ${describeCounts(s.sent_by_status)}; ` +
        `queued: ${describeCounts(s.queued_by_status)}` +
        (s.next_queued_send_at ? ` (next send ${shortUtc(s.next_queued_send_at)})` : ""),
    ];
    for (const c of r.campaigns) {
      lines.push(
        `- ${c.name} [${c.status ?? "?"}], ${shortUtc(c.scheduled_at)}: sent ${describeCounts(c.sent_by_status)}; ` +
          `queued ${describeCounts(c.queued_by_status)}`,
      );
    }
    lines.push(...truncationNote(r.campaigns_truncated, r.campaigns.length));
    if (s.top_errors.length) {
      lines.push(`Top errors: ${s.top_errors.map((e) => `${e.error} (${e.messages})`).join("; ")}`);
    }
    lines.push(
      r.transactional.length
        ? `Transactional: ${r.transactional.map((t) => `${t.channel} ${t.type ?? "?"} ${t.status} ${t.messages}`).join(", ")}`
        : "No transactional messages recorded for this event.",
    );
    lines.push(
      ...truncationNote(r.transactional_truncated, r.transactional.length),
      ...r.notes.filter((n) => n !== TRANSACTIONAL_NOTE),
    );
    return lines.join("\n");
  },
});
