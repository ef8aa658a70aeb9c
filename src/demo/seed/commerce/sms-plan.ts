import { apportion } from "../allocate.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldEvent, WorldPerson } from "../world.ts";
import { at, cityName, DAY, fictionalPhone, HOUR, MINUTE, notAfter, type WorldIndex } from "./shared.ts";

/** Outcome codes per recipient, kept compact because campaigns reach tens of thousands. */
export const OUTCOME = { delivered: 0, sent: 1, failed: 2, undelivered: 3 } as const;
export type OutcomeCode = (typeof OUTCOME)[keyof typeof OUTCOME];

export const TEMPLATES = [
  [
    "Tickets on sale",
    "promotion",
    "Art Battle {city} is back! {eid} on {date}. 12 artists, 20 minutes, you vote. Tickets: {link} Reply STOP to opt out",
  ],
  [
    "Last chance",
    "promotion",
    "Last chance for Art Battle {city} tickets ({date}). Doors 7pm, live painting + auction. {link} Reply STOP to opt out",
  ],
  [
    "Sold-out warning",
    "promotion",
    "{city}: under 20 tickets left for {eid} on {date}! {link} Reply STOP to opt out",
  ],
  [
    "Artist call",
    "recruitment",
    "Painters of {city}: applications are open for {eid}. Apply in 2 minutes: {link} Reply STOP to opt out",
  ],
  ["Auction reminder", "auction", "The {eid} auction is open until 10pm. Bid on tonight's paintings: {link}"],
  [
    "Thank you",
    "follow_up",
    "Thanks for coming to Art Battle {city}! See the winning works and next dates: {link} Reply STOP to opt out",
  ],
] as const;

export interface CampaignPlan {
  id: string;
  event: WorldEvent;
  template: number;
  status: "completed" | "in_progress" | "scheduled" | "queued" | "draft" | "test" | "failed";
  createdAt: Date;
  scheduledAt: Date;
  fromPhone: string;
  body: string;
  recipients: WorldPerson[];
  outcomes: Uint8Array;
  /** Milliseconds between consecutive sends (Telnyx throughput). */
  stepMs: number;
}

export interface Reply {
  campaign: CampaignPlan;
  recipient: number;
  stop: boolean;
  delayMs: number;
}

export interface SmsPlan {
  campaigns: CampaignPlan[];
  replies: Reply[];
  /** Opt-outs that predate the campaigns (manual, API, legacy blocks): excluded from audiences. */
  priorOptouts: { phone: string; source: string; at: Date }[];
  /** Number every campaign sends from, per city id. */
  fromPhones: Map<string, string>;
}

const AREAS = ["416", "604", "206", "415", "312", "503", "617", "214", "613", "403"];

export function fill(text: string, event: WorldEvent, city: string): string {
  const date = event.startsAt.toISOString().slice(5, 10).replace("-", "/");
  return text
    .replaceAll("{city}", city)
    .replaceAll("{eid}", event.eid)
    .replaceAll("{date}", date)
    .replaceAll("{link}", `https://artb.art/e/${event.eid}`);
}

/**
 * Events that get campaigns: the next few upcoming shows (about a fifth of the campaigns, mostly
 * still scheduled) interleaved with past shows, newest first, so every scale has sent campaigns.
 */
function campaignEvents(ctx: SeedContext, index: WorldIndex, target: number): WorldEvent[] {
  const now = ctx.anchor.getTime();
  const withCity = index.eventsByStart.filter((e) => e.cityId);
  const past = withCity
    .filter((e) => e.startsAt.getTime() <= now && e.startsAt.getTime() >= now - 240 * DAY)
    .reverse();
  const ahead = withCity.filter((e) => e.startsAt.getTime() > now && e.startsAt.getTime() <= now + 60 * DAY);
  const upcomingShare = Math.max(1, Math.round(target * 0.12));
  const out: WorldEvent[] = [];
  for (let i = 0; past.length > 0 || ahead.length > 0; i++) {
    const wantUpcoming = i % 5 === 0 && i / 5 < upcomingShare;
    const event = (wantUpcoming ? ahead.shift() : past.shift()) ?? ahead.shift() ?? past.shift();
    if (event) out.push(event);
  }
  return out;
}

function chooseStatus(rng: Rng, scheduledAt: Date, anchor: Date): CampaignPlan["status"] {
  const ahead = scheduledAt.getTime() - anchor.getTime();
  if (ahead > 0)
    return ahead < 2 * DAY && rng.chance(0.4) ? "queued" : rng.chance(0.1) ? "draft" : "scheduled";
  if (ahead > -20 * MINUTE) return "in_progress";
  return rng.weighted([
    ["completed", 95],
    ["test", 3],
    ["failed", 2],
  ] as const);
}

function priorOptouts(
  ctx: SeedContext,
  index: WorldIndex,
  rng: Rng,
  target: number,
): SmsPlan["priorOptouts"] {
  const blocked = index.world.people.filter((p) => p.phone && p.messageBlocked > 0);
  const picked = [
    ...rng.sample(blocked, Math.ceil(target * 0.6)).map((p) => ({ p, source: "manual" })),
    ...rng.sample(index.textable, target).map((p) => ({ p, source: rng.chance(0.7) ? "sms_reply" : "api" })),
  ];
  const seen = new Set<string>();
  const out: SmsPlan["priorOptouts"] = [];
  for (const { p, source } of picked) {
    if (out.length >= target || !p.phone || seen.has(p.phone)) continue;
    seen.add(p.phone);
    out.push({
      phone: p.phone,
      source,
      at: at(ctx.anchor, -rng.int(250, 1500) * DAY - rng.int(0, 86_399) * 1000),
    });
  }
  return out;
}

/** Plan campaigns, audiences, per-recipient outcomes and replies, in send order. */
export function planSms(ctx: SeedContext, index: WorldIndex): SmsPlan {
  const rng = ctx.rng("commerce:sms:plan");
  const outboundBudget = ctx.count(60_000);
  const replyRate = 0.045;
  const stopShare = 0.35;
  const prior = priorOptouts(
    ctx,
    index,
    rng,
    Math.max(0, ctx.count(2_500) - Math.round(outboundBudget * replyRate * stopShare)),
  );
  const optedOut = new Set(prior.map((o) => o.phone));
  const fromPhones = new Map<string, string>();
  for (const [i, c] of index.world.cities.entries()) {
    fromPhones.set(c.id, fictionalPhone(AREAS[i % AREAS.length] ?? "416", i));
  }

  const target = ctx.count(150, 3);
  const drafts: Omit<CampaignPlan, "recipients" | "outcomes" | "stepMs">[] = [];
  for (const event of campaignEvents(ctx, index, target)) {
    if (drafts.length >= target) break;
    const city = cityName(index, event);
    const kinds = rng.chance(0.6) ? [0, 1] : [rng.pick([0, 2, 3, 5])];
    for (const template of kinds) {
      const lead = template === 5 ? -1.5 : template === 1 ? rng.float(1, 3) : rng.float(12, 28);
      const scheduledAt = at(event.startsAt, -lead * DAY + rng.int(-120, 120) * MINUTE);
      const [, , text] = TEMPLATES[template] ?? TEMPLATES[0];
      drafts.push({
        id: rng.uuid(),
        event,
        template,
        status: chooseStatus(rng, scheduledAt, ctx.anchor),
        createdAt: notAfter(at(scheduledAt, -rng.int(2, 120) * HOUR), ctx.anchor),
        scheduledAt,
        fromPhone: fromPhones.get(event.cityId ?? "") ?? fictionalPhone("416", 0),
        body: fill(text, event, city),
      });
    }
  }
  drafts.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime() || a.id.localeCompare(b.id));

  const sending = drafts.filter((d) => ["completed", "in_progress", "failed"].includes(d.status));
  const audience = (d: (typeof drafts)[number]) =>
    index.textableByCity.get(d.event.cityId ?? "")?.length ?? 0;
  const allocation = apportion(
    outboundBudget,
    sending.map((d) => Math.sqrt(audience(d))),
  );
  // The most recent completed campaign hit a carrier outage: the health tools should find it.
  const outage = sending.filter((d) => d.status === "completed").at(-1);
  const campaigns: CampaignPlan[] = [];
  const replies: Reply[] = [];
  for (const draft of drafts) {
    const people = (index.textableByCity.get(draft.event.cityId ?? "") ?? []).filter(
      (p) => p.phone && !optedOut.has(p.phone),
    );
    const sendIndex = sending.indexOf(draft);
    const wanted =
      sendIndex >= 0
        ? (allocation[sendIndex] ?? 0)
        : draft.status === "scheduled" || draft.status === "queued"
          ? ctx.count(300, 20)
          : 0;
    const recipients = rng.sample(people, draft.status === "failed" ? Math.min(wanted, 40) : wanted);
    const outcomes = new Uint8Array(recipients.length);
    const bad = draft === outage ? 0.18 : 0.035;
    const campaign: CampaignPlan = { ...draft, recipients, outcomes, stepMs: rng.int(120, 450) };
    recipients.forEach((person, i) => {
      const roll = rng.next();
      outcomes[i] =
        roll < bad * 0.6
          ? OUTCOME.failed
          : roll < bad
            ? OUTCOME.undelivered
            : roll < bad + 0.03
              ? OUTCOME.sent
              : OUTCOME.delivered;
      if (sendIndex < 0 || outcomes[i] === OUTCOME.failed || outcomes[i] === OUTCOME.undelivered) return;
      if (!rng.chance(replyRate)) return;
      const stop = rng.chance(stopShare);
      replies.push({
        campaign,
        recipient: i,
        stop,
        delayMs: rng.chance(0.8) ? rng.int(1, 120) * MINUTE : rng.int(2, 48) * HOUR,
      });
      if (stop && person.phone) optedOut.add(person.phone);
    });
    campaigns.push(campaign);
  }
  return { campaigns, replies, priorOptouts: prior, fromPhones };
}
