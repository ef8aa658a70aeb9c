import { describe, expect, it } from "vitest";
import { getVoteData } from "../../../src/packs/data-read/index.ts";
import type { VoteDataResult } from "../../../src/packs/data-read/votes.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

interface VoteRow {
  round: number;
  easel: number;
  person_id: string;
  factor: string | null;
}

async function votesOf(eid: string): Promise<VoteRow[]> {
  return db.sql<VoteRow[]>`
    select round, easel, person_id::text, vote_factor::text as factor from votes where eid = ${eid}`;
}

/** Σ factor to two decimals, in ten-thousandths to stay exact. */
const weighted = (rows: VoteRow[]) =>
  (Math.round(rows.reduce((s, v) => s + Math.round(Number(v.factor ?? 1) * 10_000), 0) / 100) / 100).toFixed(
    2,
  );

describe("get_vote_data", () => {
  it("gives AB4120's per-round votes, voters and vote_factor totals, open round 3 included", async () => {
    const votes = await votesOf("AB4120");
    const result = await runReadTool<VoteDataResult>(db.sql, getVoteData, { eid: "AB4120" });
    expect(result.rounds.map((r) => [r.round, r.is_finished])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    for (const round of result.rounds) {
      const inRound = votes.filter((v) => v.round === round.round);
      expect(round.votes).toBe(inRound.length);
      expect(round.voters).toBe(new Set(inRound.map((v) => v.person_id)).size);
      expect(round.weighted_total).toBe(weighted(inRound));
      expect(round.votes).toBeGreaterThan(0);
    }
    expect(result.totals).toEqual({
      votes: votes.length,
      voters: new Set(votes.map((v) => v.person_id)).size,
      weighted_total: weighted(votes),
    });
    // Weights are real: with the empty vote_weights table the old tool fell back to raw counts.
    expect(Number(result.totals.weighted_total)).not.toBe(votes.length);
    expect(result.weighting.votes_with_recorded_factor).toBe(votes.length);
  });

  it("ranks each round's artworks by weighted votes and names the artists", async () => {
    const votes = await votesOf("AB4120");
    const result = await runReadTool<VoteDataResult>(db.sql, getVoteData, { eid: "AB4120", round: 2 });
    expect(result.round_filter).toBe(2);
    expect(result.rounds.map((r) => r.round)).toEqual([2]);
    expect(result.artworks.every((a) => a.round === 2)).toBe(true);
    for (const art of result.artworks) {
      const mine = votes.filter((v) => v.round === 2 && v.easel === art.easel);
      expect(art.votes).toBe(mine.length);
      expect(art.weighted_total).toBe(weighted(mine));
    }
    const leader = result.artworks[0];
    expect(leader?.rank_in_round).toBe(1);
    expect(Math.max(...result.artworks.map((a) => Number(a.weighted_total)))).toBe(
      Number(leader?.weighted_total),
    );
    const [artist] = await db.sql<{ name: string }[]>`
      select ap.name from art a join artist_profiles ap on ap.id = a.artist_id where a.art_code = ${leader?.art_code ?? ""}`;
    expect(leader?.artist).toBe(artist?.name);
  });

  it("counts every vote of a big show (no 500-row cap)", async () => {
    const [big] = await db.sql<{ eid: string; n: number }[]>`
      select eid, count(*)::int as n from votes group by eid order by 2 desc limit 1`;
    expect(big?.n).toBeGreaterThan(500);
    const result = await runReadTool<VoteDataResult>(db.sql, getVoteData, { eid: big?.eid ?? "" });
    expect(result.totals.votes).toBe(big?.n);
    expect(result.rounds.reduce((s, r) => s + r.votes, 0)).toBe(big?.n);
  });

  it("weights votes without a recorded factor from person_vote_weights, else as 1", async () => {
    const [event] = await db.sql<{ id: string }[]>`select id from events where eid = 'AB4001'`;
    const cached = await db.sql<{ id: string; weight: string }[]>`
      update votes v set vote_factor = null from person_vote_weights w
      where v.event_id = ${event?.id ?? null} and w.person_id = v.person_id and v.round = 1
      returning v.id, w.total_weight::text as weight`;
    const uncached = await db.sql<{ id: string }[]>`
      update votes v set vote_factor = null
      where v.event_id = ${event?.id ?? null} and v.round = 2
        and not exists (select 1 from person_vote_weights w where w.person_id = v.person_id)
      returning v.id`;
    expect(cached.length).toBeGreaterThan(0);
    const [sum] = await db.sql<{ total: string; n: number }[]>`
      select round(sum(coalesce(v.vote_factor, w.total_weight, 1)), 2)::text as total, count(*)::int as n
      from votes v left join person_vote_weights w on w.person_id = v.person_id
      where v.event_id = ${event?.id ?? null}`;

    const result = await runReadTool<VoteDataResult>(db.sql, getVoteData, { eid: "AB4001" });
    expect(result.weighting.votes_weighted_from_person_vote_weights).toBe(cached.length);
    expect(result.weighting.votes_counted_as_1).toBe(uncached.length);
    expect(result.weighting.votes_with_recorded_factor).toBe((sum?.n ?? 0) - cached.length - uncached.length);
    expect(result.totals.weighted_total).toBe(sum?.total);
    expect(result.weighting.person_vote_weights_refreshed_at).not.toBeNull();
  });

  it("caps the artwork list at the row cap and says so", async () => {
    const result = await runReadTool<VoteDataResult>(db.sql, getVoteData, { eid: "AB4120" }, undefined, 4);
    expect(result.artworks).toHaveLength(4);
    expect(result.truncated).toBe(true);
    expect(result.artworks.every((a) => a.round === 1)).toBe(true);
  });
});
