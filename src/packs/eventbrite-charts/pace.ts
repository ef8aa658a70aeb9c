import type { Sql } from "../../db/index.ts";

/** Orders that hold tickets: Eventbrite's placed orders and attendee-level rows marked Attending. */
export const SOLD_ORDER_STATUSES = ["placed", "Attending"] as const;

export interface PacePoint {
  /** Whole days between the order and the event start (0 = the event day or later). */
  daysBefore: number;
  /** Tickets sold up to and including that day. */
  tickets: number;
}

export interface TicketPace {
  eventId: string;
  points: PacePoint[];
  /** Every ticket of every sold order, whatever its date. */
  totalTickets: number;
  orders: number;
}

/**
 * Cumulative tickets sold by days before the event, from `eventbrite_orders_cache`. An order counts
 * all its tickets (`attendee_count`, else the attendees listed on it, else one): the original
 * stored one row per attendee and kept only the first of each order, undercounting multi-ticket
 * orders. Sales on or after the start (door sales) count on day 0.
 */
export async function ticketPace(sql: Sql, eventId: string): Promise<TicketPace> {
  const days = await sql<{ days_before: number; tickets: number; orders: number }[]>`
    select greatest(0, floor(extract(epoch from e.event_start_datetime - o.order_created) / 86400))::int as days_before,
           sum(coalesce(nullif(o.attendee_count, 0), nullif(jsonb_array_length(o.attendees), 0), 1))::int as tickets,
           count(*)::int as orders
    from eventbrite_orders_cache o
    join events e on e.id = o.event_id
    where o.event_id = ${eventId} and o.order_status in ${sql(SOLD_ORDER_STATUSES)}
      and o.order_created is not null and e.event_start_datetime is not null
    group by 1
    order by 1 desc`;
  let running = 0;
  const points = days.map((day) => {
    running += day.tickets;
    return { daysBefore: day.days_before, tickets: running };
  });
  return { eventId, points, totalTickets: running, orders: days.reduce((n, d) => n + d.orders, 0) };
}
