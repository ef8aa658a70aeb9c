import type { EventbriteApi } from "../catalog/index.ts";
import type { EbEvent, EbOrder, EbTicketClass } from "./wire.ts";

/** Eventbrite pages 50 orders at a time: 20 pages is 1,000 orders, more than any Art Battle show. */
export const ORDER_PAGES = 20;
const CLASS_PAGES = 5;

/** What one refresh reads from Eventbrite for a listing. */
export interface EventSales {
  listing: EbEvent;
  classes: EbTicketClass[];
  /** One per order id. */
  orders: EbOrder[];
  orderPages: number;
  /** False when order pages were left unread. */
  ordersComplete: boolean;
}

/** `/events/{id}/…` with the id escaped (events.eventbrite_id is free text). */
export const eventPath = (eventbriteId: string, rest = "") =>
  `/events/${encodeURIComponent(eventbriteId)}/${rest}`;

/**
 * The listing, its ticket classes and every order page (attendees expanded), in parallel.
 * Throws the client's ToolError UPSTREAM when any of them fails.
 */
export async function fetchEventSales(api: EventbriteApi, eventbriteId: string): Promise<EventSales> {
  const [listing, classes, orders] = await Promise.all([
    api.get<EbEvent>(eventPath(eventbriteId)),
    api.getAll<EbTicketClass>(eventPath(eventbriteId, "ticket_classes/"), "ticket_classes", {
      maxPages: CLASS_PAGES,
    }),
    api.getAll<EbOrder>(eventPath(eventbriteId, "orders/"), "orders", {
      query: { expand: "attendees" },
      maxPages: ORDER_PAGES,
    }),
  ]);
  // Pages can shift while they are read: keep one entry per order id (the last one seen).
  const unique = [...new Map(orders.items.map((o) => [String(o.id), o])).values()];
  return {
    listing,
    classes: classes.items,
    orders: unique,
    orderPages: orders.pages,
    ordersComplete: orders.complete,
  };
}
