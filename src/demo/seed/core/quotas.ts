import { apportion } from "../allocate.ts";
import type { Rng } from "../random.ts";
import type { SeedContext } from "../world.ts";
import type { EventRec } from "./events.ts";
import { calendar, DAY } from "./time.ts";

/** Easels per round; finalists (round 3) are the winners of rounds 1 and 2 painting again. */
export interface Layout {
  r1: number;
  r2: number;
  r3: number;
  /** Finalists taken from round 1 and round 2. */
  w1: number;
  w2: number;
}

/** Per-event row budgets. Totals are split with `apportion`, so scale 1 lands on production. */
export interface Quota {
  layout: Layout;
  staging: number;
  votes: number;
  bids: number;
  confirmations: number;
  withdrawn: number;
  invitations: number;
  applications: number;
}

export function hasArt(e: EventRec, anchor: Date): boolean {
  if (e.phase !== "upcoming") return true;
  return e.startsAt.getTime() - anchor.getTime() <= 10 * DAY;
}

export function layoutFor(n: number, upcoming: boolean): Layout {
  if (n <= 0) return { r1: 0, r2: 0, r3: 0, w1: 0, w2: 0 };
  if (upcoming) return { r1: Math.ceil(n / 2), r2: Math.floor(n / 2), r3: 0, w1: 0, w2: 0 };
  if (n < 7) return { r1: n, r2: 0, r3: 0, w1: 0, w2: 0 };
  const finalists = Math.min(8, Math.max(2, Math.round(n * 0.25)));
  const rest = n - finalists;
  const r1 = Math.ceil(rest / 2);
  const w1 = Math.ceil(finalists / 2);
  return { r1, r2: rest - r1, r3: finalists, w1, w2: finalists - w1 };
}

/** Distinct painters at a show: rounds 1–2 plus staged alternates (finalists paint twice). */
export function distinctArtists(q: Quota): number {
  return q.layout.r1 + q.layout.r2 + q.staging;
}

function weights(
  events: readonly EventRec[],
  rng: Rng,
  weigh: (e: EventRec) => number,
  spread: number,
): number[] {
  return events.map((e) => {
    const w = weigh(e);
    return w > 0 ? w * (1 - spread + rng.next() * 2 * spread) : 0;
  });
}

export function planQuotas(ctx: SeedContext, events: readonly EventRec[]): Quota[] {
  const rng = ctx.rng("core:quotas");
  const anchor = ctx.anchor;
  const y2021 = calendar(anchor, "2021-01-01");
  const y2024 = calendar(anchor, "2024-01-01");
  const y2025 = calendar(anchor, "2025-01-01");
  const mid2025 = calendar(anchor, "2025-06-01");
  const withArt = (e: EventRec) => hasArt(e, anchor);
  const played = (e: EventRec) => e.phase !== "upcoming";

  const art = apportion(
    ctx.count(14_289),
    weights(events, rng, (e) => (!withArt(e) ? 0 : e.phase === "upcoming" ? 0.65 : e.city ? 1 : 0.85), 0.2),
  );
  const layouts = events.map((e, i) => layoutFor(art[i] ?? 0, e.phase === "upcoming"));
  const placed = layouts.reduce((s, l) => s + l.r1 + l.r2 + l.r3, 0);
  const staging = apportion(
    Math.max(0, ctx.count(17_132) - placed),
    weights(events, rng, (e) => (played(e) && withArt(e) ? 1 : 0), 0.5),
  );
  const votes = apportion(
    ctx.count(305_852),
    weights(
      events,
      rng,
      (e, l = layouts[e.index] as Layout) =>
        !played(e) || l.r1 === 0
          ? 0
          : (e.startsAt < y2021 ? 1.1 : e.startsAt < y2025 ? 1 : 0.8) *
            (e.city ? 1 : 0.7) *
            (e.phase === "live" ? 0.75 : 1),
      0.25,
    ),
  );
  // Bidding was busier before 2024; recent shows sell a few pieces with a handful of bids.
  const bids = apportion(
    ctx.count(87_207),
    weights(
      events,
      rng,
      (e) =>
        !played(e) || !e.city || (layouts[e.index]?.r1 ?? 0) === 0
          ? 0
          : e.scenario
            ? 1
            : e.phase === "live"
              ? 0.5
              : e.startsAt < y2024
                ? 1.3
                : e.startsAt < mid2025
                  ? 0.6
                  : 0.2,
      0.4,
    ),
  );

  const quotas: Quota[] = events.map((_, i) => ({
    layout: layouts[i] as Layout,
    staging: staging[i] ?? 0,
    votes: votes[i] ?? 0,
    bids: bids[i] ?? 0,
    confirmations: 0,
    withdrawn: 0,
    invitations: 0,
    applications: 0,
  }));
  planPipeline(ctx, rng, events, quotas);
  return quotas;
}

/** Confirmations cover every painter plus spares; invitations cover confirmations plus refusals. */
function planPipeline(ctx: SeedContext, rng: Rng, events: readonly EventRec[], quotas: Quota[]): void {
  const anchor = ctx.anchor.getTime();
  const y2022 = calendar(ctx.anchor, "2022-01-01");
  const base = quotas.map(distinctArtists);
  const baseTotal = base.reduce((a, b) => a + b, 0);
  const confirmWeight = (e: EventRec) =>
    e.phase === "upcoming" ? (e.startsAt.getTime() - anchor <= 14 * DAY ? 0.9 : 0.45) : e.city ? 1 : 0.5;
  const extra = apportion(
    Math.max(0, ctx.count(18_973) - baseTotal),
    weights(events, rng, confirmWeight, 0.4),
  );
  quotas.forEach((q, i) => {
    q.confirmations = (base[i] ?? 0) + (extra[i] ?? 0);
    q.withdrawn = Math.min(extra[i] ?? 0, Math.round(q.confirmations * (0.04 + rng.next() * 0.06)));
  });
  const confirmed = quotas.reduce((s, q) => s + q.confirmations, 0);
  const refused = apportion(
    Math.max(0, ctx.count(26_771) - confirmed),
    weights(events, rng, (e) => (e.phase === "upcoming" ? 1.4 : 1), 0.4),
  );
  const applied = apportion(
    ctx.count(24_116),
    weights(events, rng, (e) => (e.startsAt < y2022 ? 0.6 : 1.1), 0.4),
  );
  quotas.forEach((q, i) => {
    q.invitations = q.confirmations + (refused[i] ?? 0);
    q.applications = applied[i] ?? 0;
  });
}
