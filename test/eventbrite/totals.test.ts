import { describe, expect, it } from "vitest";
import {
  compareListing,
  dataQuality,
  multiplyDecimal,
  orderCacheRow,
  salesTotals,
  subtractDecimal,
  sumDecimals,
} from "../../src/eventbrite/index.ts";
import { fakeOrder, fakeTicketClass } from "../helpers/fake-eventbrite.ts";

describe("decimal amounts", () => {
  it("add, subtract and multiply exactly, where floats would drift", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(["0.10", "0.20"])).toBe("0.30");
    expect(sumDecimals([])).toBe("0.00");
    expect(sumDecimals(["12", "0.5", "0.125"])).toBe("12.625");
    expect(sumDecimals(Array.from({ length: 1000 }, () => "19.99"))).toBe("19990.00");
    expect(sumDecimals(["90071992547409.93", "0.01"])).toBe("90071992547409.94");
    expect(subtractDecimal("10.00", "12.50")).toBe("-2.50");
    expect(multiplyDecimal("34.99", 3)).toBe("104.97");
    expect(() => sumDecimals(["1e3"])).toThrow();
  });
});

describe("compareListing", () => {
  const event = { city: "Montréal", localDate: "2026-12-05", startsAt: new Date("2026-12-06T00:00:00Z") };

  it("accepts the city without accents and a start a day off", () => {
    const check = compareListing(
      event,
      { name: "Art Battle MONTREAL - December 6", startLocal: "2026-12-06T19:00:00" },
      "cached",
    );
    expect(check).toEqual({ name_mentions_city: true, days_apart: 1, matches: true, issues: [] });
  });

  it("flags another city and a date more than a day away, by local date or by UTC instant", () => {
    const cached = compareListing(
      event,
      { name: "Art Battle Boston", startLocal: "2026-12-28 19:00:00" },
      "cached",
    );
    expect(cached.matches).toBe(false);
    expect(cached.days_apart).toBe(23);
    expect(cached.issues).toHaveLength(2);
    expect(cached.issues[1]).toContain("23 day(s) after the event (2026-12-05)");
    const live = compareListing(
      event,
      { name: "Art Battle Montreal", startLocal: null, startUtc: "2026-12-03T23:00:00Z" },
      "live",
    );
    expect(live).toMatchObject({ name_mentions_city: true, days_apart: -2, matches: false });
    expect(live.issues[0]).toContain("before");
  });
});

describe("salesTotals and dataQuality", () => {
  const ga = fakeTicketClass("1", "tc-ga", "GA", "CAD", 3500, 100);
  const buyer = { first: "A", last: "B", email: "a.b@example.net" };
  const order = (id: string, count: number, status = "placed", currency = "CAD") =>
    fakeOrder({
      id,
      eventId: "1",
      created: new Date("2026-11-01T12:00:00Z"),
      status,
      currency,
      buyer,
      tickets: [{ ticketClass: ga, count }],
    });

  it("counts every ticket of placed orders and sums only the listing's currency", () => {
    const orders = [order("1", 3), order("2", 1), order("3", 2, "refunded"), order("4", 2, "placed", "USD")];
    const totals = salesTotals(orders, "CAD");
    expect(totals).toMatchObject({
      currency: "CAD",
      orders: 4,
      placed_orders: 3,
      tickets_sold: 6,
      orders_by_status: { placed: 3, refunded: 1 },
      ticket_revenue: "140.00",
      other_currency_orders: 1,
    });
    const grossMinor = [orders[0], orders[1]].reduce((n, o) => n + (o?.costs?.gross?.value ?? 0), 0);
    expect(totals.gross_revenue).toBe((grossMinor / 100).toFixed(2));
    const quality = dataQuality({
      totals,
      classes: [{ ...ga, quantity_sold: 4 }],
      capacity: 100,
      ordersComplete: true,
    });
    expect(quality.flags).toEqual(["TICKET_COUNT_MISMATCH", "OTHER_CURRENCY_ORDERS"]);
    expect(quality.score).toBe(75);
  });

  it("scores a clean fetch 100 and an empty one low", () => {
    const totals = salesTotals([order("1", 2)], null);
    expect(totals.currency).toBe("CAD");
    expect(
      dataQuality({ totals, classes: [{ ...ga, quantity_sold: 2 }], capacity: 100, ordersComplete: true }),
    ).toEqual({ score: 100, flags: [] });
    const empty = dataQuality({ totals, classes: [], capacity: null, ordersComplete: false });
    expect(empty.flags).toEqual(["NO_TICKET_CLASSES", "ORDERS_INCOMPLETE", "NO_CAPACITY_DATA"]);
    expect(empty.score).toBe(35);
  });

  it("an order row keeps every attendee but no attendee contact details", () => {
    const o = order("9", 4);
    const row = orderCacheRow(o);
    expect(row).toMatchObject({
      order_id: "9",
      attendee_count: 4,
      buyer_email: buyer.email,
      currency_code: "CAD",
    });
    expect(row.attendees).toHaveLength(4);
    expect(JSON.stringify(row.attendees)).not.toContain(buyer.email);
    expect(row.order_raw).not.toHaveProperty("attendees");
    expect(row.gross).toBe(o.costs?.gross?.major_value);
  });
});
