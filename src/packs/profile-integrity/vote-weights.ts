import { z } from "zod";
import { defineTool, eid, ToolError } from "../../catalog/index.ts";
import { capped, eventByEid, iso, truncationNote } from "../data-read/shared.ts";
import { VOTE_WEIGHT_RULE, weightedVotes } from "../data-read/votes.ts";
import { ROLES_OPS_VIEWER } from "./shared.ts";

const input = z.strictObject({
  eid: eid(),
  round: z.number().int().min(1).max(20).optional().describe("Only this round (1, 2, 3, …)"),
});

/** Where a vote's weight came from. */
export type WeightSource = "recorded" | "cache" | "default";
export const WEIGHT_SOURCES: readonly WeightSource[] = ["recorded", "cache", "default"];

export interface WeightStats {
  source: WeightSource;
  votes: number;
  avg: string | null;
  min: string | null;
  max: string | null;
}

export interface VoteWeightRow {
  vote_id: string;
  round: number | null;
  easel: number | null;
  art_code: string | null;
  person_id: string;
  nickname: string | null;
  /** The weight this vote counts with. */
  weight: string;
  source: WeightSource;
  /** The voter's current weight in person_vote_weights (null when they have none). */
  current_weight: string | null;
  /** The voter has a valid QR scan at this event (worth +1.0 at vote time). */
  qr_scanned: boolean;
  voted_at: string | null;
}

export interface VoteWeightsResult {
  eid: string;
  name: string;
  round_filter: number | null;
  /** Exact over every matching vote, not just the listed ones. */
  totals: {
    votes: number;
    voters: number;
    weighted_total: string;
    avg: string | null;
    min: string | null;
    max: string | null;
  };
  by_source: WeightStats[];
  votes: VoteWeightRow[];
  truncated: boolean;
  rule: string;
  person_vote_weights_refreshed_at: string | null;
}

type Row = Omit<VoteWeightRow, "voted_at"> & { voted_at: Date | null };

export const getVoteWeights = defineTool({
  name: "get_vote_weights",
  domain: "profile-integrity",
  title: "Vote weights for an event",
  description:
    "How the audience votes of one event (optionally one round) were weighted: exact totals (votes, voters, " +
    "weighted total, average/min/max weight), the same statistics per weight source (recorded = votes.vote_factor " +
    "at vote time, cache = the voter's person_vote_weights weight, default = 1.0), and the votes (up to the row " +
    "cap, heaviest first) with voter, artwork, weight, the voter's current weight and whether they had a valid QR " +
    "scan. Use it for 'why does this artwork lead with fewer votes?' or 'are weights being recorded?'. It does not " +
    "rank artworks; for standings use get_vote_data. It never reads the legacy vote_weights table (empty).",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<VoteWeightsResult> {
    const event = await eventByEid(sql, args.eid);
    if (args.round !== undefined) {
      const [known] = await sql<{ rounds: number[] }[]>`
        select coalesce(array_agg(distinct r order by r), '{}') as rounds from (
          select round_number as r from rounds where event_id = ${event.id}
          union select round from votes where event_id = ${event.id} and round is not null) x`;
      const rounds = known?.rounds ?? [];
      if (!rounds.includes(args.round)) {
        throw new ToolError(
          "INVALID_ARGUMENT",
          `${event.eid} has no round ${args.round}` +
            (rounds.length ? ` (rounds: ${rounds.join(", ")})` : " (no rounds recorded)"),
        );
      }
    }
    const votes = weightedVotes(sql, event.id, args.round);
    // The reads are independent: issued together they overlap their round trips. Totals and the
    // per-source statistics come from one pass over the votes (grouping set () = every vote).
    const [aggregates, listed, [refreshed]] = await Promise.all([
      sql<(VoteWeightsResult["totals"] & { overall: boolean; source: WeightSource | null })[]>`
        with wv as (${votes})
        select grouping(source) = 1 as overall, source,
               count(*)::int as votes, count(distinct person_id)::int as voters,
               round(coalesce(sum(weight), 0), 2)::text as weighted_total,
               round(avg(weight), 2)::text as avg, round(min(weight), 2)::text as min, round(max(weight), 2)::text as max
        from wv group by grouping sets ((), (source))`,
      // Artwork code, nickname and QR flag are scalar subqueries, so they are looked up only for the
      // rows left after ORDER BY … LIMIT. As joins, PostgreSQL hashed the whole art table, and the
      // correlated EXISTS became a hash of every valid scan of every event. Every vote here has
      // event_id = this event, so the scan test can name the event directly and use its index.
      sql<Row[]>`
        with wv as (${votes})
        select wv.id as vote_id, wv.round, wv.easel,
               coalesce((select a.art_code from art a where a.id = wv.art_id), wv.vote_art_code) as art_code,
               wv.person_id, (select p.nickname from people p where p.id = wv.person_id) as nickname,
               round(wv.weight, 2)::text as weight, wv.source,
               round(wv.current_weight, 2)::text as current_weight,
               exists (select 1 from people_qr_scans s
                       where s.event_id = ${event.id} and s.person_id = wv.person_id and s.is_valid) as qr_scanned,
               wv.voted_at
        from wv
        order by wv.weight desc, wv.round, wv.easel, wv.id
        limit ${rowCap + 1}`,
      sql<{ at: Date | null }[]>`select last_calculated as at from person_vote_weights limit 1`,
    ]);
    const totals = aggregates.find((row) => row.overall);
    const stats: WeightStats[] = aggregates
      .filter((row) => !row.overall)
      .map((row) => ({
        source: row.source as WeightSource,
        votes: row.votes,
        avg: row.avg,
        min: row.min,
        max: row.max,
      }));
    const cut = capped(listed, rowCap);
    return {
      eid: event.eid,
      name: event.name,
      round_filter: args.round ?? null,
      totals: totals
        ? {
            votes: totals.votes,
            voters: totals.voters,
            weighted_total: totals.weighted_total,
            avg: totals.avg,
            min: totals.min,
            max: totals.max,
          }
        : { votes: 0, voters: 0, weighted_total: "0.00", avg: null, min: null, max: null },
      by_source: WEIGHT_SOURCES.map(
        (source) =>
          stats.find((s) => s.source === source) ?? { source, votes: 0, avg: null, min: null, max: null },
      ),
      votes: cut.rows.map((r) => ({ ...r, voted_at: iso(r.voted_at) })),
      truncated: cut.truncated,
      rule: VOTE_WEIGHT_RULE,
      person_vote_weights_refreshed_at: iso(refreshed?.at ?? null),
    };
  },
  format(r) {
    const t = r.totals;
    const lines = [
      `${r.eid} ${r.name}${r.round_filter ? `, round ${r.round_filter}` : ""}: ${t.votes} votes from ${t.voters} ` +
        `voters, weighted total ${t.weighted_total}` +
        (t.votes ? ` (weight avg ${t.avg}, min ${t.min}, max ${t.max})` : ""),
      ...r.by_source.map(
        (s) =>
          `- ${s.source}: ${s.votes} votes${s.votes ? ` (avg ${s.avg}, min ${s.min}, max ${s.max})` : ""}`,
      ),
      ...r.votes.map(
        (v) =>
          `  R${v.round ?? "?"} ${v.art_code ?? "?"} ${v.nickname ?? v.person_id}: ${v.weight} (${v.source}` +
          `${v.qr_scanned ? ", QR" : ""})`,
      ),
      ...truncationNote(r.truncated, r.votes.length),
      r.rule,
    ];
    return lines.join("\n");
  },
});
