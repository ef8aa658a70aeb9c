import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { ToolError } from "../../../src/catalog/index.ts";
import { getVoteWeights } from "../../../src/packs/profile-integrity/index.ts";
import type { VoteWeightsResult } from "../../../src/packs/profile-integrity/vote-weights.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const weights = (args: object, rowCap = 200) =>
  runReadTool<VoteWeightsResult>(db.sql, getVoteWeights, args, undefined, rowCap);

interface Expected {
  votes: number;
  voters: number;
  weighted_total: string;
  recorded: number;
  cache: number;
  defaulted: number;
}

/** Independent: each vote weighs vote_factor, else person_vote_weights.total_weight, else 1.0. */
async function expectedFor(eid: string, round: number | null): Promise<Expected | undefined> {
  const [row] = await db.sql<Expected[]>`
    select count(*)::int as votes, count(distinct v.person_id)::int as voters,
           round(coalesce(sum(coalesce(v.vote_factor, w.total_weight, 1.0)), 0), 2)::text as weighted_total,
           count(*) filter (where v.vote_factor is not null)::int as recorded,
           count(*) filter (where v.vote_factor is null and w.total_weight is not null)::int as cache,
           count(*) filter (where v.vote_factor is null and w.total_weight is null)::int as defaulted
    from votes v join events e on e.id = v.event_id
    left join person_vote_weights w on w.person_id = v.person_id
    where e.eid = ${eid} and (${round}::int is null or v.round = ${round}::int)`;
  return row;
}

const bySource = (r: VoteWeightsResult) => Object.fromEntries(r.by_source.map((s) => [s.source, s.votes]));

describe("get_vote_weights", () => {
  it("weights AB4120's votes from votes.vote_factor, not the empty vote_weights table", async () => {
    const [legacy] = await db.sql<{ n: number }[]>`select count(*)::int as n from vote_weights`;
    const expected = await expectedFor("AB4120", null);
    const result = await weights({ eid: "ab4120" });
    expect(legacy?.n).toBe(0);
    expect(expected?.votes).toBeGreaterThan(0);
    expect(result.eid).toBe("AB4120");
    expect(result.totals.votes).toBe(expected?.votes);
    expect(result.totals.voters).toBe(expected?.voters);
    expect(result.totals.weighted_total).toBe(expected?.weighted_total);
    expect(bySource(result)).toEqual({
      recorded: expected?.recorded,
      cache: expected?.cache,
      default: expected?.defaulted,
    });
  });

  it("limits to one round, lists heaviest votes first and reports min/max like independent SQL", async () => {
    const expected = await expectedFor("AB4001", 2);
    const [range] = await db.sql<{ min: string; max: string }[]>`
      select round(min(v.vote_factor), 2)::text as min, round(max(v.vote_factor), 2)::text as max
      from votes v join events e on e.id = v.event_id where e.eid = 'AB4001' and v.round = 2`;
    const result = await weights({ eid: "AB4001", round: 2 }, 100000);
    expect(result.round_filter).toBe(2);
    expect(result.totals.votes).toBe(expected?.votes);
    expect(result.totals.weighted_total).toBe(expected?.weighted_total);
    expect(result.votes).toHaveLength(expected?.votes ?? -1);
    expect(result.votes.every((v) => v.round === 2)).toBe(true);
    if (expected?.cache === 0 && expected.defaulted === 0) {
      expect(result.totals.min).toBe(range?.min);
      expect(result.totals.max).toBe(range?.max);
    }
    const w = result.votes.map((v) => Number(v.weight));
    expect(w).toEqual([...w].sort((a, b) => b - a));
    expect(result.truncated).toBe(false);
  });

  it("falls back to person_vote_weights, then 1.0, for votes with no recorded factor", async () => {
    const [withCache] = await db.sql<{ id: string; weight: string }[]>`
      select v.id, round(w.total_weight, 2)::text as weight from votes v
      join events e on e.id = v.event_id join person_vote_weights w on w.person_id = v.person_id
      where e.eid = 'AB4120' order by v.id limit 1`;
    const [noCache] = await db.sql<{ id: string }[]>`
      select v.id from votes v join events e on e.id = v.event_id
      where e.eid = 'AB4120' and not exists (select 1 from person_vote_weights w where w.person_id = v.person_id)
      order by v.id limit 1`;
    const ids = [withCache?.id, noCache?.id].filter((x): x is string => x !== undefined);
    await db.sql`update votes set vote_factor = null where id = any(${ids}::uuid[])`;
    const expected = await expectedFor("AB4120", null);
    const result = await weights({ eid: "AB4120" }, 100000);
    expect(result.totals.weighted_total).toBe(expected?.weighted_total);
    const cached = result.votes.find((v) => v.vote_id === withCache?.id);
    expect(cached?.source).toBe("cache");
    expect(cached?.weight).toBe(withCache?.weight);
    if (noCache) {
      const dflt = result.votes.find((v) => v.vote_id === noCache.id);
      expect(dflt?.source).toBe("default");
      expect(dflt?.weight).toBe("1.00");
    }
    expect(bySource(result).recorded).toBe(expected?.recorded);
  });

  it("marks voters with a valid QR scan at the event", async () => {
    const [expected] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from votes v join events e on e.id = v.event_id
      where e.eid = 'AB4120' and exists (select 1 from people_qr_scans s
        where s.person_id = v.person_id and s.event_id = v.event_id and s.is_valid)`;
    const result = await weights({ eid: "AB4120" }, 100000);
    expect(result.votes.filter((v) => v.qr_scanned)).toHaveLength(expected?.n ?? -1);
  });

  it("caps the list but keeps exact totals", async () => {
    const expected = await expectedFor("AB4120", null);
    const result = await weights({ eid: "AB4120" }, 3);
    expect(result.votes).toHaveLength(3);
    expect(result.truncated).toBe(true);
    expect(result.totals.votes).toBe(expected?.votes);
  });

  it("reports an unknown event as NOT_FOUND, a round the event lacks as INVALID_ARGUMENT, and rejects round 0", async () => {
    await expect(weights({ eid: "AB999999" })).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "NOT_FOUND",
    );
    await expect(weights({ eid: "AB4120", round: 19 })).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "INVALID_ARGUMENT",
    );
    await expect(weights({ eid: "AB4120", round: 0 })).rejects.toBeInstanceOf(ZodError);
  });
});
