import { describe, expect, it } from "vitest";
import { getSmsAudienceCount, getSmsConversation } from "../../../src/packs/growth-marketing/index.ts";
import type { SmsAudienceCountResult } from "../../../src/packs/growth-marketing/sms-audience.ts";
import type { SmsConversationResult } from "../../../src/packs/growth-marketing/sms-conversation.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

interface Expected {
  people: number;
  with_phone: number;
  opted_out: number;
  message_blocked: number;
  reachable: number;
}

/**
 * Audience counts for a set of person ids, using the database's own is_phone_opted_out() for the
 * reachable figure.
 */
async function expectedCounts(audience: ReturnType<typeof db.sql>): Promise<Expected> {
  const [row] = await db.sql<Expected[]>`
    with a as (${audience})
    select count(*)::int as people, count(p.phone)::int as with_phone,
           count(p.phone) filter (where exists (select 1 from sms_marketing_optouts o
                                                where o.phone_number = p.phone and o.is_active))::int as opted_out,
           count(p.phone) filter (where p.message_blocked > 0)::int as message_blocked,
           count(p.phone) filter (where not is_phone_opted_out(p.phone))::int as reachable
    from a join people p on p.id = a.person_id`;
  if (!row) throw new Error("no counts");
  return row;
}

describe("get_sms_audience_count", () => {
  it("counts event attendees from door QR check-ins, not from votes", async () => {
    // The event with the most valid check-ins whose voters are not the same crowd.
    const [event] = await db.sql<{ id: string; eid: string; voters: number }[]>`
      select e.id, e.eid,
             (select count(distinct v.person_id)::int from votes v where v.event_id = e.id) as voters
      from people_qr_scans s join events e on e.id = s.event_id where s.is_valid
      group by e.id, e.eid order by count(distinct s.person_id) desc, e.eid limit 1`;
    const expected = await expectedCounts(
      db.sql`select distinct person_id from people_qr_scans where event_id = ${event?.id ?? ""} and is_valid`,
    );
    const result = await runReadTool<SmsAudienceCountResult>(db.sql, getSmsAudienceCount, {
      eid: event?.eid,
    });
    expect(expected.people).toBeGreaterThan(0);
    expect(event?.voters).not.toBe(expected.people);
    expect(result.audience_filter).toBe("event_attendees");
    expect(result.scope).toBe("event");
    expect(result.counts).toEqual(expected);
    // Opt-outs and blocks really remove people from the reachable audience.
    expect(result.counts.reachable).toBeLessThan(result.counts.with_phone);
    expect(result.definition).toContain("QR");
  });

  it("counts bidders on the event's artworks", async () => {
    const [event] = await db.sql<{ id: string; eid: string }[]>`
      select e.id, e.eid from bids b join art a on a.id = b.art_id join events e on e.id = a.event_id
      group by e.id, e.eid order by count(distinct b.person_id) desc, e.eid limit 1`;
    const expected = await expectedCounts(
      db.sql`select distinct b.person_id from bids b join art a on a.id = b.art_id where a.event_id = ${event?.id ?? ""}`,
    );
    const result = await runReadTool<SmsAudienceCountResult>(db.sql, getSmsAudienceCount, {
      eid: event?.eid,
      audience_filter: "bidders",
    });
    expect(expected.people).toBeGreaterThan(0);
    expect(result.counts).toEqual(expected);
  });

  it("labels all_with_phone as a global count that ignores the event", async () => {
    const expected = await expectedCounts(db.sql`select id as person_id from people where phone is not null`);
    const result = await runReadTool<SmsAudienceCountResult>(db.sql, getSmsAudienceCount, {
      eid: "AB4120",
      audience_filter: "all_with_phone",
    });
    expect(result.scope).toBe("global");
    expect(result.counts).toEqual(expected);
    expect(result.notes.join(" ")).toContain("global count");
    expect(getSmsAudienceCount.format(result)).toContain("global");
  });

  it("says why an upcoming show has no attendees yet", async () => {
    const [upcoming] = await db.sql<{ eid: string }[]>`
      select eid from events e where event_start_datetime > now()
        and not exists (select 1 from people_qr_scans s where s.event_id = e.id)
      order by event_start_datetime limit 1`;
    const result = await runReadTool<SmsAudienceCountResult>(db.sql, getSmsAudienceCount, {
      eid: upcoming?.eid,
    });
    expect(result.counts).toEqual({
      people: 0,
      with_phone: 0,
      opted_out: 0,
      message_blocked: 0,
      reachable: 0,
    });
    expect(result.notes.join(" ")).toContain("No valid QR check-ins");
  });
});

/** "+16135550073" → "(613) 555-0073", the way people type it. */
function northAmerican(e164: string): string {
  return `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
}

describe("get_sms_conversation", () => {
  it("declares the phone as PII", () => {
    expect(getSmsConversation.pii).toEqual({ phone: "phone" });
  });

  it("finds every message with a number however it is typed, oldest first, with its opt-out state", async () => {
    // A North American number that both received a campaign text and replied.
    const [pick] = await db.sql<{ phone: string }[]>`
      select i.from_phone as phone from sms_inbound i
      where i.from_phone like '+1%' and exists (select 1 from sms_outbound o where o.to_phone = i.from_phone)
      order by i.from_phone limit 1`;
    const phone = pick?.phone ?? "";
    const ids = await db.sql<{ id: string }[]>`
      select id from sms_inbound where from_phone = ${phone}
      union all select id from sms_outbound where to_phone = ${phone}
      union all select id from message_queue where channel = 'sms' and destination = ${phone}
      order by id`;
    const [counts] = await db.sql<
      { inbound: number; outbound: number; queued: number; opted_out: boolean }[]
    >`
      select (select count(*)::int from sms_inbound where from_phone = ${phone}) as inbound,
             (select count(*)::int from sms_outbound where to_phone = ${phone}) as outbound,
             (select count(*)::int from message_queue where channel = 'sms' and destination = ${phone}) as queued,
             is_phone_opted_out(${phone}) as opted_out`;
    const people = await db.sql<{ id: string }[]>`select id from people where phone = ${phone}`;

    const result = await runReadTool<SmsConversationResult>(db.sql, getSmsConversation, {
      phone: northAmerican(phone),
    });
    expect(phone).not.toBe("");
    expect(result.phone).toBe(phone);
    expect(result.counts).toEqual({
      inbound: counts?.inbound,
      campaign_outbound: counts?.outbound,
      transactional_outbound: counts?.queued,
    });
    expect(result.messages.map((m) => m.id).sort()).toEqual(ids.map((r) => r.id));
    expect(result.messages.some((m) => m.direction === "inbound")).toBe(true);
    expect(result.messages.some((m) => m.direction === "outbound")).toBe(true);
    const times = result.messages.map((m) => m.at ?? "");
    expect(times).toEqual([...times].sort());
    expect(result.opt_out.opted_out).toBe(counts?.opted_out);
    expect(result.people.map((p) => p.id)).toEqual(people.map((p) => p.id));

    // The same number in E.164 or bare digits gives the same answer.
    for (const typed of [
      phone,
      phone.slice(1),
      `+1 ${phone.slice(2, 5)}-${phone.slice(5, 8)}-${phone.slice(8)}`,
    ]) {
      const again = await runReadTool<SmsConversationResult>(db.sql, getSmsConversation, { phone: typed });
      expect(again.messages.map((m) => m.id)).toEqual(result.messages.map((m) => m.id));
    }
  });

  it("keeps the newest messages when the history is longer than the row cap", async () => {
    const [pick] = await db.sql<{ phone: string }[]>`
      select to_phone as phone from sms_outbound group by 1 having count(*) > 1 order by 1 limit 1`;
    const [newest] = await db.sql<{ id: string }[]>`
      select id, created_at from sms_outbound where to_phone = ${pick?.phone ?? ""}
      union all select id, created_at from sms_inbound where from_phone = ${pick?.phone ?? ""}
      union all select id, coalesce(sent_at, last_attempt_at, send_after, created_at) from message_queue
        where channel = 'sms' and destination = ${pick?.phone ?? ""}
      order by created_at desc limit 1`;
    const result = await runReadTool<SmsConversationResult>(
      db.sql,
      getSmsConversation,
      { phone: pick?.phone },
      undefined,
      1,
    );
    expect(result.messages.map((m) => m.id)).toEqual([newest?.id]);
    expect(result.truncated).toBe(true);
    expect(getSmsConversation.format(result)).toContain("only the newest 1");
  });

  it("matches numbers stored without the leading plus", async () => {
    const [person] = await db.sql<{ phone: string }[]>`
      select phone from people p where phone like '+1%'
        and not exists (select 1 from sms_inbound i where i.from_phone = p.phone)
        and not exists (select 1 from sms_outbound o where o.to_phone = p.phone)
      order by phone limit 1`;
    const phone = person?.phone ?? "";
    await db.sql`
      insert into sms_inbound (telnyx_message_id, from_phone, to_phone, message_body)
      values ('test-no-plus', ${phone.slice(1)}, '+14165550101', 'What time do doors open?')`;
    const result = await runReadTool<SmsConversationResult>(db.sql, getSmsConversation, { phone });
    expect(result.counts.inbound).toBe(1);
    expect(result.messages.map((m) => m.body)).toContain("What time do doors open?");
  });

  it("rejects something that is not a phone number with INVALID_ARGUMENT", async () => {
    for (const phone of ["12345", "call me", "+1 555"]) {
      await expect(runReadTool(db.sql, getSmsConversation, { phone })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("not a valid phone number"),
      });
    }
  });
});
