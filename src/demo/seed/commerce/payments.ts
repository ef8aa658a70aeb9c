import type { Rng } from "../random.ts";
import type { SeedContext } from "../world.ts";
import { byArtist, type Earning, type EventEarning, unitsToCents } from "./earnings.ts";
import { addRecentFailure, decorateOwed } from "./owed-history.ts";
import { automatedPayout, manualPayout, type PaymentRecord, payoutTime } from "./payment-records.ts";
import { type PaymentScenario, type PendingRequestPlan, planPaymentScenario } from "./scenarios.ts";
import { at, DAY, HOUR, MINUTE, type WorldIndex } from "./shared.ts";

/**
 * Who has been paid. The new payout system is young (production: ~63 completed payments and
 * 166–186 artists owed in Sept 2025), so most recent earnings are still owed, earlier ones were
 * paid by Stripe or by hand, and pre-launch earnings were settled in one reconciliation row each.
 */
export interface PaymentPlan {
  payments: PaymentRecord[];
  /** Pairs (artist|currency) left with a positive balance. */
  owed: Earning[];
  owedArtists: Set<string>;
  /** Artists whose payouts went through Stripe Global Payouts (need a `ready` account). */
  ready: Set<string>;
  manualPath: Set<string>;
  stripeConnect: Set<string>;
  /** Recent pairs settled by hand: candidates for `paid` manual requests. */
  manualSettled: { artistId: string; currency: string; cents: number; eids: string[]; paidAt: Date }[];
  pendingRequests: PendingRequestPlan[];
  scenario: PaymentScenario;
  /** When the Stripe Global Payouts flow went live, relative to the anchor. */
  launch: Date;
}

const LAUNCH_DAYS_BEFORE_ANCHOR = 180;

/** Artists still owed: recent earners first, a few long-overdue older ones, up to the target count. */
function chooseOwedArtists(
  rng: Rng,
  artists: Map<string, Earning[]>,
  scenario: PaymentScenario,
  launch: Date,
  anchor: Date,
  target: number,
): Set<string> {
  const owed = new Set<string>();
  for (const artistId of scenario.earners) if (!scenario.handled.has(artistId)) owed.add(artistId);
  const scored: [string, number][] = [];
  for (const [artistId, pairs] of artists) {
    if (scenario.earners.has(artistId)) continue;
    const latest = Math.max(...pairs.map((p) => p.latest.getTime()));
    const weight = latest >= anchor.getTime() - 45 * DAY ? 1 : latest >= launch.getTime() ? 0.55 : 0.06;
    scored.push([artistId, rng.next() * weight]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [artistId] of scored) {
    if (owed.size >= target) break;
    owed.add(artistId);
  }
  return owed;
}

/** Recent shares: paid through Stripe per event, or (a quarter of pairs) by hand in one payout. */
function settleRecent(
  rng: Rng,
  plan: PaymentPlan,
  earning: Earning,
  shares: EventEarning[],
  anchor: Date,
): void {
  const last = shares[shares.length - 1];
  if (!last) return;
  if (rng.chance(0.25)) {
    const paidAt = payoutTime(rng, last.event, anchor, 15, 40);
    const eids = shares.map((e) => e.event.eid);
    const total = shares.reduce((sum, e) => sum + unitsToCents(e.units), 0);
    // A single-event payout keeps a representative artwork so the ledger shows it in the right currency.
    const art = shares.length === 1 ? (last.arts[0] ?? null) : null;
    const note = `Manual payout for ${eids.join(", ")}`;
    plan.payments.push(
      manualPayout(rng, earning.artistId, earning.currency, total, paidAt, note, last.event, art),
    );
    plan.manualSettled.push({
      artistId: earning.artistId,
      currency: earning.currency,
      cents: total,
      eids,
      paidAt,
    });
    return;
  }
  for (const share of shares) {
    const when = payoutTime(rng, share.event, anchor, 3, 30);
    const cents = unitsToCents(share.units);
    const art = share.arts[0] ?? null;
    plan.payments.push(
      automatedPayout(rng, earning.artistId, earning.currency, cents, share.event, art, when, anchor),
    );
  }
  plan.ready.add(earning.artistId);
}

/** Pre-launch shares: one reconciliation row per pair, recorded when the new system went live. */
function settleLegacy(rng: Rng, plan: PaymentPlan, earning: Earning, shares: EventEarning[]): void {
  const last = shares[shares.length - 1];
  if (!last) return;
  const when = at(plan.launch, rng.int(1, 20) * DAY + rng.int(9 * 60, 17 * 60) * MINUTE);
  const n = shares.length;
  const total = shares.reduce((sum, e) => sum + unitsToCents(e.units), 0);
  const note = `Legacy payout reconciliation: ${n} event${n === 1 ? "" : "s"} through ${last.event.eid}`;
  plan.payments.push({
    ...manualPayout(
      rng,
      earning.artistId,
      earning.currency,
      total,
      when,
      note,
      last.event,
      null,
      "legacy_reconciliation",
    ),
    reason: "adjustment",
  });
}

function settle(rng: Rng, plan: PaymentPlan, earning: Earning, shares: EventEarning[], anchor: Date): void {
  const legacy = shares.filter((s) => s.event.startsAt < plan.launch);
  const recent = shares.filter((s) => s.event.startsAt >= plan.launch);
  if (legacy.length > 0) settleLegacy(rng, plan, earning, legacy);
  if (recent.length > 0) settleRecent(rng, plan, earning, recent, anchor);
}

export function planPayments(ctx: SeedContext, index: WorldIndex, earnings: Earning[]): PaymentPlan {
  const rng = ctx.rng("commerce:payments");
  const launch = at(ctx.anchor, -LAUNCH_DAYS_BEFORE_ANCHOR * DAY);
  const scenario = planPaymentScenario(index, earnings, ctx.rng("commerce:payments:scenario"));
  const plan: PaymentPlan = {
    payments: [...scenario.payments],
    owed: [],
    owedArtists: new Set(),
    ready: new Set(scenario.ready),
    manualPath: new Set(scenario.manualPath),
    stripeConnect: new Set(scenario.stripeConnect),
    manualSettled: [],
    pendingRequests: [...scenario.pendingRequests],
    scenario,
    launch,
  };
  const artists = byArtist(earnings);
  const owedArtists = chooseOwedArtists(rng, artists, scenario, launch, ctx.anchor, ctx.count(176));
  let recentFailuresLeft = 2;
  for (const [artistId, pairs] of artists) {
    if (scenario.handled.has(artistId)) continue;
    if (scenario.earners.has(artistId)) {
      // Owed exactly the scenario show's earnings: everything else this artist earned was paid.
      for (const pair of pairs) {
        const forced = scenario.owedPairs.has(pair.key);
        if (forced) plan.owed.push(pair);
        const others = pair.events.filter((e) => !forced || !scenario.eventIds.has(e.event.id));
        settle(rng, plan, pair, others, ctx.anchor);
      }
      continue;
    }
    const owedHere = owedArtists.has(artistId);
    const recentPairs = pairs.filter((p) => p.latest >= launch);
    const newest = pairs.reduce((a, b) => (b.latest > a.latest ? b : a));
    for (const pair of pairs) {
      const keepOwed = owedHere && (recentPairs.length > 0 ? pair.latest >= launch : pair === newest);
      if (keepOwed) {
        plan.owed.push(pair);
        const before = plan.payments.length;
        decorateOwed(rng, plan, pair, ctx.anchor, recentFailuresLeft);
        if (plan.payments.length > before && plan.payments[before]?.status === "failed") recentFailuresLeft--;
      } else settle(rng, plan, pair, pair.events, ctx.anchor);
    }
  }
  plan.owedArtists = new Set(plan.owed.map((p) => p.artistId));
  if (recentFailuresLeft === 2) addRecentFailure(rng, plan, ctx.anchor);
  // Anyone with a payout in flight or settled through Stripe must have a ready recipient; the
  // manual-path scenario artist must not, so it stays in the manual queue.
  for (const id of plan.manualPath) plan.ready.delete(id);
  plan.payments.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.artistId.localeCompare(b.artistId),
  );
  return plan;
}

/** Sanity guard so a planner change cannot silently write a payment in the future. */
export function assertPaymentsBeforeAnchor(plan: PaymentPlan, anchor: Date): void {
  const late = plan.payments.find((p) => p.createdAt.getTime() > anchor.getTime() + HOUR);
  if (late) throw new Error(`artist payment planned after the anchor for artist ${late.artistId}`);
}
