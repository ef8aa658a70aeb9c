import { z } from "zod";
import { defineTool, eid, notFound } from "../../catalog/index.ts";
import { iso, localTime, money, ROLES_OPS_EP_VIEWER, whenLocal } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

/**
 * The settings an operator checks or changes before and during a show, grouped by purpose.
 * Deliberately left out (the original returned every column, SELECT *): free text (description,
 * flyer, sponsor and auction notices, registration message), the producer revenue entries
 * (food/beverage, other, producer tickets — financial, not configuration), legacy guest-link flags
 * that nothing reads, Mongo ids, and the event's contact e-mail and phone number.
 */
export interface EventConfig {
  eid: string;
  name: string;
  event_level: string | null;
  schedule: {
    starts_at: string | null;
    ends_at: string | null;
    local_start: string | null;
    local_end: string | null;
    timezone: string | null;
    /** Local wall-clock times, "HH:MM:SS". */
    door_time: string | null;
    paint_time: string | null;
    showtime: string | null;
    expected_number_of_rounds: number | null;
    current_round: number | null;
  };
  place: { city: string | null; country: string | null; venue: string | null; capacity: number | null };
  publication: { enabled: boolean; show_in_app: boolean; applications_open: boolean | null };
  ticketing: {
    eventbrite_id: string | null;
    ticket_link: string | null;
    price_text: string | null;
    ticket_price_notes: string | null;
    tax_percent: string | null;
  };
  auction: {
    enable_auction: boolean | null;
    /** Currency of every amount in this section and of the event's sales. */
    currency: string | null;
    auction_start_bid: string | null;
    min_bid_increment: string | null;
    auction_close_starts_at: string | null;
    auction_close_round_delay_minutes: number | null;
    admin_control_in_auction: boolean | null;
    /** Share of each sale owed to the artist (0.00 charity … 1.00). */
    artist_auction_portion: string;
    stripe_account_region: string | null;
  };
  voting: { vote_by_link: boolean | null; register_at_sms_vote: boolean | null };
  planning: {
    target_artists_booked: number | null;
    wildcard_expected: boolean | null;
    /** In the event's currency. */
    meta_ads_budget: string | null;
    other_ads_budget: string | null;
    advances_to_event_eid: string | null;
    winner_prize: string | null;
    winner_prize_currency: string | null;
    event_info_approved_by: string | null;
    event_info_approved_at: string | null;
    slack_channel: string | null;
  };
  updated_at: string | null;
}

interface ConfigRow {
  eid: string;
  name: string;
  event_level: string | null;
  event_start_datetime: Date | null;
  event_end_datetime: Date | null;
  timezone: string | null;
  door_time: string | null;
  paint_time: string | null;
  showtime: string | null;
  expected_number_of_rounds: number | null;
  current_round: number | null;
  city: string | null;
  country: string | null;
  venue: string | null;
  capacity: number | null;
  enabled: boolean | null;
  show_in_app: boolean | null;
  applications_open: boolean | null;
  eventbrite_id: string | null;
  ticket_link: string | null;
  price: string | null;
  ticket_price_notes: string | null;
  tax: string | null;
  enable_auction: boolean | null;
  currency: string | null;
  auction_start_bid: string | null;
  min_bid_increment: string | null;
  auction_close_starts_at: Date | null;
  auction_close_round_delay: number | null;
  admin_control_in_auction: boolean | null;
  artist_auction_portion: string;
  stripe_account_region: string | null;
  vote_by_link: boolean | null;
  register_at_sms_vote: boolean | null;
  target_artists_booked: number | null;
  wildcard_expected: boolean | null;
  meta_ads_budget: string | null;
  other_ads_budget: string | null;
  advances_to_event_eid: string | null;
  winner_prize: string | null;
  winner_prize_currency: string | null;
  event_info_approved_by: string | null;
  event_info_approved_at: Date | null;
  slack_channel: string | null;
  updated_at: Date | null;
}

export const getEventConfig = defineTool({
  name: "get_event_config",
  domain: "data-read",
  title: "Event configuration",
  description:
    "The configuration of one event, grouped: schedule (UTC and local start/end, door/paint/show times, rounds), " +
    "place (city, country, venue, capacity), publication flags (enabled, show_in_app, applications_open), " +
    "ticketing (Eventbrite id, ticket link, price text, tax %), auction settings (currency, start bid, minimum " +
    "increment, closing schedule, artist share of sales, Stripe region), voting flags and planning fields (artist " +
    "target, ad budgets, prize, advancement). Use it to answer 'how is ABxxxx set up?'. It omits free-text copy, " +
    "producer revenue entries, legacy flags and contact details; for why an event is not visible use " +
    "debug_event_visibility, for a rule-based check use run_event_health_check.",
  input,
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(args, { sql }): Promise<EventConfig> {
    const [r] = await sql<ConfigRow[]>`
      select e.eid, e.name, e.event_level::text as event_level, e.event_start_datetime, e.event_end_datetime,
             nullif(e.timezone_icann, '') as timezone, e.door_time::text as door_time,
             e.paint_time::text as paint_time, e.showtime::text as showtime, e.expected_number_of_rounds,
             e.current_round, c.name as city, co.name as country, coalesce(v.name, nullif(e.venue, '')) as venue,
             e.capacity, e.enabled, e.show_in_app, e.applications_open, nullif(e.eventbrite_id, '') as eventbrite_id,
             e.ticket_link, e.price, e.ticket_price_notes, e.tax, e.enable_auction, e.currency,
             e.auction_start_bid, e.min_bid_increment, e.auction_close_starts_at, e.auction_close_round_delay,
             e.admin_control_in_auction, e.artist_auction_portion, e.stripe_account_region, e.vote_by_link,
             e.register_at_sms_vote, e.target_artists_booked, e.wildcard_expected, e.meta_ads_budget,
             e.other_ads_budget, e.advances_to_event_eid, e.winner_prize, e.winner_prize_currency,
             e.event_info_approved_by, e.event_info_approved_at, e.slack_channel, e.updated_at
      from events e
      left join cities c on c.id = e.city_id
      left join countries co on co.id = coalesce(c.country_id, e.country_id)
      left join venues v on v.id = e.venue_id
      where e.eid = ${args.eid}`;
    if (!r) throw notFound(`No event ${args.eid}`);
    return toConfig(r);
  },
  format(c) {
    const a = c.auction;
    return [
      `${c.eid} ${c.name} (${c.event_level ?? "REGULAR"})`,
      `When: ${whenLocal(c.schedule.local_start, c.schedule.timezone, c.schedule.starts_at)}; doors ${c.schedule.door_time ?? "?"}, ` +
        `paint ${c.schedule.paint_time ?? "?"}, show ${c.schedule.showtime ?? "?"}; ` +
        `rounds expected ${c.schedule.expected_number_of_rounds ?? "?"}, current ${c.schedule.current_round ?? 0}`,
      `Where: ${c.place.venue ?? "no venue"}, ${c.place.city ?? "no city"}, ${c.place.country ?? "?"}; capacity ${c.place.capacity ?? "not set"}`,
      `Published: enabled ${c.publication.enabled}, show_in_app ${c.publication.show_in_app}, ` +
        `applications_open ${c.publication.applications_open ?? "?"}`,
      `Tickets: Eventbrite ${c.ticketing.eventbrite_id ?? "not linked"}, link ${c.ticketing.ticket_link ?? "none"}, ` +
        `tax ${c.ticketing.tax_percent ?? "?"}%`,
      `Auction: ${a.enable_auction === false ? "off" : "on"}, start bid ${money(a.auction_start_bid, a.currency)}, ` +
        `increment ${money(a.min_bid_increment, a.currency)}, closes from ${a.auction_close_starts_at ?? "not scheduled"} ` +
        `(${a.auction_close_round_delay_minutes ?? "?"} min between rounds), artist share ${a.artist_auction_portion}, ` +
        `Stripe region ${a.stripe_account_region ?? "?"}`,
      `Planning: target artists ${c.planning.target_artists_booked ?? "?"}, Meta ads ${money(c.planning.meta_ads_budget, a.currency)}, ` +
        `advances to ${c.planning.advances_to_event_eid ?? "none"}`,
    ].join("\n");
  },
});

function toConfig(r: ConfigRow): EventConfig {
  return {
    eid: r.eid,
    name: r.name,
    event_level: r.event_level,
    schedule: {
      starts_at: iso(r.event_start_datetime),
      ends_at: iso(r.event_end_datetime),
      local_start: localTime(r.event_start_datetime, r.timezone),
      local_end: localTime(r.event_end_datetime, r.timezone),
      timezone: r.timezone,
      door_time: r.door_time,
      paint_time: r.paint_time,
      showtime: r.showtime,
      expected_number_of_rounds: r.expected_number_of_rounds,
      current_round: r.current_round,
    },
    place: { city: r.city, country: r.country, venue: r.venue, capacity: r.capacity },
    publication: {
      enabled: r.enabled === true,
      show_in_app: r.show_in_app === true,
      applications_open: r.applications_open,
    },
    ticketing: {
      eventbrite_id: r.eventbrite_id,
      ticket_link: r.ticket_link,
      price_text: r.price,
      ticket_price_notes: r.ticket_price_notes,
      tax_percent: r.tax,
    },
    auction: {
      enable_auction: r.enable_auction,
      currency: r.currency,
      auction_start_bid: r.auction_start_bid,
      min_bid_increment: r.min_bid_increment,
      auction_close_starts_at: iso(r.auction_close_starts_at),
      auction_close_round_delay_minutes: r.auction_close_round_delay,
      admin_control_in_auction: r.admin_control_in_auction,
      artist_auction_portion: r.artist_auction_portion,
      stripe_account_region: r.stripe_account_region,
    },
    voting: { vote_by_link: r.vote_by_link, register_at_sms_vote: r.register_at_sms_vote },
    planning: {
      target_artists_booked: r.target_artists_booked,
      wildcard_expected: r.wildcard_expected,
      meta_ads_budget: r.meta_ads_budget,
      other_ads_budget: r.other_ads_budget,
      advances_to_event_eid: r.advances_to_event_eid,
      winner_prize: r.winner_prize,
      winner_prize_currency: r.winner_prize_currency,
      event_info_approved_by: r.event_info_approved_by,
      event_info_approved_at: iso(r.event_info_approved_at),
      slack_channel: r.slack_channel,
    },
    updated_at: iso(r.updated_at),
  };
}
