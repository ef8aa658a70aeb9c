import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import type { ArtistInvitationsResult } from "../../../src/packs/profile-integrity/artist-invitations.ts";
import { getArtistInvitations } from "../../../src/packs/profile-integrity/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const invitations = (args: object, rowCap = 200) =>
  runReadTool<ArtistInvitationsResult>(db.sql, getArtistInvitations, args, undefined, rowCap);

describe("get_artist_invitations", () => {
  it("counts AB4120's invitations by status like independent SQL and lists them newest first", async () => {
    const expected = await db.sql<{ status: string; n: number }[]>`
      select status::text, count(*)::int as n from artist_invitations where event_eid = 'AB4120' group by 1`;
    const result = await invitations({ eid: "AB4120" });
    for (const { status, n } of expected) expect(result.counts[status as "pending"]).toBe(n);
    const total = expected.reduce((s, e) => s + e.n, 0);
    expect(result.counts.total).toBe(total);
    expect(result.invitations).toHaveLength(total);
    const times = result.invitations.map((i) => i.created_at ?? "");
    expect(times).toEqual([...times].sort().reverse());
  });

  it("marks invitations whose artist has an active confirmation", async () => {
    const [expected] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from artist_invitations i
      where i.event_eid = 'AB4120' and exists (select 1 from artist_confirmations c
        where c.event_eid = i.event_eid and c.artist_profile_id = i.artist_profile_id
          and c.confirmation_status = 'confirmed' and c.withdrawn_at is null)`;
    const result = await invitations({ eid: "AB4120" });
    expect(result.invitations.filter((i) => i.confirmed)).toHaveLength(expected?.n ?? -1);
    expect(expected?.n).toBeGreaterThan(0);
  });

  it("finds one artist's invitations, including one whose profile id was lost (matched by artist number)", async () => {
    const [invite] = await db.sql<{ id: string; profile: string; entry: number }[]>`
      select i.id, ap.id as profile, ap.entry_id as entry from artist_invitations i
      join artist_profiles ap on ap.id = i.artist_profile_id where i.event_eid = 'AB4001' order by i.id limit 1`;
    await db.sql`update artist_invitations set artist_profile_id = null, artist_number = ${String(invite?.entry)}
                 where id = ${invite?.id ?? null}`;
    const [count] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from artist_invitations
      where artist_profile_id = ${invite?.profile ?? null} or artist_number = ${String(invite?.entry)}`;
    const result = await invitations({ artist_profile_id: invite?.profile });
    expect(result.counts.total).toBe(count?.n);
    expect(result.invitations.map((i) => i.id)).toContain(invite?.id);
    expect(result.invitations.every((i) => i.artist_profile_id === invite?.profile)).toBe(true);
  });

  it("caps the list at the row cap but keeps exact counts", async () => {
    const result = await invitations({ eid: "AB4001" }, 3);
    expect(result.invitations).toHaveLength(3);
    expect(result.truncated).toBe(true);
    expect(result.counts.total).toBeGreaterThan(3);
  });

  it("needs an eid or an artist, and reports unknown ones as NOT_FOUND", async () => {
    await expect(invitations({})).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "INVALID_ARGUMENT",
    );
    await expect(invitations({ eid: "AB999999" })).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "NOT_FOUND",
    );
    await expect(
      invitations({ artist_profile_id: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toSatisfy((e) => e instanceof ToolError && e.code === "NOT_FOUND");
  });
});
