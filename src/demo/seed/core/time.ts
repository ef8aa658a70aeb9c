/**
 * Time helpers for the core domain. Every timestamp derives from the seed anchor: calendar
 * milestones (EID history, feature launches) were written against a reference "today" and move
 * with the anchor, so a seed taken at any anchor has the same shape relative to its "now".
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The "today" the calendar dates below were written against (late November 2026). */
const REFERENCE_ANCHOR = Date.UTC(2026, 10, 24);

export function at(base: Date, offsetMs: number): Date {
  return new Date(base.getTime() + Math.round(offsetMs));
}

/** A production calendar date (YYYY-MM-DD), moved by however far the anchor is from the reference. */
export function calendar(anchor: Date, isoDate: string): Date {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + (anchor.getTime() - REFERENCE_ANCHOR));
}

/** Platform milestones, as calendar dates (artbattle-schema.md §3–§5). */
export const MILESTONES = {
  historyStart: "2019-08-01",
  /** Per-artwork closing times (20250804_individual_auction_closing). */
  closingTimes: "2025-08-04",
  /** Vote weights with QR bonus (20250806 vote-weight migrations). */
  voteWeights: "2025-08-06",
  /** QR attendance tables (20250809_qr_system_tables). */
  qrScans: "2025-08-09",
  /** Artist numbers 310000+ (create_entry_id_sequence_310000). */
  entrySequence: "2025-08-14",
  /** Invitation-status enum migration: older rows keep a status_old text. */
  invitationEnum: "2025-10-04",
  /** events.venue_id added. */
  venueIds: "2025-10-06",
  /** Producer fields (door/paint/show times, flyer). */
  producerFields: "2025-12-08",
} as const;

export function milestone(anchor: Date, name: keyof typeof MILESTONES): Date {
  return calendar(anchor, MILESTONES[name]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

/** The wall-clock reading in `zone` at `instant`. */
export function wallClock(zone: string, instant: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
  };
}

/** Minutes east of UTC in `zone` at `instant` (e.g. -300 for Toronto in winter). */
export function offsetMinutes(zone: string, instant: Date): number {
  const w = wallClock(zone, instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(instant.getTime() / MINUTE) * MINUTE) / MINUTE);
}

/** "+HH:MM" / "-HH:MM". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** The UTC instant of a local wall-clock time in `zone` (two passes settle DST edges). */
export function zonedInstant(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): Date {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  let guess = naive - offsetMinutes(zone, new Date(naive)) * MINUTE;
  guess = naive - offsetMinutes(zone, new Date(guess)) * MINUTE;
  return new Date(guess);
}

/** The local calendar day in `zone` of `instant`, with the local weekday (0 = Sunday). */
export function localDay(
  zone: string,
  instant: Date,
): { year: number; month: number; day: number; weekday: number } {
  const w = wallClock(zone, instant);
  const weekday = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return { year: w.year, month: w.month, day: w.day, weekday };
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
