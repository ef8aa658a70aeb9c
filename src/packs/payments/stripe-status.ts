import { z } from "zod";
import { defineTool, eid, uuid } from "../../catalog/index.ts";
import { artistById, capped, eventByEid, truncationNote } from "../data-read/shared.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

const input = z.strictObject({
  artist_profile_id: uuid("Artist profile id").optional(),
  eid: eid().optional(),
});

export interface ArtistPayoutAccount {
  artist_profile_id: string;
  artist: string;
  email: string | null;
  /** Current system (Stripe Global Payouts): ready + recipient id means payable by Stripe. */
  global_payments_status: string | null;
  stripe_recipient_id: string | null;
  default_currency: string | null;
  ready_to_pay: boolean;
  /** Legacy Stripe Connect account, if any. */
  legacy_stripe_account_id: string | null;
  legacy_onboarding_status: string | null;
  legacy_charges_enabled: boolean | null;
  legacy_payouts_enabled: boolean | null;
  country: string | null;
}

export interface ArtistStripeStatusResult {
  scope: { eid: string | null; artist_profile_id: string | null; artist: string | null };
  accounts: ArtistPayoutAccount[];
  truncated: boolean;
}

export const getArtistStripeStatus = defineTool({
  name: "get_artist_stripe_status",
  domain: "payments",
  title: "Artist Stripe status",
  description:
    "Whether artists can be paid through Stripe: the current Global Payouts account (status invited, in_review, " +
    "ready, blocked, rejected; recipient id; default currency; ready_to_pay) and any legacy Stripe Connect account " +
    "(onboarding status, charges/payouts enabled). Give artist_profile_id for one artist (listed even with no " +
    "account), or eid for every artist with art at that event. Use it for 'can we pay Marco by Stripe?'. It does " +
    "not say what is owed (get_artists_owed).",
  input: input.refine((a) => a.artist_profile_id !== undefined || a.eid !== undefined, {
    message: "give artist_profile_id or eid",
  }),
  pii: { email: "email" },
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<ArtistStripeStatusResult> {
    const artist = args.artist_profile_id ? await artistById(sql, args.artist_profile_id) : null;
    const event = args.eid ? await eventByEid(sql, args.eid) : null;
    const rows = await sql<ArtistPayoutAccount[]>`
      select ap.id as artist_profile_id, ap.name as artist, ap.email,
             g.status as global_payments_status, g.stripe_recipient_id, g.default_currency::text,
             coalesce(g.status = 'ready' and g.stripe_recipient_id is not null, false) as ready_to_pay,
             s.stripe_account_id as legacy_stripe_account_id, s.onboarding_status as legacy_onboarding_status,
             s.charges_enabled as legacy_charges_enabled, s.payouts_enabled as legacy_payouts_enabled,
             coalesce(g.country::text, s.country) as country
      from artist_profiles ap
      left join artist_global_payments g on g.artist_profile_id = ap.id
      left join artist_stripe_accounts s on s.artist_profile_id = ap.id
      where true
        ${artist ? sql`and ap.id = ${artist.id}` : sql``}
        ${event ? sql`and exists (select 1 from art a where a.event_id = ${event.id} and a.artist_id = ap.id)` : sql``}
      order by ap.name, ap.id
      limit ${rowCap + 1}`;
    const cut = capped(rows, rowCap);
    return {
      scope: { eid: event?.eid ?? null, artist_profile_id: artist?.id ?? null, artist: artist?.name ?? null },
      accounts: cut.rows,
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = [r.scope.eid, r.scope.artist].filter(Boolean).join(", ");
    const lines = [`Payout accounts${what ? ` (${what})` : ""}:`];
    for (const a of r.accounts) {
      const legacy = a.legacy_onboarding_status
        ? `; legacy Connect ${a.legacy_onboarding_status}, payouts ${a.legacy_payouts_enabled ? "on" : "off"}`
        : "";
      lines.push(
        `- ${a.artist}: ${a.ready_to_pay ? "ready to pay" : "not ready"} (global payouts ` +
          `${a.global_payments_status ?? "not set up"})${legacy}`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.accounts.length));
    return lines.join("\n");
  },
});
