import { z } from "zod";
import { defineTool, eid, type ImageRef, type Role, ToolError } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { eventByEid, iso } from "../data-read/shared.ts";
import { planPaceChart, renderPlan, WINDOW_DAYS } from "./chart.ts";

const CHART_KIND = "ticket-pace-chart";

import {
  COMPARATOR_WEIGHTS,
  type ComparatorCandidate,
  SCORE_TTL_HOURS,
  scoreComparators,
  selectComparators,
  storeComparators,
  storedComparators,
} from "./comparators.ts";

const ROLES_OPS_EP_MARKETING: readonly Role[] = ["ops", "event-producer", "marketing"];
const ROLES_OPS_EP_MARKETING_VIEWER: readonly Role[] = ["ops", "event-producer", "marketing", "viewer"];

/** A list of comparator events: an array of eids (the original typed it as an object, §6.2 item 4). */
export const comparatorEidsInput = (what: string, min = 0) =>
  z
    .array(eid())
    .min(min, { message: `must list at least ${min} event id` })
    .max(5, { message: "at most 5 comparator events" })
    .describe(what);

/**
 * The comparator eids, checked: no repeats, not the event itself, every one a real event.
 * A mistake names the offending eids.
 */
export async function checkComparatorEids(sql: Sql, target: string, eids: readonly string[]): Promise<void> {
  const repeated = eids.filter((e, i) => eids.indexOf(e) !== i);
  if (repeated.length) {
    throw new ToolError(
      "INVALID_ARGUMENT",
      `comparator_eids lists ${[...new Set(repeated)].join(", ")} more than once`,
    );
  }
  if (eids.includes(target)) {
    throw new ToolError("INVALID_ARGUMENT", `comparator_eids must not include ${target} itself.`);
  }
  if (eids.length === 0) return;
  const found = await sql<{ eid: string }[]>`select eid from events where eid in ${sql(eids as string[])}`;
  const known = new Set(found.map((r) => r.eid));
  const missing = eids.filter((e) => !known.has(e));
  if (missing.length) {
    throw new ToolError("INVALID_ARGUMENT", `Unknown comparator event(s): ${missing.join(", ")}.`, {
      unknown_comparator_eids: missing,
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// get_chart_comparators

export interface ComparatorView {
  eid: string;
  name: string;
  city: string | null;
  date: string | null;
  pool: ComparatorCandidate["pool"];
  total_tickets: number | null;
  scores: { city: number; scale: number; price: number; recency: number; weekday: number };
  total_score: number;
  has_order_history: boolean;
}

export interface ChartComparatorsResult {
  eid: string;
  name: string;
  city: string | null;
  /** "stored": scores from the last 24 h were reused; "scored": scored now (and stored). */
  source: "stored" | "scored";
  scored_at: string | null;
  weights: typeof COMPARATOR_WEIGHTS;
  /** What a chart of this event draws by default (chosen comparators win over scores). */
  selected: string[];
  /** Comparators a person chose with set_chart_comparators; null when charts use the scores. */
  chosen: { comparator_eids: string[]; set_by: string; set_at: string | null } | null;
  candidates: ComparatorView[];
}

function view(c: ComparatorCandidate): ComparatorView {
  return {
    eid: c.eid,
    name: c.name,
    city: c.city,
    date: iso(c.date),
    pool: c.pool,
    total_tickets: c.total_tickets,
    scores: {
      city: c.city_score,
      scale: c.scale_similarity,
      price: c.price_similarity,
      recency: c.recency_score,
      weekday: c.weekday_similarity,
    },
    total_score: c.total_score,
    has_order_history: c.has_order_history,
  };
}

export const getChartComparators = defineTool({
  name: "get_chart_comparators",
  domain: "eventbrite-charts",
  title: "Comparable past events for a ticket-pace chart",
  description:
    "Ranks past Art Battle events to compare an event's ticket sales with: same-city shows from the last 18 months " +
    "and other cities from the last year, scored on city, ticket volume, average price, recency and weekday. " +
    "Shows the scores and which events a chart would draw. Scores are reused for 24 hours unless force_rescore.",
  input: z.strictObject({
    eid: eid(),
    force_rescore: z.boolean().default(false).describe("Score again even if scores from the last 24 h exist"),
  }),
  policy: { roles: ROLES_OPS_EP_MARKETING_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, ctx): Promise<ChartComparatorsResult> {
    const event = await eventByEid(ctx.sql, args.eid);
    const stored = args.force_rescore ? null : await storedComparators(ctx.sql, event.eid);
    let candidates: ComparatorCandidate[];
    let scoredAt: Date | null;
    if (stored) {
      candidates = stored.candidates;
      scoredAt = stored.scoredAt;
    } else {
      candidates = await scoreComparators(ctx.sql, event.id);
      // The score cache is bookkeeping, kept even though this call's own transaction is read-only.
      await ctx.record((sql) => storeComparators(sql, event.eid, candidates));
      scoredAt = new Date();
    }
    const [lock] = await ctx.sql<{ comparator_eids: string[]; set_by: string; set_at: Date }[]>`
      select comparator_eids, set_by, set_at from arthur_chart_comparator_locks where eid = ${event.eid}`;
    return {
      eid: event.eid,
      name: event.name,
      city: event.city,
      source: stored ? "stored" : "scored",
      scored_at: iso(scoredAt),
      weights: COMPARATOR_WEIGHTS,
      selected: lock ? lock.comparator_eids : selectComparators(candidates),
      chosen: lock
        ? { comparator_eids: lock.comparator_eids, set_by: lock.set_by, set_at: iso(lock.set_at) }
        : null,
      candidates: candidates.slice(0, ctx.rowCap).map(view),
    };
  },
  format(r) {
    const lines = [
      `Comparators for ${r.eid} (${r.name}${r.city ? `, ${r.city}` : ""}) — ${r.source === "stored" ? `scores from ${r.scored_at} (reused for ${SCORE_TTL_HOURS} h)` : "scored just now"}`,
      r.chosen
        ? `Charts use the comparators chosen by ${r.chosen.set_by}: ${r.chosen.comparator_eids.join(", ")}`
        : `Charts draw: ${r.selected.length ? r.selected.join(", ") : "none (no comparable event has order history)"}`,
    ];
    if (r.candidates.length === 0)
      lines.push("No comparable past events with an Eventbrite listing were found.");
    for (const c of r.candidates.slice(0, 10)) {
      lines.push(
        `- ${c.eid} ${c.city ?? ""} ${c.date?.slice(0, 10) ?? ""} [${c.pool}] score ${c.total_score.toFixed(3)}` +
          `${c.total_tickets === null ? "" : `, ${c.total_tickets} tickets`}${c.has_order_history ? "" : " (no order history: cannot be drawn)"}`,
      );
    }
    if (r.candidates.length > 10) lines.push(`…and ${r.candidates.length - 10} more`);
    return lines.join("\n");
  },
});

// ---------------------------------------------------------------------------------------------------
// set_chart_comparators

export interface SetChartComparatorsResult {
  eid: string;
  /** The comparators now used; empty when the event went back to automatic scoring. */
  comparator_eids: string[];
  mode: "locked" | "auto";
  /** Live schedules of this event that now use the choice. */
  schedules_updated: number;
}

export const setChartComparators = defineTool({
  name: "set_chart_comparators",
  domain: "eventbrite-charts",
  title: "Choose the comparator events for an event's charts",
  description:
    "Fixes which past events (1–5 eids) an event's ticket-pace charts compare against, for charts made on request " +
    "and for its scheduled autoposts. An empty list returns the event to automatic scoring.",
  input: z.strictObject({
    eid: eid(),
    comparator_eids: comparatorEidsInput("Past events to compare with (0–5 eids; empty = automatic again)"),
  }),
  policy: { roles: ROLES_OPS_EP_MARKETING, risk: "medium", writes: true, maxCallsPerRequest: 2 },
  async handler(args, ctx): Promise<SetChartComparatorsResult> {
    const event = await eventByEid(ctx.sql, args.eid);
    await checkComparatorEids(ctx.sql, event.eid, args.comparator_eids);
    const locked = args.comparator_eids.length > 0;
    if (locked) {
      await ctx.sql`
        insert into arthur_chart_comparator_locks (eid, comparator_eids, set_by)
        values (${event.eid}, ${args.comparator_eids}, ${ctx.caller.userId})
        on conflict (eid) do update set comparator_eids = excluded.comparator_eids,
          set_by = excluded.set_by, set_at = now()`;
    } else {
      await ctx.sql`delete from arthur_chart_comparator_locks where eid = ${event.eid}`;
    }
    const updated = await ctx.sql`
      update esbmcp_scheduled_chart_jobs
      set comparator_mode = ${locked ? "locked" : "auto"}, locked_comparators = ${ctx.sql.json(args.comparator_eids)},
          updated_at = now()
      where eid = ${event.eid} and status in ('active', 'paused')`;
    return {
      eid: event.eid,
      comparator_eids: args.comparator_eids,
      mode: locked ? "locked" : "auto",
      schedules_updated: updated.count,
    };
  },
  format(r) {
    const what =
      r.mode === "locked"
        ? `${r.eid} charts now compare against ${r.comparator_eids.join(", ")}`
        : `${r.eid} charts are back to automatically scored comparators`;
    return `${what} (${r.schedules_updated} live schedule${r.schedules_updated === 1 ? "" : "s"} updated).`;
  },
});

// ---------------------------------------------------------------------------------------------------
// generate_chart

export interface GenerateChartResult {
  eid: string;
  name: string;
  /** Null when the event has no sold orders in the cache yet. */
  chart: ImageRef | null;
  ticket_count: number;
  revenue: string | null;
  currency: string | null;
  pace_per_day: number;
  days_until_event: number | null;
  comparators: string[];
  comparators_skipped: { eid: string; reason: string }[];
  /** Age of the newest order row, so a reader can tell how fresh the line is. */
  orders_fetched_at: string | null;
  /** Null when an identical chart drawn earlier was reused instead of drawn again. */
  render_ms: number | null;
  note: string | null;
}

export const generateChart = defineTool({
  name: "generate_chart",
  domain: "eventbrite-charts",
  title: "Ticket-pace chart for an event",
  description:
    "Draws cumulative tickets sold by days before the event for an event and comparable past events (PNG). " +
    `Covers the last ${WINDOW_DAYS} days before each show; returns the image as a link (and as an image to MCP clients), ` +
    "tickets sold, revenue, tickets per day and days to go. comparator_eids picks the comparators (else the chosen or best-scored ones); " +
    "include_comparators=false draws the event alone.",
  input: z.strictObject({
    eid: eid(),
    include_comparators: z.boolean().default(true).describe("Draw comparable past events too (default true)"),
    comparator_eids: comparatorEidsInput("Past events to compare with (at most 5 eids)").optional(),
  }),
  // Storing the image and its log line is bookkeeping done outside the read-only call, as for audit rows.
  policy: { roles: ROLES_OPS_EP_MARKETING, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, ctx): Promise<GenerateChartResult> {
    const event = await eventByEid(ctx.sql, args.eid);
    if (args.comparator_eids) await checkComparatorEids(ctx.sql, event.eid, args.comparator_eids);
    const comparatorEids = args.include_comparators ? (args.comparator_eids ?? null) : [];
    const plan = await planPaceChart(ctx.sql, { eid: event.eid, comparatorEids });
    const [fresh] = await ctx.sql<{ fetched_at: Date | null }[]>`
      select max(fetched_at) as fetched_at from eventbrite_orders_cache where event_id = ${event.id}`;
    if (!plan) {
      return {
        eid: event.eid,
        name: event.name,
        chart: null,
        ticket_count: 0,
        revenue: null,
        currency: null,
        pace_per_day: 0,
        days_until_event: null,
        comparators: [],
        comparators_skipped: [],
        orders_fetched_at: iso(fresh?.fetched_at ?? null),
        render_ms: null,
        note: "No sold Eventbrite orders are cached for this event, so there is nothing to draw yet (refresh_eventbrite_data fetches them).",
      };
    }
    // The same chart asked for again (same data, same day) is the stored image, not a new drawing.
    let chart = await ctx.images.reuse(CHART_KIND, plan.contentKey);
    let renderMs: number | null = null;
    if (!chart) {
      const drawn = await renderPlan(plan);
      renderMs = drawn.renderMs;
      chart = await ctx.images.save({
        png: drawn.png,
        width: drawn.width,
        height: drawn.height,
        kind: CHART_KIND,
        eid: event.eid,
        createdBy: ctx.caller.userId,
        contentKey: plan.contentKey,
      });
    }
    await ctx.record(
      (sql) => sql`
        insert into esbmcp_chart_posts_log
          (eid, chart_url, payload_hash, comparators_used, ticket_count, revenue, pace_per_day, days_until_event,
           render_duration_ms, source)
        values (${event.eid}, ${`/images/${chart.id}.png`}, ${plan.payloadHash}, ${sql.json(plan.comparators)},
                ${plan.ticketCount}, ${plan.revenue}, ${plan.pacePerDay}, ${plan.daysUntilEvent}, ${renderMs}, 'chat')`,
    );
    return {
      eid: event.eid,
      name: event.name,
      chart,
      ticket_count: plan.ticketCount,
      revenue: plan.revenue,
      currency: plan.currency,
      pace_per_day: plan.pacePerDay,
      days_until_event: plan.daysUntilEvent,
      comparators: plan.comparators,
      comparators_skipped: plan.comparatorsSkipped,
      orders_fetched_at: iso(fresh?.fetched_at ?? null),
      render_ms: renderMs,
      note: null,
    };
  },
  format(r) {
    if (!r.chart) return `${r.eid} (${r.name}): ${r.note}`;
    const lines = [
      `Ticket pace for ${r.eid} (${r.name}): ${r.ticket_count} tickets` +
        `${r.revenue ? `, ${r.revenue} ${r.currency ?? ""}`.trimEnd() : ""}, ${r.pace_per_day}/day` +
        `${r.days_until_event !== null && r.days_until_event >= 0 ? `, ${r.days_until_event} days to go` : ""}.`,
      r.comparators.length ? `Compared with ${r.comparators.join(", ")}.` : "No comparators drawn.",
      ...r.comparators_skipped.map((s) => `Not drawn: ${s.eid} (${s.reason}).`),
      `Chart: ${r.chart.url}`,
    ];
    if (r.orders_fetched_at) lines.push(`Orders as of ${r.orders_fetched_at}.`);
    return lines.join("\n");
  },
});
