import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import type { EventConfig } from "../../../src/packs/data-read/event-config.ts";
import type { EventSummary } from "../../../src/packs/data-read/event-summary.ts";
import { getEventConfig, getEventSummary, lookupEvent } from "../../../src/packs/data-read/index.ts";
import type { LookupEventResult } from "../../../src/packs/data-read/lookup-event.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();
const HOUR = 3_600_000;

type CityResult = Extract<LookupEventResult, { mode: "city" }>;

/** Cents from a decimal string, for exact sums in the tests. */
const cents = (value: string | null) => (value === null ? 0 : Math.round(Number(value) * 100));
const decimal = (c: number) => (c / 100).toFixed(2);

describe("lookup_event", () => {
  it("finds AB4001 by a lower-case eid: Toronto, its venue and its local start time", async () => {
    const [row] = await db.sql<
      {
        name: string;
        starts: Date;
        local: string;
        venue: string;
        address: string;
        currency: string;
        eb: string;
      }[]
    >`
      select e.name, e.event_start_datetime as starts, v.name as venue, v.address, e.currency, e.eventbrite_id as eb,
             to_char(e.event_start_datetime at time zone 'America/Toronto', 'YYYY-MM-DD"T"HH24:MI') as local
      from events e join venues v on v.id = e.venue_id where e.eid = 'AB4001'`;
    const result = await runReadTool<LookupEventResult>(db.sql, lookupEvent, { eid: "ab4001" });
    if (result.mode !== "eid") throw new Error("expected an eid lookup");
    expect(result.event).toMatchObject({
      eid: "AB4001",
      name: row?.name,
      city: "Toronto",
      country: "Canada",
      venue: row?.venue,
      venue_address: row?.address,
      starts_at: row?.starts.toISOString(),
      local_start: row?.local,
      timezone: "America/Toronto",
      currency: row?.currency,
      eventbrite_id: row?.eb,
      phase: "past",
      visible_in_app: true,
    });
    // An evening show: the local wall clock is not the UTC one.
    expect(result.event.local_start).toMatch(/T19:00$/);
  });

  it("lists the live and upcoming shows of every matching city, soonest first, by the database clock", async () => {
    const events = await db.sql<{ eid: string; city: string; starts: Date; ends: Date | null }[]>`
      select e.eid, c.name as city, e.event_start_datetime as starts, e.event_end_datetime as ends
      from events e join cities c on c.id = e.city_id where e.event_start_datetime is not null`;
    const [clock] = await db.sql<{ now: Date }[]>`select now()`;
    const now = clock?.now.getTime() ?? 0;
    const endOf = (e: (typeof events)[number]) =>
      (e.ends ?? new Date(e.starts.getTime() + 4 * HOUR)).getTime();
    const inCity = events.filter((e) => e.city.toLowerCase().includes("san"));
    const upcoming = inCity
      .filter((e) => endOf(e) > now)
      .sort((a, b) => a.starts.getTime() - b.starts.getTime())
      .map((e) => e.eid);
    const past = inCity
      .filter((e) => endOf(e) <= now)
      .sort((a, b) => b.starts.getTime() - a.starts.getTime())
      .slice(0, 3)
      .map((e) => e.eid);

    const result = await runReadTool<CityResult>(db.sql, lookupEvent, { city: "SAN" });
    expect(result.mode).toBe("city");
    expect(result.matched_cities.map((c) => c.city)).toContain("San Francisco");
    expect(result.upcoming.map((e) => e.eid)).toEqual(upcoming.slice(0, 10));
    expect(result.recent_past.map((e) => e.eid)).toEqual(past);
    expect(past.length).toBeGreaterThan(0);
    for (const e of result.upcoming) expect(["upcoming", "live"]).toContain(e.phase);
  });

  it("caps a city search at `limit` and says so", async () => {
    const [city] = await db.sql<{ id: string }[]>`
      insert into cities (name, country_id) select 'Testville', id from countries where code = 'US' returning id`;
    await db.sql`
      insert into events (eid, name, city_id, event_start_datetime, event_end_datetime, timezone_icann, enabled)
      select 'AB99' || n, 'AB99' || n || ' – Testville', ${city?.id ?? null},
             now() + n * interval '1 day', now() + n * interval '1 day' + interval '3 hours', 'America/Chicago', true
      from generate_series(1, 3) n`;
    const one = await runReadTool<CityResult>(db.sql, lookupEvent, { city: "testville", limit: 2 });
    expect(one.upcoming.map((e) => e.eid)).toEqual(["AB991", "AB992"]);
    expect(one.truncated).toBe(true);
    const all = await runReadTool<CityResult>(db.sql, lookupEvent, { city: "testville" });
    expect(all.upcoming.map((e) => e.eid)).toEqual(["AB991", "AB992", "AB993"]);
    expect(all.truncated).toBe(false);
    // The gateway's row cap wins over a larger limit.
    const capped = await runReadTool<CityResult>(db.sql, lookupEvent, { city: "testville" }, undefined, 1);
    expect(capped.upcoming).toHaveLength(1);
    expect(capped.truncated).toBe(true);
  });

  it("treats LIKE wildcards in the city as literal text", async () => {
    const [cities] = await db.sql<{ n: number }[]>`select count(*)::int as n from cities`;
    expect(cities?.n).toBeGreaterThan(10);
    for (const city of ["%", "_", "San%"]) {
      const result = await runReadTool<CityResult>(db.sql, lookupEvent, { city });
      expect(result.matched_cities).toEqual([]);
      expect(result.upcoming).toEqual([]);
      expect(result.recent_past).toEqual([]);
    }
  });

  it("asks for an eid or a city when given neither, and rejects a limit over 25", async () => {
    const call = runReadTool(db.sql, lookupEvent, {});
    await expect(call).rejects.toBeInstanceOf(ToolError);
    await expect(call).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(runReadTool(db.sql, lookupEvent, { city: "Toronto", limit: 26 })).rejects.toThrow();
  });
});

describe("get_event_config", () => {
  it("returns AB4120's auction, publication and ticketing settings and nothing private", async () => {
    const [row] = await db.sql<Record<string, string | boolean | number | null>[]>`
      select auction_start_bid::text, min_bid_increment::text, currency, artist_auction_portion::text,
             enabled, show_in_app, eventbrite_id, door_time::text, auction_close_round_delay, capacity,
             stripe_account_region, tax::text
      from events where eid = 'AB4120'`;
    const config = await runReadTool<EventConfig>(db.sql, getEventConfig, { eid: "AB4120" });
    expect(config.auction).toMatchObject({
      currency: row?.currency,
      auction_start_bid: row?.auction_start_bid,
      min_bid_increment: row?.min_bid_increment,
      artist_auction_portion: row?.artist_auction_portion,
      auction_close_round_delay_minutes: row?.auction_close_round_delay,
      stripe_account_region: row?.stripe_account_region,
    });
    expect(config.publication).toMatchObject({ enabled: row?.enabled, show_in_app: row?.show_in_app });
    expect(config.ticketing).toMatchObject({ eventbrite_id: row?.eventbrite_id, tax_percent: row?.tax });
    expect(config.schedule.door_time).toBe(row?.door_time);
    expect(config.place).toMatchObject({ city: "Vancouver", capacity: row?.capacity });
    const keys = JSON.stringify(config);
    for (const hidden of [
      '"email"',
      '"phone_number"',
      '"description"',
      "food_beverage",
      "mongo_id",
      "sponsor",
    ]) {
      expect(keys).not.toContain(hidden);
    }
  });
});

describe("get_event_summary", () => {
  it("adds up AB4001's artworks, sales, bids and votes with the stated sales rule", async () => {
    const art = await db.sql<
      { status: string; final_price: string | null; current_bid: string | null; artist: string }[]
    >`
      select a.status::text as status, a.final_price::text, a.current_bid::text, a.artist_id::text as artist
      from art a join events e on e.id = a.event_id where e.eid = 'AB4001'`;
    const sold = art.filter((a) => a.status === "sold" || a.status === "paid");
    const values = sold.map((a) => cents(a.final_price ?? a.current_bid));
    const [activity] = await db.sql<
      { bids: number; bidders: number; votes: number; voters: number; weighted: string }[]
    >`
      select (select count(*)::int from bids b join art a on a.id = b.art_id where a.event_id = e.id) as bids,
             (select count(distinct b.person_id)::int from bids b join art a on a.id = b.art_id
               where a.event_id = e.id) as bidders,
             (select count(*)::int from votes where eid = e.eid) as votes,
             (select count(distinct person_id)::int from votes where eid = e.eid) as voters,
             (select sum(vote_factor)::text from votes where eid = e.eid) as weighted
      from events e where e.eid = 'AB4001'`;

    const summary = await runReadTool<EventSummary>(db.sql, getEventSummary, { eid: "AB4001" });
    expect(summary.artworks.total).toBe(art.length);
    expect(summary.artworks.artists).toBe(new Set(art.map((a) => a.artist)).size);
    expect(summary.artworks.by_status.paid).toBe(art.filter((a) => a.status === "paid").length);
    expect(summary.sales).toMatchObject({
      currency: "CAD",
      sold: sold.length,
      revenue: decimal(values.reduce((s, v) => s + v, 0)),
      highest_sale: decimal(Math.max(...values)),
    });
    expect(summary.sales.rule).toContain("COALESCE(final_price, current_bid, 0)");
    expect(summary.bidding).toEqual({ bids: activity?.bids, bidders: activity?.bidders });
    expect(summary.voting.votes).toBe(activity?.votes);
    expect(summary.voting.voters).toBe(activity?.voters);
    expect(Number(summary.voting.weighted_total)).toBeCloseTo(Number(activity?.weighted), 2);
    expect(summary.rounds).toBe(3);
  });
});
