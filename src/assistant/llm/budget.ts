/**
 * Tool results are cut down to a character budget before a model reads them: long lists keep their
 * first items and say how many were left out, then long strings are shortened, and only as a last
 * resort is the text itself cut. The model always learns that something was left out.
 */

const LIST_STEPS = [50, 20, 10, 5, 3, 1] as const;
const STRING_LIMIT = 300;

function shortenLists(value: unknown, keep: number): unknown {
  if (Array.isArray(value)) {
    const kept = value.slice(0, keep).map((item) => shortenLists(item, keep));
    return value.length > keep ? [...kept, `… ${value.length - keep} more not shown`] : kept;
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenLists(v, keep)]));
  }
  return value;
}

function shortenStrings(value: unknown): unknown {
  if (typeof value === "string" && value.length > STRING_LIMIT) {
    return `${value.slice(0, STRING_LIMIT)}… (${value.length - STRING_LIMIT} characters more)`;
  }
  if (Array.isArray(value)) return value.map(shortenStrings);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenStrings(v)]));
  }
  return value;
}

export function fitToBudget(value: unknown, maxChars: number): { text: string; shortened: boolean } {
  const full = JSON.stringify(value ?? null);
  if (full.length <= maxChars) return { text: full, shortened: false };
  for (const keep of LIST_STEPS) {
    const text = JSON.stringify(shortenLists(value, keep));
    if (text.length <= maxChars) return { text, shortened: true };
  }
  const text = JSON.stringify(shortenStrings(shortenLists(value, 1)));
  if (text.length <= maxChars) return { text, shortened: true };
  const marker = " … (cut to fit)";
  return { text: text.slice(0, Math.max(0, maxChars - marker.length)) + marker, shortened: true };
}
