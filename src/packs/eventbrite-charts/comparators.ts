import type { Sql } from "../../db/index.ts";
import { SOLD_ORDER_STATUSES } from "./pace.ts";

/** Weights of the comparator score (original-system.md §1.3, get_chart_comparators). */
export const COMPARATOR_WEIGHTS = {
  same_city: 0.45,
  scale: 0.25,
  price: 0.15,
  recency: 0.1,
  weekday: 0.05,
} as const;

/** How many comparators a chart draws from each pool, and in all. */
export const SAME_CITY_PICKS = 3;
export const CROSS_CITY_PICKS = 2;
/** Scores younger than this are reused instead of scoring again. */
export const SCORE_TTL_HOURS = 24;

export type ComparatorPool = "same_city" | "cross_city";

export interface ComparatorCandidate {
  eid: string;
  name: string;
  city: string | null;
  date: Date;
  pool: ComparatorPool;
  total_tickets: number | null;
  city_score: number;
  scale_similarity: number;
  price_similarity: number;
  recency_score: number;
  weekday_similarity: number;
  total_score: number;
  /** The orders cache holds its sales, so it can be drawn as a line. */
  has_order_history: boolean;
}

/**
 * Score the events an event can be compared with, in one statement. Pools: up to 20 shows in the same
 * city held 30–540 days ago and 30 elsewhere held 30–365 days ago, each with an Eventbrite id. Each
 * candidate is joined to its newest cache row only (the cache is append-only; joining every row
 * repeated candidates, §6.2 item 8). Unknown ticket counts or prices score 0.5 on that criterion.
 * Weekday compares local days; Saturday and Sunday are the weekend.
 */
export async function scoreComparators(sql: Sql, targetEventId: string): Promise<ComparatorCandidate[]> {
  const w = COMPARATOR_WEIGHTS;
  return sql<ComparatorCandidate[]>`
    with target as (
      select e.id, e.city_id, e.event_start_datetime as starts,
             extract(isodow from e.event_start_datetime at time zone coalesce(nullif(e.timezone_icann, ''), 'UTC'))::int as dow,
             c.total_tickets_sold as tickets,
             c.ticket_revenue / nullif(c.total_tickets_sold, 0) as avg_price
      from events e
      left join lateral (
        select x.total_tickets_sold, x.ticket_revenue from eventbrite_api_cache x
        where x.eventbrite_id = e.eventbrite_id order by x.fetched_at desc limit 1
      ) c on true
      where e.id = ${targetEventId}
    ),
    pool as (
      (select e.id, 'same_city'::text as pool
       from events e, target t
       where e.city_id = t.city_id and e.id <> t.id and nullif(e.eventbrite_id, '') is not null
         and e.event_start_datetime between now() - interval '540 days' and now() - interval '30 days'
       order by e.event_start_datetime desc
       limit 20)
      union all
      (select e.id, 'cross_city'::text
       from events e, target t
       where e.city_id is distinct from t.city_id and e.id <> t.id and nullif(e.eventbrite_id, '') is not null
         and e.event_start_datetime between now() - interval '365 days' and now() - interval '30 days'
       order by e.event_start_datetime desc
       limit 30)
    ),
    facts as (
      select e.eid, e.name, ci.name as city, e.event_start_datetime as date, p.pool,
             c.total_tickets_sold as tickets,
             c.ticket_revenue / nullif(c.total_tickets_sold, 0) as avg_price,
             extract(isodow from e.event_start_datetime at time zone coalesce(nullif(e.timezone_icann, ''), 'UTC'))::int as dow,
             extract(epoch from now() - e.event_start_datetime) / 86400 as age_days,
             exists (
               select 1 from eventbrite_orders_cache o
               where o.event_id = e.id and o.order_status in ${sql(SOLD_ORDER_STATUSES)}
             ) as has_order_history
      from pool p
      join events e on e.id = p.id
      left join cities ci on ci.id = e.city_id
      left join lateral (
        select x.total_tickets_sold, x.ticket_revenue from eventbrite_api_cache x
        where x.eventbrite_id = e.eventbrite_id order by x.fetched_at desc limit 1
      ) c on true
    ),
    scored as (
      select f.*,
             case when f.pool = 'same_city' then 1.0 else 0.0 end as city_score,
             case when coalesce(f.tickets, 0) = 0 or coalesce(t.tickets, 0) = 0 then 0.5
                  else least(f.tickets, t.tickets)::numeric / greatest(f.tickets, t.tickets) end as scale_similarity,
             case when f.avg_price is null or t.avg_price is null then 0.5
                  else least(f.avg_price, t.avg_price) / greatest(f.avg_price, t.avg_price) end as price_similarity,
             greatest(0, least(1, 1 - (f.age_days - 30) / 510.0)) as recency_score,
             case when f.dow = t.dow then 1.0
                  when (f.dow >= 6) = (t.dow >= 6) then 0.5 else 0.0 end as weekday_similarity
      from facts f, target t
    )
    select eid, name, city, date, pool, tickets as total_tickets, has_order_history,
           round(city_score, 3)::float8 as city_score,
           round(scale_similarity, 3)::float8 as scale_similarity,
           round(price_similarity, 3)::float8 as price_similarity,
           round(recency_score::numeric, 3)::float8 as recency_score,
           round(weekday_similarity, 3)::float8 as weekday_similarity,
           round(${w.same_city} * city_score + ${w.scale} * scale_similarity + ${w.price} * price_similarity
                 + ${w.recency} * recency_score::numeric + ${w.weekday} * weekday_similarity, 3)::float8 as total_score
    from scored
    order by total_score desc, date desc, eid`;
}

/**
 * The comparators a chart draws: the best three same-city and best two cross-city candidates that
 * have order history (a candidate without it cannot be drawn), each pool back-filling the other.
 */
export function selectComparators(candidates: readonly ComparatorCandidate[]): string[] {
  const drawable = [...candidates]
    .filter((c) => c.has_order_history)
    .sort((a, b) => b.total_score - a.total_score || b.date.getTime() - a.date.getTime());
  const same = drawable.filter((c) => c.pool === "same_city");
  const cross = drawable.filter((c) => c.pool === "cross_city");
  const total = SAME_CITY_PICKS + CROSS_CITY_PICKS;
  const picks = [...same.slice(0, SAME_CITY_PICKS), ...cross.slice(0, CROSS_CITY_PICKS)];
  const rest = drawable.filter((c) => !picks.includes(c));
  return [...picks, ...rest.slice(0, Math.max(0, total - picks.length))].map((c) => c.eid);
}

/** Candidates stored for `targetEid` within the reuse window, or null when they must be scored again. */
export async function storedComparators(
  sql: Sql,
  targetEid: string,
): Promise<{ scoredAt: Date; candidates: ComparatorCandidate[] } | null> {
  const rows = await sql<(ComparatorCandidate & { scored_at: Date })[]>`
    select s.candidate_eid as eid, coalesce(s.candidate_name, e.name) as name, s.candidate_city as city,
           s.candidate_date as date, s.pool, s.candidate_total_tickets as total_tickets,
           s.city_score::float8, s.scale_similarity::float8, s.price_similarity::float8,
           s.recency_score::float8, s.weekday_similarity::float8, s.total_score::float8, s.scored_at,
           exists (
             select 1 from eventbrite_orders_cache o
             where o.event_id = e.id and o.order_status in ${sql(SOLD_ORDER_STATUSES)}
           ) as has_order_history
    from esbmcp_chart_comparator_candidates s
    left join events e on e.eid = s.candidate_eid
    where s.target_eid = ${targetEid}
      and s.scored_at > now() - make_interval(hours => ${SCORE_TTL_HOURS})
    order by s.total_score desc, s.candidate_date desc, s.candidate_eid`;
  const first = rows[0];
  if (!first) return null;
  return { scoredAt: first.scored_at, candidates: rows.map(({ scored_at: _, ...c }) => c) };
}

/**
 * Replace the stored candidates of `targetEid` with `candidates` (one row per pair; concurrent
 * rescoring of the same event converges instead of failing on the unique pair index).
 */
export async function storeComparators(
  sql: Sql,
  targetEid: string,
  candidates: readonly ComparatorCandidate[],
): Promise<void> {
  await sql`
    delete from esbmcp_chart_comparator_candidates
    where target_eid = ${targetEid} and not (candidate_eid = any(${candidates.map((c) => c.eid)}::text[]))`;
  if (candidates.length === 0) return;
  const rows = candidates.map((c) => ({
    target_eid: targetEid,
    candidate_eid: c.eid,
    candidate_name: c.name,
    candidate_city: c.city,
    candidate_date: c.date,
    candidate_total_tickets: c.total_tickets,
    city_score: c.city_score,
    scale_similarity: c.scale_similarity,
    price_similarity: c.price_similarity,
    recency_score: c.recency_score,
    weekday_similarity: c.weekday_similarity,
    total_score: c.total_score,
    pool: c.pool,
  }));
  await sql`
    insert into esbmcp_chart_comparator_candidates ${sql(rows)}
    on conflict (target_eid, candidate_eid) do update set
      candidate_name = excluded.candidate_name, candidate_city = excluded.candidate_city,
      candidate_date = excluded.candidate_date, candidate_total_tickets = excluded.candidate_total_tickets,
      city_score = excluded.city_score, scale_similarity = excluded.scale_similarity,
      price_similarity = excluded.price_similarity, recency_score = excluded.recency_score,
      weekday_similarity = excluded.weekday_similarity, total_score = excluded.total_score,
      pool = excluded.pool, scored_at = now()`;
}
