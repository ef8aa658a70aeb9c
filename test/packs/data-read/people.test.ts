import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import type { ArtistProfileResult } from "../../../src/packs/data-read/artist-profile.ts";
import { lookupArtistProfile, lookupPerson } from "../../../src/packs/data-read/index.ts";
import type { LookupPersonResult } from "../../../src/packs/data-read/people.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

describe("lookup_person", () => {
  it("finds jordan.lee@example.com by e-mail with their votes and bids", async () => {
    const [jordan] = await db.sql<{ id: string; phone: string; votes: number; bids: number }[]>`
      select p.id, p.phone,
             (select count(*)::int from votes v where v.person_id = p.id) as votes,
             (select count(*)::int from bids b where b.person_id = p.id) as bids
      from people p where p.email = 'jordan.lee@example.com'`;
    const result = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, {
      query: "Jordan.Lee@example.com",
      search_by: "email",
    });
    expect(result.people).toHaveLength(1);
    expect(result.people[0]).toMatchObject({
      id: jordan?.id,
      name: "Jordan Lee",
      email: "jordan.lee@example.com",
      phone: jordan?.phone,
      is_active: true,
      votes: jordan?.votes,
      bids: jordan?.bids,
    });
    expect(jordan?.bids).toBeGreaterThan(0);
  });

  it("finds the same person from phone digits typed with any formatting", async () => {
    const [jordan] = await db.sql<{ id: string; phone: string }[]>`
      select id, phone from people where email = 'jordan.lee@example.com'`;
    const digits = (jordan?.phone ?? "").replace(/\D/g, "").slice(1);
    const typed = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
    const result = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, {
      query: typed,
      search_by: "phone",
    });
    expect(result.people.map((p) => p.id)).toEqual([jordan?.id]);
    await expect(
      runReadTool(db.sql, lookupPerson, { query: "ab", search_by: "phone" }),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("matches names when a part is missing, and puts exact matches first", async () => {
    // A "first || ' ' || last" search misses everyone with a NULL part: first-name-only people and
    // people known only by the legacy full-name column.
    const [firstOnly] = await db.sql<{ id: string; first_name: string }[]>`
      select id, first_name from people where first_name is not null and last_name is null order by id limit 1`;
    const [nameOnly] = await db.sql<{ id: string; name: string }[]>`
      select id, name from people where first_name is null and last_name is null and name is not null
      order by id limit 1`;
    if (!firstOnly || !nameOnly) throw new Error("the seed has no people with missing name parts");
    const byFirst = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, {
      query: firstOnly.first_name,
    });
    expect(byFirst.people.map((p) => p.id)).toContain(firstOnly.id);
    const byName = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, { query: nameOnly.name });
    expect(byName.people[0]).toMatchObject({ id: nameOnly.id, name: nameOnly.name, first_name: null });

    const lena = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, { query: "lena" });
    const [expected] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from people
      where concat_ws(' ', first_name, last_name, name, nickname) ilike '%lena%'`;
    expect(lena.people[0]?.name).toBe("Lena Okafor");
    expect(lena.people.length).toBe(Math.min(expected?.n ?? 0, 20));
  });

  it("treats % and _ in the query as literal characters", async () => {
    // Unescaped, "%" would match every e-mail and "_" would match the dot in jordan.lee.
    for (const query of ["%", "%@example.com", "jordan_lee"]) {
      const result = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, {
        query,
        search_by: "email",
      });
      expect(result.people).toEqual([]);
    }
    const dotted = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, {
      query: "jordan.lee",
      search_by: "email",
    });
    expect(dotted.people).toHaveLength(1);
    const [underscored] = await db.sql<{ email: string }[]>`
      select email::text from people where strpos(email::text, '_') > 0 order by email limit 1`;
    const literal = await runReadTool<LookupPersonResult>(db.sql, lookupPerson, {
      query: underscored?.email,
      search_by: "email",
    });
    expect(literal.people.map((p) => p.email)).toEqual([underscored?.email]);
  });

  it("returns at most the row cap and reports truncation", async () => {
    const result = await runReadTool<LookupPersonResult>(
      db.sql,
      lookupPerson,
      { query: "@example.com", search_by: "email" },
      undefined,
      3,
    );
    expect(result.people).toHaveLength(3);
    expect(result.truncated).toBe(true);
  });
});

describe("lookup_artist_profile", () => {
  it("finds Lena Okafor by name with her artist number, contact and competition history", async () => {
    const [lena] = await db.sql<
      { id: string; entry_id: number; email: string; events: number; last: string }[]
    >`
      select ap.id, ap.entry_id, ap.email,
             (select count(distinct a.event_id)::int from art a where a.artist_id = ap.id) as events,
             (select e.eid from art a join events e on e.id = a.event_id where a.artist_id = ap.id
              order by e.event_start_datetime desc limit 1) as last
      from artist_profiles ap where ap.name = 'Lena Okafor'`;
    const result = await runReadTool<ArtistProfileResult>(db.sql, lookupArtistProfile, {
      query: "lena okafor",
    });
    expect(result.profiles[0]).toMatchObject({
      id: lena?.id,
      entry_id: lena?.entry_id,
      name: "Lena Okafor",
      is_active: true,
      email: lena?.email,
      person_email: "lena.okafor@example.com",
      events_competed: lena?.events,
      last_event_eid: lena?.last,
    });
    expect(lena?.events).toBeGreaterThanOrEqual(2);
  });

  it("looks profiles up by profile id and by the person's id", async () => {
    const [lena] = await db.sql<{ id: string; person_id: string }[]>`
      select id, person_id from artist_profiles where name = 'Lena Okafor'`;
    const byId = await runReadTool<ArtistProfileResult>(db.sql, lookupArtistProfile, {
      query: lena?.id,
      search_by: "id",
    });
    expect(byId.profiles.map((p) => p.name)).toEqual(["Lena Okafor"]);
    const byPerson = await runReadTool<ArtistProfileResult>(db.sql, lookupArtistProfile, {
      query: lena?.person_id,
      search_by: "person_id",
    });
    expect(byPerson.profiles.map((p) => p.id)).toContain(lena?.id);
    const call = runReadTool(db.sql, lookupArtistProfile, { query: "Lena", search_by: "id" });
    await expect(call).rejects.toBeInstanceOf(ToolError);
    await expect(call).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("shows merged duplicates as inactive, after the active profile", async () => {
    const [dup] = await db.sql<{ name: string; superseded_by: string }[]>`
      select loser.name, loser.superseded_by from artist_profiles loser
      join artist_profiles winner on winner.id = loser.superseded_by and winner.name = loser.name
      where loser.superseded_by is not null order by loser.id limit 1`;
    if (!dup) throw new Error("the seed has no same-name duplicate profile");
    const result = await runReadTool<ArtistProfileResult>(db.sql, lookupArtistProfile, { query: dup.name });
    const merged = result.profiles.find((p) => p.superseded_by === dup.superseded_by);
    expect(merged?.is_active).toBe(false);
    const firstInactive = result.profiles.findIndex((p) => !p.is_active);
    const activeIndex = result.profiles.findIndex((p) => p.id === dup.superseded_by);
    expect(activeIndex).toBeGreaterThanOrEqual(0);
    expect(activeIndex).toBeLessThan(firstInactive);
  });

  it("cuts long bios and treats wildcards literally", async () => {
    const [artist] = await db.sql<{ id: string }[]>`select id from artist_profiles order by id limit 1`;
    await db.sql`update artist_profiles set abhq_bio = repeat('x', 2000) where id = ${artist?.id ?? null}`;
    const result = await runReadTool<ArtistProfileResult>(db.sql, lookupArtistProfile, {
      query: artist?.id,
      search_by: "id",
    });
    expect(result.profiles[0]?.abhq_bio).toHaveLength(501);
    expect(result.profiles[0]?.abhq_bio?.endsWith("…")).toBe(true);
    const wild = await runReadTool<ArtistProfileResult>(db.sql, lookupArtistProfile, { query: "%" });
    expect(wild.profiles).toEqual([]);
  });
});
