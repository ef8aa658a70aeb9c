import type { Rng } from "../random.ts";
import type { SeedContext, WorldEvent } from "../world.ts";
import { AUCTION_BY_CURRENCY, DEFAULT_AUCTION } from "./geo-data.ts";
import type { CityRec, Reference, VenueRec } from "./reference.ts";
import { calendar, DAY, formatOffset, milestone, offsetMinutes } from "./time.ts";
import type { EventSlot } from "./timeline.ts";

export type EventLevel = "REGULAR" | "CHAMPION_CITY" | "CHAMPION_NATIONAL" | "PRIVATE" | "SPECIAL";

export interface EventRec extends WorldEvent {
  index: number;
  slot: EventSlot;
  city: CityRec | null;
  venue: VenueRec | null;
  countryId: string | null;
  timezoneId: string | null;
  timezoneOffset: string;
  currencySymbol: string;
  tax: number | null;
  level: EventLevel;
  advancesTo: EventRec | null;
  createdAt: Date;
  /** Feature eras, by start date: which platform features existed at this show. */
  closingEra: boolean;
  weightsEra: boolean;
  qrEra: boolean;
  /** Rounds actually played (set by the competition planner). */
  currentRound: number;
}

/** 11 digits for 2019–21 listings, 12 for 2022–24, 13 since 2025 (artbattle-schema.md §5.7). */
function eventbriteId(rng: Rng, start: Date, anchor: Date, used: Set<string>): string {
  const digits =
    start < calendar(anchor, "2022-01-01") ? 11 : start < calendar(anchor, "2025-01-01") ? 12 : 13;
  for (;;) {
    const lead = digits === 13 ? "1" : rng.pick(["7", "8", "9"]);
    const id = lead + rng.code(digits - 1, "0123456789");
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

/** Local-currency amount for a USD figure, rounded to a producer-friendly step. */
export function localAmount(usd: number, currency: string, step = 50): number {
  const factor = currency === "THB" ? 35 : currency === "MXN" ? 18 : 1;
  return Math.max(step, Math.round((usd * factor) / step) * step);
}

function flags(rng: Rng, slot: EventSlot, anchor: Date): { enabled: boolean; showInApp: boolean } {
  if (slot.phase !== "upcoming") {
    const enabled = rng.chance(0.97);
    return { enabled, showInApp: enabled && rng.chance(0.96) };
  }
  const daysAhead = (slot.start.getTime() - anchor.getTime()) / DAY;
  if (daysAhead <= 30) {
    const enabled = rng.chance(0.95);
    return { enabled, showInApp: enabled && rng.chance(0.9) };
  }
  const enabled = rng.chance(0.5);
  return { enabled, showInApp: enabled && rng.chance(0.6) };
}

function hasEventbrite(rng: Rng, slot: EventSlot, anchor: Date): boolean {
  if (slot.scenario) return slot.scenario.eventbrite ?? false;
  if (!slot.city) return false;
  if (slot.phase === "upcoming") {
    return rng.chance((slot.start.getTime() - anchor.getTime()) / DAY <= 45 ? 0.8 : 0.45);
  }
  return rng.chance(slot.start < calendar(anchor, "2025-01-01") ? 0.55 : 0.9);
}

function buildEvent(
  rng: Rng,
  ctx: SeedContext,
  ref: Reference,
  slot: EventSlot,
  index: number,
  used: Set<string>,
): EventRec {
  const city = slot.city;
  const currency = city?.currency ?? "USD";
  const auction = AUCTION_BY_CURRENCY[currency] ?? DEFAULT_AUCTION;
  const venue = city ? ((rng.chance(0.6) ? city.venues[0] : rng.pick(city.venues)) ?? null) : null;
  const { enabled, showInApp } = slot.scenario
    ? { enabled: slot.scenario.enabled ?? true, showInApp: slot.scenario.showInApp ?? true }
    : flags(rng, slot, ctx.anchor);
  const startMs = slot.start.getTime();
  const daysFromAnchor = (startMs - ctx.anchor.getTime()) / DAY;
  const withAds = slot.phase === "upcoming" ? rng.chance(0.75) : daysFromAnchor > -120 && rng.chance(0.6);
  const venueLinked =
    slot.start >= milestone(ctx.anchor, "venueIds") || slot.phase !== "past" || rng.chance(0.15);
  const portion =
    slot.scenario?.portion ??
    rng.weighted<string>([
      ["0.50", 98],
      ["0.00", 1],
      ["1.00", 1],
    ]);
  const nameDash = slot.start < calendar(ctx.anchor, "2022-01-01") ? "-" : "–";
  const created = new Date(startMs - rng.int(30, 120) * DAY);
  return {
    id: rng.uuid(),
    eid: slot.eid,
    name: `${slot.eid} ${nameDash} ${city?.name ?? "Online"}`,
    cityId: city?.id ?? null,
    countryCode: city?.countryCode ?? null,
    venueId: city && venue && venueLinked ? venue.id : null,
    currency,
    timezone: slot.zone,
    startsAt: slot.start,
    endsAt: slot.end,
    phase: slot.phase,
    enabled,
    showInApp,
    capacity: venue?.capacity ?? 500,
    // A few unlinked past shows hold '' instead of NULL, as production's data does.
    eventbriteId: hasEventbrite(rng, slot, ctx.anchor)
      ? eventbriteId(rng, slot.start, ctx.anchor, used)
      : city && slot.phase === "past" && rng.chance(0.03)
        ? ""
        : null,
    artistAuctionPortion: portion,
    auctionStartBid: auction.start,
    minBidIncrement: auction.increment,
    metaAdsBudget: withAds ? `${localAmount(250 + rng.next() * 2750, currency)}.00` : null,
    scenario: slot.scenario?.label ?? null,
    index,
    slot,
    city,
    venue,
    countryId: city?.countryId ?? null,
    timezoneId: city?.timezoneId ?? ref.zoneIdByIcann.get(slot.zone) ?? null,
    timezoneOffset: formatOffset(offsetMinutes(slot.zone, slot.start)),
    currencySymbol: city?.currencySymbol ?? "$",
    tax: city && rng.chance(0.8) ? city.tax : null,
    level: "REGULAR",
    advancesTo: null,
    createdAt: created.getTime() < ctx.anchor.getTime() ? created : new Date(ctx.anchor.getTime() - DAY),
    closingEra: slot.start >= milestone(ctx.anchor, "closingTimes"),
    weightsEra: slot.start >= milestone(ctx.anchor, "voteWeights"),
    qrEra: slot.start >= milestone(ctx.anchor, "qrScans"),
    currentRound: 0,
  };
}

/**
 * Season finals: the last show of a year in a city with at least six shows that year becomes a
 * CHAMPION_CITY final, and that city's earlier shows of the year advance to it. One final a year in
 * Toronto or San Francisco is national. A handful of PRIVATE and SPECIAL shows.
 */
function assignLevels(rng: Rng, events: EventRec[]): void {
  const byCityYear = new Map<string, EventRec[]>();
  for (const e of events) {
    if (!e.city || e.scenario || e.phase === "live") continue;
    const key = `${e.city.id}:${e.startsAt.getUTCFullYear()}`;
    const list = byCityYear.get(key);
    if (list) list.push(e);
    else byCityYear.set(key, [e]);
  }
  const nationalYears = new Set<number>();
  for (const list of byCityYear.values()) {
    if (list.length < 6) continue;
    const final = list[list.length - 1] as EventRec;
    const year = final.startsAt.getUTCFullYear();
    const flagship = final.city?.name === "Toronto" || final.city?.name === "San Francisco";
    final.level = flagship && !nationalYears.has(year) ? "CHAMPION_NATIONAL" : "CHAMPION_CITY";
    if (final.level === "CHAMPION_NATIONAL") nationalYears.add(year);
    for (const e of list.slice(-5, -1)) e.advancesTo = final;
  }
  for (const e of events) {
    if (e.level !== "REGULAR" || e.scenario || e.advancesTo) continue;
    const roll = rng.next();
    if (roll < 0.005) e.level = "PRIVATE";
    else if (roll < 0.008) e.level = "SPECIAL";
  }
}

export function buildEvents(ctx: SeedContext, ref: Reference, slots: readonly EventSlot[]): EventRec[] {
  const rng = ctx.rng("core:events");
  const used = new Set<string>();
  const events = slots.map((slot, i) => buildEvent(rng, ctx, ref, slot, i, used));
  assignLevels(rng, events);
  return events;
}
