-- 0001_esbmcp_core.sql: Arthur's observability and audit tables.
--
-- Tables: esbmcp_chat_sessions, esbmcp_tool_executions, esbmcp_audit_log,
--         esbmcp_tool_errors, esbmcp_feedback, esbmcp_bug_reports.
--
-- Every table keeps the original esbmcp_ name, columns, types and defaults, so
-- the existing dashboards and runbook queries still work. Each CREATE TABLE
-- below lists only the original columns; Arthur's additions come after it as
-- ALTER TABLE ... ADD COLUMN IF NOT EXISTS. Written that way, the same file
-- works on an empty database and on one that already holds the original bot's
-- esbmcp_ tables (their data is kept and upgraded in place).
--
-- Additions, and why:
--   esbmcp_chat_sessions
--     passthrough_mode boolean      the original passed this to its writer but
--                                   had no column for it, so it was lost.
--     ai_provider text              the LLM is provider-agnostic; ai_model alone
--                                   cannot price or explain a session.
--     memory_update_tokens int      tokens spent by the after-session memory
--                                   update, which the original never counted.
--     slack_thread_ts text,         where the reply was posted; lets a reaction
--     slack_reply_ts text           on the reply be linked back to its session
--                                   (index on channel + reply ts).
--   esbmcp_tool_executions
--     request_id text               correlates a call with its audit rows.
--     arguments_redacted boolean    true when values in arguments_preview were
--                                   masked or dropped as PII before storage.
--     result_truncated boolean      true when the gateway's row cap cut the result.
--     index on (created_at)         the 30/7-day views and retention filter on
--                                   time alone; no original index served that.
--   esbmcp_audit_log
--     index on (session_id)         missing in the original (spec section 4.1).
--   esbmcp_tool_errors
--     request_id text               as for executions.
--     resolved is now NOT NULL      (default false, as before); nulls are set to
--                                   false first, so "resolved = false" finds
--                                   every open error and uses the partial index.
--     index on (execution_id)       the error digest links errors to executions
--                                   by execution_id, which the gateway now fills.
--     index on (resolved_at)        retention of resolved errors.
--   esbmcp_feedback
--     unique (session_id, slack_user_id)  one rating per person per session;
--                                   write with ON CONFLICT ... DO UPDATE so a
--                                   changed mind or a Slack retry never doubles.
--   esbmcp_bug_reports
--     CHECK on status (open, in_progress, resolved, closed) and priority
--     (low, normal, high, critical): the original had neither.
--     session_id uuid               the session the report was filed from.
--     index on (resolved_at)        retention of resolved and closed reports.
--
-- Deliberately absent: foreign keys from executions, audit rows and errors to
-- sessions. Those rows are written while the request is still running, before
-- the session row exists, so the original had to drop such keys. If an old
-- database still has them (the first version of the original created them),
-- they are dropped below. esbmcp_feedback keeps its key with ON DELETE CASCADE.
--
-- Row-level security is enabled on every table with no policies, as in the
-- original: roles other than the owner (e.g. Supabase anon/authenticated) see
-- nothing. Arthur connects as the table owner, so it is not blocked (RLS is not
-- forced).

-- ---------------------------------------------------------------------------
-- esbmcp_chat_sessions: one row per interaction (Slack, web console, CLI).
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_chat_sessions (
  id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  slack_user_id           text        NOT NULL,
  slack_team_id           text,
  slack_channel_id        text,
  slack_username          text,
  user_role               text,
  interaction_type        text        NOT NULL DEFAULT 'app_mention',
  user_prompt             text        NOT NULL,
  ai_model                text,
  ai_system_prompt_hash   text,
  ai_response             text,
  tools_called            jsonb       DEFAULT '[]',
  tool_call_count         int         DEFAULT 0,
  status                  text        NOT NULL DEFAULT 'completed',
  error_message           text,
  error_id                text,
  total_duration_ms       int,
  ai_first_call_ms        int,
  ai_followup_ms          int,
  prompt_tokens           int         DEFAULT 0,
  completion_tokens       int         DEFAULT 0,
  total_tokens            int         DEFAULT 0,
  api_rounds              int         DEFAULT 0,
  redaction_rules_applied jsonb       DEFAULT '[]',
  request_id              text,
  gateway_version         text,
  created_at              timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_chat_sessions
  ADD COLUMN IF NOT EXISTS passthrough_mode     boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS ai_provider          text,
  ADD COLUMN IF NOT EXISTS memory_update_tokens int     NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS slack_thread_ts      text,
  ADD COLUMN IF NOT EXISTS slack_reply_ts       text;

CREATE INDEX IF NOT EXISTS idx_esbmcp_chat_sessions_user
  ON esbmcp_chat_sessions (slack_user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_chat_sessions_created
  ON esbmcp_chat_sessions (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_chat_sessions_status
  ON esbmcp_chat_sessions (status)
  WHERE status <> 'completed';
-- Arthur: find the session behind a bot reply that someone reacted to.
CREATE INDEX IF NOT EXISTS idx_esbmcp_chat_sessions_reply
  ON esbmcp_chat_sessions (slack_channel_id, slack_reply_ts)
  WHERE slack_reply_ts IS NOT NULL;

ALTER TABLE esbmcp_chat_sessions ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_tool_executions: one row per tool call. session_id has no foreign key.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_tool_executions (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id        uuid,
  slack_user_id     text,
  slack_team_id     text,
  slack_channel_id  text,
  user_role         text,
  tool_name         text        NOT NULL,
  domain            text,
  risk_level        text,
  arguments_hash    text,
  arguments_keys    jsonb       DEFAULT '[]',
  arguments_preview jsonb,
  ok                boolean     NOT NULL DEFAULT true,
  result_keys       jsonb       DEFAULT '[]',
  result_row_count  int,
  has_error_field   boolean     DEFAULT false,
  duration_ms       int,
  queued_at         timestamptz,
  started_at        timestamptz,
  completed_at      timestamptz NOT NULL DEFAULT now(),
  error_message     text,
  error_code        text,
  error_stack       text,
  created_at        timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_tool_executions
  DROP CONSTRAINT IF EXISTS esbmcp_tool_executions_session_id_fkey;

ALTER TABLE esbmcp_tool_executions
  ADD COLUMN IF NOT EXISTS request_id         text,
  ADD COLUMN IF NOT EXISTS arguments_redacted boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS result_truncated   boolean NOT NULL DEFAULT false;

CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_executions_tool
  ON esbmcp_tool_executions (tool_name, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_executions_session
  ON esbmcp_tool_executions (session_id)
  WHERE session_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_executions_user
  ON esbmcp_tool_executions (slack_user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_executions_errors
  ON esbmcp_tool_executions (created_at DESC)
  WHERE ok = false;
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_executions_domain
  ON esbmcp_tool_executions (domain, created_at DESC);
-- Arthur: time-window views and retention.
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_executions_created
  ON esbmcp_tool_executions (created_at DESC);

ALTER TABLE esbmcp_tool_executions ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_audit_log: append-only policy and security events.
-- event_type values include identity_allowed/denied, rate_limit_ok/exceeded,
-- role_allowed/denied, tool_executed/failed, confirmation_required/satisfied,
-- mutating_tool_blocked/executed, session_started/completed/error,
-- tool_not_found, missing_role, invalid_arguments, no_tools_available.
-- Left as free text so new gateway events need no migration.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_audit_log (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id       uuid,
  slack_user_id    text,
  slack_team_id    text,
  slack_channel_id text,
  slack_username   text,
  user_role        text,
  ip_address       text,
  event_type       text        NOT NULL,
  tool_name        text,
  target_entity    text,
  detail           jsonb       DEFAULT '{}',
  request_id       text,
  gateway_version  text,
  created_at       timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_audit_log
  DROP CONSTRAINT IF EXISTS esbmcp_audit_log_session_id_fkey;

CREATE INDEX IF NOT EXISTS idx_esbmcp_audit_log_user
  ON esbmcp_audit_log (slack_user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_audit_log_event_type
  ON esbmcp_audit_log (event_type, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_audit_log_created
  ON esbmcp_audit_log (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_audit_log_denials
  ON esbmcp_audit_log (created_at DESC)
  WHERE event_type IN ('identity_denied', 'role_denied', 'rate_limit_exceeded', 'mutating_tool_blocked');
-- Arthur: the index the original forgot; "everything that happened in session X".
CREATE INDEX IF NOT EXISTS idx_esbmcp_audit_log_session
  ON esbmcp_audit_log (session_id)
  WHERE session_id IS NOT NULL;

ALTER TABLE esbmcp_audit_log ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_tool_errors: one row per failed tool call, with enough detail to fix
-- it. execution_id points at the esbmcp_tool_executions row of the same call
-- (no foreign key: the two rows are written independently).
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_tool_errors (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  execution_id      uuid,
  session_id        uuid,
  slack_user_id     text,
  user_role         text,
  tool_name         text        NOT NULL,
  domain            text,
  arguments_hash    text,
  arguments_preview jsonb,
  error_type        text        NOT NULL,
  error_message     text        NOT NULL,
  error_code        text,
  error_detail      text,
  error_hint        text,
  error_position    text,
  error_stack       text,
  sql_query_preview text,
  resolved          boolean     DEFAULT false,
  resolved_at       timestamptz,
  resolved_by       text,
  resolution_note   text,
  created_at        timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_tool_errors
  DROP CONSTRAINT IF EXISTS esbmcp_tool_errors_execution_id_fkey,
  DROP CONSTRAINT IF EXISTS esbmcp_tool_errors_session_id_fkey;

ALTER TABLE esbmcp_tool_errors
  ADD COLUMN IF NOT EXISTS request_id text;

UPDATE esbmcp_tool_errors SET resolved = false WHERE resolved IS NULL;
ALTER TABLE esbmcp_tool_errors ALTER COLUMN resolved SET NOT NULL;

CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_errors_tool
  ON esbmcp_tool_errors (tool_name, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_errors_unresolved
  ON esbmcp_tool_errors (created_at DESC)
  WHERE resolved = false;
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_errors_type
  ON esbmcp_tool_errors (error_type, created_at DESC);
-- Arthur: error digest join, and retention of resolved errors.
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_errors_execution
  ON esbmcp_tool_errors (execution_id)
  WHERE execution_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_esbmcp_tool_errors_resolved_at
  ON esbmcp_tool_errors (resolved_at)
  WHERE resolved = true;

ALTER TABLE esbmcp_tool_errors ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_feedback: explicit ratings of a session (-1 bad, 0 neutral, 1 good).
-- Deleting a session deletes its feedback.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_feedback (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id    uuid        NOT NULL REFERENCES esbmcp_chat_sessions (id) ON DELETE CASCADE,
  slack_user_id text        NOT NULL,
  rating        smallint    NOT NULL CHECK (rating IN (-1, 0, 1)),
  comment       text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_esbmcp_feedback_session
  ON esbmcp_feedback (session_id);
CREATE INDEX IF NOT EXISTS idx_esbmcp_feedback_negative
  ON esbmcp_feedback (created_at DESC)
  WHERE rating = -1;
-- Arthur: one rating per person per session (upsert target).
CREATE UNIQUE INDEX IF NOT EXISTS uq_esbmcp_feedback_session_user
  ON esbmcp_feedback (session_id, slack_user_id);

ALTER TABLE esbmcp_feedback ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_bug_reports: reports filed through the create_bug_report tool.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_bug_reports (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  slack_user_id    text        NOT NULL,
  slack_username   text,
  slack_channel_id text,
  title            text        NOT NULL,
  description      text,
  related_eid      text,
  status           text        NOT NULL DEFAULT 'open',
  priority         text        DEFAULT 'normal',
  resolved_at      timestamptz,
  resolved_by      text,
  resolution_note  text,
  created_at       timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE esbmcp_bug_reports
  ADD COLUMN IF NOT EXISTS session_id uuid;

ALTER TABLE esbmcp_bug_reports
  ADD CONSTRAINT esbmcp_bug_reports_status_check
    CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  ADD CONSTRAINT esbmcp_bug_reports_priority_check
    CHECK (priority IN ('low', 'normal', 'high', 'critical'));

CREATE INDEX IF NOT EXISTS idx_esbmcp_bug_reports_open
  ON esbmcp_bug_reports (status, created_at DESC)
  WHERE status <> 'closed';
CREATE INDEX IF NOT EXISTS idx_esbmcp_bug_reports_created
  ON esbmcp_bug_reports (created_at DESC);
-- Arthur: retention of finished reports.
CREATE INDEX IF NOT EXISTS idx_esbmcp_bug_reports_resolved_at
  ON esbmcp_bug_reports (resolved_at)
  WHERE status IN ('resolved', 'closed');

ALTER TABLE esbmcp_bug_reports ENABLE ROW LEVEL SECURITY;
