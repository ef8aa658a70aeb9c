import type { Sql } from "../../db/index.ts";
import { type EventRef, localTime } from "./shared.ts";

/**
 * The newest eventbrite_api_cache row for an Eventbrite id, with explicit columns only (the JSON blobs
 * event_data, sales_summary and orders_summary are never read). The cache's timestamps are
 * `timestamp without time zone` holding UTC; eventbrite_start_date is the listing's local wall clock.
 */
export interface CacheRow {
  cache_eid: string;
  eventbrite_id: string;
  eventbrite_event_name: string | null;
  /** Local wall-clock start of the Eventbrite listing, "YYYY-MM-DDTHH:MM:SS". */
  eventbrite_start_date: string | null;
  fetched_at: Date;
  expires_at: Date;
  age_minutes: number;
  /** The database clock is past expires_at (fetched_at + 6 h). */
  stale: boolean;
  total_tickets_sold: number;
  total_capacity: number | null;
  gross_revenue: string | null;
  ticket_revenue: string | null;
  taxes_collected: string | null;
  eventbrite_fees: string | null;
  payment_processing_fees: string | null;
  total_fees: string | null;
  net_deposit: string | null;
  /** total_fees / gross_revenue × 100, two decimals; null without gross. */
  fee_percent_of_gross: string | null;
  currency_code: string | null;
  api_response_status: string;
  api_error_message: string | null;
  data_quality_score: number | null;
  data_quality_flags: unknown;
  ticket_classes: unknown;
  fetch_reason: string | null;
}

/** The event's Eventbrite link: the id on the event row and the newest cache row for it. */
export interface EventbriteLink {
  eventbriteId: string | null;
  latest: CacheRow | null;
}

export async function eventbriteLink(sql: Sql, event: EventRef): Promise<EventbriteLink> {
  const [row] = await sql<{ eventbrite_id: string | null }[]>`
    select nullif(eventbrite_id, '') as eventbrite_id from events where id = ${event.id}`;
  const eventbriteId = row?.eventbrite_id ?? null;
  if (!eventbriteId) return { eventbriteId: null, latest: null };
  const [latest] = await sql<CacheRow[]>`
    select x.eid as cache_eid, x.eventbrite_id, x.eventbrite_event_name,
           to_char(x.eventbrite_start_date, 'YYYY-MM-DD"T"HH24:MI:SS') as eventbrite_start_date,
           x.fetched_at at time zone 'UTC' as fetched_at, x.expires_at at time zone 'UTC' as expires_at,
           floor(extract(epoch from (now() - (x.fetched_at at time zone 'UTC'))) / 60)::int as age_minutes,
           now() > (x.expires_at at time zone 'UTC') as stale,
           x.total_tickets_sold, x.total_capacity, x.gross_revenue, x.ticket_revenue, x.taxes_collected,
           x.eventbrite_fees, x.payment_processing_fees, x.total_fees, x.net_deposit,
           round(x.total_fees * 100 / nullif(x.gross_revenue, 0), 2)::text as fee_percent_of_gross, x.currency_code,
           x.api_response_status, x.api_error_message, x.data_quality_score, x.data_quality_flags,
           x.ticket_classes, x.fetch_reason
    from eventbrite_api_cache x
    where x.eventbrite_id = ${eventbriteId}
    order by x.fetched_at desc
    limit 1`;
  return { eventbriteId, latest: latest ?? null };
}

export interface MappingCheck {
  event_city: string | null;
  /** The event's local start date, "YYYY-MM-DD". */
  event_local_date: string | null;
  eventbrite_event_name: string | null;
  eventbrite_start_date: string | null;
  /** The Eventbrite title contains the event's city (accents and case ignored); null if unknown. */
  name_mentions_city: boolean | null;
  /** Eventbrite's local start date minus the event's local start date, in days; null if unknown. */
  days_apart: number | null;
  /** The cache row was written for this EID. */
  cached_for_this_eid: boolean;
  mismatch: boolean;
  issues: string[];
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

function dayNumber(date: string): number {
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
  );
}

/** Does the cached Eventbrite listing look like this event (same city, same local date)? */
export function checkMapping(event: EventRef, latest: CacheRow): MappingCheck {
  const localDate = localTime(event.startsAt, event.timezone)?.slice(0, 10) ?? null;
  const ebName = latest.eventbrite_event_name;
  const ebDate = latest.eventbrite_start_date?.slice(0, 10) ?? null;
  const mentions = ebName && event.city ? fold(ebName).includes(fold(event.city)) : null;
  const daysApart = localDate && ebDate ? dayNumber(ebDate) - dayNumber(localDate) : null;
  const issues: string[] = [];
  if (mentions === false) {
    issues.push(`The Eventbrite listing "${ebName}" does not mention the event's city, ${event.city}.`);
  }
  if (daysApart !== null && daysApart !== 0) {
    issues.push(
      `The Eventbrite listing starts ${ebDate}, ${Math.abs(daysApart)} day(s) ${daysApart > 0 ? "after" : "before"} ` +
        `the event's local date ${localDate}.`,
    );
  }
  const ownRow = latest.cache_eid === event.eid;
  if (!ownRow)
    issues.push(`The newest cache row for this Eventbrite id was fetched for ${latest.cache_eid}.`);
  return {
    event_city: event.city,
    event_local_date: localDate,
    eventbrite_event_name: ebName,
    eventbrite_start_date: latest.eventbrite_start_date,
    name_mentions_city: mentions,
    days_apart: daysApart,
    cached_for_this_eid: ownRow,
    mismatch: issues.length > 0,
    issues,
  };
}

export interface TicketClass {
  name: string | null;
  price: string | null;
  quantity_sold: number | null;
  quantity_total: number | null;
  on_sale_status: string | null;
}

const asText = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const asCount = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The cached ticket classes with only the fields a person reads. */
export function ticketClasses(value: unknown): TicketClass[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null)
    .map((t) => ({
      name: asText(t.name),
      price: asText(t.price),
      quantity_sold: asCount(t.quantity_sold),
      quantity_total: asCount(t.quantity_total),
      on_sale_status: asText(t.on_sale_status),
    }));
}

/** The data-quality flags as strings. */
export function qualityFlags(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((f): f is string => typeof f === "string") : [];
}
