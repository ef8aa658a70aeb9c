-- Art Battle demo: SMS marketing (Telnyx), the transactional outbox, email and Slack logs
-- (artbattle-schema.md §3.9, §5.10).

create extension if not exists pg_trgm;

-- message_queue.status is a PG enum in production. The core schema may already define it.
do $$
begin
  create type message_status as enum ('pending', 'processing', 'sent', 'failed');
exception
  when duplicate_object then null;
end;
$$;

create table sms_marketing_templates (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  message_template text not null,
  variables jsonb default '[]'::jsonb,
  category text,
  is_active boolean default true,
  created_by uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

-- status has no CHECK in production (the values live in a migration comment).
-- event_id is written by admin-sms-create-campaign; production has no DDL for it.
create table sms_marketing_campaigns (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  template_id uuid references sms_marketing_templates(id) on delete set null,
  status text default 'draft',
  recipient_list jsonb,
  total_recipients integer default 0,
  messages_sent integer default 0,
  messages_delivered integer default 0,
  messages_failed integer default 0,
  replies_received integer default 0,
  opt_outs integer default 0,
  scheduled_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  created_by uuid,
  metadata jsonb default '{}'::jsonb,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  targeting_criteria jsonb default '{}'::jsonb,
  total_cost_cents integer default 0,
  event_id uuid references events(id) on delete set null
);

create index idx_sms_campaigns_status on sms_marketing_campaigns (status);
create index idx_sms_campaigns_created_at on sms_marketing_campaigns (created_at desc);
create index idx_sms_campaigns_event_id on sms_marketing_campaigns (event_id);
create index idx_sms_campaigns_targeting on sms_marketing_campaigns using gin (targeting_criteria);

create trigger sms_marketing_campaigns_updated_at before update on sms_marketing_campaigns
  for each row execute function core_touch_updated_at();

-- campaign_id carries no FK: the original CREATE declared it bare and the later ADD COLUMN IF NOT
-- EXISTS … REFERENCES was a no-op.
create table sms_outbound (
  id uuid primary key default gen_random_uuid(),
  telnyx_message_id text,
  campaign_id uuid,
  template_id uuid,
  to_phone text not null,
  from_phone text not null,
  message_body text not null,
  character_count integer,
  message_parts integer default 1,
  status text default 'pending',
  telnyx_status text,
  cost_cents integer,
  error_message text,
  metadata jsonb default '{}'::jsonb,
  sent_at timestamptz,
  delivered_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_sms_outbound_to_phone on sms_outbound (to_phone);
create index idx_sms_outbound_status on sms_outbound (status);
create index idx_sms_outbound_campaign_id on sms_outbound (campaign_id) where campaign_id is not null;
create index idx_sms_outbound_created_at on sms_outbound (created_at desc);

create table sms_inbound (
  id uuid primary key default gen_random_uuid(),
  telnyx_message_id text unique,
  from_phone text not null,
  to_phone text not null,
  message_body text not null,
  character_count integer,
  direction text default 'inbound',
  telnyx_data jsonb,
  is_stop_request boolean default false,
  is_help_request boolean default false,
  auto_replied boolean default false,
  processed boolean default false,
  created_at timestamptz default now()
);

create index idx_sms_inbound_from_phone on sms_inbound (from_phone);
create index idx_sms_inbound_created_at on sms_inbound (created_at desc);

create table sms_marketing_optouts (
  id uuid primary key default gen_random_uuid(),
  phone_number text not null unique,
  opted_out_at timestamptz default now(),
  opt_out_message text,
  campaign_id uuid,
  source text default 'sms_reply',
  is_active boolean default true
);

-- ---------------------------------------------------------------------------------------------
-- Generic SMS/email outbox. campaign_id exists only because the bot joins on it; nothing in the
-- platform writes it (artbattle-schema.md §0.3 item 4), so the demo leaves it mostly NULL.
create table message_queue (
  id uuid primary key default gen_random_uuid(),
  channel text not null,
  destination text not null,
  from_phone text,
  message_body text,
  metadata jsonb default '{}'::jsonb,
  status message_status default 'pending',
  priority integer default 2,
  send_after timestamptz default now(),
  send_immediately boolean default false,
  processing_started_at timestamptz,
  last_attempt_at timestamptz,
  retry_count integer default 0,
  sent_at timestamptz,
  error_message text,
  created_at timestamptz default now(),
  person_id uuid references people(id) on delete set null,
  campaign_id uuid
);

create index idx_message_queue_instant on message_queue (send_immediately, status) where send_immediately;
create index idx_message_queue_status_send_after on message_queue (status, send_after);
create index idx_message_queue_created_at on message_queue (created_at desc);
create index idx_message_queue_campaign_id on message_queue (campaign_id) where campaign_id is not null;

-- ---------------------------------------------------------------------------------------------
-- Email send log. The Edge senders fill recipient/subject/sender/sent_at/status/method only;
-- created_at tracks sent_at so the bot's time window works.
create table email_logs (
  id uuid primary key default gen_random_uuid(),
  recipient text,
  sender text,
  subject text,
  status text,
  method text,
  error_message text,
  sent_at timestamptz,
  event_id uuid references events(id) on delete set null,
  created_at timestamptz default now()
);

create index idx_email_logs_created_at on email_logs (created_at desc);
create index idx_email_logs_status_created on email_logs (status, created_at desc);
create index idx_email_logs_event_id on email_logs (event_id) where event_id is not null;
-- get_email_log searches recipient with a leading-wildcard ILIKE.
create index idx_email_logs_recipient_trgm on email_logs using gin (recipient gin_trgm_ops);

-- ---------------------------------------------------------------------------------------------
-- Slack outbox, 2025-08-04 shape (the later channel_name/text/blocks CREATE never took effect).
create table slack_notifications (
  id uuid primary key default gen_random_uuid(),
  event_id uuid references events(id) on delete cascade,
  channel_id varchar(100),
  message_type varchar(50) not null,
  payload jsonb not null,
  status varchar(20) default 'pending'
    constraint slack_notifications_status_check check (status in ('pending', 'pending_lookup', 'sent', 'failed')),
  attempts integer default 0,
  last_attempt_at timestamptz,
  sent_at timestamptz,
  error text,
  created_at timestamptz default now()
);

create index idx_slack_notifications_pending
  on slack_notifications (status, created_at) where status = 'pending';
create index idx_slack_notifications_created_at on slack_notifications (created_at desc);

-- ---------------------------------------------------------------------------------------------
-- Per-event artist payment emails awaiting review; get_email_queue_stats(eid) counts it.
-- Production DDL is not public: minimal inferred shape.
create table artist_payment_email_queue (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references events(id) on delete cascade,
  artist_profile_id uuid not null references artist_profiles(id) on delete cascade,
  email_type text not null default 'payment_notification',
  status text not null default 'draft'
    constraint artist_payment_email_queue_status_check
    check (status in ('draft', 'ready_for_review', 'approved', 'sent', 'failed')),
  recipient_email text,
  email_data jsonb default '{}'::jsonb,
  error_message text,
  approved_by text,
  approved_at timestamptz,
  sent_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_artist_payment_email_queue_event on artist_payment_email_queue (event_id, status);

create trigger artist_payment_email_queue_updated_at before update on artist_payment_email_queue
  for each row execute function core_touch_updated_at();
