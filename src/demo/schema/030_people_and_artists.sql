-- People and artist profiles (artbattle-schema.md §3.3). Neither table has a CREATE TABLE in
-- production; column names and types follow the platform's functions, docs and later ALTERs.

create table people (
  id uuid primary key default gen_random_uuid(),
  -- Lower-case and case-insensitive; often NULL (phone-only sign-ups).
  email citext,
  -- Canonical E.164 phone with '+'.
  phone varchar(20),
  -- Legacy column: production had it on three rows.
  phone_number text,
  auth_phone text,
  auth_user_id uuid references auth.users(id) on delete set null,
  name text,
  -- NULL parts are common; the bot's (first_name || ' ' || last_name) search then misses the row.
  first_name varchar(100),
  last_name varchar(100),
  nickname text,
  hash varchar(100),
  is_artist boolean default false,
  -- > 0 means SMS-blocked (is_phone_opted_out).
  message_blocked integer default 0,
  superseded_by uuid references people(id),
  verified boolean default false,
  total_spent numeric default 0,
  interaction_count integer default 0,
  last_interaction_at timestamptz,
  last_qr_scan_at timestamptz,
  last_qr_event_id uuid,
  art_battle_news boolean default false,
  notification_emails boolean default false,
  loyalty_offers boolean default false,
  registered_at varchar(100),
  self_registered boolean default false,
  region_code text,
  mongo_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  constraint people_email_key unique (email),
  constraint people_phone_key unique (phone),
  constraint people_hash_key unique (hash),
  constraint people_mongo_id_key unique (mongo_id)
);

create index idx_people_auth_user_id on people (auth_user_id);
create index idx_people_phone_number on people (phone_number);
create index idx_people_phone_combined on people (phone, phone_number, id);
create index idx_people_superseded_by on people (superseded_by);
create index idx_people_active on people (id) where superseded_by is null;
create index idx_people_created_at on people (created_at);
-- Trigram indexes for the tools' ILIKE '%…%' lookups (lookup_person and friends). varchar columns
-- are indexed as ::text because that is the expression `col ILIKE $1` compares. The email index
-- serves `email::text ILIKE …`; a citext `email ILIKE …` (the bot's form) uses citext's own
-- operator, which no trigram index can serve, so that lookup scans the table as in production.
create index idx_people_first_name_trgm on people using gin ((first_name::text) gin_trgm_ops);
create index idx_people_last_name_trgm on people using gin ((last_name::text) gin_trgm_ops);
create index idx_people_full_name_trgm on people using gin ((first_name || ' ' || last_name) gin_trgm_ops);
create index idx_people_email_trgm on people using gin ((email::text) gin_trgm_ops);
create index idx_people_phone_trgm on people using gin ((phone::text) gin_trgm_ops);

create trigger people_touch_updated_at before update on people
  for each row execute function core_touch_updated_at();

-- New artist numbers start at 310000 (production's artist_entry_id_seq); the column default is
-- switched to get_next_entry_id() in 070_core_functions.sql, as in production.
create sequence artist_entry_id_seq start 310000;

create table artist_profiles (
  id uuid primary key default gen_random_uuid(),
  person_id uuid references people(id) on delete set null,
  entry_id integer not null default nextval('artist_entry_id_seq'),
  name varchar(255) not null,
  email text,
  phone text,
  bio text,
  abhq_bio text,
  city text,
  city_text varchar(100),
  city_id uuid references cities(id) on delete set null,
  -- ISO 3166-1 alpha-2.
  country text,
  website text,
  instagram text,
  facebook text,
  twitter text,
  pronouns varchar(100),
  aliases jsonb default '[]'::jsonb,
  form_17_entry_id integer,
  set_primary_profile_at timestamp,
  superseded_by uuid references artist_profiles(id),
  is_duplicate boolean default false,
  linked_how varchar(100),
  manual_payment_override boolean default false,
  manual_payment_override_at timestamptz,
  manual_payment_override_by uuid references people(id),
  sample_works_urls text[],
  specialties text[],
  years_experience integer,
  studio_location text,
  followers_count integer default 0,
  votes_count integer default 0,
  mongo_id varchar(24),
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create unique index idx_artist_profiles_entry_id on artist_profiles (entry_id);
create index idx_artist_profiles_person on artist_profiles (person_id);
create index idx_artist_profiles_superseded_by on artist_profiles (superseded_by);
create index idx_artist_profiles_active on artist_profiles (id) where superseded_by is null;
create index idx_artist_profiles_aliases on artist_profiles using gin (aliases);
create index idx_artist_profiles_linked_how on artist_profiles (linked_how);
create index idx_artist_profiles_manual_payment_override on artist_profiles (manual_payment_override)
  where manual_payment_override = true;
-- Duplicate detection (find_duplicate_profiles) compares emails and phones.
create index idx_artist_profiles_email on artist_profiles (lower(email));
create index idx_artist_profiles_phone on artist_profiles (phone);
create index idx_artist_profiles_name_trgm on artist_profiles using gin ((name::text) gin_trgm_ops);

create trigger artist_profiles_touch_updated_at before update on artist_profiles
  for each row execute function core_touch_updated_at();
