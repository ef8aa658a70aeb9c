import type { Claims } from "./entities.ts";

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirty: 30,
  couple: 2,
  few: 3,
  "twenty four": 24,
  "forty eight": 48,
  "seventy two": 72,
};

const UNIT_HOURS: Readonly<Record<string, number>> = {
  minute: 1 / 60,
  hour: 1,
  day: 24,
  weekend: 72,
  week: 168,
  fortnight: 336,
  month: 720,
  year: 8760,
};

const N = String.raw`(\d+|(?:a\s+)?(?:couple\s+of|few)|twenty[\s-]four|forty[\s-]eight|seventy[\s-]two|thirty|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const UNIT =
  "(minutes?|mins?|hours?|hrs?|hr|h|days?|d|weeks?|wks?|wk|w|fortnights?|months?|mos?|years?|yrs?)";

function unitHours(unit: string): number | null {
  const u = unit.toLowerCase();
  if (/^mi/.test(u)) return UNIT_HOURS.minute ?? null;
  if (/^(h|hr|hrs|hours?)$/.test(u)) return 1;
  if (/^d/.test(u)) return 24;
  if (/^w/.test(u)) return 168;
  if (/^f/.test(u)) return 336;
  if (/^mo/.test(u)) return 720;
  if (/^y/.test(u)) return 8760;
  return null;
}

function count(word: string): number | null {
  if (/^\d+$/.test(word)) return Number(word);
  const key = word
    .toLowerCase()
    .replace(/^a\s+/, "")
    .replace(/\s+of$/, "")
    .replace(/[\s-]+/g, " ");
  return WORD_NUMBERS[key] ?? null;
}

/** hours for "<n> <unit>"; null when a one-letter unit ("h", "d") is not glued to a digit ("24h"). */
function span(n: string, gap: string, unit: string): number | null {
  const value = count(n);
  const per = unitHours(unit);
  if (value === null || per === null || value <= 0) return null;
  if (unit.length === 1 && (gap.trim() !== "" || !/^\d+$/.test(n))) return null;
  return Math.max(1, Math.ceil(value * per));
}

type Reader = (m: RegExpMatchArray, text: string) => number | null;

const WINDOW_PATTERNS: readonly [RegExp, Reader][] = [
  // "last 12 hours", "in the past 3 days", "previous 2 weeks", "over the last day or so"
  [
    new RegExp(String.raw`\b(?:last|past|previous|prior|recent)\s+${N}(\s*-?\s*)${UNIT}\b`, "gi"),
    (m) => span(m[1] ?? "", m[2] ?? "", m[3] ?? ""),
  ],
  // "3 days ago"
  [
    new RegExp(String.raw`\b${N}(\s*-?\s*)${UNIT}\s+ago\b`, "gi"),
    (m) => span(m[1] ?? "", m[2] ?? "", m[3] ?? ""),
  ],
  // "24h", "48 hrs", "a 24-hour window" — not "in 2 hours" or "2 hours before the show"
  [
    /\b(\d+)(\s*-?\s*)(h|hrs?|hours?)\b(?!\s+(?:before|after|from\s+now|left|to\s+go|ahead|until|till|later))/gi,
    (m, text) =>
      /\b(?:in|next)\s+$/i.test(text.slice(Math.max(0, (m.index ?? 0) - 6), m.index))
        ? null
        : span(m[1] ?? "", m[2] ?? "", m[3] ?? ""),
  ],
  // "last hour", "past day", "this week", "last weekend", "this month"
  [
    /\b(?:last|past|previous|this)\s+(hour|day|weekend|week|fortnight|month|year)\b/gi,
    (m) => UNIT_HOURS[(m[1] ?? "").toLowerCase()] ?? null,
  ],
  [/\b(?:over\s+)?the\s+weekend\b/gi, () => 72],
  [/\b(?:so\s+far\s+)?today\b/gi, () => 24],
  [/\byesterday\b/gi, () => 48],
  [/\b(?:overnight|last\s+night|this\s+morning|this\s+afternoon)\b/gi, () => 12],
];

/**
 * The time window a question asks about, in hours back from now, or null. Mappings: "last/past N
 * <unit>" and "N <unit> ago" → N × unit (minutes round up to 1 hour; a month is 30 days, a year 365);
 * a bare "24h" / "48 hrs" → that many hours, unless it points ahead ("in 2 hours", "2 hours before");
 * "last hour" 1; "last day" 24; "this/last week" 168; "this/last month" 720; "the weekend" 72;
 * "today" 24 (the rolling day, enough to cover all of today); "yesterday" 48 (reaches back over the
 * whole of yesterday); "overnight", "last night", "this morning" 12. The first window in the text wins.
 * Tools clamp the value to their own maximum.
 */
export function findTimeWindow(text: string, claims: Claims): number | null {
  let best: { at: number; end: number; hours: number } | null = null;
  for (const [re, read] of WINDOW_PATTERNS) {
    for (const m of text.matchAll(re)) {
      const end = m.index + m[0].length;
      if (!claims.isFree(m.index, end)) continue;
      const hours = read(m, text);
      if (hours !== null && (best === null || m.index < best.at)) best = { at: m.index, end, hours };
    }
  }
  if (!best) return null;
  claims.claim(best.at, best.end);
  return best.hours;
}

const ORDINALS: Readonly<Record<string, number>> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  fifth: 5,
  "5th": 5,
};

const ROUND_PATTERNS: readonly [RegExp, (m: RegExpMatchArray) => number | null][] = [
  [/\bround\s*(?:#|no\.?|number)?\s*(\d{1,2}|one|two|three|four|five)\b/gi, (m) => count(m[1] ?? "")],
  [
    /\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+round\b/gi,
    (m) => ORDINALS[(m[1] ?? "").toLowerCase()] ?? null,
  ],
  [/\br(\d{1,2})\b|\brd\.?\s?(\d{1,2})\b/gi, (m) => count(m[1] ?? m[2] ?? "")],
];

/** The round a question names ("round 2", "round two", "r3", "second round"), or null. */
export function findRound(text: string, claims: Claims): number | null {
  let best: { at: number; end: number; round: number } | null = null;
  for (const [re, read] of ROUND_PATTERNS) {
    for (const m of text.matchAll(re)) {
      const end = m.index + m[0].length;
      if (!claims.isFree(m.index, end)) continue;
      const round = read(m);
      if (round !== null && round > 0 && (best === null || m.index < best.at))
        best = { at: m.index, end, round };
    }
  }
  if (!best) return null;
  claims.claim(best.at, best.end);
  return best.round;
}
