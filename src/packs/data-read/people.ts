import { z } from "zod";
import { defineTool, likePattern, ToolError, text } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, iso, ROLES_NO_MARKETING, truncationNote } from "./shared.ts";

/** Most matches a people search returns (further capped by the gateway's row cap). */
export const PEOPLE_MATCH_LIMIT = 20;

const input = z.strictObject({
  query: text("What to look for: part of an e-mail, phone digits, or part of a name", 200),
  search_by: z
    .enum(["email", "phone", "name"])
    .default("name")
    .describe("email, phone or name (default name)"),
});

export interface PersonMatch {
  id: string;
  /** First and last name, else the legacy full name, else the nickname. */
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  nickname: string | null;
  email: string | null;
  phone: string | null;
  is_artist: boolean;
  /** False when this record was merged into another (superseded_by). */
  is_active: boolean;
  superseded_by: string | null;
  created_at: string | null;
  votes: number;
  bids: number;
  artist_profiles: number;
}

export interface LookupPersonResult {
  query: string;
  search_by: "email" | "phone" | "name";
  /** Exact matches first, then newest. */
  people: PersonMatch[];
  truncated: boolean;
}

type PersonRow = Omit<PersonMatch, "created_at"> & { created_at: Date | null };

/** The WHERE condition for one search mode; LIKE wildcards in the query match literally. */
function personFilter(sql: Sql, query: string, by: LookupPersonResult["search_by"]) {
  switch (by) {
    case "email":
      return sql`p.email::text ilike ${likePattern(query)}`;
    case "phone": {
      const digits = query.replace(/\D/g, "");
      if (digits.length < 3)
        throw new ToolError("INVALID_ARGUMENT", "A phone search needs at least 3 digits.");
      return sql`p.phone::text like ${likePattern(digits)}`;
    }
    case "name": {
      // Each part on its own as well as "first last": NULL parts make the concatenation NULL.
      const pattern = likePattern(query);
      return sql`((p.first_name || ' ' || p.last_name) ilike ${pattern} or p.first_name::text ilike ${pattern}
                  or p.last_name::text ilike ${pattern} or p.name ilike ${pattern} or p.nickname ilike ${pattern})`;
    }
  }
}

export const lookupPerson = defineTool({
  name: "lookup_person",
  domain: "data-read",
  title: "Find a person",
  description:
    "Find people (audience members, bidders, voters, artists' personal records) by part of a name (default), " +
    "an e-mail, or phone digits (formatting ignored). Returns up to 20 matches, exact ones first, each with id, " +
    "name parts, e-mail, phone, whether they are an artist, whether the record was merged into another, and " +
    "how many votes, bids and artist profiles they have. Use it to answer 'is X in the system?' or to get a " +
    "person id. For artist profiles (bio, artist number, events) use lookup_artist_profile.",
  input,
  // `query` echoes what was searched for: an e-mail or phone number in it is masked too.
  pii: { email: "email", phone: "phone", query: "text" },
  policy: { roles: ROLES_NO_MARKETING, risk: "low", maxCallsPerRequest: 3, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<LookupPersonResult> {
    const limit = Math.min(PEOPLE_MATCH_LIMIT, rowCap);
    const exact = args.query.toLowerCase();
    const rows = await sql<PersonRow[]>`
      select p.id,
             nullif(coalesce(nullif(concat_ws(' ', p.first_name, p.last_name), ''), p.name, p.nickname), '') as name,
             p.first_name, p.last_name, p.nickname, p.email::text as email, p.phone::text as phone,
             coalesce(p.is_artist, false) as is_artist, p.superseded_by is null as is_active, p.superseded_by,
             p.created_at,
             (select count(*)::int from votes v where v.person_id = p.id) as votes,
             (select count(*)::int from bids b where b.person_id = p.id) as bids,
             (select count(*)::int from artist_profiles ap where ap.person_id = p.id) as artist_profiles
      from people p
      where ${personFilter(sql, args.query, args.search_by)}
      order by coalesce(lower(p.email::text) = ${exact} or p.phone::text = ${args.query}
                or ${exact} in (lower(concat_ws(' ', p.first_name, p.last_name)), lower(p.first_name),
                                lower(p.last_name), lower(p.name), lower(p.nickname)), false) desc,
               p.created_at desc nulls last, p.id
      limit ${limit + 1}`;
    const cut = capped(rows, limit);
    return {
      query: args.query,
      search_by: args.search_by,
      people: cut.rows.map((r) => ({ ...r, created_at: iso(r.created_at) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    if (r.people.length === 0) return `No person matches ${r.search_by} "${r.query}".`;
    const lines = r.people.map(
      (p) =>
        `- ${p.name ?? "(no name)"} — ${p.email ?? "no e-mail"}, ${p.phone ?? "no phone"}` +
        `${p.is_artist ? ", artist" : ""}${p.is_active ? "" : `, merged into ${p.superseded_by}`}; ` +
        `${p.votes} votes, ${p.bids} bids (id ${p.id})`,
    );
    return [
      `People matching ${r.search_by} "${r.query}":`,
      ...lines,
      ...truncationNote(r.truncated, r.people.length),
    ].join("\n");
  },
});
