-- Art Battle demo: promo offers, sponsorship sales and the Meta ads cache
-- (artbattle-schema.md §3.9, §5.10, §5.11).

create extension if not exists pg_trgm;

-- No production DDL exists; columns follow the offers admin plan. There is no event link.
create table offers (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  terms text,
  type text,
  value numeric(10,2),
  currency text,
  geography_scope text[] default '{}',
  min_recency_score integer,
  max_recency_score integer,
  min_frequency_score integer,
  max_frequency_score integer,
  min_monetary_score integer,
  max_monetary_score integer,
  rfm_segments jsonb,
  total_inventory integer,
  redeemed_count integer default 0,
  active boolean default true,
  start_date timestamptz,
  end_date timestamptz,
  display_order integer default 0,
  tile_color text,
  image_url text,
  redemption_link text,
  redemption_message text,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_offers_active on offers (active, end_date);

create trigger offers_updated_at before update on offers
  for each row execute function core_touch_updated_at();

-- One redemption per (offer, user) is enforced in application code, not here.
create table offer_redemptions (
  id uuid primary key default gen_random_uuid(),
  offer_id uuid references offers(id) on delete cascade,
  user_id uuid references people(id) on delete set null,
  user_email text,
  redemption_code text,
  status text default 'redeemed',
  metadata jsonb default '{}'::jsonb,
  redeemed_at timestamptz default now(),
  created_at timestamptz default now()
);

create index idx_offer_redemptions_offer_id on offer_redemptions (offer_id);
create index idx_offer_redemptions_user_id on offer_redemptions (user_id);

-- ---------------------------------------------------------------------------------------------
-- Minimal package catalogue, kept so sponsorship_purchases.main_package_id can keep its FK.
create table sponsorship_package_templates (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  category text not null default 'main',
  base_price numeric(10,2) not null default 0,
  currency text default 'USD',
  benefits jsonb default '[]'::jsonb,
  is_active boolean default true,
  display_order integer default 0,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create table sponsorship_invites (
  id uuid primary key default gen_random_uuid(),
  event_id uuid references events(id) on delete cascade,
  hash varchar(16) not null unique,
  prospect_name text,
  prospect_email text,
  prospect_company text,
  discount_percent numeric(5,2) default 0
    constraint sponsorship_invites_discount_check check (discount_percent between 0 and 100),
  valid_until timestamptz,
  max_uses integer default 1,
  use_count integer default 0,
  notes text,
  created_by text,
  created_at timestamptz default now(),
  last_viewed_at timestamptz,
  view_count integer default 0,
  skip_multi_event boolean default false
);

create index idx_sponsorship_invites_event_id on sponsorship_invites (event_id);
create index idx_sponsorship_invites_prospect_name_trgm
  on sponsorship_invites using gin (prospect_name gin_trgm_ops);
create index idx_sponsorship_invites_prospect_company_trgm
  on sponsorship_invites using gin (prospect_company gin_trgm_ops);

create table sponsorship_purchases (
  id uuid primary key default gen_random_uuid(),
  event_id uuid references events(id) on delete cascade,
  invite_id uuid references sponsorship_invites(id) on delete set null,
  stripe_payment_intent_id text unique,
  stripe_checkout_session_id text,
  buyer_name text not null,
  buyer_email text not null,
  buyer_company text,
  buyer_phone text,
  main_package_id uuid references sponsorship_package_templates(id),
  addon_package_ids uuid[],
  package_details jsonb,
  subtotal numeric(10,2) not null,
  discount_percent numeric(5,2),
  discount_amount numeric(10,2),
  tax_amount numeric(10,2),
  total_amount numeric(10,2) not null,
  currency text default 'USD',
  logo_url text,
  logo_cloudflare_id text,
  logo_uploaded_at timestamptz,
  payment_status text default 'pending',
  fulfillment_status text default 'pending',
  created_at timestamptz default now(),
  paid_at timestamptz,
  updated_at timestamptz default now(),
  fulfillment_hash varchar(64) unique
);

create index idx_sponsorship_purchases_event_id on sponsorship_purchases (event_id);
create index idx_sponsorship_purchases_payment_status on sponsorship_purchases (payment_status);
create index idx_sponsorship_purchases_buyer_name_trgm
  on sponsorship_purchases using gin (buyer_name gin_trgm_ops);
create index idx_sponsorship_purchases_buyer_company_trgm
  on sponsorship_purchases using gin (buyer_company gin_trgm_ops);

create trigger sponsorship_purchases_updated_at before update on sponsorship_purchases
  for each row execute function core_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Shared AI/ads cache. event_id holds the EID as text. meta-ads-report appends a row per refresh,
-- so the documented PK (event_id, analysis_type) is replaced by a surrogate id.
create table ai_analysis_cache (
  id uuid primary key default gen_random_uuid(),
  event_id text not null,
  analysis_type text not null,
  result jsonb not null default '{}'::jsonb,
  created_at timestamptz default now(),
  expires_at timestamptz,
  event_name text,
  served_count integer default 0,
  last_served_at timestamptz
);

create index idx_ai_analysis_cache_lookup on ai_analysis_cache (event_id, analysis_type, created_at desc);

create table meta_ads_cache_cron_log (
  id uuid primary key default gen_random_uuid(),
  executed_at timestamptz default now(),
  status text,
  total_events integer,
  successful integer,
  failed integer,
  skipped integer,
  errors jsonb,
  duration_ms integer,
  response jsonb
);

create index idx_meta_ads_cache_cron_log_executed_at on meta_ads_cache_cron_log (executed_at desc);
