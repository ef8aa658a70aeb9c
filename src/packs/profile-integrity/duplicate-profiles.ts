import { z } from "zod";
import { defineTool, likePattern, ToolError, text } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import { ROLES_OPS_VIEWER } from "./shared.ts";

/** Most matching profiles one search returns (further capped by the gateway's row cap). */
export const PROFILE_MATCH_LIMIT = 20;
/** Most possible duplicates listed per matching profile. */
export const DUPLICATES_PER_PROFILE = 10;
/** A phone query shorter than this matches too much to be useful. */
const MIN_PHONE_DIGITS = 7;

const input = z.strictObject({
  query: text("A phone number (any formatting), an e-mail address, or part of an artist's name", 200),
  search_by: z
    .enum(["phone", "email", "name"])
    .default("name")
    .describe("phone, email or name (default name)"),
});

export type DuplicateReason = "same_phone" | "same_email" | "same_person" | "merged_into" | "merged_from";

export interface PossibleDuplicate {
  id: string;
  name: string;
  entry_id: number;
  is_active: boolean;
  reasons: DuplicateReason[];
}

export interface ProfileMatch {
  id: string;
  name: string;
  entry_id: number;
  /** False when this profile was merged into another (superseded_by). */
  is_active: boolean;
  superseded_by: string | null;
  person_id: string | null;
  /** The profile's own contact, else its person's. */
  email: string | null;
  phone: string | null;
  created_at: string | null;
  possible_duplicates: PossibleDuplicate[];
}

export interface FindDuplicateProfilesResult {
  query: string;
  search_by: "phone" | "email" | "name";
  profiles: ProfileMatch[];
  truncated: boolean;
  /** How many matching profiles have at least one possible duplicate. */
  profiles_with_duplicates: number;
  phone_matching: string;
}

export const PHONE_MATCHING_RULE =
  "Phones are compared by their digits only (no phone-number library is installed): '+1 (416) 555-0000' and " +
  "'14165550000' are the same. A query of at least 7 digits also matches numbers ending in those digits, so a " +
  "number typed without its country code is found.";

/** Digits of a phone column, or NULL when it has none (SQL). */
const digitsOf = (sql: Sql, column: ReturnType<Sql>) =>
  sql`nullif(regexp_replace(${column}, '\\D', '', 'g'), '')`;

/**
 * A phone column's digits, last digit first (SQL). This is exactly the expression of the
 * `*_phone_digits_rev` indexes (src/demo/schema/191_profile_sms_indexes.sql), so keep the two in step:
 * reversing turns "ends with" into "starts with", which a btree can answer, and equality works too.
 */
const reversedDigitsOf = (sql: Sql, column: ReturnType<Sql>) =>
  sql`reverse(regexp_replace(${column}, '\\D', '', 'g'))`;

/**
 * `column`'s digits end with `digits` (which holds only 0-9), written as a range on the reversed
 * digits: everything that starts with the reversed query sorts between it and the same string with
 * its last character bumped by one. The `~>=~`/`~<~` operators compare bytes, like the index's
 * text_pattern_ops, and unlike a LIKE prefix they stay indexable when the statement is prepared
 * with a generic plan.
 */
function digitsEndWith(sql: Sql, column: ReturnType<Sql>, digits: string) {
  const low = [...digits].reverse().join("");
  const high = low.slice(0, -1) + String.fromCharCode(low.charCodeAt(low.length - 1) + 1);
  const reversed = reversedDigitsOf(sql, column);
  return sql`${reversed} ~>=~ ${low} and ${reversed} ~<~ ${high}`;
}

/**
 * Each profile with the phones and e-mails it is known by: its own and its person's. `where`
 * (over `ap`) limits which profiles; without it this is every profile, so only use it unfiltered
 * where the outer condition can be pushed down into it.
 */
function profileContacts(sql: Sql, where = sql`true`) {
  return sql`
    select ap.id, ap.name, ap.entry_id, ap.superseded_by, ap.person_id, ap.created_at,
           coalesce(nullif(ap.email, ''), p.email::text) as email, coalesce(nullif(ap.phone, ''), p.phone::text) as phone,
           array_remove(array[${digitsOf(sql, sql`ap.phone`)}, ${digitsOf(sql, sql`p.phone::text`)}], null) as phones,
           array_remove(array[lower(nullif(ap.email, '')), lower(p.email::text)], null) as emails
    from artist_profiles ap left join people p on p.id = ap.person_id
    where ${where}`;
}

/**
 * The WHERE condition for one search mode over `profileContacts` rows `c`. A phone or e-mail is
 * looked up twice, in the profile's own column and in its person's, and the matches combined as
 * `id = any(…) or person_id = any(…)`: an OR across the two joined tables could use neither
 * table's index, while this is one index scan per table and a BitmapOr on artist_profiles, even
 * in a generic plan.
 */
function matchFilter(sql: Sql, query: string, by: FindDuplicateProfilesResult["search_by"]) {
  switch (by) {
    case "phone": {
      const digits = query.replace(/\D/g, "");
      if (digits.length < MIN_PHONE_DIGITS) {
        throw new ToolError("INVALID_ARGUMENT", `A phone search needs at least ${MIN_PHONE_DIGITS} digits.`);
      }
      // Same digits, or ending in them (a number typed without its country code).
      return sql`(c.id = any(array(select x.id from artist_profiles x where ${digitsEndWith(sql, sql`x.phone`, digits)}))
        or c.person_id = any(array(select xp.id from people xp where ${digitsEndWith(sql, sql`xp.phone::text`, digits)})))`;
    }
    case "email": {
      // Whole address, case-insensitive; `_` and `%` are ordinary characters, not wildcards.
      const email = query.toLowerCase();
      // lower(x.email) is what idx_artist_profiles_email holds; people.email is citext, so `= ::citext`
      // finds the row through its unique index. The other conditions keep the match exactly the one
      // `emails` in profileContacts defines.
      return sql`(c.id = any(array(select x.id from artist_profiles x where lower(x.email) = ${email} and x.email <> ''))
        or c.person_id = any(array(select xp.id from people xp
                                   where xp.email = ${email}::citext and lower(xp.email::text) = ${email})))`;
    }
    case "name":
      return sql`c.name ilike ${likePattern(query)}`;
  }
}

/**
 * Ids of every profile that could be a duplicate of a profile in `m` (the matches, as
 * `profileContacts` rows), one indexed lookup per reason: same phone digits (own or person's),
 * same e-mail (own or person's), same person, or a merge link either way. This is a superset of
 * the pairs the reasons test; the caller applies the exact test, so the answer is the same as
 * comparing the matches with every profile, without reading every profile.
 */
function duplicateCandidates(sql: Sql) {
  return sql`
    select x.id from m join artist_profiles x on x.person_id = m.person_id
    union select x.id from m join artist_profiles x on x.superseded_by = m.id
    union select m.superseded_by from m where m.superseded_by is not null
    union select x.id from m cross join unnest(m.phones) d
      join artist_profiles x on ${reversedDigitsOf(sql, sql`x.phone`)} = reverse(d)
    union select x.id from m cross join unnest(m.phones) d
      join people xp on ${reversedDigitsOf(sql, sql`xp.phone::text`)} = reverse(d)
      join artist_profiles x on x.person_id = xp.id
    union select x.id from m cross join unnest(m.emails) e join artist_profiles x on lower(x.email) = e
    union select x.id from m cross join unnest(m.emails) e
      join people xp on xp.email = e::citext and lower(xp.email::text) = e
      join artist_profiles x on x.person_id = xp.id`;
}

interface MatchRow extends Omit<ProfileMatch, "created_at" | "possible_duplicates" | "is_active"> {
  created_at: Date | null;
}

interface DuplicateRow extends PossibleDuplicate {
  match_id: string;
}

export const findDuplicateProfiles = defineTool({
  name: "find_duplicate_profiles",
  domain: "profile-integrity",
  title: "Find duplicate artist profiles",
  description:
    "Find artist profiles by phone (any formatting; digits compared), exact e-mail, or part of the name " +
    "(default), and for each match list its possible duplicates: other profiles with the same phone or " +
    "e-mail (the profile's own or its person's), the same person record, or a merge link (superseded_by) in " +
    "either direction, with the reasons. Each profile says whether it is active (not merged away), its artist " +
    "number (entry_id), contact and person id. Up to 20 matches. Use it before merging or when an artist " +
    "'has two accounts'. It changes nothing; for a person's audience record use lookup_person.",
  input,
  // `query` echoes what was searched for: an e-mail or phone number in it is masked too.
  pii: { email: "email", phone: "phone", query: "text" },
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 3 },
  async handler(args, { sql, rowCap }): Promise<FindDuplicateProfilesResult> {
    const limit = Math.min(PROFILE_MATCH_LIMIT, rowCap);
    const filter = matchFilter(sql, args.query, args.search_by);
    const rows = await sql<MatchRow[]>`
      with c as (${profileContacts(sql)})
      select c.id, c.name, c.entry_id, c.superseded_by, c.person_id, c.email, c.phone, c.created_at
      from c where ${filter}
      order by (c.superseded_by is null) desc, c.created_at desc nulls last, c.id
      limit ${limit + 1}`;
    const cut = capped(rows, limit);
    const ids = cut.rows.map((r) => r.id);
    const duplicates =
      ids.length === 0
        ? []
        : await sql<DuplicateRow[]>`
      with m as (${profileContacts(sql, sql`ap.id in ${sql(ids)}`)}),
      o as (${profileContacts(sql, sql`ap.id in (${duplicateCandidates(sql)})`)}),
      pairs as (
        select m.id as match_id, o.id, o.name, o.entry_id, o.superseded_by is null as is_active,
               array_remove(array[
                 case when m.phones && o.phones then 'same_phone' end,
                 case when m.emails && o.emails then 'same_email' end,
                 case when m.person_id = o.person_id then 'same_person' end,
                 case when m.superseded_by = o.id then 'merged_into' end,
                 case when o.superseded_by = m.id then 'merged_from' end], null) as reasons,
               row_number() over (partition by m.id order by (o.superseded_by is null) desc, o.created_at desc, o.id) as n
        from m join o on o.id <> m.id
          and (m.phones && o.phones or m.emails && o.emails or m.person_id = o.person_id
               or m.superseded_by = o.id or o.superseded_by = m.id)
        where m.id in ${sql(ids)})
      select match_id, id, name, entry_id, is_active, reasons from pairs
      where n <= ${DUPLICATES_PER_PROFILE} order by match_id, n`;
    const profiles = cut.rows.map((r) => ({
      ...r,
      is_active: r.superseded_by === null,
      created_at: iso(r.created_at),
      possible_duplicates: duplicates.filter((d) => d.match_id === r.id).map(({ match_id: _, ...d }) => d),
    }));
    return {
      query: args.query,
      search_by: args.search_by,
      profiles,
      truncated: cut.truncated,
      profiles_with_duplicates: profiles.filter((p) => p.possible_duplicates.length > 0).length,
      phone_matching: PHONE_MATCHING_RULE,
    };
  },
  format(r) {
    if (r.profiles.length === 0) return `No artist profile matches ${r.search_by} "${r.query}".`;
    const lines = [
      `Artist profiles matching ${r.search_by} "${r.query}" (${r.profiles_with_duplicates} with possible duplicates):`,
    ];
    for (const p of r.profiles) {
      lines.push(
        `- ${p.name} #${p.entry_id} ${p.is_active ? "(active)" : `(merged into ${p.superseded_by})`} — ` +
          `${p.email ?? "no e-mail"}, ${p.phone ?? "no phone"} (id ${p.id})`,
      );
      for (const d of p.possible_duplicates) {
        lines.push(
          `    ~ ${d.name} #${d.entry_id} ${d.is_active ? "active" : "merged"}: ${d.reasons.join(", ")} (id ${d.id})`,
        );
      }
    }
    lines.push(...truncationNote(r.truncated, r.profiles.length));
    return lines.join("\n");
  },
});
