import { z } from "zod";
import { defineTool, notFound } from "../../catalog/index.ts";
import { iso } from "../data-read/shared.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

const currencyCode = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[a-z]{3}$/i, { message: "must be a 3-letter currency code like CAD" })
    .transform((value) => value.toUpperCase())
    .describe(what);

const input = z.strictObject({
  base_currency: currencyCode("Convert from this currency, e.g. CAD").optional(),
  target_currency: currencyCode("Convert to this currency, e.g. USD").optional(),
});

export interface RateRow {
  currency: string;
  /** USD value of one unit of the currency. */
  rate_to_usd: string;
  last_updated: string | null;
  source: string | null;
}

export interface ExchangeRatesResult {
  /** Present when both currencies are given: 1 base = `rate` target. */
  conversion: { base: string; target: string; rate: string; as_of: string | null } | null;
  rates: RateRow[];
}

export const getExchangeRates = defineTool({
  name: "get_exchange_rates",
  domain: "payments",
  title: "Exchange rates",
  description:
    "Stored exchange rates (refreshed daily): each currency's USD value of one unit. With base_currency and " +
    "target_currency, also the conversion '1 base = rate target' (e.g. base CAD, target USD gives about 0.74) and " +
    "the older of the two update times. With one currency, that currency's row; with none, every rate. Use it to " +
    "compare amounts in different currencies; other payment tools never convert.",
  input,
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql }): Promise<ExchangeRatesResult> {
    const wanted = [args.base_currency, args.target_currency].filter((c): c is string => c !== undefined);
    const rows = await sql<(Omit<RateRow, "last_updated"> & { last_updated: Date | null })[]>`
      select currency_code as currency, rate_to_usd::text, last_updated, source from exchange_rates
      ${wanted.length > 0 ? sql`where currency_code in ${sql(wanted)}` : sql``}
      order by currency_code`;
    const missing = wanted.filter((c) => !rows.some((r) => r.currency === c));
    if (missing.length > 0) throw notFound(`No exchange rate stored for ${missing.join(", ")}`);
    let conversion: ExchangeRatesResult["conversion"] = null;
    if (args.base_currency && args.target_currency) {
      // rate_to_usd is USD per unit, so 1 base = base.rate_to_usd / target.rate_to_usd target (exact in SQL).
      const [row] = await sql<{ rate: string; as_of: Date | null }[]>`
        select round(b.rate_to_usd / t.rate_to_usd, 6)::text as rate, least(b.last_updated, t.last_updated) as as_of
        from exchange_rates b, exchange_rates t
        where b.currency_code = ${args.base_currency} and t.currency_code = ${args.target_currency}`;
      if (!row) throw notFound("Exchange rate not found");
      conversion = {
        base: args.base_currency,
        target: args.target_currency,
        rate: row.rate,
        as_of: iso(row.as_of),
      };
    }
    return { conversion, rates: rows.map((r) => ({ ...r, last_updated: iso(r.last_updated) })) };
  },
  format(r) {
    const lines: string[] = [];
    if (r.conversion) {
      const c = r.conversion;
      lines.push(`1 ${c.base} = ${c.rate} ${c.target} (as of ${c.as_of ?? "unknown"})`);
    }
    for (const rate of r.rates)
      lines.push(`- 1 ${rate.currency} = ${rate.rate_to_usd} USD (${rate.last_updated ?? "?"})`);
    return lines.join("\n");
  },
});
