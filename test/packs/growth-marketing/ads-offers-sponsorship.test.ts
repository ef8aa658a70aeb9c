import { describe, expect, it } from "vitest";
import {
  getActiveOffers,
  getMetaAdsData,
  getSponsorshipSummary,
} from "../../../src/packs/growth-marketing/index.ts";
import type { MetaAdsDataResult } from "../../../src/packs/growth-marketing/meta-ads.ts";
import type { ActiveOffersResult } from "../../../src/packs/growth-marketing/offers.ts";
import type { SponsorshipSummaryResult } from "../../../src/packs/growth-marketing/sponsorship.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

describe("get_meta_ads_data", () => {
  it("returns the newest cached report of the event, its budgets and how many reports exist", async () => {
    // The event with the most cached reports, so "newest" is a real choice.
    const [busiest] = await db.sql<{ eid: string; n: number }[]>`
      select event_id as eid, count(*)::int as n from ai_analysis_cache where analysis_type = 'meta_ads'
      group by 1 order by 2 desc, 1 limit 1`;
    const eid = busiest?.eid ?? "";
    const [newest] = await db.sql<
      { created_at: Date; spend: string; currency: string; campaigns: string[]; reach: string }[]
    >`
      select created_at, result->>'total_spend' as spend, result->>'currency' as currency,
             result->>'total_reach' as reach,
             array(select c->>'name' from jsonb_array_elements(result->'campaigns') with ordinality x(c, n)
                   order by n) as campaigns
      from ai_analysis_cache where event_id = ${eid} and analysis_type = 'meta_ads'
      order by created_at desc limit 1`;
    const [event] = await db.sql<{ currency: string; meta: string | null; other: string | null }[]>`
      select currency, meta_ads_budget::text as meta, other_ads_budget::text as other from events where eid = ${eid}`;
    const result = await runReadTool<MetaAdsDataResult>(db.sql, getMetaAdsData, { eid });
    expect(busiest?.n).toBeGreaterThan(1);
    expect(result.cached_reports).toBe(busiest?.n);
    expect(result.report).toMatchObject({
      cached_at: newest?.created_at.toISOString(),
      total_spend: newest?.spend,
      currency: newest?.currency,
      total_reach: Number(newest?.reach),
    });
    expect(result.report?.campaigns.map((c) => c.name)).toEqual(newest?.campaigns);
    expect(result.budgets).toEqual({
      currency: event?.currency,
      meta_ads_budget: event?.meta,
      other_ads_budget: event?.other,
    });
  });

  it("labels the cron run as global and reports no cached report where there is none", async () => {
    const [cron] = await db.sql<{ executed_at: Date; status: string; total_events: number }[]>`
      select executed_at, status, total_events from meta_ads_cache_cron_log order by executed_at desc limit 1`;
    const [uncached] = await db.sql<{ eid: string }[]>`
      select eid from events e where not exists (select 1 from ai_analysis_cache a where a.event_id = e.eid)
      order by eid limit 1`;
    const result = await runReadTool<MetaAdsDataResult>(db.sql, getMetaAdsData, { eid: uncached?.eid });
    expect(result.report).toBeNull();
    expect(result.cached_reports).toBe(0);
    expect(result.cron_last_run).toMatchObject({
      scope: "global",
      executed_at: cron?.executed_at.toISOString(),
      status: cron?.status,
      total_events: cron?.total_events,
    });
    expect(result.notes.join(" ")).toMatch(/across ALL events/);
    expect(getMetaAdsData.format(result)).toContain("last run for all events (global)");
  });

  it("cuts the campaign list at the row cap and says so", async () => {
    // An event whose newest report has several campaigns.
    const [wide] = await db.sql<{ eid: string }[]>`
      select eid from (
        select distinct on (event_id) event_id as eid, jsonb_array_length(result->'campaigns') as n
        from ai_analysis_cache where analysis_type = 'meta_ads' order by event_id, created_at desc) newest
      where n > 1 order by eid limit 1`;
    const result = await runReadTool<MetaAdsDataResult>(
      db.sql,
      getMetaAdsData,
      { eid: wide?.eid },
      undefined,
      1,
    );
    expect(result.report?.campaigns).toHaveLength(1);
    expect(result.report?.campaigns_truncated).toBe(true);
    expect(getMetaAdsData.format(result)).toContain("list cut at 1");
  });

  it("names the error the newest cron run logged for this event", async () => {
    const [cached] = await db.sql<{ eid: string }[]>`
      select event_id as eid from ai_analysis_cache order by event_id limit 1`;
    const eid = cached?.eid ?? "";
    await db.sql`
      insert into meta_ads_cache_cron_log (executed_at, status, total_events, successful, failed, skipped, errors)
      values (now(), 'completed_with_errors', 3, 2, 1, 0,
              ${db.sql.json([{ eid, name: "x", error: "Meta API error (#17): User request limit reached" }])})`;
    const result = await runReadTool<MetaAdsDataResult>(db.sql, getMetaAdsData, { eid });
    expect(result.cron_last_run).toMatchObject({
      scope: "global",
      status: "completed_with_errors",
      error_for_this_event: "Meta API error (#17): User request limit reached",
    });
  });
});

describe("get_active_offers", () => {
  it("without an eid lists every live offer, soonest ending first, with its redemption count", async () => {
    const result = await runReadTool<ActiveOffersResult>(db.sql, getActiveOffers, {});
    const expected = await db.sql<{ id: string; redemptions: number }[]>`
      select o.id, (select count(*)::int from offer_redemptions r where r.offer_id = o.id) as redemptions
      from offers o
      where o.active and (o.start_date is null or o.start_date <= ${result.as_of})
        and (o.end_date is null or o.end_date > ${result.as_of})
      order by o.id`;
    const [{ n: notLive } = { n: 0 }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from offers
      where not active or end_date <= ${result.as_of} or start_date > ${result.as_of}`;
    expect(expected.length).toBeGreaterThan(0);
    expect(notLive).toBeGreaterThan(0);
    expect(result.matching).toBe(expected.length);
    expect(result.other_cities_only).toBeNull();
    expect(
      result.offers
        .map((o) => ({ id: o.id, redemptions: o.redemptions }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    ).toEqual(expected);
    const ends = result.offers.map((o) => o.ends_at ?? "9999");
    expect(ends).toEqual([...ends].sort());
  });

  it("with an eid keeps offers for everywhere and for the event's city, and counts those left out", async () => {
    // An event in a city that some live offer targets by name or id.
    const [target] = await db.sql<{ eid: string; city: string }[]>`
      select e.eid, c.name as city from events e join cities c on c.id = e.city_id
      where exists (select 1 from offers o where o.active and o.end_date > now()
                    and (c.name = any(o.geography_scope) or c.id::text = any(o.geography_scope)))
      order by e.event_start_datetime desc limit 1`;
    const result = await runReadTool<ActiveOffersResult>(db.sql, getActiveOffers, { eid: target?.eid });
    const live = db.sql`o.active and (o.start_date is null or o.start_date <= ${result.as_of})
                        and (o.end_date is null or o.end_date > ${result.as_of})`;
    const expected = await db.sql<{ id: string; everywhere: boolean }[]>`
      select o.id, o.geography_scope = '{}' as everywhere from offers o, events e join cities c on c.id = e.city_id
      where e.eid = ${target?.eid ?? ""} and ${live}
        and (o.geography_scope = '{}' or c.name = any(o.geography_scope) or c.id::text = any(o.geography_scope))
      order by o.id`;
    const [{ n: elsewhere } = { n: 0 }] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from offers o, events e join cities c on c.id = e.city_id
      where e.eid = ${target?.eid ?? ""} and ${live} and o.geography_scope <> '{}'
        and not (c.name = any(o.geography_scope) or c.id::text = any(o.geography_scope))`;
    expect(expected.some((o) => !o.everywhere)).toBe(true);
    expect(result.city).toBe(target?.city);
    expect(result.offers.map((o) => o.id).sort()).toEqual(expected.map((o) => o.id));
    expect(result.matching).toBe(expected.length);
    expect(result.other_cities_only).toBe(elsewhere);
    const targeted = result.offers.filter((o) => !o.everywhere);
    expect(targeted.every((o) => o.cities.includes(target?.city ?? ""))).toBe(true);
    expect(result.scoping).toContain("not tied to events");
  });

  it("is bounded by the row cap and says so", async () => {
    const result = await runReadTool<ActiveOffersResult>(db.sql, getActiveOffers, {}, undefined, 1);
    expect(result.matching).toBeGreaterThan(1);
    expect(result.offers).toHaveLength(1);
    expect(result.truncated).toBe(true);
    expect(getActiveOffers.format(result)).toContain("list cut at 1");
  });
});

describe("get_sponsorship_summary", () => {
  it("declares the prospect and buyer emails as PII", () => {
    expect(getSponsorshipSummary.pii).toEqual({ prospect_email: "email", buyer_email: "email" });
  });

  it("lists the event's invites and purchases and totals committed money per currency", async () => {
    const [busiest] = await db.sql<{ eid: string }[]>`
      select e.eid from sponsorship_purchases p join events e on e.id = p.event_id
      group by e.eid order by count(*) desc, e.eid limit 1`;
    const eid = busiest?.eid ?? "";
    const invites = await db.sql<{ id: string }[]>`
      select i.id from sponsorship_invites i join events e on e.id = i.event_id where e.eid = ${eid} order by i.id`;
    const purchases = await db.sql<{ id: string }[]>`
      select p.id from sponsorship_purchases p join events e on e.id = p.event_id where e.eid = ${eid} order by p.id`;
    const totals = await db.sql<{ currency: string; committed: string; purchases: number }[]>`
      select p.currency, coalesce(sum(p.total_amount) filter (where p.payment_status = 'paid'), 0)::text as committed,
             count(*)::int as purchases
      from sponsorship_purchases p join events e on e.id = p.event_id where e.eid = ${eid}
      group by p.currency order by p.currency`;
    const result = await runReadTool<SponsorshipSummaryResult>(db.sql, getSponsorshipSummary, { eid });
    expect(purchases.length).toBeGreaterThan(0);
    expect(result.invites.map((i) => i.id).sort()).toEqual(invites.map((r) => r.id));
    expect(result.invites_summary.invites).toBe(invites.length);
    expect(result.purchases.map((p) => p.id).sort()).toEqual(purchases.map((r) => r.id));
    expect(
      result.totals.map((t) => ({ currency: t.currency, committed: t.committed, purchases: t.purchases })),
    ).toEqual(totals);
  });

  it("never adds amounts in different currencies together", async () => {
    const [event] = await db.sql<{ id: string; eid: string; currency: string }[]>`
      select e.id, e.eid, e.currency from sponsorship_purchases p join events e on e.id = p.event_id
      order by p.created_at limit 1`;
    const other = event?.currency === "USD" ? "CAD" : "USD";
    await db.sql`
      insert into sponsorship_purchases (event_id, buyer_name, buyer_email, subtotal, total_amount, currency, payment_status)
      values (${event?.id ?? ""}, 'Test Buyer', 'buyer@example.com', 1234.56, 1234.56, ${other}, 'paid'),
             (${event?.id ?? ""}, 'Test Buyer 2', 'buyer2@example.com', 99.99, 99.99, ${other}, 'pending')`;
    const expected = await db.sql<{ currency: string; committed: string; pending: string }[]>`
      select currency, coalesce(sum(total_amount) filter (where payment_status = 'paid'), 0)::text as committed,
             coalesce(sum(total_amount) filter (where payment_status = 'pending'), 0)::text as pending
      from sponsorship_purchases where event_id = ${event?.id ?? ""} group by currency order by currency`;
    const result = await runReadTool<SponsorshipSummaryResult>(db.sql, getSponsorshipSummary, {
      eid: event?.eid,
    });
    expect(expected.length).toBe(2);
    expect(
      result.totals.map((t) => ({ currency: t.currency, committed: t.committed, pending: t.pending })),
    ).toEqual(expected);
    expect(result.totals.find((t) => t.currency === other)).toMatchObject({
      committed: "1234.56",
      pending: "99.99",
    });
    const text = getSponsorshipSummary.format(result);
    expect(text).toContain(`${other} 1234.56`);
  });

  it("is bounded by the row cap", async () => {
    const [crowded] = await db.sql<{ eid: string }[]>`
      select e.eid from sponsorship_invites i join events e on e.id = i.event_id
      group by e.eid having count(*) > 1 order by count(*) desc, e.eid limit 1`;
    const result = await runReadTool<SponsorshipSummaryResult>(
      db.sql,
      getSponsorshipSummary,
      { eid: crowded?.eid },
      undefined,
      1,
    );
    expect(result.invites).toHaveLength(1);
    expect(result.invites_truncated).toBe(true);
    expect(result.invites_summary.invites).toBeGreaterThan(1);
  });
});
