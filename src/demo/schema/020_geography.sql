-- Geography (artbattle-schema.md §3.1). Production has no CREATE TABLE for countries, timezones or
-- cities; columns and types are the ones the platform's INSERTs and SELECTs use.

create table countries (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  code text not null unique,
  currency_code text,
  currency_symbol text,
  created_at timestamptz default now()
);

create table timezones (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  timezone_offset text,
  -- The IANA zone name; production calls the column icann.
  icann text not null unique,
  created_at timestamptz default now()
);

create table cities (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  country_id uuid references countries(id),
  state_province text,
  timezone_id uuid references timezones(id),
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-- (name, country_id) is production's natural key; its INSERT guards on it, so it is unique here too.
create unique index idx_cities_name_country on cities (name, country_id);
create index idx_cities_country_id on cities (country_id);
create index idx_cities_name_trgm on cities using gin (name gin_trgm_ops);

create table venues (
  id uuid primary key default uuid_generate_v4(),
  name text not null,
  address text,
  notes text,
  city_id uuid references cities(id) on delete set null,
  default_capacity integer default 200,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_venues_city_id on venues (city_id);
create index idx_venues_name on venues (name);

create trigger venues_touch_updated_at before update on venues
  for each row execute function core_touch_updated_at();
