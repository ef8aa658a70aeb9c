import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { eventByEid } from "../data-read/shared.ts";
import { ROLES_MARKETING_READ } from "./shared.ts";

export const AUDIENCE_FILTERS = ["event_attendees", "bidders", "all_with_phone"] as const;
export type AudienceFilter = (typeof AUDIENCE_FILTERS)[number];

const input = z.strictObject({
  eid: eid(),
  audience_filter: z
    .enum(AUDIENCE_FILTERS)
    .default("event_attendees")
    .describe(
      "Who to count: event_attendees (checked in at the door with a valid QR scan), bidders (bid on the " +
        "event's art) or all_with_phone (everyone on file with a phone, all events and cities). Default event_attendees",
    ),
});

/** What each audience means; results quote it so nobody has to guess. */
const DEFINITIONS: Record<AudienceFilter, string> = {
  event_attendees:
    "People who checked in at the event's door with a valid QR scan (people_qr_scans.is_valid). Voting is not " +
    "attendance and is not used. Ticket buyers are not counted: Eventbrite orders are not linked to people.",
  bidders: "People who placed at least one bid on an artwork of the event.",
  all_with_phone: "Everyone in people with a phone number, across all events and cities.",
};

const REACHABLE_RULE =
  "Reachable = has a phone (people.phone, else the legacy phone_number), is not message-blocked " +
  "(people.message_blocked > 0) and has no active opt-out in sms_marketing_optouts. Opted-out and blocked " +
  "can overlap, so they need not add up to the difference.";

export interface SmsAudienceCounts {
  /** Distinct people in the audience, with or without a phone. */
  people: number;
  with_phone: number;
  /** With a phone that has an active opt-out row. */
  opted_out: number;
  /** With a phone, flagged message_blocked. */
  message_blocked: number;
  /** With a phone that may receive marketing SMS. */
  reachable: number;
}

export interface SmsAudienceCountResult {
  eid: string;
  audience_filter: AudienceFilter;
  /** "global" for all_with_phone: the count ignores the event. */
  scope: "event" | "global";
  definition: string;
  reachable_rule: string;
  counts: SmsAudienceCounts;
  notes: string[];
}

/** Person ids (column person_id) in the audience. */
function audienceSql(sql: Sql, filter: AudienceFilter, eventId: string) {
  switch (filter) {
    case "event_attendees":
      return sql`select distinct s.person_id from people_qr_scans s where s.event_id = ${eventId} and s.is_valid`;
    case "bidders":
      return sql`select distinct b.person_id from bids b join art a on a.id = b.art_id where a.event_id = ${eventId}`;
    case "all_with_phone":
      return sql`select p.id as person_id from people p
                 where coalesce(nullif(btrim(p.phone), ''), nullif(btrim(p.phone_number), '')) is not null`;
  }
}

export const getSmsAudienceCount = defineTool({
  name: "get_sms_audience_count",
  domain: "growth-marketing",
  title: "SMS audience size",
  description:
    "How many people an SMS could go to, for one event (eid): event_attendees (default; people who checked in " +
    "with a valid door QR scan — not voters), bidders (people who bid on the event's art) or all_with_phone " +
    "(everyone with a phone, all events and cities: a global count, the eid is not used for it). Returns the " +
    "raw count, how many have a phone, how many of those opted out or are message-blocked, and how many are " +
    "reachable. Use it for 'how many people could we text about AB4120?'. It sends nothing.",
  input,
  policy: { roles: ROLES_MARKETING_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql }): Promise<SmsAudienceCountResult> {
    const event = await eventByEid(sql, args.eid);
    const filter = args.audience_filter;
    const [counts] = await sql<SmsAudienceCounts[]>`
      with audience as (${audienceSql(sql, filter, event.id)}),
      members as (
        select coalesce(nullif(btrim(p.phone), ''), nullif(btrim(p.phone_number), '')) as phone,
               coalesce(p.message_blocked, 0) > 0 as blocked
        from audience a join people p on p.id = a.person_id),
      flagged as (
        select m.phone, m.blocked,
               m.phone is not null and exists (
                 select 1 from sms_marketing_optouts o where o.phone_number = m.phone and o.is_active) as opted_out
        from members m)
      select count(*)::int as people,
             count(phone)::int as with_phone,
             count(phone) filter (where opted_out)::int as opted_out,
             count(phone) filter (where blocked)::int as message_blocked,
             count(phone) filter (where not opted_out and not blocked)::int as reachable
      from flagged`;
    const global = filter === "all_with_phone";
    const notes: string[] = [];
    if (global) {
      notes.push(
        `all_with_phone is a global count over everyone on file; it is not limited to ${event.eid} or its city.`,
      );
    } else if ((counts?.people ?? 0) === 0) {
      notes.push(
        filter === "event_attendees"
          ? `No valid QR check-ins are recorded for ${event.eid}; attendance is only known from door QR scans, ` +
              "which older shows (before QR check-in) and upcoming shows do not have."
          : `Nobody has bid on ${event.eid}'s artworks.`,
      );
    }
    return {
      eid: event.eid,
      audience_filter: filter,
      scope: global ? "global" : "event",
      definition: DEFINITIONS[filter],
      reachable_rule: REACHABLE_RULE,
      counts: counts ?? { people: 0, with_phone: 0, opted_out: 0, message_blocked: 0, reachable: 0 },
      notes,
    };
  },
  format(r) {
    const c = r.counts;
    const what =
      r.scope === "global"
        ? "everyone with a phone (global, all events)"
        : `${r.audience_filter} of ${r.eid}`;
    return [
      `SMS audience, ${what}: ${c.reachable} reachable of ${c.people} people ` +
        `(${c.with_phone} with a phone, ${c.opted_out} opted out, ${c.message_blocked} message-blocked)`,
      r.definition,
      ...r.notes,
    ].join("\n");
  },
});
