import { z } from "zod";
import { defineTool, eid, type Role, ToolError } from "../../catalog/index.ts";
import {
  appendCacheRow,
  type CacheRowWritten,
  compareListing,
  type EventFacts,
  type EventSales,
  fetchEventSales,
  orderCacheRow,
  type SalesTotals,
  salesTotals,
  upsertOrders,
} from "../../eventbrite/index.ts";
import { type CacheRow, eventbriteLink } from "../data-read/eventbrite-cache.ts";
import { type EventRef, eventByEid, localTime } from "../data-read/shared.ts";

const ROLES_OPS_EP_MARKETING: readonly Role[] = ["ops", "event-producer", "marketing"];
export const ROLES_OPS_EP_MARKETING_VIEWER: readonly Role[] = [
  "ops",
  "event-producer",
  "marketing",
  "viewer",
];

/** A refresh within this many minutes of the last fetch is skipped unless forced. */
export const FRESH_MINUTES = 60;

/** "45 min", "5 h", "7 days". */
export function ageText(minutes: number): string {
  if (minutes < 120) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} days`;
}

export function eventFacts(event: EventRef): EventFacts {
  const local = localTime(event.startsAt, event.timezone) ?? event.startsAt?.toISOString() ?? null;
  return { city: event.city, localDate: local?.slice(0, 10) ?? null, startsAt: event.startsAt };
}

// ---------------------------------------------------------------------------------------------
// refresh_eventbrite_data

export interface RefreshResult {
  eid: string;
  name: string;
  eventbrite_id: string;
  status: "refreshed" | "skipped";
  /** Why nothing was fetched (status skipped). */
  reason: string | null;
  /** Age of the newest cache row before this call; null when nothing was cached. */
  previous_cache_age_minutes: number | null;
  listing: { name: string | null; start_local: string | null; status: string | null } | null;
  orders_fetched: number;
  orders_inserted: number;
  orders_updated: number;
  /** Tickets on placed orders. */
  tickets_sold: number;
  pages_read: number;
  /** False when orders were left unread (more than the page limit). */
  complete: boolean;
  ticket_classes: number;
  currency: string | null;
  gross_revenue: string | null;
  total_fees: string | null;
  net_deposit: string | null;
  cache_row: CacheRowWritten | null;
  warnings: string[];
  duration_ms: number;
}

function skipped(event: EventRef, eventbriteId: string, reason: string, age: number | null, started: number) {
  return {
    eid: event.eid,
    name: event.name,
    eventbrite_id: eventbriteId,
    status: "skipped",
    reason,
    previous_cache_age_minutes: age,
    listing: null,
    orders_fetched: 0,
    orders_inserted: 0,
    orders_updated: 0,
    tickets_sold: 0,
    pages_read: 0,
    complete: false,
    ticket_classes: 0,
    currency: null,
    gross_revenue: null,
    total_fees: null,
    net_deposit: null,
    cache_row: null,
    warnings: [],
    duration_ms: Math.round(performance.now() - started),
  } satisfies RefreshResult;
}

function notConfigured(event: EventRef, latest: CacheRow | null): ToolError {
  const kept = latest
    ? `the cached Eventbrite data stays in use: fetched ${latest.fetched_at.toISOString()}, ` +
      `${ageText(latest.age_minutes)} old${latest.stale ? " (stale)" : ""}`
    : "nothing has been cached for it yet";
  return new ToolError(
    "UPSTREAM",
    `Eventbrite is not configured (EB_PRIVATE_TOKEN is not set), so ${event.eid} was not refreshed; ${kept}.`,
    {
      service: "eventbrite",
      reason: "not_configured",
      cache_fetched_at: latest?.fetched_at.toISOString() ?? null,
      cache_age_minutes: latest?.age_minutes ?? null,
    },
  );
}

/** What the caller should know about a completed refresh: a listing that looks wrong, partial totals. */
function refreshWarnings(event: EventRef, sales: EventSales, totals: SalesTotals): string[] {
  const { listing } = sales;
  const check = compareListing(
    eventFacts(event),
    {
      name: listing.name?.text ?? null,
      startLocal: listing.start?.local ?? null,
      startUtc: listing.start?.utc ?? null,
    },
    "live",
  );
  const warnings = [...check.issues];
  if (!sales.ordersComplete) {
    warnings.push(`Only the first ${sales.orderPages} pages of orders were read; totals are partial.`);
  }
  if (totals.other_currency_orders > 0) {
    warnings.push(
      `${totals.other_currency_orders} placed order(s) not in ${totals.currency} are left out of the sums.`,
    );
  }
  return warnings;
}

export const refreshEventbriteData = defineTool({
  name: "refresh_eventbrite_data",
  domain: "eventbrite-charts",
  title: "Refresh Eventbrite data",
  description:
    "Fetch an event's Eventbrite listing, ticket classes and every order (with its attendees) now, store the " +
    "orders in the orders cache (one row per order, counting every ticket) and append fresh totals to the " +
    "Eventbrite cache: tickets sold, gross, fees and net deposit in the listing's currency, with a data-quality " +
    "score. Skipped when the cache is under 60 minutes old unless force is true. Use it before a chart or when " +
    "get_eventbrite_data says the figures are stale; it fails with a clear message when Eventbrite is not " +
    "configured (EB_PRIVATE_TOKEN) or the event has no Eventbrite id.",
  input: z.strictObject({
    eid: eid(),
    force: z
      .boolean()
      .default(false)
      .describe("Fetch even if the cache is under 60 minutes old (default false)"),
  }),
  policy: { roles: ROLES_OPS_EP_MARKETING, risk: "low", writes: true, maxCallsPerRequest: 2 },
  async handler(args, ctx): Promise<RefreshResult> {
    const started = performance.now();
    const { sql } = ctx;
    const event = await eventByEid(sql, args.eid);
    // One refresh per event at a time; a second caller is answered at once instead of waiting.
    const [lock] = await sql<{ locked: boolean }[]>`
      select pg_try_advisory_xact_lock(hashtext('arthur:eventbrite-refresh'), hashtext(${event.eid})) as locked`;
    const { eventbriteId, latest } = await eventbriteLink(sql, event);
    if (!eventbriteId) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${event.eid} (${event.name}) has no Eventbrite id, so there is nothing to fetch; link the listing ` +
          "first (get_eventbrite_mapping shows the link).",
      );
    }
    const age = latest?.age_minutes ?? null;
    if (!lock?.locked) {
      return skipped(event, eventbriteId, `Another refresh of ${event.eid} is running now.`, age, started);
    }
    if (latest && age !== null && age < FRESH_MINUTES && !args.force) {
      const reason = `The cache is ${age} min old (under ${FRESH_MINUTES} min); pass force to fetch anyway.`;
      return skipped(event, eventbriteId, reason, age, started);
    }
    if (!ctx.eventbrite) throw notConfigured(event, latest);

    // The fetch runs inside the write's transaction, which holds no row locks until the upserts below.
    const target = { eventId: event.id, eid: event.eid, eventbriteId };
    const fetched = await fetchEventSales(ctx.eventbrite, eventbriteId);
    const counts = await upsertOrders(sql, target, fetched.orders.map(orderCacheRow));
    const totals = salesTotals(fetched.orders, fetched.listing.currency ?? event.currency);
    const row = await appendCacheRow(sql, target, fetched, totals, performance.now() - started);
    return {
      eid: event.eid,
      name: event.name,
      eventbrite_id: eventbriteId,
      status: "refreshed",
      reason: null,
      previous_cache_age_minutes: age,
      listing: {
        name: fetched.listing.name?.text ?? null,
        start_local: fetched.listing.start?.local ?? null,
        status: fetched.listing.status ?? null,
      },
      orders_fetched: fetched.orders.length,
      orders_inserted: counts.inserted,
      orders_updated: counts.updated,
      tickets_sold: totals.tickets_sold,
      pages_read: fetched.orderPages,
      complete: fetched.ordersComplete,
      ticket_classes: fetched.classes.length,
      currency: totals.currency,
      gross_revenue: totals.gross_revenue,
      total_fees: totals.total_fees,
      net_deposit: totals.net_deposit,
      cache_row: row,
      warnings: refreshWarnings(event, fetched, totals),
      duration_ms: Math.round(performance.now() - started),
    };
  },
  format(r) {
    if (r.status === "skipped") return `${r.eid} ${r.name}: not refreshed. ${r.reason}`;
    const money = (v: string | null) => `${r.currency ?? ""} ${v ?? "n/a"}`.trim();
    return [
      `${r.eid} ${r.name} — refreshed from Eventbrite ${r.eventbrite_id} "${r.listing?.name ?? "?"}" in ${r.duration_ms} ms`,
      `${r.orders_fetched} orders (${r.orders_inserted} new, ${r.orders_updated} updated) from ${r.pages_read} ` +
        `page(s)${r.complete ? "" : " — INCOMPLETE"}; ${r.tickets_sold} tickets sold`,
      `Gross ${money(r.gross_revenue)}, fees ${money(r.total_fees)}, net ${money(r.net_deposit)}; ` +
        `${r.ticket_classes} ticket class(es)`,
      r.cache_row
        ? `Cache row written at ${r.cache_row.fetched_at} (quality ${r.cache_row.data_quality_score}` +
          `${r.cache_row.data_quality_flags.length ? `: ${r.cache_row.data_quality_flags.join(", ")}` : ""})`
        : "",
      ...r.warnings.map((w) => `WARNING: ${w}`),
    ]
      .filter(Boolean)
      .join("\n");
  },
});
