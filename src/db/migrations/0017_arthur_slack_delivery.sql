-- 0017_arthur_slack_delivery.sql: what the Slack app needs to deliver each answer once and to find
-- it again.
--
-- arthur_slack_events: one row per Slack delivery Arthur has taken on. Slack retries an event it
-- thinks went unanswered, and one message can arrive as two events (app_mention and message.mpim);
-- the first replica to insert the key answers, every other insert finds the row and does nothing.
-- Keys: "event:<event_id>" and "message:<channel>:<ts>". Rows older than a day are of no use (Slack
-- retries within minutes) and the daily retention job removes them.
--
-- arthur_slack_replies: every message Arthur posted for an answer or an approval, so a reaction or a
-- button on any part of a long, split answer leads back to its session, and an approval's message
-- can be updated when someone decides.

CREATE TABLE IF NOT EXISTS arthur_slack_events (
  event_key   text        PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_arthur_slack_events_received_at ON arthur_slack_events (received_at);

CREATE TABLE IF NOT EXISTS arthur_slack_replies (
  channel_id  text        NOT NULL,
  message_ts  text        NOT NULL,
  session_id  uuid,
  approval_id uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, message_ts)
);
CREATE INDEX IF NOT EXISTS idx_arthur_slack_replies_session ON arthur_slack_replies (session_id);
CREATE INDEX IF NOT EXISTS idx_arthur_slack_replies_created_at ON arthur_slack_replies (created_at);

ALTER TABLE arthur_slack_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_slack_replies ENABLE ROW LEVEL SECURITY;
