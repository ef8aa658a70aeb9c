import { z } from "zod";
import { defineTool, eid, ToolError, uuid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import {
  artistById,
  capped,
  eventByEid,
  iso,
  ROLES_OPS_EP_VIEWER,
  truncationNote,
} from "../data-read/shared.ts";
import { type InvitationStatus, invitationCounts } from "./shared.ts";

const input = z.strictObject({
  eid: eid().optional(),
  artist_profile_id: uuid("Artist profile id").optional(),
});

export interface InvitationRow {
  id: string;
  eid: string | null;
  event_name: string | null;
  status: InvitationStatus;
  artist_profile_id: string | null;
  artist_number: string | null;
  artist_name: string | null;
  email: string | null;
  phone: string | null;
  /** The artist also has a confirmation for this event that is not withdrawn. */
  confirmed: boolean;
  created_at: string | null;
  accepted_at: string | null;
}

export interface ArtistInvitationsResult {
  eid: string | null;
  artist_profile_id: string | null;
  /** Exact counts over every matching invitation, not just the listed page. */
  counts: Record<InvitationStatus, number> & { total: number };
  invitations: InvitationRow[];
  truncated: boolean;
}

/**
 * Invitations matching the filters, each with its artist: by profile id, else (for rows whose id was
 * lost in the 2025 breakage) by artist_number = entry_id, compared as integers so the unique index serves it.
 */
function matching(sql: Sql, eventEid: string | undefined, profileId: string | undefined) {
  return sql`
    select i.*, ap.id as profile_id, ap.name as artist_name, ap.entry_id,
           coalesce(nullif(ap.email, ''), p.email::text) as email, coalesce(nullif(ap.phone, ''), p.phone::text) as phone
    from artist_invitations i
    left join artist_profiles ap on ap.id = coalesce(i.artist_profile_id,
      (select x.id from artist_profiles x
       where x.entry_id = case when i.artist_number ~ '^\\d{1,9}$' then i.artist_number::int end))
    left join people p on p.id = ap.person_id
    where true
      ${eventEid === undefined ? sql`` : sql`and i.event_eid = ${eventEid}`}
      ${profileId === undefined ? sql`` : sql`and ap.id = ${profileId}`}`;
}

type Row = Omit<InvitationRow, "created_at" | "accepted_at"> & {
  created_at: Date | null;
  accepted_at: Date | null;
};

export const getArtistInvitations = defineTool({
  name: "get_artist_invitations",
  domain: "profile-integrity",
  title: "Artist invitations",
  description:
    "Invitations sent to artists to paint at events, for one event (eid), one artist (artist_profile_id) or " +
    "both (at least one is required). Returns exact counts by status (pending, accepted, declined, withdrawn, " +
    "expired — the only statuses that exist) and the newest invitations (up to the row cap) with event, artist " +
    "name, artist number, contact, whether the artist also confirmed (and has not withdrawn), and sent/accepted " +
    "times. Use it for 'who have we invited to AB4023?' or 'did X accept?'. It sends nothing; to invite use " +
    "send_artist_invitation. For the overall event picture use get_event_readiness.",
  input,
  pii: { email: "email", phone: "phone" },
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<ArtistInvitationsResult> {
    if (args.eid === undefined && args.artist_profile_id === undefined) {
      throw new ToolError("INVALID_ARGUMENT", "Give an eid, an artist_profile_id, or both.");
    }
    const event = args.eid === undefined ? undefined : await eventByEid(sql, args.eid);
    if (args.artist_profile_id !== undefined) await artistById(sql, args.artist_profile_id);
    const rows = matching(sql, event?.eid, args.artist_profile_id);
    const counted = await sql<{ status: string; n: number }[]>`
      with m as (${rows}) select status::text as status, count(*)::int as n from m group by 1`;
    const listed = await sql<Row[]>`
      with m as (${rows})
      select m.id, m.event_eid as eid, e.name as event_name, m.status::text as status, m.profile_id as artist_profile_id,
             coalesce(m.artist_number, m.entry_id::text) as artist_number, m.artist_name, m.email, m.phone,
             exists (select 1 from artist_confirmations c
                     where c.event_eid = m.event_eid and c.artist_profile_id = m.profile_id
                       and c.confirmation_status = 'confirmed' and c.withdrawn_at is null) as confirmed,
             m.created_at, m.accepted_at
      from m left join events e on e.eid = m.event_eid
      order by m.created_at desc nulls last, m.id
      limit ${rowCap + 1}`;
    const cut = capped(listed, rowCap);
    const counts = invitationCounts(counted);
    return {
      eid: event?.eid ?? null,
      artist_profile_id: args.artist_profile_id ?? null,
      counts: { ...counts, total: counted.reduce((s, c) => s + c.n, 0) },
      invitations: cut.rows.map((r) => ({
        ...r,
        created_at: iso(r.created_at),
        accepted_at: iso(r.accepted_at),
      })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const scope = [r.eid, r.artist_profile_id && `artist ${r.artist_profile_id}`].filter(Boolean).join(", ");
    const c = r.counts;
    const lines = [
      `Invitations for ${scope}: ${c.total} — ${c.pending} pending, ${c.accepted} accepted, ${c.declined} declined, ` +
        `${c.withdrawn} withdrawn, ${c.expired} expired`,
      ...r.invitations.map(
        (i) =>
          `- ${i.eid ?? "?"} ${i.artist_name ?? "(unlinked artist)"} #${i.artist_number ?? "?"}: ${i.status}` +
          `${i.confirmed ? ", confirmed" : ""} (sent ${i.created_at?.slice(0, 10) ?? "?"})`,
      ),
      ...truncationNote(r.truncated, r.invitations.length),
    ];
    return lines.join("\n");
  },
});
