-- Events (artbattle-schema.md §3.2). Production has about 80 columns and no CREATE TABLE; every
-- column the tools or platform functions read is here with its production type. Legacy D-only
-- flags that nothing reads any more are kept where cheap, so `SELECT *` (get_event_config) looks
-- like production's.

create table events (
  id uuid primary key default gen_random_uuid(),
  eid varchar(50) not null,
  name text not null,
  description text default '',
  -- Legacy free-text venue name; venue_id arrived in Oct 2025, so older events often lack it.
  venue text default '',
  venue_id uuid references venues(id) on delete set null,
  -- NULL for the 2019–20 online-era events.
  city_id uuid references cities(id),
  country_id uuid references countries(id),
  event_start_datetime timestamptz,
  event_end_datetime timestamptz,
  timezone_icann varchar(50),
  timezone_id uuid references timezones(id),
  timezone_offset varchar(10),
  enabled boolean default false,
  show_in_app boolean default false,
  current_round integer default 0,
  capacity integer default 200,
  currency varchar(3) default 'USD',
  tax numeric,
  eventbrite_id varchar(255),
  ticket_link text,
  price varchar(50),
  ticket_price_notes text,
  slack_channel varchar(100),
  phone_number varchar(20),
  email varchar(255),
  enable_auction boolean default true,
  auction_start_bid numeric default 50,
  min_bid_increment numeric default 5,
  auction_close_starts_at timestamptz,
  auction_close_round_delay integer,
  admin_control_in_auction boolean,
  auction_description text,
  auction_notice text,
  artist_auction_portion numeric(3, 2) not null default 0.5
    constraint events_artist_auction_portion_check check (artist_auction_portion >= 0.00 and artist_auction_portion <= 1.00),
  stripe_account_region text default 'international'
    constraint events_stripe_account_region_check check (stripe_account_region in ('canada', 'international')),
  applications_open boolean default true,
  vote_by_link boolean default false,
  register_at_sms_vote boolean default false,
  send_link_to_guests boolean default false,
  email_registration boolean default false,
  send_auction_link_to_guests boolean default false,
  video_stream text,
  live_stream text,
  sponsor_text text,
  sponsor_logo_id uuid,
  art_width_height varchar(50),
  registration_confirmation_message text,
  meta_ads_budget numeric(10, 2),
  other_ads_budget numeric(10, 2),
  event_folder_link text,
  event_info_approved_by text,
  event_info_approved_at timestamptz,
  target_artists_booked integer,
  wildcard_expected boolean default false,
  expected_number_of_rounds integer,
  food_beverage_revenue numeric(10, 2) default 0,
  food_beverage_currency varchar(3) default 'USD',
  food_beverage_updated_by text,
  food_beverage_updated_at timestamptz,
  other_revenue numeric(10, 2) default 0,
  other_revenue_currency varchar(3) default 'USD',
  other_revenue_updated_by text,
  other_revenue_updated_at timestamptz,
  producer_tickets_sold numeric(10, 2) default 0,
  producer_tickets_currency varchar(3) default 'USD',
  producer_tickets_updated_by text,
  producer_tickets_updated_at timestamptz,
  advances_to_event_id uuid references events(id),
  advances_to_event_eid varchar(50),
  flyer_details text,
  door_time time,
  paint_time time,
  showtime time,
  event_level event_level_type default 'REGULAR',
  winner_prize numeric,
  winner_prize_currency text,
  other_prizes text,
  mongo_id varchar(24),
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  constraint events_eid_key unique (eid)
);

alter table events add constraint events_advances_to_event_eid_fkey
  foreign key (advances_to_event_eid) references events(eid) on update cascade on delete set null;

create index idx_events_city on events (city_id);
create index idx_events_enabled_show on events (enabled, show_in_app);
create index idx_events_start_date on events (event_start_datetime);
create index idx_events_venue_id on events (venue_id);
create index idx_events_artist_auction_portion on events (artist_auction_portion);
create index idx_events_advances_to_id on events (advances_to_event_id);
create index idx_events_advances_to_eid on events (advances_to_event_eid);
create index idx_events_eventbrite_id on events (eventbrite_id) where eventbrite_id is not null and eventbrite_id <> '';
create index idx_events_food_beverage_revenue on events (food_beverage_revenue) where food_beverage_revenue > 0;
create index idx_events_other_revenue on events (other_revenue) where other_revenue > 0;
create index idx_events_producer_tickets_sold on events (producer_tickets_sold) where producer_tickets_sold > 0;
create index idx_events_name_trgm on events using gin (name gin_trgm_ops);

create trigger events_touch_updated_at before update on events
  for each row execute function core_touch_updated_at();
