-- Art Battle demo: row-level security on the commerce and operations tables.
-- Production enables RLS almost everywhere and relies on the service role (which bypasses it) for
-- back-office access. A few named policies exist so check_rls_policies has something to show.
-- exchange_rates keeps RLS on with NO policy, exactly as production.

alter table artist_payments enable row level security;
alter table artist_stripe_accounts enable row level security;
alter table artist_global_payments enable row level security;
alter table artist_manual_payment_requests enable row level security;
alter table payment_setup_invitations enable row level security;
alter table payment_invitations enable row level security;
alter table payment_reminders enable row level security;
alter table exchange_rates enable row level security;
alter table payment_processing_control enable row level security;
alter table eventbrite_api_cache enable row level security;
alter table eventbrite_orders_cache enable row level security;
alter table sms_marketing_templates enable row level security;
alter table sms_marketing_campaigns enable row level security;
alter table sms_outbound enable row level security;
alter table sms_inbound enable row level security;
alter table sms_marketing_optouts enable row level security;
alter table message_queue enable row level security;
alter table email_logs enable row level security;
alter table slack_notifications enable row level security;
alter table artist_payment_email_queue enable row level security;
alter table offers enable row level security;
alter table offer_redemptions enable row level security;
alter table sponsorship_package_templates enable row level security;
alter table sponsorship_invites enable row level security;
alter table sponsorship_purchases enable row level security;
alter table ai_analysis_cache enable row level security;
alter table meta_ads_cache_cron_log enable row level security;
alter table event_linter_rules enable row level security;
alter table linter_suppressions enable row level security;

-- The signed-in artist's own rows. The JWT subject is read the way Supabase's auth.uid() does.
create policy "Artists can view their own payments" on artist_payments
  for select using (
    artist_profile_id in (
      select ap.id from artist_profiles ap
      join people p on p.id = ap.person_id
      where p.auth_user_id = nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
    )
  );

create policy "Artists can view their own Stripe account" on artist_stripe_accounts
  for select using (
    artist_profile_id in (
      select ap.id from artist_profiles ap
      join people p on p.id = ap.person_id
      where p.auth_user_id = nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
    )
  );

create policy "Artists can view their own global payment account" on artist_global_payments
  for select using (
    artist_profile_id in (
      select ap.id from artist_profiles ap
      join people p on p.id = ap.person_id
      where p.auth_user_id = nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
    )
  );

create policy "Artists can view their own manual payment requests" on artist_manual_payment_requests
  for select using (
    person_id in (
      select p.id from people p
      where p.auth_user_id = nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
    )
  );

create policy "Artists can create manual payment requests" on artist_manual_payment_requests
  for insert with check (
    person_id in (
      select p.id from people p
      where p.auth_user_id = nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
    )
  );

-- Public catalogue data.
create policy "Anyone can view active offers" on offers
  for select using (active);

create policy "Anyone can view active sponsorship packages" on sponsorship_package_templates
  for select using (is_active);

create policy "Anyone can read active linter rules" on event_linter_rules
  for select using (status = 'active');

-- A sponsorship invite link is its own credential: the page loads it by hash.
create policy "Anyone can view sponsorship invites by hash" on sponsorship_invites
  for select using (true);
