import type { ArtistRec } from "./artists.ts";
import type { EventRec } from "./events.ts";
import type { Quota } from "./quotas.ts";
import { type ArtRec, type ContestantRec, newArt, type RoundRec, type Sim } from "./state.ts";
import { at, calendar, DAY, HOUR, MINUTE } from "./time.ts";

/** Artists an event's pipeline touches, in the roles they end up with. */
export interface Lineup {
  /** Round 1 painters, then round 2 painters, then staged alternates without an easel. */
  painters: ArtistRec[];
  /** Confirmed artists who did not paint (the last `withdrawn` of them withdrew). */
  spares: ArtistRec[];
  /** Invited but never confirmed. */
  refused: ArtistRec[];
  /** Applied without being invited. */
  applicants: ArtistRec[];
}

/** Round r starts 30 minutes after doors and runs 45 minutes. */
export function roundStart(e: EventRec, round: number): Date {
  return at(e.startsAt, 30 * MINUTE + (round - 1) * 45 * MINUTE);
}

export function roundEnd(e: EventRec, round: number): Date {
  return at(roundStart(e, round), 45 * MINUTE);
}

/** Per-artwork auction close: staggered by round after the final, or 20–40 min after "now" live. */
export function artClosing(sim: Sim, e: EventRec, round: number): Date | null {
  if (e.phase === "upcoming" || !e.closingEra) return null;
  if (e.phase === "live") return at(sim.ctx.anchor, (10 + round * 10) * MINUTE);
  return at(e.startsAt, 165 * MINUTE + (round - 1) * 5 * MINUTE);
}

/** Number of entries of an oldest-first list created at or before `cutoff`. */
function eligible(list: readonly ArtistRec[], cutoff: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as ArtistRec).createdAt.getTime() <= cutoff) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Distinct artists for a show, mostly local and mostly long-standing (the front of each list),
 * only among profiles that existed three months before it. Forced (scenario) artists come first.
 */
function chooseArtists(sim: Sim, e: EventRec, count: number, forced: readonly ArtistRec[]): ArtistRec[] {
  const rng = sim.rng.artists;
  const cutoff = e.startsAt.getTime() - 95 * DAY;
  const local = e.city ? (sim.artists.activeByCity.get(e.city.id) ?? []) : [];
  const all = sim.artists.active;
  const localCount = eligible(local, cutoff);
  const allCount = eligible(all, cutoff);
  const chosen = new Set<string>();
  const out: ArtistRec[] = [];
  const take = (a: ArtistRec | undefined) => {
    if (!a || chosen.has(a.id) || out.length >= count) return;
    chosen.add(a.id);
    out.push(a);
  };
  for (const a of forced) take(a);
  let attempts = count * 15;
  while (out.length < count && attempts-- > 0) {
    if (localCount > 0 && rng.next() < 0.8) take(local[Math.floor(localCount * rng.next() ** 1.3)]);
    else if (allCount > 0) take(all[Math.floor(allCount * rng.next())]);
  }
  for (let i = 0; out.length < count && i < allCount; i++) take(all[i]);
  return out;
}

const NAMED_LINEUPS: Record<string, readonly ("lena" | "marco" | "priya")[]> = {
  AB4001: ["lena", "marco"],
  AB4002: ["marco", "lena"],
  AB4120: ["priya"],
};

export function chooseLineup(sim: Sim, e: EventRec, q: Quota): Lineup {
  const painters = q.layout.r1 + q.layout.r2 + q.staging;
  const spares = q.confirmations - painters;
  const refused = q.invitations - q.confirmations;
  const applicants = Math.round(q.applications * 0.45);
  const forced = (NAMED_LINEUPS[e.eid] ?? []).map((k) => sim.artists.named[k]);
  const pool = chooseArtists(sim, e, painters + spares + refused + applicants, forced);
  let i = 0;
  const next = (n: number) => {
    const part = pool.slice(i, i + n);
    i += n;
    return part;
  };
  return {
    painters: next(painters),
    spares: next(spares),
    refused: next(refused),
    applicants: next(applicants),
  };
}

function newRound(sim: Sim, e: EventRec, number: number): RoundRec {
  const played = e.phase !== "upcoming";
  const end = roundEnd(e, number);
  const round: RoundRec = {
    id: sim.rng.art.uuid(),
    event: e,
    number,
    isFinished: played && end.getTime() <= sim.ctx.anchor.getTime(),
    closingTime: played && e.closingEra ? end : null,
  };
  sim.rounds.push(round);
  return round;
}

/** Legacy shows (before 2024) still have round_contestants.art_id filled; newer ones do not. */
function linksArt(sim: Sim, e: EventRec): boolean {
  return e.startsAt < calendar(sim.ctx.anchor, "2024-01-01");
}

function addContestant(
  sim: Sim,
  round: RoundRec,
  artist: ArtistRec,
  art: ArtRec | null,
  easel: number | null,
): ContestantRec {
  const e = round.event;
  const c: ContestantRec = {
    id: sim.rng.art.uuid(),
    round,
    artist,
    art: art && linksArt(sim, e) ? art : null,
    easel,
    isWinner: false,
    createdAt: at(e.startsAt, -sim.rng.art.int(1, 10) * DAY - sim.rng.art.int(0, 23) * HOUR),
  };
  sim.contestants.push(c);
  return c;
}

export interface Placement {
  rounds: RoundRec[];
  /** Artworks of rounds 1, 2 and 3 (round 3 filled by placeFinalists). */
  byRound: [ArtRec[], ArtRec[], ArtRec[]];
  contestants: Map<ArtRec, ContestantRec>;
}

/** Three rounds per show; easels of rounds 1–2 get their painters and an artwork each. */
export function placeRounds(sim: Sim, e: EventRec, q: Quota, lineup: Lineup): Placement {
  const rounds = [1, 2, 3].map((n) => newRound(sim, e, n));
  const placement: Placement = { rounds, byRound: [[], [], []], contestants: new Map() };
  const sizes = [q.layout.r1, q.layout.r2];
  let k = 0;
  for (let r = 0; r < 2; r++) {
    for (let easel = 1; easel <= (sizes[r] ?? 0); easel++) {
      const artist = lineup.painters[k++] ?? null;
      const art = newArt(sim, e, r + 1, easel, artist, at(e.startsAt, -sim.rng.art.int(1, 9) * DAY));
      art.closingTime = artClosing(sim, e, r + 1);
      placement.byRound[r]?.push(art);
      if (artist)
        placement.contestants.set(art, addContestant(sim, rounds[r] as RoundRec, artist, art, easel));
    }
  }
  // Staged alternates: confirmed and listed in a round, but without an easel (and so no artwork).
  for (const artist of lineup.painters.slice(k)) {
    addContestant(sim, rounds[sim.rng.art.int(0, 1)] as RoundRec, artist, null, null);
  }
  return placement;
}

/** The final: round 1 and 2 winners paint again; `winners` are in finishing order. */
export function placeFinalists(sim: Sim, e: EventRec, placement: Placement, winners: ArtRec[]): ArtRec[] {
  const final = placement.rounds[2] as RoundRec;
  winners.forEach((w, i) => {
    const contestant = placement.contestants.get(w);
    if (contestant) contestant.isWinner = true;
    const art = newArt(sim, e, 3, i + 1, w.artist, w.createdAt);
    art.closingTime = artClosing(sim, e, 3);
    placement.byRound[2].push(art);
    if (w.artist) placement.contestants.set(art, addContestant(sim, final, w.artist, art, i + 1));
  });
  return placement.byRound[2];
}

/** Mark the winners of the last round played (a tie now and then). */
export function crownWinners(sim: Sim, placement: Placement, ranked: ArtRec[]): void {
  const count = ranked.length > 1 && sim.rng.art.chance(0.05) ? 2 : 1;
  for (const art of ranked.slice(0, count)) {
    const contestant = placement.contestants.get(art);
    if (contestant) contestant.isWinner = true;
  }
}
