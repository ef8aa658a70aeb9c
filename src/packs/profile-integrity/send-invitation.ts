import { z } from "zod";
import { defineTool, eid, requireIdempotencyKey, ToolError, uuid } from "../../catalog/index.ts";
import { eventByEid, iso } from "../data-read/shared.ts";

export interface SendInvitationResult {
  eid: string;
  event: string;
  artist_profile_id: string;
  artist: string;
  artist_number: string;
  invitation_id: string | null;
  status: string | null;
  /** What the Edge Function said (e.g. whether its email went out). */
  message: string;
  event_starts_at: string | null;
}

interface EdgeInvitationResponse {
  invitation?: { id?: string; status?: string };
  message?: string;
}

export const sendArtistInvitation = defineTool({
  name: "send_artist_invitation",
  domain: "profile-integrity",
  title: "Invite an artist to an event",
  description:
    "Invite one artist (artist_profile_id) to paint at an upcoming event (eid), with a personal message from the " +
    "producer; Art Battle's invitation function records it and emails the artist. Needs the requester's " +
    "confirmation and writes enabled. Refuses past events, merged duplicate profiles and artists already invited " +
    "to that event. Check existing invitations first with get_artist_invitations.",
  input: z.strictObject({
    eid: eid(),
    artist_profile_id: uuid("Artist profile id"),
    message_from_producer: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(2000)
      .describe("Personal note from the producer included in the invitation (1–2,000 characters)"),
  }),
  policy: {
    roles: ["ops", "event-producer"],
    risk: "high",
    writes: true,
    requiresApproval: true,
    maxCallsPerRequest: 1,
  },
  async handler(args, ctx): Promise<SendInvitationResult> {
    const { sql } = ctx;
    const idempotencyKey = requireIdempotencyKey(ctx, "send_artist_invitation");
    const event = await eventByEid(sql, args.eid);
    if (event.phase === "past") {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${event.eid} has already taken place; invite artists to an upcoming event`,
      );
    }
    const [artist] = await sql<{ name: string; entry_id: number; superseded_by: string | null }[]>`
      select name, entry_id, superseded_by from artist_profiles where id = ${args.artist_profile_id}`;
    if (!artist) throw new ToolError("NOT_FOUND", `No artist profile ${args.artist_profile_id}`);
    if (artist.superseded_by) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `Artist profile ${args.artist_profile_id} (${artist.name}) was merged into ${artist.superseded_by}; invite that profile`,
      );
    }
    const artistNumber = String(artist.entry_id);
    const [already] = await sql<{ status: string }[]>`
      select status::text from artist_invitations
      where event_eid = ${event.eid} and (artist_number = ${artistNumber} or artist_profile_id = ${args.artist_profile_id})
      limit 1`;
    if (already) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${artist.name} has already been invited to ${event.eid} (invitation ${already.status})`,
      );
    }
    const response = await ctx.edge.invoke<EdgeInvitationResponse>(
      "admin-send-invitation",
      {
        event_eid: event.eid,
        artist_number: artistNumber,
        artist_profile_id: args.artist_profile_id,
        message_from_producer: args.message_from_producer,
      },
      { idempotencyKey, caller: ctx.caller },
    );
    return {
      eid: event.eid,
      event: event.name,
      artist_profile_id: args.artist_profile_id,
      artist: artist.name,
      artist_number: artistNumber,
      invitation_id: response.invitation?.id ?? null,
      status: response.invitation?.status ?? null,
      message: response.message ?? "Invitation sent",
      event_starts_at: iso(event.startsAt),
    };
  },
  format: (r) =>
    `Invited ${r.artist} (#${r.artist_number}) to ${r.eid} ${r.event}: invitation ${r.status ?? "recorded"}. ${r.message}`,
});
