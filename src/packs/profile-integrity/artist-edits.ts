import { z } from "zod";
import { type Caller, defineTool, notFound, ToolError, uuid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";

/** The artist profile columns these tools may change (a fixed list: never taken from input). */
type EditableColumn = "name" | "abhq_bio" | "country";

export interface ArtistEditResult {
  artist_profile_id: string;
  artist: string;
  field: EditableColumn;
  previous: string | null;
  current: string | null;
  changed: boolean;
}

/**
 * Change one column of one active artist profile, in the caller's transaction: the row is locked,
 * a merged (superseded) duplicate is refused in favour of the profile it was merged into, and the
 * previous value is kept in `system_logs` next to the change, so it can be put back.
 */
async function editArtist(
  sql: Sql,
  caller: Caller,
  tool: string,
  id: string,
  column: EditableColumn,
  value: string,
): Promise<ArtistEditResult> {
  const [row] = await sql<{ name: string; previous: string | null; superseded_by: string | null }[]>`
    select name, ${sql(column)}::text as previous, superseded_by
    from artist_profiles where id = ${id} for update`;
  if (!row) throw notFound(`No artist profile ${id}`);
  if (row.superseded_by) {
    throw new ToolError(
      "INVALID_ARGUMENT",
      `Artist profile ${id} (${row.name}) was merged into ${row.superseded_by}; change that profile instead`,
    );
  }
  const changed = row.previous !== value;
  if (changed) {
    await sql`update artist_profiles set ${sql(column)} = ${value}, updated_at = now() where id = ${id}`;
    await sql`
      insert into system_logs (service, operation, level, message, request_data)
      values ('arthur', ${tool}, 'info', ${`Artist profile ${id}: ${column} changed by ${caller.userId}`},
              ${sql.json({ artist_profile_id: id, field: column, previous: row.previous, current: value, by: caller.userId })})`;
  }
  return {
    artist_profile_id: id,
    artist: column === "name" ? value : row.name,
    field: column,
    previous: row.previous,
    current: value,
    changed,
  };
}

function describeEdit(label: string, r: ArtistEditResult, show: (v: string | null) => string): string {
  if (!r.changed) return `${r.artist}: ${label} was already ${show(r.current)}; nothing changed.`;
  return `${r.artist}: ${label} changed from ${show(r.previous)} to ${show(r.current)}.`;
}

const quoted = (value: string | null) => (value === null ? "(empty)" : `"${value}"`);
const length = (value: string | null) => `${value?.length ?? 0} characters`;

const WRITE_POLICY = {
  roles: ["ops"],
  writes: true,
  requiresApproval: true,
  maxCallsPerRequest: 1,
} as const;

export const updateArtistName = defineTool({
  name: "update_artist_name",
  domain: "profile-integrity",
  title: "Rename an artist profile",
  description:
    "Change the display name of one artist profile (by artist_profile_id) — for typos or a preferred name. " +
    "Needs the requester's confirmation and writes enabled. Refuses merged duplicate profiles and names the " +
    "profile to edit instead. Returns the previous and new name. Find the id with lookup_artist_profile.",
  input: z.strictObject({
    artist_profile_id: uuid("Artist profile id"),
    new_name: z.string().trim().min(1).max(200).describe("The new display name (1–200 characters)"),
  }),
  policy: { ...WRITE_POLICY, risk: "high" },
  handler: (args, { sql, caller }) =>
    editArtist(sql, caller, "update_artist_name", args.artist_profile_id, "name", args.new_name),
  format: (r) => describeEdit("name", r, quoted),
});

export const updateArtistBio = defineTool({
  name: "update_artist_bio",
  domain: "profile-integrity",
  title: "Replace an artist's bio",
  description:
    "Replace the Art Battle HQ bio (abhq_bio) of one artist profile with new text (up to 5,000 characters). " +
    "Needs the requester's confirmation and writes enabled. Refuses merged duplicate profiles. Returns the " +
    "previous and new lengths.",
  input: z.strictObject({
    artist_profile_id: uuid("Artist profile id"),
    new_bio: z.string().trim().max(5000).describe("The new bio (at most 5,000 characters)"),
  }),
  policy: { ...WRITE_POLICY, risk: "medium" },
  handler: (args, { sql, caller }) =>
    editArtist(sql, caller, "update_artist_bio", args.artist_profile_id, "abhq_bio", args.new_bio),
  format: (r) => describeEdit("bio", r, length),
});

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/** The English name of an ISO 3166-1 alpha-2 country code, or undefined when it is not one. */
export function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  // Exceptional reservations and user-assigned codes have no country name.
  return code === "EU" || code === "UN" || code === "EZ" ? undefined : regionNames.of(code);
}

export const updateArtistCountry = defineTool({
  name: "update_artist_country",
  domain: "profile-integrity",
  title: "Change an artist's country",
  description:
    "Set the country of one artist profile, as an ISO 3166-1 alpha-2 code such as CA, US, GB or TH (checked " +
    "against the real list). Needs the requester's confirmation and writes enabled. Refuses merged duplicate " +
    "profiles. Returns the previous and new country.",
  input: z.strictObject({
    artist_profile_id: uuid("Artist profile id"),
    new_country: z
      .string()
      .trim()
      .min(2)
      .max(3)
      .transform((value) => value.toUpperCase())
      .describe("Two-letter ISO 3166-1 country code, e.g. CA"),
  }),
  policy: { ...WRITE_POLICY, risk: "medium" },
  handler(args, { sql, caller }) {
    if (!countryName(args.new_country)) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${args.new_country} is not an ISO 3166-1 two-letter country code (e.g. CA, US, GB, TH)`,
      );
    }
    return editArtist(
      sql,
      caller,
      "update_artist_country",
      args.artist_profile_id,
      "country",
      args.new_country,
    );
  },
  format: (r) =>
    describeEdit("country", r, (code) => (code ? `${countryName(code) ?? code} (${code})` : "(none)")),
});
