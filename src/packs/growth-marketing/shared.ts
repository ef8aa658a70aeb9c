import { parsePhoneNumberFromString } from "libphonenumber-js";
import { type Role, ToolError } from "../../catalog/index.ts";

/** Marketing, ops and viewer: ads, SMS and notification reads (original-system.md §1.2, #35–#39). */
export const ROLES_MARKETING_READ: readonly Role[] = ["marketing", "ops", "viewer"];
/** Marketing, ops, finance and viewer: offers and sponsorship sales (#40, #41). */
export const ROLES_MARKETING_FINANCE_READ: readonly Role[] = ["marketing", "ops", "finance", "viewer"];

/** A phone number in E.164 plus the other spellings a stored number may use. */
export interface NormalisedPhone {
  /** "+14165550123". */
  e164: string;
  /** ISO country the number belongs to, when the numbering plan says (NANP numbers may not). */
  country: string | null;
  /**
   * What to compare stored columns with: E.164 (the platform's canonical form and the demo's), the same
   * without "+", and the national digits (with the trunk "0" outside North America), which older
   * rows and some carrier payloads use. Exact matches only, so the phone indexes still apply.
   */
  variants: string[];
}

/**
 * Parse a phone number typed by a person. Numbers without a country code are read as North
 * American (+1), the platform's main market. Throws INVALID_ARGUMENT for anything that is not a
 * valid number, so a typo is never reported as "no messages".
 */
export function normalisePhone(input: string): NormalisedPhone {
  const parsed = parsePhoneNumberFromString(input, "US");
  if (!parsed?.isValid()) {
    throw new ToolError(
      "INVALID_ARGUMENT",
      "That is not a valid phone number. Give the full number with its country code, e.g. +1 416 555 0123 " +
        "or +44 7911 123456 (numbers without a country code are read as North American).",
    );
  }
  const e164 = parsed.number;
  const national = parsed.nationalNumber;
  const variants = new Set([e164, e164.slice(1), national]);
  if (parsed.countryCallingCode !== "1") variants.add(`0${national}`);
  return { e164, country: parsed.country ?? null, variants: [...variants] };
}

/** Status counts as an object ({ delivered: 70, failed: 3 }), keys in the order given. */
export function countsByStatus(rows: readonly { status: string; n: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[row.status] = (out[row.status] ?? 0) + row.n;
  return out;
}

/** "delivered 70, failed 3", or "none". */
export function describeCounts(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).map(([status, n]) => `${status} ${n}`);
  return parts.length ? parts.join(", ") : "none";
}

/** "2026-11-24 18:00" (UTC) for text answers, or "?" when missing. */
export function shortUtc(value: string | null): string {
  return value ? `${value.slice(0, 16).replace("T", " ")} UTC` : "?";
}
