// Text normalisation shared by entity resolution and the tool ranker.

/** Lower-case, accents removed ("Montréal" → "montreal"), apostrophes dropped ("don't" → "dont"). */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/['’`]/g, "")
    .toLowerCase();
}

/** A word of the text with where it starts, as typed and folded. */
export interface Word {
  raw: string;
  folded: string;
  start: number;
  end: number;
}

/** Letter/digit runs of `text`; apostrophes inside a word stay in it ("O'Brien" is one word). */
export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) {
    const folded = fold(m[0]);
    if (folded) out.push({ raw: m[0], folded, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/**
 * Damerau–Levenshtein distance (adjacent transpositions count once), stopping early once it must
 * exceed `max`: returns max + 1 then.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
  }
  return Math.min((rows[a.length] as number[])[b.length] as number, max + 1);
}
