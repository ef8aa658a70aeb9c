-- Art Battle demo: event linter rules and their suppressions (artbattle-schema.md §3.9, §4.7).

create table event_linter_rules (
  id uuid primary key default gen_random_uuid(),
  rule_id text not null unique,
  name text not null,
  description text,
  severity text not null
    constraint event_linter_rules_severity_check check (severity in ('error', 'warning', 'info', 'success')),
  category text not null,
  context text not null,
  conditions jsonb default '[]'::jsonb,
  -- Rendered by the event-linter with {{field}} placeholders filled from the event and its metrics.
  message text not null,
  status text default 'active'
    constraint event_linter_rules_status_check check (status in ('active', 'inactive')),
  hit_count integer default 0,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);

create index idx_event_linter_rules_status on event_linter_rules (status);

create trigger event_linter_rules_updated_at before update on event_linter_rules
  for each row execute function core_touch_updated_at();

-- A suppression silences one rule for an event, an artist or a whole city, optionally until a date.
create table linter_suppressions (
  id uuid primary key default gen_random_uuid(),
  rule_id text not null,
  event_id uuid references events(id) on delete cascade,
  artist_id uuid references artist_profiles(id) on delete cascade,
  city_id uuid references cities(id) on delete cascade,
  suppressed_by uuid references auth.users(id) on delete set null,
  suppressed_until timestamptz,
  reason text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  constraint linter_suppressions_target_check
    check (event_id is not null or artist_id is not null or city_id is not null),
  constraint linter_suppressions_unique
    unique nulls not distinct (rule_id, event_id, artist_id, city_id)
);

create index idx_linter_suppressions_rule_id on linter_suppressions (rule_id);
create index idx_linter_suppressions_event_id on linter_suppressions (event_id) where event_id is not null;

create trigger linter_suppressions_updated_at before update on linter_suppressions
  for each row execute function core_touch_updated_at();
