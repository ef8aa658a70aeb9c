import { findPhoneNumbersInText } from "libphonenumber-js";
import type { PiiKind } from "./define.ts";

export function maskEmail(value: string): string {
  const at = value.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${value[0]}***${value.slice(at)}`;
}

export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  return digits.length < 4 ? "***" : `***${digits.slice(-2)}`;
}

export function maskCard(value: string): string {
  const digits = value.replace(/\D/g, "");
  return digits.length < 4 ? "****" : `**** **** **** ${digits.slice(-4)}`;
}

// Local part, "@", then a domain of dot-separated labels ending in letters.
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// A word announcing a phone number shortly before a bare run of digits ("call 4165550123").
const PHONE_CUE = /\b(?:call|phone|tel|cell|mobile|text|sms|whatsapp|ph)\b\W{0,3}(?:\w+\W{1,3}){0,2}$/i;

/**
 * Mask the email addresses and phone numbers inside free text (a Slack message), leaving the rest
 * as written. Phones are found by libphonenumber-js (US numbers by default, any number written
 * with a leading +). A bare run of digits ("8123456789") is far more often an order or Eventbrite
 * id than a phone in ops chat, so it is masked only right after a word such as "call" or "cell";
 * dates, times, timestamps and event ids never look like valid numbers and stay intact.
 */
export function maskContactsInText(text: string, tally?: RedactionTally): string {
  const spans: { start: number; end: number; masked: string; kind: "email" | "phone" }[] = [];
  for (const match of text.matchAll(EMAIL_IN_TEXT)) {
    spans.push({
      start: match.index,
      end: match.index + match[0].length,
      masked: maskEmail(match[0]),
      kind: "email",
    });
  }
  for (const found of findPhoneNumbersInText(text, "US")) {
    const { startsAt: start, endsAt: end } = found;
    if (spans.some((s) => start < s.end && end > s.start)) continue;
    // Glued to a word or number ("AB4165550123", "x4165550123"): part of an identifier.
    if (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1] ?? "")) continue;
    const raw = text.slice(start, end);
    if (/^\d+$/.test(raw) && !PHONE_CUE.test(text.slice(Math.max(0, start - 32), start))) continue;
    spans.push({ start, end, masked: maskPhone(raw), kind: "phone" });
  }
  if (spans.length === 0) return text;
  if (tally) for (const span of spans) tally[span.kind] = (tally[span.kind] ?? 0) + 1;
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + span.masked;
    at = span.end;
  }
  return out + text.slice(at);
}

/** How many values of each kind were masked (for the session record); filled in place. */
export type RedactionTally = Partial<Record<"email" | "phone" | "card", number>>;

const MASKS: Record<Exclude<PiiKind, "text">, (value: string) => string> = {
  email: maskEmail,
  phone: maskPhone,
  card: maskCard,
};

/**
 * Mask the values of the declared PII fields anywhere in a result. Driven by field names from the
 * tool's definition: a field of kind "text" (free text such as a Slack message) has the contacts
 * inside it masked; every other kind masks the whole value.
 */
export function redactFields<T>(
  value: T,
  fields: Readonly<Record<string, PiiKind>>,
  tally?: RedactionTally,
): T {
  if (Array.isArray(value)) return value.map((item) => redactFields(item, fields, tally)) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const kind = fields[key];
    if (!kind || typeof inner !== "string" || inner === "") {
      out[key] = redactFields(inner, fields, tally);
    } else if (kind === "text") {
      out[key] = maskContactsInText(inner, tally);
    } else {
      out[key] = MASKS[kind](inner);
      if (tally) tally[kind] = (tally[kind] ?? 0) + 1;
    }
  }
  return out as T;
}
