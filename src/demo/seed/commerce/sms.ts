import type { CopyValue } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext } from "../world.ts";
import { at, cityName, DAY, HOUR, type WorldIndex } from "./shared.ts";
import { type CampaignPlan, OUTCOME, planSms, type SmsPlan, TEMPLATES } from "./sms-plan.ts";

const SENDING = new Set<CampaignPlan["status"]>(["completed", "in_progress", "failed"]);
const STATUS_TEXT = ["delivered", "sent", "failed", "undelivered"] as const;
const TELNYX_STATUS = ["delivered", "sent", "sending_failed", "delivery_failed"] as const;
const ERRORS = [
  "40008: Undeliverable - the destination carrier rejected the message",
  "40300: Blocked due to STOP message from recipient",
  "30007: Message filtered by carrier as spam",
  "40002: Blocked as spam by the destination carrier",
  "40001: Destination number is not SMS-capable (landline)",
];

function sendTime(campaign: CampaignPlan, i: number): Date {
  return at(campaign.scheduledAt, i * campaign.stepMs);
}

function segments(body: string): number {
  return body.length <= 160 ? 1 : Math.ceil(body.length / 153);
}

/** Recipients actually sent to by the anchor (an in-progress campaign is mid-send). */
function sentCount(campaign: CampaignPlan, anchor: Date): number {
  if (!SENDING.has(campaign.status)) return 0;
  const elapsed = anchor.getTime() - campaign.scheduledAt.getTime();
  return Math.max(0, Math.min(campaign.recipients.length, Math.floor(elapsed / campaign.stepMs)));
}

function personalise(body: string, first: string | null): string {
  return first ? `Hi ${first}! ${body}` : body;
}

function campaignRows(rng: Rng, plan: SmsPlan, index: WorldIndex, anchor: Date, templateIds: string[]) {
  return plan.campaigns.map((c) => {
    const n = sentCount(c, anchor);
    let delivered = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      if (c.outcomes[i] === OUTCOME.delivered) delivered++;
      else if (c.outcomes[i] === OUTCOME.failed || c.outcomes[i] === OUTCOME.undelivered) failed++;
    }
    const replies = plan.replies.filter((r) => r.campaign === c && r.recipient < n);
    const parts = segments(c.body) + 1;
    const started = n > 0 ? c.scheduledAt : null;
    const finished = c.status === "completed" || c.status === "failed" ? sendTime(c, n) : null;
    const city = cityName(index, c.event);
    return [
      c.id,
      `${c.event.eid} ${city} – ${TEMPLATES[c.template]?.[0] ?? "Campaign"}`,
      c.status === "test" ? "Test send to staff phones" : null,
      templateIds[c.template] ?? null,
      c.status,
      null,
      SENDING.has(c.status) || c.status === "scheduled" || c.status === "queued" ? c.recipients.length : 0,
      n,
      delivered,
      failed,
      replies.length,
      replies.filter((r) => r.stop).length,
      c.scheduledAt,
      started,
      finished,
      null,
      {
        message_template: c.body,
        dry_run_mode: c.status === "test",
        blocked_count: Math.round(c.recipients.length * 0.18),
        valid_recipients: c.recipients.length,
        scheduled_timezone: c.event.timezone,
        estimated_segments: parts - 1,
        recent_message_hours: 72,
      },
      c.createdAt,
      finished ?? started ?? c.createdAt,
      { city_ids: [c.event.cityId], event_ids: [c.event.id], recent_message_hours: 72 },
      Math.round(n * (parts - 1) * rng.float(1.4, 2.2)),
      c.event.id,
    ];
  });
}

function* outboundRows(rng: Rng, plan: SmsPlan, anchor: Date) {
  for (const c of plan.campaigns) {
    const n = sentCount(c, anchor);
    const parts = segments(c.body);
    for (let i = 0; i < n; i++) {
      const person = c.recipients[i];
      if (!person?.phone) continue;
      const created = sendTime(c, i);
      const sent = at(created, rng.int(300, 3000));
      const code = c.outcomes[i] ?? OUTCOME.delivered;
      const body = personalise(c.body, person.firstName);
      const failed = code === OUTCOME.failed || code === OUTCOME.undelivered;
      const final = at(sent, rng.int(2, 40) * 1000);
      yield [
        rng.uuid(),
        rng.uuid(),
        c.id,
        null,
        person.phone,
        c.fromPhone,
        body,
        body.length,
        parts,
        STATUS_TEXT[code],
        TELNYX_STATUS[code],
        failed ? 0 : parts * rng.int(1, 3),
        failed ? (code === OUTCOME.failed ? rng.pick(ERRORS.slice(2)) : rng.pick(ERRORS.slice(0, 2))) : null,
        { campaign_name: c.event.eid, segment_count: parts },
        code === OUTCOME.failed ? null : sent,
        code === OUTCOME.delivered ? final : null,
        failed ? final : null,
        created,
        final < anchor ? final : created,
      ];
    }
  }
}

const OUTBOUND_COLUMNS = [
  "id",
  "telnyx_message_id",
  "campaign_id",
  "template_id",
  "to_phone",
  "from_phone",
  "message_body",
  "character_count",
  "message_parts",
  "status",
  "telnyx_status",
  "cost_cents",
  "error_message",
  "metadata",
  "sent_at",
  "delivered_at",
  "failed_at",
  "created_at",
  "updated_at",
] as const;

const CHATTER = [
  "Yes!",
  "What time do doors open?",
  "Is there parking nearby?",
  "Can I bring my kids?",
  "Thanks! Got my tickets",
  "Who are the artists this time?",
  "HELP",
  "Do you sell tickets at the door?",
  "See you there 🎨",
];
const STOPS = ["STOP", "Stop", "stop", "UNSUBSCRIBE", "STOP please", "Stop texting me"];

/** Replies that landed by the anchor, in time order. */
function landedReplies(plan: SmsPlan, anchor: Date) {
  return plan.replies
    .map((r) => ({ r, at: at(sendTime(r.campaign, r.recipient), r.delayMs) }))
    .filter((x) => x.at < anchor && x.r.recipient < sentCount(x.r.campaign, anchor))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export async function seedSms(ctx: SeedContext, index: WorldIndex): Promise<SmsPlan> {
  const plan = planSms(ctx, index);
  const rng = ctx.rng("commerce:sms");
  const templateIds = TEMPLATES.map(() => rng.uuid());
  await ctx.copy(
    "sms_marketing_templates",
    ["id", "name", "message_template", "variables", "category", "is_active", "created_at", "updated_at"],
    TEMPLATES.map(([name, category, text], i) => {
      const created = at(ctx.anchor, -(400 - i * 20) * DAY);
      return [
        templateIds[i],
        name,
        text,
        { city: "string", eid: "string", date: "string", link: "url" },
        category,
        i !== 3,
        created,
        created,
      ];
    }),
  );
  await ctx.copy(
    "sms_marketing_campaigns",
    [
      "id",
      "name",
      "description",
      "template_id",
      "status",
      "recipient_list",
      "total_recipients",
      "messages_sent",
      "messages_delivered",
      "messages_failed",
      "replies_received",
      "opt_outs",
      "scheduled_at",
      "started_at",
      "completed_at",
      "created_by",
      "metadata",
      "created_at",
      "updated_at",
      "targeting_criteria",
      "total_cost_cents",
      "event_id",
    ],
    campaignRows(rng, plan, index, ctx.anchor, templateIds),
  );
  await ctx.copy(
    "sms_outbound",
    OUTBOUND_COLUMNS,
    outboundRows(ctx.rng("commerce:sms-outbound"), plan, ctx.anchor),
  );
  const replies = landedReplies(plan, ctx.anchor);
  const inboundRng = ctx.rng("commerce:sms-inbound");
  await ctx.copy(
    "sms_inbound",
    [
      "id",
      "telnyx_message_id",
      "from_phone",
      "to_phone",
      "message_body",
      "character_count",
      "direction",
      "telnyx_data",
      "is_stop_request",
      "is_help_request",
      "auto_replied",
      "processed",
      "created_at",
    ],
    replies.map(({ r, at: when }) => {
      const body = r.stop ? inboundRng.pick(STOPS) : inboundRng.pick(CHATTER);
      const help = body === "HELP";
      return [
        inboundRng.uuid(),
        inboundRng.uuid(),
        r.campaign.recipients[r.recipient]?.phone ?? "",
        r.campaign.fromPhone,
        body,
        body.length,
        "inbound",
        {
          event_type: "message.received",
          carrier: inboundRng.pick(["Rogers", "Bell", "T-Mobile", "Verizon", "AT&T", "Telus"]),
        },
        r.stop,
        help,
        r.stop || help,
        when.getTime() < ctx.anchor.getTime() - 2 * HOUR || inboundRng.chance(0.5),
        when,
      ];
    }),
  );
  await seedOptouts(ctx, plan, replies);
  return plan;
}

async function seedOptouts(ctx: SeedContext, plan: SmsPlan, replies: ReturnType<typeof landedReplies>) {
  const rng = ctx.rng("commerce:sms-optouts");
  const seen = new Set<string>();
  const rows: CopyValue[][] = [];
  for (const prior of plan.priorOptouts) {
    seen.add(prior.phone);
    rows.push([
      rng.uuid(),
      prior.phone,
      prior.at,
      prior.source === "sms_reply" ? "STOP" : null,
      null,
      prior.source,
      rng.chance(0.97),
    ]);
  }
  for (const { r, at: when } of replies) {
    const phone = r.campaign.recipients[r.recipient]?.phone;
    if (!r.stop || !phone || seen.has(phone)) continue;
    seen.add(phone);
    rows.push([rng.uuid(), phone, at(when, rng.int(1, 20) * 1000), "STOP", r.campaign.id, "sms_reply", true]);
  }
  await ctx.copy(
    "sms_marketing_optouts",
    ["id", "phone_number", "opted_out_at", "opt_out_message", "campaign_id", "source", "is_active"],
    rows,
  );
}
