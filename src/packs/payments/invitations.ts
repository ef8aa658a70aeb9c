import { z } from "zod";
import { defineTool, eid, uuid } from "../../catalog/index.ts";
import { artistById, capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { ROLES_PAYMENTS_READ } from "./shared.ts";

const input = z.strictObject({
  eid: eid().optional(),
  artist_profile_id: uuid("Artist profile id").optional(),
});

export interface PaymentInvitation {
  id: string;
  artist_profile_id: string;
  artist: string;
  invitation_method: string;
  invitation_type: string | null;
  status: string | null;
  recipient_email: string | null;
  recipient_phone: string | null;
  sent_by: string;
  sent_at: string | null;
  error_message: string | null;
}

export interface PaymentInvitationsResult {
  scope: { eid: string | null; artist_profile_id: string | null; artist: string | null };
  /** Newest first. */
  invitations: PaymentInvitation[];
  truncated: boolean;
}

export const getPaymentInvitations = defineTool({
  name: "get_payment_invitations",
  domain: "payments",
  title: "Payment setup invitations",
  description:
    "Invitations and reminders sent to artists to set up payouts (payment_setup_invitations), newest first: " +
    "artist, method (email/sms/both), type (payment_setup, reminder, follow_up), delivery status, who sent it and " +
    "when, errors. Filter by artist_profile_id and/or eid (artists with art at that event). Use it for 'did we ask " +
    "Lena to set up payments?'. It does not show whether the account is ready (get_artist_stripe_status).",
  input,
  pii: { recipient_email: "email", recipient_phone: "phone", sent_by: "email" },
  policy: { roles: ROLES_PAYMENTS_READ, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<PaymentInvitationsResult> {
    const event = args.eid ? await eventByEid(sql, args.eid) : null;
    const artist = args.artist_profile_id ? await artistById(sql, args.artist_profile_id) : null;
    const rows = await sql<(Omit<PaymentInvitation, "sent_at"> & { sent_at: Date | null })[]>`
      select i.id, i.artist_profile_id, ap.name as artist, i.invitation_method, i.invitation_type, i.status,
             i.recipient_email, i.recipient_phone, i.sent_by, i.sent_at, i.error_message
      from payment_setup_invitations i join artist_profiles ap on ap.id = i.artist_profile_id
      where true
        ${artist ? sql`and i.artist_profile_id = ${artist.id}` : sql``}
        ${event ? sql`and exists (select 1 from art a where a.event_id = ${event.id} and a.artist_id = i.artist_profile_id)` : sql``}
      order by i.sent_at desc nulls last, i.id
      limit ${rowCap + 1}`;
    const cut = capped(rows, rowCap);
    return {
      scope: { eid: event?.eid ?? null, artist_profile_id: artist?.id ?? null, artist: artist?.name ?? null },
      invitations: cut.rows.map((r) => ({ ...r, sent_at: iso(r.sent_at) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const what = [r.scope.eid, r.scope.artist].filter(Boolean).join(", ");
    const lines = [`Payment setup invitations${what ? ` (${what})` : ""}: ${r.invitations.length}`];
    for (const i of r.invitations) {
      lines.push(
        `- ${(i.sent_at ?? "").slice(0, 10)} ${i.artist}: ${i.invitation_type ?? "?"} by ${i.invitation_method}, ` +
          `${i.status ?? "?"}${i.error_message ? ` (${i.error_message})` : ""}`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.invitations.length));
    return lines.join("\n");
  },
});
