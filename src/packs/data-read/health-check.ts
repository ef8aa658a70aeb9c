import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { eventByEid, type Phase, ROLES_OPS_EP_VIEWER } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

export type Severity = "error" | "warning" | "info";

export interface Finding {
  rule_id: string;
  severity: Severity;
  message: string;
}

export interface HealthCheckResult {
  eid: string;
  name: string;
  phase: Phase;
  /** True when no unsuppressed finding is an error. */
  pass: boolean;
  counts: Record<Severity, number>;
  findings: Finding[];
  /** Findings silenced by an active linter_suppressions row for this event or its city. */
  suppressed: (Finding & { reason: string | null; suppressed_until: string | null })[];
  rules_checked: string[];
  /** Rules switched off in event_linter_rules (status inactive), not evaluated. */
  rules_inactive: string[];
}

/** What the rules look at, read in one query. */
export interface EventFacts {
  eid: string;
  phase: Phase;
  hasStart: boolean;
  endBeforeStart: boolean;
  hasTimezone: boolean;
  hasCity: boolean;
  currency: string | null;
  countryCurrency: string | null;
  hasVenue: boolean;
  capacity: number | null;
  enabled: boolean;
  showInApp: boolean;
  eventbriteId: string | null;
  infoApproved: boolean;
  artworks: number;
  startsWithinWeek: boolean;
}

interface Rule {
  id: string;
  severity: Severity;
  /** A message when the rule fires, undefined when it does not. */
  check(f: EventFacts): string | undefined;
}

const notPast = (f: EventFacts) => f.phase === "upcoming" || f.phase === "live";

/**
 * The checks, named after event_linter_rules ids where the platform's linter has the same rule (so its
 * severity, status and suppressions apply); the others are this tool's own.
 */
export const RULES: readonly Rule[] = [
  {
    id: "invalid_eid_format",
    severity: "error",
    check: (f) =>
      /^AB\d{4,}$/.test(f.eid) ? undefined : `EID ${f.eid} does not match AB + 4 or more digits.`,
  },
  {
    id: "missing_start_time",
    severity: "error",
    check: (f) => (f.hasStart ? undefined : "No start time is set."),
  },
  {
    id: "end_before_start",
    severity: "error",
    check: (f) => (f.endBeforeStart ? "The end time is not after the start time." : undefined),
  },
  {
    id: "missing_timezone",
    severity: "error",
    check: (f) => (f.hasTimezone ? undefined : "No time zone (timezone_icann): local times cannot be shown."),
  },
  { id: "missing_city", severity: "error", check: (f) => (f.hasCity ? undefined : "No city is set.") },
  {
    id: "missing_currency",
    severity: "error",
    check: (f) => (f.currency ? undefined : "No currency: bids and artist payments cannot be valued."),
  },
  {
    id: "currency_country_mismatch",
    severity: "error",
    check: (f) =>
      f.currency && f.countryCurrency && f.currency !== f.countryCurrency
        ? `Event currency ${f.currency} differs from the country's ${f.countryCurrency}: payments will be wrong.`
        : undefined,
  },
  {
    id: "missing_venue",
    severity: "warning",
    check: (f) => (notPast(f) && !f.hasVenue ? "No venue is set." : undefined),
  },
  {
    id: "capacity_not_set",
    severity: "warning",
    check: (f) => (notPast(f) && !f.capacity ? "Capacity is not set." : undefined),
  },
  {
    id: "event_disabled_upcoming",
    severity: "warning",
    check: (f) =>
      f.phase === "upcoming" && !f.enabled ? "Upcoming but not enabled (unpublished)." : undefined,
  },
  {
    id: "not_shown_in_app",
    severity: "warning",
    check: (f) =>
      notPast(f) && f.enabled && !f.showInApp
        ? "Enabled but show_in_app is false: hidden from the app."
        : undefined,
  },
  {
    id: "eventbrite_not_linked",
    severity: "warning",
    check: (f) =>
      f.phase === "upcoming" && f.enabled && !f.eventbriteId
        ? "Enabled but no Eventbrite event is linked."
        : undefined,
  },
  {
    id: "no_artworks",
    severity: "warning",
    check: (f) =>
      f.artworks === 0 &&
      (f.phase === "live" || f.phase === "past" || (f.phase === "upcoming" && f.startsWithinWeek))
        ? "No artworks (easels) have been set up."
        : undefined,
  },
  {
    id: "event_info_not_approved",
    severity: "info",
    check: (f) =>
      f.phase === "upcoming" && !f.infoApproved ? "Event info has not been approved yet." : undefined,
  },
];

async function eventFacts(sql: Sql, eventId: string, phase: Phase): Promise<EventFacts> {
  const [row] = await sql<Omit<EventFacts, "phase">[]>`
    select e.eid, e.event_start_datetime is not null as "hasStart",
           coalesce(e.event_end_datetime <= e.event_start_datetime, false) as "endBeforeStart",
           coalesce(e.timezone_icann, '') <> '' as "hasTimezone", e.city_id is not null as "hasCity",
           nullif(e.currency, '') as currency, co.currency_code as "countryCurrency",
           (e.venue_id is not null or coalesce(e.venue, '') <> '') as "hasVenue", e.capacity,
           coalesce(e.enabled, false) as enabled, coalesce(e.show_in_app, false) as "showInApp",
           nullif(e.eventbrite_id, '') as "eventbriteId", e.event_info_approved_at is not null as "infoApproved",
           (select count(*)::int from art a where a.event_id = e.id) as artworks,
           coalesce(e.event_start_datetime <= now() + interval '7 days', false) as "startsWithinWeek"
    from events e
    left join cities c on c.id = e.city_id
    left join countries co on co.id = coalesce(c.country_id, e.country_id)
    where e.id = ${eventId}`;
  if (!row) throw new Error("event vanished during the health check");
  return { ...row, phase };
}

function asSeverity(value: string | undefined, fallback: Severity): Severity {
  return value === "error" || value === "warning" || value === "info" ? value : fallback;
}

export const runEventHealthCheck = defineTool({
  name: "run_event_health_check",
  domain: "data-read",
  title: "Event health check",
  description:
    "Check one event's setup against rules and list what is wrong: errors (no start time, time zone, city or " +
    "currency; event currency differing from the country's; end before start; malformed EID), warnings (no venue " +
    "or capacity, upcoming but unpublished or hidden from the app, no Eventbrite link, no artworks close to or " +
    "after the show) and info (event info not approved). Rules share ids with the platform's event linter, so " +
    "rules switched off there are skipped and active linter suppressions for the event or its city are honoured " +
    "(listed separately). `pass` is true when no error remains. Use it for 'is ABxxxx ready?'.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql }): Promise<HealthCheckResult> {
    const event = await eventByEid(sql, args.eid);
    const facts = await eventFacts(sql, event.id, event.phase);
    const ids = RULES.map((r) => r.id);
    const configured = await sql<{ rule_id: string; severity: string; status: string | null }[]>`
      select rule_id, severity, status from event_linter_rules where rule_id in ${sql(ids)}`;
    const suppressions = await sql<
      { rule_id: string; reason: string | null; suppressed_until: Date | null }[]
    >`
      select distinct on (s.rule_id) s.rule_id, s.reason, s.suppressed_until
      from linter_suppressions s, events e
      where e.id = ${event.id} and s.rule_id in ${sql(ids)}
        and (s.event_id = e.id or (s.event_id is null and s.artist_id is null and s.city_id = e.city_id))
        and (s.suppressed_until is null or s.suppressed_until > now())
      order by s.rule_id, s.event_id nulls last`;
    const byId = new Map(configured.map((c) => [c.rule_id, c]));
    const suppressedBy = new Map(suppressions.map((s) => [s.rule_id, s]));
    const result: HealthCheckResult = {
      eid: event.eid,
      name: event.name,
      phase: event.phase,
      pass: true,
      counts: { error: 0, warning: 0, info: 0 },
      findings: [],
      suppressed: [],
      rules_checked: [],
      rules_inactive: [],
    };
    for (const rule of RULES) {
      const setting = byId.get(rule.id);
      if (setting?.status === "inactive") {
        result.rules_inactive.push(rule.id);
        continue;
      }
      result.rules_checked.push(rule.id);
      const message = rule.check(facts);
      if (message === undefined) continue;
      const finding = { rule_id: rule.id, severity: asSeverity(setting?.severity, rule.severity), message };
      const suppression = suppressedBy.get(rule.id);
      if (suppression) {
        result.suppressed.push({
          ...finding,
          reason: suppression.reason,
          suppressed_until: suppression.suppressed_until?.toISOString() ?? null,
        });
        continue;
      }
      result.findings.push(finding);
      result.counts[finding.severity] += 1;
    }
    const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    result.findings.sort((a, b) => order[a.severity] - order[b.severity]);
    result.pass = result.counts.error === 0;
    return result;
  },
  format(r) {
    const lines = [
      `${r.eid} ${r.name} (${r.phase}): ${r.pass ? "PASS" : "FAIL"} — ${r.counts.error} errors, ` +
        `${r.counts.warning} warnings, ${r.counts.info} info`,
      ...r.findings.map((f) => `- [${f.severity}] ${f.rule_id}: ${f.message}`),
      ...r.suppressed.map((f) => `- (suppressed: ${f.reason ?? "no reason"}) ${f.rule_id}: ${f.message}`),
    ];
    return lines.join("\n");
  },
});
