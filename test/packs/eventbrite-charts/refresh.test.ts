import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventbriteApi } from "../../../src/catalog/index.ts";
import type { Sql } from "../../../src/db/index.ts";
import {
  createEventbriteApi,
  type EbMoney,
  type EbOrder,
  type EbTicketClass,
} from "../../../src/eventbrite/index.ts";
import {
  type RefreshResult,
  refreshEventbriteData,
} from "../../../src/packs/eventbrite-charts/refresh-eventbrite.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import {
  type FakeEventbrite,
  fakeOrder,
  fakeTicketClass,
  startFakeEventbrite,
} from "../../helpers/fake-eventbrite.ts";
import { refusalOf, runWriteTool } from "../../helpers/tools.ts";

const db = useTestDatabase();
let fake: FakeEventbrite;
let api: EventbriteApi;

interface Listing {
  id: string;
  ebid: string;
  city: string;
  currency: string;
  timezone: string;
  start_local: string;
  start_utc: string;
}

/** The seeded event's facts, as a real Eventbrite listing for it would show them. */
async function listingOf(eid: string): Promise<Listing> {
  const [row] = await db.sql<Listing[]>`
    select e.id, e.eventbrite_id as ebid, c.name as city, e.currency, e.timezone_icann as timezone,
           to_char(e.event_start_datetime at time zone e.timezone_icann, 'YYYY-MM-DD"T"HH24:MI:SS') as start_local,
           to_char(e.event_start_datetime at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start_utc
    from events e join cities c on c.id = e.city_id
    where e.eid = ${eid} and nullif(e.eventbrite_id, '') is not null`;
  if (!row) throw new Error(`${eid} is not a linked event in the seed`);
  return row;
}

/** Serve a listing for the seeded event with `n` orders of 1–4 tickets; `status(i)` picks each order's status. */
function serve(l: Listing, n: number, status: (i: number) => string, firstOrderId?: string) {
  const classes: EbTicketClass[] = [
    fakeTicketClass(l.ebid, "tc-early", "Early Bird", l.currency, 2800, 40),
    fakeTicketClass(l.ebid, "tc-ga", "General Admission", l.currency, 3500, 150),
    fakeTicketClass(l.ebid, "tc-vip", "VIP", l.currency, 6000, 10),
  ];
  const start = Date.parse(l.start_utc);
  const orders = Array.from({ length: n }, (_, i) =>
    fakeOrder({
      id: i === 0 && firstOrderId ? firstOrderId : `77${l.ebid.slice(-6)}${String(i).padStart(4, "0")}`,
      eventId: l.ebid,
      created: new Date(start - (40 - i) * 86_400_000),
      status: status(i),
      currency: l.currency,
      buyer: { first: "Pat", last: `Buyer${i}`, email: `pat.buyer${i}@example.net` },
      tickets: [{ ticketClass: classes[i % 3] as EbTicketClass, count: 1 + (i % 4) }],
      taxMinor: i % 5 === 0 ? 150 : 0,
    }),
  );
  return fake.addEvent({
    id: l.ebid,
    name: `Art Battle ${l.city} - listing for tests`,
    timezone: l.timezone,
    startLocal: l.start_local,
    startUtc: l.start_utc,
    currency: l.currency,
    capacity: 200,
    ticketClasses: classes,
    orders,
  });
}

/** Sums in minor units, from the fake's orders: independent of the tool's decimal arithmetic. */
function expectedTotals(orders: readonly EbOrder[], currency: string) {
  const placed = orders.filter((o) => o.status === "placed" && o.costs?.gross?.currency === currency);
  const sum = (pick: (o: EbOrder) => EbMoney | undefined) =>
    placed.reduce((n, o) => n + (pick(o)?.value ?? 0), 0);
  const text = (minor: number) => (minor / 100).toFixed(2);
  const gross = sum((o) => o.costs?.gross);
  const fees = sum((o) => o.costs?.eventbrite_fee) + sum((o) => o.costs?.payment_fee);
  return {
    tickets: placed.reduce((n, o) => n + (o.attendees?.length ?? 0), 0),
    gross: text(gross),
    ticketRevenue: text(sum((o) => o.costs?.base_price)),
    taxes: text(sum((o) => o.costs?.tax)),
    ebFees: text(sum((o) => o.costs?.eventbrite_fee)),
    paymentFees: text(sum((o) => o.costs?.payment_fee)),
    fees: text(fees),
    net: text(gross - fees),
    placedOrders: placed.length,
  };
}

const count = async (table: "eventbrite_api_cache" | "eventbrite_orders_cache", eid: string) => {
  const [row] =
    table === "eventbrite_api_cache"
      ? await db.sql<{ n: number }[]>`select count(*)::int as n from eventbrite_api_cache where eid = ${eid}`
      : await db.sql<
          { n: number }[]
        >`select count(*)::int as n from eventbrite_orders_cache where eid = ${eid}`;
  return row?.n ?? -1;
};

const refresh = (eid: string, force = false, eventbrite: EventbriteApi | null = api) =>
  runWriteTool<RefreshResult>(db.sql, refreshEventbriteData, { eid, force }, { eventbrite });

beforeAll(async () => {
  fake = await startFakeEventbrite();
  const client = createEventbriteApi(fake.settings(), { timeoutMs: 5000 });
  if (!client) throw new Error("expected a client");
  api = client;
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe("refresh_eventbrite_data", () => {
  it("is a write for ops, event producers and marketing only", () => {
    expect(refreshEventbriteData.policy).toMatchObject({ writes: true, risk: "low", maxCallsPerRequest: 2 });
    expect([...refreshEventbriteData.policy.roles].sort()).toEqual(["event-producer", "marketing", "ops"]);
    expect(refreshEventbriteData.input.parse({ eid: " ab4125 " })).toEqual({ eid: "AB4125", force: false });
  });

  it("without a token: UPSTREAM naming EB_PRIVATE_TOKEN and the cache it keeps using; writes nothing", async () => {
    const [newest] = await db.sql<{ fetched: Date }[]>`
      select x.fetched_at at time zone 'UTC' as fetched
      from eventbrite_api_cache x join events e on e.eventbrite_id = x.eventbrite_id
      where e.eid = 'AB4125' order by x.fetched_at desc limit 1`;
    const before = [
      await count("eventbrite_api_cache", "AB4125"),
      await count("eventbrite_orders_cache", "AB4125"),
    ];
    const error = await refusalOf(refresh("AB4125", true, null));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("EB_PRIVATE_TOKEN");
    expect(error.message).toContain(newest?.fetched.toISOString());
    expect(error.details).toMatchObject({ cache_fetched_at: newest?.fetched.toISOString() });
    expect([
      await count("eventbrite_api_cache", "AB4125"),
      await count("eventbrite_orders_cache", "AB4125"),
    ]).toEqual(before);
  });

  it("refuses an unknown event and one without an Eventbrite id", async () => {
    expect((await refusalOf(refresh("AB999999"))).code).toBe("NOT_FOUND");
    const [unlinked] = await db.sql<{ eid: string }[]>`
      select eid from events where nullif(eventbrite_id, '') is null order by eid limit 1`;
    const error = await refusalOf(refresh(unlinked?.eid ?? "AB4098"));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain("no Eventbrite id");
    expect(fake.requests).toEqual([]);
  });

  it("stores every order with all its tickets and appends totals equal to the fake's sums", async () => {
    const l = await listingOf("AB4125");
    const [seeded] = await db.sql<{ order_id: string }[]>`
      select order_id from eventbrite_orders_cache where eid = 'AB4125' order by order_id limit 1`;
    const served = serve(l, 12, (i) => (i === 5 ? "refunded" : "placed"), seeded?.order_id);
    fake.pageSize = 5;
    const cacheRowsBefore = await count("eventbrite_api_cache", "AB4125");

    const result = await refresh("AB4125");
    const want = expectedTotals(served.orders, l.currency);
    expect(result).toMatchObject({
      status: "refreshed",
      orders_fetched: 12,
      orders_inserted: 11,
      orders_updated: 1,
      pages_read: 3,
      complete: true,
      ticket_classes: 3,
      tickets_sold: want.tickets,
      currency: l.currency,
      gross_revenue: want.gross,
      total_fees: want.fees,
      net_deposit: want.net,
      warnings: [],
    });
    expect(want.tickets).toBeGreaterThan(want.placedOrders);
    expect(
      fake.requests.filter((r) => r.path.endsWith("/orders/")).every((r) => r.query.expand === "attendees"),
    ).toBe(true);

    const rows = await db.sql<
      {
        order_id: string;
        attendee_count: number;
        gross: string;
        order_status: string;
        fetched_by: string;
        email: string;
      }[]
    >`
      select order_id, attendee_count, gross::text, order_status, fetched_by, buyer_email as email
      from eventbrite_orders_cache where order_id in ${db.sql(served.orders.map((o) => o.id))}`;
    expect(rows).toHaveLength(12);
    for (const order of served.orders) {
      const row = rows.find((r) => r.order_id === order.id);
      expect(row).toMatchObject({
        attendee_count: order.attendees?.length,
        gross: order.costs?.gross?.major_value,
        order_status: order.status,
        fetched_by: "arthur-refresh",
        email: order.email,
      });
    }

    expect(await count("eventbrite_api_cache", "AB4125")).toBe(cacheRowsBefore + 1);
    const [cache] = await db.sql`
      select id, total_tickets_sold, gross_revenue::text, ticket_revenue::text, taxes_collected::text,
             eventbrite_fees::text, payment_processing_fees::text, total_fees::text, net_deposit::text,
             currency_code, total_capacity, api_response_status, fetch_reason, fetched_by,
             eventbrite_event_name, to_char(eventbrite_start_date, 'YYYY-MM-DD"T"HH24:MI:SS') as start_local,
             extract(epoch from expires_at - fetched_at)::int as ttl_s,
             abs(extract(epoch from (fetched_at at time zone 'UTC') - now()))::int as skew_s,
             ticket_classes, data_quality_flags
      from eventbrite_api_cache where eventbrite_id = ${l.ebid} order by fetched_at desc limit 1`;
    expect(cache).toMatchObject({
      id: result.cache_row?.id,
      total_tickets_sold: want.tickets,
      gross_revenue: want.gross,
      ticket_revenue: want.ticketRevenue,
      taxes_collected: want.taxes,
      eventbrite_fees: want.ebFees,
      payment_processing_fees: want.paymentFees,
      total_fees: want.fees,
      net_deposit: want.net,
      currency_code: l.currency,
      total_capacity: 200,
      api_response_status: "success",
      fetch_reason: "mcp_refresh",
      fetched_by: "arthur-refresh",
      eventbrite_event_name: served.event.name.text,
      start_local: l.start_local,
      ttl_s: 6 * 3600,
      data_quality_flags: [],
    });
    expect(cache?.skew_s).toBeLessThan(60);
    const sold = (id: string) =>
      served.orders
        .filter((o) => o.status === "placed")
        .flatMap((o) => o.attendees ?? [])
        .filter((a) => a.ticket_class_id === id).length;
    expect(cache?.ticket_classes).toEqual(
      served.ticketClasses.map((t) => ({
        name: t.name,
        price: t.cost?.major_value,
        quantity_sold: sold(t.id),
        quantity_total: t.quantity_total,
        ticket_revenue: ((sold(t.id) * (t.cost?.value ?? 0)) / 100).toFixed(2),
        on_sale_status: "AVAILABLE",
      })),
    );
  });

  it("skips within 60 minutes unless forced; a forced run updates in place without duplicates", async () => {
    const l = await listingOf("AB4125");
    const served = fake.events.get(l.ebid);
    if (!served) throw new Error("the previous test serves AB4125");
    const cacheRows = await count("eventbrite_api_cache", "AB4125");
    const orderRows = await count("eventbrite_orders_cache", "AB4125");

    const skipped = await refresh("AB4125");
    expect(skipped.status).toBe("skipped");
    expect(skipped.reason).toContain("under 60 min");
    expect(skipped.previous_cache_age_minutes).toBeLessThan(60);
    expect(refreshEventbriteData.format(skipped)).toContain("force");
    expect(fake.requests).toEqual([]);

    // A buyer is refunded between the two fetches.
    const refunded = served.orders.find((o) => o.status === "placed" && (o.attendees?.length ?? 0) > 1);
    if (!refunded) throw new Error("expected a multi-ticket order");
    refunded.status = "refunded";
    const forced = await refresh("AB4125", true);
    const want = expectedTotals(served.orders, l.currency);
    expect(forced).toMatchObject({
      status: "refreshed",
      orders_fetched: 12,
      orders_inserted: 0,
      orders_updated: 12,
      tickets_sold: want.tickets,
      gross_revenue: want.gross,
    });
    expect(await count("eventbrite_orders_cache", "AB4125")).toBe(orderRows);
    expect(await count("eventbrite_api_cache", "AB4125")).toBe(cacheRows + 1);
    const [row] = await db.sql<{ order_status: string }[]>`
      select order_status from eventbrite_orders_cache where order_id = ${refunded.id}`;
    expect(row?.order_status).toBe("refunded");
  });

  it("reads at most 20 pages and records the totals as partial; writes UTC whatever the session zone", async () => {
    const l = await listingOf("AB4130");
    serve(l, 23, () => "placed");
    fake.pageSize = 1;
    // fetched_at/expires_at are `timestamp` holding UTC: a session in another zone must not shift them.
    const auckland = postgres(db.url, {
      max: 1,
      connection: { TimeZone: "Pacific/Auckland" },
      onnotice: () => {},
    });
    const result = await runWriteTool<RefreshResult>(
      auckland as unknown as Sql,
      refreshEventbriteData,
      { eid: "AB4130", force: true },
      { eventbrite: api },
    ).finally(() => auckland.end());
    const [written] = await db.sql<{ skew_s: number }[]>`
      select abs(extract(epoch from (fetched_at at time zone 'UTC') - now()))::int as skew_s
      from eventbrite_api_cache where id = ${result.cache_row?.id ?? null}`;
    expect(written?.skew_s).toBeLessThan(60);
    expect(result).toMatchObject({ pages_read: 20, complete: false, orders_fetched: 20 });
    expect(result.warnings.join(" ")).toContain("partial");
    expect(result.cache_row).toMatchObject({ api_response_status: "partial" });
    expect(result.cache_row?.data_quality_flags).toContain("ORDERS_INCOMPLETE");
    expect(fake.requests.filter((r) => r.path.endsWith("/orders/"))).toHaveLength(20);
  });

  it("an Eventbrite failure is UPSTREAM and writes nothing", async () => {
    const before = [
      await count("eventbrite_api_cache", "AB4130"),
      await count("eventbrite_orders_cache", "AB4130"),
    ];
    fake.fail({ path: /\/orders\/$/, status: 429, headers: { "retry-after": "60" } });
    const error = await refusalOf(refresh("AB4130", true));
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("retry after 60 s");
    expect([
      await count("eventbrite_api_cache", "AB4130"),
      await count("eventbrite_orders_cache", "AB4130"),
    ]).toEqual(before);
  });
  it("warns when the listing looks like another show (AB4124), and answers a concurrent refresh at once", async () => {
    const l = await listingOf("AB4124");
    const later = new Date(Date.parse(l.start_utc) + 23 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const served = serve({ ...l, start_utc: later, start_local: later.slice(0, 19) }, 3, () => "placed");
    served.event.name.text = "Art Battle Somewhere Else - listing for tests";
    // The first refresh holds its lock while Eventbrite is slow to send the orders.
    fake.fail({ path: /\/orders\/$/, delayMs: 1000, times: 1 });
    const ordersRequested = async () => {
      while (!fake.requests.some((r) => r.path.endsWith("/orders/")))
        await new Promise((r) => setTimeout(r, 10));
    };
    const [first, second] = await Promise.all([
      refresh("AB4124", true),
      ordersRequested().then(() => refresh("AB4124", true)),
    ]);
    expect(first.status).toBe("refreshed");
    expect(first.warnings.join(" ")).toContain(`does not mention the event's city, ${l.city}`);
    expect(first.warnings.join(" ")).toContain("23 day(s) after");
    expect(second).toMatchObject({ status: "skipped", cache_row: null });
    expect(second.reason).toContain("Another refresh");
  });
});
