import { describe, expect, it } from "vitest";
import type {
  EventbriteDataResult,
  EventbriteFeesResult,
  EventbriteMappingResult,
} from "../../../src/packs/data-read/eventbrite.ts";
import {
  getEventbriteData,
  getEventbriteFees,
  getEventbriteMapping,
} from "../../../src/packs/data-read/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();
const MINUTE = 60_000;

interface Newest {
  name: string;
  start: string;
  fetched: Date;
  expires: Date;
  now: Date;
  tickets: number;
  gross: string;
  ticket_revenue: string;
  fees: string;
  eb_fees: string;
  net: string;
  currency: string;
  classes: number;
}

/** The newest cache row for the event's Eventbrite id, read independently of the tools. */
async function newestCacheRow(eid: string): Promise<Newest> {
  const [row] = await db.sql<Newest[]>`
    select x.eventbrite_event_name as name, x.eventbrite_start_date::text as start,
           x.fetched_at at time zone 'UTC' as fetched, x.expires_at at time zone 'UTC' as expires, now() as now,
           x.total_tickets_sold as tickets, x.gross_revenue::text as gross, x.ticket_revenue::text,
           x.total_fees::text as fees, x.eventbrite_fees::text as eb_fees, x.net_deposit::text as net,
           x.currency_code as currency, jsonb_array_length(x.ticket_classes) as classes
    from events e join eventbrite_api_cache x on x.eventbrite_id = e.eventbrite_id
    where e.eid = ${eid}
    order by x.fetched_at desc limit 1`;
  if (!row) throw new Error(`no Eventbrite cache rows for ${eid}`);
  return row;
}

/** An event other than AB4124 whose Eventbrite listing has been fetched. */
async function fetchedEvent(): Promise<string> {
  const [row] = await db.sql<{ eid: string }[]>`
    select e.eid from events e where e.eid <> 'AB4124' and e.eid not like 'AB99%'
      and exists (select 1 from eventbrite_api_cache x where x.eventbrite_id = e.eventbrite_id)
    order by e.event_start_datetime desc limit 1`;
  if (!row) throw new Error("no fetched Eventbrite listing in the seed");
  return row.eid;
}

describe("get_eventbrite_mapping", () => {
  it("shows that AB4124's listing names another city 23 days later", async () => {
    const newest = await newestCacheRow("AB4124");
    const [event] = await db.sql<{ city: string; local_date: string; days: number }[]>`
      select c.name as city, (e.event_start_datetime at time zone e.timezone_icann)::date::text as local_date,
             (${newest.start}::timestamp::date - (e.event_start_datetime at time zone e.timezone_icann)::date) as days
      from events e join cities c on c.id = e.city_id where e.eid = 'AB4124'`;
    const result = await runReadTool<EventbriteMappingResult>(db.sql, getEventbriteMapping, {
      eid: "AB4124",
    });
    expect(result.mismatch).toBe(true);
    expect(result.check).toMatchObject({
      event_city: "Portland",
      event_local_date: event?.local_date,
      eventbrite_event_name: newest.name,
      eventbrite_start_date: newest.start.replace(" ", "T"),
      name_mentions_city: false,
      days_apart: 23,
      mismatch: true,
    });
    expect(event?.days).toBe(23);
    expect(newest.name.toLowerCase()).not.toContain("portland");
    expect(result.issues.join(" ")).toContain("Portland");
    expect(result.issues.join(" ")).toContain("23 day");
    expect(getEventbriteMapping.format(result)).toContain("MISMATCH");
  });

  it("finds nothing wrong with a correctly linked listing, and flags a second event sharing its id", async () => {
    const eid = await fetchedEvent();
    const ok = await runReadTool<EventbriteMappingResult>(db.sql, getEventbriteMapping, { eid });
    expect(ok.check?.name_mentions_city).toBe(true);
    expect(ok.check?.days_apart).toBe(0);
    expect(ok.mismatch).toBe(false);
    expect(ok.issues).toEqual([]);

    await db.sql`
      insert into events (eid, name, eventbrite_id)
      select 'AB9960', 'AB9960 – copy', eventbrite_id from events where eid = ${eid}`;
    const shared = await runReadTool<EventbriteMappingResult>(db.sql, getEventbriteMapping, { eid });
    expect(shared.other_events_with_same_eventbrite_id).toEqual(["AB9960"]);
    expect(shared.mismatch).toBe(true);
  });
});

describe("get_eventbrite_data", () => {
  it("returns AB4124's newest cached figures, age and staleness, and warns about the wrong listing", async () => {
    const newest = await newestCacheRow("AB4124");
    const result = await runReadTool<EventbriteDataResult>(db.sql, getEventbriteData, { eid: "AB4124" });
    expect(result.status).toBe("ok");
    expect(result.snapshot).toMatchObject({
      fetched_at: newest.fetched.toISOString(),
      stale: newest.now > newest.expires,
      eventbrite_event_name: newest.name,
      currency: newest.currency,
      total_tickets_sold: newest.tickets,
      gross_revenue: newest.gross,
      total_fees: newest.fees,
      net_deposit: newest.net,
    });
    const age = (newest.now.getTime() - newest.fetched.getTime()) / MINUTE;
    expect(Math.abs((result.snapshot?.age_minutes ?? 0) - age)).toBeLessThanOrEqual(1);
    expect(result.snapshot?.ticket_classes).toHaveLength(newest.classes);
    expect(result.mapping?.mismatch).toBe(true);
    // Only chosen columns: no raw API payloads.
    const json = JSON.stringify(result);
    for (const blob of ["event_data", "sales_summary", "orders_summary"]) expect(json).not.toContain(blob);
  });

  it("says when an event has no Eventbrite link or nothing fetched yet", async () => {
    const notLinked = await runReadTool<EventbriteDataResult>(db.sql, getEventbriteData, { eid: "AB4098" });
    expect(notLinked).toMatchObject({ status: "not_linked", eventbrite_id: null, snapshot: null });
    const [unfetched] = await db.sql<{ eid: string; eventbrite_id: string }[]>`
      select e.eid, e.eventbrite_id from events e where coalesce(e.eventbrite_id, '') <> ''
        and not exists (select 1 from eventbrite_api_cache x where x.eventbrite_id = e.eventbrite_id)
      order by e.eid limit 1`;
    const noCache = await runReadTool<EventbriteDataResult>(db.sql, getEventbriteData, {
      eid: unfetched?.eid,
    });
    expect(noCache).toMatchObject({
      status: "no_cache",
      eventbrite_id: unfetched?.eventbrite_id,
      snapshot: null,
    });
    expect(noCache.note).toContain("refresh_eventbrite_data");
  });
});

describe("get_eventbrite_fees", () => {
  it("breaks down the newest cached fees and payout of a fetched event, in its currency", async () => {
    const eid = await fetchedEvent();
    const newest = await newestCacheRow(eid);
    const result = await runReadTool<EventbriteFeesResult>(db.sql, getEventbriteFees, { eid });
    const cents = (v: string) => Math.round(Number(v) * 100);
    expect(result).toMatchObject({
      status: "ok",
      currency: newest.currency,
      currency_matches_event: true,
      total_tickets_sold: newest.tickets,
      gross_revenue: newest.gross,
      ticket_revenue: newest.ticket_revenue,
      eventbrite_fees: newest.eb_fees,
      total_fees: newest.fees,
      net_deposit: newest.net,
      fetched_at: newest.fetched.toISOString(),
      fee_percent_of_gross: ((cents(newest.fees) / cents(newest.gross)) * 100).toFixed(2),
    });
    expect(cents(newest.gross)).toBeGreaterThan(0);
    expect(getEventbriteFees.format(result)).toContain(`Net deposit: ${newest.currency} ${newest.net}`);
  });
});
