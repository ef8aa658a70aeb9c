-- 0014_arthur_rate_limits.sql: per-user and per-channel request limits shared by every replica.
--
-- One row per key ("user:U123", "channel:C456") holding its GCRA theoretical arrival time: a request
-- is allowed while tat - now stays within the burst the limit allows, and each allowed request
-- moves tat forward by period / limit. Unlike the original's in-memory fixed windows, this holds
-- across replicas and restarts and never lets twice the limit through around a window boundary.

CREATE TABLE IF NOT EXISTS arthur_rate_limits (
  key        text        PRIMARY KEY,
  tat        timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Retention: rows whose tat has passed carry no state and can be removed.
CREATE INDEX IF NOT EXISTS idx_arthur_rate_limits_tat ON arthur_rate_limits (tat);
