import { z } from "zod";
import { defineTool, eid, requireIdempotencyKey, ToolError, uuid } from "../../catalog/index.ts";
import { artistById, eventByEid, money } from "../data-read/shared.ts";
import { amountInCents, centsToAmount, owedBalances } from "./money.ts";

export interface PayArtistResult {
  eid: string;
  event: string;
  artist_profile_id: string;
  artist: string;
  currency: string;
  amount: string;
  payment_id: string | null;
  status: string | null;
  owed_before: string;
  owed_after: string;
  message: string;
}

interface EdgePaymentResponse {
  payment_id?: string;
  status?: string;
  message?: string;
}

export const processArtistPayment = defineTool({
  name: "process_artist_payment",
  domain: "payments",
  title: "Pay an artist",
  description:
    "Start a payout to one artist for one event's sales, in that event's currency, through Art Battle's payout " +
    "function (the artist needs a ready payout account). The amount may not exceed what the artist is owed for " +
    "that event (get_artists_owed), counting payouts already in flight. Finance only; needs the requester's " +
    "confirmation and writes enabled. A retried call with the same approval never pays twice.",
  input: z.strictObject({
    eid: eid(),
    artist_profile_id: uuid("Artist profile id"),
    amount: z
      .number()
      .min(0.01)
      .max(1_000_000)
      .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, "must have at most two decimals")
      .describe("Amount to pay, in the event's currency, e.g. 412.5"),
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, "must be a three-letter currency code such as CAD")
      .transform((value) => value.toUpperCase())
      .describe("Currency of the payout; must be the event's currency"),
  }),
  policy: { roles: ["finance"], risk: "high", writes: true, requiresApproval: true, maxCallsPerRequest: 1 },
  async handler(args, ctx): Promise<PayArtistResult> {
    const { sql } = ctx;
    const idempotencyKey = requireIdempotencyKey(ctx, "process_artist_payment");
    const event = await eventByEid(sql, args.eid);
    const artist = await artistById(sql, args.artist_profile_id);
    if (event.currency !== args.currency) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${event.eid} sold in ${event.currency ?? "an unrecorded currency"}; pay in that currency, not ${args.currency}`,
      );
    }
    // One payout decision per artist and event at a time, so two approvals cannot both spend one balance.
    await sql`select pg_advisory_xact_lock(hashtext(${`pay:${artist.id}:${event.id}`}))`;
    const balances = await owedBalances(
      sql,
      { eventId: event.id, artistId: artist.id },
      { onlyOpen: false, limit: 20 },
    );
    const owed = balances.find((row) => row.currency === event.currency)?.owed ?? "0.00";
    const amountCents = BigInt(Math.round(args.amount * 100));
    const owedCents = amountInCents(owed);
    if (amountCents > owedCents) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${artist.name} is owed ${money(centsToAmount(owedCents), event.currency)} for ${event.eid} ` +
          `(after payments and payouts in flight); refusing to pay ${money(centsToAmount(amountCents), event.currency)}`,
      );
    }
    const amount = centsToAmount(amountCents);
    const response = await ctx.edge.invoke<EdgePaymentResponse>(
      "process-artist-payment",
      {
        artist_profile_id: artist.id,
        amount: Number(amount),
        currency: args.currency,
        event_id: event.id,
        payment_type: "automated",
        description: `Art Battle ${event.eid} artist payment`,
      },
      { idempotencyKey, caller: ctx.caller },
    );
    return {
      eid: event.eid,
      event: event.name,
      artist_profile_id: artist.id,
      artist: artist.name,
      currency: args.currency,
      amount,
      payment_id: response.payment_id ?? null,
      status: response.status ?? null,
      owed_before: centsToAmount(owedCents),
      owed_after: centsToAmount(owedCents - amountCents),
      message: response.message ?? "Payment started",
    };
  },
  format: (r) =>
    `Payment of ${money(r.amount, r.currency)} to ${r.artist} for ${r.eid}: ${r.status ?? "started"} ` +
    `(payment ${r.payment_id ?? "id not returned"}). Owed for ${r.eid} was ${money(r.owed_before, r.currency)}, ` +
    `now ${money(r.owed_after, r.currency)} once it completes.`,
});
