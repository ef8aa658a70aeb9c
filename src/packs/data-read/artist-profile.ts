import { z } from "zod";
import { defineTool, likePattern, ToolError, text } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, iso, ROLES_NO_MARKETING, truncationNote } from "./shared.ts";

/** Most profiles a name search returns (further capped by the gateway's row cap). */
export const PROFILE_MATCH_LIMIT = 20;
/** Bios are cut to this many characters (with "…") so a list of profiles stays small. */
export const BIO_CHARS = 500;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const input = z.strictObject({
  query: text("Part of the artist's name, or a profile id / person id (UUID)", 200),
  search_by: z
    .enum(["name", "id", "person_id"])
    .default("name")
    .describe("name (default), id (artist profile UUID) or person_id (the person's UUID)"),
});

export interface ArtistProfileMatch {
  id: string;
  /** The artist number (entry_id). */
  entry_id: number;
  name: string;
  /** False when this profile is a duplicate merged into another (superseded_by). */
  is_active: boolean;
  superseded_by: string | null;
  person_id: string | null;
  email: string | null;
  phone: string | null;
  /** Contact details of the linked person record, which may differ from the profile's own. */
  person_email: string | null;
  person_phone: string | null;
  city: string | null;
  country: string | null;
  pronouns: string | null;
  instagram: string | null;
  website: string | null;
  /** Admin-curated bio, cut to 500 characters. */
  abhq_bio: string | null;
  /** Artist-written bio, cut to 500 characters. */
  bio: string | null;
  events_competed: number;
  last_event_eid: string | null;
  last_event_start: string | null;
  created_at: string | null;
}

export interface ArtistProfileResult {
  query: string;
  search_by: "name" | "id" | "person_id";
  /** Exact name matches and active profiles first. */
  profiles: ArtistProfileMatch[];
  truncated: boolean;
}

type ProfileRow = Omit<ArtistProfileMatch, "last_event_start" | "created_at"> & {
  last_event_start: Date | null;
  created_at: Date | null;
};

function profileFilter(sql: Sql, query: string, by: ArtistProfileResult["search_by"]) {
  if (by === "name") return sql`ap.name::text ilike ${likePattern(query)}`;
  if (!UUID_RE.test(query)) {
    throw new ToolError("INVALID_ARGUMENT", `search_by ${by} needs a UUID; "${query}" is not one.`);
  }
  return by === "id" ? sql`ap.id = ${query}` : sql`ap.person_id = ${query}`;
}

export const lookupArtistProfile = defineTool({
  name: "lookup_artist_profile",
  domain: "data-read",
  title: "Find an artist profile",
  description:
    "Find artist profiles by part of the artist's name (default), by profile id, or by the linked person's id. " +
    "Returns up to 20 profiles, exact name matches and active ones first: artist number (entry_id), name, " +
    "whether it is active or a merged duplicate, contact e-mail/phone (the profile's and the linked person's), " +
    "city, country, pronouns, Instagram, website, bios (cut to 500 characters), how many events they competed " +
    "in and their last event. Use it for 'tell me about artist X' or to get an artist_profile_id for other " +
    "tools. For duplicate hunting use find_duplicate_profiles; for sales use get_auction_revenue.",
  input,
  pii: { email: "email", phone: "phone", person_email: "email", person_phone: "phone" },
  policy: { roles: ROLES_NO_MARKETING, risk: "low", maxCallsPerRequest: 3, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<ArtistProfileResult> {
    const limit = Math.min(PROFILE_MATCH_LIMIT, rowCap);
    const rows = await sql<ProfileRow[]>`
      select ap.id, ap.entry_id, ap.name, ap.superseded_by is null as is_active, ap.superseded_by, ap.person_id,
             ap.email, ap.phone, p.email::text as person_email, p.phone::text as person_phone,
             coalesce(nullif(ap.city, ''), nullif(ap.city_text, ''), c.name) as city, ap.country, ap.pronouns,
             ap.instagram, ap.website,
             case when length(ap.abhq_bio) > ${BIO_CHARS} then left(ap.abhq_bio, ${BIO_CHARS}) || '…'
                  else ap.abhq_bio end as abhq_bio,
             case when length(ap.bio) > ${BIO_CHARS} then left(ap.bio, ${BIO_CHARS}) || '…' else ap.bio end as bio,
             coalesce(hist.events, 0)::int as events_competed, hist.last_eid as last_event_eid,
             hist.last_start as last_event_start, ap.created_at
      from artist_profiles ap
      left join people p on p.id = ap.person_id
      left join cities c on c.id = ap.city_id
      left join lateral (
        select count(distinct e.id) as events,
               (array_agg(e.eid order by e.event_start_datetime desc nulls last))[1] as last_eid,
               max(e.event_start_datetime) as last_start
        from art a join events e on e.id = a.event_id
        where a.artist_id = ap.id
      ) hist on true
      where ${profileFilter(sql, args.query, args.search_by)}
      order by (lower(ap.name) = ${args.query.toLowerCase()}) desc, (ap.superseded_by is null) desc,
               hist.last_start desc nulls last, ap.created_at desc nulls last, ap.id
      limit ${limit + 1}`;
    const page = capped(rows, limit);
    return {
      query: args.query,
      search_by: args.search_by,
      profiles: page.rows.map((r) => ({
        ...r,
        last_event_start: iso(r.last_event_start),
        created_at: iso(r.created_at),
      })),
      truncated: page.truncated,
    };
  },
  format(r) {
    if (r.profiles.length === 0) return `No artist profile matches ${r.search_by} "${r.query}".`;
    const lines = r.profiles.map(
      (a) =>
        `- ${a.name} (#${a.entry_id}${a.is_active ? "" : `, merged into ${a.superseded_by}`}) — ` +
        `${[a.city, a.country].filter(Boolean).join(", ") || "no location"}; ${a.email ?? a.person_email ?? "no e-mail"}, ` +
        `${a.phone ?? a.person_phone ?? "no phone"}; ${a.events_competed} events` +
        `${a.last_event_eid ? `, last ${a.last_event_eid}` : ""} (id ${a.id})`,
    );
    return [
      `Artist profiles matching ${r.search_by} "${r.query}":`,
      ...lines,
      ...truncationNote(r.truncated, r.profiles.length),
    ].join("\n");
  },
});
