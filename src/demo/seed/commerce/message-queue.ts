import type { Rng } from "../random.ts";
import type { SeedContext, WorldArt, WorldEvent, WorldPerson } from "../world.ts";
import type { PaymentPlan } from "./payments.ts";
import { at, cityName, DAY, HOUR, MINUTE, money, pastWithin, upcoming, type WorldIndex } from "./shared.ts";
import { fill, type SmsPlan } from "./sms-plan.ts";

type Kind =
  | "bid_confirmation"
  | "outbid"
  | "auction_winner"
  | "auction_closing_soon"
  | "registration_confirmation"
  | "ticket_reminder"
  | "payment_setup_reminder";

const KINDS: readonly (readonly [Kind, number])[] = [
  ["bid_confirmation", 30],
  ["outbid", 24],
  ["auction_winner", 7],
  ["auction_closing_soon", 10],
  ["registration_confirmation", 20],
  ["ticket_reminder", 5],
  ["payment_setup_reminder", 4],
];

const FAILURES = [
  "Telnyx 40008: message undeliverable",
  "Invalid destination number",
  "SES MessageRejected: Email address is not verified",
  "Max retries (3) exceeded",
];

const COLUMNS = [
  "id",
  "channel",
  "destination",
  "from_phone",
  "message_body",
  "metadata",
  "status",
  "priority",
  "send_after",
  "send_immediately",
  "processing_started_at",
  "last_attempt_at",
  "retry_count",
  "sent_at",
  "error_message",
  "created_at",
  "person_id",
  "campaign_id",
] as const;

function text(
  kind: Kind,
  event: WorldEvent,
  art: WorldArt | undefined,
  city: string,
  amount: string,
): string {
  const code = art?.artCode ?? `${event.eid}-1-1`;
  switch (kind) {
    case "bid_confirmation":
      return `Your bid of ${amount} on ${code} is confirmed. We'll text you if you're outbid.`;
    case "outbid":
      return `You've been outbid on ${code}! Current bid ${amount}. Bid again: https://artb.art/b/${code}`;
    case "auction_winner":
      return `Congratulations! You won ${code} for ${amount}. Pay here: https://artb.art/pay/${code}`;
    case "auction_closing_soon":
      return `The auction for ${event.eid} closes in 10 minutes. Last chance: https://artb.art/e/${event.eid}`;
    case "registration_confirmation":
      return `Welcome to Art Battle ${city}! Your vote at ${event.eid} now counts double.`;
    case "ticket_reminder":
      return fill("Reminder: Art Battle {city} is on {date}. Doors at 7pm. {link}", event, city);
    case "payment_setup_reminder":
      return "Your Art Battle earnings are waiting. Set up your payment account: https://artists.example.org/payments";
  }
}

/** When a transactional message of this kind is created, relative to its event. */
function timing(rng: Rng, kind: Kind, event: WorldEvent): Date {
  switch (kind) {
    case "ticket_reminder":
      return at(event.startsAt, -rng.float(20, 30) * HOUR);
    case "registration_confirmation":
      return at(event.startsAt, rng.float(-0.5, 2) * HOUR);
    case "payment_setup_reminder":
      return at(event.endsAt, rng.float(3, 25) * DAY);
    default:
      return at(event.startsAt, rng.float(0.5, 3.5) * HOUR);
  }
}

function statusFor(rng: Rng, created: Date, anchor: Date): "pending" | "processing" | "sent" | "failed" {
  const age = anchor.getTime() - created.getTime();
  if (age < 0) return "pending";
  if (age < 2 * MINUTE) return rng.chance(0.5) ? "processing" : "pending";
  return rng.weighted([
    ["sent", 97],
    ["failed", 3],
  ] as const);
}

function* transactional(rng: Rng, ctx: SeedContext, index: WorldIndex, plan: PaymentPlan, count: number) {
  const events = [...pastWithin(index, 180), ...upcoming(index).slice(0, 6)];
  const artByEvent = new Map<string, WorldArt[]>();
  for (const art of index.world.art) {
    const list = artByEvent.get(art.eventId);
    if (list) list.push(art);
    else artByEvent.set(art.eventId, [art]);
  }
  const owed = [...plan.owedArtists].sort().map((id) => index.artistById.get(id));
  let written = 0;
  // Draws that land in the future or lack a contact are retried, up to a generous attempt budget.
  for (let n = 0; written < count && n < count * 3 && events.length > 0; n++) {
    let kind = rng.weighted(KINDS);
    const event = rng.pick(events);
    if (event.startsAt > ctx.anchor && kind !== "ticket_reminder" && kind !== "registration_confirmation") {
      kind = "ticket_reminder";
    }
    const sendAfter = timing(rng, kind, event);
    if (sendAfter > at(ctx.anchor, 2 * DAY)) continue;
    // Reminders for upcoming shows were queued earlier and wait for their send time.
    const created = sendAfter > ctx.anchor ? at(ctx.anchor, -rng.int(5, 600) * MINUTE) : sendAfter;
    const local = index.textableByCity.get(event.cityId ?? "") ?? index.textable;
    const person: WorldPerson | undefined = local.length > 0 ? rng.pick(local) : undefined;
    const artist = kind === "payment_setup_reminder" && owed.length > 0 ? rng.pick(owed) : undefined;
    const email = kind === "payment_setup_reminder" ? (artist?.email ?? person?.email) : null;
    const destination = email ?? person?.phone;
    if (!destination) continue;
    const art = rng.pick(artByEvent.get(event.id) ?? [undefined]);
    const amount = money(
      Math.max(5000, Math.round((Number(art?.currentBid ?? 50) + rng.int(0, 8) * 5) * 100)),
    );
    const status = statusFor(rng, sendAfter, ctx.anchor);
    const attempted = status === "pending" ? null : at(sendAfter, rng.int(1, 20) * 1000);
    written++;
    yield [
      rng.uuid(),
      email ? "email" : "sms",
      destination,
      email ? null : `+1416555${String(rng.int(100, 199)).padStart(4, "0")}`,
      text(kind, event, art, cityName(index, event), `$${amount}`),
      {
        type: kind,
        event_eid: event.eid,
        ...(email ? { subject: "Your Art Battle earnings are waiting" } : {}),
        ...(artist ? { artist_profile_id: artist.id } : {}),
        ...(attempted ? { pg_net_request_id: rng.int(100_000, 9_999_999) } : {}),
      },
      status,
      kind === "outbid" || kind === "auction_winner" ? 1 : 2,
      sendAfter,
      kind !== "ticket_reminder",
      attempted,
      attempted,
      status === "failed" ? 3 : 0,
      status === "sent" ? attempted : null,
      status === "failed" ? rng.pick(FAILURES) : null,
      created,
      artist ? artist.personId : (person?.id ?? null),
      null,
    ];
  }
}

/** Scheduled campaigns stage their messages here; campaign_id is set only on these rows. */
function* staged(rng: Rng, sms: SmsPlan) {
  for (const c of sms.campaigns) {
    if (c.status !== "scheduled" && c.status !== "queued") continue;
    for (const person of c.recipients) {
      if (!person.phone) continue;
      yield [
        rng.uuid(),
        "sms",
        person.phone,
        c.fromPhone,
        person.firstName ? `Hi ${person.firstName}! ${c.body}` : c.body,
        { type: "sms_campaign", campaign_name: c.event.eid, source: "sms-scheduled-campaigns-cron" },
        "pending",
        2,
        c.scheduledAt,
        false,
        null,
        null,
        0,
        null,
        null,
        c.createdAt,
        person.id,
        c.id,
      ];
    }
  }
}

export async function seedMessageQueue(
  ctx: SeedContext,
  index: WorldIndex,
  plan: PaymentPlan,
  sms: SmsPlan,
): Promise<void> {
  const stagedCount = sms.campaigns
    .filter((c) => c.status === "scheduled" || c.status === "queued")
    .reduce((sum, c) => sum + c.recipients.length, 0);
  const rows = function* () {
    yield* staged(ctx.rng("commerce:message-queue:staged"), sms);
    const count = Math.max(0, ctx.count(15_000) - stagedCount);
    yield* transactional(ctx.rng("commerce:message-queue"), ctx, index, plan, count);
  };
  await ctx.copy("message_queue", COLUMNS, rows());
}
