import { z } from "zod";
import { defineTool, type EventbriteApi, eid, ToolError } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import {
  compareListing,
  type EbEvent,
  type EbOrganization,
  type EbUser,
  eventPath,
} from "../../eventbrite/index.ts";
import { eventbriteLink } from "../data-read/eventbrite-cache.ts";
import { type EventRef, eventByEid } from "../data-read/shared.ts";

import { ageText, eventFacts, ROLES_OPS_EP_MARKETING_VIEWER } from "./refresh-eventbrite.ts";

// ---------------------------------------------------------------------------------------------
// verify_eventbrite_config

export interface VerifyResult {
  eid: string | null;
  event_name: string | null;
  eventbrite_id: string | null;
  /** EB_PRIVATE_TOKEN is set. */
  token_configured: boolean;
  /** Eventbrite accepted the token (/users/me/); false when not configured or not checked. */
  token_valid: boolean;
  token_owner_name: string | null;
  token_owner_email: string | null;
  org_id: string | null;
  org_accessible: boolean;
  org_name: string | null;
  /** The event has an Eventbrite id; null without an eid. */
  event_mapped: boolean | null;
  /** Eventbrite returned the listing; null without an eid. */
  event_reachable: boolean | null;
  eventbrite_event: {
    name: string | null;
    status: string | null;
    start_utc: string | null;
    start_local: string | null;
    currency: string | null;
  } | null;
  /** The newest cached listing for the event's Eventbrite id. */
  cached_listing: {
    name: string | null;
    start_local: string | null;
    fetched_at: string;
    age_minutes: number;
    stale: boolean;
    fetched_for_eid: string;
  } | null;
  /** The cached and live listings (where checked) match the event's city and date. */
  listing_matches: boolean | null;
  ok: boolean;
  /** Problems to fix. */
  issues: string[];
  /** Facts worth knowing that are not problems (stale cache, nothing cached yet). */
  notes: string[];
}

type Settled<T> = PromiseSettledResult<T> | null;

const failureStatus = (s: Settled<unknown>) =>
  s?.status === "rejected" && s.reason instanceof ToolError
    ? ((s.reason.details as { status?: number } | undefined)?.status ?? null)
    : null;

const failureText = (s: Settled<unknown>) =>
  s?.status === "rejected" ? (s.reason instanceof Error ? s.reason.message : String(s.reason)) : "";

/** /users/me/, the organization and the listing, in parallel; none of them throws. */
async function liveLookups(api: EventbriteApi, eventbriteId: string | null) {
  const [user, org, listing] = await Promise.all([
    Promise.allSettled([api.get<EbUser>("/users/me/")]).then(([s]) => s ?? null),
    api.orgId
      ? Promise.allSettled([
          api.get<EbOrganization>(`/organizations/${encodeURIComponent(api.orgId)}/`),
        ]).then(([s]) => s ?? null)
      : null,
    eventbriteId
      ? Promise.allSettled([api.get<EbEvent>(eventPath(eventbriteId))]).then(([s]) => s ?? null)
      : null,
  ]);
  return { user, org, listing };
}

/** The live half of the check: token, organization, listing. Adds its findings to `r`. */
async function checkLive(api: EventbriteApi, event: EventRef | null, r: VerifyResult): Promise<void> {
  const { user, org, listing } = await liveLookups(api, r.eventbrite_id);
  const rejected = failureStatus(user) === 401;
  if (user?.status === "fulfilled") {
    const me = user.value;
    r.token_valid = true;
    r.token_owner_name = me.name ?? ([me.first_name, me.last_name].filter(Boolean).join(" ") || null);
    r.token_owner_email = (me.emails?.find((e) => e.primary) ?? me.emails?.[0])?.email ?? null;
  } else {
    r.issues.push(failureText(user));
  }
  // With a rejected token every other call fails the same way; one issue says it.
  const report = (s: Settled<unknown>) => {
    if (!(rejected && failureStatus(s) === 401)) r.issues.push(failureText(s));
  };
  if (!api.orgId) {
    r.issues.push("EB_ORG_ID is not set, so the organization cannot be checked.");
  } else if (org?.status === "fulfilled") {
    r.org_accessible = true;
    r.org_name = org.value.name ?? null;
  } else {
    report(org);
  }
  if (!listing || !event) return;
  if (listing.status === "rejected") {
    r.event_reachable = false;
    report(listing);
    return;
  }
  const eb = listing.value;
  r.event_reachable = true;
  r.eventbrite_event = {
    name: eb.name?.text ?? null,
    status: eb.status ?? null,
    start_utc: eb.start?.utc ?? null,
    start_local: eb.start?.local ?? null,
    currency: eb.currency ?? null,
  };
  const check = compareListing(
    eventFacts(event),
    {
      name: r.eventbrite_event.name,
      startLocal: r.eventbrite_event.start_local,
      startUtc: r.eventbrite_event.start_utc,
    },
    "live",
  );
  r.issues.push(...check.issues);
  r.listing_matches = (r.listing_matches ?? true) && check.matches;
  if (eb.status === "canceled" || eb.status === "draft") {
    r.issues.push(
      `The Eventbrite listing is ${eb.status === "draft" ? "a draft (not on sale)" : "canceled"}.`,
    );
  }
  if (eb.currency && event.currency && eb.currency !== event.currency) {
    r.issues.push(`The listing sells in ${eb.currency}, the event is in ${event.currency}.`);
  }
  if (api.orgId && eb.organization_id && eb.organization_id !== api.orgId) {
    r.issues.push(`The listing belongs to organization ${eb.organization_id}, not EB_ORG_ID ${api.orgId}.`);
  }
}

/** The database half: the event's Eventbrite id and what the newest cache row says about it. */
async function checkCache(sql: Sql, event: EventRef, r: VerifyResult): Promise<void> {
  const { eventbriteId, latest } = await eventbriteLink(sql, event);
  r.eventbrite_id = eventbriteId;
  r.event_mapped = eventbriteId !== null;
  if (!eventbriteId) {
    r.event_reachable = false;
    r.issues.push(
      `${event.eid} has no Eventbrite id (events.eventbrite_id is empty), so no ticket data can be fetched.`,
    );
    return;
  }
  if (!latest) {
    r.notes.push("Nothing has been fetched for this listing yet; refresh_eventbrite_data fetches it.");
    return;
  }
  r.cached_listing = {
    name: latest.eventbrite_event_name,
    start_local: latest.eventbrite_start_date,
    fetched_at: latest.fetched_at.toISOString(),
    age_minutes: latest.age_minutes,
    stale: latest.stale,
    fetched_for_eid: latest.cache_eid,
  };
  const check = compareListing(
    eventFacts(event),
    { name: latest.eventbrite_event_name, startLocal: latest.eventbrite_start_date },
    "cached",
  );
  r.issues.push(...check.issues);
  r.listing_matches = check.matches;
  if (latest.cache_eid !== event.eid) {
    r.issues.push(`The newest cache row for Eventbrite ${eventbriteId} was fetched for ${latest.cache_eid}.`);
  }
  r.notes.push(
    `The cached data was fetched ${r.cached_listing.fetched_at}, ${ageText(latest.age_minutes)} ago` +
      (latest.stale ? " (stale after 6 h; refresh_eventbrite_data fetches fresh figures)." : "."),
  );
}

export const verifyEventbriteConfig = defineTool({
  name: "verify_eventbrite_config",
  domain: "eventbrite-charts",
  title: "Check the Eventbrite setup",
  description:
    "Diagnose Eventbrite problems: is the token configured and accepted (and whose it is), is the organization " +
    "(EB_ORG_ID) accessible, and — with an eid — does the event have an Eventbrite id, can the listing be reached, " +
    "and do the cached and live listings match the event (city in the title, start within a day; a wrong link " +
    "shows up as another city or date). Works without a token from the database alone. Returns true/false " +
    "checks, the listing's name and status, the cache's age, and a list of issues. Changes nothing.",
  input: z.strictObject({
    eid: eid().optional().describe('Event id to check the link of, e.g. "AB4001" (optional)'),
  }),
  pii: { token_owner_email: "email" },
  policy: { roles: ROLES_OPS_EP_MARKETING_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, ctx): Promise<VerifyResult> {
    const event = args.eid ? await eventByEid(ctx.sql, args.eid) : null;
    const api = ctx.eventbrite;
    const r: VerifyResult = {
      eid: event?.eid ?? null,
      event_name: event?.name ?? null,
      eventbrite_id: null,
      token_configured: api !== null,
      token_valid: false,
      token_owner_name: null,
      token_owner_email: null,
      org_id: api?.orgId ?? null,
      org_accessible: false,
      org_name: null,
      event_mapped: null,
      event_reachable: null,
      eventbrite_event: null,
      cached_listing: null,
      listing_matches: null,
      ok: false,
      issues: [],
      notes: [],
    };
    if (event) await checkCache(ctx.sql, event, r);
    if (api) {
      await checkLive(api, event, r);
    } else {
      r.issues.push(
        "Eventbrite is not configured (EB_PRIVATE_TOKEN is not set): the token, organization and listing " +
          "cannot be checked live; only the database checks were made.",
      );
      if (event && r.event_mapped) r.event_reachable = false;
    }
    r.ok = r.issues.length === 0;
    return r;
  },
  format(r) {
    const yes = (v: boolean | null, good: string, bad: string) =>
      v === null ? "not checked" : v ? good : bad;
    const lines = [
      `Eventbrite check${r.eid ? ` for ${r.eid} ${r.event_name ?? ""}`.trimEnd() : ""}: ${r.ok ? "all good" : "problems found"}`,
      `- Token: ${r.token_configured ? yes(r.token_valid, `valid (${r.token_owner_name ?? "?"})`, "NOT accepted") : "not configured (EB_PRIVATE_TOKEN)"}`,
      `- Organization ${r.org_id ?? "(EB_ORG_ID not set)"}: ${r.token_configured ? yes(r.org_accessible, `accessible (${r.org_name ?? "?"})`, "NOT accessible") : "not checked"}`,
    ];
    if (r.eid) {
      lines.push(
        `- Link: ${r.event_mapped ? `Eventbrite ${r.eventbrite_id}` : "no Eventbrite id"}; listing ${r.token_configured ? yes(r.event_reachable, "reachable", "NOT reachable") : "not checked"}` +
          (r.eventbrite_event
            ? ` — "${r.eventbrite_event.name ?? "?"}" (${r.eventbrite_event.status ?? "?"}), starts ${r.eventbrite_event.start_local ?? "?"}`
            : ""),
      );
      if (r.cached_listing) {
        lines.push(
          `- Cached listing: "${r.cached_listing.name ?? "?"}" starting ${r.cached_listing.start_local ?? "?"}, ` +
            `fetched ${ageText(r.cached_listing.age_minutes)} ago${r.cached_listing.stale ? " (stale)" : ""}`,
        );
      }
    }
    if (r.issues.length) lines.push("Issues:", ...r.issues.map((i) => `- ${i}`));
    if (r.notes.length) lines.push("Notes:", ...r.notes.map((n) => `- ${n}`));
    return lines.join("\n");
  },
});
