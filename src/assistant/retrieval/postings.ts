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
  /** What other tools' descriptions say this tool is for ("for what is still owed use get_artists_owed"). */
  pointers: { weight: 1.2, b: 0.5 },
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

/** Placeholders in a description's sample questions: "ABxxxx", "<artist>", a lone "X". */
const PLACEHOLDER = /\bAB[x\d]+(?:-\d+)*\b|<[^>]*>|\bX\b/g;

/**
 * The sample questions a description quotes as what the tool is for ("Use it for 'is ABxxxx
 * ready?'"): the tool's author saying how people ask for it, so they count as examples.
 */
export function guidanceExamples(description: string): string[] {
  const out: string[] = [];
  for (const clause of description.split(/(?<=[.;])\s+/)) {
    if (!/\b(?:use it|use this|answer|someone says|when)\b/i.test(clause)) continue;
    for (const m of clause.matchAll(/(?<=^|[\s(])['‘](.+?)['’](?=[\s,.;)]|$)/g)) {
      const text = (m[1] as string).replace(PLACEHOLDER, " ").trim();
      if (text.split(/\s+/).length >= 2) out.push(text);
    }
  }
  return out;
}

/**
 * What one tool's description says other tools are for: "for the fee breakdown use
 * get_eventbrite_fees", "use refresh_eventbrite_data to fetch fresh numbers", "it does not list
 * individual payments (get_artist_payment_ledger)". Returns [tool name, what it is for] pairs.
 */
export function descriptionPointers(description: string, toolNames: readonly string[]): [string, string][] {
  const names = toolNames.join("|");
  const what = "((?:(?!\\b(?:before|after|with|from)\\b)[^,;.()])+?)";
  const patterns: [RegExp, number, number][] = [
    [
      new RegExp(
        `\\b(?:use|call|see) (${names}) (?:to|for) ([^.;()]+?)(?=[.;)]|$|,? (?:and )?(?:${names})\\b)`,
        "gi",
      ),
      1,
      2,
    ],
    [new RegExp(`\\b(?:for|to) ${what}(?:,? (?:use|see|call) | )(${names})\\b`, "gi"), 2, 1],
    [
      new RegExp(
        `\\b(?:${names}) (?:for|to) [^,;()]+?, (${names}) (?:for|to) ${what}(?=[.;)]|$| and )`,
        "gi",
      ),
      1,
      2,
    ],
    [new RegExp(`\\b(?:${names}) [^,;()]+? and (${names}) (?:for|to) ([^,;.()]+)`, "gi"), 1, 2],
    [new RegExp(`\\bdoes not ([^,;.()]+?) \\((${names})\\)`, "gi"), 2, 1],
    [new RegExp(`\\b(${names}) (?:shows|reports) ([^,;.()]+)`, "gi"), 1, 2],
  ];
  const out: [string, string][] = [];
  for (const [re, toolGroup, whatGroup] of patterns) {
    for (const m of description.matchAll(re)) {
      const tool = m[toolGroup];
      const text = m[whatGroup]?.replace(PLACEHOLDER, " ").trim();
      if (tool && text && /[a-z]/i.test(text) && !/\b(?:and|or)$/.test(text)) out.push([tool, text]);
    }
  }
  return out;
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
  pointers: readonly string[],
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
  const sampleQuestions = [...(hint?.examples ?? []), ...guidanceExamples(tool.description)];
  const examples = sampleQuestions.map((e) => new Set(add("examples", e, true).map((t) => t.stem)));
  for (const text of pointers) add("pointers", text, true);
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
  const toolNames = tools.map((t) => t.name);
  const pointers = new Map<string, string[]>();
  for (const t of tools)
    for (const [target, what] of descriptionPointers(t.description, toolNames))
      if (target !== t.name) push(pointers, target, what);
  const docs = tools.map((t) =>
    readTool(t, hints[t.name], names, knownWords, vocabulary, pointers.get(t.name) ?? []),
  );
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
