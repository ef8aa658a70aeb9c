import { describe, expect, it } from "vitest";
import { LocalEdgeFunctions } from "../../../src/edge/index.ts";
import type { ArtistEditResult } from "../../../src/packs/profile-integrity/artist-edits.ts";
import {
  refreshVoteWeights,
  sendArtistInvitation,
  updateArtistBio,
  updateArtistCountry,
  updateArtistName,
} from "../../../src/packs/profile-integrity/index.ts";
import type { RefreshVoteWeightsResult } from "../../../src/packs/profile-integrity/refresh-vote-weights.ts";
import type { SendInvitationResult } from "../../../src/packs/profile-integrity/send-invitation.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { refusalOf, runWriteTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

async function activeArtist(offset = 0) {
  const [row] = await db.sql<
    { id: string; name: string; abhq_bio: string | null; country: string | null; entry_id: number }[]
  >`
    select id, name, abhq_bio, country, entry_id from artist_profiles
    where superseded_by is null order by entry_id offset ${offset} limit 1`;
  if (!row) throw new Error("the demo has active artist profiles");
  return row;
}

describe("update_artist_name / bio / country", () => {
  it("changes one profile and keeps the previous value in system_logs", async () => {
    const artist = await activeArtist();
    const result = await runWriteTool<ArtistEditResult>(db.sql, updateArtistName, {
      artist_profile_id: artist.id,
      new_name: `  ${artist.name} Jr.  `,
    });
    expect(result).toMatchObject({ previous: artist.name, current: `${artist.name} Jr.`, changed: true });
    const [row] = await db.sql<{ name: string }[]>`select name from artist_profiles where id = ${artist.id}`;
    expect(row?.name).toBe(`${artist.name} Jr.`);
    const logs = await db.sql<{ previous: string; current: string }[]>`
      select request_data->>'previous' as previous, request_data->>'current' as current from system_logs
      where service = 'arthur' and operation = 'update_artist_name' and request_data->>'artist_profile_id' = ${artist.id}`;
    expect(logs).toEqual([{ previous: artist.name, current: `${artist.name} Jr.` }]);
    expect(updateArtistName.format(result)).toContain(`from "${artist.name}"`);
  });

  it("replaces the HQ bio and reports lengths; the same value again changes nothing", async () => {
    const artist = await activeArtist(1);
    const bio = "Paints city nights in thick palette-knife strokes.";
    const first = await runWriteTool<ArtistEditResult>(db.sql, updateArtistBio, {
      artist_profile_id: artist.id,
      new_bio: bio,
    });
    expect(first.changed).toBe(true);
    expect(updateArtistBio.format(first)).toContain(`to ${bio.length} characters`);
    const again = await runWriteTool<ArtistEditResult>(db.sql, updateArtistBio, {
      artist_profile_id: artist.id,
      new_bio: bio,
    });
    expect(again.changed).toBe(false);
    const [logs] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from system_logs where operation = 'update_artist_bio' and request_data->>'artist_profile_id' = ${artist.id}`;
    expect(logs?.n).toBe(1);
  });

  it("accepts real ISO country codes only, upper-cased", async () => {
    const artist = await activeArtist(2);
    const result = await runWriteTool<ArtistEditResult>(db.sql, updateArtistCountry, {
      artist_profile_id: artist.id,
      new_country: "th",
    });
    expect(result).toMatchObject({ previous: artist.country, current: "TH" });
    expect(updateArtistCountry.format(result)).toContain("Thailand (TH)");
    for (const bad of ["XX", "CAN", "EU"]) {
      const error = await refusalOf(
        runWriteTool(db.sql, updateArtistCountry, { artist_profile_id: artist.id, new_country: bad }),
      );
      expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    const [row] = await db.sql<
      { country: string }[]
    >`select country from artist_profiles where id = ${artist.id}`;
    expect(row?.country).toBe("TH");
  });

  it("refuses a merged duplicate (naming the profile to edit) and an unknown id", async () => {
    const [merged] = await db.sql<{ id: string; name: string; superseded_by: string }[]>`
      select id, name, superseded_by from artist_profiles where superseded_by is not null limit 1`;
    const error = await refusalOf(
      runWriteTool(db.sql, updateArtistName, { artist_profile_id: merged?.id, new_name: "Other" }),
    );
    expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(error.message).toContain(merged?.superseded_by);
    const [row] = await db.sql<
      { name: string }[]
    >`select name from artist_profiles where id = ${merged?.id ?? null}`;
    expect(row?.name).toBe(merged?.name);
    const missing = await refusalOf(
      runWriteTool(db.sql, updateArtistName, {
        artist_profile_id: "00000000-0000-4000-8000-000000000000",
        new_name: "Nobody",
      }),
    );
    expect(missing).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("send_artist_invitation", () => {
  const message = "We would love to have you paint in Chicago!";

  it("records one pending invitation through the invitation function, under an approval only", async () => {
    const [artist] = await db.sql<{ id: string; name: string; entry_id: number }[]>`
      select ap.id, ap.name, ap.entry_id from artist_profiles ap
      where ap.superseded_by is null and not exists (
        select 1 from artist_invitations i where i.event_eid = 'AB4130'
          and (i.artist_profile_id = ap.id or i.artist_number = ap.entry_id::text))
      order by ap.entry_id limit 1`;
    const args = { eid: "ab4130", artist_profile_id: artist?.id, message_from_producer: message };
    const edge = new LocalEdgeFunctions(db.sql);
    expect(await refusalOf(runWriteTool(db.sql, sendArtistInvitation, args, { edge }))).toMatchObject({
      code: "APPROVAL_REQUIRED",
    });
    const result = await runWriteTool<SendInvitationResult>(db.sql, sendArtistInvitation, args, {
      edge,
      idempotencyKey: "invite-1",
    });
    expect(result).toMatchObject({ eid: "AB4130", artist: artist?.name, status: "pending" });
    const rows = await db.sql<
      { id: string; artist_number: string; status: string; message_from_producer: string }[]
    >`
      select id, artist_number, status::text, message_from_producer from artist_invitations
      where event_eid = 'AB4130' and artist_profile_id = ${artist?.id ?? null}`;
    expect(rows).toEqual([
      {
        id: result.invitation_id,
        artist_number: String(artist?.entry_id),
        status: "pending",
        message_from_producer: message,
      },
    ]);
    // Invited already: a second invitation (another approval) is refused before anything is sent.
    const again = await refusalOf(
      runWriteTool(db.sql, sendArtistInvitation, args, { edge, idempotencyKey: "invite-2" }),
    );
    expect(again.message).toContain("already been invited to AB4130");
  });

  it("refuses a past event and an unknown event", async () => {
    const artist = await activeArtist();
    const edge = new LocalEdgeFunctions(db.sql);
    const past = await refusalOf(
      runWriteTool(
        db.sql,
        sendArtistInvitation,
        { eid: "AB4001", artist_profile_id: artist.id, message_from_producer: message },
        { edge, idempotencyKey: "invite-3" },
      ),
    );
    expect(past.message).toContain("already taken place");
    const unknown = await refusalOf(
      runWriteTool(
        db.sql,
        sendArtistInvitation,
        { eid: "AB9999", artist_profile_id: artist.id, message_from_producer: message },
        { edge, idempotencyKey: "invite-4" },
      ),
    );
    expect(unknown).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("refresh_vote_weights", () => {
  it("refreshes person_vote_weights with the platform function and logs it", async () => {
    const [before] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from system_logs where service = 'vote_weights' and operation = 'refresh_materialized_view'`;
    const result = await runWriteTool<RefreshVoteWeightsResult>(db.sql, refreshVoteWeights, {
      eid: "AB4120",
    });
    const [count] = await db.sql<{ n: number }[]>`select count(*)::int as n from person_vote_weights`;
    expect(result).toMatchObject({ eid: "AB4120", scope: "global", people_weighted: count?.n });
    expect(result.result).toContain(`${count?.n} rows`);
    const [after] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from system_logs where service = 'vote_weights' and operation = 'refresh_materialized_view'`;
    expect(after?.n).toBe((before?.n ?? 0) + 1);
  });
});
