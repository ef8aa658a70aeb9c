-- Art Battle demo: Eventbrite caches (artbattle-schema.md §3.8, §5.7).

-- Append-only: every fetch inserts a row, readers take the newest by fetched_at. fetched_at,
-- expires_at and created_at are `timestamp` WITHOUT time zone in production and hold UTC.
create table eventbrite_api_cache (
  id uuid primary key default gen_random_uuid(),
  event_id uuid references events(id) on delete cascade,
  eid varchar(50) not null,
  eventbrite_id varchar(255) not null,
  event_data jsonb not null default '{}'::jsonb,
  ticket_classes jsonb not null default '[]'::jsonb,
  sales_summary jsonb not null default '{}'::jsonb,
  orders_summary jsonb default '{}'::jsonb,
  total_tickets_sold integer not null default 0
    constraint eventbrite_api_cache_tickets_check check (total_tickets_sold >= 0),
  gross_revenue numeric(10,2) default 0 constraint eventbrite_api_cache_gross_check check (gross_revenue >= 0),
  ticket_revenue numeric(10,2) default 0 constraint eventbrite_api_cache_ticket_revenue_check check (ticket_revenue >= 0),
  taxes_collected numeric(10,2) default 0 constraint eventbrite_api_cache_taxes_check check (taxes_collected >= 0),
  eventbrite_fees numeric(10,2) default 0 constraint eventbrite_api_cache_eb_fees_check check (eventbrite_fees >= 0),
  payment_processing_fees numeric(10,2) default 0
    constraint eventbrite_api_cache_processing_fees_check check (payment_processing_fees >= 0),
  total_fees numeric(10,2) default 0 constraint eventbrite_api_cache_total_fees_check check (total_fees >= 0),
  net_deposit numeric(10,2) default 0,
  total_capacity integer,
  currency_code varchar(10),
  api_response_status varchar(50) not null,
  api_response_code integer,
  api_error_message text,
  data_quality_score integer
    constraint eventbrite_api_cache_quality_check check (data_quality_score between 0 and 100),
  data_quality_flags jsonb default '[]'::jsonb,
  fetched_at timestamp not null default now(),
  expires_at timestamp not null,
  fetch_duration_ms integer,
  is_stale boolean default false,
  fetched_by varchar(255),
  fetch_reason varchar(50),
  api_version varchar(20) default 'v3',
  created_at timestamp default now(),
  eventbrite_event_name text,
  eventbrite_start_date timestamp
);

create index idx_eventbrite_api_cache_event_id on eventbrite_api_cache (event_id);
create index idx_eventbrite_api_cache_eid on eventbrite_api_cache (eid);
create index idx_eventbrite_api_cache_eventbrite_id on eventbrite_api_cache (eventbrite_id);
create index idx_eventbrite_api_cache_fetched_at on eventbrite_api_cache (fetched_at desc);
create index idx_eventbrite_api_cache_expires_at on eventbrite_api_cache (expires_at);
create index idx_eventbrite_api_cache_eid_fetched on eventbrite_api_cache (eid, fetched_at desc);
-- The tools look the newest row up by Eventbrite id, not by EID.
create index idx_eventbrite_api_cache_ebid_fetched on eventbrite_api_cache (eventbrite_id, fetched_at desc);
create index idx_eventbrite_api_cache_low_quality
  on eventbrite_api_cache (data_quality_score) where data_quality_score < 80;

-- ---------------------------------------------------------------------------------------------
-- One row per Eventbrite order; the charts expand attendee_count into tickets.
create table eventbrite_orders_cache (
  id uuid primary key default gen_random_uuid(),
  event_id uuid references events(id) on delete cascade,
  eid varchar(50) not null,
  eventbrite_event_id varchar(255) not null,
  order_id varchar(255) not null unique,
  resource_uri text,
  order_created timestamptz,
  order_changed timestamptz,
  buyer_name text,
  buyer_first_name text,
  buyer_last_name text,
  buyer_email text,
  order_status varchar(50),
  time_remaining integer,
  base_price numeric(10,2) default 0,
  tax numeric(10,2) default 0,
  eventbrite_fee numeric(10,2) default 0,
  payment_fee numeric(10,2) default 0,
  gross numeric(10,2) default 0,
  currency_code varchar(10),
  has_gts_tax boolean default false,
  tax_components jsonb default '[]'::jsonb,
  fee_components jsonb default '[]'::jsonb,
  shipping_components jsonb default '[]'::jsonb,
  attendees jsonb default '[]'::jsonb,
  attendee_count integer default 0,
  costs_raw jsonb,
  order_raw jsonb,
  fetched_at timestamptz not null default now(),
  fetched_by text,
  api_version text default 'v3',
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_eventbrite_orders_cache_event_id on eventbrite_orders_cache (event_id);
create index idx_eventbrite_orders_cache_eid on eventbrite_orders_cache (eid);
create index idx_eventbrite_orders_cache_eventbrite_event_id on eventbrite_orders_cache (eventbrite_event_id);
create index idx_eventbrite_orders_cache_order_created on eventbrite_orders_cache (order_created desc);
create index idx_eventbrite_orders_cache_order_status on eventbrite_orders_cache (order_status);
create index idx_eventbrite_orders_cache_buyer_email on eventbrite_orders_cache (buyer_email);
create index idx_eventbrite_orders_cache_fetched_at on eventbrite_orders_cache (fetched_at desc);
create index idx_eventbrite_orders_cache_eid_status on eventbrite_orders_cache (eid, order_status);

create trigger eventbrite_orders_cache_updated_at before update on eventbrite_orders_cache
  for each row execute function core_touch_updated_at();
