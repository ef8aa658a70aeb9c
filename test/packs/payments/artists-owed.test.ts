import { describe, expect, it } from "vitest";
import type { ArtistsOwedResult } from "../../../src/packs/payments/artists-owed.ts";
import { getArtistsOwed, paymentsReadTools } from "../../../src/packs/payments/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

interface Expected {
  artist_profile_id: string;
  currency: string;
  share: string;
  paid: string;
  in_flight: string;
  owed: string;
}

/**
 * Written independently of money.ts: per artist with sold art at the event, their share of that
 * event's sales, and their payments attributed to that event (artwork's event, else metadata.event_id)
 * in the event's currency.
 */
async function expectedForEvent(eid: string): Promise<Expected[]> {
  return db.sql<Expected[]>`
    with ev as (select id, currency, artist_auction_portion as portion from events where eid = ${eid}),
    artists as (
      select distinct a.artist_id from art a, ev where a.event_id = ev.id and a.status in ('sold', 'paid')),
    figures as (
      select x.artist_id,
        (select sum(coalesce(a.final_price, a.current_bid, 0) * ev.portion) from art a
          where a.event_id = ev.id and a.artist_id = x.artist_id and a.status in ('sold', 'paid')) as share,
        -- Only art whose buyer has paid is earned (artbattle-schema.md, art statuses).
        (select coalesce(sum(coalesce(a.final_price, a.current_bid, 0) * ev.portion), 0) from art a
          where a.event_id = ev.id and a.artist_id = x.artist_id and a.status = 'paid') as earned,
        (select coalesce(sum(p.gross_amount), 0) from artist_payments p left join art pa on pa.id = p.art_id
          where p.artist_profile_id = x.artist_id and p.currency = ev.currency and p.status in ('paid', 'verified')
            and coalesce(pa.event_id::text, p.metadata->>'event_id') = ev.id::text) as paid,
        (select coalesce(sum(p.gross_amount), 0) from artist_payments p left join art pa on pa.id = p.art_id
          where p.artist_profile_id = x.artist_id and p.currency = ev.currency and p.status in ('pending', 'processing')
            and coalesce(pa.event_id::text, p.metadata->>'event_id') = ev.id::text) as in_flight,
        ev.currency
      from artists x, ev)
    select artist_id as artist_profile_id, currency, round(share, 2)::text as share, round(paid, 2)::text as paid,
           round(in_flight, 2)::text as in_flight, round(earned - paid - in_flight, 2)::text as owed
    from figures order by artist_id`;
}

async function artistId(name: string): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`select id from artist_profiles where name = ${name}`;
  if (!row) throw new Error(`no artist ${name}`);
  return row.id;
}

describe("get_artists_owed", () => {
  it("is declared for finance, ops and viewer, read-only, passthrough, 3 calls", () => {
    expect(paymentsReadTools).toContain(getArtistsOwed);
    expect(getArtistsOwed.policy).toMatchObject({
      roles: ["finance", "ops", "viewer"],
      risk: "low",
      writes: false,
      passthrough: true,
      maxCallsPerRequest: 3,
    });
  });

  it("for one event, matches share minus that event's payments for every artist with an open balance", async () => {
    const expected = await expectedForEvent("AB4001");
    const result = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "ab4001" });
    const open = expected.filter((e) => Number(e.owed) !== 0 || Number(e.in_flight) !== 0);
    expect(open.length).toBeGreaterThan(3);
    const got = result.balances
      .map((b) => ({
        artist_profile_id: b.artist_profile_id,
        currency: b.currency,
        share: b.artist_share,
        paid: b.paid,
        in_flight: b.in_flight,
        owed: b.owed,
      }))
      .sort((a, b) => a.artist_profile_id.localeCompare(b.artist_profile_id));
    expect(got).toEqual(open.sort((a, b) => a.artist_profile_id.localeCompare(b.artist_profile_id)));
    expect(result.scope.eid).toBe("AB4001");
    expect(result.truncated).toBe(false);
  });

  it("per-currency totals add only that currency's owed balances", async () => {
    const expected = await expectedForEvent("AB4001");
    const result = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "AB4001" });
    const owedCents = expected.map((e) => Math.round(Number(e.owed) * 100)).filter((c) => c > 0);
    expect(result.totals).toHaveLength(1);
    expect(result.totals[0]).toMatchObject({
      currency: "CAD",
      artists_owed: owedCents.length,
      total_owed: (owedCents.reduce((a, b) => a + b, 0) / 100).toFixed(2),
    });
  });

  it("does not subtract payments made for other events (the original's defect)", async () => {
    const marco = await artistId("Marco Delgado");
    const before = (await expectedForEvent("AB4001")).find((e) => e.artist_profile_id === marco);
    expect(Number(before?.owed)).toBeGreaterThan(0);
    // A settled CAD payment to the same artist for a different event, in this file's private database.
    const [other] = await db.sql<{ id: string }[]>`
      select id from events where eid <> 'AB4001' and currency = 'CAD' order by eid limit 1`;
    const [inserted] = await db.sql<{ id: string }[]>`
      insert into artist_payments (artist_profile_id, gross_amount, net_amount, currency, status, metadata)
      values (${marco}, 1000.00, 1000.00, 'CAD', 'paid', ${db.sql.json({ event_id: other?.id ?? null })})
      returning id`;
    try {
      const [forEvent, overall] = await Promise.all([
        runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "AB4001", artist_profile_id: marco }),
        runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { artist_profile_id: marco }),
      ]);
      expect(forEvent.balances.map((b) => b.owed)).toEqual([before?.owed]);
      // Across all events the same payment does count: the artist is then overpaid in CAD.
      const cad = overall.balances.find((b) => b.currency === "CAD");
      expect(Number(cad?.owed)).toBeLessThan(0);
      expect(getArtistsOwed.format(overall)).toContain("overpaid");
    } finally {
      await db.sql`delete from artist_payments where id = ${inserted?.id ?? null}`;
    }
  });

  it("keeps an artist's currencies apart: CAD from AB4001 and USD from AB4002", async () => {
    const marco = await artistId("Marco Delgado");
    const cad = (await expectedForEvent("AB4001")).find((e) => e.artist_profile_id === marco);
    const usd = (await expectedForEvent("AB4002")).find((e) => e.artist_profile_id === marco);
    expect(cad && usd).toBeTruthy();
    const [cadResult, usdResult] = await Promise.all([
      runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "AB4001", artist_profile_id: marco }),
      runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "AB4002", artist_profile_id: marco }),
    ]);
    expect(cadResult.balances.map((b) => [b.currency, b.owed])).toEqual([["CAD", cad?.owed]]);
    expect(usdResult.balances.map((b) => [b.currency, b.owed])).toEqual([["USD", usd?.owed]]);
    // Marco has a partial CAD payout for AB4001, so CAD owed is below the share.
    expect(Number(cad?.paid)).toBeGreaterThan(0);
    expect(Number(cad?.owed)).toBeLessThan(Number(cad?.share));
  });

  it("counts only art whose buyer has paid as owed; a 'sold' artwork's share is shown but not owed", async () => {
    const [art] = await db.sql<{ id: string; artist_id: string; share: string }[]>`
      select a.id, a.artist_id, round(coalesce(a.final_price, a.current_bid, 0) * e.artist_auction_portion, 2)::text as share
      from art a join events e on e.id = a.event_id
      where e.eid = 'AB4001' and a.status = 'paid' and coalesce(a.final_price, a.current_bid, 0) > 0
      order by a.id limit 1`;
    if (!art) throw new Error("AB4001 has no paid artwork");
    const args = { eid: "AB4001", artist_profile_id: art.artist_id };
    const before = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, args);
    await db.sql`update art set status = 'sold' where id = ${art.id}`;
    try {
      const after = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, args);
      const [b, a] = [before.balances[0], after.balances[0]];
      expect(a?.artist_share).toBe(b?.artist_share);
      expect(Number(a?.owed)).toBeCloseTo(Number(b?.owed) - Number(art.share), 2);
      expect(Number(a?.artist_share_buyer_paid)).toBeCloseTo(
        Number(b?.artist_share_buyer_paid) - Number(art.share),
        2,
      );
    } finally {
      await db.sql`update art set status = 'paid' where id = ${art.id}`;
    }
  });

  it("across all events, an artist's balance per currency is all shares minus all payments in that currency", async () => {
    const marco = await artistId("Marco Delgado");
    const expected = await db.sql<{ currency: string; owed: string }[]>`
      with s as (
        select e.currency, sum(coalesce(a.final_price, a.current_bid, 0) * e.artist_auction_portion) as share
        from art a join events e on e.id = a.event_id
        where a.artist_id = ${marco} and a.status = 'paid' group by e.currency),
      p as (
        select currency, sum(gross_amount) as paid from artist_payments
        where artist_profile_id = ${marco} and status in ('paid', 'verified', 'pending', 'processing')
        group by currency)
      select coalesce(s.currency, p.currency) as currency,
             round(coalesce(s.share, 0) - coalesce(p.paid, 0), 2)::text as owed
      from s full join p on p.currency = s.currency order by 1`;
    const result = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { artist_profile_id: marco });
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(result.balances.map((b) => ({ currency: b.currency, owed: b.owed }))).toEqual(expected);
  });

  it("shows an artist whose whole balance is in flight, with owed 0 and the in-flight amount", async () => {
    const [row] = await db.sql<{ artist_profile_id: string; gross: string }[]>`
      select p.artist_profile_id, p.gross_amount::text as gross from artist_payments p
      where p.status = 'processing' and p.metadata->>'event_eid' = 'AB4001' limit 1`;
    expect(row).toBeDefined();
    const result = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "AB4001" });
    const shown = result.balances.find((b) => b.artist_profile_id === row?.artist_profile_id);
    expect(shown?.in_flight).toBe(row?.gross);
    expect(shown?.owed).toBe("0.00");
  });

  it("rejects an unknown event and a malformed artist id", async () => {
    await expect(runReadTool(db.sql, getArtistsOwed, { eid: "AB999999" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(runReadTool(db.sql, getArtistsOwed, { artist_profile_id: "nope" })).rejects.toThrow();
  });

  it("formats each currency separately and quotes the rule", async () => {
    const result = await runReadTool<ArtistsOwedResult>(db.sql, getArtistsOwed, { eid: "AB4001" });
    const text = getArtistsOwed.format(result);
    expect(text).toContain("CAD:");
    expect(text).not.toContain("USD");
    expect(text).toContain("Rule:");
  });
});
