import { z } from "zod";
import { boundedInt, defineTool, eid, likePattern, notFound, ToolError, text } from "../../catalog/index.ts";
import { cardLine, type EventCard, eventCards } from "./event-card.ts";
import { capped, money, ROLES_ALL, truncationNote } from "./shared.ts";

const input = z.strictObject({
  eid: eid().optional(),
  city: text(
    'City name or part of one, e.g. "Toronto" (matched literally, case-insensitive)',
    100,
  ).optional(),
  limit: boundedInt(1, 25, 10, "Most upcoming events to list for a city search"),
});

export type LookupEventResult =
  | { mode: "eid"; event: EventCard }
  | {
      mode: "city";
      city_query: string;
      matched_cities: { city: string; country: string | null }[];
      /** Live now or starting later, soonest first. */
      upcoming: EventCard[];
      truncated: boolean;
      /** The three most recent finished shows in the matched cities, newest first. */
      recent_past: EventCard[];
    };

const RECENT_PAST = 3;
const MAX_CITIES = 20;

export const lookupEvent = defineTool({
  name: "lookup_event",
  domain: "data-read",
  title: "Look up an event",
  description:
    "Find an Art Battle event. With `eid` (e.g. AB4001): that event's name, city, country, venue and address, " +
    "start time in UTC and in the event's local time zone, whether it is upcoming, live or past, currency, " +
    "capacity, the enabled/show_in_app flags, Eventbrite id and Meta ads budget. With only `city`: events in " +
    "cities whose name contains the text that are live or still to come (soonest first, up to `limit`), plus " +
    "the three most recent past shows there. Use this first to resolve a city or date to an EID. It does not " +
    "return sales, votes, artists or ticket numbers (see get_event_summary, get_eventbrite_data).",
  input,
  policy: { roles: ROLES_ALL, risk: "low", maxCallsPerRequest: 3, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<LookupEventResult> {
    if (args.eid) {
      const [event] = await eventCards(sql, sql`e.eid = ${args.eid}`, sql`e.eid`, 1);
      if (!event) throw notFound(`No event ${args.eid}`);
      return { mode: "eid", event };
    }
    if (!args.city)
      throw new ToolError("INVALID_ARGUMENT", "Give an event id (eid) or a city to search for.");
    const pattern = likePattern(args.city);
    const cities = await sql<{ city: string; country: string | null }[]>`
      select c.name as city, co.name as country
      from cities c left join countries co on co.id = c.country_id
      where c.name ilike ${pattern}
      order by c.name
      limit ${MAX_CITIES}`;
    const inCity = sql`c.name ilike ${pattern}`;
    const limit = Math.min(args.limit, rowCap);
    const upcoming = await eventCards(
      sql,
      sql`${inCity} and coalesce(e.event_end_datetime, e.event_start_datetime + interval '4 hours') > now()`,
      sql`e.event_start_datetime, e.eid`,
      limit + 1,
    );
    const past = await eventCards(
      sql,
      sql`${inCity} and coalesce(e.event_end_datetime, e.event_start_datetime + interval '4 hours') <= now()`,
      sql`e.event_start_datetime desc, e.eid`,
      Math.min(RECENT_PAST, rowCap),
    );
    const { rows, truncated } = capped(upcoming, limit);
    return {
      mode: "city",
      city_query: args.city,
      matched_cities: cities,
      upcoming: rows,
      truncated,
      recent_past: past,
    };
  },
  format(result) {
    if (result.mode === "eid") {
      const e = result.event;
      return [
        cardLine(e),
        `Address: ${e.venue_address ?? "none recorded"}; country ${e.country ?? "unknown"}`,
        `Currency ${e.currency ?? "unknown"}, capacity ${e.capacity ?? "not set"}, ` +
          `enabled ${e.enabled}, show_in_app ${e.show_in_app}`,
        `Eventbrite id: ${e.eventbrite_id ?? "none"}; Meta ads budget: ${money(e.meta_ads_budget, e.currency)}`,
      ].join("\n");
    }
    if (result.matched_cities.length === 0) return `No city matches "${result.city_query}".`;
    const lines = [
      `Cities matching "${result.city_query}": ${result.matched_cities.map((c) => c.city).join(", ")}`,
      result.upcoming.length ? "Upcoming or live:" : "No upcoming or live events.",
      ...result.upcoming.map((e) => `- ${cardLine(e)}`),
      ...truncationNote(result.truncated, result.upcoming.length),
    ];
    if (result.recent_past.length) {
      lines.push("Most recent past:", ...result.recent_past.map((e) => `- ${cardLine(e)}`));
    }
    return lines.join("\n");
  },
});
