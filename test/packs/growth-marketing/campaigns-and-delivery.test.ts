import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { getNotificationStatus, getSmsCampaigns } from "../../../src/packs/growth-marketing/index.ts";
import type { NotificationStatusResult } from "../../../src/packs/growth-marketing/notification-status.ts";
import type { SmsCampaignsResult } from "../../../src/packs/growth-marketing/sms-campaigns.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

/** { status: count } from rows of (status, n). */
const asCounts = (rows: readonly { status: string; n: number }[]) =>
  Object.fromEntries(rows.map((r) => [r.status, r.n]));

describe("get_sms_campaigns", () => {
  it("lists an event's campaigns, latest send first, with text, counts and resolved targeting", async () => {
    const [busiest] = await db.sql<{ eid: string; id: string; city: string }[]>`
      select e.eid, e.id, c.name as city from sms_marketing_campaigns s
      join events e on e.id = s.event_id join cities c on c.id = e.city_id
      group by e.eid, e.id, c.name order by count(*) desc, e.eid limit 1`;
    const expected = await db.sql<
      { id: string; body: string; sent: number; delivered: number; status: string; cities: string[] }[]
    >`
      select s.id, s.metadata->>'message_template' as body, s.messages_sent as sent,
             s.messages_delivered as delivered, s.status,
             array(select c.name from cities c
                   where c.id::text in (select jsonb_array_elements_text(s.targeting_criteria->'city_ids'))
                   order by c.name) as cities
      from sms_marketing_campaigns s where s.event_id = ${busiest?.id ?? ""}
      order by coalesce(s.scheduled_at, s.created_at) desc, s.id`;
    const result = await runReadTool<SmsCampaignsResult>(db.sql, getSmsCampaigns, { eid: busiest?.eid });
    expect(expected.length).toBeGreaterThan(1);
    expect(
      result.campaigns.map((c) => ({
        id: c.id,
        body: c.message_body,
        sent: c.messages_sent,
        delivered: c.messages_delivered,
        status: c.status,
        cities: c.targeting.cities,
      })),
    ).toEqual(expected);
    expect(result.campaigns.every((c) => c.eid === busiest?.eid)).toBe(true);
    expect(result.campaigns.some((c) => c.targeting.cities.includes(busiest?.city ?? ""))).toBe(true);
    const counts = await db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from sms_marketing_campaigns where event_id = ${busiest?.id ?? ""}
      group by 1`;
    expect(result.counts_by_status).toEqual(asCounts(counts));
  });

  it("filters by status across all events and reports delivery rates from the stored counters", async () => {
    const [common] = await db.sql<{ status: string }[]>`
      select status from sms_marketing_campaigns group by 1 order by count(*) desc, 1 limit 1`;
    const status = common?.status ?? "";
    const expected = await db.sql<{ id: string; rate: string | null }[]>`
      select id, case when messages_sent > 0 then round(100.0 * messages_delivered / messages_sent, 1)::text end as rate
      from sms_marketing_campaigns where status = ${status}
      order by coalesce(scheduled_at, created_at) desc, id`;
    const all = await db.sql<{ status: string; n: number }[]>`
      select status, count(*)::int as n from sms_marketing_campaigns group by 1`;
    const result = await runReadTool<SmsCampaignsResult>(db.sql, getSmsCampaigns, { status });
    expect(all.length).toBeGreaterThan(1);
    expect(result.campaigns.map((c) => ({ id: c.id, rate: c.delivery_rate_pct }))).toEqual(expected);
    expect(result.campaigns.every((c) => c.status === status)).toBe(true);
    // The per-status counts show the rest of the picture, whatever the filter.
    expect(result.counts_by_status).toEqual(asCounts(all));
  });

  it("shows the newest campaigns overall, bounded by the row cap", async () => {
    const [{ n: total } = { n: 0 }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from sms_marketing_campaigns`;
    const newest = await db.sql<{ id: string }[]>`
      select id from sms_marketing_campaigns order by coalesce(scheduled_at, created_at) desc, id limit 2`;
    const result = await runReadTool<SmsCampaignsResult>(db.sql, getSmsCampaigns, {}, undefined, 2);
    expect(total).toBeGreaterThan(2);
    expect(result.campaigns.map((c) => c.id)).toEqual(newest.map((r) => r.id));
    expect(result.truncated).toBe(true);
    expect(getSmsCampaigns.format(result)).toContain("list cut at 2");
  });

  it("rejects an unknown status and says when an event has no campaigns", async () => {
    await expect(runReadTool(db.sql, getSmsCampaigns, { status: "complete" })).rejects.toBeInstanceOf(
      ZodError,
    );
    const [quiet] = await db.sql<{ eid: string }[]>`
      select eid from events e where not exists (select 1 from sms_marketing_campaigns s where s.event_id = e.id)
      order by eid limit 1`;
    const result = await runReadTool<SmsCampaignsResult>(db.sql, getSmsCampaigns, { eid: quiet?.eid });
    expect(result.campaigns).toEqual([]);
    expect(result.counts_by_status).toEqual({});
    expect(result.notes.join(" ")).toContain(`No SMS campaigns for ${quiet?.eid}`);
  });
});

describe("get_notification_status", () => {
  it("counts the event's campaign texts by delivery status, per campaign and in total", async () => {
    const [busiest] = await db.sql<{ eid: string; id: string }[]>`
      select e.eid, e.id from sms_outbound o join sms_marketing_campaigns s on s.id = o.campaign_id
      join events e on e.id = s.event_id group by e.eid, e.id order by count(*) desc, e.eid limit 1`;
    const totals = await db.sql<{ status: string; n: number }[]>`
      select o.status, count(*)::int as n from sms_outbound o join sms_marketing_campaigns s on s.id = o.campaign_id
      where s.event_id = ${busiest?.id ?? ""} group by 1`;
    const perCampaign = await db.sql<{ campaign_id: string; status: string; n: number }[]>`
      select o.campaign_id, o.status, count(*)::int as n from sms_outbound o
      join sms_marketing_campaigns s on s.id = o.campaign_id
      where s.event_id = ${busiest?.id ?? ""} group by 1, 2`;
    const [topError] = await db.sql<{ error: string; n: number }[]>`
      select o.error_message as error, count(*)::int as n from sms_outbound o
      join sms_marketing_campaigns s on s.id = o.campaign_id
      where s.event_id = ${busiest?.id ?? ""} and o.error_message is not null
      group by 1 order by 2 desc, 1 limit 1`;
    const result = await runReadTool<NotificationStatusResult>(db.sql, getNotificationStatus, {
      eid: busiest?.eid,
    });
    expect(totals.some((t) => t.status !== "delivered")).toBe(true);
    expect(result.campaign_sms.sent_by_status).toEqual(asCounts(totals));
    for (const campaign of result.campaigns) {
      expect(campaign.sent_by_status).toEqual(
        asCounts(perCampaign.filter((r) => r.campaign_id === campaign.id)),
      );
    }
    expect(result.campaign_sms.top_errors[0]).toEqual({ error: topError?.error, messages: topError?.n });
  });

  it("shows texts still waiting in the queue for a scheduled campaign, with the next send time", async () => {
    const [staged] = await db.sql<{ eid: string; id: string }[]>`
      select e.eid, e.id from message_queue q join sms_marketing_campaigns s on s.id = q.campaign_id
      join events e on e.id = s.event_id group by e.eid, e.id order by count(*) desc, e.eid limit 1`;
    const queued = await db.sql<{ status: string; n: number }[]>`
      select q.status::text as status, count(*)::int as n from message_queue q
      join sms_marketing_campaigns s on s.id = q.campaign_id where s.event_id = ${staged?.id ?? ""} group by 1`;
    const [next] = await db.sql<{ at: Date }[]>`
      select min(q.send_after) as at from message_queue q join sms_marketing_campaigns s on s.id = q.campaign_id
      where s.event_id = ${staged?.id ?? ""} and q.status = 'pending'`;
    const result = await runReadTool<NotificationStatusResult>(db.sql, getNotificationStatus, {
      eid: staged?.eid,
    });
    expect(queued.length).toBeGreaterThan(0);
    expect(result.campaign_sms.queued_by_status).toEqual(asCounts(queued));
    expect(result.campaign_sms.next_queued_send_at).toBe(next?.at.toISOString());
  });

  it("counts the event's transactional messages by channel, type and status", async () => {
    const [busy] = await db.sql<{ eid: string }[]>`
      select metadata->>'event_eid' as eid from message_queue where campaign_id is null
        and metadata->>'event_eid' is not null
      group by 1 order by count(*) desc, 1 limit 1`;
    const expected = await db.sql<{ channel: string; type: string; status: string; messages: number }[]>`
      select channel, metadata->>'type' as type, status::text as status, count(*)::int as messages
      from message_queue where campaign_id is null and metadata->>'event_eid' = ${busy?.eid ?? ""}
      group by 1, 2, 3`;
    const result = await runReadTool<NotificationStatusResult>(db.sql, getNotificationStatus, {
      eid: busy?.eid,
    });
    const key = (t: { channel: string; type: string | null; status: string }) =>
      `${t.channel}/${t.type}/${t.status}`;
    expect(expected.length).toBeGreaterThan(1);
    expect(result.transactional.map((t) => ({ ...t })).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect(result.notes.join(" ")).toContain("metadata.event_eid");
  });

  it("reports an event without campaigns as having none", async () => {
    const [quiet] = await db.sql<{ eid: string }[]>`
      select eid from events e where not exists (select 1 from sms_marketing_campaigns s where s.event_id = e.id)
      order by eid limit 1`;
    const result = await runReadTool<NotificationStatusResult>(db.sql, getNotificationStatus, {
      eid: quiet?.eid,
    });
    expect(result.campaigns_total).toBe(0);
    expect(result.campaigns).toEqual([]);
    expect(result.campaign_sms.sent_by_status).toEqual({});
    expect(getNotificationStatus.format(result)).toContain("0 SMS campaigns");
  });
});
