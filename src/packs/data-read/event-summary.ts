import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import {
  eventByEid,
  iso,
  isSoldSql,
  localTime,
  money,
  type Phase,
  REVENUE_RULE,
  ROLES_ALL,
  saleValueSql,
  whenLocal,
} from "./shared.ts";

const input = z.strictObject({ eid: eid() });

export interface EventSummary {
  eid: string;
  name: string;
  city: string | null;
  phase: Phase;
  starts_at: string | null;
  local_start: string | null;
  timezone: string | null;
  rounds: number;
  artworks: {
    total: number;
    /** Count per art status (active, closed, sold, paid, cancelled, inactive); absent statuses omitted. */
    by_status: Record<string, number>;
    artists: number;
  };
  sales: {
    currency: string | null;
    /** Status sold or paid. */
    sold: number;
    /** Buyer has paid. */
    paid: number;
    /** Status sold: won but the buyer has not paid yet. */
    awaiting_payment: number;
    revenue: string;
    paid_revenue: string;
    highest_sale: string | null;
    average_sale: string | null;
    rule: string;
  };
  bidding: { bids: number; bidders: number };
  voting: { votes: number; voters: number; weighted_total: string };
}

interface StatsRow {
  rounds: number;
  by_status: Record<string, number> | null;
  artworks: number;
  artists: number;
  sold: number;
  paid: number;
  revenue: string;
  paid_revenue: string;
  highest_sale: string | null;
  average_sale: string | null;
  bids: number;
  bidders: number;
  votes: number;
  voters: number;
  weighted_total: string;
}

export const getEventSummary = defineTool({
  name: "get_event_summary",
  domain: "data-read",
  title: "Event summary",
  description:
    "Headline numbers for one event: rounds, artworks by status and distinct artists; sales (sold count, paid " +
    "count, works awaiting buyer payment, revenue, paid revenue, highest and average sale, in the event's " +
    "currency); bids and distinct bidders; votes, distinct voters and the weighted vote total (as in " +
    "get_vote_data). 'Sold' means status " +
    "sold or paid, valued at COALESCE(final_price, current_bid, 0); the rule is quoted in the result. Use it for " +
    "'how did ABxxxx go?'. For per-artist or per-round sales use get_auction_revenue; for vote rankings " +
    "get_vote_data; for ticket sales get_eventbrite_data.",
  input,
  policy: { roles: ROLES_ALL, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql }): Promise<EventSummary> {
    const event = await eventByEid(sql, args.eid);
    const [s] = await sql<StatsRow[]>`
      with sale as (
        select a.status::text as status, a.artist_id, ${saleValueSql(sql)} as value,
               ${isSoldSql(sql)} as is_sold
        from art a where a.event_id = ${event.id}
      )
      select
        (select count(*)::int from rounds r where r.event_id = ${event.id}) as rounds,
        (select jsonb_object_agg(status, n) from (select status, count(*)::int as n from sale group by status) t)
          as by_status,
        (select count(*)::int from sale) as artworks,
        (select count(distinct artist_id)::int from sale) as artists,
        (select count(*)::int from sale where is_sold) as sold,
        (select count(*)::int from sale where status = 'paid') as paid,
        (select round(coalesce(sum(value), 0), 2)::text from sale where is_sold) as revenue,
        (select round(coalesce(sum(value), 0), 2)::text from sale where status = 'paid') as paid_revenue,
        (select round(max(value), 2)::text from sale where is_sold) as highest_sale,
        (select round(avg(value), 2)::text from sale where is_sold) as average_sale,
        (select count(*)::int from bids b join art a on a.id = b.art_id where a.event_id = ${event.id}) as bids,
        (select count(distinct b.person_id)::int from bids b join art a on a.id = b.art_id
          where a.event_id = ${event.id}) as bidders,
        (select count(*)::int from votes v where v.event_id = ${event.id}) as votes,
        (select count(distinct v.person_id)::int from votes v where v.event_id = ${event.id}) as voters,
        (select round(coalesce(sum(coalesce(v.vote_factor, w.total_weight, 1.0)), 0), 2)::text from votes v
          left join person_vote_weights w on v.vote_factor is null and w.person_id = v.person_id
          where v.event_id = ${event.id}) as weighted_total`;
    if (!s) throw new Error("summary query returned no row");
    return {
      eid: event.eid,
      name: event.name,
      city: event.city,
      phase: event.phase,
      starts_at: iso(event.startsAt),
      local_start: localTime(event.startsAt, event.timezone),
      timezone: event.timezone,
      rounds: s.rounds,
      artworks: { total: s.artworks, by_status: s.by_status ?? {}, artists: s.artists },
      sales: {
        currency: event.currency,
        sold: s.sold,
        paid: s.paid,
        awaiting_payment: s.sold - s.paid,
        revenue: s.revenue,
        paid_revenue: s.paid_revenue,
        highest_sale: s.highest_sale,
        average_sale: s.average_sale,
        rule: REVENUE_RULE,
      },
      bidding: { bids: s.bids, bidders: s.bidders },
      voting: { votes: s.votes, voters: s.voters, weighted_total: s.weighted_total },
    };
  },
  format(r) {
    const c = r.sales.currency;
    const statuses = Object.entries(r.artworks.by_status)
      .map(([status, n]) => `${n} ${status}`)
      .join(", ");
    return [
      `${r.eid} ${r.name} — ${whenLocal(r.local_start, r.timezone, r.starts_at)} (${r.phase})`,
      `${r.rounds} rounds, ${r.artworks.total} artworks by ${r.artworks.artists} artists${statuses ? ` (${statuses})` : ""}`,
      `Sold ${r.sales.sold} (${r.sales.paid} paid, ${r.sales.awaiting_payment} awaiting payment): revenue ${money(r.sales.revenue, c)}, ` +
        `paid ${money(r.sales.paid_revenue, c)}, highest ${money(r.sales.highest_sale, c)}, average ${money(r.sales.average_sale, c)}`,
      `Bids: ${r.bidding.bids} from ${r.bidding.bidders} bidders. Votes: ${r.voting.votes} from ${r.voting.voters} voters ` +
        `(weighted ${r.voting.weighted_total})`,
      `Rule: ${r.sales.rule}`,
    ].join("\n");
  },
});
