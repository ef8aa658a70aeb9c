import { apportion, pickDistinct } from "../allocate.ts";
import type { Rng } from "../random.ts";
import type { ArtStatus } from "../world.ts";
import { roundStart } from "./competition.ts";
import type { EventRec } from "./events.ts";
import type { Quota } from "./quotas.ts";
import { type ArtRec, type BidRec, type Sim, touch } from "./state.ts";
import { calendar, DAY, HOUR, MINUTE } from "./time.ts";

/** Increment multiples: bidding wars climb by the minimum, short auctions jump more. */
const STEPS_CONTESTED: readonly (readonly [number, number])[] = [
  [1, 60],
  [2, 25],
  [3, 10],
  [5, 5],
];
const STEPS_QUIET: readonly (readonly [number, number])[] = [
  [1, 35],
  [2, 25],
  [3, 10],
  [4, 10],
  [5, 8],
  [10, 7],
  [20, 5],
];
const FIRST_STEPS: readonly (readonly [number, number])[] = [
  [0, 50],
  [1, 20],
  [2, 15],
  [4, 10],
  [10, 5],
];

function soldShare(sim: Sim, e: EventRec, rng: Rng): number {
  if (e.slot.scenario?.soldShare) return e.slot.scenario.soldShare;
  if (e.phase === "live") return 0.5;
  return e.startsAt < calendar(sim.ctx.anchor, "2024-01-01")
    ? 0.45 + rng.next() * 0.15
    : 0.25 + rng.next() * 0.2;
}

/** Bidders take turns (nobody outbids themselves); `first`/`last` pin who opens and who wins. */
function bidderSequence(
  rng: Rng,
  bidders: number[],
  count: number,
  first: number | null,
  last: number | null,
): number[] {
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i === 0 && first !== null) order.push(first);
    else if (i === count - 1 && last !== null) order.push(last);
    else {
      const previous = order[i - 1];
      const strict = bidders.filter((b) => b !== previous && !(i === count - 2 && b === last));
      const loose = bidders.filter((b) => b !== previous);
      order.push(rng.pick(strict.length > 0 ? strict : loose.length > 0 ? loose : bidders));
    }
  }
  return order;
}

/** Bids on one artwork: rising by ≥ the increment from ≥ the start bid, inside its auction window. */
function bidOn(
  sim: Sim,
  e: EventRec,
  art: ArtRec,
  count: number,
  pool: number[],
  forced: { person: number; wins: boolean } | null,
): BidRec[] {
  const rng = sim.rng.bids;
  const population = sim.people.people.length;
  const size = count === 1 ? 1 : Math.min(count, 2 + Math.floor(rng.next() * 4));
  const bidders = pickDistinct(rng, size, pool, population, 0.85);
  if (forced && !bidders.includes(forced.person)) bidders[0] = forced.person;
  if (count > 1 && bidders.length < 2)
    bidders.push(...pickDistinct(rng, 1, [], population, 0, new Set(bidders)));
  const opener = forced && !forced.wins && count > 1 ? forced.person : null;
  const winner = forced?.wins
    ? forced.person
    : opener !== null
      ? (bidders.find((b) => b !== opener) ?? null)
      : null;
  const order = bidderSequence(rng, bidders, count, opener, winner);
  const steps = count > 6 ? STEPS_CONTESTED : STEPS_QUIET;
  const from = roundStart(e, art.round).getTime() + 10 * MINUTE;
  let to = (art.closingTime?.getTime() ?? e.startsAt.getTime() + 170 * MINUTE) - MINUTE;
  if (e.phase === "live") to = Math.min(to, sim.ctx.anchor.getTime() - MINUTE);
  const times = Array.from(
    { length: count },
    () => from + Math.floor(rng.next() * Math.max(MINUTE, to - from)),
  );
  times.sort((a, b) => a - b);
  let amount = e.auctionStartBid + e.minBidIncrement * rng.weighted(FIRST_STEPS);
  const bids: BidRec[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) amount += e.minBidIncrement * rng.weighted(steps);
    const bid: BidRec = { art, person: order[i] as number, amount, at: times[i] as number };
    bids.push(bid);
    sim.bids.push(bid);
    touch(sim, bid.person, bid.at);
  }
  return bids;
}

/** A late bid inside the last five minutes extends the auction (check_and_extend_auction). */
function extendIfLate(art: ArtRec, last: BidRec): void {
  if (!art.closingTime) return;
  const close = art.closingTime.getTime();
  if (close - last.at <= 5 * MINUTE) {
    art.extensionCount = 1;
    art.closingTime = new Date(last.at + 5 * MINUTE);
  }
}

function settle(sim: Sim, e: EventRec, art: ArtRec, top: BidRec): void {
  const rng = sim.rng.bids;
  art.topBid = top;
  art.currentBid = String(top.amount);
  if (e.phase !== "past") return;
  const ageDays = (sim.ctx.anchor.getTime() - e.startsAt.getTime()) / DAY;
  const paid = e.slot.scenario?.allPaid || rng.chance(ageDays > 60 ? 0.97 : 0.7);
  art.status = paid ? "paid" : "sold";
  const winner = sim.people.people[top.person];
  art.winnerId = winner?.id ?? null;
  // Legacy: final_price is often left empty; the platform falls back to current_bid.
  art.finalPrice = rng.chance(0.45) ? null : String(top.amount);
  if (paid && winner) {
    const paidAt = Math.min(
      e.endsAt.getTime() + rng.int(30, 14_400) * MINUTE,
      sim.ctx.anchor.getTime() - HOUR,
    );
    art.paidAt = new Date(paidAt);
    winner.totalSpent += top.amount;
  }
}

const UNSOLD: readonly (readonly [ArtStatus, number])[] = [
  ["closed", 95],
  ["cancelled", 3],
  ["inactive", 2],
];

/**
 * The auction of one show: which artworks sell (popular ones more often), how many bids each
 * gets (exactly the show's quota), then statuses: past shows are paid/sold or closed, live and
 * upcoming shows stay active. bid_count is never touched, as in production.
 */
export function runAuction(sim: Sim, e: EventRec, q: Quota, art: ArtRec[], pool: number[]): void {
  if (e.phase === "upcoming" || art.length === 0) return;
  const rng = sim.rng.bids;
  const budget = e.city ? q.bids : 0;
  const count =
    budget > 0
      ? Math.min(art.length, budget, Math.max(1, Math.round(art.length * soldShare(sim, e, rng))))
      : 0;
  const named = new Set([sim.artists.named.lena.id, sim.artists.named.marco.id]);
  const mustSell = (a: ArtRec) =>
    (e.eid === "AB4001" || e.eid === "AB4002") && a.artistId !== null && named.has(a.artistId);
  const order = art
    .map((a) => ({ a, score: (mustSell(a) ? 1e6 : 0) + a.voteCount + rng.next() * (a.voteCount * 0.3 + 3) }))
    .sort((x, y) => y.score - x.score || x.a.index - y.a.index)
    .map((x) => x.a);
  const sold = order.slice(0, count);
  const extra = apportion(
    budget - count,
    sold.map(() => 0.3 + rng.next()),
  );
  const jordan = sim.people.named.jordan.index;
  sold.forEach((a, i) => {
    const forced = e.eid === "AB4002" && i < 2 ? { person: jordan, wins: i === 0 } : null;
    const bids = bidOn(sim, e, a, 1 + (extra[i] ?? 0), pool, forced);
    const top = bids[bids.length - 1] as BidRec;
    if (e.phase === "past") extendIfLate(a, top);
    settle(sim, e, a, top);
  });
  if (e.phase !== "past") return;
  for (const a of order.slice(count)) a.status = rng.weighted(UNSOLD);
}
