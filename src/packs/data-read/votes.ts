import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, eventByEid, iso, ROLES_OPS_EP_VIEWER, truncationNote } from "./shared.ts";

const input = z.strictObject({
  eid: eid(),
  round: z.number().int().min(1).max(20).optional().describe("Only this round (1, 2, 3, …)"),
});

/** How a vote is weighted; quoted in results. */
export const VOTE_WEIGHT_RULE =
  "Each vote counts with votes.vote_factor, the weight recorded when it was cast (1.0 base, more for regulars, " +
  "artists and QR-scanned attendees). Votes with no recorded factor use the voter's current weight from " +
  "person_vote_weights, and 1.0 if they have none. The legacy vote_weights table is not used (it is empty).";

export interface RoundVotes {
  round: number;
  is_finished: boolean | null;
  closing_time: string | null;
  votes: number;
  voters: number;
  weighted_total: string;
}

export interface ArtworkVotes {
  round: number | null;
  easel: number | null;
  art_code: string;
  artist: string | null;
  votes: number;
  weighted_total: string;
  /** 1 = leading its round by weighted total. */
  rank_in_round: number;
}

export interface VoteDataResult {
  eid: string;
  name: string;
  round_filter: number | null;
  totals: { votes: number; voters: number; weighted_total: string };
  rounds: RoundVotes[];
  artworks: ArtworkVotes[];
  truncated: boolean;
  weighting: {
    rule: string;
    votes_with_recorded_factor: number;
    votes_weighted_from_person_vote_weights: number;
    votes_counted_as_1: number;
    person_vote_weights_refreshed_at: string | null;
  };
}

/** Votes of one event (optionally one round), with each vote's weight and its artwork. */
/**
 * Every vote of an event (optionally one round) with the weight it counts with and where that weight
 * came from (VOTE_WEIGHT_RULE): the one definition of vote weighting, also used by get_vote_weights.
 * Votes without art_uuid are matched to the artwork at their round and easel (one, never several).
 */
export function weightedVotes(sql: Sql, eventId: string, round: number | undefined) {
  return sql`
    select v.id, v.event_id, v.round, v.easel, v.person_id,
           coalesce(v.art_uuid, (select a2.id from art a2
             where a2.event_id = v.event_id and a2.round = v.round and a2.easel = v.easel limit 1)) as art_id,
           -- The text code "<EID>-<round>-<easel>" the vote was cast for.
           v.art_id as vote_art_code,
           coalesce(v.vote_factor, w.total_weight, 1.0) as weight,
           case when v.vote_factor is not null then 'recorded'
                when w.total_weight is not null then 'cache' else 'default' end as source,
           w.total_weight as current_weight, coalesce(v."timestamp", v.created_at) as voted_at
    from votes v
    left join person_vote_weights w on w.person_id = v.person_id
    where v.event_id = ${eventId} ${round === undefined ? sql`` : sql`and v.round = ${round}`}`;
}

interface TotalsRow {
  votes: number;
  voters: number;
  weighted_total: string;
  recorded: number;
  cache: number;
  defaulted: number;
}

export const getVoteData = defineTool({
  name: "get_vote_data",
  domain: "data-read",
  title: "Votes for an event",
  description:
    "Audience voting for one event (optionally one round): totals (votes, distinct voters, weighted total), " +
    "per round (finished or not, closing time, votes, voters, weighted total) and every artwork ranked within " +
    "its round by weighted votes, with its artist. Weights come from votes.vote_factor (the weight at vote time), " +
    "falling back to person_vote_weights; counts are exact (no sampling or cap). Use it for 'who is winning " +
    "round 2?' or 'how many people voted?'. It does not list individual voters; for vote weighting rules per " +
    "person use get_vote_weights.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<VoteDataResult> {
    const event = await eventByEid(sql, args.eid);
    const votes = weightedVotes(sql, event.id, args.round);
    const [totals] = await sql<TotalsRow[]>`
      with wv as (${votes})
      select count(*)::int as votes, count(distinct person_id)::int as voters,
             round(coalesce(sum(weight), 0), 2)::text as weighted_total,
             count(*) filter (where source = 'recorded')::int as recorded,
             count(*) filter (where source = 'cache')::int as cache,
             count(*) filter (where source = 'default')::int as defaulted
      from wv`;
    const rounds = await sql<(Omit<RoundVotes, "closing_time"> & { closing_time: Date | null })[]>`
      with wv as (${votes}),
      per_round as (
        select round, count(*)::int as votes, count(distinct person_id)::int as voters,
               round(sum(weight), 2)::text as weighted_total
        from wv group by round)
      select coalesce(r.round_number, p.round) as round, r.is_finished, r.closing_time,
             coalesce(p.votes, 0) as votes, coalesce(p.voters, 0) as voters,
             coalesce(p.weighted_total, '0.00') as weighted_total
      from (select * from rounds where event_id = ${event.id}
              ${args.round === undefined ? sql`` : sql`and round_number = ${args.round}`}) r
      full join per_round p on p.round = r.round_number
      order by 1`;
    const artworks = await sql<ArtworkVotes[]>`
      with wv as (${votes})
      select a.round, a.easel, a.art_code, ap.name as artist, count(wv.art_id)::int as votes,
             round(coalesce(sum(wv.weight), 0), 2)::text as weighted_total,
             rank() over (partition by a.round order by coalesce(sum(wv.weight), 0) desc)::int as rank_in_round
      from art a
      left join wv on wv.art_id = a.id
      left join artist_profiles ap on ap.id = a.artist_id
      where a.event_id = ${event.id} ${args.round === undefined ? sql`` : sql`and a.round = ${args.round}`}
      group by a.id, ap.name
      order by a.round, rank_in_round, a.easel
      limit ${rowCap + 1}`;
    const [refreshed] = await sql<{ at: Date | null }[]>`
      select last_calculated as at from person_vote_weights limit 1`;
    const cut = capped(artworks, rowCap);
    const t = totals ?? { votes: 0, voters: 0, weighted_total: "0.00", recorded: 0, cache: 0, defaulted: 0 };
    return {
      eid: event.eid,
      name: event.name,
      round_filter: args.round ?? null,
      totals: { votes: t.votes, voters: t.voters, weighted_total: t.weighted_total },
      rounds: rounds.map((r) => ({ ...r, closing_time: iso(r.closing_time) })),
      artworks: cut.rows,
      truncated: cut.truncated,
      weighting: {
        rule: VOTE_WEIGHT_RULE,
        votes_with_recorded_factor: t.recorded,
        votes_weighted_from_person_vote_weights: t.cache,
        votes_counted_as_1: t.defaulted,
        person_vote_weights_refreshed_at: iso(refreshed?.at ?? null),
      },
    };
  },
  format(r) {
    const lines = [
      `${r.eid} ${r.name}${r.round_filter ? `, round ${r.round_filter}` : ""}: ${r.totals.votes} votes from ` +
        `${r.totals.voters} voters, weighted total ${r.totals.weighted_total}`,
    ];
    for (const round of r.rounds) {
      lines.push(
        `Round ${round.round}${round.is_finished ? " (finished)" : round.is_finished === false ? " (open)" : ""}: ` +
          `${round.votes} votes, ${round.voters} voters, weighted ${round.weighted_total}`,
      );
      for (const a of r.artworks.filter((x) => x.round === round.round)) {
        lines.push(
          `  ${a.rank_in_round}. ${a.art_code} ${a.artist ?? "(no artist)"}: ${a.weighted_total} (${a.votes} votes)`,
        );
      }
    }
    lines.push(...truncationNote(r.truncated, r.artworks.length));
    return lines.join("\n");
  },
});
