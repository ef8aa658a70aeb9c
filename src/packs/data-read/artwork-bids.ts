import { z } from "zod";
import { defineTool, eid, uuid } from "../../catalog/index.ts";
import { artistById, capped, eventByEid, iso, money, ROLES_NO_MARKETING, truncationNote } from "./shared.ts";

const input = z.strictObject({
  eid: eid(),
  artist_profile_id: uuid("Only this artist's artworks (artist profile id)").optional(),
});

export interface ArtworkBids {
  art_id: string;
  art_code: string;
  round: number | null;
  easel: number | null;
  status: string;
  artist_profile_id: string | null;
  artist: string | null;
  starting_bid: string | null;
  /** Top accepted bid; new artworks show the 50 start value here until someone bids. */
  current_bid: string | null;
  final_price: string | null;
  closing_time: string | null;
  /** Counted from the bids table (art.bid_count is not maintained by the platform). */
  bids: number;
  bidders: number;
  highest_bid: string | null;
  lowest_bid: string | null;
  last_bid_at: string | null;
  winner_name: string | null;
}

export interface ArtworkBidsResult {
  eid: string;
  name: string;
  /** Currency of every amount. */
  currency: string | null;
  artist_filter: { id: string; name: string } | null;
  total_artworks: number;
  artworks: ArtworkBids[];
  truncated: boolean;
}

type ArtworkRow = Omit<ArtworkBids, "closing_time" | "last_bid_at"> & {
  closing_time: Date | null;
  last_bid_at: Date | null;
  total_rows: number;
};

export const lookupArtworkBids = defineTool({
  name: "lookup_artwork_bids",
  domain: "data-read",
  title: "Artworks and their bids",
  description:
    "One row per artwork of an event (optionally only one artist's, by artist_profile_id): art code, round, " +
    "easel, status, artist, starting/current bid, final price, closing time, and bid statistics counted from the " +
    "bids table (number of bids, distinct bidders, highest, lowest, last bid time) plus the winner's name. Amounts " +
    "are in the event's currency. Use it for 'which pieces got bids at ABxxxx?' or 'how did <artist>'s work do?'. " +
    "For the individual bids and bidders use get_bid_history; for totals use get_auction_revenue.",
  input,
  policy: { roles: ROLES_NO_MARKETING, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<ArtworkBidsResult> {
    const event = await eventByEid(sql, args.eid);
    const artist = args.artist_profile_id ? await artistById(sql, args.artist_profile_id) : null;
    const rows = await sql<ArtworkRow[]>`
      select a.id as art_id, a.art_code, a.round, a.easel, a.status::text as status,
             ap.id as artist_profile_id, ap.name as artist,
             round(a.starting_bid, 2)::text as starting_bid, round(a.current_bid, 2)::text as current_bid,
             round(a.final_price, 2)::text as final_price, a.closing_time,
             count(b.id)::int as bids, count(distinct b.person_id)::int as bidders,
             round(max(b.amount), 2)::text as highest_bid, round(min(b.amount), 2)::text as lowest_bid,
             max(b.created_at) as last_bid_at,
             nullif(coalesce(nullif(concat_ws(' ', w.first_name, w.last_name), ''), w.name, w.nickname), '')
               as winner_name,
             (count(*) over ())::int as total_rows
      from art a
      left join artist_profiles ap on ap.id = a.artist_id
      left join bids b on b.art_id = a.id
      left join people w on w.id = a.winner_id
      where a.event_id = ${event.id} ${artist ? sql`and a.artist_id = ${artist.id}` : sql``}
      group by a.id, ap.id, w.id
      order by a.round, a.easel, a.art_code
      limit ${rowCap + 1}`;
    const cut = capped(rows, rowCap);
    return {
      eid: event.eid,
      name: event.name,
      currency: event.currency,
      artist_filter: artist,
      total_artworks: rows[0]?.total_rows ?? 0,
      artworks: cut.rows.map(({ total_rows: _total, ...r }) => ({
        ...r,
        closing_time: iso(r.closing_time),
        last_bid_at: iso(r.last_bid_at),
      })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const head = `${r.eid} ${r.name}${r.artist_filter ? `, artist ${r.artist_filter.name}` : ""}: ${r.total_artworks} artworks`;
    const lines = r.artworks.map(
      (a) =>
        `- ${a.art_code} ${a.artist ?? "(no artist)"} [${a.status}]: ${a.bids} bids from ${a.bidders} bidders, ` +
        `highest ${money(a.highest_bid, r.currency)}${a.final_price ? `, final ${money(a.final_price, r.currency)}` : ""}` +
        `${a.winner_name ? `, won by ${a.winner_name}` : ""}`,
    );
    return [head, ...lines, ...truncationNote(r.truncated, r.artworks.length)].join("\n");
  },
});
