-- Identity and approvals for the tool gateway. Arthur's own tables (arthur_ prefix): they are not
-- part of the original esbmcp_ schema that dashboards read.

-- Personal bearer tokens for MCP clients. Only a SHA-256 of the token is stored; the token itself
-- is shown once, when it is created.
CREATE TABLE IF NOT EXISTS arthur_api_tokens (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash   text        NOT NULL UNIQUE,
  user_id      text        NOT NULL,
  role         text        NOT NULL
    CHECK (role IN ('ops', 'event-producer', 'finance', 'marketing', 'viewer')),
  team_id      text,
  label        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);

CREATE INDEX IF NOT EXISTS idx_arthur_api_tokens_user ON arthur_api_tokens (user_id, created_at DESC);

-- Nonces of signed internal requests, kept until their signature window has passed, so a replay
-- is refused by every replica. UNLOGGED: no WAL write per request; a database crash forgets the
-- last minute of nonces, which only matters for requests captured in that minute.
CREATE UNLOGGED TABLE IF NOT EXISTS arthur_request_nonces (
  nonce      text        PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_arthur_request_nonces_expiry ON arthur_request_nonces (expires_at);

-- Approvals of write-tool calls: bound to the requester, the tool and the exact arguments;
-- single-use and expiring.
CREATE TABLE IF NOT EXISTS arthur_approvals (
  id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  requested_by   text        NOT NULL,
  approved_by    text,
  tool_name      text        NOT NULL,
  arguments_hash text        NOT NULL,
  arguments      jsonb       NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  approved_at    timestamptz,
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz
);

CREATE INDEX IF NOT EXISTS idx_arthur_approvals_pending
  ON arthur_approvals (requested_by, tool_name, arguments_hash)
  WHERE used_at IS NULL;

ALTER TABLE arthur_api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_request_nonces ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_approvals ENABLE ROW LEVEL SECURITY;
