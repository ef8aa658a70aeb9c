-- 0003_esbmcp_memory_feedback.sql: versioned memory and emoji-reaction feedback.
--
-- Tables: esbmcp_memory_heads, esbmcp_memory_versions, esbmcp_reaction_feedback.
--
-- Original names, columns, types and defaults are kept (the memory tables keep
-- their composite primary key and bigserial); Arthur's additions follow as
-- ADD COLUMN IF NOT EXISTS, so this file also upgrades the original's tables.
--
-- Additions, and why:
--   esbmcp_memory_versions
--     created_by_role text  the role of whoever wrote the version, so a
--                           poisoned or unexpected memory can be traced to a
--                           caller and role (section 6.3).
--   esbmcp_reaction_feedback
--     session_id uuid       the session whose reply was reacted to; the
--                           original could not link a reaction back (6.2 item
--                           19). Nullable, no foreign key: a reaction can arrive
--                           before the session row is written, and reactions on
--                           messages that are not the bot's are not linked.
--     CHECK sentiment in (positive, negative, bug, neutral): the original's
--                           comment listed three values but the code also wrote
--                           neutral.
--     index on (session_id).
--
-- Memory concurrency (6.2 item 21) is handled by the writer, not the schema:
-- update and rollback run in one transaction that first locks the scope's
-- head row (INSERT ... ON CONFLICT DO NOTHING, then SELECT ... FOR UPDATE), so
-- two writers queue instead of colliding on (scope_type, scope_id, version_no).
-- token_budget keeps its name and default for compatibility; Arthur treats it
-- as a character budget, which is what the original actually measured.

-- ---------------------------------------------------------------------------
-- esbmcp_memory_heads: one pointer row per scope (channel id or tool name).
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_memory_heads (
  scope_type      text        NOT NULL,
  scope_id        text        NOT NULL,
  scope_label     text,
  current_version int         NOT NULL DEFAULT 0,
  token_budget    int         NOT NULL DEFAULT 2200,
  total_versions  int         NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope_type, scope_id)
);

ALTER TABLE esbmcp_memory_heads ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_memory_versions: append-only full snapshots, numbered per scope.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_memory_versions (
  id                       bigserial   PRIMARY KEY,
  scope_type               text        NOT NULL,
  scope_id                 text        NOT NULL,
  version_no               int         NOT NULL,
  parent_version_id        bigint,
  rollback_from_version_id bigint,
  content_md               text        NOT NULL,
  content_json             jsonb,
  change_summary           text,
  content_chars            int,
  session_id               uuid,
  source_message_ts        text,
  created_by               text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (scope_type, scope_id, version_no)
);

ALTER TABLE esbmcp_memory_versions
  ADD COLUMN IF NOT EXISTS created_by_role text;

CREATE INDEX IF NOT EXISTS idx_esbmcp_memory_versions_scope
  ON esbmcp_memory_versions (scope_type, scope_id, version_no DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_memory_versions_latest
  ON esbmcp_memory_versions (scope_type, scope_id, created_at DESC);

ALTER TABLE esbmcp_memory_versions ENABLE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- esbmcp_reaction_feedback: emoji reactions on the bot's replies.
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS esbmcp_reaction_feedback (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  slack_channel_id text        NOT NULL,
  message_ts       text        NOT NULL,
  thread_ts        text,
  slack_user_id    text        NOT NULL,
  reaction         text        NOT NULL,
  sentiment        text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_reaction_user_message UNIQUE (slack_channel_id, message_ts, slack_user_id, reaction)
);

ALTER TABLE esbmcp_reaction_feedback
  ADD COLUMN IF NOT EXISTS session_id uuid;

ALTER TABLE esbmcp_reaction_feedback
  ADD CONSTRAINT esbmcp_reaction_feedback_sentiment_check
    CHECK (sentiment IN ('positive', 'negative', 'bug', 'neutral'));

CREATE INDEX IF NOT EXISTS idx_esbmcp_reaction_feedback_sentiment
  ON esbmcp_reaction_feedback (sentiment, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_reaction_feedback_channel
  ON esbmcp_reaction_feedback (slack_channel_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_reaction_feedback_negative
  ON esbmcp_reaction_feedback (created_at DESC)
  WHERE sentiment IN ('negative', 'bug');
-- Arthur: reactions of one session; negative-feedback view join.
CREATE INDEX IF NOT EXISTS idx_esbmcp_reaction_feedback_session
  ON esbmcp_reaction_feedback (session_id)
  WHERE session_id IS NOT NULL;

ALTER TABLE esbmcp_reaction_feedback ENABLE ROW LEVEL SECURITY;
