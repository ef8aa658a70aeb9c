import { z } from "zod";
import { defineTool, eid, type Role } from "../../catalog/index.ts";
import {
  type CacheRow,
  checkMapping,
  eventbriteLink,
  type MappingCheck,
  qualityFlags,
  type TicketClass,
  ticketClasses,
} from "./eventbrite-cache.ts";
import { capped, eventByEid, iso, localTime, money, ROLES_OPS_EP_VIEWER, truncationNote } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

/** ok: a cached fetch exists; not_linked: the event has no Eventbrite id; no_cache: linked but never fetched. */
export type EventbriteStatus = "ok" | "not_linked" | "no_cache";

const NOT_LINKED = "The event has no Eventbrite id, so there is no Eventbrite data.";
const NO_CACHE =
  "Nothing has been fetched from Eventbrite for this listing yet; refresh_eventbrite_data fetches it.";

export interface EventbriteSnapshot {
  fetched_at: string;
  age_minutes: number;
  stale: boolean;
  api_response_status: string;
  api_error_message: string | null;
  data_quality_score: number | null;
  data_quality_flags: string[];
  eventbrite_event_name: string | null;
  eventbrite_start_date: string | null;
  /** Currency of the money fields. */
  currency: string | null;
  total_tickets_sold: number;
  total_capacity: number | null;
  gross_revenue: string | null;
  ticket_revenue: string | null;
  net_deposit: string | null;
  total_fees: string | null;
  ticket_classes: TicketClass[];
  ticket_classes_truncated: boolean;
}

export interface EventbriteDataResult {
  eid: string;
  name: string;
  status: EventbriteStatus;
  eventbrite_id: string | null;
  snapshot: EventbriteSnapshot | null;
  /** Does the cached listing look like this event? Null without a snapshot. */
  mapping: { mismatch: boolean; issues: string[] } | null;
  note: string | null;
}

function snapshot(row: CacheRow, rowCap: number): EventbriteSnapshot {
  const classes = capped(ticketClasses(row.ticket_classes), rowCap);
  return {
    fetched_at: row.fetched_at.toISOString(),
    age_minutes: row.age_minutes,
    stale: row.stale,
    api_response_status: row.api_response_status,
    api_error_message: row.api_error_message,
    data_quality_score: row.data_quality_score,
    data_quality_flags: qualityFlags(row.data_quality_flags),
    eventbrite_event_name: row.eventbrite_event_name,
    eventbrite_start_date: row.eventbrite_start_date,
    currency: row.currency_code,
    total_tickets_sold: row.total_tickets_sold,
    total_capacity: row.total_capacity,
    gross_revenue: row.gross_revenue,
    ticket_revenue: row.ticket_revenue,
    net_deposit: row.net_deposit,
    total_fees: row.total_fees,
    ticket_classes: classes.rows,
    ticket_classes_truncated: classes.truncated,
  };
}

const statusOf = (eventbriteId: string | null, latest: CacheRow | null): EventbriteStatus =>
  !eventbriteId ? "not_linked" : latest ? "ok" : "no_cache";

export const getEventbriteData = defineTool({
  name: "get_eventbrite_data",
  domain: "data-read",
  title: "Eventbrite ticket sales",
  description:
    "The latest cached Eventbrite figures for an event: tickets sold and capacity, gross and ticket revenue, " +
    "fees and net deposit (in the listing's currency), ticket classes (price, sold, total, on-sale status), when " +
    "it was fetched, its age in minutes and whether it is stale (older than 6 h), data-quality score and flags, " +
    "and whether the cached listing looks like a different event (wrong city or date). Reads the cache only; " +
    "use refresh_eventbrite_data to fetch fresh numbers, get_eventbrite_fees for the fee breakdown and " +
    "get_eventbrite_mapping to investigate a wrong link.",
  input,
  policy: {
    roles: ["ops", "event-producer", "marketing", "viewer"] satisfies Role[],
    risk: "low",
    maxCallsPerRequest: 2,
    passthrough: true,
  },
  async handler(args, { sql, rowCap }): Promise<EventbriteDataResult> {
    const event = await eventByEid(sql, args.eid);
    const { eventbriteId, latest } = await eventbriteLink(sql, event);
    const status = statusOf(eventbriteId, latest);
    const check = latest ? checkMapping(event, latest) : null;
    return {
      eid: event.eid,
      name: event.name,
      status,
      eventbrite_id: eventbriteId,
      snapshot: latest ? snapshot(latest, rowCap) : null,
      mapping: check ? { mismatch: check.mismatch, issues: check.issues } : null,
      note: status === "not_linked" ? NOT_LINKED : status === "no_cache" ? NO_CACHE : null,
    };
  },
  format(r) {
    const s = r.snapshot;
    if (!s) return `${r.eid} ${r.name}: ${r.note}`;
    const lines = [
      `${r.eid} ${r.name} — Eventbrite ${r.eventbrite_id} "${s.eventbrite_event_name ?? "?"}"`,
      `${s.total_tickets_sold} tickets sold of ${s.total_capacity ?? "?"}; gross ${money(s.gross_revenue, s.currency)}, ` +
        `fees ${money(s.total_fees, s.currency)}, net ${money(s.net_deposit, s.currency)}`,
      `Fetched ${s.fetched_at} (${s.age_minutes} min ago${s.stale ? ", STALE" : ""}), status ${s.api_response_status}, ` +
        `quality ${s.data_quality_score ?? "?"}${s.data_quality_flags.length ? ` (${s.data_quality_flags.join(", ")})` : ""}`,
      ...s.ticket_classes.map(
        (t) =>
          `- ${t.name ?? "?"}: ${t.quantity_sold ?? "?"}/${t.quantity_total ?? "?"} at ${t.price ?? "?"}`,
      ),
      ...truncationNote(s.ticket_classes_truncated, s.ticket_classes.length),
      ...(r.mapping?.mismatch
        ? ["WARNING: this listing may belong to another event:", ...r.mapping.issues]
        : []),
    ];
    return lines.join("\n");
  },
});

export interface EventbriteMappingResult {
  eid: string;
  name: string;
  city: string | null;
  local_start: string | null;
  timezone: string | null;
  enabled: boolean;
  status: EventbriteStatus;
  eventbrite_id: string | null;
  ticket_link: string | null;
  latest_fetch: string | null;
  check: MappingCheck | null;
  /** Other events linked to the same Eventbrite id. */
  other_events_with_same_eventbrite_id: string[];
  /** Earlier Eventbrite ids fetched under this EID (the link was changed). */
  other_eventbrite_ids_cached_for_eid: { eventbrite_id: string; last_fetched_at: string }[];
  mismatch: boolean;
  issues: string[];
}

export const getEventbriteMapping = defineTool({
  name: "get_eventbrite_mapping",
  domain: "data-read",
  title: "Eventbrite link check",
  description:
    "Check which Eventbrite listing an event is linked to and whether it is the right one: the event's " +
    "Eventbrite id, ticket link, city and local date next to the cached listing's title " +
    "(eventbrite_event_name) and local start (eventbrite_start_date), with a mismatch flag and reasons (title " +
    "without the event's city, a different date, the same id linked to other events, earlier ids cached under " +
    "this EID). Use it for 'is ABxxxx linked to the right Eventbrite event?' or when ticket numbers look wrong. " +
    "It does not change the link.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql, rowCap }): Promise<EventbriteMappingResult> {
    const event = await eventByEid(sql, args.eid);
    const { eventbriteId, latest } = await eventbriteLink(sql, event);
    const [row] = await sql<{ enabled: boolean | null; ticket_link: string | null }[]>`
      select enabled, ticket_link from events where id = ${event.id}`;
    const others = eventbriteId
      ? await sql<{ eid: string }[]>`
          select eid from events
          where eventbrite_id = ${eventbriteId} and eventbrite_id <> '' and id <> ${event.id}
          order by eid limit ${rowCap}`
      : [];
    const earlier = await sql<{ eventbrite_id: string; last_fetched_at: Date }[]>`
      select eventbrite_id, max(fetched_at) at time zone 'UTC' as last_fetched_at
      from eventbrite_api_cache
      where eid = ${event.eid} and eventbrite_id is distinct from ${eventbriteId}
      group by eventbrite_id order by 2 desc limit ${rowCap}`;
    const check = latest ? checkMapping(event, latest) : null;
    const issues = [...(check?.issues ?? [])];
    if (others.length)
      issues.push(`The same Eventbrite id is linked to ${others.map((o) => o.eid).join(", ")}.`);
    if (earlier.length) {
      issues.push(
        `Other Eventbrite ids were fetched for ${event.eid}: ${earlier.map((e) => e.eventbrite_id).join(", ")}.`,
      );
    }
    const status = statusOf(eventbriteId, latest);
    if (status !== "ok") issues.push(status === "not_linked" ? NOT_LINKED : NO_CACHE);
    return {
      eid: event.eid,
      name: event.name,
      city: event.city,
      local_start: localTime(event.startsAt, event.timezone),
      timezone: event.timezone,
      enabled: row?.enabled === true,
      status,
      eventbrite_id: eventbriteId,
      ticket_link: row?.ticket_link ?? null,
      latest_fetch: iso(latest?.fetched_at),
      check,
      other_events_with_same_eventbrite_id: others.map((o) => o.eid),
      other_eventbrite_ids_cached_for_eid: earlier.map((e) => ({
        eventbrite_id: e.eventbrite_id,
        last_fetched_at: e.last_fetched_at.toISOString(),
      })),
      mismatch: (check?.mismatch ?? false) || others.length > 0 || earlier.length > 0,
      issues,
    };
  },
  format(r) {
    const c = r.check;
    return [
      `${r.eid} ${r.name} (${r.city ?? "no city"}, ${r.local_start ?? "no date"}) → Eventbrite ${r.eventbrite_id ?? "not linked"}`,
      ...(c
        ? [`Cached listing: "${c.eventbrite_event_name ?? "?"}" starting ${c.eventbrite_start_date ?? "?"}`]
        : []),
      r.mismatch ? "MISMATCH:" : r.status === "ok" ? "The listing matches the event's city and date." : "",
      ...r.issues.map((i) => `- ${i}`),
    ]
      .filter(Boolean)
      .join("\n");
  },
});

export interface EventbriteFeesResult {
  eid: string;
  name: string;
  status: EventbriteStatus;
  eventbrite_id: string | null;
  /** Currency of every amount below (the listing's). */
  currency: string | null;
  /** False when the listing's currency differs from the event's. */
  currency_matches_event: boolean | null;
  fetched_at: string | null;
  age_minutes: number | null;
  stale: boolean | null;
  total_tickets_sold: number | null;
  gross_revenue: string | null;
  ticket_revenue: string | null;
  taxes_collected: string | null;
  eventbrite_fees: string | null;
  payment_processing_fees: string | null;
  total_fees: string | null;
  net_deposit: string | null;
  /** total_fees / gross_revenue × 100, two decimals. */
  fee_percent_of_gross: string | null;
  note: string | null;
}

export const getEventbriteFees = defineTool({
  name: "get_eventbrite_fees",
  domain: "data-read",
  title: "Eventbrite fees and payout",
  description:
    "The money side of an event's latest cached Eventbrite figures, in the listing's currency: gross revenue, " +
    "ticket revenue, taxes, Eventbrite fees, payment-processing fees, total fees, net deposit, fees as a share " +
    "of gross, tickets sold, and when it was fetched (age, stale flag). The fetcher records taxes and processing " +
    "fees as 0 (Eventbrite's sales report only gives total fees). Use it for 'what did Eventbrite charge for " +
    "ABxxxx?' or 'what will the payout be?'. Reads the cache only.",
  input,
  policy: {
    roles: ["ops", "finance", "viewer"] satisfies Role[],
    risk: "low",
    maxCallsPerRequest: 2,
    passthrough: true,
  },
  async handler(args, { sql }): Promise<EventbriteFeesResult> {
    const event = await eventByEid(sql, args.eid);
    const { eventbriteId, latest: x } = await eventbriteLink(sql, event);
    const status = statusOf(eventbriteId, x);
    return {
      eid: event.eid,
      name: event.name,
      status,
      eventbrite_id: eventbriteId,
      currency: x?.currency_code ?? null,
      currency_matches_event: x?.currency_code && event.currency ? x.currency_code === event.currency : null,
      fetched_at: iso(x?.fetched_at),
      age_minutes: x?.age_minutes ?? null,
      stale: x?.stale ?? null,
      total_tickets_sold: x?.total_tickets_sold ?? null,
      gross_revenue: x?.gross_revenue ?? null,
      ticket_revenue: x?.ticket_revenue ?? null,
      taxes_collected: x?.taxes_collected ?? null,
      eventbrite_fees: x?.eventbrite_fees ?? null,
      payment_processing_fees: x?.payment_processing_fees ?? null,
      total_fees: x?.total_fees ?? null,
      net_deposit: x?.net_deposit ?? null,
      fee_percent_of_gross: x?.fee_percent_of_gross ?? null,
      note: status === "not_linked" ? NOT_LINKED : status === "no_cache" ? NO_CACHE : null,
    };
  },
  format(r) {
    if (r.status !== "ok") return `${r.eid} ${r.name}: ${r.note}`;
    const c = r.currency;
    return [
      `${r.eid} ${r.name} — Eventbrite ${r.eventbrite_id}, fetched ${r.fetched_at} (${r.age_minutes} min ago${r.stale ? ", STALE" : ""})`,
      `${r.total_tickets_sold} tickets; gross ${money(r.gross_revenue, c)}, ticket revenue ${money(r.ticket_revenue, c)}`,
      `Fees: Eventbrite ${money(r.eventbrite_fees, c)}, processing ${money(r.payment_processing_fees, c)}, ` +
        `taxes ${money(r.taxes_collected, c)}, total ${money(r.total_fees, c)} (${r.fee_percent_of_gross ?? "?"}% of gross)`,
      `Net deposit: ${money(r.net_deposit, c)}`,
      ...(r.currency_matches_event === false
        ? ["WARNING: the listing's currency differs from the event's."]
        : []),
    ].join("\n");
  },
});
