import type { Sql } from "../../db/index.ts";
import { type KnownName, NAME_STOP_WORDS, type NameHit, NameIndex } from "./names.ts";
import { fold, type Word, words } from "./text.ts";
import type { Entities } from "./types.ts";

/** How long the city and artist lists are reused before they are read again. */
export const NAME_CACHE_TTL_MS = 5 * 60 * 1000;

// City names that are also everyday words or first names: matched only when capitalised or after a
// preposition ("in victoria"), so "Victoria Chen" or "austin's payout" does not name a city.
const AMBIGUOUS_CITIES = new Set([
  "victoria",
  "hamilton",
  "austin",
  "phoenix",
  "sydney",
  "london",
  "wellington",
]);
const PLACE_PREPOSITIONS = new Set(["in", "at", "near", "from", "for", "to", "around", "outside"]);
// Short forms people type for cities, used only when the city exists in the database.
const CITY_ALIASES: readonly [string, string][] = [
  ["SF", "San Francisco"],
  ["NYC", "New York"],
  ["LA", "Los Angeles"],
  ["Philly", "Philadelphia"],
  ["Montreal", "Montréal"],
  ["Cancun", "Cancún"],
];
const PEOPLE_CANDIDATE_LIMIT = 24;

interface Lists {
  cities: NameIndex;
  artists: NameIndex;
}

interface CacheEntry {
  at: number;
  lists: Promise<Lists>;
}

const cache = new WeakMap<Sql, CacheEntry>();

async function loadLists(sql: Sql): Promise<Lists> {
  const [cityRows, artistRows] = await Promise.all([
    sql<{ name: string }[]>`select distinct name from cities where name is not null order by name`,
    sql<KnownName[]>`
      select id::text as id, name from artist_profiles
      where name is not null
      order by (superseded_by is null) desc, created_at, id`,
  ]);
  const cities = new NameIndex(cityRows.map((r) => ({ name: r.name, id: r.name })));
  const byName = new Map(cityRows.map((r) => [fold(r.name), r.name]));
  for (const [alias, name] of CITY_ALIASES) {
    const canonical = byName.get(fold(name));
    if (canonical) cities.alias(alias, { name: canonical, id: canonical });
  }
  for (const r of cityRows) {
    const short = r.name.replace(/\s+city$/i, "");
    if (short !== r.name) cities.alias(short, { name: r.name, id: r.name });
  }
  return { cities, artists: new NameIndex(artistRows, { minWords: 2 }) };
}

function lists(sql: Sql, now: number, ttlMs: number): Promise<Lists> {
  const hit = cache.get(sql);
  if (hit && now - hit.at < ttlMs) return hit.lists;
  const entry = { at: now, lists: loadLists(sql) };
  // A failed load is not cached: the next question tries again.
  entry.lists.catch(() => cache.delete(sql));
  cache.set(sql, entry);
  return entry.lists;
}

/** Words of the text outside e-mail addresses and links, whose parts must never read as names. */
function nameWords(text: string): Word[] {
  const blanked = text.replace(/\S+@\S+|https?:\/\/\S+|<[^>]*>/g, (m) => " ".repeat(m.length));
  return words(blanked).filter((w) => !/\d/.test(w.folded));
}

function findArtists(index: NameIndex, ws: Word[]): NameHit[] {
  const hits = index.find(ws);
  const taken = new Set(hits.flatMap((h) => Array.from({ length: h.to - h.from }, (_, k) => h.from + k)));
  for (let i = 0; i + 1 < ws.length; i++) {
    if (taken.has(i) || taken.has(i + 1)) continue;
    const entry = index.findTypo(ws[i] as Word, ws[i + 1] as Word);
    if (entry) {
      hits.push({ from: i, to: i + 2, entry });
      taken.add(i).add(i + 1);
    }
  }
  return hits.sort((a, b) => a.from - b.from);
}

function findCities(index: NameIndex, ws: Word[], taken: Set<number>): string[] {
  const hits = index.find(ws, (hit) => {
    for (let k = hit.from; k < hit.to; k++) if (taken.has(k)) return false;
    const first = ws[hit.from] as Word;
    if (hit.to - hit.from === 1 && AMBIGUOUS_CITIES.has(first.folded)) {
      const before = ws[hit.from - 1]?.folded ?? "";
      return /^\p{Lu}/u.test(first.raw) || PLACE_PREPOSITIONS.has(before);
    }
    // Two-letter aliases ("LA", "SF") only as typed in capitals.
    if (first.raw.length <= 3 && hit.to - hit.from === 1) return first.raw === first.raw.toUpperCase();
    return true;
  });
  return [...new Set(hits.map((h) => h.entry.name))];
}

async function findPeople(sql: Sql, ws: Word[], taken: Set<number>): Promise<NameHit[]> {
  const pairs: { from: number; full: string }[] = [];
  for (let i = 0; i + 1 < ws.length && pairs.length < PEOPLE_CANDIDATE_LIMIT; i++) {
    const a = ws[i] as Word;
    const b = ws[i + 1] as Word;
    if (taken.has(i) || taken.has(i + 1) || a.end + 3 < b.start) continue;
    if (NAME_STOP_WORDS.has(a.folded) || NAME_STOP_WORDS.has(b.folded) || a.folded.length < 2) continue;
    pairs.push({ from: i, full: `${a.raw} ${b.raw}`.toLowerCase() });
  }
  if (pairs.length === 0) return [];
  const patterns = pairs.map((p) => p.full.replace(/[\\%_]/g, (c) => `\\${c}`));
  const rows = await sql<{ id: string; first_name: string; last_name: string }[]>`
    select id::text as id, first_name, last_name from people
    where (first_name || ' ' || last_name) ilike any(${patterns}::text[]) and superseded_by is null
    order by created_at, id
    limit 50`;
  const byFull = new Map<string, KnownName>();
  for (const r of rows) {
    const full = `${r.first_name} ${r.last_name}`;
    if (!byFull.has(full.toLowerCase())) byFull.set(full.toLowerCase(), { name: full, id: r.id });
  }
  return pairs.flatMap((p) => {
    const entry = byFull.get(p.full);
    return entry ? [{ from: p.from, to: p.from + 2, entry }] : [];
  });
}

/**
 * Add what needs the database to pattern-found entities: cities (whole words, case- and
 * accent-insensitive, multi-word names, a few common short forms), artists (full profile names,
 * tolerating one typo in a two-word name; active profiles preferred) and people who are not those
 * artists (first and last name). City and artist names are held in memory per database handle for
 * `ttlMs` (5 minutes); people are looked up in one query per question, only when the text has
 * candidate name pairs. Returns a new object; throws what the database throws.
 */
export async function resolveEntities(
  sql: Sql,
  text: string,
  base: Entities,
  options: { now?: () => number; ttlMs?: number } = {},
): Promise<Entities> {
  const { cities, artists } = await lists(
    sql,
    (options.now ?? Date.now)(),
    options.ttlMs ?? NAME_CACHE_TTL_MS,
  );
  const ws = nameWords(text);
  const artistHits = findArtists(artists, ws);
  const taken = new Set<number>();
  const mark = (hits: NameHit[]) => {
    for (const h of hits) for (let k = h.from; k < h.to; k++) taken.add(k);
  };
  mark(artistHits);
  const peopleHits = await findPeople(sql, ws, taken);
  mark(peopleHits);
  const unique = (hits: NameHit[]) => [...new Map(hits.map((h) => [h.entry.id, h.entry])).values()];
  return {
    ...base,
    cities: [...new Set([...base.cities, ...findCities(cities, ws, taken)])],
    artists: [...base.artists, ...unique(artistHits).filter((a) => !base.artists.some((b) => b.id === a.id))],
    people: [...base.people, ...unique(peopleHits).filter((p) => !base.people.some((b) => b.id === p.id))],
  };
}

/** Forget the cached name lists (tests, or after a bulk import). */
export function clearNameCache(sql: Sql): void {
  cache.delete(sql);
}
