import type { Rng } from "../random.ts";
import type { SeedContext } from "../world.ts";
import { slug } from "./contacts.ts";
import { type EventRec, localAmount } from "./events.ts";
import { at, calendar, DAY, HOUR, MINUTE, milestone, wallClock } from "./time.ts";

/** Producer addresses (reserved example domain only). */
export const PRODUCERS = [
  "maya.producer@example.org",
  "jordan.ops@example.org",
  "alex.events@example.org",
  "sam.finance@example.org",
] as const;

const COLUMNS = [
  "id",
  "eid",
  "name",
  "description",
  "venue",
  "venue_id",
  "city_id",
  "country_id",
  "event_start_datetime",
  "event_end_datetime",
  "timezone_icann",
  "timezone_id",
  "timezone_offset",
  "enabled",
  "show_in_app",
  "current_round",
  "capacity",
  "currency",
  "tax",
  "eventbrite_id",
  "ticket_link",
  "price",
  "ticket_price_notes",
  "slack_channel",
  "phone_number",
  "enable_auction",
  "auction_start_bid",
  "min_bid_increment",
  "auction_close_starts_at",
  "auction_close_round_delay",
  "admin_control_in_auction",
  "artist_auction_portion",
  "stripe_account_region",
  "applications_open",
  "vote_by_link",
  "register_at_sms_vote",
  "send_link_to_guests",
  "email_registration",
  "send_auction_link_to_guests",
  "video_stream",
  "live_stream",
  "art_width_height",
  "meta_ads_budget",
  "other_ads_budget",
  "event_folder_link",
  "event_info_approved_by",
  "event_info_approved_at",
  "target_artists_booked",
  "wildcard_expected",
  "expected_number_of_rounds",
  "food_beverage_revenue",
  "food_beverage_currency",
  "food_beverage_updated_by",
  "food_beverage_updated_at",
  "other_revenue",
  "other_revenue_currency",
  "other_revenue_updated_by",
  "other_revenue_updated_at",
  "producer_tickets_sold",
  "producer_tickets_currency",
  "producer_tickets_updated_by",
  "producer_tickets_updated_at",
  "advances_to_event_id",
  "advances_to_event_eid",
  "flyer_details",
  "door_time",
  "paint_time",
  "showtime",
  "event_level",
  "winner_prize",
  "winner_prize_currency",
  "other_prizes",
  "mongo_id",
  "created_at",
  "updated_at",
] as const;

function clock(zone: string, instant: Date): string {
  const w = wallClock(zone, instant);
  return `${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
}

interface Eras {
  anchor: number;
  legacy: Date;
  y2023: Date;
  y2025: Date;
  planning: Date;
  producer: Date;
}

/** Producer-entered revenue (F&B, other, producer-sold tickets) on some recent finished shows. */
function revenue(rng: Rng, e: EventRec, eras: Eras, chance: number, usdMin: number, usdMax: number) {
  if (e.phase !== "past" || e.startsAt < eras.planning || !rng.chance(chance)) return [0, "USD", null, null];
  const when = new Date(Math.min(eras.anchor - HOUR, e.endsAt.getTime() + rng.int(1, 5) * DAY));
  const amount = localAmount(usdMin + rng.next() * (usdMax - usdMin), e.currency, 5);
  return [amount, e.currency, rng.pick(PRODUCERS), when];
}

function prize(rng: Rng, e: EventRec, eras: Eras): [number | null, string | null, string | null] {
  if (e.level === "CHAMPION_CITY" || e.level === "CHAMPION_NATIONAL") {
    const usd = e.level === "CHAMPION_NATIONAL" ? 2500 : 1000;
    return [localAmount(usd, e.currency), e.currency, "Finalists advance to the next championship round"];
  }
  if (e.startsAt >= eras.y2025 && rng.chance(0.3))
    return [localAmount(rng.pick([250, 500]), e.currency), e.currency, null];
  return [null, null, null];
}

function row(rng: Rng, e: EventRec, eras: Eras) {
  const played = e.phase !== "upcoming";
  const legacy = e.startsAt < eras.legacy;
  const planned = e.startsAt >= eras.planning || e.phase === "upcoming";
  const producerEra = e.startsAt >= eras.producer || e.phase === "upcoming";
  const npa = e.city?.spec.npa[0];
  const approved = planned && e.enabled ? rng.pick(PRODUCERS) : null;
  const [winnerPrize, prizeCurrency, otherPrizes] = prize(rng, e, eras);
  const updated =
    e.phase === "past"
      ? e.endsAt.getTime() + rng.int(1, 20) * DAY
      : e.createdAt.getTime() + rng.int(1, 20) * DAY;
  return [
    e.id,
    e.eid,
    e.name,
    e.startsAt >= eras.y2023
      ? `Live competitive painting in ${e.city?.name ?? "the online arena"}: three rounds, audience vote and silent auction.`
      : "",
    e.venue?.name ?? "",
    e.venueId,
    e.cityId,
    e.countryId,
    e.startsAt,
    e.endsAt,
    e.timezone,
    e.timezoneId,
    e.timezoneOffset,
    e.enabled,
    e.showInApp,
    e.currentRound,
    e.capacity,
    e.currency,
    e.tax,
    e.eventbriteId,
    e.eventbriteId ? `https://www.eventbrite.com/e/${e.eventbriteId}` : null,
    legacy ? `$${rng.int(20, 40)}` : null,
    e.startsAt >= eras.y2025 && rng.chance(0.3) ? "Early bird pricing until one week before the show." : null,
    e.startsAt >= eras.y2023 && e.city ? `#ab-${slug(e.city.name)}` : null,
    npa ? `+1${npa}55501${String(e.index % 100).padStart(2, "0")}` : null,
    e.city !== null,
    e.auctionStartBid,
    e.minBidIncrement,
    played && e.closingEra ? at(e.startsAt, 165 * MINUTE) : null,
    e.closingEra ? 5 : null,
    false,
    e.artistAuctionPortion,
    e.countryCode === "CA" ? "canada" : "international",
    e.phase === "upcoming",
    legacy && rng.chance(0.5),
    legacy && rng.chance(0.6),
    legacy && rng.chance(0.3),
    legacy && rng.chance(0.4),
    legacy && rng.chance(0.3),
    e.city ? null : `https://stream.example.com/${e.eid}`,
    e.city ? null : `https://live.example.com/${e.eid}`,
    e.startsAt < eras.y2023 ? "16x20" : "18x24",
    e.metaAdsBudget,
    e.metaAdsBudget && rng.chance(0.2) ? `${localAmount(100 + rng.next() * 400, e.currency, 25)}.00` : null,
    planned ? `https://drive.example.com/events/${e.eid}` : null,
    approved,
    approved ? new Date(Math.min(eras.anchor - HOUR, e.createdAt.getTime() + rng.int(2, 20) * DAY)) : null,
    planned ? rng.int(12, 20) : null,
    planned && rng.chance(0.1),
    planned || e.startsAt >= eras.y2025 ? 3 : null,
    ...revenue(rng, e, eras, 0.4, 500, 4000),
    ...revenue(rng, e, eras, 0.15, 100, 1500),
    ...revenue(rng, e, eras, 0.2, 200, 2000),
    e.advancesTo?.id ?? null,
    e.advancesTo?.eid ?? null,
    producerEra
      ? `${e.city?.name ?? "Online"} — doors ${clock(e.timezone, at(e.startsAt, -30 * MINUTE))}, live painting and auction.`
      : null,
    producerEra ? clock(e.timezone, at(e.startsAt, -30 * MINUTE)) : null,
    producerEra ? clock(e.timezone, at(e.startsAt, 30 * MINUTE)) : null,
    producerEra ? clock(e.timezone, e.startsAt) : null,
    e.level,
    winnerPrize,
    prizeCurrency,
    otherPrizes,
    legacy ? rng.code(24, "0123456789abcdef") : null,
    e.createdAt,
    new Date(Math.max(e.createdAt.getTime(), Math.min(eras.anchor - HOUR, updated))),
  ];
}

export async function writeEvents(ctx: SeedContext, events: readonly EventRec[]): Promise<void> {
  const rng = ctx.rng("core:write:events");
  const eras: Eras = {
    anchor: ctx.anchor.getTime(),
    legacy: calendar(ctx.anchor, "2021-01-01"),
    y2023: calendar(ctx.anchor, "2023-01-01"),
    y2025: calendar(ctx.anchor, "2025-01-01"),
    planning: milestone(ctx.anchor, "venueIds"),
    producer: milestone(ctx.anchor, "producerFields"),
  };
  await ctx.copy(
    "events",
    COLUMNS,
    events.map((e) => row(rng, e, eras)),
  );
}
