import { z } from "zod";
import { defineTool, eid, uuid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { artistById, capped, eventByEid, iso, money, truncationNote } from "../data-read/shared.ts";
import { IN_FLIGHT_STATUSES, paymentEventIdSql, paymentOfEventSql, SETTLED_STATUSES } from "./money.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

const input = z.strictObject({
  artist_profile_id: uuid("Artist profile id").optional(),
  eid: eid().optional(),
});

export interface LedgerEntry {
  id: string;
  artist_profile_id: string;
  artist: string;
  artist_email: string | null;
  /** Event the payment belongs to (its artwork's event, else metadata.event_id), if any. */
  eid: string | null;
  art_code: string | null;
  status: string | null;
  payment_type: string;
  payment_method: string | null;
  gross_amount: string;
  net_amount: string;
  currency: string;
  description: string | null;
  reference: string | null;
  stripe_transfer_id: string | null;
  created_at: string | null;
  paid_at: string | null;
}

/** Ledger sums in one currency, by what the status means for money. */
export interface LedgerCurrencyTotal {
  currency: string;
  payments: number;
  settled: string;
  in_flight: string;
  failed: string;
  cancelled: string;
}

export interface ArtistPaymentLedgerResult {
  scope: { artist_profile_id: string | null; artist: string | null; eid: string | null };
  totals: LedgerCurrencyTotal[];
  /** Newest first. */
  entries: LedgerEntry[];
  truncated: boolean;
}

function ledgerWhere(sql: Sql, artistId: string | undefined, eventId: string | undefined) {
  return sql`where true
    ${artistId ? sql`and p.artist_profile_id = ${artistId}` : sql``}
    ${eventId ? sql`and ${paymentOfEventSql(sql, eventId)}` : sql``}`;
}

export const getArtistPaymentLedger = defineTool({
  name: "get_artist_payment_ledger",
  domain: "payments",
  title: "Artist payment ledger",
  description:
    "Individual payouts to artists (artist_payments), newest first: amount, currency, status, type, method, " +
    "event, artwork, Stripe transfer id, dates; including manual and legacy rows with no artwork. Filter by " +
    "artist_profile_id, eid (payments belonging to that event), or both; with neither, the newest payments. " +
    "Totals are per currency and split into settled (paid/verified), in flight (pending/processing), failed and " +
    "cancelled — never summed across currencies. Use it for 'what have we paid Lena?' or 'payments for AB4001'. " +
    "For what is still owed use get_artists_owed.",
  input,
  pii: { artist_email: "email", reference: "card" },
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<ArtistPaymentLedgerResult> {
    const artist = args.artist_profile_id ? await artistById(sql, args.artist_profile_id) : null;
    const event = args.eid ? await eventByEid(sql, args.eid) : null;
    const where = ledgerWhere(sql, artist?.id, event?.id);
    const from = sql`from artist_payments p left join art pa on pa.id = p.art_id`;
    const [rows, totals] = await Promise.all([
      sql<
        (Omit<LedgerEntry, "created_at" | "paid_at"> & { created_at: Date | null; paid_at: Date | null })[]
      >`
        select p.id, p.artist_profile_id, ap.name as artist, ap.email as artist_email, pe.eid, pa.art_code,
               p.status, p.payment_type, p.payment_method, p.gross_amount::text, p.net_amount::text, p.currency,
               p.description, p.reference, p.stripe_transfer_id, p.created_at, p.paid_at
        ${from}
        join artist_profiles ap on ap.id = p.artist_profile_id
        left join events pe on pe.id = ${paymentEventIdSql(sql)}
        ${where}
        order by p.created_at desc nulls last, p.id
        limit ${rowCap + 1}`,
      sql<LedgerCurrencyTotal[]>`
        select p.currency, count(*)::int as payments,
               coalesce(sum(p.gross_amount) filter (where p.status in ${sql([...SETTLED_STATUSES])}), 0)::text as settled,
               coalesce(sum(p.gross_amount) filter (where p.status in ${sql([...IN_FLIGHT_STATUSES])}), 0)::text
                 as in_flight,
               coalesce(sum(p.gross_amount) filter (where p.status = 'failed'), 0)::text as failed,
               coalesce(sum(p.gross_amount) filter (where p.status = 'cancelled'), 0)::text as cancelled
        ${from} ${where}
        group by p.currency order by p.currency`,
    ]);
    const cut = capped(rows, rowCap);
    return {
      scope: { artist_profile_id: artist?.id ?? null, artist: artist?.name ?? null, eid: event?.eid ?? null },
      totals,
      entries: cut.rows.map((r) => ({ ...r, created_at: iso(r.created_at), paid_at: iso(r.paid_at) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = [r.scope.artist, r.scope.eid].filter(Boolean).join(", ");
    const lines = [`Payment ledger${what ? ` (${what})` : ""}:`];
    if (r.totals.length === 0) lines.push("No payments.");
    for (const t of r.totals) {
      lines.push(
        `${t.currency}: ${t.payments} payments; settled ${money(t.settled, t.currency)}, in flight ` +
          `${money(t.in_flight, t.currency)}, failed ${money(t.failed, t.currency)}, cancelled ${money(t.cancelled, t.currency)}`,
      );
    }
    for (const e of r.entries) {
      lines.push(
        `- ${(e.created_at ?? "").slice(0, 10)} ${e.artist}: ${money(e.gross_amount, e.currency)} ${e.status ?? "?"} ` +
          `(${e.payment_type}${e.payment_method ? `, ${e.payment_method}` : ""}${e.eid ? `, ${e.eid}` : ""}` +
          `${e.art_code ? `, ${e.art_code}` : ""})`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.entries.length));
    return lines.join("\n");
  },
});
