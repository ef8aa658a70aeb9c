import type { CopyValue } from "../copy.ts";
import type { SeedContext } from "../world.ts";
import type { Accounts } from "./accounts.ts";
import { PAYMENT_COLUMNS, paymentRow } from "./payment-records.ts";
import type { PaymentPlan } from "./payments.ts";
import { at, DAY, HOUR, MINUTE, STAFF, USD_PER_UNIT, type WorldIndex } from "./shared.ts";

export async function seedArtistPayments(
  ctx: SeedContext,
  plan: PaymentPlan,
  accounts: Accounts,
): Promise<void> {
  const rng = ctx.rng("commerce:artist-payments");
  await ctx.copy(
    "artist_payments",
    PAYMENT_COLUMNS,
    plan.payments.map((record) =>
      paymentRow(rng, record, accounts.global.get(record.artistId)?.recipientId ?? null),
    ),
  );
}

/**
 * Nine production currencies plus MXN. rate_to_usd is the USD value of one unit; the daily refresh
 * runs at 09:00 UTC, so the rows carry the latest 09:00 at or before the anchor.
 */
export async function seedExchangeRates(ctx: SeedContext): Promise<void> {
  const rng = ctx.rng("commerce:exchange-rates");
  const refreshed = new Date(ctx.anchor);
  refreshed.setUTCHours(9, 0, 0, 0);
  if (refreshed > ctx.anchor) refreshed.setUTCDate(refreshed.getUTCDate() - 1);
  const rows = Object.entries(USD_PER_UNIT).map(([code, rate]) => {
    const jitter = code === "USD" ? 1 : 1 + rng.float(-0.004, 0.004);
    return [
      code,
      (rate * jitter).toFixed(6),
      at(refreshed, rng.int(0, 90) * 1000),
      code === "USD" ? "base" : "exchangerate-api.io",
    ];
  });
  await ctx.copy("exchange_rates", ["currency_code", "rate_to_usd", "last_updated", "source"], rows);
}

/** The single control row, reflecting the payouts the plan shows for the anchor's day. */
export async function seedProcessingControl(ctx: SeedContext, plan: PaymentPlan): Promise<void> {
  const rng = ctx.rng("commerce:processing-control");
  const dayStart = new Date(ctx.anchor);
  dayStart.setUTCHours(0, 0, 0, 0);
  const today = plan.payments.filter((p) => p.type === "automated" && p.createdAt >= dayStart);
  const lastRun = at(ctx.anchor, -rng.int(1, 14) * MINUTE);
  await ctx.copy(
    "payment_processing_control",
    [
      "id",
      "system_enabled",
      "global_payments_enabled",
      "stripe_connect_enabled",
      "last_processed_at",
      "processing_batch_size",
      "max_daily_payments",
      "daily_payment_count",
      "daily_reset_date",
      "created_at",
      "updated_at",
      "metadata",
    ],
    [
      [
        rng.uuid(),
        true,
        true,
        false,
        lastRun,
        10,
        100,
        today.length,
        dayStart.toISOString().slice(0, 10),
        plan.launch,
        lastRun,
        {
          last_run_results: {
            processed_count: 0,
            failed_count: 0,
            status: "no_payments",
            ran_at: lastRun.toISOString(),
          },
        },
      ],
    ],
  );
}

/** Buyer reminders for sold-but-unpaid art (admin-send-payment-reminder's log). */
export async function seedPaymentReminders(ctx: SeedContext, index: WorldIndex): Promise<void> {
  const rng = ctx.rng("commerce:payment-reminders");
  const since = ctx.anchor.getTime() - 120 * DAY;
  const unpaid = index.world.art.filter((a) => {
    if (a.status !== "sold" || !a.winnerId) return false;
    const event = index.eventById.get(a.eventId);
    return event !== undefined && event.startsAt.getTime() >= since && event.startsAt < ctx.anchor;
  });
  const rows: CopyValue[][] = [];
  for (const art of rng.sample(unpaid, ctx.count(60, 2))) {
    const event = index.eventById.get(art.eventId);
    const buyer = art.winnerId ? index.personById.get(art.winnerId) : undefined;
    if (!event || !buyer?.phone) continue;
    const sentAt = at(art.closingTime ?? event.endsAt, rng.int(20, 240) * HOUR);
    if (sentAt > ctx.anchor) continue;
    const first = buyer.firstName ?? "there";
    rows.push([
      rng.uuid(),
      art.id,
      buyer.id,
      rng.pick(STAFF.admins),
      `Hi ${first}, you have unpaid items from ${event.eid} (${event.name}). Please complete payment: https://artb.art/event/${event.eid}`,
      buyer.phone,
      rng.uuid(),
      rng.weighted([
        ["delivered", 8],
        ["sent", 2],
        ["failed", 1],
      ] as const),
      rng.chance(0.3) ? "Buyer asked for a reminder after the show" : null,
      { art_code: art.artCode, event_eid: event.eid },
      sentAt,
    ]);
  }
  await ctx.copy(
    "payment_reminders",
    [
      "id",
      "art_id",
      "sent_to_person_id",
      "sent_by_admin",
      "message_content",
      "phone_number",
      "sms_sid",
      "sms_status",
      "admin_note",
      "metadata",
      "created_at",
    ],
    rows,
  );
}
