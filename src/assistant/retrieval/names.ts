import { editDistance, fold, type Word } from "./text.ts";

/** A name the database knows, as the matcher hands it back. */
export interface KnownName {
  name: string;
  id: string;
}

/** Where a name was found: word positions [from, to) and the entry. */
export interface NameHit {
  from: number;
  to: number;
  entry: KnownName;
}

/** Words that never start or end a person's or artist's name in a question. */
export const NAME_STOP_WORDS = new Set(
  (
    "a about after all also am an and any are artist artists as at be been before bid bids but by can " +
    "could did do does event events for from get give had has have he her his how i if in is it its " +
    "last me my new next no not of on or our owed paid pay please profile show so still that the their " +
    "them then there they this to us was we were what when where which who why will with you your"
  ).split(" "),
);

function push(map: Map<string, string[][]>, k: string, parts: string[]): void {
  const list = map.get(k);
  if (list) list.push(parts);
  else map.set(k, [parts]);
}

function key(parts: readonly string[]): string {
  return parts.join(" ");
}

/**
 * An in-memory index of multi-word names (artists, cities): exact matches on folded word sequences
 * (case- and accent-insensitive), longest first, and optionally one typo in a two-word name.
 */
export class NameIndex {
  readonly #exact = new Map<string, KnownName>();
  readonly #byFirst = new Map<string, string[][]>();
  readonly #byLast = new Map<string, string[][]>();
  readonly #maxWords: number;

  /** `entries` in order of preference: the first entry under a name wins. */
  constructor(entries: readonly KnownName[], options: { minWords?: number } = {}) {
    let maxWords = 1;
    for (const entry of entries) {
      const parts = fold(entry.name)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean);
      if (parts.length < (options.minWords ?? 1)) continue;
      const k = key(parts);
      if (this.#exact.has(k)) continue;
      this.#exact.set(k, entry);
      maxWords = Math.max(maxWords, parts.length);
      if (parts.length === 2) {
        const [first, last] = parts as [string, string];
        push(this.#byFirst, first, parts);
        push(this.#byLast, last, parts);
      }
    }
    this.#maxWords = maxWords;
  }

  get size(): number {
    return this.#exact.size;
  }

  /** Add an alias for a known name (e.g. "Quebec" for "Quebec City") unless the alias is taken. */
  alias(alias: string, entry: KnownName): void {
    const k = fold(alias);
    if (!this.#exact.has(k)) this.#exact.set(k, entry);
  }

  /** Exact matches, longest first, never overlapping; `accept` may veto a hit. */
  find(words: readonly Word[], accept: (hit: NameHit) => boolean = () => true): NameHit[] {
    const hits: NameHit[] = [];
    for (let i = 0; i < words.length; ) {
      let matched: NameHit | null = null;
      for (let n = Math.min(this.#maxWords, words.length - i); n >= 1 && !matched; n--) {
        const entry = this.#exact.get(key(words.slice(i, i + n).map((w) => w.folded)));
        if (entry && accept({ from: i, to: i + n, entry })) matched = { from: i, to: i + n, entry };
      }
      if (matched) {
        hits.push(matched);
        i = matched.to;
      } else {
        i++;
      }
    }
    return hits;
  }

  /**
   * Two-word names typed with one typo in one word ("Marco Delgato"): the other word must match
   * exactly and the mistyped one have at least 5 letters. Only an unambiguous correction counts.
   */
  findTypo(a: Word, b: Word): KnownName | null {
    const found = new Set<string>();
    const consider = (candidates: string[][] | undefined, typed: string, index: 0 | 1) => {
      if (typed.length < 5 || NAME_STOP_WORDS.has(typed)) return;
      for (const parts of candidates ?? []) {
        if (editDistance(typed, parts[index] as string, 1) <= 1) found.add(key(parts));
      }
    };
    consider(this.#byFirst.get(a.folded), b.folded, 1);
    consider(this.#byLast.get(b.folded), a.folded, 0);
    if (found.size !== 1) return null;
    return this.#exact.get([...found][0] as string) ?? null;
  }
}
