import type { SeedContext, WorldCity, WorldCountry, WorldVenue } from "../world.ts";
import { CITIES, type CitySpec, COUNTRIES, ZONES } from "./geo-data.ts";
import { calendar, DAY } from "./time.ts";

/** A city with the extra facts the core generators need. */
export interface CityRec extends WorldCity {
  spec: CitySpec;
  countryName: string;
  currencySymbol: string;
  timezoneId: string;
  tax: number;
  venues: VenueRec[];
}

export interface VenueRec extends WorldVenue {
  address: string;
  createdAt: Date;
}

export interface Reference {
  countries: WorldCountry[];
  countryIdByCode: Map<string, string>;
  zones: { id: string; icann: string; name: string; offset: string }[];
  zoneIdByIcann: Map<string, string>;
  cities: CityRec[];
  cityByName: Map<string, CityRec>;
  venues: VenueRec[];
}

const VENUE_KINDS = [
  "Hall",
  "Theatre",
  "Gallery",
  "Ballroom",
  "Warehouse",
  "Social Club",
  "Loft",
  "Arts Centre",
];
const VENUE_WORDS = [
  "Union",
  "Foundry",
  "Lantern",
  "Harbour",
  "Mercury",
  "Orchard",
  "Beacon",
  "Copper",
  "Grand",
  "Atlas",
];
const STREET_WORDS = [
  "King",
  "Queen",
  "Main",
  "Market",
  "Water",
  "Mill",
  "Church",
  "Front",
  "Park",
  "Harbour",
];
const STREET_KINDS = ["St", "Ave", "Rd", "Blvd"];

/** Countries, time zones, cities and venues: fixed reference data, the same at every scale. */
export function buildReference(ctx: SeedContext): Reference {
  const rng = ctx.rng("core:reference");
  const countries: WorldCountry[] = COUNTRIES.map((c) => ({
    id: rng.uuid(),
    code: c.code,
    name: c.name,
    currency: c.currency,
    currencySymbol: c.symbol,
  }));
  const countryIdByCode = new Map(countries.map((c) => [c.code, c.id]));
  const zones = ZONES.map((z) => ({ id: rng.uuid(), icann: z.icann, name: z.name, offset: z.offset }));
  const zoneIdByIcann = new Map(zones.map((z) => [z.icann, z.id]));
  const venueEpoch = calendar(ctx.anchor, "2025-10-06");

  const cities: CityRec[] = CITIES.map((spec) => {
    const country = COUNTRIES.find((c) => c.code === spec.country);
    if (!country) throw new Error(`unknown country ${spec.country}`);
    const city: CityRec = {
      id: rng.uuid(),
      name: spec.name,
      countryId: countryIdByCode.get(spec.country) as string,
      countryCode: spec.country,
      currency: country.currency,
      timezone: spec.zone,
      weight: spec.weight,
      spec,
      countryName: country.name,
      currencySymbol: country.symbol,
      timezoneId: zoneIdByIcann.get(spec.zone) as string,
      tax: country.tax,
      venues: [],
    };
    // Bigger cities rotate between more rooms; the venues table was created in Oct 2025.
    const venueCount = Math.min(4, 1 + Math.floor(spec.weight / 7));
    for (let i = 0; i < venueCount; i++) {
      const word = rng.pick(VENUE_WORDS);
      const kind = rng.pick(VENUE_KINDS);
      city.venues.push({
        id: rng.uuid(),
        cityId: city.id,
        name: i === 0 && rng.chance(0.3) ? `The ${word} ${kind}` : `${word} ${kind} ${city.name}`,
        capacity:
          spec.name === "Victoria" && i === 0
            ? 299
            : rng.weighted([
                [200, 6],
                [150, 1],
                [250, 2],
                [300, 1],
              ]),
        address: `${rng.int(10, 1999)} ${rng.pick(STREET_WORDS)} ${rng.pick(STREET_KINDS)}, ${city.name}`,
        createdAt: new Date(venueEpoch.getTime() + rng.int(0, 20) * DAY + rng.int(0, 86_399) * 1000),
      });
    }
    return city;
  });
  return {
    countries,
    countryIdByCode,
    zones,
    zoneIdByIcann,
    cities,
    cityByName: new Map(cities.map((c) => [c.name, c])),
    venues: cities.flatMap((c) => c.venues),
  };
}

export async function writeReference(ctx: SeedContext, ref: Reference): Promise<void> {
  const created = calendar(ctx.anchor, "2019-06-01");
  await ctx.copy(
    "countries",
    ["id", "name", "code", "currency_code", "currency_symbol", "created_at"],
    ref.countries.map((c) => [c.id, c.name, c.code, c.currency, c.currencySymbol, created]),
  );
  await ctx.copy(
    "timezones",
    ["id", "name", "timezone_offset", "icann", "created_at"],
    ref.zones.map((z) => [z.id, z.name, z.offset, z.icann, created]),
  );
  await ctx.copy(
    "cities",
    ["id", "name", "country_id", "state_province", "timezone_id", "created_at", "updated_at"],
    ref.cities.map((c) => [c.id, c.name, c.countryId, c.spec.state, c.timezoneId, created, created]),
  );
  await ctx.copy(
    "venues",
    ["id", "name", "address", "notes", "city_id", "default_capacity", "created_at", "updated_at"],
    ref.venues.map((v) => [v.id, v.name, v.address, null, v.cityId, v.capacity, v.createdAt, v.createdAt]),
  );
}
