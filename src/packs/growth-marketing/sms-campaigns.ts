import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { countsByStatus, describeCounts, ROLES_MARKETING_READ, shortUtc } from "./shared.ts";

/**
 * Campaign statuses the platform writes (artbattle-schema.md §2; the column has no CHECK). An enum,
 * so a typo ("complete") is rejected instead of silently matching nothing.
 */
export const CAMPAIGN_STATUSES = [
  "draft",
  "test",
  "queued",
  "scheduled",
  "sending",
  "in_progress",
  "paused",
  "completed",
  "failed",
] as const;

const input = z.strictObject({
  eid: eid().optional(),
  status: z
    .enum(CAMPAIGN_STATUSES)
    .optional()
    .describe(`Only campaigns with this status: ${CAMPAIGN_STATUSES.join(", ")}`),
});

/** Who a campaign was aimed at, with ids resolved to names. */
export interface CampaignTargeting {
  cities: string[];
  eids: string[];
  /** People messaged within this many hours are skipped. */
  recent_message_hours: number | null;
}

export interface SmsCampaign {
  id: string;
  name: string;
  eid: string | null;
  status: string | null;
  /** The message text (metadata.message_template), before per-person greetings. */
  message_body: string | null;
  targeting: CampaignTargeting;
  scheduled_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  total_recipients: number;
  messages_sent: number;
  messages_delivered: number;
  messages_failed: number;
  replies_received: number;
  opt_outs: number;
  /** Delivered as a percentage of sent, one decimal; null before anything is sent. */
  delivery_rate_pct: string | null;
  /** Telnyx cost in cents as stored; the table does not record the currency. */
  total_cost_cents: number;
  created_at: string | null;
}

export interface SmsCampaignsResult {
  eid: string | null;
  status: string | null;
  /** Campaigns per status over everything matching the eid (not cut by the row cap or the status filter). */
  counts_by_status: Record<string, number>;
  /** Most recent send time first. */
  campaigns: SmsCampaign[];
  truncated: boolean;
  notes: string[];
}

type Row = Omit<SmsCampaign, "scheduled_at" | "started_at" | "completed_at" | "created_at"> & {
  scheduled_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date | null;
};

/**
 * targeting_criteria with ids resolved: city ids to city names, event ids to EIDs. Elements that are
 * not ids of a known row are left out; a key that is not an array counts as empty.
 */
const targetingSql = (sql: Sql) => sql`json_build_object(
  'cities', coalesce((select array_agg(c.name order by c.name) from cities c
                      where c.id::text in (select jsonb_array_elements_text(
                        case when jsonb_typeof(s.targeting_criteria->'city_ids') = 'array'
                             then s.targeting_criteria->'city_ids' else '[]'::jsonb end))), '{}'),
  'eids', coalesce((select array_agg(te.eid order by te.eid) from events te
                    where te.id::text in (select jsonb_array_elements_text(
                      case when jsonb_typeof(s.targeting_criteria->'event_ids') = 'array'
                           then s.targeting_criteria->'event_ids' else '[]'::jsonb end))), '{}'),
  'recent_message_hours',
    case when jsonb_typeof(s.targeting_criteria->'recent_message_hours') = 'number'
         then (s.targeting_criteria->>'recent_message_hours')::float8 end)`;

export const getSmsCampaigns = defineTool({
  name: "get_sms_campaigns",
  domain: "growth-marketing",
  title: "SMS marketing campaigns",
  description:
    "SMS marketing campaigns (Telnyx), most recent first: name, event, status, message text, targeting (cities, " +
    "events, recent-message exclusion window), schedule, recipients, sent, delivered, failed, replies, opt-outs, " +
    "delivery rate and cost in cents. Filter by eid (campaigns created for that event) and/or status " +
    `(${CAMPAIGN_STATUSES.join(", ")}); with neither, the newest campaigns overall. Also counts campaigns per ` +
    "status. Use it for 'what texts went out for AB4120?' or 'which campaigns are scheduled?'. For per-message " +
    "delivery of one event's campaigns use get_notification_status.",
  input,
  policy: { roles: ROLES_MARKETING_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<SmsCampaignsResult> {
    const event = args.eid ? await eventByEid(sql, args.eid) : null;
    const byEvent = event ? sql`and s.event_id = ${event.id}` : sql``;
    const [rows, counts] = await Promise.all([
      sql<Row[]>`
        select s.id, s.name, e.eid, s.status, s.metadata->>'message_template' as message_body,
               ${targetingSql(sql)} as targeting,
               s.scheduled_at, s.started_at, s.completed_at,
               coalesce(s.total_recipients, 0) as total_recipients, coalesce(s.messages_sent, 0) as messages_sent,
               coalesce(s.messages_delivered, 0) as messages_delivered,
               coalesce(s.messages_failed, 0) as messages_failed,
               coalesce(s.replies_received, 0) as replies_received, coalesce(s.opt_outs, 0) as opt_outs,
               case when s.messages_sent > 0
                    then round(100.0 * coalesce(s.messages_delivered, 0) / s.messages_sent, 1)::text end
                 as delivery_rate_pct,
               coalesce(s.total_cost_cents, 0) as total_cost_cents, s.created_at
        from sms_marketing_campaigns s
        left join events e on e.id = s.event_id
        where true ${byEvent} ${args.status ? sql`and s.status = ${args.status}` : sql``}
        order by coalesce(s.scheduled_at, s.created_at) desc nulls last, s.id
        limit ${rowCap + 1}`,
      sql<{ status: string; n: number }[]>`
        select coalesce(s.status, '(none)') as status, count(*)::int as n
        from sms_marketing_campaigns s where true ${byEvent}
        group by 1 order by 2 desc, 1`,
    ]);
    const cut = capped(rows, rowCap);
    const notes = ["Costs are Telnyx charges in cents; the currency is not recorded with them."];
    if (cut.rows.length === 0) {
      notes.push(
        `No SMS campaigns${event ? ` for ${event.eid}` : ""}${args.status ? ` with status ${args.status}` : ""}.`,
      );
    }
    return {
      eid: event?.eid ?? null,
      status: args.status ?? null,
      counts_by_status: countsByStatus(counts),
      campaigns: cut.rows.map((r) => ({
        ...r,
        scheduled_at: iso(r.scheduled_at),
        started_at: iso(r.started_at),
        completed_at: iso(r.completed_at),
        created_at: iso(r.created_at),
      })),
      truncated: cut.truncated,
      notes,
    };
  },
  format(r) {
    const scope = [r.eid, r.status].filter(Boolean).join(", ");
    const lines = [`SMS campaigns${scope ? ` (${scope})` : ""}: ${describeCounts(r.counts_by_status)}`];
    for (const c of r.campaigns) {
      lines.push(
        `- ${shortUtc(c.scheduled_at)} ${c.name} [${c.status ?? "?"}]: ${c.total_recipients} recipients, ` +
          `${c.messages_sent} sent, ${c.messages_delivered} delivered` +
          `${c.delivery_rate_pct === null ? "" : ` (${c.delivery_rate_pct}%)`}, ${c.messages_failed} failed, ` +
          `${c.replies_received} replies, ${c.opt_outs} opt-outs`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.campaigns.length), ...r.notes);
    return lines.join("\n");
  },
});
