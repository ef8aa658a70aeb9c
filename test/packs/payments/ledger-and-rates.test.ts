import { describe, expect, it } from "vitest";
import type { ExchangeRatesResult } from "../../../src/packs/payments/exchange-rates.ts";
import { getArtistPaymentLedger, getExchangeRates } from "../../../src/packs/payments/index.ts";
import type { ArtistPaymentLedgerResult } from "../../../src/packs/payments/ledger.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

describe("get_artist_payment_ledger", () => {
  it("declares the artist email and payment reference as PII", () => {
    expect(getArtistPaymentLedger.pii).toEqual({ artist_email: "email", reference: "card" });
    expect(getArtistPaymentLedger.policy).toMatchObject({
      roles: ["finance", "ops", "viewer"],
      maxCallsPerRequest: 2,
    });
  });

  it("lists every payment of an artist, including rows with no artwork, and totals per currency", async () => {
    // The artist with the most payments, at least one of them without an artwork.
    const [busiest] = await db.sql<{ id: string }[]>`
      select artist_profile_id as id from artist_payments group by 1
      having bool_or(art_id is null) order by count(*) desc, 1 limit 1`;
    const artist = busiest?.id ?? "";
    const expectedIds = await db.sql<{ id: string }[]>`
      select id from artist_payments where artist_profile_id = ${artist} order by id`;
    const expectedTotals = await db.sql<{ currency: string; settled: string; payments: number }[]>`
      select currency, count(*)::int as payments,
             coalesce(sum(gross_amount) filter (where status in ('paid', 'verified')), 0)::text as settled
      from artist_payments where artist_profile_id = ${artist} group by currency order by currency`;
    const result = await runReadTool<ArtistPaymentLedgerResult>(db.sql, getArtistPaymentLedger, {
      artist_profile_id: artist,
    });
    expect(expectedIds.length).toBeGreaterThan(1);
    expect(result.entries.some((e) => e.art_code === null)).toBe(true);
    expect(result.entries.map((e) => e.id).sort()).toEqual(expectedIds.map((r) => r.id));
    expect(
      result.totals.map((t) => ({ currency: t.currency, payments: t.payments, settled: t.settled })),
    ).toEqual(expectedTotals);
    // Never a single figure over several currencies.
    expect(new Set(result.totals.map((t) => t.currency)).size).toBe(result.totals.length);
  });

  it("by event, lists only payments belonging to that event", async () => {
    const expected = await db.sql<{ id: string }[]>`
      select p.id from artist_payments p left join art a on a.id = p.art_id
      join events e on e.eid = 'AB4001'
      where coalesce(a.event_id::text, p.metadata->>'event_id') = e.id::text order by p.id`;
    const result = await runReadTool<ArtistPaymentLedgerResult>(db.sql, getArtistPaymentLedger, {
      eid: "AB4001",
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(result.entries.map((e) => e.id).sort()).toEqual(expected.map((r) => r.id));
    expect(result.entries.every((e) => e.eid === "AB4001")).toBe(true);
  });

  it("cuts the list at the row cap and says so", async () => {
    const result = await runReadTool<ArtistPaymentLedgerResult>(
      db.sql,
      getArtistPaymentLedger,
      {},
      undefined,
      5,
    );
    expect(result.entries).toHaveLength(5);
    expect(result.truncated).toBe(true);
    expect(getArtistPaymentLedger.format(result)).toContain("list cut at 5");
  });
});

describe("get_exchange_rates", () => {
  it("converts 1 base into target using USD value per unit (not the inverted original)", async () => {
    const [expected] = await db.sql<{ rate: string }[]>`
      select round((select rate_to_usd from exchange_rates where currency_code = 'CAD')
                 / (select rate_to_usd from exchange_rates where currency_code = 'EUR'), 6)::text as rate`;
    const result = await runReadTool<ExchangeRatesResult>(db.sql, getExchangeRates, {
      base_currency: "cad",
      target_currency: "EUR",
    });
    expect(result.conversion).toMatchObject({ base: "CAD", target: "EUR", rate: expected?.rate });
    expect(result.rates.map((r) => r.currency)).toEqual(["CAD", "EUR"]);
    // 1 CAD is worth less than 1 USD.
    const toUsd = await runReadTool<ExchangeRatesResult>(db.sql, getExchangeRates, {
      base_currency: "CAD",
      target_currency: "USD",
    });
    expect(Number(toUsd.conversion?.rate)).toBeLessThan(1);
    expect(getExchangeRates.format(toUsd)).toContain("1 CAD = ");
  });

  it("lists every stored rate without arguments, and NOT_FOUND for an unknown currency", async () => {
    const [count] = await db.sql<{ n: number }[]>`select count(*)::int as n from exchange_rates`;
    const all = await runReadTool<ExchangeRatesResult>(db.sql, getExchangeRates, {});
    expect(all.conversion).toBeNull();
    expect(all.rates).toHaveLength(count?.n ?? -1);
    await expect(
      runReadTool(db.sql, getExchangeRates, { base_currency: "CAD", target_currency: "XYZ" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(runReadTool(db.sql, getExchangeRates, { base_currency: "dollars" })).rejects.toThrow();
  });
});
