import { z } from "zod";
import { defineTool, eid, uuid } from "../../catalog/index.ts";
import { artistById, capped, eventByEid, money, truncationNote } from "../data-read/shared.ts";
import {
  describeOwed,
  OWED_RULE,
  type OwedCurrencyTotal,
  type OwedRow,
  owedBalances,
  owedTotals,
} from "./money.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

const input = z.strictObject({
  eid: eid().optional(),
  artist_profile_id: uuid("Artist profile id").optional(),
});

export interface ArtistsOwedResult {
  scope: {
    eid: string | null;
    event: string | null;
    artist_profile_id: string | null;
    artist: string | null;
  };
  rule: string;
  /** One row per currency; amounts in different currencies are never summed. */
  totals: OwedCurrencyTotal[];
  /** Per artist and currency, largest owed first within each currency. */
  balances: OwedRow[];
  truncated: boolean;
}

export const getArtistsOwed = defineTool({
  name: "get_artists_owed",
  domain: "payments",
  title: "Artists owed",
  description:
    "What artists are still owed for their art sales, per artist and per currency (never converted or added " +
    "across currencies). Owed = the artist's share of sold art (sale × the event's artist_auction_portion) minus " +
    "payments paid/verified and payouts in flight (pending/processing). With eid, only that event's sales and only " +
    "payments for that event count; with artist_profile_id, one artist (settled rows included); with neither, every " +
    "artist with an open balance. Negative owed = overpaid. Returns per-currency totals and the rows, and quotes " +
    "the rule. Use it for 'who do we still owe for AB4001?' or 'what is Lena owed?'. It does not list individual " +
    "payments (get_artist_payment_ledger) or pay anyone (process_artist_payment).",
  input,
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 3, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<ArtistsOwedResult> {
    const event = args.eid ? await eventByEid(sql, args.eid) : null;
    const artist = args.artist_profile_id ? await artistById(sql, args.artist_profile_id) : null;
    const scope = { eventId: event?.id, artistId: artist?.id };
    // One artist: show settled currencies too, so "owes nothing" is visible rather than an empty list.
    const [rows, totals] = await Promise.all([
      owedBalances(sql, scope, { onlyOpen: !artist, limit: rowCap + 1 }),
      owedTotals(sql, scope),
    ]);
    const cut = capped(rows, rowCap);
    return {
      scope: {
        eid: event?.eid ?? null,
        event: event?.name ?? null,
        artist_profile_id: artist?.id ?? null,
        artist: artist?.name ?? null,
      },
      rule: OWED_RULE,
      totals,
      balances: cut.rows,
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = [r.scope.eid && `${r.scope.eid} ${r.scope.event}`, r.scope.artist]
      .filter(Boolean)
      .join(", ");
    const lines = [`Artists owed${what ? ` (${what})` : ""}:`];
    if (r.totals.length === 0) lines.push("No sales or payments in scope.");
    for (const t of r.totals) {
      lines.push(
        `${t.currency ?? "(currency unknown)"}: ${t.artists_owed} owed ${money(t.total_owed, t.currency)}` +
          `, ${t.artists_overpaid} overpaid ${money(t.total_overpaid, t.currency)}` +
          `, in flight ${money(t.in_flight, t.currency)}`,
      );
    }
    for (const b of r.balances) {
      lines.push(
        `- ${b.artist}: ${describeOwed(b.owed, b.currency)} (share ${money(b.artist_share, b.currency)}, ` +
          `paid ${money(b.paid, b.currency)}, in flight ${money(b.in_flight, b.currency)})`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.balances.length), `Rule: ${r.rule}`);
    return lines.join("\n");
  },
});
