import type { AnyTool, Role } from "../../catalog/index.ts";
import { tokenize } from "./analyzer.ts";
import {
  activeCompanions,
  activeCues,
  type Companion,
  type Cue,
  type CueTarget,
  type Mood,
  mentionsUnknownName,
  moodOf,
} from "./cues.ts";
import type { HintTable } from "./hints.ts";
import { buildPostings, type Postings } from "./postings.ts";
import { type QueryTerms, queryTerms, splitClauses } from "./query.ts";
import { fold } from "./text.ts";
import type { Entities, RankedTool } from "./types.ts";

const K1 = 1.2;
/** Points for a query bigram found in a tool's phrases, per unit of field weight and idf. */
const PHRASE_WEIGHT = 0.5;
/** Points for the best cosine match between the question and one of the tool's examples (0..1). */
const EXAMPLE_WEIGHT = 5;
/** Prior turns count this much of the question. */
const CONTEXT_FACTOR = 0.35;
/** A tool that writes keeps this share of its score for a question that only asks to see something. */
const WRITE_IN_READ = 0.8;
/** A tool that reads keeps this share of its score for a request to change something. */
const READ_IN_WRITE = 0.8;
/** A companion tool scores at least this share of the best tool that needs it. */
const COMPANION_SHARE = 0.75;

/** Folded words of the cities, artists and people a question names. */
/** A marker after which the rest of the message is text to send or store (a message, a bio). */
const CONTENT_AFTER = /\b(msg|message|saying|bio|remember(?: for this channel| this| that)?|note)\s*:.*$/is;

/** An amount wanted in a currency: "in USD", "to euros", "convert". */
const CONVERSION =
  /\b(?:in|to|into)\s+(?:usd|cad|eur|gbp|aud|nzd|mxn|us dollars?|dollars|euros?|pounds?)\b|\bconver(?:t|sion)\b/i;

function entityWords(e: Entities): Set<string> {
  const names = [...e.cities, ...e.artists.map((a) => a.name), ...e.people.map((p) => p.name)];
  return new Set(names.flatMap((n) => fold(n).split(/[^a-z0-9]+/)).filter(Boolean));
}

function add(scores: Float64Array, i: number, by: number): void {
  scores[i] = (scores[i] as number) + by;
}

/** Options for one ranking. */
export interface RankOptions {
  /** Only tools this role may call (and that are enabled). Omit to rank every tool, e.g. to detect a denial. */
  role?: Role;
  /** How many tools to return (default 8). */
  limit?: number;
  /** Prior turns of the conversation, joined; they count at a lower weight. */
  context?: string;
}

/**
 * A lexical index over the tool catalogue: BM25F over each tool's name, title, hint keywords, hint
 * examples and description; a bonus for two-word phrases and for the closest single example; typo
 * and abbreviation tolerance; boosts for the entities the question mentions. A question with several
 * requests ("how did AB4001 go, and who do we still owe?") is also ranked clause by clause, and each
 * tool keeps its best score, so every request's tools reach the top. Built once; ranking reads
 * posting lists only. Deterministic: equal scores go by tool name.
 */
export class ToolIndex {
  readonly #tools: readonly AnyTool[];
  readonly #targets: CueTarget[];
  readonly #p: Postings;
  /** A tool's own name typed in a question ("the lookup_person tool notes"). */
  readonly #toolName: RegExp;

  constructor(tools: readonly AnyTool[], hints: HintTable) {
    this.#tools = tools;
    this.#targets = tools.map((t) => ({
      name: t.name,
      domain: t.domain,
      inputs: new Set(Object.keys(t.input.shape)),
      writes: t.policy.writes,
    }));
    this.#p = buildPostings(tools, hints);
    this.#toolName = new RegExp(`\\b(?:${tools.map((t) => t.name).join("|")})\\b`, "gi");
  }

  /**
   * The text the words are read from: a tool named by its identifier is what the request is about
   * (its notes, its errors), not a request for that tool, so it reads as "tool"; "#channel" names
   * and e-mail domains count through cues, not as words.
   */
  #plain(text: string): string {
    return text
      .replace(this.#toolName, " tool ")
      .replace(/(^|\s)#[\w-]+/g, "$1 ")
      .replace(/(^|\s)@[\w-]+(?:\.[\w-]+)+/g, "$1 ");
  }

  /** Every tool's name in the index, in catalogue order. */
  get toolNames(): string[] {
    return this.#tools.map((t) => t.name);
  }

  #scores(q: QueryTerms, cues: Cue[], mood: Mood = null): Float64Array {
    const p = this.#p;
    const scores = new Float64Array(this.#tools.length);
    for (const [term, qw] of q.terms) {
      const idf = p.idf.get(term) ?? 0;
      for (const [doc, wtf] of p.terms.get(term) ?? [])
        add(scores, doc, (qw * idf * wtf * (K1 + 1)) / (K1 + wtf));
    }
    for (const bigram of q.bigrams) {
      for (const [doc, fieldWeight] of p.bigrams.get(bigram.key) ?? []) {
        add(scores, doc, PHRASE_WEIGHT * fieldWeight * bigram.idf);
      }
    }
    const best = this.#bestExamples(q);
    for (let d = 0; d < scores.length; d++) {
      add(scores, d, EXAMPLE_WEIGHT * (best[d] as number));
      for (const cue of cues) add(scores, d, cue.points(this.#targets[d] as CueTarget));
      const writes = this.#targets[d]?.writes;
      if (mood === "read" && writes) scores[d] = (scores[d] as number) * WRITE_IN_READ;
      if (mood === "write" && !writes) scores[d] = (scores[d] as number) * READ_IN_WRITE;
    }
    return scores;
  }

  /** For each tool, the cosine between the question and its closest example. */
  #bestExamples(q: QueryTerms): Float64Array {
    const p = this.#p;
    const best = new Float64Array(this.#tools.length);
    if (q.norm === 0) return best;
    const dots = new Float64Array(p.exampleDoc.length);
    for (const [term, qw] of q.terms) {
      const idf = p.idf.get(term) ?? 0;
      for (const ex of p.exampleTerms.get(term) ?? []) add(dots, ex, qw * idf * idf);
    }
    for (let ex = 0; ex < dots.length; ex++) {
      if (dots[ex] === 0) continue;
      const doc = p.exampleDoc[ex] as number;
      const cos = (dots[ex] as number) / (q.norm * (p.exampleNorm[ex] as number));
      if (cos > (best[doc] as number)) best[doc] = cos;
    }
    return best;
  }

  /**
   * The tools best matching a question, best first, at most `limit` (default 8), each with its score
   * and the reasons (matched words and phrases, example similarity, entity cues). With `role`, only
   * tools that role may call; without, every tool — how a caller tells a request the role may not
   * make from one no tool serves.
   */
  rank(asked: string, entities: Entities, options: RankOptions = {}): RankedTool[] {
    const p = this.#p;
    // "…msg: loved your piece at the december show": what follows is content to send, not the request.
    const question = asked.replace(CONTENT_AFTER, "$1");
    const namesSomeone =
      entities.artists.length === 0 &&
      entities.people.length === 0 &&
      mentionsUnknownName(question, p.knownWords);
    // Names the entities stand for count through cues, not as words ("Boston" in a hint example).
    const cues = activeCues(entities, namesSomeone, {
      namesTool: question.search(this.#toolName) >= 0,
      domain: /(?:^|\s)@[\w-]+(?:\.[\w-]+)+/.test(question),
      converts: CONVERSION.test(question),
      asksWho: /^\s*who(?:'s|\s+is)\s/i.test(question),
    });
    const named = entityWords(entities);
    // "marco's" is the named artist too, not a word to match against hint examples.
    const words = (text: string) =>
      tokenize(this.#plain(text)).filter(
        (t) => !named.has(t.surface.replace(/['’]?s$/, "")) && !named.has(t.surface),
      );
    const full = queryTerms(p, words(question), 1);
    if (options.context) {
      const ctx = queryTerms(p, tokenize(this.#plain(options.context)), CONTEXT_FACTOR);
      for (const [t, w] of ctx.terms) if ((full.terms.get(t) ?? 0) < w) full.terms.set(t, w);
      full.norm = Math.sqrt([...full.terms].reduce((s, [t, w]) => s + (w * (p.idf.get(t) ?? 0)) ** 2, 0));
    }
    const parts = splitClauses(question);
    const scores = this.#scores(full, cues, moodOf(parts[0] ?? question));
    const clauses = parts.map((c) => queryTerms(p, words(c), 1));
    if (clauses.filter((c) => c.terms.size > 0).length > 1) {
      for (const [i, clause] of clauses.entries()) {
        const s = this.#scores(clause, cues, moodOf(parts[i] ?? ""));
        for (let d = 0; d < scores.length; d++)
          if ((s[d] as number) > (scores[d] as number)) scores[d] = s[d] as number;
      }
    }
    const companions = activeCompanions(entities, namesSomeone);
    this.#lift(scores, companions);
    const { role } = options;
    const order: number[] = [];
    this.#tools.forEach((tool, d) => {
      if (!role || (tool.policy.enabled && tool.policy.roles.includes(role))) order.push(d);
    });
    const name = (d: number) => this.#tools[d]?.name ?? "";
    order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || (name(a) < name(b) ? -1 : 1));
    return order.slice(0, options.limit ?? 8).map((d) => ({
      name: name(d),
      score: Math.round((scores[d] as number) * 1e4) / 1e4,
      reasons: this.#explain(d, full, clauses, cues, companions),
    }));
  }

  /** Give each companion at least a share of the best score among the tools that need it. */
  #lift(scores: Float64Array, companions: Companion[]): void {
    for (const c of companions) {
      const d = this.#tools.findIndex((t) => t.name === c.tool);
      if (d < 0) continue;
      let best = 0;
      this.#targets.forEach((t, i) => {
        if (i !== d && t.inputs.has(c.needs)) best = Math.max(best, scores[i] as number);
      });
      scores[d] = Math.max(scores[d] as number, COMPANION_SHARE * best);
    }
  }

  #explain(
    doc: number,
    full: QueryTerms,
    clauses: QueryTerms[],
    cues: Cue[],
    companions: Companion[],
  ): string[] {
    const p = this.#p;
    const reasons = new Set<string>();
    for (const q of [full, ...clauses]) {
      for (const term of q.terms.keys()) {
        if (p.terms.get(term)?.some(([d]) => d === doc)) reasons.add(q.typos.get(term) ?? term);
      }
      for (const b of q.bigrams)
        if (p.bigrams.get(b.key)?.some(([d]) => d === doc)) reasons.add(`phrase:${b.key}`);
    }
    const best = this.#bestExamples(full)[doc] as number;
    if (best > 0) reasons.add(`example:${best.toFixed(2)}`);
    for (const cue of cues) {
      const points = cue.points(this.#targets[doc] as CueTarget);
      if (points > 0) reasons.add(`cue:${cue.label}+${points}`);
    }
    for (const c of companions)
      if (c.tool === this.#tools[doc]?.name) reasons.add(`companion:resolves ${c.needs}`);
    return [...reasons];
  }
}
