import { compareDecimals, isDecimal, multiplyDecimal, subtractDecimal, sumDecimals } from "./decimal.ts";
import type { EbMoney, EbOrder, EbTicketClass } from "./wire.ts";

/** An Eventbrite amount as exact decimal text; "0.00" when absent. */
export function amount(money: EbMoney | null | undefined): string {
  if (!money) return "0.00";
  if (isDecimal(money.major_value)) return money.major_value.trim();
  // `value` is in minor units; every currency Art Battle sells in has two decimals.
  return Number.isInteger(money.value) ? (money.value / 100).toFixed(2) : "0.00";
}

/** The order's currency (from its gross, else its base price). */
export function orderCurrency(order: EbOrder): string | null {
  return order.costs?.gross?.currency ?? order.costs?.base_price?.currency ?? null;
}

/**
 * Tickets on an order: one attendee per ticket. The original kept one row per attendee and only
 * the first of each order survived, undercounting multi-ticket orders (§6.2 item 7).
 */
export function orderTickets(order: EbOrder): number {
  return order.attendees?.length ?? 0;
}

/** Eventbrite's "placed" is a completed sale; started, pending, abandoned, refunded and deleted are not. */
export const isPlaced = (order: EbOrder) => order.status === "placed";

export interface SalesTotals {
  /** Currency of every amount below. */
  currency: string | null;
  orders: number;
  placed_orders: number;
  /** Tickets on placed orders (every currency). */
  tickets_sold: number;
  orders_by_status: Record<string, number>;
  /** Sums over placed orders in `currency`; exact decimal text. */
  gross_revenue: string;
  /** Face value of the tickets (base price), before fees and tax. */
  ticket_revenue: string;
  taxes_collected: string;
  eventbrite_fees: string;
  payment_processing_fees: string;
  total_fees: string;
  /** Gross less Eventbrite and payment fees: what Eventbrite pays out (tax stays with the organiser). */
  net_deposit: string;
  /** Placed orders in another currency, left out of the sums. */
  other_currency_orders: number;
}

function mostCommon(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Totals over the orders, money in `currency` (default: the placed orders' most common currency). */
export function salesTotals(orders: readonly EbOrder[], currency: string | null): SalesTotals {
  const placed = orders.filter(isPlaced);
  const code = currency ?? mostCommon(placed.map(orderCurrency).filter((c): c is string => c !== null));
  const counted = placed.filter((o) => orderCurrency(o) === code);
  const sum = (field: "gross" | "base_price" | "tax" | "eventbrite_fee" | "payment_fee") =>
    sumDecimals(counted.map((o) => amount(o.costs?.[field])));
  const gross = sum("gross");
  const eventbriteFees = sum("eventbrite_fee");
  const paymentFees = sum("payment_fee");
  const totalFees = sumDecimals([eventbriteFees, paymentFees]);
  const byStatus: Record<string, number> = {};
  for (const o of orders) byStatus[o.status ?? "unknown"] = (byStatus[o.status ?? "unknown"] ?? 0) + 1;
  return {
    currency: code,
    orders: orders.length,
    placed_orders: placed.length,
    tickets_sold: placed.reduce((n, o) => n + orderTickets(o), 0),
    orders_by_status: byStatus,
    gross_revenue: gross,
    ticket_revenue: sum("base_price"),
    taxes_collected: sum("tax"),
    eventbrite_fees: eventbriteFees,
    payment_processing_fees: paymentFees,
    total_fees: totalFees,
    net_deposit: subtractDecimal(gross, totalFees),
    other_currency_orders: placed.length - counted.length,
  };
}

/** A ticket class as `eventbrite_api_cache.ticket_classes` stores it (artbattle-schema.md §3.8). */
export interface CachedTicketClass {
  name: string | null;
  price: string;
  quantity_sold: number;
  quantity_total: number | null;
  ticket_revenue: string;
  on_sale_status: string | null;
}

export function cachedTicketClass(t: EbTicketClass): CachedTicketClass {
  const price = t.free ? "0.00" : amount(t.cost);
  const sold = t.quantity_sold ?? 0;
  return {
    name: t.name ?? null,
    price,
    quantity_sold: sold,
    quantity_total: t.quantity_total ?? null,
    ticket_revenue: multiplyDecimal(price, sold),
    on_sale_status: t.on_sale_status ?? null,
  };
}

export interface DataQuality {
  score: number;
  flags: string[];
}

/** Flags in the spirit of the original's (§3.8), each costing points off 100. */
const PENALTY = {
  NO_TICKET_CLASSES: 30,
  ORDERS_INCOMPLETE: 25,
  ZERO_REVENUE_WITH_SALES: 20,
  TICKET_COUNT_MISMATCH: 15,
  OTHER_CURRENCY_ORDERS: 10,
  NO_CAPACITY_DATA: 10,
} as const;

export function dataQuality(input: {
  totals: SalesTotals;
  classes: readonly EbTicketClass[];
  capacity: number | null;
  ordersComplete: boolean;
}): DataQuality {
  const { totals, classes } = input;
  const flags: (keyof typeof PENALTY)[] = [];
  if (classes.length === 0) flags.push("NO_TICKET_CLASSES");
  if (!input.ordersComplete) flags.push("ORDERS_INCOMPLETE");
  const allFree = classes.length > 0 && classes.every((t) => t.free);
  if (totals.tickets_sold > 0 && compareDecimals(totals.gross_revenue, "0") === 0 && !allFree) {
    flags.push("ZERO_REVENUE_WITH_SALES");
  }
  const classSold = classes.reduce((n, t) => n + (t.quantity_sold ?? 0), 0);
  if (classes.length > 0 && input.ordersComplete && classSold !== totals.tickets_sold) {
    flags.push("TICKET_COUNT_MISMATCH");
  }
  if (totals.other_currency_orders > 0) flags.push("OTHER_CURRENCY_ORDERS");
  if (!input.capacity) flags.push("NO_CAPACITY_DATA");
  const score = Math.max(0, 100 - flags.reduce((n, f) => n + PENALTY[f], 0));
  return { score, flags };
}
