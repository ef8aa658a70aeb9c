import { amount, orderCurrency, orderTickets } from "./totals.ts";
import type { EbAttendee, EbOrder } from "./wire.ts";

/**
 * One Eventbrite order as an `eventbrite_orders_cache` row (without the event columns). Amounts are
 * exact decimal text; timestamps are Eventbrite's UTC strings.
 */
export interface OrderCacheRow {
  order_id: string;
  resource_uri: string | null;
  order_created: string | null;
  order_changed: string | null;
  buyer_name: string | null;
  buyer_first_name: string | null;
  buyer_last_name: string | null;
  buyer_email: string | null;
  order_status: string | null;
  time_remaining: number | null;
  base_price: string;
  tax: string;
  eventbrite_fee: string;
  payment_fee: string;
  gross: string;
  currency_code: string | null;
  has_gts_tax: boolean;
  tax_components: unknown[];
  fee_components: unknown[];
  shipping_components: unknown[];
  attendees: Record<string, unknown>[];
  /** Every attendee of the order: one per ticket. */
  attendee_count: number;
  costs_raw: unknown;
  order_raw: unknown;
}

/** An attendee as the cache keeps it: ticket and status facts and the name, no contact details. */
export function cachedAttendee(a: EbAttendee): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: a.id,
    ticket_class_id: a.ticket_class_id ?? null,
    ticket_class_name: a.ticket_class_name ?? null,
    status: a.status ?? null,
    checked_in: a.checked_in ?? false,
    cancelled: a.cancelled ?? false,
    refunded: a.refunded ?? false,
    created: a.created ?? null,
  };
  if (a.profile?.first_name || a.profile?.last_name) {
    entry.profile = { first_name: a.profile.first_name ?? null, last_name: a.profile.last_name ?? null };
  }
  return entry;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function orderCacheRow(order: EbOrder): OrderCacheRow {
  const costs = order.costs ?? {};
  // The attendees have a column of their own; the raw order keeps everything else.
  const { attendees, ...raw } = order;
  return {
    order_id: String(order.id),
    resource_uri: order.resource_uri ?? null,
    order_created: order.created ?? null,
    order_changed: order.changed ?? null,
    buyer_name: order.name ?? null,
    buyer_first_name: order.first_name ?? null,
    buyer_last_name: order.last_name ?? null,
    buyer_email: order.email ?? null,
    order_status: order.status ?? null,
    time_remaining: order.time_remaining ?? null,
    base_price: amount(costs.base_price),
    tax: amount(costs.tax),
    eventbrite_fee: amount(costs.eventbrite_fee),
    payment_fee: amount(costs.payment_fee),
    gross: amount(costs.gross),
    currency_code: orderCurrency(order),
    has_gts_tax: costs.has_gts_tax === true,
    tax_components: list(costs.tax_components),
    fee_components: list(costs.fee_components),
    shipping_components: list(costs.shipping_components),
    attendees: (attendees ?? []).map(cachedAttendee),
    attendee_count: orderTickets(order),
    costs_raw: order.costs ?? null,
    order_raw: raw,
  };
}
