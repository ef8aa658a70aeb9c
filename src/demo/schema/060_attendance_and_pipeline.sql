-- QR attendance (artbattle-schema.md §3.6), the artist pipeline (§3.5), the live-cache version
-- table and system_logs (§3.9). The pipeline tables join to events by the text EID (event_eid),
-- not by uuid, exactly as production and the tools do.

create table qr_codes (
  id uuid primary key default gen_random_uuid(),
  -- 8 characters from [A-Z0-9], valid 60 minutes, then deleted by cleanup_expired_qr_codes().
  code text not null unique,
  event_id uuid not null references events(id) on delete cascade,
  generated_at timestamptz not null default now(),
  expires_at timestamptz not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

create index idx_qr_codes_event_id on qr_codes (event_id);
create index idx_qr_codes_code on qr_codes (code);
create index idx_qr_codes_expires_at on qr_codes (expires_at);
create index idx_qr_codes_is_active on qr_codes (is_active);

create table people_qr_scans (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references people(id) on delete cascade,
  event_id uuid not null references events(id) on delete cascade,
  -- The code string; no FK, because codes are deleted an hour after they are generated.
  qr_code text not null,
  scan_timestamp timestamptz not null default now(),
  ip_address text,
  user_agent text,
  location_data jsonb,
  is_valid boolean not null default false,
  created_at timestamptz not null default now()
);

create index idx_people_qr_scans_person_id on people_qr_scans (person_id);
create index idx_people_qr_scans_event_id on people_qr_scans (event_id);
create index idx_people_qr_scans_qr_code on people_qr_scans (qr_code);
create index idx_people_qr_scans_is_valid on people_qr_scans (is_valid);
create index idx_people_qr_scans_scan_timestamp on people_qr_scans (scan_timestamp);

create table artist_applications (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid not null references artist_profiles(id) on delete cascade,
  event_id uuid not null references events(id) on delete cascade,
  application_status text default 'pending'
    constraint artist_applications_application_status_check
    check (application_status in ('pending', 'accepted', 'rejected', 'withdrawn')),
  applied_at timestamptz default now(),
  updated_at timestamptz default now(),
  metadata jsonb default '{}'::jsonb,
  notes text,
  -- Added later by submit-application.
  event_eid varchar(50),
  artist_number text,
  message_to_producer text,
  constraint artist_applications_artist_profile_id_event_id_key unique (artist_profile_id, event_id)
);

create index idx_artist_applications_artist on artist_applications (artist_profile_id);
create index idx_artist_applications_event on artist_applications (event_id);
create index idx_artist_applications_status on artist_applications (application_status);
create index idx_artist_applications_applied_at on artist_applications (applied_at);
create index idx_artist_applications_event_eid on artist_applications (event_eid);

create trigger artist_applications_touch_updated_at before update on artist_applications
  for each row execute function core_touch_updated_at();

create table artist_invitations (
  id uuid primary key default gen_random_uuid(),
  -- artist_profiles.entry_id as text; the duplicate guard is one row per (artist_number, event_eid).
  artist_number text,
  event_eid varchar(50),
  -- Nullable: part of the history could not be re-linked after the Aug 2025 id breakage.
  artist_profile_id uuid references artist_profiles(id) on delete set null,
  message_from_producer text,
  status invitation_status not null default 'pending',
  -- The text value before the Oct 2025 enum migration.
  status_old text,
  accepted_at timestamptz,
  entry_date timestamptz,
  metadata jsonb default '{}'::jsonb,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_artist_invitations_status on artist_invitations (status);
create index idx_artist_invitations_event_eid on artist_invitations (event_eid);
create index idx_artist_invitations_artist_profile_id on artist_invitations (artist_profile_id);
create index idx_artist_invitations_artist_number_event on artist_invitations (artist_number, event_eid);

create trigger artist_invitations_touch_updated_at before update on artist_invitations
  for each row execute function core_touch_updated_at();

create table artist_confirmations (
  id uuid primary key default gen_random_uuid(),
  artist_profile_id uuid references artist_profiles(id) on delete set null,
  event_eid varchar(50),
  artist_number text,
  -- "Confirmed" means confirmed AND withdrawn_at IS NULL.
  confirmation_status text
    constraint artist_confirmations_confirmation_status_check
    check (confirmation_status in ('confirmed', 'withdrawn')),
  entry_date timestamptz,
  confirmation_date timestamptz,
  form_19_entry_id integer,
  metadata jsonb default '{}'::jsonb,
  withdrawn_at timestamp,
  withdrawal_reason text,
  legal_name varchar(255),
  social_promotion_consent jsonb,
  social_usernames jsonb,
  message_to_organizers text,
  public_message text,
  payment_method varchar(50),
  payment_details jsonb,
  legal_agreements jsonb,
  promotion_artwork_url text,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_artist_confirmations_event_eid on artist_confirmations (event_eid);
create index idx_artist_confirmations_artist_profile_id on artist_confirmations (artist_profile_id);
create index idx_artist_confirmations_status on artist_confirmations (confirmation_status);

create trigger artist_confirmations_touch_updated_at before update on artist_confirmations
  for each row execute function core_touch_updated_at();

-- Cache-busting versions of the live app's endpoints, keyed by path ("/live/event/AB4120", …).
create table endpoint_cache_versions (
  endpoint_path varchar primary key,
  last_updated timestamptz not null default now(),
  event_eid varchar,
  created_at timestamptz default now()
);

create index idx_endpoint_cache_versions_event_eid on endpoint_cache_versions (event_eid);

-- The live shape written by manual_refresh_vote_weights() (not the older log_type/log_message one).
create table system_logs (
  id uuid primary key default gen_random_uuid(),
  service text,
  operation text,
  level text default 'info',
  message text,
  request_data jsonb,
  duration_ms integer,
  "timestamp" timestamptz default now(),
  error_details jsonb,
  created_at timestamptz default now()
);

create index idx_system_logs_timestamp on system_logs ("timestamp" desc);
create index idx_system_logs_service_operation on system_logs (service, operation);
