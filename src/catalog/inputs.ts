import { z } from "zod";

/** An Art Battle event id: "AB" and digits, any case and surrounding spaces accepted, upper-cased. */
export const eid = () =>
  z
    .string()
    .trim()
    // No /i flag: JSON Schema patterns carry no flags, so MCP clients would see a lowercase-only pattern.
    .regex(/^[Aa][Bb]\d{1,6}$/, { message: 'must be an event id like "AB4001"' })
    .transform((value) => value.toUpperCase())
    .describe('Event id, "AB" followed by digits, e.g. AB4001');

export const uuid = (what: string) => z.uuid({ message: `must be a UUID (${what})` }).describe(what);

/** A whole number between `min` and `max`, defaulting to `fallback`. */
export const boundedInt = (min: number, max: number, fallback: number, what: string) =>
  z
    .number()
    .int()
    .min(min)
    .max(max)
    .default(fallback)
    .describe(`${what} (${min}–${max}, default ${fallback})`);

/** Free text a person typed: trimmed, never empty, bounded. */
export const text = (what: string, max = 200) => z.string().trim().min(1).max(max).describe(what);

/** Escape LIKE wildcards so user text matches literally inside ILIKE patterns. */
export function likePattern(input: string): string {
  return `%${input.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
