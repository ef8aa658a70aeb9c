-- Art Battle demo: platform SQL functions over the commerce tables (artbattle-schema.md §4.5–§4.7).
-- Production bodies are not reproduced; these follow the documented arithmetic. Where the output
-- shape is undocumented (marked "inferred") the columns are the demo's choice.
--
-- Shared valuation rule: a sale is worth COALESCE(final_price, current_bid, 0) and the artist earns
-- that times events.artist_auction_portion, in the event's currency.

-- Balance still owed to one artist in one currency: sold or paid art minus every payment that is
-- pending, processing, paid or verified in that currency. Floored at zero.
create or replace function get_artist_balance_for_currency(p_artist_profile_id uuid, p_currency text)
returns numeric
language sql stable as $$
  select greatest(
    0,
    round(
      coalesce((
        select sum(coalesce(a.final_price, a.current_bid, 0) * e.artist_auction_portion)
        from art a
        join events e on e.id = a.event_id
        where a.artist_id = p_artist_profile_id
          and a.status in ('sold', 'paid')
          and e.currency = p_currency
      ), 0)
      - coalesce((
        select sum(p.gross_amount)
        from artist_payments p
        where p.artist_profile_id = p_artist_profile_id
          and p.currency = p_currency
          and p.status in ('pending', 'processing', 'paid', 'verified')
      ), 0),
      2
    )
  )
$$;

-- One row per (artist, currency) with more than 0.01 owed. Only buyer-paid art counts, and only
-- settled payments (paid/verified; 'completed' is tested as production does, though the CHECK
-- forbids it) are debited, in the currency of the payment's artwork event when it has one.
create or replace function get_artists_owed()
returns table (
  artist_id uuid,
  artist_name text,
  artist_email text,
  artist_phone text,
  artist_entry_id integer,
  artist_country text,
  estimated_balance numeric,
  balance_currency text,
  stripe_recipient_id text,
  payment_account_status text,
  recent_city text,
  recent_contests integer,
  default_currency text
)
language sql stable as $$
  with earnings as (
    select a.artist_id, e.currency::text as currency,
           sum(coalesce(a.final_price, a.current_bid, 0) * coalesce(e.artist_auction_portion, 0.5)) as amount
    from art a
    join events e on e.id = a.event_id
    where a.status = 'paid' and a.artist_id is not null
    group by a.artist_id, e.currency
  ),
  debits as (
    select p.artist_profile_id as artist_id, coalesce(e.currency, p.currency)::text as currency,
           sum(p.gross_amount) as amount
    from artist_payments p
    left join art a on a.id = p.art_id
    left join events e on e.id = a.event_id
    where p.status in ('completed', 'paid', 'verified')
    group by p.artist_profile_id, coalesce(e.currency, p.currency)
  ),
  balances as (
    select coalesce(er.artist_id, d.artist_id) as artist_id,
           coalesce(er.currency, d.currency) as currency,
           coalesce(er.amount, 0) - coalesce(d.amount, 0) as balance
    from earnings er
    full join debits d on d.artist_id = er.artist_id and d.currency = er.currency
  )
  select ap.id,
         ap.name::text,
         ap.email::text,
         ap.phone::text,
         ap.entry_id,
         ap.country::text,
         round(b.balance, 2),
         b.currency,
         g.stripe_recipient_id,
         coalesce(g.status, 'not_set_up'),
         ''::text,
         0,
         g.default_currency::text
  from balances b
  join artist_profiles ap on ap.id = b.artist_id
  left join artist_global_payments g on g.artist_profile_id = ap.id
  where b.balance > 0.01
  order by b.balance desc, ap.id, b.currency
$$;

-- Older single-currency variant keyed by artist number: a flat 50% of sold or paid art minus
-- completed/paid/verified payments, in the currency of the country of the latest selling event.
create or replace function get_artist_balance_and_currency(p_entry_id integer)
returns table (balance numeric, currency text, artist_profile_id uuid)
language sql stable as $$
  with artist as (
    select id from artist_profiles where entry_id = p_entry_id
  ),
  latest_country as (
    select c.code
    from art a
    join events e on e.id = a.event_id
    join cities ci on ci.id = e.city_id
    join countries c on c.id = ci.country_id
    where a.artist_id = (select id from artist) and a.status in ('sold', 'paid')
    order by e.event_start_datetime desc nulls last
    limit 1
  )
  select greatest(0, round(
           coalesce((select sum(coalesce(a.final_price, a.current_bid, 0) * 0.5)
                     from art a where a.artist_id = artist.id and a.status in ('sold', 'paid')), 0)
           - coalesce((select sum(p.gross_amount) from artist_payments p
                       where p.artist_profile_id = artist.id
                         and p.status in ('completed', 'paid', 'verified')), 0), 2)),
         case (select code from latest_country)
           when 'CA' then 'CAD' when 'US' then 'USD' when 'GB' then 'GBP' when 'AU' then 'AUD'
           when 'NZ' then 'NZD' when 'TH' then 'THB' when 'MX' then 'MXN' when 'JP' then 'JPY'
           when 'NL' then 'EUR' when 'DE' then 'EUR' when 'FR' then 'EUR' when 'IE' then 'EUR'
           else 'USD'
         end,
         artist.id
  from artist
$$;

-- Artists an admin can pay now. Set A: a ready Stripe Global Payouts account and nothing in flight.
-- Set B: an open manual payment request and no ready account. The balance is every currency's
-- earnings minus every non-cancelled payment, without conversion, as production does.
-- payment_account_status 'ready_manual' for set B is the demo's label (inferred).
create or replace function get_ready_to_pay_artists()
returns table (
  artist_id uuid,
  name text,
  email text,
  phone text,
  entry_id integer,
  country text,
  estimated_balance numeric,
  balance_currency text,
  currency_symbol text,
  has_mixed_currencies boolean,
  payment_account_status text,
  stripe_recipient_id text,
  recent_city text,
  recent_contests integer
)
language sql stable as $$
  with per_currency as (
    select a.artist_id, e.currency::text as currency,
           sum(coalesce(a.final_price, a.current_bid, 0) * coalesce(e.artist_auction_portion, 0.5)) as earned
    from art a
    join events e on e.id = a.event_id
    where a.status = 'paid' and a.artist_id is not null
    group by a.artist_id, e.currency
  ),
  per_artist as (
    select pc.artist_id,
           sum(pc.earned) as earned,
           (array_agg(pc.currency order by pc.earned desc, pc.currency))[1] as primary_currency,
           count(*) > 1 as mixed
    from per_currency pc
    group by pc.artist_id
  ),
  balances as (
    select pa.artist_id, pa.primary_currency, pa.mixed,
           pa.earned - coalesce((select sum(p.gross_amount) from artist_payments p
                                 where p.artist_profile_id = pa.artist_id and p.status <> 'cancelled'), 0)
             as balance
    from per_artist pa
  ),
  candidates as (
    select b.*, g.status as account_status, g.stripe_recipient_id as recipient
    from balances b
    join artist_global_payments g on g.artist_profile_id = b.artist_id
    where g.status = 'ready' and g.stripe_recipient_id is not null and b.balance > 0.01
      and not exists (select 1 from artist_payments p
                      where p.artist_profile_id = b.artist_id
                        and p.status in ('queued', 'processing', 'pending', 'initiated'))
    union all
    select b.*, 'ready_manual', null
    from balances b
    where b.balance > 0.01
      and exists (select 1 from artist_manual_payment_requests r
                  where r.artist_profile_id = b.artist_id and r.status = 'pending')
      and not exists (select 1 from artist_global_payments g
                      where g.artist_profile_id = b.artist_id and g.status = 'ready'
                        and g.stripe_recipient_id is not null)
  ),
  recent as (
    select rc.artist_id,
           (array_agg(ci.name order by e.event_start_datetime desc))[1] as city,
           count(distinct e.id) as contests
    from round_contestants rc
    join rounds r on r.id = rc.round_id
    join events e on e.id = r.event_id
    left join cities ci on ci.id = e.city_id
    where e.event_start_datetime >= now() - interval '365 days'
    group by rc.artist_id
  )
  select ap.id, ap.name::text, ap.email::text, ap.phone::text, ap.entry_id, ap.country::text,
         round(c.balance, 2), c.primary_currency,
         coalesce((select co.currency_symbol::text from countries co
                   where co.currency_code = c.primary_currency limit 1), '$'),
         c.mixed, c.account_status, c.recipient,
         coalesce(rt.city::text, ''), coalesce(rt.contests, 0)::integer
  from candidates c
  join artist_profiles ap on ap.id = c.artist_id
  left join recent rt on rt.artist_id = c.artist_id
  order by c.balance desc, ap.id
$$;

-- Batch feed of auto-process-artist-payments: automated payments waiting to go out whose artist
-- has a ready recipient, oldest first. Output columns are inferred from the Edge Function's use.
create or replace function get_pending_payments_for_processing(batch_limit integer default 10)
returns table (
  id uuid,
  artist_profile_id uuid,
  artist_name text,
  artist_email text,
  gross_amount numeric,
  net_amount numeric,
  currency text,
  status text,
  description text,
  stripe_recipient_id text,
  account_region text,
  metadata jsonb,
  created_at timestamptz
)
language sql stable as $$
  select p.id, p.artist_profile_id, ap.name::text, ap.email::text, p.gross_amount, p.net_amount,
         p.currency::text, p.status, p.description, g.stripe_recipient_id,
         coalesce(g.metadata ->> 'account_region', 'international'), p.metadata, p.created_at
  from artist_payments p
  join artist_profiles ap on ap.id = p.artist_profile_id
  join artist_global_payments g on g.artist_profile_id = p.artist_profile_id
  where p.payment_type = 'automated'
    and p.status in ('pending', 'processing')
    and g.status = 'ready'
    and g.stripe_recipient_id is not null
  order by p.created_at, p.id
  limit greatest(batch_limit, 0)
$$;

-- Four health signals over artist_payments. Column names and alert thresholds are inferred;
-- only automated (Stripe) payouts can miss a webhook, so manual rows are not counted there.
create or replace function get_payment_status_health()
returns table (check_name text, payment_count bigint, oldest_at timestamptz, alert_level text)
language sql stable as $$
  with checks as (
    select 'stuck_processing' as check_name, count(*) as n, min(coalesce(p.updated_at, p.created_at)) as oldest
    from artist_payments p
    where p.status = 'processing' and coalesce(p.updated_at, p.created_at) < now() - interval '5 minutes'
    union all
    select 'missing_webhook', count(*), min(p.paid_at)
    from artist_payments p
    where p.status = 'paid' and p.payment_type = 'automated' and p.webhook_confirmed_at is null
      and coalesce(p.paid_at, p.updated_at, p.created_at) < now() - interval '10 minutes'
    union all
    select 'recent_verified', count(*), min(p.webhook_confirmed_at)
    from artist_payments p
    where p.status = 'verified' and p.webhook_confirmed_at >= now() - interval '1 hour'
    union all
    select 'recent_failures', count(*), min(p.updated_at)
    from artist_payments p
    where p.status = 'failed' and coalesce(p.updated_at, p.created_at) >= now() - interval '24 hours'
  )
  select c.check_name, c.n, c.oldest,
         case
           when c.check_name = 'recent_verified' then 'info'
           when c.n = 0 then 'ok'
           when c.check_name = 'stuck_processing' then 'critical'
           when c.check_name = 'recent_failures' and c.n >= 5 then 'critical'
           else 'warning'
         end
  from checks c
$$;

-- True when a phone may not receive marketing SMS: an active opt-out row, or a people row with that
-- phone that is message-blocked.
create or replace function is_phone_opted_out(p_phone text)
returns boolean
language sql stable as $$
  select exists (
           select 1 from sms_marketing_optouts o
           where o.phone_number = p_phone and o.is_active
         )
      or exists (
           select 1 from people pe
           where (pe.phone = p_phone or pe.phone_number = p_phone)
             and coalesce(pe.message_blocked, 0) > 0
         )
$$;

-- Outbox depth per (status, channel), with the oldest row of each group.
create or replace function get_message_queue_stats()
returns table (status text, channel text, message_count bigint, oldest_message timestamptz)
language sql stable as $$
  select q.status::text, q.channel, count(*), min(q.created_at)
  from message_queue q
  group by q.status, q.channel
  order by q.status::text, q.channel
$$;

-- Despite its name this counts artist_payment_email_queue rows of one event by status (it does
-- not read email_logs). One row of counts; column names are inferred.
create or replace function get_email_queue_stats(p_event_eid text)
returns table (
  event_eid text,
  total_count bigint,
  draft_count bigint,
  ready_for_review_count bigint,
  approved_count bigint,
  sent_count bigint,
  failed_count bigint
)
language sql stable as $$
  select p_event_eid,
         count(q.id),
         count(q.id) filter (where q.status = 'draft'),
         count(q.id) filter (where q.status = 'ready_for_review'),
         count(q.id) filter (where q.status = 'approved'),
         count(q.id) filter (where q.status = 'sent'),
         count(q.id) filter (where q.status = 'failed')
  from events e
  left join artist_payment_email_queue q on q.event_id = e.id
  where e.eid = p_event_eid
$$;

-- Called by the event-linter for every finding of a rule.
create or replace function increment_rule_hit_count(p_rule_id text)
returns void
language sql as $$
  update event_linter_rules set hit_count = coalesce(hit_count, 0) + 1 where rule_id = p_rule_id
$$;
