// Pure rules of chart autopost schedules, shared by the worker and the schedule tools. No I/O and
// no pg-boss here, so the gateway can import it without loading the queue library.

export const CADENCES = ["auto", "weekly", "every_2_days", "daily"] as const;
export type Cadence = (typeof CADENCES)[number];

/** Schema pg-boss installs its tables in (created on the worker's first start). */
export const JOBS_SCHEMA = "arthur_jobs";
/** Queue of one chart post: data `{ scheduleId, slot }`. */
export const CHART_POST_QUEUE = "arthur-chart-post";
/** Queue of the daily retention run, fed by a cluster-wide pg-boss cron schedule. */
export const RETENTION_QUEUE = "arthur-retention";
/** When retention runs (cron, UTC). */
export const RETENTION_CRON = "15 3 * * *";

/** Posts run at this UTC hour on their day. */
export const POST_HOUR_UTC = 10;
/** A schedule stops this long after the event starts. */
export const AUTO_STOP_AFTER_START_MS = 2 * 86_400_000;

const DAY_MS = 86_400_000;
const FIXED_INTERVAL_DAYS: Record<Exclude<Cadence, "auto">, number> = {
  daily: 1,
  every_2_days: 2,
  weekly: 7,
};

/**
 * Days between posts: 1, 2 or 7 for daily, every_2_days and weekly; for `auto`, 7 while the event
 * is more than 28 days away, 2 while more than 7, else 1 (busier as the show gets closer).
 */
export function cadenceIntervalDays(eventStart: Date, cadence: Cadence, now: Date): number {
  if (cadence !== "auto") return FIXED_INTERVAL_DAYS[cadence];
  const daysAway = (eventStart.getTime() - now.getTime()) / DAY_MS;
  return daysAway > 28 ? 7 : daysAway > 7 ? 2 : 1;
}

/** The next post time: the day `now` + interval, at 10:00 UTC. */
export function computeNextRun(eventStart: Date, cadence: Cadence, now: Date): Date {
  const days = cadenceIntervalDays(eventStart, cadence, now);
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, POST_HOUR_UTC, 0, 0, 0),
  );
}

/** A schedule's slot: its due time to the minute, e.g. "2026-03-02T10:00Z". One post per slot. */
export function slotKey(dueAt: Date): string {
  return `${dueAt.toISOString().slice(0, 16)}Z`;
}

/** pace and ticket count of the last chart posted for a schedule (null before the first). */
export interface LastPosted {
  ticketCount: number | null;
  pacePerDay: number | null;
}

/** Pace must move by at least this share, or the ticket count by TICKETS_CHANGE, for a new post. */
export const PACE_CHANGE = 0.05;
export const TICKETS_CHANGE = 0.2;

function relativeChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(after - before) / Math.abs(before);
}

/**
 * The meaningful-change gate: false (skip as no_change) when the pace moved by less than 5 % and
 * the ticket count by less than 20 % since the last post. Always true before the first post.
 * Pace is compared at the two decimals it is stored with.
 */
export function changedEnough(
  last: LastPosted,
  current: { ticketCount: number; pacePerDay: number },
): boolean {
  if (last.ticketCount === null || last.pacePerDay === null) return true;
  const pace = Math.round(current.pacePerDay * 100) / 100;
  return (
    relativeChange(last.pacePerDay, pace) >= PACE_CHANGE ||
    relativeChange(last.ticketCount, current.ticketCount) >= TICKETS_CHANGE
  );
}
