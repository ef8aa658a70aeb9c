-- 0018_arthur_control_plane.sql: tenants, their tokens, routing, webhook deliveries, provisioning
-- runs and agent runs, for the control plane (`arthur control-plane`).
--
-- Ids of orgs and teams are slugs ([a-z0-9-], at most 63), so they can appear in Kubernetes names
-- and URLs as they are. Configuration is JSON, inherited org → team (the team's keys win; objects
-- merge, lists and scalars replace), validated by the application before it is stored.
--
-- Routing: one row per identifier (a Slack channel, a GitHub repo, a PagerDuty service, an
-- incident.io alert source). The primary key makes each identifier belong to one team across all
-- orgs, so a second claim is a conflict (409), and a lookup is one index probe instead of a scan
-- of every team. Every change bumps arthur_routing_version, which replicas compare against their
-- cached copy.
--
-- Tokens: only the SHA-256 of a token is stored. An admin token belongs to one org (or, with a
-- null org, to the whole installation); a team token to one team. Scopes say what each may do.

CREATE TABLE IF NOT EXISTS arthur_orgs (
  id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  name       text        NOT NULL,
  config     jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS arthur_teams (
  org_id     text        NOT NULL REFERENCES arthur_orgs (id) ON DELETE CASCADE,
  id         text        NOT NULL CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  name       text        NOT NULL,
  config     jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);

CREATE TABLE IF NOT EXISTS arthur_routes (
  kind       text        NOT NULL
             CHECK (kind IN ('slack_channel', 'github_repo', 'pagerduty_service', 'incidentio_alert_source')),
  value      text        NOT NULL CHECK (value <> ''),
  org_id     text        NOT NULL,
  team_id    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value),
  FOREIGN KEY (org_id, team_id) REFERENCES arthur_teams (org_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_arthur_routes_team ON arthur_routes (org_id, team_id);

-- One row, bumped by every change to routes (and teams): caches compare versions.
CREATE TABLE IF NOT EXISTS arthur_routing_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint  NOT NULL
);
INSERT INTO arthur_routing_version (id, version) VALUES (true, 0) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION arthur_bump_routing_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE arthur_routing_version SET version = version + 1;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS trg_arthur_routes_version ON arthur_routes;
CREATE TRIGGER trg_arthur_routes_version AFTER INSERT OR UPDATE OR DELETE ON arthur_routes
  FOR EACH STATEMENT EXECUTE FUNCTION arthur_bump_routing_version();

CREATE TABLE IF NOT EXISTS arthur_cp_tokens (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  kind         text        NOT NULL CHECK (kind IN ('admin', 'team')),
  token_hash   text        NOT NULL UNIQUE,
  org_id       text        REFERENCES arthur_orgs (id) ON DELETE CASCADE,
  team_id      text,
  scopes       text[]      NOT NULL,
  label        text        NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  -- The token this one replaced when rotated (that one is revoked in the same transaction).
  rotated_from uuid,
  CHECK (kind = 'admin' OR (org_id IS NOT NULL AND team_id IS NOT NULL)),
  CHECK (kind = 'team' OR team_id IS NULL),
  FOREIGN KEY (org_id, team_id) REFERENCES arthur_teams (org_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_arthur_cp_tokens_org ON arthur_cp_tokens (org_id, team_id);

-- One row per webhook delivery taken on: a redelivery (same source and id) finds it and stops.
CREATE TABLE IF NOT EXISTS arthur_webhook_deliveries (
  source      text        NOT NULL,
  delivery_id text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  outcome     text        NOT NULL DEFAULT 'queued',
  org_id      text,
  team_id     text,
  PRIMARY KEY (source, delivery_id)
);
CREATE INDEX IF NOT EXISTS idx_arthur_webhook_deliveries_received ON arthur_webhook_deliveries (received_at);

CREATE TABLE IF NOT EXISTS arthur_provisioning_runs (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          text        NOT NULL,
  team_id         text        NOT NULL,
  idempotency_key text,
  request         jsonb       NOT NULL,
  status          text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  steps           jsonb       NOT NULL DEFAULT '[]',
  error           text,
  requested_by    text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_arthur_provisioning_idempotency
  ON arthur_provisioning_runs (org_id, team_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_arthur_provisioning_runs_team ON arthur_provisioning_runs (org_id, team_id, created_at);

CREATE TABLE IF NOT EXISTS arthur_agent_runs (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           text        NOT NULL,
  team_id          text        NOT NULL,
  source           text        NOT NULL,
  delivery_id      text,
  thread_key       text,
  slack_channel_id text,
  slack_thread_ts  text,
  session_id       uuid,
  status           text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX IF NOT EXISTS idx_arthur_agent_runs_thread ON arthur_agent_runs (org_id, team_id, thread_key);

ALTER TABLE arthur_orgs ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_routes ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_routing_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_cp_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_provisioning_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE arthur_agent_runs ENABLE ROW LEVEL SECURITY;
