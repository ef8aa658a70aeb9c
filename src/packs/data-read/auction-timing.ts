import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { capped, eventByEid, iso, money, type Phase, ROLES_OPS_EP_VIEWER, truncationNote } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

export interface ArtworkTiming {
  art_code: string;
  round: number | null;
  easel: number | null;
  artist: string | null;
  status: string;
  closing_time: string | null;
  /** Whole minutes from the database clock to closing_time; negative once it has passed. */
  minutes_to_close: number | null;
  auction_extended: boolean;
  extension_count: number;
  bids: number;
  top_bid: string | null;
}

export interface AuctionTimingResult {
  eid: string;
  name: string;
  phase: Phase;
  /** Database clock the minutes are measured from. */
  now: string;
  currency: string | null;
  auction_close_starts_at: string | null;
  auction_close_round_delay_minutes: number | null;
  rounds: { round: number; is_finished: boolean | null; closing_time: string | null }[];
  summary: {
    artworks: number;
    open: number;
    /** Active artworks whose closing time has passed: the per-minute auto-close has not closed them. */
    open_past_closing_time: number;
    open_without_closing_time: number;
    next_close: string | null;
    last_close: string | null;
  };
  /** Soonest closing first. */
  artworks: ArtworkTiming[];
  truncated: boolean;
}

type TimingRow = Omit<ArtworkTiming, "closing_time"> & { closing_time: Date | null };
interface SummaryRow {
  now: Date;
  artworks: number;
  open: number;
  overdue: number;
  unscheduled: number;
  next_close: Date | null;
  last_close: Date | null;
  close_starts: Date | null;
  close_delay: number | null;
}

export const getAuctionTiming = defineTool({
  name: "get_auction_timing",
  domain: "data-read",
  title: "Auction closing times",
  description:
    "When each artwork's auction at an event closes: closing time, minutes left by the database clock (negative " +
    "when passed), status, extensions (5-minute anti-sniping extensions), bid count and top bid; the rounds with " +
    "their finished flag and timer; and a summary with open auctions, the next and last closing time, and open " +
    "auctions whose closing time has already passed (a sign the auto-close job is not running). Use it during " +
    "a live show ('when does the auction close?', 'why is AB4120-1-1 still open?'). It does not change timers.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<AuctionTimingResult> {
    const event = await eventByEid(sql, args.eid);
    const [s] = await sql<SummaryRow[]>`
      select now() as now, count(a.id)::int as artworks,
             count(a.id) filter (where a.status = 'active')::int as open,
             count(a.id) filter (where a.status = 'active' and a.closing_time < now())::int as overdue,
             count(a.id) filter (where a.status = 'active' and a.closing_time is null)::int as unscheduled,
             min(a.closing_time) filter (where a.status = 'active' and a.closing_time >= now()) as next_close,
             max(a.closing_time) filter (where a.status = 'active') as last_close,
             e.auction_close_starts_at as close_starts, e.auction_close_round_delay as close_delay
      from events e left join art a on a.event_id = e.id
      where e.id = ${event.id}
      group by e.id`;
    const rounds = await sql<{ round: number; is_finished: boolean | null; closing_time: Date | null }[]>`
      select round_number as round, is_finished, closing_time from rounds
      where event_id = ${event.id} order by round_number`;
    const rows = await sql<TimingRow[]>`
      select a.art_code, a.round, a.easel, ap.name as artist, a.status::text as status, a.closing_time,
             floor(extract(epoch from (a.closing_time - now())) / 60)::int as minutes_to_close,
             coalesce(a.auction_extended, false) as auction_extended, coalesce(a.extension_count, 0) as extension_count,
             (select count(*)::int from bids b where b.art_id = a.id) as bids,
             (select round(max(b.amount), 2)::text from bids b where b.art_id = a.id) as top_bid
      from art a left join artist_profiles ap on ap.id = a.artist_id
      where a.event_id = ${event.id}
      order by a.closing_time nulls last, a.round, a.easel
      limit ${rowCap + 1}`;
    if (!s) throw new Error("auction summary returned no row");
    const cut = capped(rows, rowCap);
    return {
      eid: event.eid,
      name: event.name,
      phase: event.phase,
      now: s.now.toISOString(),
      currency: event.currency,
      auction_close_starts_at: iso(s.close_starts),
      auction_close_round_delay_minutes: s.close_delay,
      rounds: rounds.map((r) => ({ ...r, closing_time: iso(r.closing_time) })),
      summary: {
        artworks: s.artworks,
        open: s.open,
        open_past_closing_time: s.overdue,
        open_without_closing_time: s.unscheduled,
        next_close: iso(s.next_close),
        last_close: iso(s.last_close),
      },
      artworks: cut.rows.map((r) => ({ ...r, closing_time: iso(r.closing_time) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const s = r.summary;
    const lines = [
      `${r.eid} ${r.name} (${r.phase}), as of ${r.now}: ${s.open} of ${s.artworks} auctions open; ` +
        `next close ${s.next_close ?? "none"}, last ${s.last_close ?? "none"}`,
      ...(s.open_past_closing_time
        ? [
            `WARNING: ${s.open_past_closing_time} open auctions are past their closing time (auto-close has not run)`,
          ]
        : []),
      `Rounds: ${r.rounds.map((x) => `${x.round}${x.is_finished ? " finished" : " open"}`).join(", ") || "none"}`,
      ...r.artworks.map(
        (a) =>
          `- ${a.art_code} ${a.artist ?? "(no artist)"} [${a.status}] closes ${a.closing_time ?? "not set"}` +
          `${a.minutes_to_close !== null && a.status === "active" ? ` (${a.minutes_to_close} min)` : ""}` +
          `${a.extension_count ? `, extended ${a.extension_count}×` : ""}, ${a.bids} bids, top ${money(a.top_bid, r.currency)}`,
      ),
      ...truncationNote(r.truncated, r.artworks.length),
    ];
    return lines.join("\n");
  },
});
