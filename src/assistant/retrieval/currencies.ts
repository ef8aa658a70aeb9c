import type { Claims } from "./entities.ts";

/** ISO 4217 codes recognised when typed as words ("CAD", "usd"). */
const CODES = [
  "CAD",
  "USD",
  "AUD",
  "GBP",
  "EUR",
  "NZD",
  "THB",
  "MXN",
  "JPY",
  "CHF",
  "SGD",
  "HKD",
  "INR",
  "CNY",
  "SEK",
  "NOK",
  "DKK",
  "ZAR",
  "BRL",
];

/**
 * Names, nicknames and symbols with a country hint. A bare "$" or "dollars" names no currency (it is
 * every dollar country's), so it is not read as one.
 */
const NAMES: readonly [RegExp, string][] = [
  [/\b(?:canadian|cdn)\s+(?:dollars?|bucks)\b|\bloonies?\b|\bcdn\b/gi, "CAD"],
  [/\b(?:us|u\.s\.|american)\s+(?:dollars?|bucks)\b|\bgreenbacks?\b/gi, "USD"],
  [/\b(?:australian|aussie|aus)\s+(?:dollars?|bucks)\b/gi, "AUD"],
  [/\b(?:new\s+zealand|nz|kiwi)\s+(?:dollars?|bucks)\b/gi, "NZD"],
  [/\beuros?\b|€/gi, "EUR"],
  [/\b(?:british\s+)?pounds?(?:\s+sterling)?\b|\bsterling\b|\bquid\b|£/gi, "GBP"],
  [/\bbaht\b|฿/gi, "THB"],
  [/\b(?:mexican\s+)?pesos?\b|\bMX\$/gi, "MXN"],
  [/\byen\b|¥/gi, "JPY"],
  [/\bswiss\s+francs?\b/gi, "CHF"],
  [/\b(?:CA|CDN|C)\$/g, "CAD"],
  [/\b(?:US|U\.S\.)\$/g, "USD"],
  [/\b(?:AU|AUD|A)\$/g, "AUD"],
  [/\bNZ\$/g, "NZD"],
  [new RegExp(`\\b(?:${CODES.join("|")})\\b`, "gi"), ""],
];

/** The currencies a text names, as ISO codes in order of appearance, each once. */
export function findCurrencies(text: string, claims: Claims): string[] {
  const found: { at: number; code: string }[] = [];
  for (const [re, code] of NAMES) {
    for (const m of text.matchAll(re)) {
      if (!claims.isFree(m.index, m.index + m[0].length)) continue;
      claims.claim(m.index, m.index + m[0].length);
      found.push({ at: m.index, code: code || m[0].toUpperCase() });
    }
  }
  found.sort((a, b) => a.at - b.at);
  const codes: string[] = [];
  for (const f of found) if (!codes.includes(f.code)) codes.push(f.code);
  return codes;
}
