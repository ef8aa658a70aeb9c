import type { SeedContext } from "../world.ts";
import type { ArtistBook } from "./artists.ts";
import { attendeePool, scanAttendance } from "./attendance.ts";
import { runAuction } from "./auction.ts";
import { chooseLineup, placeRounds } from "./competition.ts";
import type { EventRec } from "./events.ts";
import type { PeopleBook } from "./people.ts";
import { buildPipeline } from "./pipeline.ts";
import type { Quota } from "./quotas.ts";
import type { Reference } from "./reference.ts";
import type { Sim } from "./state.ts";
import { runVoting } from "./voting.ts";

function roundsPlayed(e: EventRec, q: Quota): number {
  if (e.phase === "upcoming") return 0;
  if (e.phase === "live") return 3;
  return q.layout.r3 > 0 ? 3 : q.layout.r2 > 0 ? 2 : q.layout.r1 > 0 ? 1 : 0;
}

/**
 * Play every show in date order: line-up, rounds and artworks, check-ins, votes, the auction and
 * the artist pipeline. Shows run in order so each vote's weight can use the voter's history.
 */
export function simulate(
  ctx: SeedContext,
  ref: Reference,
  people: PeopleBook,
  artists: ArtistBook,
  events: EventRec[],
  quotas: Quota[],
): Sim {
  const sim: Sim = {
    ctx,
    ref,
    people,
    artists,
    events,
    quotas,
    rng: {
      artists: ctx.rng("core:sim:artists"),
      art: ctx.rng("core:sim:art"),
      votes: ctx.rng("core:sim:votes"),
      bids: ctx.rng("core:sim:bids"),
      scans: ctx.rng("core:sim:scans"),
      pipeline: ctx.rng("core:sim:pipeline"),
    },
    votesBefore: new Int32Array(people.people.length),
    bidsBefore: new Float64Array(people.people.length),
    rounds: [],
    art: [],
    contestants: [],
    votes: [],
    bids: [],
    scans: [],
    qrCodes: [],
    pipeline: [],
    contestantsByEvent: new Map(),
    confirmedByEvent: new Map(),
  };
  for (const e of events) {
    const q = quotas[e.index] as Quota;
    const lineup = chooseLineup(sim, e, q);
    const placement = placeRounds(sim, e, q, lineup);
    const firstVote = sim.votes.length;
    const firstBid = sim.bids.length;
    if (e.phase !== "upcoming") {
      const pool = attendeePool(sim, e, q);
      const scanned = scanAttendance(sim, e, pool);
      runVoting(sim, e, q, placement, pool, scanned);
      runAuction(sim, e, q, placement.byRound.flat(), pool);
    }
    e.currentRound = roundsPlayed(e, q);
    buildPipeline(sim, e, q, lineup);
    const painters = [...new Set(lineup.painters.map((a) => a.id))];
    sim.contestantsByEvent.set(e.id, painters);
    // History used by later shows' vote weights: counted after the show, so weights are "as of" it.
    for (let i = firstVote; i < sim.votes.length; i++) {
      const v = sim.votes[i];
      if (v) sim.votesBefore[v.person] = (sim.votesBefore[v.person] ?? 0) + 1;
    }
    for (let i = firstBid; i < sim.bids.length; i++) {
      const b = sim.bids[i];
      if (b) sim.bidsBefore[b.person] = (sim.bidsBefore[b.person] ?? 0) + b.amount;
    }
  }
  return sim;
}
