import type { Sql } from "../db/index.ts";
import type { EventSales } from "./fetch.ts";
import type { OrderCacheRow } from "./order-rows.ts";
import { cachedTicketClass, dataQuality, type SalesTotals } from "./totals.ts";

/**
 * Writes to the two Eventbrite cache tables (artbattle-schema.md §3.8): orders are upserted by
 * order id, the api cache is append-only.
 */

/** eventbrite_api_cache.expires_at = fetched_at + this (as the Edge Function writes it). */
const CACHE_HOURS = 6;
/** Orders per upsert statement (25 columns travel as one JSON parameter). */
const ORDER_BATCH = 500;

type JsonParam = Parameters<Sql["json"]>[0];
const json = (sql: Sql, value: unknown) => sql.json(value as JsonParam);

/** The event a cache write is for. */
export interface CacheTarget {
  eventId: string;
  eid: string;
  eventbriteId: string;
}

/** Upsert the orders, a batch per statement; counts rows inserted and updated. */
export async function upsertOrders(
  sql: Sql,
  target: CacheTarget,
  rows: readonly OrderCacheRow[],
): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += ORDER_BATCH) {
    const written = await sql<{ inserted: boolean }[]>`
      insert into eventbrite_orders_cache as o (
        event_id, eid, eventbrite_event_id, order_id, resource_uri, order_created, order_changed,
        buyer_name, buyer_first_name, buyer_last_name, buyer_email, order_status, time_remaining,
        base_price, tax, eventbrite_fee, payment_fee, gross, currency_code, has_gts_tax,
        tax_components, fee_components, shipping_components, attendees, attendee_count,
        costs_raw, order_raw, fetched_at, fetched_by, api_version)
      select ${target.eventId}, ${target.eid}, ${target.eventbriteId}, r.order_id, r.resource_uri, r.order_created,
             r.order_changed, r.buyer_name, r.buyer_first_name, r.buyer_last_name, r.buyer_email,
             r.order_status, r.time_remaining, r.base_price, r.tax, r.eventbrite_fee, r.payment_fee, r.gross,
             r.currency_code, r.has_gts_tax, r.tax_components, r.fee_components, r.shipping_components,
             r.attendees, r.attendee_count, r.costs_raw, r.order_raw, now(), 'arthur-refresh', 'v3'
      from jsonb_to_recordset(${json(sql, rows.slice(i, i + ORDER_BATCH))}::jsonb) as r(
        order_id text, resource_uri text, order_created timestamptz, order_changed timestamptz,
        buyer_name text, buyer_first_name text, buyer_last_name text, buyer_email text, order_status text,
        time_remaining int, base_price numeric, tax numeric, eventbrite_fee numeric, payment_fee numeric,
        gross numeric, currency_code text, has_gts_tax boolean, tax_components jsonb, fee_components jsonb,
        shipping_components jsonb, attendees jsonb, attendee_count int, costs_raw jsonb, order_raw jsonb)
      on conflict (order_id) do update set
        event_id = excluded.event_id, eid = excluded.eid, eventbrite_event_id = excluded.eventbrite_event_id,
        resource_uri = excluded.resource_uri, order_created = excluded.order_created,
        order_changed = excluded.order_changed, buyer_name = excluded.buyer_name,
        buyer_first_name = excluded.buyer_first_name, buyer_last_name = excluded.buyer_last_name,
        buyer_email = excluded.buyer_email, order_status = excluded.order_status,
        time_remaining = excluded.time_remaining, base_price = excluded.base_price, tax = excluded.tax,
        eventbrite_fee = excluded.eventbrite_fee, payment_fee = excluded.payment_fee, gross = excluded.gross,
        currency_code = excluded.currency_code, has_gts_tax = excluded.has_gts_tax,
        tax_components = excluded.tax_components, fee_components = excluded.fee_components,
        shipping_components = excluded.shipping_components, attendees = excluded.attendees,
        attendee_count = excluded.attendee_count, costs_raw = excluded.costs_raw,
        order_raw = excluded.order_raw, fetched_at = excluded.fetched_at, fetched_by = excluded.fetched_by,
        api_version = excluded.api_version
      returning (xmax = 0) as inserted`;
    inserted += written.filter((w) => w.inserted).length;
  }
  return { inserted, updated: rows.length - inserted };
}

export interface CacheRowWritten {
  id: string;
  fetched_at: string;
  expires_at: string;
  api_response_status: "success" | "partial";
  data_quality_score: number;
  data_quality_flags: string[];
}

/**
 * Append one eventbrite_api_cache row. Totals are computed here from the orders and ticket classes
 * rather than by the fetch-eventbrite-data Edge Function: one source, no second round trip, and it
 * works wherever a token is configured. fetched_at/expires_at are `timestamp` holding UTC.
 */
export async function appendCacheRow(
  sql: Sql,
  target: CacheTarget,
  fetched: EventSales,
  totals: SalesTotals,
  durationMs: number,
): Promise<CacheRowWritten> {
  const { listing, classes } = fetched;
  const capacity =
    listing.capacity ??
    (classes.some((t) => t.quantity_total != null)
      ? classes.reduce((n, t) => n + (t.quantity_total ?? 0), 0)
      : null);
  const quality = dataQuality({ totals, classes, capacity, ordersComplete: fetched.ordersComplete });
  const status = fetched.ordersComplete ? "success" : "partial";
  const eventData = {
    id: listing.id,
    name: listing.name?.text ?? null,
    start: listing.start ?? null,
    end: listing.end ?? null,
    status: listing.status ?? null,
    currency: listing.currency ?? null,
    capacity: listing.capacity ?? null,
    organization_id: listing.organization_id ?? null,
    url: listing.url ?? null,
  };
  const salesSummary = {
    api_method: "orders",
    sales_report_used: false,
    total_tickets: totals.tickets_sold,
    orders_fetched: totals.orders,
    order_pages: fetched.orderPages,
    orders_complete: fetched.ordersComplete,
  };
  const ordersSummary = {
    orders: totals.orders,
    placed_orders: totals.placed_orders,
    tickets_sold: totals.tickets_sold,
    orders_by_status: totals.orders_by_status,
    other_currency_orders: totals.other_currency_orders,
  };
  const [row] = await sql<{ id: string; fetched_at: Date; expires_at: Date }[]>`
    insert into eventbrite_api_cache (
      event_id, eid, eventbrite_id, event_data, ticket_classes, sales_summary, orders_summary,
      total_tickets_sold, gross_revenue, ticket_revenue, taxes_collected, eventbrite_fees,
      payment_processing_fees, total_fees, net_deposit, total_capacity, currency_code,
      api_response_status, api_response_code, data_quality_score, data_quality_flags,
      fetched_at, expires_at, fetch_duration_ms, is_stale, fetched_by, fetch_reason, api_version, created_at,
      eventbrite_event_name, eventbrite_start_date)
    select ${target.eventId}, ${target.eid}, ${target.eventbriteId}, ${json(sql, eventData)}::jsonb,
           ${json(sql, classes.map(cachedTicketClass))}::jsonb, ${json(sql, salesSummary)}::jsonb,
           ${json(sql, ordersSummary)}::jsonb, ${totals.tickets_sold}, ${totals.gross_revenue}::numeric,
           ${totals.ticket_revenue}::numeric, ${totals.taxes_collected}::numeric, ${totals.eventbrite_fees}::numeric,
           ${totals.payment_processing_fees}::numeric, ${totals.total_fees}::numeric,
           ${totals.net_deposit}::numeric, ${capacity}::int, ${totals.currency}, ${status}, 200,
           ${quality.score}, ${json(sql, quality.flags)}::jsonb,
           t.at, t.at + make_interval(hours => ${CACHE_HOURS}), ${Math.round(durationMs)}, false,
           'arthur-refresh', 'mcp_refresh', 'v3', t.at,
           ${listing.name?.text ?? null}, ${listing.start?.local ?? null}::timestamp
    from (select clock_timestamp() at time zone 'UTC' as at) t
    returning id, fetched_at at time zone 'UTC' as fetched_at, expires_at at time zone 'UTC' as expires_at`;
  if (!row) throw new Error("eventbrite_api_cache insert returned no row");
  return {
    id: row.id,
    fetched_at: row.fetched_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    api_response_status: status,
    data_quality_score: quality.score,
    data_quality_flags: quality.flags,
  };
}
