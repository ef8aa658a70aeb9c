import { createHash } from "node:crypto";
import { notFound } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { scoreComparators, selectComparators, storedComparators } from "./comparators.ts";
import { type PacePoint, SOLD_ORDER_STATUSES, ticketPace } from "./pace.ts";
import { type PaceChart, type PaceSeries, renderPaceChart } from "./render.ts";

/** The line covers the last this-many days before an event; earlier sales are its starting level. */
export const WINDOW_DAYS = 90;

/** Everything a ticket-pace chart shows, before it is drawn. */
export interface PaceChartPlan {
  eid: string;
  eventName: string;
  city: string | null;
  eventStart: Date;
  /** Tickets sold so far (every ticket of every sold order). */
  ticketCount: number;
  /** Gross of the sold orders (exact decimal string), null when there are none. */
  revenue: string | null;
  currency: string | null;
  /** Tickets per day over the window the line covers (same source and period as the line). */
  pacePerDay: number;
  /** Whole days until the event starts; negative once it has started. */
  daysUntilEvent: number;
  /** Comparator eids drawn (those with orders data), in the order given. */
  comparators: string[];
  /** Comparators asked for that could not be drawn (no order history), with the reason. */
  comparatorsSkipped: { eid: string; reason: string }[];
  /** SHA-256 of the data the chart shows (series and title), for duplicate detection across days. */
  payloadHash: string;
  /** SHA-256 of everything drawn (also subtitle and today marker): equal keys give identical images. */
  contentKey: string;
  chart: PaceChart;
}

/** A ticket-pace chart and the PNG it was drawn as. */
export interface BuiltPaceChart extends PaceChartPlan {
  png: Buffer;
  width: number;
  height: number;
  renderMs: number;
}

interface ChartEvent {
  id: string;
  eid: string;
  name: string;
  city: string | null;
  starts: Date | null;
}

async function chartEvents(sql: Sql, eids: readonly string[]): Promise<Map<string, ChartEvent>> {
  if (eids.length === 0) return new Map();
  const rows = await sql<ChartEvent[]>`
    select e.id, e.eid, e.name, c.name as city, e.event_start_datetime as starts
    from events e left join cities c on c.id = e.city_id
    where e.eid in ${sql(eids as string[])}`;
  return new Map(rows.map((r) => [r.eid, r]));
}

/**
 * The comparators a chart uses when none are given: the event's chosen ones, else the best of the
 * stored scores (within 24 h), else a fresh scoring (not stored from here: storing is the job of
 * get_chart_comparators, which may write its cache).
 */
export async function defaultComparators(sql: Sql, eventId: string, eid: string): Promise<string[]> {
  const [lock] = await sql<{ comparator_eids: string[] }[]>`
    select comparator_eids from arthur_chart_comparator_locks where eid = ${eid}`;
  if (lock) return lock.comparator_eids;
  const stored = await storedComparators(sql, eid);
  return selectComparators(stored ? stored.candidates : await scoreComparators(sql, eventId));
}

/** The part of a pace line the chart draws: the last WINDOW_DAYS days, up to `untilDaysBefore`. */
export function windowed(points: readonly PacePoint[], untilDaysBefore: number): PacePoint[] {
  const before = points.filter((p) => p.daysBefore > WINDOW_DAYS);
  const startLevel = before.length ? (before[before.length - 1] as PacePoint).tickets : 0;
  const inside = points.filter((p) => p.daysBefore <= WINDOW_DAYS && p.daysBefore >= untilDaysBefore);
  if (before.length && (inside[0]?.daysBefore ?? -1) !== WINDOW_DAYS) {
    return [{ daysBefore: WINDOW_DAYS, tickets: startLevel }, ...inside];
  }
  return inside;
}

/**
 * Tickets per day over the drawn window: tickets sold inside it divided by the days from the
 * window's start (or the first sale, if later) to `untilDaysBefore`. One source, one period — the
 * original divided a cache total by the span of an orders timeline (§6.2 item 9).
 */
export function paceOf(points: readonly PacePoint[], untilDaysBefore: number): number {
  const first = points[0];
  if (!first) return 0;
  const before = points.filter((p) => p.daysBefore > WINDOW_DAYS);
  const soldBefore = before.length ? (before[before.length - 1] as PacePoint).tickets : 0;
  const upToThen = points.filter((p) => p.daysBefore >= untilDaysBefore);
  const soldByThen = upToThen.length ? (upToThen[upToThen.length - 1] as PacePoint).tickets : 0;
  const from = Math.min(WINDOW_DAYS, first.daysBefore);
  const span = Math.max(1, from - Math.max(0, untilDaysBefore));
  return Math.round(((soldByThen - soldBefore) / span) * 100) / 100;
}

export interface PaceChartOptions {
  eid: string;
  /** Null: the event's chosen comparators, else the best scored. */
  comparatorEids: readonly string[] | null;
  now?: Date;
}

/**
 * Everything the ticket-pace chart of `eid` shows, from the orders cache. Throws NOT_FOUND for an
 * unknown eid. Returns null when the event has no sold orders in the cache (nothing to draw).
 */
export async function planPaceChart(sql: Sql, options: PaceChartOptions): Promise<PaceChartPlan | null> {
  const now = options.now ?? new Date();
  const target = (await chartEvents(sql, [options.eid])).get(options.eid);
  if (!target) throw notFound(`No event ${options.eid}`);
  if (!target.starts) return null;
  const pace = await ticketPace(sql, target.id);
  if (pace.totalTickets === 0) return null;

  const daysUntilEvent = Math.floor((target.starts.getTime() - now.getTime()) / 86_400_000);
  const today = Math.max(0, daysUntilEvent);
  const line = windowed(pace.points, today);
  const [money] = await sql<{ revenue: string | null; currency: string | null }[]>`
    select sum(gross)::text as revenue, min(currency_code) as currency
    from eventbrite_orders_cache
    where event_id = ${target.id} and order_status in ${sql(SOLD_ORDER_STATUSES)}`;

  const wanted = options.comparatorEids ?? (await defaultComparators(sql, target.id, target.eid));
  const others = await chartEvents(sql, wanted);
  const series: PaceSeries[] = [
    { label: `${target.eid} ${target.city ?? target.name} (this event)`, isTarget: true, points: line },
  ];
  const drawn: string[] = [];
  const skipped: { eid: string; reason: string }[] = [];
  for (const eid of wanted) {
    const event = others.get(eid);
    if (!event) {
      skipped.push({ eid, reason: "no such event" });
      continue;
    }
    const theirs = await ticketPace(sql, event.id);
    if (theirs.totalTickets === 0) {
      skipped.push({ eid, reason: "no order history in the Eventbrite orders cache" });
      continue;
    }
    const year = event.starts ? ` ${event.starts.getUTCFullYear()}` : "";
    series.push({
      label: `${event.eid} ${event.city ?? event.name}${year}`,
      isTarget: false,
      points: windowed(theirs.points, 0),
    });
    drawn.push(eid);
  }

  const pacePerDay = paceOf(pace.points, today);
  const paceDays = Math.max(1, Math.min(WINDOW_DAYS, pace.points[0]?.daysBefore ?? 0) - today);
  const title = `Ticket pace: ${target.name.includes(target.eid) ? target.name : `${target.eid} — ${target.name}`}`;
  const subtitle = [
    `${pace.totalTickets} tickets`,
    `${pacePerDay}/day over ${paceDays} days`,
    daysUntilEvent >= 0 ? `${daysUntilEvent} days to go` : "event has started",
    drawn.length ? `vs ${drawn.join(", ")}` : "no comparators",
  ].join(" · ");
  const chart: PaceChart = {
    title,
    subtitle,
    series,
    todayDaysBefore: daysUntilEvent >= 0 ? daysUntilEvent : null,
  };
  const sha256 = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
  return {
    eid: target.eid,
    eventName: target.name,
    city: target.city,
    eventStart: target.starts,
    ticketCount: pace.totalTickets,
    revenue: money?.revenue ?? null,
    currency: money?.currency ?? null,
    pacePerDay,
    daysUntilEvent,
    comparators: drawn,
    comparatorsSkipped: skipped,
    payloadHash: sha256({ title, series: series.map((s) => [s.label, s.points]) }),
    contentKey: sha256(chart),
    chart,
  };
}

/** Draw a planned chart as a PNG. */
export async function renderPlan(plan: PaceChartPlan): Promise<BuiltPaceChart> {
  const started = performance.now();
  const rendered = await renderPaceChart(plan.chart);
  return {
    ...plan,
    png: rendered.png,
    width: rendered.width,
    height: rendered.height,
    renderMs: Math.round(performance.now() - started),
  };
}

/** Plan and render the ticket-pace chart of an event; null when there is nothing to draw. */
export async function buildPaceChart(sql: Sql, options: PaceChartOptions): Promise<BuiltPaceChart | null> {
  const plan = await planPaceChart(sql, options);
  return plan ? renderPlan(plan) : null;
}
