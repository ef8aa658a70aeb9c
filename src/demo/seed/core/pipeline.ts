import type { Rng } from "../random.ts";
import type { ArtistRec } from "./artists.ts";
import type { Lineup } from "./competition.ts";
import type { EventRec } from "./events.ts";
import type { Quota } from "./quotas.ts";
import type { PipelineRec, Sim } from "./state.ts";
import { DAY, HOUR, milestone } from "./time.ts";

const REFUSED_PAST: readonly (readonly [string, number])[] = [
  // The Oct 2025 enum migration left many stale historical rows 'pending'.
  ["pending", 45],
  ["expired", 30],
  ["declined", 17],
  ["withdrawn", 8],
];
const REFUSED_UPCOMING: readonly (readonly [string, number])[] = [
  ["pending", 80],
  ["declined", 14],
  ["withdrawn", 6],
];

interface Clock {
  rng: Rng;
  start: number;
  /** Nothing is dated after this: a minute before the anchor. */
  latest: number;
}

function before(c: Clock, minDays: number, maxDays: number): Date {
  const t = c.start - minDays * DAY - Math.floor(c.rng.next() * (maxDays - minDays) * DAY);
  return new Date(Math.min(t, c.latest - c.rng.int(1, 120) * HOUR));
}

function after(c: Clock, from: Date, minHours: number, maxHours: number): Date {
  return new Date(Math.min(from.getTime() + c.rng.int(minHours, maxHours) * HOUR, c.latest));
}

/**
 * Invitations, confirmations and applications of one show. Painters and spares are confirmed
 * (accepted invitations, the last `withdrawn` spares withdrew); refused invitations are pending,
 * expired, declined or withdrawn; about 45% of applicants were never invited.
 */
export function buildPipeline(sim: Sim, e: EventRec, q: Quota, lineup: Lineup): void {
  const rng = sim.rng.pipeline;
  const clock: Clock = { rng, start: e.startsAt.getTime(), latest: sim.ctx.anchor.getTime() - 60_000 };
  const breakage = e.startsAt < milestone(sim.ctx.anchor, "entrySequence");
  const add = (
    kind: PipelineRec["kind"],
    artist: ArtistRec,
    status: string,
    createdAt: Date,
    decidedAt: Date | null,
  ) =>
    sim.pipeline.push({
      kind,
      event: e,
      artist,
      status,
      createdAt,
      decidedAt,
      // About 12% of historical links could not be repaired after the Aug 2025 id breakage.
      brokenLink: kind !== "application" && breakage && rng.chance(0.12),
    });

  const confirmed = [...lineup.painters, ...lineup.spares];
  const withdrawnFrom = confirmed.length - q.withdrawn;
  const stillConfirmed: string[] = [];
  const staleBefore = milestone(sim.ctx.anchor, "invitationEnum");
  confirmed.forEach((artist, i) => {
    const invited = before(clock, 20, 75);
    const accepted = after(clock, invited, 2, 240);
    // Pre-enum rows without accepted_at were migrated to 'pending'.
    const stale = e.startsAt < staleBefore && rng.chance(0.04);
    add("invitation", artist, stale ? "pending" : "accepted", invited, stale ? null : accepted);
    const withdrew = i >= withdrawnFrom;
    add(
      "confirmation",
      artist,
      withdrew ? "withdrawn" : "confirmed",
      accepted,
      withdrew ? after(clock, accepted, 24, 480) : null,
    );
    if (!withdrew) stillConfirmed.push(artist.id);
  });
  const refusals = e.phase === "upcoming" ? REFUSED_UPCOMING : REFUSED_PAST;
  for (const artist of lineup.refused) {
    const invited = before(clock, 15, 75);
    const status = rng.weighted(refusals);
    add("invitation", artist, status, invited, null);
  }

  const confirmedIds = new Set(stillConfirmed);
  const invited = [...confirmed, ...lineup.refused];
  const fromInvited = rng.sample(invited, Math.max(0, q.applications - lineup.applicants.length));
  for (const artist of [...fromInvited, ...lineup.applicants]) {
    const status = confirmedIds.has(artist.id)
      ? rng.chance(0.65)
        ? "accepted"
        : "pending"
      : e.phase === "upcoming"
        ? rng.weighted([
            ["pending", 85],
            ["rejected", 10],
            ["withdrawn", 5],
          ])
        : rng.weighted([
            ["pending", 75],
            ["rejected", 15],
            ["withdrawn", 10],
          ]);
    add("application", artist, status, before(clock, 25, 90), null);
  }
  sim.confirmedByEvent.set(e.id, stillConfirmed);
}
