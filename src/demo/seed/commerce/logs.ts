import type { CopyValue } from "../copy.ts";
import type { Rng } from "../random.ts";
import type { SeedContext, WorldEvent } from "../world.ts";
import type { Earning } from "./earnings.ts";
import { unitsToCents } from "./earnings.ts";
import {
  at,
  cityName,
  DAY,
  HOUR,
  MINUTE,
  money,
  notAfter,
  pastWithin,
  STAFF,
  type WorldIndex,
} from "./shared.ts";

type EmailKind = "invite" | "confirmed" | "setup" | "paid" | "admin" | "receipt";

const EMAIL_KINDS: readonly (readonly [EmailKind, number])[] = [
  ["invite", 38],
  ["confirmed", 20],
  ["setup", 10],
  ["paid", 7],
  ["admin", 2],
  ["receipt", 23],
];

const EMAIL_ERRORS = [
  "MessageRejected: Email address is not verified",
  "Throttling: Maximum sending rate exceeded",
  "InvalidParameterValue: Missing final '@domain'",
  "MailFromDomainNotVerified: sender domain is not verified",
];

function subject(kind: EmailKind, event: WorldEvent, city: string): string {
  switch (kind) {
    case "invite":
      return `You're Invited! ${event.eid} ${city}`;
    case "confirmed":
      return `Confirmed: ${event.eid} ${city}`;
    case "setup":
      return "Action needed: set up your Art Battle payment account";
    case "paid":
      return `Your Art Battle payment for ${event.eid} is on its way`;
    case "admin":
      return "You've been invited to Art Battle Admin";
    case "receipt":
      return `Your Art Battle receipt – ${event.eid} ${city}`;
  }
}

/** Age of a log row: skewed towards the anchor, because logs are pruned and seasons ramp up. */
function age(rng: Rng, days: number): number {
  return days * DAY * rng.next() ** 1.3;
}

function* emailRows(rng: Rng, ctx: SeedContext, index: WorldIndex) {
  const events = pastWithin(index, 200).concat(
    index.eventsByStart.filter((e) => e.startsAt > ctx.anchor).slice(0, 10),
  );
  const artists = index.world.artists.filter((a) => a.email);
  const total = ctx.count(8_000);
  const forcedFailures = Math.min(8, Math.max(2, Math.round(total / 1000)));
  for (let n = 0; n < total && events.length > 0; n++) {
    const kind = rng.weighted(EMAIL_KINDS);
    const event = rng.pick(events);
    const toArtist = kind !== "receipt" && kind !== "admin";
    const pool = toArtist && artists.length > 0 ? artists : index.emailable;
    const recipient = pool.length > 0 ? (rng.pick<{ email: string | null }>(pool).email ?? null) : null;
    // The last few rows are recent failures so the email health check has something to report.
    const forced = n >= total - forcedFailures;
    const sentAt = forced ? at(ctx.anchor, -rng.int(10, 11 * 60) * MINUTE) : at(ctx.anchor, -age(rng, 180));
    const failed = forced || rng.chance(0.03);
    const sender =
      kind === "setup" || kind === "paid"
        ? STAFF.payments
        : kind === "invite" || kind === "confirmed"
          ? STAFF.artists
          : STAFF.hello;
    yield [
      rng.uuid(),
      recipient,
      sender,
      subject(kind, event, cityName(index, event)),
      failed ? "failed" : "sent",
      kind === "admin" ? "admin_invite" : "aws_ses_api",
      failed ? rng.pick(EMAIL_ERRORS) : null,
      sentAt,
      (kind === "invite" || kind === "confirmed") && rng.chance(0.3) ? event.id : null,
      at(sentAt, rng.int(0, 900)),
    ];
  }
}

export async function seedEmailLogs(ctx: SeedContext, index: WorldIndex): Promise<void> {
  await ctx.copy(
    "email_logs",
    [
      "id",
      "recipient",
      "sender",
      "subject",
      "status",
      "method",
      "error_message",
      "sent_at",
      "event_id",
      "created_at",
    ],
    emailRows(ctx.rng("commerce:email-logs"), ctx, index),
  );
}

const CHANNELS = [
  ["C04PAYMENTS1", "#ab-payments"],
  ["C04ARTISTS01", "#artist-applications"],
  ["C04LIVEAUCT1", "#live-auction"],
  ["C04PRODUCERS", "#producers"],
  ["C04OPSALERTS", "#ops-alerts"],
] as const;

const SLACK_TYPES = [
  ["lead_change", 30],
  ["auction_closing_soon", 20],
  ["artist_application", 22],
  ["profile_update", 14],
  ["general", 12],
  ["test", 2],
] as const;

const SLACK_ERRORS = ["channel_not_found", "not_in_channel", "rate_limited", "invalid_blocks", "is_archived"];

function* slackRows(rng: Rng, ctx: SeedContext, index: WorldIndex) {
  const events = pastWithin(index, 150);
  const total = ctx.count(4_000);
  const forcedFailures = Math.min(6, Math.max(2, Math.round(total / 700)));
  for (let n = 0; n < total && events.length > 0; n++) {
    const type = rng.weighted(SLACK_TYPES);
    const event = rng.pick(events);
    const live = type === "lead_change" || type === "auction_closing_soon";
    const forced = n >= total - forcedFailures;
    let created = live ? at(event.startsAt, rng.float(0.3, 3.5) * HOUR) : at(ctx.anchor, -age(rng, 150));
    if (forced) created = at(ctx.anchor, -rng.int(15, 20 * 60) * MINUTE);
    const recent = ctx.anchor.getTime() - created.getTime() < 30 * MINUTE;
    const status = forced
      ? "failed"
      : recent
        ? "pending"
        : rng.weighted([
            ["sent", 955],
            ["failed", 20],
            ["pending_lookup", 25],
          ] as const);
    const [channelId, channelName] =
      type === "lead_change" || type === "auction_closing_soon"
        ? CHANNELS[2]
        : type === "artist_application" || type === "profile_update"
          ? CHANNELS[1]
          : rng.pick(CHANNELS);
    const city = cityName(index, event);
    const textByType: Record<string, string> = {
      lead_change: `New leader on ${event.eid}-${rng.int(1, 3)}-${rng.int(1, 8)}: $${rng.int(6, 60) * 5}`,
      auction_closing_soon: `${event.eid} ${city}: auction closes in 5 minutes`,
      artist_application: `New artist application for ${event.eid} (${city})`,
      profile_update: `Artist #${rng.int(310_000, 312_000)} updated their profile`,
      general: `${event.eid} ${city}: event settings changed`,
      test: "Test notification from admin",
    };
    const attempts =
      status === "failed"
        ? 3
        : status === "sent"
          ? rng.weighted([
              [1, 95],
              [2, 5],
            ] as const)
          : 0;
    const last = attempts > 0 ? at(created, rng.int(20, 90) * 1000) : null;
    yield [
      rng.uuid(),
      live || type === "artist_application" ? event.id : null,
      status === "pending_lookup" ? null : channelId,
      type,
      {
        text: textByType[type] ?? "Notification",
        ...(status === "pending_lookup"
          ? { channel_name: `ab-${city.toLowerCase().replace(/[^a-z]+/g, "-")}` }
          : { channel: channelName }),
        event_eid: event.eid,
      },
      status,
      attempts,
      last,
      status === "sent" ? last : null,
      status === "failed" ? rng.pick(SLACK_ERRORS) : null,
      created,
    ];
  }
}

export async function seedSlackNotifications(ctx: SeedContext, index: WorldIndex): Promise<void> {
  await ctx.copy(
    "slack_notifications",
    [
      "id",
      "event_id",
      "channel_id",
      "message_type",
      "payload",
      "status",
      "attempts",
      "last_attempt_at",
      "sent_at",
      "error",
      "created_at",
    ],
    slackRows(ctx.rng("commerce:slack"), ctx, index),
  );
}

/** Post-event artist payment emails awaiting review, for shows of the last 60 days. */
export async function seedPaymentEmailQueue(
  ctx: SeedContext,
  index: WorldIndex,
  earnings: readonly Earning[],
): Promise<void> {
  const rng = ctx.rng("commerce:payment-email-queue");
  const recent = new Set(pastWithin(index, 60).map((e) => e.id));
  const rows: CopyValue[][] = [];
  for (const earning of earnings) {
    for (const share of earning.events) {
      if (!recent.has(share.event.id)) continue;
      const artist = index.artistById.get(earning.artistId);
      const daysAgo = (ctx.anchor.getTime() - share.event.startsAt.getTime()) / DAY;
      const status =
        daysAgo > 21
          ? rng.chance(0.95)
            ? "sent"
            : "failed"
          : rng.pick(["draft", "ready_for_review", "approved"] as const);
      const created = at(share.event.endsAt, rng.int(2, 36) * HOUR);
      if (created > ctx.anchor) continue;
      rows.push([
        rng.uuid(),
        share.event.id,
        earning.artistId,
        "payment_notification",
        status,
        artist?.email ?? null,
        {
          amount: money(unitsToCents(share.units)),
          currency: earning.currency,
          art_codes: share.arts.map((a) => a.artCode),
        },
        status === "failed" ? "Recipient address bounced" : null,
        status === "approved" || status === "sent" ? rng.pick(STAFF.admins) : null,
        status === "approved" || status === "sent"
          ? notAfter(at(created, rng.int(1, 48) * HOUR), ctx.anchor)
          : null,
        status === "sent" ? notAfter(at(created, rng.int(49, 96) * HOUR), ctx.anchor) : null,
        created,
        created,
      ]);
    }
  }
  await ctx.copy(
    "artist_payment_email_queue",
    [
      "id",
      "event_id",
      "artist_profile_id",
      "email_type",
      "status",
      "recipient_email",
      "email_data",
      "error_message",
      "approved_by",
      "approved_at",
      "sent_at",
      "created_at",
      "updated_at",
    ],
    rows,
  );
}
