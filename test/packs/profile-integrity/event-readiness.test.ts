import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import type { EventReadinessResult } from "../../../src/packs/profile-integrity/event-readiness.ts";
import { getEventReadiness } from "../../../src/packs/profile-integrity/index.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const readiness = (eid: string) => runReadTool<EventReadinessResult>(db.sql, getEventReadiness, { eid });

const failing = (r: EventReadinessResult) =>
  r.checks
    .filter((c) => !c.ok)
    .map((c) => c.id)
    .sort();

describe("get_event_readiness", () => {
  it("flags AB4023 as hidden from the app and nothing else", async () => {
    const result = await readiness("ab4023");
    expect(result.eid).toBe("AB4023");
    expect(failing(result)).toEqual(["shown_in_app"]);
    expect(result.ready).toBe(false);
    expect(result.score).toEqual({ passed: 7, total: 8 });
  });

  it("flags AB4098 as unpublished with no Eventbrite link, from its event row", async () => {
    const [row] = await db.sql<{ enabled: boolean; eb: string | null; shown: boolean }[]>`
      select coalesce(enabled, false) as enabled, nullif(eventbrite_id, '') as eb, coalesce(show_in_app, false) as shown
      from events where eid = 'AB4098'`;
    const result = await readiness("AB4098");
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c.ok]));
    expect(byId.enabled).toBe(row?.enabled);
    expect(byId.eventbrite_linked).toBe(row?.eb !== null);
    expect(byId.shown_in_app).toBe(row?.shown);
    expect(result.ready).toBe(false);
    expect(result.score.passed).toBe(result.checks.filter((c) => c.ok).length);
  });

  it("counts AB4001's pipeline like independent SQL, leaving withdrawn confirmations out", async () => {
    const [expected] = await db.sql<
      { confirmed: number; withdrawn: number; artworks: number; artists: number; apps: number }[]
    >`
      select
        (select count(*)::int from artist_confirmations where event_eid = 'AB4001'
           and confirmation_status = 'confirmed' and withdrawn_at is null) as confirmed,
        (select count(*)::int from artist_confirmations where event_eid = 'AB4001'
           and (confirmation_status = 'withdrawn' or withdrawn_at is not null)) as withdrawn,
        (select count(*)::int from art a join events e on e.id = a.event_id where e.eid = 'AB4001') as artworks,
        (select count(distinct a.artist_id)::int from art a join events e on e.id = a.event_id where e.eid = 'AB4001') as artists,
        (select count(*)::int from artist_applications ap join events e on e.id = ap.event_id where e.eid = 'AB4001') as apps`;
    const invitations = await db.sql<{ status: string; n: number }[]>`
      select status::text, count(*)::int as n from artist_invitations where event_eid = 'AB4001' group by 1`;
    const result = await readiness("AB4001");
    expect(result.artists.confirmed).toBe(expected?.confirmed);
    expect(result.artists.withdrawn_confirmations).toBe(expected?.withdrawn);
    // The scenario has a withdrawal, so the old "status = confirmed" count would differ.
    expect(expected?.withdrawn).toBeGreaterThan(0);
    expect(result.artists.artworks).toBe(expected?.artworks);
    expect(result.artists.artists_with_artwork).toBe(expected?.artists);
    expect(Object.values(result.artists.applications).reduce((s, n) => s + n, 0)).toBe(expected?.apps);
    for (const { status, n } of invitations) {
      expect(result.artists.invitations[status as keyof typeof result.artists.invitations]).toBe(n);
    }
    expect(Object.values(result.artists.invitations).reduce((s, n) => s + n, 0)).toBe(
      invitations.reduce((s, i) => s + i.n, 0),
    );
    expect(Object.keys(result.artists.invitations)).not.toContain("confirmed");
  });

  it("fails has_artists when nobody is confirmed and no artwork has an artist", async () => {
    const [event] = await db.sql<{ artworks: number }[]>`
      select count(a.id)::int as artworks from events e left join art a on a.event_id = e.id where e.eid = 'AB4124'`;
    expect(event?.artworks).toBe(0);
    await db.sql`update artist_confirmations set withdrawn_at = now() where event_eid = 'AB4124'`;
    const result = await readiness("AB4124");
    expect(result.artists.confirmed).toBe(0);
    expect(result.checks.find((c) => c.id === "has_artists")?.ok).toBe(false);
  });

  it("answers NOT_FOUND for an unknown event", async () => {
    await expect(readiness("AB999999")).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "NOT_FOUND",
    );
  });
});
