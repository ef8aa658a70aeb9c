/** Every object original-system.md §4 defines; dashboards and runbook queries use these names. */
export const ESBMCP_TABLES = [
  "esbmcp_audit_log",
  "esbmcp_bug_reports",
  "esbmcp_chart_comparator_candidates",
  "esbmcp_chart_posts_log",
  "esbmcp_chat_sessions",
  "esbmcp_feedback",
  "esbmcp_memory_heads",
  "esbmcp_memory_versions",
  "esbmcp_reaction_feedback",
  "esbmcp_scheduled_chart_jobs",
  "esbmcp_tool_errors",
  "esbmcp_tool_executions",
];
export const ESBMCP_VIEWS = [
  "esbmcp_v_audit_denials_7d",
  "esbmcp_v_daily_volume",
  "esbmcp_v_error_digest_7d",
  "esbmcp_v_hourly_heatmap_7d",
  "esbmcp_v_negative_feedback",
  "esbmcp_v_tool_usage_30d",
  "esbmcp_v_unresolved_errors",
  "esbmcp_v_user_activity_30d",
];
