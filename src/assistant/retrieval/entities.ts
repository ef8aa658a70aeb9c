import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js";
import { findCurrencies } from "./currencies.ts";
import type { Entities } from "./types.ts";
import { findRound, findTimeWindow } from "./windows.ts";

/** Entities with the optional lists present, as extraction fills them. */
type Extracted = Entities & { artCodes: string[]; dates: string[]; channelNames: string[] };

/** An empty set of entities (every list empty, every scalar null). */
export function emptyEntities(): Extracted {
  return {
    eids: [],
    emails: [],
    phones: [],
    currencies: [],
    channelIds: [],
    userIds: [],
    hoursBack: null,
    round: null,
    numbers: [],
    quoted: [],
    cities: [],
    artists: [],
    people: [],
    artCodes: [],
    dates: [],
    channelNames: [],
  };
}

/** Which characters of the text an entity has already claimed, so one span is read once. */
export class Claims {
  readonly #taken: Uint8Array;
  constructor(length: number) {
    this.#taken = new Uint8Array(length);
  }
  isFree(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.#taken[i]) return false;
    return true;
  }
  claim(start: number, end: number): void {
    this.#taken.fill(1, start, end);
  }
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// "AB4023", "ab4023", "AB 4023", "ab-4023"; an art code "AB4002-1-3" also names its event.
const EID = /\bab[\s-]?(\d{3,5})(?:-(\d{1,2})-(\d{1,3}))?\b/gi;
const CHANNEL_ID = /\b[CGD][A-Z0-9]{8,12}\b/g;
const USER_ID = /\b[UW][A-Z0-9]{8,12}\b/g;
// "#artist-payments", or Slack's own "<#C0123|artist-payments>"; a name has a letter ("#1" is a number).
const CHANNEL_NAME = /(?<![\w&#])#([a-z0-9][a-z0-9._-]{0,79})|<#[A-Z0-9]+\|([a-z0-9][a-z0-9._-]{0,79})>/gi;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
const OTHER_DATE_OR_TIME =
  /\b\d{1,2}\/\d{1,2}(?:\/\d{2,4})?\b|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b\.?/gi;
const PHONE_FALLBACK = /\+\d[\d\s().-]{7,}\d|(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g;
const NUMBER = /(?<![\p{L}\p{N}_.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\p{L}\p{N}_])/gu;
// A bare digit run right after one of these is an id, not a phone number.
const ID_CONTEXT =
  /\b(?:id|ids|order|orders|eventbrite|listing|ref|reference|number|no\.?)\s*[#:]?\s*$|#\s*$/i;
const QUOTED = [
  /"([^"\n]{1,300})"/g,
  /“([^”\n]{1,300})”/g,
  /‘([^’\n]{1,300})’/g,
  /`([^`\n]{1,300})`/g,
  /(?<=^|[\s([{:,=])'([^'\n]{1,300}?)'(?=$|[\s.,!?;:)\]}])/g,
];

function pushUnique<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

function extractEmails(text: string, claims: Claims, out: Extracted): void {
  for (const m of text.matchAll(EMAIL)) {
    claims.claim(m.index, m.index + m[0].length);
    pushUnique(out.emails, m[0].replace(/\.$/, "").toLowerCase());
  }
}

function extractEids(text: string, claims: Claims, out: Extracted): void {
  for (const m of text.matchAll(EID)) {
    if (!claims.isFree(m.index, m.index + m[0].length)) continue;
    claims.claim(m.index, m.index + m[0].length);
    const eid = `AB${m[1]}`;
    pushUnique(out.eids, eid);
    if (m[2] && m[3]) pushUnique(out.artCodes, `${eid}-${m[2]}-${m[3]}`);
  }
}

function extractSlack(text: string, claims: Claims, out: Extracted): void {
  const take = (re: RegExp, list: string[]) => {
    for (const m of text.matchAll(re)) {
      if (!/\d/.test(m[0]) || !claims.isFree(m.index, m.index + m[0].length)) continue;
      claims.claim(m.index, m.index + m[0].length);
      pushUnique(list, m[0]);
    }
  };
  take(CHANNEL_ID, out.channelIds);
  take(USER_ID, out.userIds);
  for (const m of text.matchAll(CHANNEL_NAME)) {
    const name = (m[1] ?? m[2] ?? "").replace(/[._-]+$/, "").toLowerCase();
    if (/[a-z]/.test(name) && !/^ab\d+$/.test(name)) pushUnique(out.channelNames, name);
  }
}

function extractDates(text: string, claims: Claims, out: Extracted): void {
  for (const m of text.matchAll(ISO_DATE)) {
    if (!claims.isFree(m.index, m.index + m[0].length)) continue;
    claims.claim(m.index, m.index + m[0].length);
    pushUnique(out.dates, m[0]);
  }
  for (const m of text.matchAll(OTHER_DATE_OR_TIME)) claims.claim(m.index, m.index + m[0].length);
}

function addPhone(raw: string, e164: string | null, out: Extracted): void {
  if (!out.phones.some((p) => p.raw === raw || (e164 !== null && p.e164 === e164)))
    out.phones.push({ raw, e164 });
}

function extractPhones(text: string, claims: Claims, out: Extracted): void {
  const found: { start: number; end: number; raw: string; e164: string | null }[] = [];
  for (const m of findPhoneNumbersInText(text, "US")) {
    const raw = text.slice(m.startsAt, m.endsAt);
    if (!claims.isFree(m.startsAt, m.endsAt)) continue;
    if (/^\d+$/.test(raw) && ID_CONTEXT.test(text.slice(Math.max(0, m.startsAt - 16), m.startsAt))) continue;
    found.push({ start: m.startsAt, end: m.endsAt, raw, e164: m.number.number });
    claims.claim(m.startsAt, m.endsAt);
  }
  // Numbers typed in a phone's shape that are not valid (made-up area codes): kept, E.164 when possible.
  for (const m of text.matchAll(PHONE_FALLBACK)) {
    const raw = m[0].trim();
    if (!claims.isFree(m.index, m.index + m[0].length)) continue;
    const parsed = parsePhoneNumberFromString(raw, "US");
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      raw,
      e164: parsed?.isPossible() ? parsed.number : null,
    });
    claims.claim(m.index, m.index + m[0].length);
  }
  found.sort((a, b) => a.start - b.start);
  for (const p of found) addPhone(p.raw, p.e164, out);
}

function extractNumbers(text: string, claims: Claims, out: Extracted): void {
  for (const m of text.matchAll(NUMBER)) {
    if (!claims.isFree(m.index, m.index + m[0].length)) continue;
    const value = Number(m[0].replace(/,/g, ""));
    if (Number.isFinite(value)) out.numbers.push(value);
  }
}

function extractQuoted(text: string, out: Extracted): void {
  const found: { at: number; value: string }[] = [];
  for (const re of QUOTED) {
    for (const m of text.matchAll(re)) {
      const value = (m[1] ?? "").trim();
      if (value) found.push({ at: m.index, value });
    }
  }
  found.sort((a, b) => a.at - b.at);
  for (const q of found) pushUnique(out.quoted, q.value);
}

/**
 * The entities a question states outright, found by patterns alone (no database): event ids, art
 * codes, e-mails, phone numbers, currencies, Slack ids, a time window, a round, ISO dates, other
 * numbers and quoted text. Each span of the text is read as one thing only: the digits of an eid, a
 * date, a time or a Slack id never come back as a phone number or as a plain number. Cities, artists
 * and people need the database: see `resolveEntities`.
 */
export function extractEntities(text: string): Extracted {
  const out = emptyEntities();
  const claims = new Claims(text.length);
  extractEmails(text, claims, out);
  extractEids(text, claims, out);
  extractSlack(text, claims, out);
  extractDates(text, claims, out);
  extractPhones(text, claims, out);
  out.currencies = findCurrencies(text, claims);
  out.hoursBack = findTimeWindow(text, claims);
  out.round = findRound(text, claims);
  extractNumbers(text, claims, out);
  extractQuoted(text, out);
  return out;
}
