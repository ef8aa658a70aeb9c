import type { AnyTool } from "../../catalog/index.ts";
import { type Token, tokenize } from "./analyzer.ts";
import { Vocabulary } from "./fuzzy.ts";
import type { HintTable, ToolHint } from "./hints.ts";
import { fold, words } from "./text.ts";

/** BM25F field weights and length normalisation: names and keywords say the most. */
const FIELDS = {
  name: { weight: 3, b: 0.3 },
  title: { weight: 2, b: 0.3 },
  keywords: { weight: 2.5, b: 0.5 },
  examples: { weight: 1.2, b: 0.75 },
  description: { weight: 0.6, b: 0.75 },
} as const;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** The ranker's inverted index; documents (tools) and examples are numbered in catalogue order. */
export interface Postings {
  idf: Map<string, number>;
  /** stem → [tool, field-weighted, length-normalised term frequency]. */
  terms: Map<string, [number, number][]>;
  /** "stem stem" → [tool, highest weight of a field it occurs in]. */
  bigrams: Map<string, [number, number][]>;
  /** stem → examples that contain it. */
  exampleTerms: Map<string, number[]>;
  exampleDoc: number[];
  exampleNorm: number[];
  vocabulary: Vocabulary;
  /** Folded words of tool names, titles and hints (not descriptions): the words a name is not. */
  knownWords: Set<string>;
}

interface DocFields {
  tf: Record<Field, Map<string, number>>;
  len: Record<Field, number>;
  bigrams: Map<string, number>;
  examples: Set<string>[];
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * A description without the clauses that point elsewhere ("for sales use get_auction_revenue") or
 * say what the tool does not do, and without the people its examples name ("what is Lena owed?"):
 * capitalised words no name, title or hint uses.
 */
function ownClauses(description: string, toolNames: RegExp, known: Set<string>): string {
  return description
    .split(/(?<=[.;])\s+/)
    .filter((c) => !toolNames.test(c) && !/\b(?:does not|doesn't|never|omits)\b/i.test(c))
    .join(" ")
    .replace(/(?<=\S\s+['‘"]?)\p{Lu}\p{Ll}+(?:['’]s)?\b/gu, (w) =>
      known.has(fold(w).replace(/s$/, "")) || known.has(fold(w)) ? w : " ",
    );
}

function hintText(tool: AnyTool, hint: ToolHint | undefined): string[] {
  return [tool.name.replace(/_/g, " "), tool.title, ...(hint?.keywords ?? []), ...(hint?.examples ?? [])];
}

function readTool(
  tool: AnyTool,
  hint: ToolHint | undefined,
  toolNames: RegExp,
  known: Set<string>,
  vocabulary: Vocabulary,
): DocFields {
  const tf = Object.fromEntries(FIELD_NAMES.map((f) => [f, new Map<string, number>()])) as DocFields["tf"];
  const len = Object.fromEntries(FIELD_NAMES.map((f) => [f, 0])) as DocFields["len"];
  const bigrams = new Map<string, number>();
  const add = (field: Field, text: string, phrases: boolean): Token[] => {
    const tokens = tokenize(text);
    for (const t of tokens) {
      bump(tf[field], t.stem);
      vocabulary.add(t.surface, t.stem);
    }
    len[field] += tokens.length;
    for (let i = 0; phrases && i + 1 < tokens.length; i++) {
      const key = `${tokens[i]?.stem} ${tokens[i + 1]?.stem}`;
      bigrams.set(key, Math.max(bigrams.get(key) ?? 0, FIELDS[field].weight));
    }
    return tokens;
  };
  add("name", tool.name.replace(/_/g, " "), true);
  add("title", tool.title, true);
  for (const k of hint?.keywords ?? []) add("keywords", k, true);
  const examples = (hint?.examples ?? []).map((e) => new Set(add("examples", e, true).map((t) => t.stem)));
  add("description", ownClauses(tool.description, toolNames, known), false);
  return { tf, len, bigrams, examples };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Build the inverted index of the tools and their hints (BM25F per-field normalisation done here). */
export function buildPostings(tools: readonly AnyTool[], hints: HintTable): Postings {
  const vocabulary = new Vocabulary();
  const names = new RegExp(`\\b(?:${tools.map((t) => t.name).join("|")})\\b`);
  const knownWords = new Set(
    tools.flatMap((t) => hintText(t, hints[t.name]).flatMap((text) => words(text).map((w) => w.folded))),
  );
  const docs = tools.map((t) => readTool(t, hints[t.name], names, knownWords, vocabulary));
  const df = new Map<string, number>();
  for (const doc of docs) {
    const seen = new Set<string>();
    for (const f of FIELD_NAMES) for (const s of doc.tf[f].keys()) seen.add(s);
    for (const s of seen) bump(df, s);
  }
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const [s, d] of df) idf.set(s, Math.log(1 + (n - d + 0.5) / (d + 0.5)));
  const avg = Object.fromEntries(
    FIELD_NAMES.map((f) => [f, docs.reduce((sum, d) => sum + d.len[f], 0) / Math.max(1, n) || 1]),
  ) as Record<Field, number>;
  const p: Postings = {
    idf,
    terms: new Map(),
    bigrams: new Map(),
    exampleTerms: new Map(),
    exampleDoc: [],
    exampleNorm: [],
    vocabulary,
    knownWords,
  };
  docs.forEach((doc, d) => {
    const wtf = new Map<string, number>();
    for (const f of FIELD_NAMES) {
      const { weight, b } = FIELDS[f];
      const norm = 1 - b + (b * doc.len[f]) / avg[f];
      for (const [s, tf] of doc.tf[f]) bump(wtf, s, (weight * tf) / norm);
    }
    for (const [s, w] of wtf) push(p.terms, s, [d, w]);
    for (const [key, w] of doc.bigrams) push(p.bigrams, key, [d, w]);
    for (const stems of doc.examples) {
      const ex = p.exampleDoc.length;
      p.exampleDoc.push(d);
      p.exampleNorm.push(Math.sqrt([...stems].reduce((sum, s) => sum + (idf.get(s) ?? 0) ** 2, 0)));
      for (const s of stems) push(p.exampleTerms, s, ex);
    }
  });
  return p;
}
