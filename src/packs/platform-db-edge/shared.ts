import { z } from "zod";
import { boundedInt, type Role } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";

/** Role set of most rows of the policy table for this pack (original-system.md §1.2, #42–#51). */
export const ROLES_OPS_VIEWER: readonly Role[] = ["ops", "viewer"];

/** `hours_back` as the policy table defines it for a tool: 1..max, default 24. */
export const hoursBack = (max: number) => boundedInt(1, max, 24, "How many hours back to look");

/** `limit` as the policy table defines it: 1..50, default 20. */
export const listLimit = () => boundedInt(1, 50, 20, "Most rows to list");

/** A time window ending at the database's now(), as results state it. */
export interface Window {
  hours: number;
  from: string;
  to: string;
}

/**
 * The window [now() - hours, now()] by the database clock. Queries filter with `> since`, so every
 * statement of a call uses the same bounds even outside a transaction.
 */
export async function windowOf(sql: Sql, hours: number): Promise<{ window: Window; since: Date }> {
  const [row] = await sql<{ since: Date; until: Date }[]>`
    select now() - make_interval(hours => ${hours}) as since, now() as until`;
  const since = row?.since ?? new Date(Date.now() - hours * 3_600_000);
  const until = row?.until ?? new Date();
  return { window: { hours, from: since.toISOString(), to: until.toISOString() }, since };
}

/**
 * Text cut to at most `max` characters (with "…" when cut), so one long stack trace, payload or
 * e-mail error cannot flood a result. Runs of whitespace become one space unless `flatten` is false
 * (text a person wrote keeps its line breaks). Null stays null.
 */
export function clip(value: string | null | undefined, max: number, flatten = true): string | null {
  if (value === null || value === undefined) return null;
  const text = flatten ? value.replace(/\s+/g, " ").trim() : value;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A count for each key of `keys` (zero where absent), so missing categories are explicit. */
export function countsFor<K extends string>(
  keys: readonly K[],
  rows: readonly { key: string | null; n: number }[],
): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const row of rows) {
    if (row.key !== null && (keys as readonly string[]).includes(row.key)) counts[row.key as K] += row.n;
  }
  return counts;
}

/** A "12.5" percentage with one decimal, or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

/** An optional single-word filter (a tool name, a Slack user id). */
export const token = (what: string, max = 100) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[\w.:-]+$/, { message: "letters, digits, '_', '-', '.' or ':' only" })
    .describe(what);
