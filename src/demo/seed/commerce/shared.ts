import type { Rng } from "../random.ts";
import type { CoreWorld, WorldArtist, WorldCity, WorldEvent, WorldPerson } from "../world.ts";

/** Time helpers: every timestamp of this domain is an offset from the seed anchor or a core date. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function at(base: Date, offsetMs: number): Date {
  return new Date(base.getTime() + Math.round(offsetMs));
}

/** `when`, or a minute before the anchor if it would fall after it (logs never come from the future). */
export function notAfter(when: Date, anchor: Date): Date {
  return when.getTime() < anchor.getTime() ? when : new Date(anchor.getTime() - MINUTE);
}

/** Money is carried as integer cents and written as exact decimal text, never as a float. */
export function cents(text: string | null | undefined): number {
  if (text === null || text === undefined || text === "") return 0;
  return Math.round(Number(text) * 100);
}

export function money(valueCents: number): string {
  const sign = valueCents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(valueCents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * USD value of one unit (exchange_rates.rate_to_usd semantics), the 9 production currencies plus MXN.
 * Also used to scale ticket prices and payouts into local currency.
 */
export const USD_PER_UNIT: Readonly<Record<string, number>> = {
  USD: 1,
  CAD: 0.735,
  AUD: 0.655,
  NZD: 0.598,
  EUR: 1.085,
  GBP: 1.268,
  THB: 0.0285,
  JPY: 0.0067,
  CNY: 0.138,
  MXN: 0.0585,
};

export function usdPerUnit(currency: string): number {
  return USD_PER_UNIT[currency] ?? 1;
}

/** Round a local-currency amount to the kind of "nice" price a producer would set (cents). */
export function nicePrice(usd: number, currency: string): number {
  const local = usd / usdPerUnit(currency);
  const step = local >= 1000 ? 50 : local >= 100 ? 5 : 1;
  return Math.max(step, Math.round(local / step) * step) * 100;
}

export const CURRENCY_BY_COUNTRY: Readonly<Record<string, string>> = {
  CA: "CAD",
  US: "USD",
  GB: "GBP",
  AU: "AUD",
  NZ: "NZD",
  TH: "THB",
  NL: "EUR",
  DE: "EUR",
  FR: "EUR",
  IE: "EUR",
  MX: "MXN",
  JP: "JPY",
};

/** Art Battle staff addresses: reserved example domains only. */
export const STAFF = {
  artists: "artists@example.org",
  payments: "payments@example.org",
  hello: "hello@example.org",
  admins: ["maya.producer@example.org", "jordan.ops@example.org", "sam.finance@example.org"],
} as const;

/** Visibly fictional North American number (555-01xx block) for platform senders. */
export function fictionalPhone(area: string, n: number): string {
  return `+1${area}55501${String(n % 100).padStart(2, "0")}`;
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Indexes over the core world that several commerce tables need. Built once per seed. */
export interface WorldIndex {
  world: CoreWorld;
  anchor: Date;
  eventById: Map<string, WorldEvent>;
  eventByEid: Map<string, WorldEvent>;
  artistById: Map<string, WorldArtist>;
  personById: Map<string, WorldPerson>;
  cityById: Map<string, WorldCity>;
  /** Events sorted by start, oldest first. */
  eventsByStart: WorldEvent[];
  /** People reachable by SMS (phone set, not message-blocked), in world order. */
  textable: WorldPerson[];
  /** People with an email address, in world order. */
  emailable: WorldPerson[];
  /** Textable people per city id. */
  textableByCity: Map<string, WorldPerson[]>;
}

export function indexWorld(world: CoreWorld, anchor: Date): WorldIndex {
  const textable = world.people.filter((p) => p.phone && p.messageBlocked <= 0);
  const textableByCity = new Map<string, WorldPerson[]>();
  for (const person of textable) {
    const list = textableByCity.get(person.cityId);
    if (list) list.push(person);
    else textableByCity.set(person.cityId, [person]);
  }
  return {
    world,
    anchor,
    eventById: new Map(world.events.map((e) => [e.id, e])),
    eventByEid: new Map(world.events.map((e) => [e.eid, e])),
    artistById: new Map(world.artists.map((a) => [a.id, a])),
    personById: new Map(world.people.map((p) => [p.id, p])),
    cityById: new Map(world.cities.map((c) => [c.id, c])),
    eventsByStart: world.events
      .slice()
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.eid.localeCompare(b.eid)),
    textable,
    emailable: world.people.filter((p) => p.email),
    textableByCity,
  };
}

export function cityName(index: WorldIndex, event: WorldEvent): string {
  return (event.cityId && index.cityById.get(event.cityId)?.name) || "Online";
}

/** Past events that started within `days` before the anchor (newest last). */
export function pastWithin(index: WorldIndex, days: number): WorldEvent[] {
  const from = index.anchor.getTime() - days * DAY;
  return index.eventsByStart.filter(
    (e) => e.phase !== "upcoming" && e.startsAt.getTime() >= from && e.startsAt <= index.anchor,
  );
}

export function upcoming(index: WorldIndex): WorldEvent[] {
  return index.eventsByStart.filter((e) => e.startsAt > index.anchor);
}

/** Full display name, tolerating the NULL name parts production has. */
export function personName(person: WorldPerson, rng: Rng): { first: string; last: string } {
  return {
    first: person.firstName ?? rng.faker.person.firstName(),
    last: person.lastName ?? rng.faker.person.lastName(),
  };
}

/** Lower-case alphanumeric id tail, e.g. Stripe or Telnyx identifiers. */
export function token(rng: Rng, length: number): string {
  return rng.code(length, "abcdefghijklmnopqrstuvwxyz0123456789");
}

export function hex(rng: Rng, length: number): string {
  return rng.code(length, "0123456789abcdef");
}
