-- 0002_esbmcp_charts.sql: ticket-pace chart autoposting.
--
-- Tables: esbmcp_scheduled_chart_jobs, esbmcp_chart_posts_log,
--         esbmcp_chart_comparator_candidates.
--
-- Original names, columns, types and defaults are kept (CREATE TABLE lists
-- only those); Arthur's additions follow as ADD COLUMN IF NOT EXISTS, so this
-- file also upgrades a database that already has the original bot's tables.
--
-- Additions, and why:
--   esbmcp_scheduled_chart_jobs
--     CHECK cadence   in (auto, weekly, every_2_days, daily)
--     CHECK comparator_mode in (auto, locked)
--     CHECK status    in (active, paused, completed, error, cancelled).
--                     'cancelled' is new: a job stopped by a person, as
--                     opposed to one that ran to its auto_stop_at (completed).
--     CHECK locked_comparators is a JSON array: the original typed comparator
--                     lists as objects and could never store them (6.2 item 4).
--     partial UNIQUE (eid, slack_channel_id) WHERE status IN (active, paused):
--                     only one live job per event and channel. Upsert with
--                     ON CONFLICT (eid, slack_channel_id)
--                     WHERE status IN ('active', 'paused'). When upgrading,
--                     older live duplicates are set to 'cancelled' first.
--     fail_count int, last_status text, last_error text: a failed run is
--                     retried with backoff instead of turning the job into
--                     'error' for good (6.2 item 10); also the columns the
--                     original's diagnose.md query already selects.
--     is_active boolean, generated from status = 'active': the third column
--                     that diagnose.md query expects (section 6.5).
--     lease_owner text, lease_expires_at timestamptz: a replica claims a due
--                     job for the length of one run, so two replicas or two
--                     overlapping ticks never run the same job (6.2 item 10).
--   esbmcp_chart_posts_log
--     slot_key text with partial UNIQUE (job_id, slot_key) WHERE slot_key IS
--                     NOT NULL: one row per schedule slot (for example
--                     '2026-03-02T10:00Z'). The scheduler inserts the slot's row
--                     first with ON CONFLICT (job_id, slot_key) WHERE slot_key
--                     IS NOT NULL DO NOTHING; only the replica that inserted it
--                     renders and posts, so a slot posts once across replicas.
--     source text     'scheduler' or 'chat', so the duplicate-hash check can
--                     ignore charts made in chat (6.2 item 10).
--     slack_file_id text: the uploaded file's id. The original stored it in
--                     slack_message_ts, which now holds only a message ts.
--     posted_at timestamptz: when the post reached Slack; null for skips and
--                     for a slot claimed but not (yet) posted.
--     error_message text: why an 'error' skip happened.
--     index on (created_at): retention.
--   esbmcp_chart_comparator_candidates
--     CHECK pool in (same_city, cross_city); CHECK candidate_eid <> target_eid.
--     index on (scored_at): retention.
--
-- job_id still has no foreign key: log rows outlive their job (retention
-- removes finished jobs before their history), and chat charts have no job.

-- ---------------------------------------------------------------------------
-- esbmcp_scheduled_chart_jobs: one autopost schedule per event and channel.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_scheduled_chart_jobs (
  id                 uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  eid                text          NOT NULL,
  eventbrite_id      text          NOT NULL,
  slack_channel_id   text          NOT NULL,
  cadence            text          NOT NULL DEFAULT 'auto',
  next_run_at        timestamptz,
  last_run_at        timestamptz,
  auto_stop_at       timestamptz,
  comparator_mode    text          NOT NULL DEFAULT 'auto',
  locked_comparators jsonb         DEFAULT '[]',
  status             text          NOT NULL DEFAULT 'active',
  last_ticket_count  int,
  last_pace_per_day  numeric(10,2),
  created_by         text,
  created_at         timestamptz   NOT NULL DEFAULT now(),
  updated_at         timestamptz   NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_scheduled_chart_jobs
  ADD COLUMN IF NOT EXISTS fail_count       int     NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS last_status      text,
  ADD COLUMN IF NOT EXISTS last_error       text,
  ADD COLUMN IF NOT EXISTS is_active        boolean GENERATED ALWAYS AS (status = 'active') STORED,
  ADD COLUMN IF NOT EXISTS lease_owner      text,
  ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz;

ALTER TABLE esbmcp_scheduled_chart_jobs
  ADD CONSTRAINT esbmcp_scheduled_chart_jobs_cadence_check
    CHECK (cadence IN ('auto', 'weekly', 'every_2_days', 'daily')),
  ADD CONSTRAINT esbmcp_scheduled_chart_jobs_comparator_mode_check
    CHECK (comparator_mode IN ('auto', 'locked')),
  ADD CONSTRAINT esbmcp_scheduled_chart_jobs_status_check
    CHECK (status IN ('active', 'paused', 'completed', 'error', 'cancelled')),
  ADD CONSTRAINT esbmcp_scheduled_chart_jobs_locked_comparators_check
    CHECK (jsonb_typeof(locked_comparators) = 'array'),
  ADD CONSTRAINT esbmcp_scheduled_chart_jobs_fail_count_check
    CHECK (fail_count >= 0);

-- Upgrade path only (no rows on a fresh database): keep the newest live job for
-- each (eid, channel) and cancel the older ones, so the unique index can build.
UPDATE esbmcp_scheduled_chart_jobs AS j
SET status = 'cancelled',
    updated_at = now(),
    last_error = 'cancelled by migration 0002: duplicate live job for this event and channel'
WHERE j.status IN ('active', 'paused')
  AND EXISTS (
    SELECT 1
    FROM esbmcp_scheduled_chart_jobs AS newer
    WHERE newer.eid = j.eid
      AND newer.slack_channel_id = j.slack_channel_id
      AND newer.status IN ('active', 'paused')
      AND (newer.created_at, newer.id) > (j.created_at, j.id)
  );

CREATE UNIQUE INDEX IF NOT EXISTS uq_esbmcp_chart_jobs_live
  ON esbmcp_scheduled_chart_jobs (eid, slack_channel_id)
  WHERE status IN ('active', 'paused');
CREATE INDEX IF NOT EXISTS idx_esbmcp_chart_jobs_active
  ON esbmcp_scheduled_chart_jobs (next_run_at)
  WHERE status = 'active';
CREATE INDEX IF NOT EXISTS idx_esbmcp_chart_jobs_eid
  ON esbmcp_scheduled_chart_jobs (eid);

ALTER TABLE esbmcp_scheduled_chart_jobs ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_chart_posts_log: one row per chart posted or skipped.
-- skip_reason values: no_change, duplicate_hash, error, no_data.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_chart_posts_log (
  id                 uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id             uuid,
  eid                text          NOT NULL,
  chart_url          text,
  payload_hash       text,
  comparators_used   jsonb         DEFAULT '[]',
  ticket_count       int,
  revenue            numeric(12,2),
  pace_per_day       numeric(10,2),
  days_until_event   int,
  slack_message_ts   text,
  skipped            boolean       NOT NULL DEFAULT false,
  skip_reason        text,
  render_duration_ms int,
  created_at         timestamptz   NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_chart_posts_log
  ADD COLUMN IF NOT EXISTS slot_key      text,
  ADD COLUMN IF NOT EXISTS source        text NOT NULL DEFAULT 'scheduler',
  ADD COLUMN IF NOT EXISTS slack_file_id text,
  ADD COLUMN IF NOT EXISTS posted_at     timestamptz,
  ADD COLUMN IF NOT EXISTS error_message text;

ALTER TABLE esbmcp_chart_posts_log
  ADD CONSTRAINT esbmcp_chart_posts_log_source_check
    CHECK (source IN ('scheduler', 'chat'));

-- Upgrade path only (no rows on a fresh database): rows without a job came from
-- chat, and Slack file ids ('F...') move out of slack_message_ts, where real
-- message timestamps ('1709391234.123456') never start with a letter.
UPDATE esbmcp_chart_posts_log SET source = 'chat' WHERE job_id IS NULL;
UPDATE esbmcp_chart_posts_log
SET slack_file_id = slack_message_ts,
    slack_message_ts = NULL
WHERE slack_message_ts LIKE 'F%';

CREATE UNIQUE INDEX IF NOT EXISTS uq_esbmcp_chart_posts_job_slot
  ON esbmcp_chart_posts_log (job_id, slot_key)
  WHERE slot_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_esbmcp_chart_posts_eid
  ON esbmcp_chart_posts_log (eid, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_chart_posts_job
  ON esbmcp_chart_posts_log (job_id, created_at DESC)
  WHERE job_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_esbmcp_chart_posts_hash
  ON esbmcp_chart_posts_log (payload_hash)
  WHERE payload_hash IS NOT NULL;
-- Arthur: retention.
CREATE INDEX IF NOT EXISTS idx_esbmcp_chart_posts_created
  ON esbmcp_chart_posts_log (created_at);

ALTER TABLE esbmcp_chart_posts_log ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_chart_comparator_candidates: scored comparable events per target.
-- Scores are 0..1; pool is same_city or cross_city.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_chart_comparator_candidates (
  id                      uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
  target_eid              text         NOT NULL,
  candidate_eid           text         NOT NULL,
  candidate_name          text,
  candidate_city          text,
  candidate_date          timestamptz,
  candidate_total_tickets int,
  city_score              numeric(5,3) DEFAULT 0,
  scale_similarity        numeric(5,3) DEFAULT 0,
  price_similarity        numeric(5,3) DEFAULT 0,
  recency_score           numeric(5,3) DEFAULT 0,
  weekday_similarity      numeric(5,3) DEFAULT 0,
  total_score             numeric(5,3) DEFAULT 0,
  pool                    text         NOT NULL DEFAULT 'cross_city',
  scored_at               timestamptz  NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_chart_comparator_candidates
  ADD CONSTRAINT esbmcp_chart_comparator_candidates_pool_check
    CHECK (pool IN ('same_city', 'cross_city')),
  ADD CONSTRAINT esbmcp_chart_comparator_candidates_not_self_check
    CHECK (candidate_eid <> target_eid);

CREATE INDEX IF NOT EXISTS idx_esbmcp_comparators_target
  ON esbmcp_chart_comparator_candidates (target_eid, total_score DESC);
CREATE UNIQUE INDEX IF NOT EXISTS idx_esbmcp_comparators_pair
  ON esbmcp_chart_comparator_candidates (target_eid, candidate_eid);
-- Arthur: retention.
CREATE INDEX IF NOT EXISTS idx_esbmcp_comparators_scored
  ON esbmcp_chart_comparator_candidates (scored_at);

ALTER TABLE esbmcp_chart_comparator_candidates ENABLE ROW LEVEL SECURITY;
