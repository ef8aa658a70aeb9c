-- 0016_arthur_user_roles.sql: the role each Slack user acts with, editable at run time
-- (`arthur roles set <slack-user-id> <role>`). A row here wins over RBAC_USER_MAP_JSON, so an admin's
-- change takes effect without a redeploy; users in neither get no role (a polite refusal, audited).

CREATE TABLE IF NOT EXISTS arthur_user_roles (
  slack_user_id text        PRIMARY KEY,
  role          text        NOT NULL CHECK (role IN ('ops', 'event-producer', 'finance', 'marketing', 'viewer')),
  updated_by    text        NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE arthur_user_roles ENABLE ROW LEVEL SECURITY;
