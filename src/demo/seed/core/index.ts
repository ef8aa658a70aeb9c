import type { CoreWorld, SeedContext, SeedDomain, WorldBid } from "../world.ts";
import { buildArtists } from "./artists.ts";
import { buildEvents } from "./events.ts";
import { finalizePeople } from "./identities.ts";
import { buildPeople } from "./people.ts";
import { planQuotas } from "./quotas.ts";
import { buildReference, writeReference } from "./reference.ts";
import { simulate } from "./simulate.ts";
import type { Sim } from "./state.ts";
import { planTimeline } from "./timeline.ts";
import { writeCompetition } from "./write-competition.ts";
import { writeEvents } from "./write-events.ts";
import { writeIdentities } from "./write-identities.ts";
import { writeOperations } from "./write-operations.ts";
import { writePipeline } from "./write-pipeline.ts";

/** The top bid of every artwork that has bids (winner and amount), for buyer-side consumers. */
function topBids(sim: Sim): WorldBid[] {
  const bids: WorldBid[] = [];
  for (const a of sim.art) {
    const top = a.topBid;
    const person = top ? sim.people.people[top.person] : undefined;
    if (top && person)
      bids.push({
        artId: a.id,
        personId: person.id,
        amount: String(top.amount),
        createdAt: new Date(top.at),
      });
  }
  return bids;
}

/** Keep the artist-number sequence ahead of the seeded numbers, as production's would be. */
async function syncEntrySequence(ctx: SeedContext): Promise<void> {
  await ctx.sql`
    select setval('artist_entry_id_seq', greatest(310000, coalesce(max(entry_id), 0) + 1), false)
    from artist_profiles where entry_id >= 310000`;
}

/**
 * Core Art Battle demo data: geography, people and artist profiles, events with rounds,
 * contestants, artworks, votes and bids, QR check-ins, the artist pipeline, live-cache versions
 * and vote-weight refresh logs. Everything is planned in memory from named random streams and the
 * anchor, then written with COPY in foreign-key order.
 */
export const seedCore: SeedDomain<void, CoreWorld> = async (ctx) => {
  const ref = buildReference(ctx);
  const people = buildPeople(ctx, ref);
  const artists = buildArtists(ctx, ref, people);
  const events = buildEvents(ctx, ref, planTimeline(ctx, ref));
  const quotas = planQuotas(ctx, events);
  const sim = simulate(ctx, ref, people, artists, events, quotas);
  finalizePeople(ctx, people);

  await writeReference(ctx, ref);
  await writeIdentities(ctx, ref, people, artists);
  await writeEvents(ctx, events);
  await writeCompetition(ctx, sim);
  await writePipeline(ctx, sim);
  await writeOperations(ctx, sim);
  await syncEntrySequence(ctx);
  // The view cast_vote_secure reads; production refreshes it daily.
  await ctx.sql`refresh materialized view person_vote_weights`;

  return {
    countries: ref.countries,
    cities: ref.cities,
    venues: ref.venues,
    people: people.people,
    artists: artists.artists,
    events,
    art: sim.art,
    bids: topBids(sim),
    contestantsByEvent: sim.contestantsByEvent,
    confirmedByEvent: sim.confirmedByEvent,
  };
};
