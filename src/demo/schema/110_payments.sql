-- Art Battle demo: artist payouts, payment accounts and exchange rates (artbattle-schema.md §3.7).
-- Names, types, defaults and CHECK sets follow production; comments mark what had to be inferred.

-- updated_at triggers use core_touch_updated_at() from 010 (fires on UPDATE only, never during COPY).

-- ---------------------------------------------------------------------------------------------
-- artist_payments: what was paid (or credited) to an artist. gross_amount is the artist's share,
-- never the sale price; a negative gross is a manual credit that raises the amount owed.
-- payment_processing_id stays a bare uuid: payment_processing is not part of the demo.
create table artist_payments (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null references artist_profiles(id) on delete cascade,
  art_id uuid references art(id) on delete cascade,
  payment_processing_id uuid,
  gross_amount numeric(10,2) not null,
  platform_fee numeric(10,2) not null default 0,
  stripe_fee numeric(10,2) not null default 0,
  net_amount numeric(10,2) not null,
  currency varchar(3) not null,
  status text default 'pending'
    constraint artist_payments_status_check
    check (status in ('pending', 'processing', 'paid', 'verified', 'failed', 'cancelled')),
  stripe_transfer_id text,
  stripe_payout_id text,
  created_at timestamptz default now(),
  paid_at timestamptz,
  metadata jsonb default '{}'::jsonb,
  error_message text,
  payment_type varchar(20) not null default 'automated'
    constraint artist_payments_payment_type_check check (payment_type in ('automated', 'manual')),
  payment_method varchar(50),
  description text,
  reference varchar(100),
  created_by varchar(100),
  updated_at timestamptz default now(),
  reason_category varchar(50),
  webhook_confirmed_at timestamptz,
  verification_metadata jsonb default '{}'::jsonb,
  -- Manual rows must say how, why and who; automated rows are free to store 'stripe' or NULL.
  constraint artist_payments_manual_method_check check (
    payment_type <> 'manual'
    or payment_method in ('bank_transfer', 'check', 'cash', 'paypal', 'other')
  ),
  constraint artist_payments_manual_fields_check check (
    payment_type <> 'manual' or (description is not null and created_by is not null)
  ),
  constraint artist_payments_reason_category_check check (
    reason_category is null
    or reason_category in ('prize', 'private_event', 'supplies_reimbursement', 'adjustment', 'other')
  )
);

create unique index artist_payments_stripe_transfer_id_key
  on artist_payments (stripe_transfer_id) where stripe_transfer_id is not null;
create index idx_artist_payments_artist_profile_id on artist_payments (artist_profile_id);
create index idx_artist_payments_art_id on artist_payments (art_id);
create index idx_artist_payments_status on artist_payments (status);
create index idx_artist_payments_created_at on artist_payments (created_at desc);
create index idx_artist_payments_status_created on artist_payments (status, created_at desc);
create index idx_artist_payments_payment_type on artist_payments (payment_type);
create index idx_artist_payments_payment_method on artist_payments (payment_method);
create index idx_artist_payments_created_by on artist_payments (created_by);
create index idx_artist_payments_updated_at on artist_payments (updated_at);
create index idx_artist_payments_reason_category on artist_payments (reason_category);
create index idx_artist_payments_webhook_confirmed_at on artist_payments (webhook_confirmed_at);

create trigger artist_payments_updated_at before update on artist_payments
  for each row execute function core_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Legacy Stripe Connect accounts (superseded by artist_global_payments, still read by the bot).
create table artist_stripe_accounts (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null unique references artist_profiles(id) on delete cascade,
  stripe_account_id text unique,
  stripe_account_type text
    constraint artist_stripe_accounts_type_check check (stripe_account_type in ('standard', 'express', 'custom')),
  onboarding_status text default 'not_started'
    constraint artist_stripe_accounts_onboarding_status_check
    check (onboarding_status in ('not_started', 'pending', 'completed', 'restricted', 'rejected')),
  charges_enabled boolean default false,
  payouts_enabled boolean default false,
  details_submitted boolean default false,
  country text,
  currency text,
  business_type text,
  onboarding_url text,
  onboarding_url_expires_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  metadata jsonb default '{}'::jsonb
);

create index idx_artist_stripe_accounts_artist_profile_id on artist_stripe_accounts (artist_profile_id);
create index idx_artist_stripe_accounts_stripe_account_id
  on artist_stripe_accounts (stripe_account_id) where stripe_account_id is not null;
create index idx_artist_stripe_accounts_onboarding_status on artist_stripe_accounts (onboarding_status);

create trigger artist_stripe_accounts_updated_at before update on artist_stripe_accounts
  for each row execute function core_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Stripe Global Payouts recipients: status 'ready' plus a recipient id is what "ready to pay" means.
create table artist_global_payments (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null unique references artist_profiles(id) on delete cascade,
  stripe_recipient_id text unique,
  legacy_stripe_connect_account_id text,
  migration_completed_at timestamptz,
  status text default 'invited'
    constraint artist_global_payments_status_check
    check (status in ('invited', 'in_review', 'ready', 'blocked', 'rejected')),
  country char(2) not null,
  default_currency char(3) not null default 'USD',
  onboarding_url text,
  onboarding_url_expires_at timestamptz,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  metadata jsonb default '{}'::jsonb
);

create index idx_artist_global_payments_status on artist_global_payments (status);

create trigger artist_global_payments_updated_at before update on artist_global_payments
  for each row execute function core_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Artist-submitted manual payout requests. status has no CHECK in production (only a comment);
-- the partial unique index allows a single open request per artist.
create table artist_manual_payment_requests (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null references artist_profiles(id) on delete cascade,
  person_id uuid not null references people(id),
  payment_method varchar(50),
  payment_details text not null,
  country_code varchar(3),
  preferred_currency varchar(3),
  status varchar(50) default 'pending',
  admin_notes text,
  processed_by uuid references people(id),
  processed_at timestamptz,
  requested_amount numeric(10,2),
  events_referenced text[],
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create unique index idx_manual_payment_requests_one_pending
  on artist_manual_payment_requests (artist_profile_id) where status = 'pending';
create index idx_manual_payment_requests_artist on artist_manual_payment_requests (artist_profile_id);
create index idx_manual_payment_requests_person on artist_manual_payment_requests (person_id);
create index idx_manual_payment_requests_status on artist_manual_payment_requests (status);
create index idx_manual_payment_requests_created_at on artist_manual_payment_requests (created_at desc);

create trigger artist_manual_payment_requests_updated_at before update on artist_manual_payment_requests
  for each row execute function core_touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Log of payment-setup invitations sent to artists (log_payment_setup_invitation writes it).
create table payment_setup_invitations (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null references artist_profiles(id) on delete cascade,
  invitation_method varchar(20) not null
    constraint payment_setup_invitations_method_check check (invitation_method in ('email', 'sms', 'both')),
  recipient_email varchar(255),
  recipient_phone varchar(50),
  sent_by varchar(100) not null,
  sent_at timestamptz default now(),
  status varchar(20) default 'sent'
    constraint payment_setup_invitations_status_check
    check (status in ('sent', 'delivered', 'failed', 'opened', 'clicked')),
  invitation_type varchar(30) default 'payment_setup'
    constraint payment_setup_invitations_type_check
    check (invitation_type in ('payment_setup', 'reminder', 'follow_up')),
  message_content text,
  delivery_metadata jsonb default '{}'::jsonb,
  error_message text,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_payment_setup_invitations_artist on payment_setup_invitations (artist_profile_id);
create index idx_payment_setup_invitations_sent_at on payment_setup_invitations (sent_at desc);
create index idx_payment_setup_invitations_method on payment_setup_invitations (invitation_method);
create index idx_payment_setup_invitations_status on payment_setup_invitations (status);

-- ---------------------------------------------------------------------------------------------
-- Newer invite flow (send_payment_setup_invitation RPC / admin-send-payment-invite). Production DDL
-- is not public: this is a minimal inferred shape, enough for the demo's local Edge Function.
create table payment_invitations (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null references artist_profiles(id) on delete cascade,
  invite_type varchar(20) not null default 'email',
  status varchar(20) not null default 'sent',
  recipient_email text,
  recipient_phone text,
  custom_message text,
  admin_note text,
  sent_by text,
  sent_at timestamptz default now(),
  metadata jsonb default '{}'::jsonb,
  created_at timestamptz default now()
);

create index idx_payment_invitations_artist on payment_invitations (artist_profile_id, sent_at desc);

-- ---------------------------------------------------------------------------------------------
-- Buyer unpaid-artwork SMS reminders (admin-send-payment-reminder), first 2025-09-22 shape.
create table payment_reminders (
  id uuid primary key default gen_random_uuid(),
  art_id uuid references art(id) on delete cascade,
  sent_to_person_id uuid references people(id),
  sent_by_admin text,
  message_content text,
  phone_number text,
  sms_sid text,
  sms_status text,
  admin_note text,
  metadata jsonb default '{}'::jsonb,
  created_at timestamptz default now()
);

create index idx_payment_reminders_art on payment_reminders (art_id);
create index idx_payment_reminders_created_at on payment_reminders (created_at desc);

-- ---------------------------------------------------------------------------------------------
-- rate_to_usd is the USD value of ONE unit of the currency (CAD ≈ 0.74). RLS on, no policies.
create table exchange_rates (
  currency_code char(3) primary key,
  rate_to_usd numeric(12,6) not null,
  last_updated timestamptz default now(),
  source text default 'exchangerate-api.io'
);

create index idx_exchange_rates_last_updated on exchange_rates (last_updated desc);

-- ---------------------------------------------------------------------------------------------
-- Single-row switchboard read by auto-process-artist-payments. The id column is inferred.
create table payment_processing_control (
  id uuid primary key default gen_random_uuid(),
  system_enabled boolean default true,
  global_payments_enabled boolean default true,
  stripe_connect_enabled boolean default false,
  last_processed_at timestamptz,
  processing_batch_size integer default 10,
  max_daily_payments integer default 100,
  daily_payment_count integer default 0,
  daily_reset_date date default current_date,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  metadata jsonb default '{}'::jsonb
);

create trigger payment_processing_control_updated_at before update on payment_processing_control
  for each row execute function core_touch_updated_at();
