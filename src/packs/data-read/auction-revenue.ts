import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import {
  capped,
  eventByEid,
  isSoldSql,
  money,
  REVENUE_RULE,
  ROLES_NO_MARKETING,
  saleValueSql,
  truncationNote,
} from "./shared.ts";

const input = z.strictObject({
  eid: eid(),
  group_by: z
    .enum(["total", "artist", "round"])
    .default("total")
    .describe("total (default), or also break sales down per artist or per round"),
});

/** Sales figures for a set of artworks; amounts in the result's currency. */
export interface SalesFigures {
  artworks: number;
  sold: number;
  paid: number;
  awaiting_payment: number;
  revenue: string;
  paid_revenue: string;
  awaiting_payment_revenue: string;
  highest_sale: string | null;
  average_sale: string | null;
}

export interface RevenueGroup extends SalesFigures {
  artist_profile_id?: string | null;
  artist?: string | null;
  round?: number | null;
}

export interface AuctionRevenueResult {
  eid: string;
  name: string;
  currency: string | null;
  group_by: "total" | "artist" | "round";
  rule: string;
  /** Share of each sale owed to the artist at this event. */
  artist_auction_portion: string;
  totals: SalesFigures & {
    /** Sold artworks valued at current_bid because final_price is empty. */
    valued_from_current_bid: number;
  };
  /** Per artist (highest revenue first) or per round; empty for group_by total. */
  groups: RevenueGroup[];
  truncated: boolean;
}

/** The SalesFigures columns over the artworks `a` of the current group. */
const figures = (sql: Sql) => {
  const value = saleValueSql(sql);
  const sold = isSoldSql(sql);
  return sql`
    count(*)::int as artworks,
    count(*) filter (where ${sold})::int as sold,
    count(*) filter (where a.status = 'paid')::int as paid,
    count(*) filter (where a.status = 'sold')::int as awaiting_payment,
    round(coalesce(sum(${value}) filter (where ${sold}), 0), 2)::text as revenue,
    round(coalesce(sum(${value}) filter (where a.status = 'paid'), 0), 2)::text as paid_revenue,
    round(coalesce(sum(${value}) filter (where a.status = 'sold'), 0), 2)::text as awaiting_payment_revenue,
    round(max(${value}) filter (where ${sold}), 2)::text as highest_sale,
    round(avg(${value}) filter (where ${sold}), 2)::text as average_sale`;
};

export const getAuctionRevenue = defineTool({
  name: "get_auction_revenue",
  domain: "data-read",
  title: "Auction revenue",
  description:
    "Art sales at one event, in the event's currency: artworks, sold, paid, awaiting buyer payment, revenue, " +
    "paid revenue, unpaid revenue, highest and average sale; with group_by 'artist' or 'round' the same figures " +
    "per artist or per round. 'Sold' means status sold or paid, valued at COALESCE(final_price, current_bid, 0); " +
    "works that merely have bids or are closed unsold never count. The rule is quoted in the result. Use it for " +
    "'how much did AB4001 make?' or 'top-selling artists'. It does not compute what artists are owed " +
    "(get_artists_owed) or ticket revenue (get_eventbrite_fees).",
  input,
  policy: { roles: ROLES_NO_MARKETING, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<AuctionRevenueResult> {
    const event = await eventByEid(sql, args.eid);
    const [totals] = await sql<AuctionRevenueResult["totals"][]>`
      select ${figures(sql)},
             count(*) filter (where ${isSoldSql(sql)} and a.final_price is null)::int
               as valued_from_current_bid
      from art a where a.event_id = ${event.id}`;
    if (!totals) throw new Error("revenue query returned no row");
    let groups: RevenueGroup[] = [];
    if (args.group_by === "artist") {
      groups = await sql<RevenueGroup[]>`
        select ap.id as artist_profile_id, ap.name as artist, ${figures(sql)}
        from art a left join artist_profiles ap on ap.id = a.artist_id
        where a.event_id = ${event.id}
        group by ap.id
        order by sum(${saleValueSql(sql)}) filter (where ${isSoldSql(sql)})
                 desc nulls last, ap.name
        limit ${rowCap + 1}`;
    } else if (args.group_by === "round") {
      groups = await sql<RevenueGroup[]>`
        select a.round, ${figures(sql)}
        from art a where a.event_id = ${event.id}
        group by a.round order by a.round
        limit ${rowCap + 1}`;
    }
    const cut = capped(groups, rowCap);
    return {
      eid: event.eid,
      name: event.name,
      currency: event.currency,
      group_by: args.group_by,
      rule: REVENUE_RULE,
      artist_auction_portion: event.artistPortion,
      totals,
      groups: cut.rows,
      truncated: cut.truncated,
    };
  },
  format(r) {
    const c = r.currency;
    const line = (f: SalesFigures) =>
      `${f.sold} sold of ${f.artworks} (${f.paid} paid, ${f.awaiting_payment} awaiting payment): ` +
      `${money(f.revenue, c)}, paid ${money(f.paid_revenue, c)}, unpaid ${money(f.awaiting_payment_revenue, c)}, ` +
      `highest ${money(f.highest_sale, c)}, average ${money(f.average_sale, c)}`;
    const lines = [`${r.eid} ${r.name}: ${line(r.totals)}`];
    for (const g of r.groups) {
      const label = r.group_by === "artist" ? (g.artist ?? "(no artist)") : `Round ${g.round ?? "?"}`;
      lines.push(`- ${label}: ${line(g)}`);
    }
    lines.push(...truncationNote(r.truncated, r.groups.length), `Rule: ${r.rule}`);
    return lines.join("\n");
  },
});
