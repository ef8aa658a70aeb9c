import { z } from "zod";
import { defineTool, text } from "../../catalog/index.ts";
import { capped, iso } from "../data-read/shared.ts";
import { normalisePhone, ROLES_MARKETING_READ, shortUtc } from "./shared.ts";

const input = z.strictObject({
  phone: text("Phone number, ideally with its country code, e.g. +1 416 555 0123", 40),
});

/** Where a message was found. */
export type MessageSource = "sms_inbound" | "sms_outbound" | "message_queue";

export interface ConversationMessage {
  id: string;
  /** Received or sent; for a queued message not yet sent, when it is due to go. */
  at: string | null;
  direction: "inbound" | "outbound";
  /** sms_outbound: marketing campaigns; message_queue: transactional texts (bids, winners, reminders). */
  source: MessageSource;
  body: string;
  /** Delivery status for outbound messages; null for inbound. */
  status: string | null;
  /** Art Battle's number on the other end. */
  art_battle_number: string | null;
  /** Campaign name (sms_outbound) or message type (message_queue). */
  context: string | null;
  error: string | null;
  /** Inbound only: the message was a STOP request. */
  stop_request: boolean;
}

export interface SmsConversationResult {
  /** The number, normalised to E.164. */
  phone: string;
  country: string | null;
  /** Exact totals per source, not cut by the row cap. */
  counts: { inbound: number; campaign_outbound: number; transactional_outbound: number };
  opt_out: {
    /** Same rule as is_phone_opted_out(): an active opt-out row or a message-blocked person. */
    opted_out: boolean;
    /** The number's opt-out row (an active one first), active or not. */
    optout_record: { opted_out_at: string | null; source: string | null; active: boolean } | null;
    message_blocked: boolean;
  };
  /** People on file with this number. */
  people: { id: string; name: string | null; message_blocked: boolean }[];
  /** The newest messages (up to the row cap), oldest first so they read as a conversation. */
  messages: ConversationMessage[];
  /** Older messages were left out. */
  truncated: boolean;
}

type MessageRow = Omit<ConversationMessage, "at"> & { at: Date | null };

export const getSmsConversation = defineTool({
  name: "get_sms_conversation",
  domain: "growth-marketing",
  title: "SMS conversation with a number",
  description:
    "The SMS history with one phone number: replies received (sms_inbound), marketing texts sent " +
    "(sms_outbound, with campaign and delivery status) and transactional texts queued or sent (message_queue: " +
    "bid confirmations, outbid and winner notices, reminders), newest up to the row cap, shown in time order; " +
    "plus exact counts, whether the number has opted out or is blocked, and who on file has the number. The " +
    "number may be typed in any common format; it is normalised to E.164 (without a country code it is read " +
    "as North American). Use it for 'did +1 416 555 0123 reply STOP?' or 'what have we texted this person?'.",
  input,
  pii: { phone: "phone" },
  policy: { roles: ROLES_MARKETING_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<SmsConversationResult> {
    const phone = normalisePhone(args.phone);
    const variants = phone.variants;
    const limit = rowCap + 1;
    // Each source is cut before the merge, so the scan stays bounded however long the history is.
    const messages = await sql<MessageRow[]>`
      with m as (
        (select i.id, i.created_at as at, 'inbound' as direction, 'sms_inbound' as source, i.message_body as body,
                null::text as status, i.to_phone as art_battle_number, null::text as context, null::text as error,
                coalesce(i.is_stop_request, false) as stop_request
         from sms_inbound i where i.from_phone in ${sql(variants)}
         order by i.created_at desc nulls last, i.id limit ${limit})
        union all
        (select o.id, o.created_at, 'outbound', 'sms_outbound', o.message_body, o.status, o.from_phone, c.name,
                o.error_message, false
         from sms_outbound o left join sms_marketing_campaigns c on c.id = o.campaign_id
         where o.to_phone in ${sql(variants)}
         order by o.created_at desc nulls last, o.id limit ${limit})
        union all
        (select q.id, coalesce(q.sent_at, q.last_attempt_at, q.send_after, q.created_at), 'outbound', 'message_queue', coalesce(q.message_body, ''),
                q.status::text, q.from_phone, q.metadata->>'type', q.error_message, false
         from message_queue q
         where q.channel = 'sms' and q.destination in ${sql(variants)}
         order by coalesce(q.sent_at, q.last_attempt_at, q.send_after, q.created_at) desc nulls last, q.id limit ${limit}))
      select * from m order by at desc nulls last, id limit ${limit}`;
    const [counts] = await sql<SmsConversationResult["counts"][]>`
      select (select count(*) from sms_inbound where from_phone in ${sql(variants)})::int as inbound,
             (select count(*) from sms_outbound where to_phone in ${sql(variants)})::int as campaign_outbound,
             (select count(*) from message_queue where channel = 'sms' and destination in ${sql(variants)})::int
               as transactional_outbound`;
    const [optout] = await sql<{ opted_out_at: Date | null; source: string | null; active: boolean }[]>`
      select opted_out_at, source, coalesce(is_active, false) as active
      from sms_marketing_optouts where phone_number in ${sql(variants)}
      order by is_active desc nulls last, opted_out_at desc nulls last limit 1`;
    const people = await sql<SmsConversationResult["people"]>`
      select id, coalesce(nullif(name, ''), nullif(concat_ws(' ', first_name, last_name), '')) as name,
             coalesce(message_blocked, 0) > 0 as message_blocked
      from people
      where phone in ${sql(variants)} or phone_number in ${sql(variants)} or auth_phone in ${sql(variants)}
      order by created_at, id limit ${rowCap}`;
    const blocked = people.some((p) => p.message_blocked);
    const cut = capped(messages, rowCap);
    return {
      phone: phone.e164,
      country: phone.country,
      counts: counts ?? { inbound: 0, campaign_outbound: 0, transactional_outbound: 0 },
      opt_out: {
        opted_out: Boolean(optout?.active) || blocked,
        optout_record: optout ? { ...optout, opted_out_at: iso(optout.opted_out_at) } : null,
        message_blocked: blocked,
      },
      people,
      messages: cut.rows.reverse().map((m) => ({ ...m, at: iso(m.at) })),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const c = r.counts;
    const lines = [
      `SMS with ${r.phone}: ${c.inbound} received, ${c.campaign_outbound} campaign texts, ` +
        `${c.transactional_outbound} transactional texts. ` +
        (r.opt_out.opted_out
          ? `Opted out${r.opt_out.message_blocked ? " (message-blocked)" : ""}${
              r.opt_out.optout_record?.opted_out_at
                ? ` since ${shortUtc(r.opt_out.optout_record.opted_out_at)}`
                : ""
            }.`
          : "Not opted out."),
    ];
    if (r.people.length) lines.push(`On file as: ${r.people.map((p) => p.name ?? p.id).join(", ")}`);
    if (r.truncated) lines.push(`(only the newest ${r.messages.length} messages are shown)`);
    for (const m of r.messages) {
      const arrow = m.direction === "inbound" ? "<-" : "->";
      const meta = [m.status, m.context, m.error].filter(Boolean).join("; ");
      lines.push(
        `${shortUtc(m.at)} ${arrow} ${m.body}${meta ? ` [${meta}]` : ""}${m.stop_request ? " [STOP]" : ""}`,
      );
    }
    if (r.messages.length === 0) lines.push("No messages with this number.");
    return lines.join("\n");
  },
});
