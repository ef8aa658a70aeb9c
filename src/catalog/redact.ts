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

const MASKS: Record<PiiKind, (value: string) => string> = {
  email: maskEmail,
  phone: maskPhone,
  card: maskCard,
};

/**
 * Mask the values of the declared PII fields anywhere in a result. Driven by field names from the
 * tool's definition, never by pattern-matching text, so dates and Eventbrite ids stay intact.
 */
export function redactFields<T>(value: T, fields: Readonly<Record<string, PiiKind>>): T {
  if (Array.isArray(value)) return value.map((item) => redactFields(item, fields)) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const kind = fields[key];
    out[key] =
      kind && typeof inner === "string" && inner !== "" ? MASKS[kind](inner) : redactFields(inner, fields);
  }
  return out as T;
}
