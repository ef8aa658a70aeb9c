-- 0007_bug_report_tracking.sql: status and priority tracking for esbmcp_bug_reports.
--
-- What get_bug_reports and the people triaging reports need, on top of 0001:
--   status / priority CHECKs  status in (open, in_progress, resolved, closed) and
--                             priority in (low, normal, high, critical). 0001 added
--                             them already; they are dropped and re-added here so a
--                             database whose constraints were lost or hand-edited
--                             ends up with exactly these sets.
--   priority NOT NULL         default 'normal' as before; old nulls become 'normal'
--                             first, so "per priority" counts have no null bucket.
--   updated_at timestamptz    when the report last changed (status, priority, text).
--                             Backfilled as resolved_at, else created_at. Kept
--                             current by a trigger, so ad-hoc UPDATEs from the SQL
--                             console are tracked too.
--   resolved_at on finish     the same trigger stamps resolved_at when a report
--                             moves to resolved or closed without one; retention
--                             (0005) keys on it.
--   priority_rank smallint    generated: critical 0, high 1, normal 2, low 3.
--                             get_bug_reports sorts by it (most urgent first), then
--                             newest; a plain text sort would put "critical" after
--                             "high".
--   indexes                   (status, priority_rank, created_at DESC) serves the
--                             list filtered by status; (priority_rank, created_at
--                             DESC) serves it unfiltered.
--
-- Every statement is safe to run again.

UPDATE esbmcp_bug_reports SET priority = 'normal' WHERE priority IS NULL;
ALTER TABLE esbmcp_bug_reports ALTER COLUMN priority SET DEFAULT 'normal';
ALTER TABLE esbmcp_bug_reports ALTER COLUMN priority SET NOT NULL;

ALTER TABLE esbmcp_bug_reports
  DROP CONSTRAINT IF EXISTS esbmcp_bug_reports_status_check,
  DROP CONSTRAINT IF EXISTS esbmcp_bug_reports_priority_check;
ALTER TABLE esbmcp_bug_reports
  ADD CONSTRAINT esbmcp_bug_reports_status_check
    CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  ADD CONSTRAINT esbmcp_bug_reports_priority_check
    CHECK (priority IN ('low', 'normal', 'high', 'critical'));

ALTER TABLE esbmcp_bug_reports
  ADD COLUMN IF NOT EXISTS updated_at timestamptz;
UPDATE esbmcp_bug_reports SET updated_at = coalesce(resolved_at, created_at) WHERE updated_at IS NULL;
ALTER TABLE esbmcp_bug_reports ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE esbmcp_bug_reports ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE esbmcp_bug_reports
  ADD COLUMN IF NOT EXISTS priority_rank smallint GENERATED ALWAYS AS (
    CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END
  ) STORED;

CREATE OR REPLACE FUNCTION esbmcp_bug_reports_track()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  -- A caller that sets updated_at itself (e.g. an import) keeps its value.
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
    NEW.updated_at := now();
  END IF;
  IF NEW.status IN ('resolved', 'closed') AND OLD.status NOT IN ('resolved', 'closed')
     AND NEW.resolved_at IS NULL THEN
    NEW.resolved_at := now();
  END IF;
  RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS esbmcp_bug_reports_track ON esbmcp_bug_reports;
CREATE TRIGGER esbmcp_bug_reports_track
  BEFORE UPDATE ON esbmcp_bug_reports
  FOR EACH ROW EXECUTE FUNCTION esbmcp_bug_reports_track();

CREATE INDEX IF NOT EXISTS idx_esbmcp_bug_reports_status_priority
  ON esbmcp_bug_reports (status, priority_rank, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_esbmcp_bug_reports_priority
  ON esbmcp_bug_reports (priority_rank, created_at DESC);
