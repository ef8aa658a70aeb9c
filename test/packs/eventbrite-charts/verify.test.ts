import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EventbriteApi, maskEmail, redactFields } from "../../../src/catalog/index.ts";
import { createEventbriteApi } from "../../../src/eventbrite/index.ts";
import {
  type VerifyResult,
  verifyEventbriteConfig,
} from "../../../src/packs/eventbrite-charts/verify-eventbrite.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { type FakeEventbrite, startFakeEventbrite } from "../../helpers/fake-eventbrite.ts";
import { refusalOf, toolContext } from "../../helpers/tools.ts";

const db = useTestDatabase();
let fake: FakeEventbrite;

const verify = (args: { eid?: string }, eventbrite: EventbriteApi | null = null) =>
  db.sql.begin("read only", (tx) =>
    verifyEventbriteConfig.handler(
      verifyEventbriteConfig.input.parse(args),
      toolContext(tx as never, db.sql, { eventbrite }),
    ),
  ) as Promise<VerifyResult>;

const client = (overrides: { token?: string; orgId?: string | undefined } = {}) => {
  const api = createEventbriteApi(fake.settings(overrides), { timeoutMs: 5000 });
  if (!api) throw new Error("expected a client");
  return api;
};

interface Seeded {
  ebid: string;
  city: string;
  currency: string;
  timezone: string;
  start_local: string;
  start_utc: string;
  local_date: string;
  cached_name: string;
  cached_start: string;
  cached_local_date: string;
  fetched: Date;
}

/** The event and its newest cache row, read independently of the tool. */
async function seeded(eid: string): Promise<Seeded> {
  const [row] = await db.sql<Seeded[]>`
    select e.eventbrite_id as ebid, c.name as city, e.currency, e.timezone_icann as timezone,
           to_char(e.event_start_datetime at time zone e.timezone_icann, 'YYYY-MM-DD"T"HH24:MI:SS') as start_local,
           to_char(e.event_start_datetime at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start_utc,
           (e.event_start_datetime at time zone e.timezone_icann)::date::text as local_date,
           x.eventbrite_event_name as cached_name,
           to_char(x.eventbrite_start_date, 'YYYY-MM-DD"T"HH24:MI:SS') as cached_start,
           x.eventbrite_start_date::date::text as cached_local_date,
           x.fetched_at at time zone 'UTC' as fetched
    from events e join cities c on c.id = e.city_id
    join lateral (select * from eventbrite_api_cache x where x.eventbrite_id = e.eventbrite_id
                  order by x.fetched_at desc limit 1) x on true
    where e.eid = ${eid}`;
  if (!row) throw new Error(`${eid} has no cached Eventbrite listing in the seed`);
  return row;
}

const daysBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;

function serve(s: Seeded, overrides: { name?: string; startLocal?: string; startUtc?: string } = {}) {
  fake.addEvent({
    id: s.ebid,
    name: overrides.name ?? `Art Battle ${s.city} - live listing`,
    timezone: s.timezone,
    startLocal: overrides.startLocal ?? s.start_local,
    startUtc: overrides.startUtc ?? s.start_utc,
    currency: s.currency,
    capacity: 200,
  });
}

beforeAll(async () => {
  fake = await startFakeEventbrite();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe("verify_eventbrite_config", () => {
  it("is a read tool for ops, event producers, marketing and viewers, with the owner's email as PII", () => {
    expect(verifyEventbriteConfig.policy).toMatchObject({
      writes: false,
      risk: "low",
      maxCallsPerRequest: 2,
    });
    expect([...verifyEventbriteConfig.policy.roles].sort()).toEqual([
      "event-producer",
      "marketing",
      "ops",
      "viewer",
    ]);
    expect(verifyEventbriteConfig.pii).toEqual({ token_owner_email: "email" });
  });

  describe("without a token (the demo): database checks only", () => {
    it("flags AB4124's cached listing: another city, 23 days later", async () => {
      const s = await seeded("AB4124");
      const days = daysBetween(s.local_date, s.cached_local_date);
      expect(days).toBe(23);
      const r = await verify({ eid: "ab4124" });
      expect(r).toMatchObject({
        eid: "AB4124",
        eventbrite_id: s.ebid,
        token_configured: false,
        token_valid: false,
        org_accessible: false,
        event_mapped: true,
        event_reachable: false,
        listing_matches: false,
        ok: false,
        cached_listing: {
          name: s.cached_name,
          start_local: s.cached_start,
          fetched_at: s.fetched.toISOString(),
        },
      });
      const issues = r.issues.join("\n");
      expect(issues).toContain("EB_PRIVATE_TOKEN");
      expect(issues).toContain(`"${s.cached_name}" does not mention the event's city, ${s.city}`);
      expect(issues).toContain(`${days} day(s) after`);
      expect(s.cached_name.toLowerCase()).not.toContain(s.city.toLowerCase());
      expect(verifyEventbriteConfig.format(r)).toContain("problems found");
    });

    it("passes a correctly mapped event (AB4125): the only issue is the missing token", async () => {
      const s = await seeded("AB4125");
      expect(s.cached_name).toContain(s.city);
      expect(s.cached_local_date).toBe(s.local_date);
      const r = await verify({ eid: "AB4125" });
      expect(r).toMatchObject({ event_mapped: true, listing_matches: true, token_valid: false });
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]).toContain("EB_PRIVATE_TOKEN");
      expect(r.notes.join(" ")).toContain(s.fetched.toISOString());
    });

    it("flags an event without an Eventbrite id, and checks only the token without an eid", async () => {
      const [unlinked] = await db.sql<{ eid: string }[]>`
        select eid from events where nullif(eventbrite_id, '') is null order by eid limit 1`;
      const r = await verify({ eid: unlinked?.eid });
      expect(r).toMatchObject({ event_mapped: false, event_reachable: false, eventbrite_id: null });
      expect(r.issues.join(" ")).toContain("no Eventbrite id");

      const bare = await verify({});
      expect(bare).toMatchObject({
        eid: null,
        event_mapped: null,
        event_reachable: null,
        token_valid: false,
      });
      expect(bare.issues).toHaveLength(1);
    });

    it("refuses an unknown event", async () => {
      expect((await refusalOf(verify({ eid: "AB999999" }))).code).toBe("NOT_FOUND");
    });
  });

  describe("with Eventbrite", () => {
    it("a valid token, accessible organization and matching listing: all good", async () => {
      const s = await seeded("AB4125");
      serve(s);
      const r = await verify({ eid: "AB4125" }, client());
      const email = fake.user.emails?.[0]?.email;
      expect(r).toMatchObject({
        token_configured: true,
        token_valid: true,
        token_owner_name: fake.user.name,
        token_owner_email: email,
        org_id: fake.orgId,
        org_accessible: true,
        org_name: fake.organization.name,
        event_mapped: true,
        event_reachable: true,
        eventbrite_event: {
          name: `Art Battle ${s.city} - live listing`,
          status: "live",
          start_utc: s.start_utc,
        },
        listing_matches: true,
        ok: true,
        issues: [],
      });
      expect(fake.requests.map((q) => q.path).sort()).toEqual(
        ["/users/me/", `/organizations/${fake.orgId}/`, `/events/${s.ebid}/`].sort(),
      );
      expect(fake.requests.every((q) => q.authorization === `Bearer ${fake.token}`)).toBe(true);
      // What a viewer sees after the gateway's redaction.
      const masked = redactFields(r, verifyEventbriteConfig.pii ?? {});
      expect(masked.token_owner_email).toBe(maskEmail(email ?? ""));
      expect(verifyEventbriteConfig.format(r)).toContain("all good");
    });

    it("a rejected token: one issue naming EB_PRIVATE_TOKEN, nothing reachable", async () => {
      const s = await seeded("AB4125");
      serve(s);
      const r = await verify({ eid: "AB4125" }, client({ token: "NOT-THE-RIGHT-TOKEN-123" }));
      expect(r).toMatchObject({
        token_valid: false,
        org_accessible: false,
        event_reachable: false,
        ok: false,
      });
      const tokenIssues = r.issues.filter((i) => i.includes("EB_PRIVATE_TOKEN"));
      expect(tokenIssues).toHaveLength(1);
      expect(r.issues).toHaveLength(1);
      expect(r.issues.join(" ")).not.toContain("NOT-THE-RIGHT-TOKEN-123");
    });

    it("the live AB4124 listing is flagged like the cached one", async () => {
      const s = await seeded("AB4124");
      const later = new Date(Date.parse(s.start_utc) + 23 * 86_400_000)
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z");
      serve(s, { name: s.cached_name, startLocal: s.cached_start, startUtc: later });
      const r = await verify({ eid: "AB4124" }, client());
      expect(r).toMatchObject({ token_valid: true, event_reachable: true, listing_matches: false });
      const live = r.issues.filter((i) => i.includes("live Eventbrite listing"));
      expect(live.join(" ")).toContain(s.city);
      expect(live.join(" ")).toContain("23 day(s) after");
    });

    it("a listing Eventbrite does not know, an organization out of reach, and no EB_ORG_ID", async () => {
      const s = await seeded("AB4125");
      fake.events.delete(s.ebid);
      const missing = await verify({ eid: "AB4125" }, client({ orgId: "111" }));
      expect(missing).toMatchObject({ token_valid: true, org_accessible: false, event_reachable: false });
      expect(missing.issues.some((i) => i.includes("404") && i.includes("does not exist"))).toBe(true);
      expect(missing.issues.some((i) => i.includes("/organizations/111/"))).toBe(true);

      const noOrg = await verify({}, client({ orgId: undefined }));
      expect(noOrg).toMatchObject({ token_valid: true, org_id: null, org_accessible: false });
      expect(noOrg.issues).toEqual(["EB_ORG_ID is not set, so the organization cannot be checked."]);
    });
  });
});
