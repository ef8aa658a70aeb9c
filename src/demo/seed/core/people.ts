import { WeightedPicker } from "../allocate.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldPerson } from "../world.ts";
import { buildNamePools, EmailBook, type NamePools, PhoneBook } from "./contacts.ts";
import type { CityRec, Reference } from "./reference.ts";
import { calendar, DAY } from "./time.ts";

/** A person row plus the activity the simulation records for it. */
export interface PersonRec extends WorldPerson {
  index: number;
  fullName: string | null;
  nickname: string | null;
  hash: string;
  mongoId: string | null;
  registeredAt: string | null;
  phoneNumberLegacy: string | null;
  newsletter: boolean;
  authUserId: string | null;
  authCreatedAt: Date | null;
  /** Epoch ms of the first and last vote, bid or scan (Infinity / 0 when none). */
  firstActivity: number;
  lastActivity: number;
  interactions: number;
  totalSpent: number;
  lastQrScanAt: Date | null;
  lastQrEventId: string | null;
}

/** Named people the scenario tests look for (docs/demo-data.md, "Scenario events"). */
export const NAMED_PEOPLE = [
  { key: "jordan", first: "Jordan", last: "Lee", city: "Seattle", email: "jordan.lee@example.com" },
  { key: "lena", first: "Lena", last: "Okafor", city: "Toronto", email: "lena.okafor@example.com" },
  { key: "marco", first: "Marco", last: "Delgado", city: "Seattle", email: "marco.delgado@example.com" },
  { key: "priya", first: "Priya", last: "Raman", city: "Vancouver", email: "priya.raman@example.com" },
] as const;

export type NamedKey = (typeof NAMED_PEOPLE)[number]["key"];

export interface PeopleBook {
  people: PersonRec[];
  /** Person indices per city id, in creation order (the front of each list are the regulars). */
  byCity: Map<string, number[]>;
  named: Record<NamedKey, PersonRec>;
  names: NamePools;
  phones: PhoneBook;
  emails: EmailBook;
}

interface NameParts {
  first: string | null;
  last: string | null;
  nickname: string | null;
}

/** Name parts are often missing in production (nickname-only sign-ups). */
function nameParts(rng: Rng, pools: NamePools): NameParts {
  const first = rng.pick(pools.first);
  const last = rng.pick(pools.last);
  const roll = rng.next();
  if (roll < 0.12) return { first: null, last: null, nickname: `${first.toLowerCase()}${rng.int(1, 99)}` };
  if (roll < 0.2) return { first, last: null, nickname: rng.chance(0.5) ? first : null };
  return { first, last, nickname: rng.chance(0.1) ? first : null };
}

function makePerson(
  rng: Rng,
  index: number,
  city: CityRec,
  parts: NameParts,
  contact: { email: string | null; phone: string | null },
  createdAt: Date,
): PersonRec {
  const fullName =
    parts.first && parts.last && rng.chance(0.7) ? `${parts.first} ${parts.last}` : (parts.nickname ?? null);
  return {
    id: rng.uuid(),
    index,
    firstName: parts.first,
    lastName: parts.last,
    email: contact.email,
    phone: contact.phone,
    cityId: city.id,
    isArtist: false,
    messageBlocked: rng.chance(0.13) ? 1 : 0,
    createdAt,
    fullName,
    nickname: parts.nickname,
    hash: `${rng.code(8, "abcdefghijklmnopqrstuvwxyz0123456789")}${index.toString(36)}`,
    mongoId: null,
    registeredAt: rng.weighted([
      ["sms", 5],
      ["web", 3],
      ["qr", 2],
      [null, 2],
    ]),
    phoneNumberLegacy: null,
    newsletter: rng.chance(0.4),
    authUserId: null,
    authCreatedAt: null,
    firstActivity: Number.POSITIVE_INFINITY,
    lastActivity: 0,
    interactions: 0,
    totalSpent: 0,
    lastQrScanAt: null,
    lastQrEventId: null,
  };
}

/**
 * About 107k people at scale 1, spread over cities by event weight. Most have a phone (E.164,
 * unique), about half an e-mail; created_at is provisional until activity is known.
 */
export function buildPeople(ctx: SeedContext, ref: Reference): PeopleBook {
  const rng = ctx.rng("core:people");
  const names = buildNamePools(ctx.rng("core:people:names"));
  const phones = new PhoneBook();
  const emails = new EmailBook();
  for (const n of NAMED_PEOPLE) emails.reserve(n.email);
  const total = Math.max(ctx.count(106_899), 200);
  const historyStart = calendar(ctx.anchor, "2019-08-01").getTime();
  const early = historyStart - 5 * 365 * DAY;
  const span = ctx.anchor.getTime() - DAY - historyStart;
  const picker = new WeightedPicker(
    ref.cities,
    ref.cities.map((c) => c.weight),
  );
  const people: PersonRec[] = [];
  const byCity = new Map<string, number[]>();
  const add = (p: PersonRec) => {
    people.push(p);
    const list = byCity.get(p.cityId);
    if (list) list.push(p.index);
    else byCity.set(p.cityId, [p.index]);
  };

  const named = {} as Record<NamedKey, PersonRec>;
  for (const n of NAMED_PEOPLE) {
    const city = ref.cityByName.get(n.city) as CityRec;
    const created = new Date(historyStart + Math.floor(rng.next() * span * 0.5));
    const p = makePerson(
      rng,
      people.length,
      city,
      { first: n.first, last: n.last, nickname: null },
      {
        email: n.email,
        phone: phones.next(city),
      },
      created,
    );
    p.fullName = `${n.first} ${n.last}`;
    p.messageBlocked = 0;
    named[n.key] = p;
    add(p);
  }

  while (people.length < total) {
    const city = picker.pick(rng);
    const parts = nameParts(rng, names);
    const hasPhone = rng.chance(0.955);
    const hasEmail = !hasPhone || rng.chance(0.55);
    const created = rng.chance(0.2)
      ? new Date(early + Math.floor(rng.next() * (historyStart - early)))
      : new Date(historyStart + Math.floor(rng.next() * span));
    const p = makePerson(
      rng,
      people.length,
      city,
      parts,
      {
        email: hasEmail ? emails.next(rng, parts.first ?? parts.nickname, parts.last) : null,
        phone: hasPhone ? phones.next(city) : null,
      },
      created,
    );
    if (created.getTime() < historyStart + 500 * DAY) p.mongoId = rng.code(24, "0123456789abcdef");
    add(p);
  }
  // Production had the legacy phone_number column filled on three rows.
  for (let i = 0, found = 0; i < people.length && found < 3; i += 97) {
    const p = people[i] as PersonRec;
    if (p.phone && i >= NAMED_PEOPLE.length) {
      p.phoneNumberLegacy = p.phone.slice(2);
      found++;
    }
  }
  return { people, byCity, named, names, phones, emails };
}
