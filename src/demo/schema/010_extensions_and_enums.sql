-- Art Battle demo, core part: extensions, production enums, the Supabase auth stub and a shared
-- updated_at trigger function. Names and labels follow production (artbattle-schema.md §2, §3).

-- citext: people.email is case-insensitive. pg_trgm: the tools search names, emails and phones
-- with ILIKE '%…%'. uuid-ossp: venues keep production's uuid_generate_v4() default.
create extension if not exists citext;
create extension if not exists pg_trgm;
create extension if not exists "uuid-ossp";

-- Label order is production's best guess: 'closed' was added after 'active', 'paid' after 'cancelled'.
create type art_status as enum ('inactive', 'active', 'closed', 'sold', 'cancelled', 'paid');

create type event_level_type as enum ('REGULAR', 'CHAMPION_CITY', 'CHAMPION_NATIONAL', 'PRIVATE', 'SPECIAL');

-- The bot also counts 'confirmed' and 'invited'; production's enum cannot hold them, and neither can ours.
create type invitation_status as enum ('pending', 'accepted', 'declined', 'withdrawn', 'expired');

-- Supabase's auth schema, reduced to what people.auth_user_id and the platform functions read.
create schema if not exists auth;

create table auth.users (
  id uuid primary key,
  phone text,
  email text,
  raw_user_meta_data jsonb,
  created_at timestamptz default now()
);

-- BEFORE UPDATE only: seeding COPYs rows in, so this never fires while the demo is filled.
create function core_touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
