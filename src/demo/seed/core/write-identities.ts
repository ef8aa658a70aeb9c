import { json } from "../copy.ts";
import type { SeedContext } from "../world.ts";
import type { ArtistBook, ArtistRec } from "./artists.ts";
import type { PeopleBook, PersonRec } from "./people.ts";
import type { Reference } from "./reference.ts";
import { calendar, DAY } from "./time.ts";

const PEOPLE_COLUMNS = [
  "id",
  "email",
  "phone",
  "phone_number",
  "auth_phone",
  "auth_user_id",
  "name",
  "first_name",
  "last_name",
  "nickname",
  "hash",
  "is_artist",
  "message_blocked",
  "verified",
  "total_spent",
  "interaction_count",
  "last_interaction_at",
  "last_qr_scan_at",
  "last_qr_event_id",
  "art_battle_news",
  "notification_emails",
  "loyalty_offers",
  "registered_at",
  "self_registered",
  "region_code",
  "mongo_id",
  "created_at",
  "updated_at",
] as const;

function* personRows(people: readonly PersonRec[], countryOf: Map<string, string>) {
  for (const p of people) {
    const last = p.lastActivity > 0 ? new Date(p.lastActivity) : null;
    yield [
      p.id,
      p.email,
      p.phone,
      p.phoneNumberLegacy,
      p.authUserId ? p.phone : null,
      p.authUserId,
      p.fullName,
      p.firstName,
      p.lastName,
      p.nickname,
      p.hash,
      p.isArtist,
      p.messageBlocked,
      p.authUserId !== null,
      p.totalSpent,
      p.interactions,
      last,
      p.lastQrScanAt,
      p.lastQrEventId,
      p.newsletter,
      p.newsletter && p.email !== null,
      p.newsletter,
      p.registeredAt,
      p.registeredAt === "web" || p.registeredAt === "qr",
      countryOf.get(p.cityId) ?? null,
      p.mongoId,
      p.createdAt,
      last && last > p.createdAt ? last : p.createdAt,
    ];
  }
}

const ARTIST_COLUMNS = [
  "id",
  "person_id",
  "entry_id",
  "name",
  "email",
  "phone",
  "bio",
  "abhq_bio",
  "city",
  "city_text",
  "city_id",
  "country",
  "website",
  "instagram",
  "pronouns",
  "aliases",
  "form_17_entry_id",
  "set_primary_profile_at",
  "superseded_by",
  "is_duplicate",
  "linked_how",
  "specialties",
  "years_experience",
  "mongo_id",
  "created_at",
  "updated_at",
] as const;

function* artistRows(artists: readonly ArtistRec[], legacyBefore: number, ctx: SeedContext) {
  const rng = ctx.rng("core:write:artists");
  for (const a of artists) {
    const legacy = a.createdAt.getTime() < legacyBefore;
    const form17 = a.aliases.length > 0 ? ((a.aliases[0] as { entry_id?: number }).entry_id ?? null) : null;
    const touched = new Date(
      Math.min(ctx.anchor.getTime() - DAY, a.createdAt.getTime() + rng.int(0, 400) * DAY),
    );
    yield [
      a.id,
      a.personId,
      a.entryId,
      a.name,
      a.email,
      a.phone,
      a.bio,
      a.abhqBio,
      a.city.name,
      rng.chance(0.5) ? a.city.name : null,
      a.cityId,
      a.country,
      a.website,
      a.instagram,
      a.pronouns,
      json(a.aliases),
      form17,
      a.setPrimaryAt,
      a.supersededBy,
      a.isDuplicate,
      a.linkedHow,
      a.specialties,
      a.yearsExperience,
      legacy ? rng.code(24, "0123456789abcdef") : null,
      a.createdAt,
      touched,
    ];
  }
}

/** auth.users, people and artist_profiles, in FK order. */
export async function writeIdentities(
  ctx: SeedContext,
  ref: Reference,
  people: PeopleBook,
  artists: ArtistBook,
): Promise<void> {
  const withAuth = people.people.filter((p) => p.authUserId !== null);
  await ctx.copy(
    "auth.users",
    ["id", "phone", "email", "raw_user_meta_data", "created_at"],
    withAuth.map((p) => [
      p.authUserId,
      p.phone?.replace(/^\+/, "") ?? null,
      p.email,
      { phone_verified: true, ...(p.firstName ? { name: p.fullName ?? p.firstName } : {}) },
      p.authCreatedAt,
    ]),
  );
  const countryOf = new Map(ref.cities.map((c) => [c.id, c.countryCode]));
  await ctx.copy("people", PEOPLE_COLUMNS, personRows(people.people, countryOf));
  const legacyBefore = calendar(ctx.anchor, "2021-01-01").getTime();
  await ctx.copy("artist_profiles", ARTIST_COLUMNS, artistRows(artists.artists, legacyBefore, ctx));
}
