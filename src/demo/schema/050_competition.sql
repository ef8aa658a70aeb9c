-- Competition: rounds, contestants, artworks, bids, votes and the legacy vote_weights table
-- (artbattle-schema.md §3.4). Production quirks the tools depend on are kept on purpose:
--   * art.bid_count is never maintained (stays 0 even when bids exist);
--   * art.final_price is often NULL; the platform values a sale at COALESCE(final_price, current_bid);
--   * round_contestants.art_id is nullable and no current writer fills it;
--   * votes.art_id is the text code "<EID>-<round>-<easel>"; the join key to art is votes.art_uuid.
-- Production's Slack/HTTP/cache-broadcast triggers and the round_contestants → art sync trigger are
-- left out: the demo seeds with COPY and writes art rows itself.

create table rounds (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references events(id) on delete cascade,
  round_number integer not null,
  is_finished boolean default false,
  -- End of the round's timer.
  closing_time timestamptz,
  video_url text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  constraint rounds_event_id_round_number_key unique (event_id, round_number)
);

create index idx_rounds_closing_time on rounds (closing_time) where closing_time is not null;

create trigger rounds_touch_updated_at before update on rounds
  for each row execute function core_touch_updated_at();

create table art (
  id uuid primary key default gen_random_uuid(),
  art_code varchar(50) not null,
  event_id uuid not null references events(id) on delete cascade,
  -- Set to NULL when a contestant is removed.
  artist_id uuid references artist_profiles(id) on delete set null,
  round integer,
  easel integer,
  status art_status default 'active',
  starting_bid numeric default 50,
  -- New rows start at 50 (production's sync trigger), so unsold art still "shows" 50.
  current_bid numeric default 50,
  bid_count integer default 0,
  vote_count integer default 0,
  winner_id uuid,
  final_price numeric,
  closing_time timestamptz,
  auction_extended boolean default false,
  extension_count integer default 0,
  description text,
  width_and_height varchar(50),
  buyer_pay_recent_status_id uuid,
  buyer_pay_recent_date timestamptz,
  buyer_pay_recent_person_id uuid,
  buyer_pay_recent_user_id uuid,
  artist_pay_recent_status_id uuid,
  artist_pay_recent_date timestamptz,
  artist_pay_recent_person_id uuid,
  artist_pay_recent_user_id uuid,
  mongo_lot_id varchar(24),
  mongo_status integer,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  constraint art_art_code_key unique (art_code),
  constraint art_winner_id_fkey foreign key (winner_id) references people(id)
);

create unique index idx_art_event_round_easel on art (event_id, round, easel);
create index idx_art_event_id on art (event_id);
create index idx_art_artist_id on art (artist_id);
create index idx_art_status on art (status);
create index idx_art_winner_id on art (winner_id) where winner_id is not null;
create index idx_art_closing_time on art (closing_time) where closing_time is not null;

create trigger art_touch_updated_at before update on art
  for each row execute function core_touch_updated_at();

create table round_contestants (
  id uuid primary key default gen_random_uuid(),
  round_id uuid not null references rounds(id) on delete cascade,
  artist_id uuid references artist_profiles(id) on delete set null,
  -- Usually NULL for recent events: no current platform code writes it.
  art_id uuid references art(id) on delete set null,
  -- NULL while a contestant is staged without an easel.
  easel_number integer,
  enabled boolean default true,
  is_winner integer default 0,
  enable_auction integer default 1,
  vote_by_link boolean default false,
  created_at timestamptz default now()
);

create unique index idx_round_contestants_round_easel on round_contestants (round_id, easel_number)
  where easel_number is not null;
create index idx_round_contestants_round_id on round_contestants (round_id);
create index idx_round_contestants_artist_id on round_contestants (artist_id);
create index idx_round_contestants_winner on round_contestants (round_id) where is_winner > 0;

create table bids (
  id uuid primary key default gen_random_uuid(),
  art_id uuid not null references art(id) on delete cascade,
  person_id uuid not null references people(id),
  amount numeric not null,
  -- From the country of the event's city.
  currency_code text,
  currency_symbol text,
  ip_address inet,
  created_at timestamptz default now()
);

create index idx_bids_art_id on bids (art_id);
create index idx_bids_person_id on bids (person_id);
create index idx_bids_amount on bids (amount desc);
create index idx_bids_art_created on bids (art_id, created_at desc);

create table votes (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references events(id) on delete cascade,
  -- Copy of events.eid.
  eid varchar(50),
  round integer,
  easel integer,
  -- The text code "<EID>-<round>-<easel>", not a uuid.
  art_id varchar(50),
  -- Join key to art; NULL on legacy votes that could not be back-filled.
  art_uuid uuid references art(id) on delete set null,
  person_id uuid not null references people(id),
  -- Weight snapshot at vote time (1.0–8.0 under the current rules; legacy rows span 0.2–10).
  vote_factor numeric default 1.0,
  artist_profile_id uuid,
  hash text,
  phone text,
  auth_method text,
  auth_timestamp timestamptz,
  ip_address inet,
  user_agent text,
  location_lat numeric,
  location_lng numeric,
  "timestamp" timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  -- One vote per person per round.
  constraint votes_event_round_person_key unique (event_id, round, person_id)
);

create index idx_votes_event_art on votes (event_id, art_uuid) where art_uuid is not null;
create index idx_votes_person_event on votes (person_id, event_id);
create index idx_votes_event_round on votes (event_id, round) where art_uuid is not null;
create index idx_votes_art_uuid on votes (art_uuid);
create index idx_votes_art_id on votes (art_id);

-- Legacy per-event weights. Empty in production (bot runbook §13.2); live weights are
-- votes.vote_factor and the person_vote_weights materialized view.
create table vote_weights (
  id uuid primary key default gen_random_uuid(),
  event_id uuid references events(id) on delete cascade,
  person_id uuid references people(id) on delete cascade,
  vote_factor numeric default 1.0,
  vote_factor_info jsonb,
  phone_number text,
  from_source text,
  status text default 'active',
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_vote_weights_event_person on vote_weights (event_id, person_id);
create index idx_vote_weights_person on vote_weights (person_id);
