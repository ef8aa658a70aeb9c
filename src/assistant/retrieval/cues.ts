import { isStopWord } from "./analyzer.ts";
import { fold, words } from "./text.ts";
import type { Entities } from "./types.ts";

/** What the cue rules need to know about one tool. */
export interface CueTarget {
  name: string;
  domain: string;
  /** The tool's argument names. */
  inputs: ReadonlySet<string>;
  /** Whether the tool changes data. */
  writes: boolean;
}

/** A boost that applies to this question: points per tool (a strongly matched word is worth about 3–4). */
export interface Cue {
  label: string;
  points: (tool: CueTarget) => number;
}

type Rule = [label: string, applies: (e: Entities) => boolean, points: (t: CueTarget, e: Entities) => number];

const has = (t: CueTarget, ...inputs: string[]) => inputs.some((i) => t.inputs.has(i));

function currencyPoints(t: CueTarget, e: Entities): number {
  if (t.name === "get_exchange_rates") return e.currencies.length > 1 ? 4 : 1.5;
  if (has(t, "currency")) return 1.5;
  return t.domain === "payments" ? 0.75 : 0;
}

const RULES: readonly Rule[] = [
  ["eid", (e) => e.eids.length > 0, (t) => (has(t, "eid", "related_eid") ? 1 : 0)],
  ["several eids", (e) => e.eids.length > 1, (t) => (has(t, "comparator_eids") ? 1.5 : 0)],
  ["art code", (e) => (e.artCodes?.length ?? 0) > 0, (t) => (has(t, "art_id") ? 2 : 0)],
  [
    "email",
    (e) => e.emails.length > 0,
    (t) => (t.name === "lookup_person" ? 3 : has(t, "recipient") ? 2 : 0),
  ],
  ["phone", (e) => e.phones.length > 0, (t) => (has(t, "phone") ? 3 : t.name === "lookup_person" ? 2.5 : 0)],
  [
    "contact",
    (e) => e.emails.length + e.phones.length > 0,
    (t) => (t.name === "find_duplicate_profiles" ? 1 : 0),
  ],
  [
    "artist",
    (e) => e.artists.length > 0,
    (t) => (t.name === "lookup_artist_profile" ? 3 : has(t, "artist_profile_id") ? 1.5 : 0),
  ],
  ["person", (e) => e.people.length > 0, (t) => (t.name === "lookup_person" ? 2 : 0)],
  ["currency", (e) => e.currencies.length > 0, currencyPoints],
  ["channel id", (e) => e.channelIds.length > 0, (t) => (has(t, "slack_channel_id") ? 3 : 0)],
  ["channel name", (e) => (e.channelNames?.length ?? 0) > 0, (t) => (has(t, "channel") ? 4 : 0)],
  ["user id", (e) => e.userIds.length > 0, (t) => (has(t, "user_id", "user") ? 1.5 : 0)],
  // A city with no eid: the events there are the first thing to find.
  [
    "city",
    (e) => e.cities.length > 0,
    (t, e) => (has(t, "city") ? (t.name === "lookup_event" && e.eids.length === 0 ? 5 : 2.5) : 0),
  ],
  ["time window", (e) => e.hoursBack !== null, (t) => (has(t, "hours_back") ? 1.5 : 0)],
  ["round", (e) => e.round !== null, (t) => (has(t, "round") ? 1.5 : 0)],
  ["date", (e) => (e.dates?.length ?? 0) > 0, (t) => (has(t, "start_date") ? 1 : 0)],
];

const CALENDAR = new Set(
  "january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday".split(
    " ",
  ),
);

/**
 * Whether the question seems to name someone the database did not resolve: a capitalised word, not
 * opening a sentence, that no tool name, title or hint uses ("is Marco set up on Stripe?").
 */
export function mentionsUnknownName(question: string, known: ReadonlySet<string>): boolean {
  const ws = words(question);
  return ws.some((w, i) => {
    if (!/^\p{Lu}\p{Ll}{2,}(?:['’]s)?$/u.test(w.raw)) return false;
    const before = question.slice(ws[i - 1]?.end ?? 0, w.start);
    if (i === 0 || /[.!?:]\s*$/.test(before)) return false;
    const folded = w.folded.replace(/s$/, "");
    return ![w.folded, folded].some((f) => known.has(f) || isStopWord(f) || CALENDAR.has(f));
  });
}

/** The boosts that apply to a question, given its entities and whether it names someone unresolved. */
export function activeCues(
  entities: Entities,
  namesSomeone: boolean,
  text: { namesTool?: boolean; domain?: boolean; converts?: boolean; asksWho?: boolean } = {},
): Cue[] {
  const cues: Cue[] = RULES.filter(([, applies]) => applies(entities)).map(([label, , points]) => ({
    label,
    points: (t: CueTarget) => points(t, entities),
  }));
  if (namesSomeone) {
    cues.push({
      label: "name",
      points: (t) => (t.name === "lookup_artist_profile" ? 2 : t.name === "lookup_person" ? 1 : 0),
    });
  }
  if (text.namesTool) {
    // "the get_eventbrite_data tool notes", "errors from lookup_person": a tool is the subject.
    cues.push({ label: "tool name", points: (t) => (has(t, "scope_id", "tool_name") ? 2.5 : 0) });
  }
  if (text.asksWho && entities.artists.length > 0) {
    // "who is Grayce Bashirian?": the artist's profile is the answer.
    cues.push({ label: "who is", points: (t) => (t.name === "lookup_artist_profile" ? 5 : 0) });
  }
  if (text.converts) {
    // "…roughly what's that in USD?": an amount asked for in a currency is a conversion.
    cues.push({ label: "conversion", points: (t) => (t.name === "get_exchange_rates" ? 4 : 0) });
  }
  if (text.domain) {
    // "mails to @example.org": part of an address filters a log by recipient.
    cues.push({ label: "address part", points: (t) => (has(t, "recipient") ? 5 : 0) });
  }
  return cues;
}

/**
 * A tool that resolves what another needs: when the question names the thing only by name ("pay
 * Marco Delgado", "sales for the Toronto show"), a tool taking `needs` is called after `tool`, so
 * `tool` must be retrieved with it.
 */
export interface Companion {
  tool: string;
  needs: string;
}

/** The companions this question calls for. */
export function activeCompanions(entities: Entities, namesSomeone: boolean): Companion[] {
  const out: Companion[] = [];
  if (entities.artists.length > 0 || namesSomeone)
    out.push({ tool: "lookup_artist_profile", needs: "artist_profile_id" });
  if (entities.people.length > 0) out.push({ tool: "lookup_person", needs: "person_id" });
  if (entities.cities.length > 0 && entities.eids.length === 0)
    out.push({ tool: "lookup_event", needs: "eid" });
  return out;
}

/** Openings that make a request polite or indirect; the verb after them says what is wanted. */
const LEAD_IN =
  /^(?:(?:hey|hi|ok|okay|so|right|arthur|also|and|then|now|quick(?:ly)?|pls|plz|please|kindly|can you|could you|would you|will you|lets|let us|go ahead and|i want to|i need to|we need to|need to|want to|you can|just)\b[\s,:!-]*)+/;

/** First words of a question that asks to see something. */
const READ_OPENERS = new Set(
  (
    "what whats which who whos whose when whens where why how hows is are was were do does did has have had " +
    "any list show find check look lookup see display give tell get fetch pull view whats anything anyone " +
    "compare count"
  ).split(" "),
);

/** First words of a request that changes something. */
const WRITE_VERBS = new Set(
  (
    "set change update post pause resume unpause stop cancel halt refresh reset add send pay create file log " +
    "report remind schedule invite rename replace restore roll rollback revert undo lock unlock save remember " +
    "note forget switch use fix mark record rerun rescore resend retry process enable disable turn hold put " +
    "move swap edit write rewrite store clear delete remove drop approve kick push recompute recalculate recalc " +
    "regenerate rebuild redo rescan"
  ).split(" "),
);

/** Whether a request reads ("which events would it compare against?") or writes ("lock them in"). */
export type Mood = "read" | "write" | null;

/**
 * The mood of one request, from its first words: a question or a verb like "list" reads, an
 * imperative like "post", "set" or "refresh" writes; "fetch"/"pull" read unless followed by
 * "latest"/"fresh"/"again"/"now". Null when the opening says neither.
 */
export function moodOf(text: string): Mood {
  const folded = fold(text)
    .replace(/[^a-z0-9\s,:!?-]+/g, " ")
    .trim();
  const rest = folded.replace(LEAD_IN, "");
  const first = rest.split(/[^a-z0-9]+/)[0] ?? "";
  if (WRITE_VERBS.has(first)) return "write";
  if (
    (first === "pull" || first === "fetch" || first === "get") &&
    /\b(latest|fresh|again|now|new)\b/.test(rest)
  )
    return "write";
  if (READ_OPENERS.has(first)) return "read";
  return null;
}
