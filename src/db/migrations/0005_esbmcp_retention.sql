-- 0005_esbmcp_retention.sql: esbmcp_cleanup_old_data(retention_days).
--
-- Same name, argument and return type as the original, so
-- "SELECT esbmcp_cleanup_old_data(90);" from the runbook still works. The
-- original touched only five tables and kept unresolved errors forever; this
-- version covers every esbmcp_ table.
--
-- With cutoff = now() - retention_days days, one call deletes:
--   esbmcp_tool_errors           resolved errors whose resolved_at is before the
--                                cutoff (created_at when resolved_at is missing);
--                                unresolved errors created before a longer
--                                horizon, 4 x retention_days (360 days for the
--                                default 90), so open problems stay visible well
--                                beyond the normal window but not forever.
--   esbmcp_feedback              created before the cutoff, plus any feedback on
--                                a session that is being deleted (the foreign
--                                key would cascade anyway; deleting it here
--                                keeps the reported count exact).
--   esbmcp_tool_executions       created before the cutoff.
--   esbmcp_audit_log             created before the cutoff.
--   esbmcp_chat_sessions         created before the cutoff. An unresolved error
--                                kept past that shows a null triggering_prompt.
--   esbmcp_bug_reports           status resolved or closed, resolved_at (else
--                                created_at) before the cutoff. Open and
--                                in-progress reports are never deleted.
--   esbmcp_reaction_feedback     created before the cutoff.
--   esbmcp_chart_posts_log       created before the cutoff.
--   esbmcp_scheduled_chart_jobs  status completed or cancelled whose last
--                                activity (the later of updated_at and
--                                last_run_at) is before the cutoff. Active,
--                                paused and error jobs are kept.
--   esbmcp_chart_comparator_candidates  scored_at before the cutoff.
--   esbmcp_memory_versions       created before the cutoff, unless the version is
--                                the current version of its scope's head. A
--                                head's current version is never deleted.
--   esbmcp_memory_heads          only empty heads: updated before the cutoff and
--                                with no versions left at all.
--
-- Returns jsonb:
--   { "cutoff": ..., "unresolved_error_cutoff": ..., "retention_days": n,
--     "tool_errors": { "resolved": n, "unresolved": n },
--     "deleted": { "<table name>": count, ... one key per esbmcp_ table ... },
--     "deleted_sessions": n, "deleted_executions": n, "deleted_audit": n,
--     "deleted_errors": n, "deleted_feedback": n }
-- The five deleted_* keys repeat the counts under the original's key names for
-- scripts written against it.
--
-- retention_days must be between 1 and 36500; anything else (including null)
-- raises invalid_parameter_value and deletes nothing.
--
-- Everything runs in the caller's transaction. The function is not scheduled
-- here; Arthur's worker calls it (the original relied on someone running it by
-- hand). search_path is fixed to the one in force when the migration ran, so
-- the unqualified table names always resolve to Arthur's tables.

CREATE OR REPLACE FUNCTION esbmcp_cleanup_old_data(retention_days int DEFAULT 90)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  cutoff                  timestamptz;
  unresolved_error_cutoff timestamptz;
  n_errors_resolved       bigint;
  n_errors_unresolved     bigint;
  n_feedback              bigint;
  n_executions            bigint;
  n_audit                 bigint;
  n_sessions              bigint;
  n_bug_reports           bigint;
  n_reactions             bigint;
  n_chart_posts           bigint;
  n_chart_jobs            bigint;
  n_comparators           bigint;
  n_memory_versions       bigint;
  n_memory_heads          bigint;
BEGIN
  IF retention_days IS NULL OR retention_days < 1 OR retention_days > 36500 THEN
    RAISE EXCEPTION 'esbmcp_cleanup_old_data: retention_days must be between 1 and 36500, got %',
      coalesce(retention_days::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  cutoff := now() - make_interval(days => retention_days);
  unresolved_error_cutoff := now() - make_interval(days => retention_days * 4);

  -- Tool errors: resolved ones by resolution time, open ones after 4x retention.
  DELETE FROM esbmcp_tool_errors
  WHERE resolved
    AND coalesce(resolved_at, created_at) < cutoff;
  GET DIAGNOSTICS n_errors_resolved = ROW_COUNT;

  DELETE FROM esbmcp_tool_errors
  WHERE NOT resolved
    AND created_at < unresolved_error_cutoff;
  GET DIAGNOSTICS n_errors_unresolved = ROW_COUNT;

  -- Feedback before sessions, so rows that would cascade are counted too.
  DELETE FROM esbmcp_feedback AS f
  WHERE f.created_at < cutoff
     OR f.session_id IN (SELECT s.id FROM esbmcp_chat_sessions AS s WHERE s.created_at < cutoff);
  GET DIAGNOSTICS n_feedback = ROW_COUNT;

  DELETE FROM esbmcp_tool_executions WHERE created_at < cutoff;
  GET DIAGNOSTICS n_executions = ROW_COUNT;

  DELETE FROM esbmcp_audit_log WHERE created_at < cutoff;
  GET DIAGNOSTICS n_audit = ROW_COUNT;

  DELETE FROM esbmcp_chat_sessions WHERE created_at < cutoff;
  GET DIAGNOSTICS n_sessions = ROW_COUNT;

  DELETE FROM esbmcp_bug_reports
  WHERE status IN ('resolved', 'closed')
    AND coalesce(resolved_at, created_at) < cutoff;
  GET DIAGNOSTICS n_bug_reports = ROW_COUNT;

  DELETE FROM esbmcp_reaction_feedback WHERE created_at < cutoff;
  GET DIAGNOSTICS n_reactions = ROW_COUNT;

  DELETE FROM esbmcp_chart_posts_log WHERE created_at < cutoff;
  GET DIAGNOSTICS n_chart_posts = ROW_COUNT;

  DELETE FROM esbmcp_scheduled_chart_jobs
  WHERE status IN ('completed', 'cancelled')
    AND greatest(updated_at, last_run_at) < cutoff;
  GET DIAGNOSTICS n_chart_jobs = ROW_COUNT;

  DELETE FROM esbmcp_chart_comparator_candidates WHERE scored_at < cutoff;
  GET DIAGNOSTICS n_comparators = ROW_COUNT;

  DELETE FROM esbmcp_memory_versions AS v
  WHERE v.created_at < cutoff
    AND NOT EXISTS (
      SELECT 1
      FROM esbmcp_memory_heads AS h
      WHERE h.scope_type = v.scope_type
        AND h.scope_id = v.scope_id
        AND h.current_version = v.version_no
    );
  GET DIAGNOSTICS n_memory_versions = ROW_COUNT;

  DELETE FROM esbmcp_memory_heads AS h
  WHERE h.updated_at < cutoff
    AND NOT EXISTS (
      SELECT 1
      FROM esbmcp_memory_versions AS v
      WHERE v.scope_type = h.scope_type
        AND v.scope_id = h.scope_id
    );
  GET DIAGNOSTICS n_memory_heads = ROW_COUNT;

  RETURN jsonb_build_object(
    'cutoff', cutoff,
    'unresolved_error_cutoff', unresolved_error_cutoff,
    'retention_days', retention_days,
    'tool_errors', jsonb_build_object('resolved', n_errors_resolved, 'unresolved', n_errors_unresolved),
    'deleted', jsonb_build_object(
      'esbmcp_chat_sessions', n_sessions,
      'esbmcp_tool_executions', n_executions,
      'esbmcp_audit_log', n_audit,
      'esbmcp_tool_errors', n_errors_resolved + n_errors_unresolved,
      'esbmcp_feedback', n_feedback,
      'esbmcp_bug_reports', n_bug_reports,
      'esbmcp_scheduled_chart_jobs', n_chart_jobs,
      'esbmcp_chart_posts_log', n_chart_posts,
      'esbmcp_chart_comparator_candidates', n_comparators,
      'esbmcp_memory_heads', n_memory_heads,
      'esbmcp_memory_versions', n_memory_versions,
      'esbmcp_reaction_feedback', n_reactions
    ),
    'deleted_sessions', n_sessions,
    'deleted_executions', n_executions,
    'deleted_audit', n_audit,
    'deleted_errors', n_errors_resolved + n_errors_unresolved,
    'deleted_feedback', n_feedback
  );
END;
$$;

COMMENT ON FUNCTION esbmcp_cleanup_old_data(int) IS
  'Deletes esbmcp_ rows older than retention_days (1..36500, default 90) from every esbmcp_ table; '
  'open tool errors are kept for 4x retention_days and current memory versions are never deleted. '
  'Returns {cutoff, unresolved_error_cutoff, retention_days, deleted: {table: count}, legacy deleted_* keys}.';
