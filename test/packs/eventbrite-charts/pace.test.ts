import { describe, expect, it } from "vitest";
import { ticketPace } from "../../../src/packs/eventbrite-charts/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";

const db = useTestDatabase();

async function eventId(eid: string): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`select id from events where eid = ${eid}`;
  if (!row) throw new Error(`no event ${eid}`);
  return row.id;
}

describe("ticketPace", () => {
  it("accumulates every ticket of AB4125's sold orders by days before the event", async () => {
    const id = await eventId("AB4125");
    const [expected] = await db.sql<{ tickets: number; orders: number; earliest: number }[]>`
      select sum(coalesce(nullif(o.attendee_count, 0), nullif(jsonb_array_length(o.attendees), 0), 1))::int as tickets,
             count(*)::int as orders,
             max(floor(extract(epoch from e.event_start_datetime - o.order_created) / 86400))::int as earliest
      from eventbrite_orders_cache o join events e on e.id = o.event_id
      where o.event_id = ${id} and o.order_status in ('placed', 'Attending')`;
    const pace = await ticketPace(db.sql, id);
    expect(expected?.orders).toBeGreaterThan(0);
    expect(pace.orders).toBe(expected?.orders);
    expect(pace.totalTickets).toBe(expected?.tickets);
    expect(pace.points[0]?.daysBefore).toBe(expected?.earliest);
    expect(pace.points.at(-1)?.tickets).toBe(expected?.tickets);
    for (let i = 1; i < pace.points.length; i++) {
      const [before, after] = [pace.points[i - 1], pace.points[i]];
      expect(after?.daysBefore).toBeLessThan(before?.daysBefore ?? 0);
      expect(after?.tickets).toBeGreaterThan(before?.tickets ?? 0);
    }
  });

  it("counts a multi-ticket order in full (the original kept one attendee per order)", async () => {
    const id = await eventId("AB4130");
    const before = await ticketPace(db.sql, id);
    const [order] = await db.sql<{ eid: string; eventbrite_event_id: string }[]>`
      select eid, eventbrite_event_id from eventbrite_orders_cache where event_id = ${id} limit 1`;
    await db.sql`
      insert into eventbrite_orders_cache (event_id, eid, eventbrite_event_id, order_id, order_created, order_status, attendee_count)
      values (${id}, ${order?.eid ?? "AB4130"}, ${order?.eventbrite_event_id ?? "x"}, 'test-order-4-tickets',
              now() - interval '2 days', 'placed', 4),
             (${id}, ${order?.eid ?? "AB4130"}, ${order?.eventbrite_event_id ?? "x"}, 'test-order-refunded',
              now() - interval '2 days', 'refunded', 3)`;
    const after = await ticketPace(db.sql, id);
    expect(after.totalTickets).toBe(before.totalTickets + 4);
    expect(after.orders).toBe(before.orders + 1);
  });
});
