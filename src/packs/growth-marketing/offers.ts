import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, eventByEid, iso, money, truncationNote } from "../data-read/shared.ts";
import { ROLES_MARKETING_FINANCE_READ } from "./shared.ts";

const input = z.strictObject({ eid: eid().optional() });

export interface ActiveOffer {
  id: string;
  name: string;
  type: string | null;
  description: string | null;
  /** As stored, in `currency`; for percentage-style offers the description says what it means. */
  value: string | null;
  currency: string | null;
  /** Cities the offer is limited to (ids resolved to names); empty means everywhere. */
  cities: string[];
  everywhere: boolean;
  /** RFM score limits narrower than the full 0–5 range, e.g. "frequency 2–5". */
  audience_limits: string[];
  starts_at: string | null;
  ends_at: string | null;
  total_inventory: number | null;
  /** Rows in offer_redemptions. */
  redemptions: number;
  /** Inventory minus redemptions; null when the inventory is unlimited. */
  remaining: number | null;
  redemption_link: string | null;
}

export interface ActiveOffersResult {
  eid: string | null;
  /** The event's city the offers were matched to (eid given only). */
  city: string | null;
  as_of: string;
  /** How "active" and the eid were applied. */
  scoping: string;
  /** Exact number of offers that match (not cut by the row cap). */
  matching: number;
  /** Active offers limited to other cities, left out because of the eid. Null without an eid. */
  other_cities_only: number | null;
  /** Soonest ending first. */
  offers: ActiveOffer[];
  truncated: boolean;
}

const ACTIVE_RULE =
  "Active = offers.active is true, the start date (if any) has passed and the end date (if any) has not.";

type Row = Omit<ActiveOffer, "starts_at" | "ends_at" | "audience_limits"> & {
  starts_at: Date | null;
  ends_at: Date | null;
  scores: Record<string, number | null>;
};

/** Offer `o` is live at the transaction's time. */
const activeSql = (sql: Sql) =>
  sql`coalesce(o.active, false) and (o.start_date is null or o.start_date <= now())
      and (o.end_date is null or o.end_date > now())`;

/**
 * Offer `o` is shown in this city: no geography limit, or the city is in geography_scope. Older
 * rows list city names, newer ones city ids, so both are compared.
 */
const inCitySql = (sql: Sql, cityId: string, cityName: string) =>
  sql`(cardinality(coalesce(o.geography_scope, '{}')) = 0
       or exists (select 1 from unnest(o.geography_scope) g
                  where g = ${cityId} or lower(btrim(g)) = lower(${cityName})))`;

/** "recency 2–5" for each RFM score whose bounds are narrower than 0–5. */
function audienceLimits(scores: Record<string, number | null>): string[] {
  const out: string[] = [];
  for (const score of ["recency", "frequency", "monetary"]) {
    const min = scores[`min_${score}`] ?? 0;
    const max = scores[`max_${score}`] ?? 5;
    if (min > 0 || max < 5) out.push(`${score} ${min}–${max}`);
  }
  return out;
}

export const getActiveOffers = defineTool({
  name: "get_active_offers",
  domain: "growth-marketing",
  title: "Active promo offers",
  description:
    "Promo offers live right now (active, started, not ended), soonest ending first: name, type, value and " +
    "currency, cities it is limited to, RFM audience limits, dates, inventory, redemptions and what is left. " +
    "Offers are not linked to events: with an eid, the result is the offers shown in that event's city (offers " +
    "for everywhere plus offers limited to that city), and says how many were left out because they target " +
    "other cities. Without an eid, every active offer. Use it for 'what offers can AB4120 attendees use?'.",
  input,
  policy: { roles: ROLES_MARKETING_FINANCE_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<ActiveOffersResult> {
    const event = args.eid ? await eventByEid(sql, args.eid) : null;
    const [place] = event
      ? await sql<{ city_id: string | null; city: string | null }[]>`
          select c.id as city_id, c.name as city from events e left join cities c on c.id = e.city_id
          where e.id = ${event.id}`
      : [];
    const cityId = place?.city_id ?? null;
    const cityName = place?.city ?? null;
    // An event without a city only sees offers that are not limited to any city.
    const where = event
      ? cityId && cityName
        ? sql`${activeSql(sql)} and ${inCitySql(sql, cityId, cityName)}`
        : sql`${activeSql(sql)} and cardinality(coalesce(o.geography_scope, '{}')) = 0`
      : activeSql(sql);
    const [rows, [counts], [clock]] = await Promise.all([
      sql<Row[]>`
        select o.id, o.name, o.type, o.description, o.value::text as value, o.currency,
               coalesce((select array_agg(coalesce(c.name, g) order by coalesce(c.name, g))
                         from unnest(o.geography_scope) g left join cities c on c.id::text = g), '{}') as cities,
               cardinality(coalesce(o.geography_scope, '{}')) = 0 as everywhere,
               json_build_object('min_recency', o.min_recency_score, 'max_recency', o.max_recency_score,
                                 'min_frequency', o.min_frequency_score, 'max_frequency', o.max_frequency_score,
                                 'min_monetary', o.min_monetary_score, 'max_monetary', o.max_monetary_score) as scores,
               o.start_date as starts_at, o.end_date as ends_at, o.total_inventory,
               r.n as redemptions, o.total_inventory - r.n as remaining, o.redemption_link
        from offers o
        cross join lateral (select count(*)::int as n from offer_redemptions x where x.offer_id = o.id) r
        where ${where}
        order by o.end_date nulls last, o.display_order, o.name, o.id
        limit ${rowCap + 1}`,
      sql<{ matching: number; other_cities_only: number }[]>`
        select count(*) filter (where ${where})::int as matching,
               count(*) filter (where ${activeSql(sql)} and not (${where}))::int as other_cities_only
        from offers o`,
      sql<{ now: Date }[]>`select now() as now`,
    ]);
    const cut = capped(rows, rowCap);
    const scoping = event
      ? `${ACTIVE_RULE} Offers are not tied to events; ${event.eid} is matched by its city` +
        (cityName
          ? ` (${cityName}): offers limited to no city or to ${cityName} are included.`
          : ": the event has no city, so only offers limited to no city are included.")
      : `${ACTIVE_RULE} Every active offer, in every city.`;
    return {
      eid: event?.eid ?? null,
      city: cityName,
      as_of: (clock?.now ?? new Date()).toISOString(),
      scoping,
      matching: counts?.matching ?? 0,
      other_cities_only: event ? (counts?.other_cities_only ?? 0) : null,
      offers: cut.rows.map(({ scores, ...o }) => ({
        ...o,
        audience_limits: audienceLimits(scores),
        starts_at: iso(o.starts_at),
        ends_at: iso(o.ends_at),
      })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const where = r.eid ? ` for ${r.eid}${r.city ? ` (${r.city})` : ""}` : "";
    const lines = [
      `${r.matching} active offers${where}` +
        (r.other_cities_only ? `; ${r.other_cities_only} more limited to other cities` : ""),
      r.scoping,
    ];
    for (const o of r.offers) {
      const value = o.value === null ? "" : ` ${money(o.value, o.currency)}`;
      const stock = o.remaining === null ? "unlimited" : `${o.remaining} of ${o.total_inventory} left`;
      lines.push(
        `- ${o.name} (${o.type ?? "?"}${value}): ${o.everywhere ? "everywhere" : o.cities.join(", ")}; ` +
          `${o.redemptions} redeemed, ${stock}; ends ${o.ends_at?.slice(0, 10) ?? "never"}` +
          (o.audience_limits.length ? `; audience ${o.audience_limits.join(", ")}` : ""),
      );
    }
    lines.push(...truncationNote(r.truncated, r.offers.length));
    return lines.join("\n");
  },
});
