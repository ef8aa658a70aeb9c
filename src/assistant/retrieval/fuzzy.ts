import { editDistance } from "./text.ts";

/** Shortest word a typo is looked up for: shorter words have too many neighbours. */
const MIN_TYPO_LENGTH = 4;
/** Shortest word read as an abbreviation of longer ones ("insta", "config"). */
const MIN_PREFIX_LENGTH = 4;
const MAX_EXPANSIONS = 4;

function deletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/**
 * The index's vocabulary (folded words as written in hints and descriptions, each with its stem),
 * searchable for a word one edit away — an insertion, deletion, substitution or swap of neighbours —
 * through a table of one-letter deletions (symmetric delete), so a lookup costs a few map reads.
 */
export class Vocabulary {
  readonly #stems = new Map<string, string>();
  readonly #byDelete = new Map<string, Set<string>>();
  #sorted: string[] | null = null;

  add(surface: string, stem: string): void {
    if (this.#stems.has(surface)) return;
    this.#stems.set(surface, stem);
    this.#sorted = null;
    if (surface.length < MIN_TYPO_LENGTH - 1) return;
    for (const key of [surface, ...deletes(surface)]) {
      const set = this.#byDelete.get(key);
      if (set) set.add(surface);
      else this.#byDelete.set(key, new Set([surface]));
    }
  }

  /** The stem of a word the index holds, or undefined. */
  stemOf(surface: string): string | undefined {
    return this.#stems.get(surface);
  }

  /** Words of the vocabulary one edit away from `word` (never `word` itself), sorted. */
  near(word: string): string[] {
    if (word.length < MIN_TYPO_LENGTH) return [];
    const candidates = new Set<string>();
    for (const key of [word, ...deletes(word)]) {
      for (const surface of this.#byDelete.get(key) ?? []) candidates.add(surface);
    }
    candidates.delete(word);
    return [...candidates].filter((c) => editDistance(word, c, 1) <= 1).sort();
  }

  /**
   * Longer words of the vocabulary that start with `word` ("insta" → instagram), shortest first, at
   * most four; none for words under 4 letters.
   */
  expansions(word: string): string[] {
    if (word.length < MIN_PREFIX_LENGTH) return [];
    this.#sorted ??= [...this.#stems.keys()].sort();
    const sorted = this.#sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as string) < word) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(word); i++) {
      if (sorted[i] !== word) out.push(sorted[i] as string);
    }
    return out.sort((a, b) => a.length - b.length || (a < b ? -1 : 1)).slice(0, MAX_EXPANSIONS);
  }
}
