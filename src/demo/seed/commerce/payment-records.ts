import type { CopyValue } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { WorldArt, WorldEvent } from "../world.ts";
import { at, DAY, HOUR, MINUTE, money, STAFF, token } from "./shared.ts";

export type PaymentStatus = "pending" | "processing" | "paid" | "verified" | "failed" | "cancelled";

/** One planned artist_payments row (gross in cents; negative = manual credit). */
export interface PaymentRecord {
  artistId: string;
  art: WorldArt | null;
  event: WorldEvent | null;
  currency: string;
  grossCents: number;
  status: PaymentStatus;
  type: "automated" | "manual";
  method: string | null;
  createdAt: Date;
  paidAt: Date | null;
  webhookAt: Date | null;
  updatedAt: Date;
  description: string | null;
  createdBy: string | null;
  reason: string | null;
  reference: string | null;
  via: string;
  errorMessage: string | null;
  extra?: Record<string, unknown>;
}

/**
 * A time after the event for a payout, strictly before the anchor. When the wanted delay would land
 * after the anchor, the payout falls anywhere between the show and now instead of piling up at the
 * cut-off.
 */
export function payoutTime(
  rng: Rng,
  event: WorldEvent,
  anchor: Date,
  minDays: number,
  maxDays: number,
): Date {
  const earliest = event.endsAt.getTime() + 6 * HOUR;
  const latest = anchor.getTime() - 2 * HOUR;
  const wanted = event.startsAt.getTime() + rng.float(minDays, maxDays) * DAY;
  if (wanted <= latest) return new Date(Math.max(wanted, Math.min(earliest, latest)));
  if (earliest >= latest) return new Date(latest - rng.int(0, 60) * MINUTE);
  return new Date(Math.round(earliest + rng.next() * (latest - earliest)));
}

/** An automated Stripe Global Payouts transfer that completed (paid, or verified by webhook). */
export function automatedPayout(
  rng: Rng,
  artistId: string,
  currency: string,
  grossCents: number,
  event: WorldEvent,
  art: WorldArt | null,
  createdAt: Date,
  anchor: Date,
  verifiedShare = 0.25,
): PaymentRecord {
  const paidAt = at(createdAt, rng.int(1, 25) * MINUTE);
  const verified = rng.chance(verifiedShare) && paidAt.getTime() + 10 * MINUTE < anchor.getTime();
  const webhookAt = verified ? at(paidAt, rng.int(1, 8) * MINUTE) : null;
  return {
    artistId,
    art,
    event,
    currency,
    grossCents,
    status: verified ? "verified" : "paid",
    type: "automated",
    method: "stripe",
    createdAt,
    paidAt,
    webhookAt,
    updatedAt: webhookAt ?? paidAt,
    description: `Artist payment for ${event.eid}`,
    createdBy: rng.pick(STAFF.admins),
    reason: null,
    reference: null,
    via: rng.chance(0.7) ? "admin_panel" : "auto_process",
    errorMessage: null,
  };
}

const MANUAL_METHODS = [
  ["bank_transfer", 6],
  ["paypal", 2],
  ["check", 1],
  ["cash", 1],
  ["other", 1],
] as const;

/** A payout made by hand (e-transfer, cheque, …) and recorded by finance. */
export function manualPayout(
  rng: Rng,
  artistId: string,
  currency: string,
  grossCents: number,
  createdAt: Date,
  description: string,
  event: WorldEvent | null,
  art: WorldArt | null,
  via = "admin_manual_payment",
): PaymentRecord {
  const method = rng.weighted(MANUAL_METHODS);
  return {
    artistId,
    art,
    event,
    currency,
    grossCents,
    status: "paid",
    type: "manual",
    method,
    createdAt,
    paidAt: createdAt,
    webhookAt: null,
    updatedAt: createdAt,
    description,
    createdBy: rng.pick(STAFF.admins),
    reason: null,
    reference: method === "check" ? `CHQ-${rng.int(1000, 9999)}` : `ET-${rng.code(8)}`,
    via,
    errorMessage: null,
  };
}

const CREDIT_REASONS = [
  ["prize", "Winner prize for ", 4],
  ["supplies_reimbursement", "Paint and canvas reimbursement for ", 3],
  ["private_event", "Private event painting fee, booked via ", 1],
  ["adjustment", "Price correction on a sold work at ", 2],
] as const;

/** A manual credit: a negative payment that raises what the platform owes the artist. */
export function manualCredit(
  rng: Rng,
  artistId: string,
  currency: string,
  creditCents: number,
  event: WorldEvent,
  createdAt: Date,
): PaymentRecord {
  const [reason, text] = rng.weighted(CREDIT_REASONS.map(([r, t, w]) => [[r, t] as const, w] as const));
  return {
    ...manualPayout(
      rng,
      artistId,
      currency,
      -Math.abs(creditCents),
      createdAt,
      `${text}${event.eid}`,
      event,
      null,
    ),
    method: "other",
    reason,
    reference: null,
    via: "admin_manual_credit",
  };
}

type PaymentColumns = readonly CopyValue[];

export const PAYMENT_COLUMNS = [
  "id",
  "artist_profile_id",
  "art_id",
  "gross_amount",
  "platform_fee",
  "stripe_fee",
  "net_amount",
  "currency",
  "status",
  "stripe_transfer_id",
  "stripe_payout_id",
  "created_at",
  "paid_at",
  "metadata",
  "error_message",
  "payment_type",
  "payment_method",
  "description",
  "reference",
  "created_by",
  "updated_at",
  "reason_category",
  "webhook_confirmed_at",
  "verification_metadata",
] as const;

/** Stripe identifiers exist once a transfer was attempted: processing, paid or verified. */
export function paymentRow(rng: Rng, record: PaymentRecord, stripeAccountId: string | null): PaymentColumns {
  const transferred =
    record.type === "automated" && ["processing", "paid", "verified"].includes(record.status);
  const metadata: Record<string, unknown> = {
    created_via: record.via,
    ...(record.event ? { event_id: record.event.id, event_eid: record.event.eid } : {}),
    ...(record.art
      ? { representative_art_id: record.art.id, representative_art_code: record.art.artCode }
      : {}),
    ...(transferred && stripeAccountId ? { stripe_account_id: stripeAccountId } : {}),
    ...record.extra,
  };
  const gross = money(record.grossCents);
  return [
    rng.uuid(),
    record.artistId,
    record.art?.id ?? null,
    gross,
    "0.00",
    "0.00",
    gross,
    record.currency,
    record.status,
    transferred ? `tr_${token(rng, 24)}` : null,
    record.status === "verified" ? `po_${token(rng, 24)}` : null,
    record.createdAt,
    record.paidAt,
    metadata,
    record.errorMessage,
    record.type,
    record.method,
    record.description,
    record.reference,
    record.createdBy,
    record.updatedAt,
    record.reason,
    record.webhookAt,
    record.webhookAt
      ? { source: "stripe_webhook", event_type: "transfer.paid", verified_at: record.webhookAt.toISOString() }
      : {},
  ];
}
