import type { Rng } from "../random.ts";
import { type Earning, unitsToCents } from "./earnings.ts";
import { automatedPayout, manualCredit, manualPayout, payoutTime } from "./payment-records.ts";
import type { PaymentPlan } from "./payments.ts";
import { at, MINUTE } from "./shared.ts";

// Payment history on balances that stay owed: part-paid, in-flight, failed, credited, cancelled.

const FAILURE_MESSAGES = [
  "Stripe: recipient account cannot receive payouts (requirements past due)",
  "Stripe: insufficient available balance in platform account",
  "Stripe: transfers to this recipient's country are not enabled for CAD",
  "Stripe API timeout after 30000ms",
];

/** Extra history on an owed pair: part paid, a payout in flight, a failed try or a credit. */
export function decorateOwed(
  rng: Rng,
  plan: PaymentPlan,
  earning: Earning,
  anchor: Date,
  recentFailuresLeft: number,
): void {
  const last = earning.events[earning.events.length - 1];
  if (!last) return;
  const lastCents = unitsToCents(last.units);
  const roll = rng.next();
  if (roll < 0.16 && lastCents >= 400) {
    const when = payoutTime(rng, last.event, anchor, 3, 20);
    const part = Math.round(lastCents * rng.float(0.3, 0.7));
    plan.payments.push({
      ...automatedPayout(
        rng,
        earning.artistId,
        earning.currency,
        part,
        last.event,
        last.arts[0] ?? null,
        when,
        anchor,
      ),
      description: `Partial payment for ${last.event.eid}`,
    });
    plan.ready.add(earning.artistId);
  } else if (roll < 0.22) {
    const createdAt = at(anchor, -rng.int(2 * 60, 72 * 60) * MINUTE);
    plan.payments.push({
      ...automatedPayout(
        rng,
        earning.artistId,
        earning.currency,
        unitsToCents(earning.units),
        last.event,
        last.arts[0] ?? null,
        createdAt,
        anchor,
        0,
      ),
      status: "pending",
      paidAt: null,
      updatedAt: createdAt,
    });
    plan.ready.add(earning.artistId);
  } else if (roll < 0.27) {
    const recent = recentFailuresLeft > 0;
    const createdAt = recent
      ? at(anchor, -rng.int(30, 20 * 60) * MINUTE)
      : payoutTime(rng, last.event, anchor, 3, 40);
    plan.payments.push({
      ...automatedPayout(
        rng,
        earning.artistId,
        earning.currency,
        unitsToCents(earning.units),
        last.event,
        last.arts[0] ?? null,
        createdAt,
        anchor,
        0,
      ),
      status: "failed",
      paidAt: null,
      updatedAt: at(createdAt, rng.int(5, 90) * 1000),
      errorMessage: rng.pick(FAILURE_MESSAGES),
    });
  } else if (roll < 0.31) {
    const credit = Math.max(2000, Math.round((lastCents * rng.float(0.2, 0.6)) / 500) * 500);
    plan.payments.push(
      manualCredit(
        rng,
        earning.artistId,
        earning.currency,
        credit,
        last.event,
        payoutTime(rng, last.event, anchor, 1, 10),
      ),
    );
  } else if (roll < 0.33) {
    const createdAt = payoutTime(rng, last.event, anchor, 3, 20);
    plan.payments.push({
      ...manualPayout(
        rng,
        earning.artistId,
        earning.currency,
        unitsToCents(last.units),
        createdAt,
        `Duplicate entry for ${last.event.eid}`,
        last.event,
        null,
      ),
      status: "cancelled",
      paidAt: null,
    });
  }
}

/** Guarantee one failed payout in the last day, whatever the scale, for the health tools. */
export function addRecentFailure(rng: Rng, plan: PaymentPlan, anchor: Date): void {
  const pair = plan.owed.find((p) => !plan.scenario.earners.has(p.artistId)) ?? plan.owed[0];
  const last = pair?.events[pair.events.length - 1];
  if (!pair || !last) return;
  const createdAt = at(anchor, -rng.int(30, 20 * 60) * MINUTE);
  const cents = unitsToCents(pair.units);
  plan.payments.push({
    ...automatedPayout(
      rng,
      pair.artistId,
      pair.currency,
      cents,
      last.event,
      last.arts[0] ?? null,
      createdAt,
      anchor,
      0,
    ),
    status: "failed",
    paidAt: null,
    updatedAt: at(createdAt, rng.int(5, 90) * 1000),
    errorMessage: rng.pick(FAILURE_MESSAGES),
  });
}
