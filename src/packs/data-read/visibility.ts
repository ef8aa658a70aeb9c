import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { capped, eventByEid, iso, localTime, type Phase, ROLES_OPS_EP_VIEWER, whenLocal } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

export interface VisibilityIssue {
  code: "not_enabled" | "hidden_from_app" | "no_start_time" | "no_city" | "event_over" | "no_live_cache";
  /** blocking: the event cannot be seen in the app until fixed. */
  severity: "blocking" | "warning" | "info";
  message: string;
}

export interface VisibilityResult {
  eid: string;
  name: string;
  phase: Phase;
  starts_at: string | null;
  local_start: string | null;
  timezone: string | null;
  enabled: boolean;
  show_in_app: boolean;
  /** enabled AND show_in_app. */
  visible_in_app: boolean;
  issues: VisibilityIssue[];
  live_cache: {
    /** The event's main live-app endpoint. */
    main_path: string;
    main_last_updated: string | null;
    /** Every cache-version row keyed to this EID, newest first. */
    entries: { endpoint_path: string; last_updated: string }[];
    total_entries: number;
    truncated: boolean;
  };
}

interface FlagsRow {
  enabled: boolean | null;
  show_in_app: boolean | null;
  has_city: boolean;
}

export const debugEventVisibility = defineTool({
  name: "debug_event_visibility",
  domain: "data-read",
  title: "Why can't people see an event?",
  description:
    "Explain whether an event can be seen in the Art Battle app and why not: the enabled and show_in_app flags, " +
    "start time, city, whether the show is over, and the live app's cache-version entries for the event " +
    "(endpoint_cache_versions rows such as /live/event/AB4120, /media, /artists and per-artwork /bids paths, " +
    "matched by EID) with their last update. Returns a list of issues, blocking ones first, each with the fix. " +
    "Use it for 'why can't people see ABxxxx?' or 'is the live page updating?'. It changes nothing.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<VisibilityResult> {
    const event = await eventByEid(sql, args.eid);
    const [flags] = await sql<FlagsRow[]>`
      select enabled, show_in_app, city_id is not null as has_city from events where id = ${event.id}`;
    const rows = await sql<{ endpoint_path: string; last_updated: Date; total: number }[]>`
      select endpoint_path, last_updated, (count(*) over ())::int as total
      from endpoint_cache_versions
      where event_eid = ${event.eid}
      order by last_updated desc, endpoint_path
      limit ${rowCap + 1}`;
    const mainPath = `/live/event/${event.eid}`;
    const [main] = await sql<{ last_updated: Date }[]>`
      select last_updated from endpoint_cache_versions where endpoint_path = ${mainPath}`;
    const enabled = flags?.enabled === true;
    const showInApp = flags?.show_in_app === true;
    const cut = capped(rows, rowCap);
    const issues = visibilityIssues({
      eid: event.eid,
      enabled,
      showInApp,
      hasCity: flags?.has_city === true,
      phase: event.phase,
      endsAt: event.endsAt,
      hasMainCache: main !== undefined,
    });
    return {
      eid: event.eid,
      name: event.name,
      phase: event.phase,
      starts_at: iso(event.startsAt),
      local_start: localTime(event.startsAt, event.timezone),
      timezone: event.timezone,
      enabled,
      show_in_app: showInApp,
      visible_in_app: enabled && showInApp,
      issues,
      live_cache: {
        main_path: mainPath,
        main_last_updated: iso(main?.last_updated),
        entries: cut.rows.map((r) => ({
          endpoint_path: r.endpoint_path,
          last_updated: r.last_updated.toISOString(),
        })),
        total_entries: rows[0]?.total ?? 0,
        truncated: cut.truncated,
      },
    };
  },
  format(r) {
    const lines = [
      `${r.eid} ${r.name} — ${whenLocal(r.local_start, r.timezone, r.starts_at)} (${r.phase})`,
      `enabled ${r.enabled}, show_in_app ${r.show_in_app}: ${r.visible_in_app ? "visible in the app" : "NOT visible in the app"}`,
      ...r.issues.map((i) => `- [${i.severity}] ${i.message}`),
      `Live cache ${r.live_cache.main_path}: ${r.live_cache.main_last_updated ?? "no entry"}; ` +
        `${r.live_cache.total_entries} cache entries for this event`,
    ];
    return lines.join("\n");
  },
});

interface VisibilityFacts {
  eid: string;
  enabled: boolean;
  showInApp: boolean;
  hasCity: boolean;
  phase: Phase;
  endsAt: Date | null;
  hasMainCache: boolean;
}

/** The issues that explain the event's visibility, blocking first. */
export function visibilityIssues(f: VisibilityFacts): VisibilityIssue[] {
  const issues: VisibilityIssue[] = [];
  if (!f.enabled) {
    issues.push({
      code: "not_enabled",
      severity: "blocking",
      message: `${f.eid} is not enabled (events.enabled = false), so it is unpublished everywhere. Enable it to publish.`,
    });
  }
  if (!f.showInApp) {
    issues.push({
      code: "hidden_from_app",
      severity: "blocking",
      message:
        `${f.eid} has show_in_app = false${f.enabled ? " although it is enabled" : ""}, so the app does not list it. ` +
        "Set show_in_app = true to make it visible.",
    });
  }
  if (f.phase === "unscheduled") {
    issues.push({ code: "no_start_time", severity: "blocking", message: `${f.eid} has no start time.` });
  }
  if (!f.hasCity) {
    issues.push({
      code: "no_city",
      severity: "warning",
      message: `${f.eid} has no city, so city listings miss it.`,
    });
  }
  if (f.phase === "past") {
    issues.push({
      code: "event_over",
      severity: "info",
      message: `The show is over (ended ${iso(f.endsAt) ?? "at an unknown time"}); it is no longer an upcoming event.`,
    });
  }
  if (!f.hasMainCache && f.phase === "live") {
    issues.push({
      code: "no_live_cache",
      severity: "warning",
      message: `The show is live but /live/event/${f.eid} has no cache version, so the live app may not refresh.`,
    });
  } else if (!f.hasMainCache && f.phase !== "past") {
    issues.push({
      code: "no_live_cache",
      severity: "info",
      message: `No live-app cache entry yet for /live/event/${f.eid}; one appears with the first live activity.`,
    });
  }
  return issues;
}
