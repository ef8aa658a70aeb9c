import type { Rng } from "../random.ts";
import type { SeedContext, WorldEvent } from "../world.ts";
import { SCENARIO_EIDS } from "./scenarios.ts";
import { cityName, DAY, nicePrice, type WorldIndex } from "./shared.ts";

/** How one Eventbrite-linked event sells: the curve both caches are drawn from. */
export interface SalesModel {
  event: WorldEvent;
  eventbriteId: string;
  city: string;
  capacity: number;
  /** Tickets sold by the day of the show. */
  finalTickets: number;
  /** General-admission price in local cents. */
  priceCents: number;
  onSale: Date;
  /** Tickets sold by `t`; replaced by the real order timeline for events with orders. */
  ticketsAt: (t: Date) => number;
  /** Gross revenue (local cents) by `t`, consistent with ticketsAt. */
  grossAt: (t: Date) => number;
}

/** Share of final sales reached after fraction `x` of the on-sale window: an early-bird bump, then acceleration. */
export function salesCurve(x: number): number {
  const clamped = Math.min(1, Math.max(0, x));
  return 0.12 * Math.min(1, clamped / 0.15) + 0.88 * clamped ** 2.4;
}

function buildModel(rng: Rng, index: WorldIndex, event: WorldEvent, anchor: Date): SalesModel {
  const capacity = event.capacity > 0 ? event.capacity : 200;
  const finalTickets = Math.round(Math.min(capacity * 1.02, Math.max(50, capacity * rng.float(0.45, 1.0))));
  const priceCents = nicePrice(rng.float(25, 45), event.currency);
  // Anything the demo tracks is on sale by now, however far ahead the show is.
  const onSale = new Date(
    Math.min(event.startsAt.getTime() - rng.int(50, 75) * DAY, anchor.getTime() - 10 * DAY),
  );
  const span = event.startsAt.getTime() - onSale.getTime();
  const ticketsAt = (t: Date) =>
    Math.round(finalTickets * salesCurve((t.getTime() - onSale.getTime()) / span));
  return {
    event,
    eventbriteId: event.eventbriteId ?? "",
    city: cityName(index, event),
    capacity,
    finalTickets,
    priceCents,
    onSale,
    ticketsAt,
    grossAt: (t: Date) => Math.round(ticketsAt(t) * priceCents * 1.09),
  };
}

function linked(event: WorldEvent): boolean {
  return Boolean(event.eventbriteId && event.eventbriteId.trim() !== "");
}

/**
 * Events that get full order timelines: the chart-pace scenario events, earlier shows in their
 * cities (comparators look 30–540 days back), then other recent or upcoming linked events.
 */
function chartEvents(ctx: SeedContext, index: WorldIndex): WorldEvent[] {
  const chosen: WorldEvent[] = [];
  const add = (event: WorldEvent | undefined) => {
    if (event && linked(event) && !chosen.includes(event)) chosen.push(event);
  };
  const pace = index.world.events.filter(
    (e) => (SCENARIO_EIDS.chartPace as readonly string[]).includes(e.eid) || e.scenario === "chart-pace",
  );
  pace.sort((a, b) => a.eid.localeCompare(b.eid)).forEach(add);
  const now = ctx.anchor.getTime();
  for (const target of pace) {
    const sameCity = index.eventsByStart.filter(
      (e) =>
        e.cityId === target.cityId &&
        e.startsAt.getTime() <= now - 30 * DAY &&
        e.startsAt.getTime() >= now - 540 * DAY,
    );
    sameCity.slice(-3).forEach(add);
  }
  const target = Math.max(ctx.count(20, 4), chosen.length);
  // A few shows on sale now, then the most recent finished ones (full timelines).
  const soon = index.eventsByStart.filter(
    (e) => e.startsAt.getTime() > now && e.startsAt.getTime() <= now + 21 * DAY,
  );
  const past = index.eventsByStart.filter(
    (e) => e.startsAt.getTime() <= now && e.startsAt.getTime() >= now - 200 * DAY,
  );
  for (const event of [...soon.slice(0, Math.ceil(target / 5)), ...past.reverse()]) {
    if (chosen.length >= target) break;
    add(event);
  }
  return chosen;
}

/** Events with an api-cache history: the chart events, AB4124, then linked events nearest the anchor. */
function apiEvents(ctx: SeedContext, index: WorldIndex, charts: readonly WorldEvent[]): WorldEvent[] {
  const chosen = [...charts];
  const wrong = index.eventByEid.get(SCENARIO_EIDS.wrongEventbrite);
  if (wrong && linked(wrong) && !chosen.includes(wrong)) chosen.push(wrong);
  const target = Math.max(ctx.count(124, 8), chosen.length);
  const now = ctx.anchor.getTime();
  const nearest = index.world.events
    .filter((e) => linked(e) && !chosen.includes(e) && e.startsAt.getTime() >= now - 420 * DAY)
    .sort(
      (a, b) =>
        Math.abs(a.startsAt.getTime() - now) - Math.abs(b.startsAt.getTime() - now) ||
        a.eid.localeCompare(b.eid),
    );
  for (const event of nearest) {
    if (chosen.length >= target) break;
    // Far-future events are not on sale yet, so they have no sales history.
    if (event.startsAt.getTime() - 75 * DAY > now) continue;
    chosen.push(event);
  }
  return chosen;
}

export interface EventbritePlan {
  charts: SalesModel[];
  api: SalesModel[];
}

export function planEventbrite(ctx: SeedContext, index: WorldIndex): EventbritePlan {
  const rng = ctx.rng("commerce:eventbrite:models");
  const charts = chartEvents(ctx, index);
  const models = new Map<string, SalesModel>();
  for (const event of apiEvents(ctx, index, charts))
    models.set(event.id, buildModel(rng, index, event, ctx.anchor));
  return {
    charts: charts.map((e) => models.get(e.id)).filter((m): m is SalesModel => m !== undefined),
    api: [...models.values()],
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat("en-US", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      found = formatter("UTC");
    }
    formatters.set(timeZone, found);
  }
  return found;
}

/** Local wall-clock time of an instant, as `YYYY-MM-DD HH:MM:SS` (Eventbrite's start.local). */
export function localTimestamp(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Eventbrite listing title, e.g. "Art Battle Toronto - March 14, 2026". */
export function eventbriteTitle(city: string, localStamp: string): string {
  const [year, month, day] = localStamp.slice(0, 10).split("-").map(Number);
  return `Art Battle ${city} - ${MONTHS[(month ?? 1) - 1]} ${day}, ${year}`;
}
