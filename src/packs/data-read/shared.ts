import { notFound, type Role } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";

/** Where an event stands relative to the database clock. */
export type Phase = "unscheduled" | "upcoming" | "live" | "past";

/** The few event facts every event-scoped tool starts from. */
export interface EventRef {
  id: string;
  eid: string;
  name: string;
  currency: string | null;
  /** Share of each sale owed to the artist, e.g. "0.50". */
  artistPortion: string;
  timezone: string | null;
  city: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  phase: Phase;
}

/**
 * The event with this EID (already normalised by the `eid()` input), or NOT_FOUND.
 * `phase` uses the database's `now()`: a show is live from its start until its end (start + 4 h when
 * no end is recorded).
 */
export async function eventByEid(sql: Sql, eid: string): Promise<EventRef> {
  const [row] = await sql<EventRef[]>`
    select e.id, e.eid, e.name, e.currency, e.artist_auction_portion as "artistPortion", nullif(e.timezone_icann, '') as timezone, c.name as city,
           e.event_start_datetime as "startsAt", e.event_end_datetime as "endsAt",
           ${phaseSql(sql)} as phase
    from events e
    left join cities c on c.id = e.city_id
    where e.eid = ${eid}`;
  if (!row) throw notFound(`No event ${eid}`);
  return row;
}

export interface ArtistRef {
  id: string;
  name: string;
}

/** The artist profile with this id, or NOT_FOUND (so a typo is not reported as "nothing found"). */
export async function artistById(sql: Sql, id: string): Promise<ArtistRef> {
  const [row] = await sql<ArtistRef[]>`select id, name from artist_profiles where id = ${id}`;
  if (!row) throw notFound(`No artist profile ${id}`);
  return row;
}

/** SQL expression for `Phase` over an `events e` row. */
export function phaseSql(sql: Sql) {
  return sql`case
    when e.event_start_datetime is null then 'unscheduled'
    when now() < e.event_start_datetime then 'upcoming'
    when now() < coalesce(e.event_end_datetime, e.event_start_datetime + interval '4 hours') then 'live'
    else 'past' end`;
}

/** A timestamp as an ISO string (UTC), or null. */
export function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

const localFormats = new Map<string, Intl.DateTimeFormat | null>();

function localFormat(timezone: string): Intl.DateTimeFormat | null {
  if (!localFormats.has(timezone)) {
    let format: Intl.DateTimeFormat | null = null;
    try {
      // sv-SE renders "YYYY-MM-DD HH:MM", so format() (several times faster than formatToParts)
      // gives the ISO shape directly.
      format = new Intl.DateTimeFormat("sv-SE", {
        timeZone: timezone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      // An unknown zone name in events.timezone_icann: report no local time rather than fail.
    }
    localFormats.set(timezone, format);
  }
  return localFormats.get(timezone) ?? null;
}

/**
 * Wall-clock time in `timezone` as "YYYY-MM-DDTHH:MM" (no offset), or null when either is missing
 * or the zone is unknown.
 */
export function localTime(value: Date | null, timezone: string | null): string | null {
  if (!value || !timezone) return null;
  const format = localFormat(timezone);
  if (!format) return null;
  const text = format.format(value);
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(text)) return text.replace(" ", "T");
  const part = Object.fromEntries(format.formatToParts(value).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/** Rows fetched with `LIMIT cap + 1`, cut to `cap`, and whether anything was cut. */
export function capped<T>(rows: readonly T[], cap: number): { rows: T[]; truncated: boolean } {
  return { rows: rows.slice(0, cap), truncated: rows.length > cap };
}

/** How every sales figure in this pack is defined; results quote it so readers know what "sold" means. */
export const REVENUE_RULE =
  "Sold = artwork status 'sold' (buyer not yet paid) or 'paid'; each sale is valued at " +
  "COALESCE(final_price, current_bid, 0). Artworks that are active, closed, cancelled or inactive are not sold, " +
  "whatever their current_bid.";

/** The value of artwork `a` under REVENUE_RULE. */
export const saleValueSql = (sql: Sql) => sql`coalesce(a.final_price, a.current_bid, 0)`;

/** Artwork `a` is sold under REVENUE_RULE (its buyer has paid or not yet). */
export const isSoldSql = (sql: Sql) => sql`a.status in ('sold', 'paid')`;

/** Role sets from the policy table (original-system.md §1.2). */
export const ROLES_ALL: readonly Role[] = ["ops", "event-producer", "finance", "marketing", "viewer"];
export const ROLES_NO_MARKETING: readonly Role[] = ["ops", "event-producer", "finance", "viewer"];
export const ROLES_OPS_EP_VIEWER: readonly Role[] = ["ops", "event-producer", "viewer"];

/** "CAD 125.00", or "n/a" when there is no amount. */
export function money(amount: string | null, currency: string | null): string {
  return amount === null ? "n/a" : `${currency ?? "(currency unknown)"} ${amount}`;
}

/** A short "2026-04-23 19:00 America/Toronto" for text answers. */
export function whenLocal(local: string | null, timezone: string | null, utc: string | null): string {
  if (local) return `${local.replace("T", " ")} ${timezone ?? ""}`.trim();
  return utc ? `${utc.slice(0, 16).replace("T", " ")} UTC` : "no start time";
}

/** A note line for a cut list. */
export function truncationNote(truncated: boolean, shown: number): string[] {
  return truncated ? [`(list cut at ${shown} rows)`] : [];
}
