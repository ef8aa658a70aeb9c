-- 0012_arthur_slack_knowledge.sql: a searchable archive of a Slack workspace export.
--
-- Replaces the original's RAG sidecar (Qdrant + Ollama) with Postgres alone: full-text search on a
-- stored tsvector plus trigram word similarity on the text, both served by GIN indexes. Rows are
-- written by `arthur knowledge import` (src/knowledge/), keyed by Slack's own ids, so importing the
-- same export again changes nothing.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it. The demo
-- schema creates it too; this migration does not rely on that, it also runs on a customer database.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Public channels of the export (channels.json). Private channels and DMs are never imported.
CREATE TABLE IF NOT EXISTS arthur_knowledge_channels (
  id            text        PRIMARY KEY,
  name          text        NOT NULL,
  topic         text,
  purpose       text,
  is_archived   boolean     NOT NULL DEFAULT false,
  created_at    timestamptz,
  -- https://<workspace>.slack.com, when the import was told; permalinks need it.
  workspace_url text,
  imported_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_channels_name ON arthur_knowledge_channels (lower(name));

-- People and bots of the export (users.json, plus authors only known from a message's profile).
CREATE TABLE IF NOT EXISTS arthur_knowledge_users (
  id           text        PRIMARY KEY,
  name         text,
  real_name    text,
  display_name text,
  email        text,
  is_bot       boolean     NOT NULL DEFAULT false,
  deleted      boolean     NOT NULL DEFAULT false,
  imported_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_users_name ON arthur_knowledge_users (lower(name));
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_users_real_name ON arthur_knowledge_users (lower(real_name));
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_users_display_name
  ON arthur_knowledge_users (lower(display_name));

-- One row per message, as plain text (mentions, channel links and URLs already resolved).
--   ts / thread_ts  Slack's message ids ("1757000000.000200"); ts_at is ts as a timestamp.
--   is_reply        inside a thread and not broadcast to the channel: not part of the channel's
--                   own timeline (the "message before / after" context skips it).
--   search          the english-configuration tsvector of text, kept by Postgres.
CREATE TABLE IF NOT EXISTS arthur_knowledge_messages (
  channel_id  text        NOT NULL REFERENCES arthur_knowledge_channels (id) ON DELETE CASCADE,
  ts          text        NOT NULL,
  ts_at       timestamptz NOT NULL,
  thread_ts   text,
  user_id     text,
  -- The author's name as the export showed it with the message (bots without a user id).
  user_name   text,
  subtype     text,
  text        text        NOT NULL,
  reply_count int         NOT NULL DEFAULT 0,
  source_file text        NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  is_reply    boolean     GENERATED ALWAYS AS (
    thread_ts IS NOT NULL AND thread_ts <> ts AND subtype IS DISTINCT FROM 'thread_broadcast'
  ) STORED,
  search      tsvector    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED,
  PRIMARY KEY (channel_id, ts)
);

-- Ranking: full-text candidates (search @@ query) and trigram candidates (query <% text).
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_search
  ON arthur_knowledge_messages USING gin (search);
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_trgm
  ON arthur_knowledge_messages USING gin (text gin_trgm_ops);
-- Filters: channel (+ dates), user (+ dates), dates alone; also the archive's first and last message.
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_channel_at
  ON arthur_knowledge_messages (channel_id, ts_at);
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_user_at
  ON arthur_knowledge_messages (user_id, ts_at);
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_at ON arthur_knowledge_messages (ts_at);
-- Context: the message before and after a hit in its channel's timeline.
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_timeline
  ON arthur_knowledge_messages (channel_id, ts_at) WHERE NOT is_reply;
-- Thread previews (and the thread count in the statistics).
CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_messages_thread
  ON arthur_knowledge_messages (channel_id, thread_ts, ts_at) WHERE thread_ts IS NOT NULL;

-- One row per import run. `source` is the file or folder name only, never the full path.
CREATE TABLE IF NOT EXISTS arthur_knowledge_imports (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  source      text        NOT NULL,
  source_kind text        NOT NULL CHECK (source_kind IN ('folder', 'zip')),
  status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  files       int         NOT NULL DEFAULT 0,
  channels    int         NOT NULL DEFAULT 0,
  users       int         NOT NULL DEFAULT 0,
  -- Messages new to the archive, changed since the last import, identical, and left out
  -- (joins, topic changes and other channel events; empty messages).
  inserted    int         NOT NULL DEFAULT 0,
  updated     int         NOT NULL DEFAULT 0,
  unchanged   int         NOT NULL DEFAULT 0,
  skipped     int         NOT NULL DEFAULT 0,
  error       text
);

CREATE INDEX IF NOT EXISTS idx_arthur_knowledge_imports_started ON arthur_knowledge_imports (started_at DESC);

ALTER TABLE arthur_knowledge_channels ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_knowledge_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_knowledge_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_knowledge_imports ENABLE ROW LEVEL SECURITY;
