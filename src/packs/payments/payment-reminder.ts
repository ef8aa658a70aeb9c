import { z } from "zod";
import { defineTool, eid, requireIdempotencyKey, ToolError, uuid } from "../../catalog/index.ts";
import { artistById, eventByEid, money } from "../data-read/shared.ts";
import { amountInCents, owedBalances } from "./money.ts";

export interface PaymentReminderResult {
  eid: string;
  artist_profile_id: string;
  artist: string;
  owed: string;
  currency: string | null;
  payout_account: string;
  method: "email" | "sms";
  sent_to_email: string | null;
  sent_to_phone: string | null;
  message_queue_id: string | null;
  message: string;
}

interface EdgeReminderResponse {
  message?: string;
  method?: string;
  destination?: string;
  message_queue_id?: string;
}

export const sendPaymentReminder = defineTool({
  name: "send_payment_reminder",
  domain: "payments",
  title: "Remind an artist to set up payouts",
  description:
    "Send one artist who is owed money for an event (eid) a reminder to set up their payout account, by email " +
    "(or SMS when there is no email). Refuses when nothing is owed for that event or the payout account is " +
    "already ready (then pay them with process_artist_payment). Finance only; needs the requester's " +
    "confirmation and writes enabled. A retried call with the same approval never sends twice.",
  input: z.strictObject({ eid: eid(), artist_profile_id: uuid("Artist profile id") }),
  pii: { sent_to_email: "email", sent_to_phone: "phone" },
  policy: { roles: ["finance"], risk: "high", writes: true, requiresApproval: true, maxCallsPerRequest: 1 },
  async handler(args, ctx): Promise<PaymentReminderResult> {
    const { sql } = ctx;
    const idempotencyKey = requireIdempotencyKey(ctx, "send_payment_reminder");
    const event = await eventByEid(sql, args.eid);
    const artist = await artistById(sql, args.artist_profile_id);
    const balances = await owedBalances(
      sql,
      { eventId: event.id, artistId: artist.id },
      { onlyOpen: false, limit: 20 },
    );
    const open = balances.find((row) => amountInCents(row.owed) > 0n);
    if (!open) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${artist.name} is owed nothing for ${event.eid}; no reminder sent`,
      );
    }
    const [contact] = await sql<
      { email: string | null; phone: string | null; entry_id: number; account: string | null }[]
    >`
      select coalesce(nullif(ap.email, ''), nullif(p.email, '')) as email,
             coalesce(nullif(ap.phone, ''), nullif(p.phone, '')) as phone,
             ap.entry_id, g.status as account
      from artist_profiles ap
      left join people p on p.id = ap.person_id
      left join artist_global_payments g on g.artist_profile_id = ap.id
      where ap.id = ${artist.id}`;
    if (contact?.account === "ready") {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${artist.name}'s payout account is already ready; pay them with process_artist_payment instead`,
      );
    }
    const method = contact?.email ? "email" : contact?.phone ? "sms" : null;
    if (!method) {
      throw new ToolError("INVALID_ARGUMENT", `${artist.name} has no email address or phone number on file`);
    }
    const response = await ctx.edge.invoke<EdgeReminderResponse>(
      "send-payment-setup-reminder",
      {
        artist_profile_id: artist.id,
        artist_name: artist.name,
        artist_email: contact?.email ?? null,
        artist_phone: contact?.phone ?? null,
        entry_id: contact?.entry_id ?? null,
        reminder_type: method,
        recent_events: [event.eid],
      },
      { idempotencyKey, caller: ctx.caller },
    );
    return {
      eid: event.eid,
      artist_profile_id: artist.id,
      artist: artist.name,
      owed: open.owed,
      currency: open.currency,
      payout_account: contact?.account ?? "not set up",
      method,
      sent_to_email: method === "email" ? (contact?.email ?? null) : null,
      sent_to_phone: method === "sms" ? (contact?.phone ?? null) : null,
      message_queue_id: response.message_queue_id ?? null,
      message: response.message ?? "Reminder queued",
    };
  },
  format: (r) =>
    `Reminded ${r.artist} by ${r.method} to set up payouts (${money(r.owed, r.currency)} owed for ${r.eid}; ` +
    `payout account: ${r.payout_account}). ${r.message}`,
});
