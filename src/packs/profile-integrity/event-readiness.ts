import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { eventByEid, type Phase, ROLES_OPS_EP_VIEWER } from "../data-read/shared.ts";
import { type InvitationStatus, invitationCounts } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

export type ReadinessCheckId =
  | "venue"
  | "city"
  | "currency"
  | "start_time"
  | "has_artists"
  | "eventbrite_linked"
  | "enabled"
  | "shown_in_app";

export interface ReadinessCheck {
  id: ReadinessCheckId;
  ok: boolean;
  detail: string;
}

export interface EventReadinessResult {
  eid: string;
  name: string;
  phase: Phase;
  /** True when every check passes. */
  ready: boolean;
  score: { passed: number; total: number };
  checks: ReadinessCheck[];
  artists: {
    applications: Record<"pending" | "accepted" | "rejected" | "withdrawn", number>;
    invitations: Record<InvitationStatus, number>;
    /** confirmation_status 'confirmed' and not withdrawn (withdrawn_at IS NULL), as the platform counts them. */
    confirmed: number;
    /** Confirmations that were withdrawn (status 'withdrawn' or a withdrawn_at date). */
    withdrawn_confirmations: number;
    /** events.target_artists_booked, when a producer set one. */
    target_booked: number | null;
    artworks: number;
    artists_with_artwork: number;
  };
}

/** The event row and counts the checks need, in one query (no parallel reads inside one transaction). */
interface ReadinessFacts {
  has_venue: boolean;
  has_city: boolean;
  currency: string | null;
  has_start: boolean;
  eventbrite_id: string | null;
  enabled: boolean;
  show_in_app: boolean;
  target_booked: number | null;
  artworks: number;
  artists_with_artwork: number;
  confirmed: number;
  withdrawn_confirmations: number;
  applications: { status: string; n: number }[];
  invitations: { status: string; n: number }[];
}

/** The eight checks of the original tool, each with a reason a producer can act on. */
export function readinessChecks(f: ReadinessFacts): ReadinessCheck[] {
  const check = (id: ReadinessCheckId, ok: boolean, good: string, bad: string) => ({
    id,
    ok,
    detail: ok ? good : bad,
  });
  return [
    check("venue", f.has_venue, "Venue set.", "No venue is set."),
    check("city", f.has_city, "City set.", "No city is set."),
    check("currency", f.currency !== null, `Currency ${f.currency}.`, "No currency is set."),
    check("start_time", f.has_start, "Start time set.", "No start time is set."),
    check(
      "has_artists",
      f.confirmed > 0 || f.artists_with_artwork > 0,
      `${f.confirmed} confirmed artists, ${f.artists_with_artwork} with artwork.`,
      "No confirmed (non-withdrawn) artists and no artwork assigned to an artist.",
    ),
    check(
      "eventbrite_linked",
      f.eventbrite_id !== null,
      `Eventbrite event ${f.eventbrite_id}.`,
      "No Eventbrite event is linked.",
    ),
    check("enabled", f.enabled, "Enabled (published).", "Not enabled: the event is unpublished."),
    check("shown_in_app", f.show_in_app, "Shown in the app.", "show_in_app is false: hidden from the app."),
  ];
}

export const getEventReadiness = defineTool({
  name: "get_event_readiness",
  domain: "profile-integrity",
  title: "Event readiness (setup and artist pipeline)",
  description:
    "Is one event ready to go? Runs eight pass/fail checks (venue, city, currency, start time, has artists, " +
    "Eventbrite linked, enabled, shown in the app) with a reason for each, a score (passed of total) and " +
    "`ready` (all pass), plus the artist pipeline: applications and invitations by status, confirmed artists " +
    "(withdrawn confirmations excluded and counted separately), the booking target, artworks and artists with " +
    "artwork. Use it for 'is ABxxxx ready?' or 'how many artists are confirmed?'. For the rule-based linter " +
    "(time zone, currency vs country, capacity…) use run_event_health_check; for the invitation list use " +
    "get_artist_invitations.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql }): Promise<EventReadinessResult> {
    const event = await eventByEid(sql, args.eid);
    // Pipeline tables join by the text EID (they have no event uuid), except applications, whose
    // event_id is the NOT NULL foreign key (event_eid was added later and may be missing).
    const [facts] = await sql<ReadinessFacts[]>`
      select (e.venue_id is not null or coalesce(e.venue, '') <> '') as has_venue,
             e.city_id is not null as has_city, nullif(e.currency, '') as currency,
             e.event_start_datetime is not null as has_start, nullif(e.eventbrite_id, '') as eventbrite_id,
             coalesce(e.enabled, false) as enabled, coalesce(e.show_in_app, false) as show_in_app,
             e.target_artists_booked as target_booked,
             (select count(*)::int from art a where a.event_id = e.id) as artworks,
             (select count(distinct a.artist_id)::int from art a where a.event_id = e.id) as artists_with_artwork,
             (select count(*)::int from artist_confirmations c
               where c.event_eid = e.eid and c.confirmation_status = 'confirmed' and c.withdrawn_at is null) as confirmed,
             (select count(*)::int from artist_confirmations c
               where c.event_eid = e.eid and (c.confirmation_status = 'withdrawn' or c.withdrawn_at is not null))
               as withdrawn_confirmations,
             (select coalesce(json_agg(json_build_object('status', s.status, 'n', s.n)), '[]'::json)
                from (select application_status as status, count(*)::int as n from artist_applications ap
                      where ap.event_id = e.id group by 1) s) as applications,
             (select coalesce(json_agg(json_build_object('status', s.status, 'n', s.n)), '[]'::json)
                from (select i.status::text as status, count(*)::int as n from artist_invitations i
                      where i.event_eid = e.eid group by 1) s) as invitations
      from events e where e.id = ${event.id}`;
    if (!facts) throw new Error("event vanished during the readiness check");
    const checks = readinessChecks(facts);
    const passed = checks.filter((c) => c.ok).length;
    const applications = { pending: 0, accepted: 0, rejected: 0, withdrawn: 0 };
    for (const a of facts.applications) {
      if (a.status in applications) applications[a.status as keyof typeof applications] += a.n;
    }
    return {
      eid: event.eid,
      name: event.name,
      phase: event.phase,
      ready: passed === checks.length,
      score: { passed, total: checks.length },
      checks,
      artists: {
        applications,
        invitations: invitationCounts(facts.invitations),
        confirmed: facts.confirmed,
        withdrawn_confirmations: facts.withdrawn_confirmations,
        target_booked: facts.target_booked,
        artworks: facts.artworks,
        artists_with_artwork: facts.artists_with_artwork,
      },
    };
  },
  format(r) {
    const a = r.artists;
    const inv = Object.entries(a.invitations)
      .map(([s, n]) => `${n} ${s}`)
      .join(", ");
    return [
      `${r.eid} ${r.name} (${r.phase}): ${r.ready ? "READY" : "NOT READY"} — ${r.score.passed}/${r.score.total} checks pass`,
      ...r.checks.map((c) => `- ${c.ok ? "ok" : "FAIL"} ${c.id}: ${c.detail}`),
      `Artists: ${a.confirmed} confirmed${a.target_booked === null ? "" : ` of ${a.target_booked} targeted`}, ` +
        `${a.withdrawn_confirmations} withdrawn; invitations ${inv}; applications ${a.applications.pending} pending, ` +
        `${a.applications.accepted} accepted; ${a.artworks} artworks by ${a.artists_with_artwork} artists.`,
    ].join("\n");
  },
});
