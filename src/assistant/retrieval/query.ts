import type { Token } from "./analyzer.ts";
import type { Postings } from "./postings.ts";

/** Abbreviations and typos count this much of a word typed right. */
const APPROXIMATE_FACTOR = 0.7;

/** A question (or part of one) as the ranker reads it. */
export interface QueryTerms {
  /** stem → weight (1 for the question, less for context, typos and abbreviations). */
  terms: Map<string, number>;
  /** Adjacent word pairs that some tool's phrases contain, with their mean idf. */
  bigrams: { key: string; idf: number }[];
  /** Corrected stem → how it was corrected, for the reasons. */
  typos: Map<string, string>;
  /** Euclidean norm of the idf-weighted terms, for example cosines. */
  norm: number;
}

/**
 * The terms of a tokenised text: stems the index knows; for an unknown word, the words one edit away
 * ("evnetbrite") or, failing that, the words it abbreviates ("insta"); a pair written apart that the
 * index knows glued ("auto post" → autopost); and known two-word phrases.
 */
export function queryTerms(p: Postings, tokens: Token[], weight: number): QueryTerms {
  const q: QueryTerms = { terms: new Map(), bigrams: [], typos: new Map(), norm: 0 };
  const put = (stem: string, w: number) => {
    if (p.idf.has(stem) && (q.terms.get(stem) ?? 0) < w) q.terms.set(stem, w);
  };
  tokens.forEach((t, i) => {
    if (p.idf.has(t.stem)) put(t.stem, weight);
    else {
      const near = p.vocabulary.near(t.surface);
      const found = near.length > 0 ? near : p.vocabulary.expansions(t.surface);
      const stems = [...new Set(found.map((s) => p.vocabulary.stemOf(s) as string))];
      for (const s of stems) {
        put(s, (weight * APPROXIMATE_FACTOR) / stems.length);
        q.typos.set(s, `${near.length > 0 ? "typo" : "abbrev"}:${t.surface}→${s}`);
      }
    }
    const next = tokens[i + 1];
    if (!next) return;
    const glued = p.vocabulary.stemOf(t.surface + next.surface);
    if (glued) put(glued, weight);
    const key = `${t.stem} ${next.stem}`;
    if (p.bigrams.has(key)) {
      q.bigrams.push({ key, idf: (weight * ((p.idf.get(t.stem) ?? 0) + (p.idf.get(next.stem) ?? 0))) / 2 });
    }
  });
  q.norm = Math.sqrt([...q.terms].reduce((s, [t, w]) => s + (w * (p.idf.get(t) ?? 0)) ** 2, 0));
  return q;
}

/**
 * The separate requests of a question ("is AB4124 ready, and how are sales?"): split at sentence
 * ends, semicolons, "also", "plus", "then" and "and" after a comma or before a question word.
 */
export function splitClauses(question: string): string[] {
  return question
    .split(
      /[?!;]+|\.(?:\s|$)|\s+(?:also|plus|as well as|and then|then)\s+|,\s*(?:and|but)\s+|\s+and\s+(?=(?:who|what|when|where|why|how|which|is|are|can|could|did|does|do|send|show|give|tell|list|pay|remind|check)\b)/i,
    )
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .slice(0, 4);
}
