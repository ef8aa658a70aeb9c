import type { Sql } from "../../db/index.ts";
import { isSoldSql, money, REVENUE_RULE, saleValueSql } from "../data-read/shared.ts";

/*
 * The one place that says what "sold", "revenue", "owed" and "paid" mean for artist payouts.
 * Every amount stays a Postgres numeric, returned as text: arithmetic happens in SQL, never in JS
 * floats. Every figure is per currency; amounts in different currencies are never added together.
 */

/** Payment statuses that count as money given to the artist (settled). */
export const SETTLED_STATUSES = ["paid", "verified"] as const;
/** Payment statuses of a payout under way: not yet settled, but owed must not be paid twice. */
export const IN_FLIGHT_STATUSES = ["pending", "processing"] as const;
/** Failed and cancelled payments moved no money and are never subtracted. */
export const DEBIT_STATUSES = [...SETTLED_STATUSES, ...IN_FLIGHT_STATUSES] as const;

/** How owed is computed; results quote it so a reader (or model) never has to guess. */
export const OWED_RULE =
  `${REVENUE_RULE} Artist share = each sale × the event's artist_auction_portion, in the event's currency; ` +
  "only the share of artworks whose buyer has paid (status 'paid') is earned and can be owed — the share of " +
  "'sold' artworks still waiting for the buyer is shown apart. Paid = artist_payments.gross_amount with status paid or verified; in flight = pending or processing " +
  "(failed and cancelled never count; a negative gross is a credit that raises what is owed). " +
  "Owed = earned share − paid − in flight, per artist and currency, never across currencies. A payment belongs to the " +
  "event of its artwork, else to metadata.event_id; for one event only that event's payments are subtracted. " +
  "A negative owed is an overpayment and is shown, not hidden.";

/**
 * The event a payment `p` belongs to: its artwork's event (joined as `pa`), else the uuid in
 * metadata.event_id (legacy and manual rows have no artwork). A malformed id counts as no event.
 */
export const paymentEventIdSql = (sql: Sql) => sql`coalesce(pa.event_id,
  case when p.metadata->>'event_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
       then (p.metadata->>'event_id')::uuid end)`;

/**
 * Payment `p` (with its artwork joined as `pa`) belongs to event `eventId`: the same test as
 * `paymentEventIdSql(sql) = eventId`, written so that PostgreSQL can find the few candidates through
 * indexes instead of running the uuid regex over every payment (a sequential scan plus a join to
 * every artwork). A payment of the event either has an artwork of that event (idx_artist_payments_art_id)
 * or, with no artwork event, a metadata.event_id that matches the regex and casts to that uuid; such a
 * string, lower-cased, is exactly the uuid's canonical text (idx_artist_payments_metadata_event_id).
 * The candidates are then checked with the full expression, so results are exactly the same.
 */
export const paymentOfEventSql = (sql: Sql, eventId: string) => sql`(
  (p.art_id = any(array(select ea.id from art ea where ea.event_id = ${eventId}))
   or lower(p.metadata->>'event_id') = ${eventId}::uuid::text)
  and ${paymentEventIdSql(sql)} = ${eventId})`;

/** Which sales and payments a balance covers. */
export interface OwedScope {
  /** Only this event's sales and only payments for this event. */
  eventId?: string;
  artistId?: string;
}

/** What one artist is owed in one currency. */
export interface OwedRow {
  artist_profile_id: string;
  artist: string;
  /** Null only when the event has no currency recorded. */
  currency: string | null;
  sold_artworks: number;
  sales: string;
  artist_share: string;
  /** Part of the share whose buyers have paid (artwork status 'paid'): only this is earned and owed. */
  artist_share_buyer_paid: string;
  paid: string;
  in_flight: string;
  owed: string;
}

/** Owed totals in one currency. */
export interface OwedCurrencyTotal {
  currency: string | null;
  artists_owed: number;
  total_owed: string;
  artists_overpaid: number;
  total_overpaid: string;
  in_flight: string;
}

function scopeFilters(sql: Sql, scope: OwedScope) {
  return {
    art: sql`${scope.eventId ? sql`and a.event_id = ${scope.eventId}` : sql``}
             ${scope.artistId ? sql`and a.artist_id = ${scope.artistId}` : sql``}`,
    payment: sql`${scope.eventId ? sql`and ${paymentOfEventSql(sql, scope.eventId)}` : sql``}
                 ${scope.artistId ? sql`and p.artist_profile_id = ${scope.artistId}` : sql``}`,
  };
}

/**
 * `balances` CTE: one row per (artist, currency) with unrounded figures. Currencies join through
 * coalesce(currency, '') because a FULL JOIN needs a plain equality.
 */
function balancesCte(sql: Sql, scope: OwedScope) {
  const where = scopeFilters(sql, scope);
  const value = saleValueSql(sql);
  return sql`
    credits as (
      select a.artist_id, coalesce(e.currency, '') as currency_key,
             count(*)::int as sold_artworks,
             sum(${value}) as sales,
             sum(${value} * e.artist_auction_portion) as share,
             coalesce(sum(${value} * e.artist_auction_portion) filter (where a.status = 'paid'), 0) as share_buyer_paid
      from art a join events e on e.id = a.event_id
      where ${isSoldSql(sql)} and a.artist_id is not null ${where.art}
      group by 1, 2),
    debits as (
      select p.artist_profile_id as artist_id, p.currency as currency_key,
             coalesce(sum(p.gross_amount) filter (where p.status in ${sql(SETTLED_STATUSES)}), 0) as paid,
             coalesce(sum(p.gross_amount) filter (where p.status in ${sql(IN_FLIGHT_STATUSES)}), 0) as in_flight
      from artist_payments p left join art pa on pa.id = p.art_id
      where p.status in ${sql(DEBIT_STATUSES)} ${where.payment}
      group by 1, 2),
    balances as (
      select coalesce(c.artist_id, d.artist_id) as artist_id,
             nullif(coalesce(c.currency_key, d.currency_key), '') as currency,
             coalesce(c.sold_artworks, 0) as sold_artworks,
             coalesce(c.sales, 0) as sales, coalesce(c.share, 0) as share,
             coalesce(c.share_buyer_paid, 0) as share_buyer_paid,
             coalesce(d.paid, 0) as paid, coalesce(d.in_flight, 0) as in_flight,
             coalesce(c.share_buyer_paid, 0) - coalesce(d.paid, 0) - coalesce(d.in_flight, 0) as owed
      from credits c full join debits d on d.artist_id = c.artist_id and d.currency_key = c.currency_key)`;
}

/** Rounded to cents only at the end, so sums of shares are exact. */
const cents = (sql: Sql, column: string) => sql`round(b.${sql(column)}, 2)::text`;

/**
 * Owed per artist and currency, largest first within each currency. With `onlyOpen`, rows that are
 * settled to the cent with nothing in flight are left out.
 */
export async function owedBalances(
  sql: Sql,
  scope: OwedScope,
  options: { onlyOpen: boolean; limit: number },
): Promise<OwedRow[]> {
  return sql<OwedRow[]>`
    with ${balancesCte(sql, scope)}
    select b.artist_id as artist_profile_id, ap.name as artist, b.currency, b.sold_artworks,
           ${cents(sql, "sales")} as sales, ${cents(sql, "share")} as artist_share,
           ${cents(sql, "share_buyer_paid")} as artist_share_buyer_paid,
           ${cents(sql, "paid")} as paid, ${cents(sql, "in_flight")} as in_flight, ${cents(sql, "owed")} as owed
    from balances b join artist_profiles ap on ap.id = b.artist_id
    ${options.onlyOpen ? sql`where round(b.owed, 2) <> 0 or round(b.in_flight, 2) <> 0` : sql``}
    order by b.currency nulls last, b.owed desc, ap.name
    limit ${options.limit}`;
}

/** Per-currency totals over every balance in scope (not cut by any row cap). */
export async function owedTotals(sql: Sql, scope: OwedScope): Promise<OwedCurrencyTotal[]> {
  return sql<OwedCurrencyTotal[]>`
    with ${balancesCte(sql, scope)}, rounded as (
      select currency, round(owed, 2) as owed, round(in_flight, 2) as in_flight from balances)
    select currency,
           count(*) filter (where owed > 0)::int as artists_owed,
           coalesce(sum(owed) filter (where owed > 0), 0)::text as total_owed,
           count(*) filter (where owed < 0)::int as artists_overpaid,
           coalesce(-sum(owed) filter (where owed < 0), 0)::text as total_overpaid,
           sum(in_flight)::text as in_flight
    from rounded
    group by currency
    order by currency nulls last`;
}

/** "CAD 12.50 owed" / "CAD 3.00 overpaid" / "settled" for text answers. */
export function describeOwed(owed: string, currency: string | null): string {
  if (isZero(owed)) return "settled";
  return owed.startsWith("-")
    ? `${money(owed.slice(1), currency)} overpaid`
    : `${money(owed, currency)} owed`;
}

/** A decimal string that is zero ("0", "0.00", "-0.00"). */
export function isZero(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount);
}

/** A decimal amount with at most two decimals ("12.5", "-3.00") as a whole number of cents. */
export function amountInCents(amount: string): bigint {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new Error(`not an amount in cents: ${amount}`);
  const value = BigInt(match[2] ?? "0") * 100n + BigInt((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -value : value;
}

/** Cents back to a decimal string with two places. */
export function centsToAmount(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}
