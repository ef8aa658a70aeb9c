/** Does an Eventbrite listing look like the Art Battle event it is linked to? */

export interface EventFacts {
  city: string | null;
  /** The event's local start date, "YYYY-MM-DD". */
  localDate: string | null;
  startsAt: Date | null;
}

export interface ListingFacts {
  name: string | null;
  /** Local wall-clock start, "YYYY-MM-DD HH:MM:SS" or with a "T". */
  startLocal: string | null;
  /** UTC start ("…Z"), when known (the live API gives it; the cache does not). */
  startUtc?: string | null;
}

export interface ListingCheck {
  /** The title contains the event's city (case and accents ignored); null if either is unknown. */
  name_mentions_city: boolean | null;
  /** Listing start minus event start in whole days; null if unknown. */
  days_apart: number | null;
  /** Neither the city nor the date (beyond a day) disagrees. */
  matches: boolean;
  issues: string[];
}

const DAY_MS = 86_400_000;
/** A listing may start a day off the event (time zones, late shows) and still be the same show. */
const TOLERANCE_DAYS = 1;

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

const dayNumber = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

/** How many days the listing starts after (positive) or before the event, by instant or by local date. */
function daysApart(event: EventFacts, listing: ListingFacts): { days: number; exceeds: boolean } | null {
  const utc = listing.startUtc ? Date.parse(listing.startUtc) : Number.NaN;
  if (event.startsAt && Number.isFinite(utc)) {
    const diff = (utc - event.startsAt.getTime()) / DAY_MS;
    return { days: Math.round(diff), exceeds: Math.abs(diff) > TOLERANCE_DAYS };
  }
  const local = listing.startLocal?.slice(0, 10);
  if (event.localDate && local && /^\d{4}-\d{2}-\d{2}$/.test(local)) {
    const days = dayNumber(local) - dayNumber(event.localDate);
    return { days, exceeds: Math.abs(days) > TOLERANCE_DAYS };
  }
  return null;
}

/**
 * Compare a listing (cached or live) with the event: its title should name the event's city and it
 * should start within a day of the event. `source` names the listing in the issues ("cached", "live").
 */
export function compareListing(event: EventFacts, listing: ListingFacts, source: string): ListingCheck {
  const mentions = listing.name && event.city ? fold(listing.name).includes(fold(event.city)) : null;
  const apart = daysApart(event, listing);
  const issues: string[] = [];
  if (mentions === false) {
    issues.push(
      `The ${source} Eventbrite listing "${listing.name}" does not mention the event's city, ${event.city}.`,
    );
  }
  if (apart?.exceeds) {
    const when = listing.startLocal ? listing.startLocal.slice(0, 16).replace("T", " ") : listing.startUtc;
    issues.push(
      `The ${source} Eventbrite listing starts ${when}, ${Math.abs(apart.days)} day(s) ` +
        `${apart.days > 0 ? "after" : "before"} the event${event.localDate ? ` (${event.localDate})` : ""}.`,
    );
  }
  return {
    name_mentions_city: mentions,
    days_apart: apart?.days ?? null,
    matches: issues.length === 0,
    issues,
  };
}
