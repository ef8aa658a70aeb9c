import type { Rng } from "../random.ts";
import { MOBILE_PREFIX, OVERFLOW_NPA } from "./geo-data.ts";
import type { CityRec } from "./reference.ts";

/**
 * Unique, visibly fictional phone numbers. North America: +1 <city NPA> 555 <4 digits>, skipping
 * 555-0100…0199 (the platform's own sender numbers live there). Elsewhere: the country's mobile
 * prefix, then 555, then a serial.
 */
export class PhoneBook {
  readonly #nextByNpa = new Map<string, number>();
  readonly #nextByCountry = new Map<string, number>();
  #overflow = 0;

  next(city: CityRec): string {
    if (city.spec.npa.length > 0) return this.#northAmerican(city.spec.npa);
    const shape = MOBILE_PREFIX[city.countryCode];
    if (!shape) throw new Error(`no phone shape for ${city.countryCode}`);
    const serial = this.#nextByCountry.get(city.countryCode) ?? 0;
    this.#nextByCountry.set(city.countryCode, serial + 1);
    // Past the block's capacity the serial simply grows a digit, which keeps numbers unique.
    return `${shape.prefix}555${String(serial).padStart(shape.digits, "0")}`;
  }

  #northAmerican(npas: readonly string[]): string {
    for (const npa of npas) {
      const number = this.#take(npa);
      if (number) return number;
    }
    while (this.#overflow < OVERFLOW_NPA.length) {
      const number = this.#take(OVERFLOW_NPA[this.#overflow] as string);
      if (number) return number;
      this.#overflow++;
    }
    throw new Error("fictional phone numbers exhausted");
  }

  #take(npa: string): string | null {
    let line = this.#nextByNpa.get(npa) ?? 0;
    if (line >= 100 && line < 200) line = 200;
    if (line > 9999) return null;
    this.#nextByNpa.set(npa, line + 1);
    return `+1${npa}555${String(line).padStart(4, "0")}`;
  }
}

const EMAIL_DOMAINS = ["example.com", "example.org", "example.net"] as const;

/** Lower-case ASCII slug of a name part ("O'Connor" → "oconnor"). */
export function slug(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** Unique e-mail addresses on the reserved example domains only. */
export class EmailBook {
  readonly #used = new Set<string>();

  reserve(address: string): string {
    this.#used.add(address);
    return address;
  }

  next(rng: Rng, first: string | null, last: string | null, domain?: string): string {
    const f = slug(first ?? "") || "guest";
    const l = slug(last ?? "");
    const host =
      domain ??
      rng.weighted([
        [EMAIL_DOMAINS[0], 6],
        [EMAIL_DOMAINS[1], 2],
        [EMAIL_DOMAINS[2], 2],
      ]);
    const style = rng.int(0, 3);
    let local =
      style === 0 && l
        ? `${f}.${l}`
        : style === 1 && l
          ? `${f}${l}${rng.int(1, 99)}`
          : style === 2 && l
            ? `${f[0]}${l}`
            : `${f}_${rng.int(100, 9999)}`;
    let address = `${local}@${host}`;
    for (let n = 2; this.#used.has(address); n++) {
      local = `${local.replace(/\.\d+$/, "")}.${n}`;
      address = `${local}@${host}`;
    }
    this.#used.add(address);
    return address;
  }
}

/** Small name pools drawn once from faker: per-row faker calls would dominate seeding time. */
export interface NamePools {
  first: string[];
  last: string[];
}

export function buildNamePools(rng: Rng, firstCount = 700, lastCount = 900): NamePools {
  const first = new Set<string>();
  const last = new Set<string>();
  for (let i = 0; i < firstCount * 3 && first.size < firstCount; i++) first.add(rng.faker.person.firstName());
  for (let i = 0; i < lastCount * 3 && last.size < lastCount; i++) last.add(rng.faker.person.lastName());
  return { first: [...first], last: [...last] };
}
