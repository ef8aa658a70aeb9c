import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import type { FindDuplicateProfilesResult } from "../../../src/packs/profile-integrity/duplicate-profiles.ts";
import { findDuplicateProfiles } from "../../../src/packs/profile-integrity/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const find = (query: string, search_by: "phone" | "email" | "name", rowCap = 200) =>
  runReadTool<FindDuplicateProfilesResult>(
    db.sql,
    findDuplicateProfiles,
    { query, search_by },
    undefined,
    rowCap,
  );

/** A merged-away profile whose own phone is shared with the profile it was merged into. */
async function mergedPair() {
  const [pair] = await db.sql<{ loser: string; winner: string; phone: string }[]>`
    select l.id as loser, w.id as winner, l.phone
    from artist_profiles l join artist_profiles w on w.id = l.superseded_by
    where l.phone is not null and l.phone = w.phone
    order by l.id limit 1`;
  if (!pair) throw new Error("the seed has no merged duplicate sharing a phone");
  return pair;
}

describe("find_duplicate_profiles", () => {
  it("finds a phone typed with formatting and no country code, and pairs the merged duplicates", async () => {
    const pair = await mergedPair();
    const national = pair.phone.replace(/^\+1/, "");
    const typed = `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
    const expected = await db.sql<{ id: string }[]>`
      select distinct ap.id from artist_profiles ap left join people p on p.id = ap.person_id
      where regexp_replace(ap.phone, '\\D', '', 'g') like ${`%${national}`}
         or regexp_replace(p.phone::text, '\\D', '', 'g') like ${`%${national}`}`;
    const result = await find(typed, "phone");
    expect(result.profiles.map((p) => p.id).sort()).toEqual(expected.map((e) => e.id).sort());
    const loser = result.profiles.find((p) => p.id === pair.loser);
    const winner = result.profiles.find((p) => p.id === pair.winner);
    expect(loser?.is_active).toBe(false);
    expect(winner?.is_active).toBe(true);
    expect(loser?.possible_duplicates.find((d) => d.id === pair.winner)?.reasons).toEqual(
      expect.arrayContaining(["same_phone", "merged_into"]),
    );
    expect(winner?.possible_duplicates.find((d) => d.id === pair.loser)?.reasons).toEqual(
      expect.arrayContaining(["same_phone", "merged_from"]),
    );
    expect(result.profiles_with_duplicates).toBeGreaterThanOrEqual(2);
  });

  it("matches e-mail whole and case-insensitively, with `_` as a literal character", async () => {
    const [profile] = await db.sql<{ id: string; email: string }[]>`
      select id, email from artist_profiles where email like '%\\_%' order by id limit 1`;
    if (!profile) throw new Error("the seed has no profile e-mail with an underscore");
    const lookalike = profile.email.replace("_", "x");
    await db.sql`insert into artist_profiles (name, email) values ('Lookalike Test', ${lookalike})`;

    const result = await find(profile.email.toUpperCase(), "email");
    const expected = await db.sql<{ id: string }[]>`
      select ap.id from artist_profiles ap left join people p on p.id = ap.person_id
      where lower(ap.email) = lower(${profile.email}) or lower(p.email::text) = lower(${profile.email})`;
    expect(result.profiles.map((p) => p.id).sort()).toEqual(expected.map((e) => e.id).sort());
    expect(result.profiles.map((p) => p.email)).not.toContain(lookalike);
  });

  it("lists name matches, active first, capped at the row cap with truncation reported", async () => {
    const [common] = await db.sql<{ part: string; n: number }[]>`
      select split_part(name, ' ', 1) as part, count(*)::int as n from artist_profiles
      group by 1 having count(*) >= 2 order by 2 desc, 1 limit 1`;
    const all = await find(common?.part ?? "", "name");
    const [count] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from artist_profiles where name ilike ${`%${common?.part ?? ""}%`}`;
    expect(all.profiles).toHaveLength(Math.min(count?.n ?? 0, 20));
    const active = all.profiles.map((p) => p.is_active);
    expect(active).toEqual([...active].sort((a, b) => Number(b) - Number(a)));

    const small = await find(common?.part ?? "", "name", 1);
    expect(small.profiles).toHaveLength(1);
    expect(small.truncated).toBe(true);
  });

  it("treats `%` in a name literally", async () => {
    const result = await find("%", "name");
    const [count] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from artist_profiles where strpos(name, '%') > 0`;
    expect(result.profiles).toHaveLength(count?.n ?? -1);
  });

  it("rejects a phone query with too few digits", async () => {
    await expect(find("55-12", "phone")).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "INVALID_ARGUMENT",
    );
  });
});
