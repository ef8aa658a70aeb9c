-- Row-level security on the core tables, as in production where RLS is on almost everywhere
-- (artbattle-schema.md §3 conventions, §8 item 12). check_rls_policies reads pg_policies and
-- pg_class, so a few named policies exist. Arthur connects as the table owner, which RLS does not
-- restrict (no FORCE ROW LEVEL SECURITY); other roles see only what the policies allow.

-- Supabase's auth.uid(): the caller's user id from the request JWT claims, NULL outside a request.
create function auth.uid() returns uuid
language sql stable as $$
  select nullif(coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
  ), '')::uuid
$$;

alter table countries enable row level security;
alter table timezones enable row level security;
alter table cities enable row level security;
alter table venues enable row level security;
alter table people enable row level security;
alter table artist_profiles enable row level security;
alter table events enable row level security;
alter table rounds enable row level security;
alter table round_contestants enable row level security;
alter table art enable row level security;
alter table bids enable row level security;
alter table votes enable row level security;
alter table vote_weights enable row level security;
alter table qr_codes enable row level security;
alter table people_qr_scans enable row level security;
alter table artist_applications enable row level security;
alter table artist_invitations enable row level security;
alter table artist_confirmations enable row level security;
alter table endpoint_cache_versions enable row level security;
alter table system_logs enable row level security;

-- Public catalogue data the apps read without signing in.
create policy "Public read access to countries" on countries for select using (true);
create policy "Public read access to cities" on cities for select using (true);
create policy "Public read access to venues" on venues for select using (true);
create policy "Public read access to events" on events for select using (true);
create policy "Public read access to rounds" on rounds for select using (true);
create policy "Public read access to round_contestants" on round_contestants for select using (true);
create policy "Public read access to art" on art for select using (true);
create policy "Public read access to artist_profiles" on artist_profiles for select using (true);
create policy "Public read access to vote_weights" on vote_weights for select using (true);
create policy "Public read access to endpoint_cache_versions" on endpoint_cache_versions
  for select using (true);

-- Signed-in users see and edit their own rows.
create policy "Users can view own person record" on people for select
  using (auth_user_id = auth.uid());
create policy "Users can update own person record" on people for update
  using (auth_user_id = auth.uid()) with check (auth_user_id = auth.uid());
create policy "Artists can update own profile" on artist_profiles for update
  using (person_id in (select p.id from people p where p.auth_user_id = auth.uid()));
create policy "Users can view own bids" on bids for select
  using (person_id in (select p.id from people p where p.auth_user_id = auth.uid()));
create policy "Users can view own votes" on votes for select
  using (person_id in (select p.id from people p where p.auth_user_id = auth.uid()));
create policy "Users can view own QR scans" on people_qr_scans for select
  using (person_id in (select p.id from people p where p.auth_user_id = auth.uid()));
create policy "Artists can view own invitations" on artist_invitations for select
  using (artist_profile_id in (
    select ap.id from artist_profiles ap join people p on p.id = ap.person_id where p.auth_user_id = auth.uid()
  ));
create policy "Artists can view own applications" on artist_applications for select
  using (artist_profile_id in (
    select ap.id from artist_profiles ap join people p on p.id = ap.person_id where p.auth_user_id = auth.uid()
  ));
create policy "Artists can view own confirmations" on artist_confirmations for select
  using (artist_profile_id in (
    select ap.id from artist_profiles ap join people p on p.id = ap.person_id where p.auth_user_id = auth.uid()
  ));
