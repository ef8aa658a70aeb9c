import type postgres from "postgres";
import type { Sql } from "../../db/index.ts";
import { iso, localTime, type Phase, phaseSql, whenLocal } from "./shared.ts";

/** One event as lookup_event shows it. */
export interface EventCard {
  eid: string;
  name: string;
  city: string | null;
  country: string | null;
  venue: string | null;
  venue_address: string | null;
  /** UTC instant. */
  starts_at: string | null;
  ends_at: string | null;
  /** Wall-clock start in the event's time zone, "YYYY-MM-DDTHH:MM". */
  local_start: string | null;
  timezone: string | null;
  phase: Phase;
  currency: string | null;
  capacity: number | null;
  enabled: boolean;
  show_in_app: boolean;
  /** enabled AND show_in_app: what the public app needs to list the event. */
  visible_in_app: boolean;
  eventbrite_id: string | null;
  /** In the event's currency. */
  meta_ads_budget: string | null;
}

interface CardRow {
  eid: string;
  name: string;
  city: string | null;
  country: string | null;
  venue: string | null;
  venue_address: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  timezone: string | null;
  phase: Phase;
  currency: string | null;
  capacity: number | null;
  enabled: boolean | null;
  show_in_app: boolean | null;
  eventbrite_id: string | null;
  meta_ads_budget: string | null;
}

/** Event cards matching `where` (a fragment over `events e` / `cities c`), in `order`, at most `limit`. */
export async function eventCards(
  sql: Sql,
  where: postgres.Fragment,
  order: postgres.Fragment,
  limit: number,
): Promise<EventCard[]> {
  const rows = await sql<CardRow[]>`
    select e.eid, e.name, c.name as city, co.name as country,
           coalesce(v.name, nullif(e.venue, '')) as venue, v.address as venue_address,
           e.event_start_datetime as starts_at, e.event_end_datetime as ends_at,
           nullif(e.timezone_icann, '') as timezone, ${phaseSql(sql)} as phase,
           e.currency, e.capacity, e.enabled, e.show_in_app,
           nullif(e.eventbrite_id, '') as eventbrite_id, e.meta_ads_budget
    from events e
    left join cities c on c.id = e.city_id
    left join countries co on co.id = coalesce(c.country_id, e.country_id)
    left join venues v on v.id = e.venue_id
    where ${where}
    order by ${order}
    limit ${limit}`;
  return rows.map(toCard);
}

function toCard(row: CardRow): EventCard {
  const enabled = row.enabled === true;
  const showInApp = row.show_in_app === true;
  return {
    eid: row.eid,
    name: row.name,
    city: row.city,
    country: row.country,
    venue: row.venue,
    venue_address: row.venue_address,
    starts_at: iso(row.starts_at),
    ends_at: iso(row.ends_at),
    local_start: localTime(row.starts_at, row.timezone),
    timezone: row.timezone,
    phase: row.phase,
    currency: row.currency,
    capacity: row.capacity,
    enabled,
    show_in_app: showInApp,
    visible_in_app: enabled && showInApp,
    eventbrite_id: row.eventbrite_id,
    meta_ads_budget: row.meta_ads_budget,
  };
}

/** One line per event for text answers. */
export function cardLine(card: EventCard): string {
  const place = [card.venue, card.city].filter(Boolean).join(", ") || "no venue or city";
  const flags = card.visible_in_app ? "" : ` [${card.enabled ? "hidden from app" : "not enabled"}]`;
  return `${card.eid} ${card.name}: ${whenLocal(card.local_start, card.timezone, card.starts_at)}, ${place} (${card.phase})${flags}`;
}
