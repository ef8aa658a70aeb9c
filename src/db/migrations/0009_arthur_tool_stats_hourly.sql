-- 0009_arthur_tool_stats_hourly.sql: an hourly rollup of esbmcp_tool_executions.
--
-- get_bot_tool_stats summarises up to 30 days of the execution log. At a few
-- thousand calls an hour that is hundreds of thousands of rows to scan, sort
-- and count for every question. This table holds the same counts per hour,
-- kept equal to the log by statement-level triggers, so the tool reads at most
-- a few rows per tool and hour, plus the raw rows of the first, partial hour
-- of its window (which keeps every count exact).
--
-- One row per (hour, tool, user, ok, error code, duration bucket):
--   slack_user_id / error_code   '' stands for null (primary key columns).
--   bucket                       arthur_duration_bucket(duration_ms): the
--                                upper bound in ms of the latency bucket the
--                                call fell in (-1: no duration recorded;
--                                2147483647: over 60 s). Percentiles read from
--                                it are "at most N ms".
--   calls, duration_sum_ms       sums; duration_max_ms and last_call_at maxima.
--
-- Triggers on esbmcp_tool_executions:
--   AFTER INSERT (per statement)  adds the new rows, grouped, in key order so
--                                 concurrent batches lock rollup rows in the
--                                 same order.
--   AFTER DELETE (per statement)  subtracts them (retention); rows that reach
--                                 zero calls are removed. A partial hour keeps
--                                 its old maximum, which may then overstate.
--   AFTER TRUNCATE                empties the rollup.
-- Existing executions are rolled up once, below.

CREATE TABLE IF NOT EXISTS arthur_tool_stats_hourly (
  hour            timestamptz NOT NULL,
  tool_name       text        NOT NULL,
  slack_user_id   text        NOT NULL,
  ok              boolean     NOT NULL,
  error_code      text        NOT NULL,
  bucket          int         NOT NULL,
  domain          text,
  user_role       text,
  calls           int         NOT NULL,
  duration_sum_ms bigint      NOT NULL,
  duration_max_ms int,
  last_call_at    timestamptz NOT NULL,
  PRIMARY KEY (hour, tool_name, slack_user_id, ok, error_code, bucket)
);

ALTER TABLE arthur_tool_stats_hourly ENABLE ROW LEVEL SECURITY;

CREATE OR REPLACE FUNCTION arthur_duration_bucket(duration_ms int)
RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN duration_ms IS NULL THEN -1
    ELSE coalesce(
      (SELECT min(b) FROM unnest(ARRAY[1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]) AS b
       WHERE duration_ms <= b),
      2147483647)
  END
$$;

CREATE OR REPLACE FUNCTION arthur_tool_stats_add()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  INSERT INTO arthur_tool_stats_hourly AS h
    (hour, tool_name, slack_user_id, ok, error_code, bucket, domain, user_role, calls, duration_sum_ms,
     duration_max_ms, last_call_at)
  SELECT date_trunc('hour', created_at, 'UTC'), tool_name, coalesce(slack_user_id, ''), ok, coalesce(error_code, ''),
         arthur_duration_bucket(duration_ms), min(domain), min(user_role), count(*)::int,
         coalesce(sum(duration_ms), 0), max(duration_ms), max(created_at)
  FROM new_rows
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (hour, tool_name, slack_user_id, ok, error_code, bucket) DO UPDATE SET
    calls = h.calls + excluded.calls,
    duration_sum_ms = h.duration_sum_ms + excluded.duration_sum_ms,
    duration_max_ms = greatest(h.duration_max_ms, excluded.duration_max_ms),
    last_call_at = greatest(h.last_call_at, excluded.last_call_at),
    domain = coalesce(h.domain, excluded.domain),
    user_role = coalesce(h.user_role, excluded.user_role);
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION arthur_tool_stats_subtract()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  UPDATE arthur_tool_stats_hourly h
  SET calls = h.calls - d.calls, duration_sum_ms = h.duration_sum_ms - d.duration_sum_ms
  FROM (
    SELECT date_trunc('hour', created_at, 'UTC') AS hour, tool_name, coalesce(slack_user_id, '') AS slack_user_id, ok,
           coalesce(error_code, '') AS error_code, arthur_duration_bucket(duration_ms) AS bucket,
           count(*)::int AS calls, coalesce(sum(duration_ms), 0) AS duration_sum_ms
    FROM old_rows
    GROUP BY 1, 2, 3, 4, 5, 6
  ) d
  WHERE h.hour = d.hour AND h.tool_name = d.tool_name AND h.slack_user_id = d.slack_user_id AND h.ok = d.ok
    AND h.error_code = d.error_code AND h.bucket = d.bucket;
  DELETE FROM arthur_tool_stats_hourly WHERE calls <= 0;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION arthur_tool_stats_clear()
RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  TRUNCATE arthur_tool_stats_hourly;
  RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS arthur_tool_stats_add ON esbmcp_tool_executions;
CREATE TRIGGER arthur_tool_stats_add
  AFTER INSERT ON esbmcp_tool_executions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION arthur_tool_stats_add();

DROP TRIGGER IF EXISTS arthur_tool_stats_subtract ON esbmcp_tool_executions;
CREATE TRIGGER arthur_tool_stats_subtract
  AFTER DELETE ON esbmcp_tool_executions
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION arthur_tool_stats_subtract();

DROP TRIGGER IF EXISTS arthur_tool_stats_clear ON esbmcp_tool_executions;
CREATE TRIGGER arthur_tool_stats_clear
  AFTER TRUNCATE ON esbmcp_tool_executions
  FOR EACH STATEMENT EXECUTE FUNCTION arthur_tool_stats_clear();

-- Roll up what is already there (a re-run finds the rollup complete and adds nothing).
INSERT INTO arthur_tool_stats_hourly
  (hour, tool_name, slack_user_id, ok, error_code, bucket, domain, user_role, calls, duration_sum_ms,
   duration_max_ms, last_call_at)
SELECT date_trunc('hour', created_at, 'UTC'), tool_name, coalesce(slack_user_id, ''), ok, coalesce(error_code, ''),
       arthur_duration_bucket(duration_ms), min(domain), min(user_role), count(*)::int,
       coalesce(sum(duration_ms), 0), max(duration_ms), max(created_at)
FROM esbmcp_tool_executions
WHERE NOT EXISTS (SELECT 1 FROM arthur_tool_stats_hourly)
GROUP BY 1, 2, 3, 4, 5, 6;
