import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { ArtworkBidsResult } from "../../../src/packs/data-read/artwork-bids.ts";
import type { AuctionRevenueResult } from "../../../src/packs/data-read/auction-revenue.ts";
import type { AuctionTimingResult } from "../../../src/packs/data-read/auction-timing.ts";
import type { BidHistoryResult } from "../../../src/packs/data-read/bid-history.ts";
import {
  getAuctionRevenue,
  getAuctionTiming,
  getBidHistory,
  lookupArtworkBids,
} from "../../../src/packs/data-read/index.ts";
import { TEST_ANCHOR } from "../../helpers/constants.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();
const MINUTE = 60_000;

const cents = (value: string | null) => (value === null ? 0 : Math.round(Number(value) * 100));
const decimal = (c: number) => (c / 100).toFixed(2);

interface ArtRow {
  art_code: string;
  round: number;
  status: string;
  final_price: string | null;
  current_bid: string | null;
  artist: string | null;
  closing_time: Date | null;
}

async function artOf(eid: string): Promise<ArtRow[]> {
  return db.sql<ArtRow[]>`
    select a.art_code, a.round, a.status::text as status, a.final_price::text, a.current_bid::text,
           ap.name as artist, a.closing_time
    from art a join events e on e.id = a.event_id left join artist_profiles ap on ap.id = a.artist_id
    where e.eid = ${eid} order by a.art_code`;
}

/** Sales figures computed in the test from raw rows: sold = status sold/paid, value = final ?? current ?? 0. */
function sales(rows: ArtRow[]) {
  const sold = rows.filter((a) => a.status === "sold" || a.status === "paid");
  const value = (a: ArtRow) => cents(a.final_price ?? a.current_bid);
  const sum = (list: ArtRow[]) => decimal(list.reduce((s, a) => s + value(a), 0));
  return {
    artworks: rows.length,
    sold: sold.length,
    paid: sold.filter((a) => a.status === "paid").length,
    awaiting_payment: sold.filter((a) => a.status === "sold").length,
    revenue: sum(sold),
    paid_revenue: sum(sold.filter((a) => a.status === "paid")),
    awaiting_payment_revenue: sum(sold.filter((a) => a.status === "sold")),
    highest_sale: sold.length ? decimal(Math.max(...sold.map(value))) : null,
  };
}

describe("lookup_artwork_bids", () => {
  it("gives every AB4002 artwork its real bid count and highest bid from the bids table", async () => {
    const expected = await db.sql<
      { art_code: string; bids: number; bidders: number; highest: string | null }[]
    >`
      select a.art_code, count(b.id)::int as bids, count(distinct b.person_id)::int as bidders,
             max(b.amount)::text as highest
      from art a join events e on e.id = a.event_id left join bids b on b.art_id = a.id
      where e.eid = 'AB4002' group by a.art_code order by a.art_code`;
    const result = await runReadTool<ArtworkBidsResult>(db.sql, lookupArtworkBids, { eid: "AB4002" });
    expect(result.currency).toBe("USD");
    expect(result.total_artworks).toBe(expected.length);
    expect(
      result.artworks
        .map((a) => ({ art_code: a.art_code, bids: a.bids, bidders: a.bidders, highest: a.highest_bid }))
        .sort((x, y) => x.art_code.localeCompare(y.art_code)),
    ).toEqual(
      expected.map((e) => ({ ...e, highest: e.highest === null ? null : decimal(cents(e.highest)) })),
    );
    expect(expected.some((e) => e.bids > 0)).toBe(true);
  });

  it("narrows to one artist and rejects an artist that does not exist", async () => {
    const [lena] = await db.sql<{ id: string }[]>`select id from artist_profiles where name = 'Lena Okafor'`;
    const codes = (await artOf("AB4002")).filter((a) => a.artist === "Lena Okafor").map((a) => a.art_code);
    const result = await runReadTool<ArtworkBidsResult>(db.sql, lookupArtworkBids, {
      eid: "AB4002",
      artist_profile_id: lena?.id,
    });
    expect(result.artist_filter?.name).toBe("Lena Okafor");
    expect(result.artworks.map((a) => a.art_code)).toEqual(codes);
    expect(codes.length).toBeGreaterThan(0);
    await expect(
      runReadTool(db.sql, lookupArtworkBids, {
        eid: "AB4002",
        artist_profile_id: "00000000-0000-4000-8000-000000000000",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("cuts the list at the row cap, reporting the full count", async () => {
    const result = await runReadTool<ArtworkBidsResult>(
      db.sql,
      lookupArtworkBids,
      { eid: "AB4002" },
      undefined,
      3,
    );
    expect(result.artworks.map((a) => a.art_code)).toEqual(["AB4002-1-1", "AB4002-1-2", "AB4002-1-3"]);
    expect(result.truncated).toBe(true);
    expect(result.total_artworks).toBe((await artOf("AB4002")).length);
  });
});

describe("get_bid_history", () => {
  it("lists the bids on the AB4002 artwork jordan.lee won, newest first, with bidder contacts", async () => {
    const [won] = await db.sql<{ art_code: string }[]>`
      select a.art_code from art a join events e on e.id = a.event_id join people p on p.id = a.winner_id
      where e.eid = 'AB4002' and p.email = 'jordan.lee@example.com' order by a.art_code limit 1`;
    const expected = await db.sql<{ amount: string; at: Date; email: string | null }[]>`
      select b.amount::text, b.created_at as at, p.email::text from bids b
      join art a on a.id = b.art_id join people p on p.id = b.person_id
      where a.art_code = ${won?.art_code ?? ""} order by b.created_at desc`;
    const result = await runReadTool<BidHistoryResult>(db.sql, getBidHistory, {
      eid: "ab4002",
      art_id: won?.art_code.toLowerCase(),
    });
    expect(result.artwork?.art_code).toBe(won?.art_code);
    expect(result.total_bids).toBe(expected.length);
    expect(result.bids.map((b) => [b.created_at, b.amount, b.bidder_email])).toEqual(
      expected.map((e) => [e.at.toISOString(), decimal(cents(e.amount)), e.email]),
    );
    const top = result.bids.filter((b) => b.is_top_bid);
    expect(top).toHaveLength(1);
    expect(top[0]?.bidder_email).toBe("jordan.lee@example.com");
    expect(top[0]?.amount).toBe(decimal(Math.max(...expected.map((e) => cents(e.amount)))));
  });

  it("accepts the artwork's UUID, refuses one from another event, and caps whole-event histories", async () => {
    const [art] = await db.sql<{ id: string; art_code: string; bids: number }[]>`
      select a.id, a.art_code, (select count(*)::int from bids b where b.art_id = a.id) as bids
      from art a join events e on e.id = a.event_id where e.eid = 'AB4001' order by a.art_code limit 1`;
    const byId = await runReadTool<BidHistoryResult>(db.sql, getBidHistory, {
      eid: "AB4001",
      art_id: art?.id,
    });
    expect(byId.artwork?.art_code).toBe(art?.art_code);
    expect(byId.total_bids).toBe(art?.bids);
    await expect(
      runReadTool(db.sql, getBidHistory, { eid: "AB4002", art_id: art?.art_code }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: `Artwork ${art?.art_code} is not part of AB4002` });
    await expect(
      runReadTool(db.sql, getBidHistory, { eid: "AB4002", art_id: "the blue one" }),
    ).rejects.toSatisfy((e: ZodError) => e instanceof ZodError && e.issues[0]?.path[0] === "art_id");

    const [all] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from bids b join art a on a.id = b.art_id join events e on e.id = a.event_id
      where e.eid = 'AB4002'`;
    const capped = await runReadTool<BidHistoryResult>(
      db.sql,
      getBidHistory,
      { eid: "AB4002" },
      undefined,
      5,
    );
    expect(capped.bids).toHaveLength(5);
    expect(capped.truncated).toBe(true);
    expect(capped.total_bids).toBe(all?.n);
  });
});

describe("get_auction_timing", () => {
  it("shows AB4120 live: rounds 1–2 finished, round 3 open, every auction closing 20–40 min after the anchor", async () => {
    const art = await artOf("AB4120");
    const result = await runReadTool<AuctionTimingResult>(db.sql, getAuctionTiming, { eid: "AB4120" });
    expect(result.rounds.map((r) => [r.round, r.is_finished])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(result.artworks).toHaveLength(art.length);
    const byCode = new Map(art.map((a) => [a.art_code, a]));
    const now = Date.parse(result.now);
    for (const a of result.artworks) {
      const closing = byCode.get(a.art_code)?.closing_time;
      expect(a.closing_time).toBe(closing?.toISOString());
      const afterAnchor = (Date.parse(a.closing_time ?? "") - TEST_ANCHOR.getTime()) / MINUTE;
      expect(afterAnchor).toBeGreaterThanOrEqual(20);
      expect(afterAnchor).toBeLessThanOrEqual(40);
      expect(a.minutes_to_close).toBe(Math.floor((Date.parse(a.closing_time ?? "") - now) / MINUTE));
    }
    const closings = result.artworks.map((a) => Date.parse(a.closing_time ?? ""));
    expect(closings).toEqual([...closings].sort((x, y) => x - y));
    // Every artwork is still active; whether its time has passed depends on the database clock.
    const open = art.filter((a) => a.status === "active");
    expect(result.summary.open).toBe(open.length);
    expect(result.summary.open_past_closing_time).toBe(
      open.filter((a) => (a.closing_time?.getTime() ?? Infinity) < now).length,
    );
    expect(result.summary.last_close).toBe(new Date(Math.max(...closings)).toISOString());
  });
});

describe("get_auction_revenue", () => {
  it("counts only sold and paid art in AB4002's revenue, not unsold art still showing a 50 start bid", async () => {
    const art = await artOf("AB4002");
    const result = await runReadTool<AuctionRevenueResult>(db.sql, getAuctionRevenue, { eid: "AB4002" });
    expect(result.currency).toBe("USD");
    expect(result.totals).toMatchObject(sales(art));
    // The old rule (any value above 0 counts as sold) would include the closed pieces at 50.
    const closedAtFifty = art.filter((a) => a.status === "closed" && cents(a.current_bid) > 0);
    expect(closedAtFifty.length).toBeGreaterThan(0);
    expect(result.totals.sold).toBe(art.length - closedAtFifty.length);
    expect(result.totals.valued_from_current_bid).toBe(
      art.filter((a) => (a.status === "paid" || a.status === "sold") && a.final_price === null).length,
    );
    expect(result.rule).toContain("'sold'");
    expect(result.groups).toEqual([]);
  });

  it("splits sales awaiting buyer payment from paid ones", async () => {
    const [event] = await db.sql<{ eid: string }[]>`
      select e.eid from events e join art a on a.event_id = e.id where a.status = 'sold'
      group by e.eid order by count(*) desc limit 1`;
    if (!event) throw new Error("the seed has no unpaid sold artwork");
    const art = await artOf(event.eid);
    const result = await runReadTool<AuctionRevenueResult>(db.sql, getAuctionRevenue, { eid: event.eid });
    expect(result.totals).toMatchObject(sales(art));
    expect(result.totals.awaiting_payment).toBeGreaterThan(0);
  });

  it("breaks AB4001 down per artist and AB4002 per round", async () => {
    const art = await artOf("AB4001");
    const byArtist = await runReadTool<AuctionRevenueResult>(db.sql, getAuctionRevenue, {
      eid: "AB4001",
      group_by: "artist",
    });
    const names = [...new Set(art.map((a) => a.artist))];
    expect(byArtist.groups).toHaveLength(names.length);
    for (const group of byArtist.groups) {
      expect(group).toMatchObject(sales(art.filter((a) => a.artist === group.artist)));
    }
    const revenues = byArtist.groups.map((g) => cents(g.revenue));
    expect(revenues).toEqual([...revenues].sort((x, y) => y - x));

    const rounds = await runReadTool<AuctionRevenueResult>(db.sql, getAuctionRevenue, {
      eid: "AB4002",
      group_by: "round",
    });
    const art2 = await artOf("AB4002");
    expect(rounds.groups.map((g) => g.round)).toEqual([1, 2, 3]);
    for (const group of rounds.groups) {
      expect(group).toMatchObject(sales(art2.filter((a) => a.round === group.round)));
    }
  });
});
