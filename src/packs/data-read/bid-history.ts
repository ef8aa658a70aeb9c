import { z } from "zod";
import { defineTool, eid, notFound } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, eventByEid, iso, money, ROLES_NO_MARKETING, truncationNote } from "./shared.ts";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ART_CODE_RE = /^ab\d{1,6}-\d{1,2}-\d{1,3}$/i;

const input = z.strictObject({
  eid: eid(),
  art_id: z
    .string()
    .trim()
    .refine((v) => UUID_RE.test(v) || ART_CODE_RE.test(v), {
      message: 'must be an artwork UUID or an art code like "AB4002-1-3"',
    })
    .transform((v) => (ART_CODE_RE.test(v) ? v.toUpperCase() : v.toLowerCase()))
    .optional()
    .describe('Only this artwork: its UUID or its art code ("<EID>-<round>-<easel>", e.g. AB4002-1-3)'),
});

export interface Bid {
  art_code: string;
  amount: string;
  created_at: string | null;
  /** The highest bid on its artwork so far. */
  is_top_bid: boolean;
  bidder_person_id: string;
  bidder_name: string | null;
  bidder_email: string | null;
  bidder_phone: string | null;
}

export interface BidHistoryResult {
  eid: string;
  name: string;
  /** Currency of every amount. */
  currency: string | null;
  artwork: { art_code: string; status: string; artist: string | null; closing_time: string | null } | null;
  total_bids: number;
  /** Newest first. */
  bids: Bid[];
  truncated: boolean;
}

interface ArtRow {
  id: string;
  art_code: string;
  event_id: string;
  status: string;
  artist: string | null;
  closing_time: Date | null;
}

/** The artwork named by UUID or art code, which must belong to the event. */
async function artworkOf(sql: Sql, eventId: string, eid: string, artId: string): Promise<ArtRow> {
  const byId = UUID_RE.test(artId);
  const [art] = await sql<ArtRow[]>`
    select a.id, a.art_code, a.event_id, a.status::text as status, ap.name as artist, a.closing_time
    from art a left join artist_profiles ap on ap.id = a.artist_id
    where ${byId ? sql`a.id = ${artId}` : sql`a.art_code = ${artId}`}`;
  if (!art) throw notFound(`No artwork ${artId}`);
  if (art.event_id !== eventId) throw notFound(`Artwork ${art.art_code} is not part of ${eid}`);
  return art;
}

type BidRow = Omit<Bid, "created_at"> & { created_at: Date | null; total_rows: number };

export const getBidHistory = defineTool({
  name: "get_bid_history",
  domain: "data-read",
  title: "Bid history",
  description:
    "Individual bids at an event, newest first: artwork code, amount (event currency), time, whether it is the " +
    "artwork's current top bid, and the bidder's name, e-mail and phone. Give `art_id` (UUID or art code such as " +
    "AB4002-1-3) for one artwork's history. Use it for 'who bid on AB4002-1-3?' or 'who is the top bidder?'. " +
    "For per-artwork statistics without bidder details use lookup_artwork_bids.",
  input,
  pii: { bidder_email: "email", bidder_phone: "phone" },
  policy: { roles: ROLES_NO_MARKETING, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<BidHistoryResult> {
    const event = await eventByEid(sql, args.eid);
    const art = args.art_id ? await artworkOf(sql, event.id, event.eid, args.art_id) : null;
    const rows = await sql<BidRow[]>`
      select a.art_code, round(b.amount, 2)::text as amount, b.created_at,
             row_number() over (partition by b.art_id order by b.amount desc, b.created_at desc) = 1 as is_top_bid,
             p.id as bidder_person_id,
             nullif(coalesce(nullif(concat_ws(' ', p.first_name, p.last_name), ''), p.name, p.nickname), '')
               as bidder_name,
             p.email::text as bidder_email, p.phone::text as bidder_phone,
             (count(*) over ())::int as total_rows
      from bids b
      join art a on a.id = b.art_id
      join people p on p.id = b.person_id
      where a.event_id = ${event.id} ${art ? sql`and a.id = ${art.id}` : sql``}
      order by b.created_at desc, b.amount desc
      limit ${rowCap + 1}`;
    const cut = capped(rows, rowCap);
    return {
      eid: event.eid,
      name: event.name,
      currency: event.currency,
      artwork: art
        ? {
            art_code: art.art_code,
            status: art.status,
            artist: art.artist,
            closing_time: iso(art.closing_time),
          }
        : null,
      total_bids: rows[0]?.total_rows ?? 0,
      bids: cut.rows.map(({ total_rows: _total, ...b }) => ({ ...b, created_at: iso(b.created_at) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = r.artwork
      ? `${r.artwork.art_code} (${r.artwork.artist ?? "no artist"}, ${r.artwork.status})`
      : r.eid;
    const lines = r.bids.map(
      (b) =>
        `- ${b.created_at ?? "?"} ${b.art_code} ${money(b.amount, r.currency)} by ${b.bidder_name ?? "(no name)"}` +
        `${b.bidder_email ? ` <${b.bidder_email}>` : ""}${b.bidder_phone ? ` ${b.bidder_phone}` : ""}` +
        `${b.is_top_bid ? " (top bid)" : ""}`,
    );
    return [
      `${r.total_bids} bids on ${what}, newest first:`,
      ...lines,
      ...truncationNote(r.truncated, r.bids.length),
    ].join("\n");
  },
});
