import { WeightedPicker } from "../allocate.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldArtist } from "../world.ts";
import type { NamedKey, PeopleBook, PersonRec } from "./people.ts";
import type { CityRec, Reference } from "./reference.ts";
import { calendar, DAY, milestone } from "./time.ts";

export interface ArtistRec extends WorldArtist {
  index: number;
  city: CityRec;
  bio: string | null;
  abhqBio: string | null;
  instagram: string | null;
  website: string | null;
  pronouns: string | null;
  aliases: unknown[];
  specialties: string[] | null;
  yearsExperience: number | null;
  isDuplicate: boolean;
  linkedHow: string | null;
  setPrimaryAt: Date | null;
}

export interface ArtistBook {
  artists: ArtistRec[];
  /** Active (not superseded) profiles per city id, oldest first. */
  activeByCity: Map<string, ArtistRec[]>;
  /** All active profiles, oldest first. */
  active: ArtistRec[];
  named: Record<Exclude<NamedKey, "jordan">, ArtistRec>;
}

const MEDIA = ["acrylic", "oil", "spray paint", "mixed media", "gouache", "ink"];
const SUBJECTS = [
  "portraits",
  "cityscapes",
  "abstract figures",
  "wildlife",
  "surreal landscapes",
  "pop-art icons",
];
const SPECIALTIES = ["portrait", "abstract", "landscape", "street art", "figurative", "illustration"];

function bioFor(rng: Rng, name: string, city: CityRec): string {
  return `${name} is a ${city.name}-based painter working in ${rng.pick(MEDIA)}, best known for ${rng.pick(SUBJECTS)}.`;
}

function profileTime(rng: Rng, ctx: SeedContext): Date {
  const history = calendar(ctx.anchor, "2019-08-01").getTime();
  const sequence = milestone(ctx.anchor, "entrySequence").getTime();
  const roll = rng.next();
  if (roll < 0.35) return new Date(history - Math.floor(rng.next() * 6 * 365 * DAY));
  if (roll < 0.88) return new Date(history + Math.floor(rng.next() * (sequence - history)));
  return new Date(sequence + Math.floor(rng.next() * (ctx.anchor.getTime() - 20 * DAY - sequence)));
}

function newArtist(
  rng: Rng,
  index: number,
  city: CityRec,
  name: string,
  person: PersonRec | null,
  createdAt: Date,
): ArtistRec {
  const handle = name.toLowerCase().replace(/[^a-z0-9]+/g, "");
  return {
    id: rng.uuid(),
    index,
    personId: person?.id ?? null,
    entryId: 0,
    name,
    email: person?.email ?? null,
    phone: person?.phone ?? null,
    country: city.countryCode,
    cityId: city.id,
    supersededBy: null,
    createdAt,
    city,
    bio: rng.chance(0.75) ? bioFor(rng, name, city) : null,
    abhqBio: rng.chance(0.2) ? `${name} has competed at Art Battle ${city.name}.` : null,
    instagram: rng.chance(0.6) ? `@${handle}${rng.chance(0.3) ? ".art" : ""}` : null,
    website: rng.chance(0.2) ? `https://${handle}.example.com` : null,
    pronouns: rng.chance(0.3) ? rng.pick(["she/her", "he/him", "they/them"]) : null,
    aliases: rng.chance(0.25) ? [{ form: "17", entry_id: rng.int(10_000, 99_999) }] : [],
    specialties: rng.chance(0.3) ? rng.sample(SPECIALTIES, rng.int(1, 2)) : null,
    yearsExperience: rng.chance(0.4) ? rng.int(1, 25) : null,
    isDuplicate: false,
    linkedHow: null,
    setPrimaryAt: null,
  };
}

/** A second profile of the same artist: how duplicates arise (old form entries, re-sign-ups). */
function duplicateOf(
  rng: Rng,
  ctx: SeedContext,
  index: number,
  primary: ArtistRec,
  people: PeopleBook,
): ArtistRec {
  const [first = primary.name, ...rest] = primary.name.split(" ");
  const last = rest.join(" ");
  const name = rng.weighted([
    [primary.name, 3],
    [primary.name.toLowerCase(), 2],
    [last ? `${first} ${last[0]}.` : `${first} ${rng.pick(people.names.last)}`, 2],
    [`${primary.name.toUpperCase()}`, 1],
  ]);
  const created = new Date(
    Math.min(ctx.anchor.getTime() - DAY, primary.createdAt.getTime() + rng.int(-900, 300) * DAY),
  );
  const dup = newArtist(rng, index, primary.city, name, null, created);
  const viaPerson = primary.personId !== null && rng.chance(0.55);
  dup.personId = viaPerson ? primary.personId : null;
  dup.email = primary.email;
  dup.phone = rng.chance(0.7) ? primary.phone : null;
  dup.supersededBy = primary.id;
  dup.isDuplicate = true;
  dup.linkedHow = viaPerson ? "person_match" : dup.phone ? "phone_match" : "email_match";
  const merged = Math.max(created.getTime(), primary.createdAt.getTime()) + rng.int(1, 200) * DAY;
  primary.setPrimaryAt = new Date(Math.min(merged, ctx.anchor.getTime() - DAY));
  return dup;
}

/** Legacy numbers below 200k for old profiles, 310000+ in creation order since the sequence. */
function assignEntryIds(rng: Rng, ctx: SeedContext, artists: ArtistRec[]): void {
  const sequence = milestone(ctx.anchor, "entrySequence").getTime();
  const ordered = artists
    .slice()
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.index - b.index);
  const legacy = ordered.filter((a) => a.createdAt.getTime() < sequence);
  const range = Math.max(199_000, legacy.length * 2);
  const used = new Set<number>();
  while (used.size < legacy.length) used.add(1_000 + Math.floor(rng.next() * range));
  const numbers = [...used].sort((a, b) => a - b);
  legacy.forEach((a, i) => {
    a.entryId = numbers[i] as number;
  });
  let next = 310_000;
  for (const a of ordered) if (a.createdAt.getTime() >= sequence) a.entryId = next++;
}

/**
 * About 15k profiles at scale 1: ~70% linked to a person (who becomes is_artist), ~14% duplicates
 * pointing at their primary through superseded_by.
 */
export function buildArtists(ctx: SeedContext, ref: Reference, people: PeopleBook): ArtistBook {
  const rng = ctx.rng("core:artists");
  const total = Math.max(ctx.count(15_060), 40);
  const duplicates = Math.round(total * 0.14);
  const picker = new WeightedPicker(
    ref.cities,
    ref.cities.map((c) => c.weight),
  );
  const artists: ArtistRec[] = [];
  const link = (person: PersonRec, artist: ArtistRec) => {
    person.isArtist = true;
    if (person.createdAt > artist.createdAt) person.createdAt = artist.createdAt;
  };

  const namedCreated = calendar(ctx.anchor, "2023-03-15");
  const named = {} as ArtistBook["named"];
  for (const key of ["lena", "marco", "priya"] as const) {
    const person = people.named[key];
    const city = ref.cities.find((c) => c.id === person.cityId) as CityRec;
    const a = newArtist(
      rng,
      artists.length,
      city,
      `${person.firstName} ${person.lastName}`,
      person,
      namedCreated,
    );
    a.bio = bioFor(rng, a.name, city);
    link(person, a);
    named[key] = a;
    artists.push(a);
  }

  const reserved = new Set(["Lena Okafor", "Marco Delgado", "Priya Raman"]);
  while (artists.length < total - duplicates) {
    const city = picker.pick(rng);
    const created = profileTime(rng, ctx);
    let person: PersonRec | null = null;
    const local = people.byCity.get(city.id) ?? [];
    if (local.length > 0 && rng.chance(0.7)) {
      const candidate = people.people[local[rng.int(0, local.length - 1)] as number] as PersonRec;
      if (!candidate.isArtist && candidate.index >= 4) person = candidate;
    }
    let name =
      person?.firstName && person.lastName
        ? `${person.firstName} ${person.lastName}`
        : `${rng.pick(people.names.first)} ${rng.pick(people.names.last)}`;
    if (reserved.has(name)) name = `${name.split(" ")[0]} ${rng.pick(people.names.last)}`;
    const a = newArtist(rng, artists.length, city, name, person, created);
    if (person) link(person, a);
    else {
      const [first, last] = name.split(" ");
      a.email = rng.chance(0.8) ? people.emails.next(rng, first ?? null, last ?? null, "example.net") : null;
      a.phone = rng.chance(0.6) ? people.phones.next(city) : null;
    }
    artists.push(a);
  }

  const primaries = artists.slice();
  while (artists.length < total) {
    const primary = primaries[rng.int(3, primaries.length - 1)] as ArtistRec;
    artists.push(duplicateOf(rng, ctx, artists.length, primary, people));
  }
  assignEntryIds(rng, ctx, artists);

  const active = primaries
    .slice()
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.index - b.index);
  const activeByCity = new Map<string, ArtistRec[]>();
  for (const a of active) {
    const list = activeByCity.get(a.city.id);
    if (list) list.push(a);
    else activeByCity.set(a.city.id, [a]);
  }
  return { artists, activeByCity, active, named };
}
