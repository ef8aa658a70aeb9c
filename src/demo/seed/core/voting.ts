import { apportion } from "../allocate.ts";
import type { Rng } from "../random.ts";
import { crownWinners, type Placement, placeFinalists, roundEnd, roundStart } from "./competition.ts";
import type { EventRec } from "./events.ts";
import type { Quota } from "./quotas.ts";
import { type ArtRec, type Sim, touch, type VoteRec } from "./state.ts";
import { calendar, MINUTE } from "./time.ts";

/** Legacy vote factors (before the Aug 2025 weighting), in hundredths: mostly 1.0, spanning 0.2–10. */
const LEGACY_FACTORS: readonly (readonly [number, number])[] = [
  [100, 78],
  [20, 3],
  [50, 4],
  [150, 4],
  [200, 5],
  [250, 2],
  [500, 2],
  [1000, 2],
];

/** Votes per round; the live show's final is only partly voted. */
export function voteSplit(e: EventRec, q: Quota): number[] {
  const finalShare = e.phase === "live" ? 0.15 : 0.3;
  return apportion(q.votes, [
    q.layout.r1 > 0 ? 0.36 : 0,
    q.layout.r2 > 0 ? 0.34 : 0,
    q.layout.r3 > 0 ? finalShare : 0,
  ]);
}

/**
 * The weight cast_vote_secure would snapshot (§4.2), in hundredths: 1.0 base, +1.0 artist,
 * +0.1 per earlier vote (max 3.0), +0.001 per unit ever bid (max 2.0), +1.0 with a valid QR scan.
 */
function currentFactor(sim: Sim, person: number, scanned: boolean): number {
  const artist = sim.people.people[person]?.isArtist ? 100 : 0;
  const history = Math.min(300, (sim.votesBefore[person] ?? 0) * 10);
  const bids = Math.min(200, Math.round((sim.bidsBefore[person] ?? 0) / 10));
  return 100 + artist + history + bids + (scanned ? 100 : 0);
}

function pickByWeight(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let roll = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    roll -= weights[i] ?? 0;
    if (roll < 0) return i;
  }
  return weights.length - 1;
}

interface RoundVoting {
  e: EventRec;
  pool: number[];
  scanned: Set<number>;
  legacyBefore: number;
}

/** One vote per voter in the round, for one of its artworks (some artworks are crowd favourites). */
function voteRound(sim: Sim, v: RoundVoting, round: number, art: ArtRec[], count: number): void {
  if (art.length === 0 || count === 0) return;
  const rng = sim.rng.votes;
  const popularity = art.map(() => 0.25 + rng.next() ** 2 * 3);
  const voters = rng.sample(v.pool, count);
  if (v.e.eid === "AB4002") {
    const jordan = sim.people.named.jordan.index;
    if (!voters.includes(jordan)) voters[0] = jordan;
  }
  let from = roundStart(v.e, round).getTime() + 15 * MINUTE;
  let to = roundEnd(v.e, round).getTime() + 5 * MINUTE;
  if (v.e.phase === "live") {
    to = Math.min(to, sim.ctx.anchor.getTime() - MINUTE);
    from = Math.min(from, to - 10 * MINUTE);
  }
  const weighted = v.e.weightsEra;
  const legacyEra = v.e.startsAt.getTime() < v.legacyBefore;
  for (const person of voters) {
    const target = art[pickByWeight(rng, popularity)] as ArtRec;
    const t = from + Math.floor(rng.next() * (to - from));
    const vote: VoteRec = {
      art: target,
      person,
      factor: weighted ? currentFactor(sim, person, v.scanned.has(person)) : rng.weighted(LEGACY_FACTORS),
      at: t,
      noUuid: legacyEra && rng.chance(0.04),
    };
    target.voteCount++;
    sim.votes.push(vote);
    touch(sim, person, t);
  }
}

/** Most votes first; easel breaks ties. */
function ranked(art: ArtRec[]): ArtRec[] {
  return art.slice().sort((a, b) => b.voteCount - a.voteCount || a.easel - b.easel);
}

/**
 * Rounds 1 and 2 are voted, their top artworks' painters go to the final, the final is voted and
 * its winner crowned (not yet at the live show, whose final is still running).
 */
export function runVoting(
  sim: Sim,
  e: EventRec,
  q: Quota,
  placement: Placement,
  pool: number[],
  scanned: Set<number>,
): void {
  if (e.phase === "upcoming") return;
  const split = voteSplit(e, q);
  const v: RoundVoting = { e, pool, scanned, legacyBefore: calendar(sim.ctx.anchor, "2020-03-15").getTime() };
  const [r1, r2] = placement.byRound;
  voteRound(sim, v, 1, r1, split[0] ?? 0);
  voteRound(sim, v, 2, r2, split[1] ?? 0);
  if (q.layout.r3 > 0) {
    const winners = [...ranked(r1).slice(0, q.layout.w1), ...ranked(r2).slice(0, q.layout.w2)];
    const final = placeFinalists(sim, e, placement, winners);
    voteRound(sim, v, 3, final, split[2] ?? 0);
    if (e.phase === "past") crownWinners(sim, placement, ranked(final));
  } else if (e.phase === "past") {
    crownWinners(sim, placement, ranked(r1));
  }
}
