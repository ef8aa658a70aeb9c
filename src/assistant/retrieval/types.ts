// The contract between tool retrieval (this folder) and the planner/engine that use it.

/** Things a question mentions, found by patterns (pure) and then resolved against the database. */
export interface Entities {
  /** Event ids, normalised to "AB" + digits, in order of appearance. */
  eids: string[];
  emails: string[];
  /** Phone numbers as typed, with their E.164 form when parseable. */
  phones: { raw: string; e164: string | null }[];
  /** ISO 4217 codes (CAD, USD, …), from codes, symbols with a country hint, or names ("Canadian dollars"). */
  currencies: string[];
  /** Slack channel ids (C…, G…, D…) and Slack user ids (U…, W…). */
  channelIds: string[];
  userIds: string[];
  /** A time window in hours ("last 12 hours" → 12, "past 3 days" → 72, "this week" → 168), if any. */
  hoursBack: number | null;
  /** "round 2", "r3" → 2, 3. */
  round: number | null;
  /** Other whole numbers as typed, in order ("top 10" → 10). */
  numbers: number[];
  /** Quoted strings ("…", “…”, '…'). */
  quoted: string[];
  /** Cities known to the database that the question names (canonical spelling). */
  cities: string[];
  /** Artists known to the database that the question names: canonical name and profile id. */
  artists: { name: string; id: string }[];
  /** People (not artists) the question names that the database knows, by full name. */
  people: { name: string; id: string }[];
  /** Art codes ("AB4002-1-3"); their event is in `eids` too. Optional: added after the first draft. */
  artCodes?: string[];
  /** Dates typed as YYYY-MM-DD, in order. Optional: added after the first draft. */
  dates?: string[];
  /** Slack channels named with "#" ("#artist-payments" → "artist-payments"). Optional: added after the first draft. */
  channelNames?: string[];
}

/** One tool as ranked for a question. */
export interface RankedTool {
  name: string;
  /** Higher is better; only comparable within one ranking. */
  score: number;
  /** Why it scored (matched words, phrases, entity cues), for debugging and the eval output. */
  reasons: string[];
}
