-- 0004_esbmcp_views.sql: the eight esbmcp_v_* reporting views.
--
-- Same view names, and the same output columns in the same order and types,
-- as the original, so dashboards and runbook queries keep working. CREATE OR
-- REPLACE is used so that an upgraded database keeps anything that depends on
-- the old views.
--
-- Fixes, compared with the original:
--   esbmcp_v_user_activity_30d  sessions and tool calls are aggregated
--       separately and then joined. The original joined first, so error and
--       denied sessions were counted once per tool call and the average session
--       time was weighted by tool calls.
--   esbmcp_v_error_digest_7d  resolved_count counts failed executions that have
--       a resolved esbmcp_tool_errors row with the same execution_id (which the
--       gateway now fills). In the original that link was never written, so the
--       count was always 0. Several error rows for one execution count once.
--   esbmcp_v_daily_volume, esbmcp_v_hourly_heatmap_7d  days and hours are taken
--       in UTC explicitly. The original used the connection's time zone, so
--       "hour_utc" was only UTC when the server happened to run in UTC.
--   esbmcp_v_unresolved_errors  unchanged apart from wording.
--   esbmcp_v_negative_feedback  reads both esbmcp_feedback rows rated -1 and
--       negative or bug emoji reactions linked to a session (the original read
--       only esbmcp_feedback, which nothing wrote). Three columns are appended
--       after the original ten: source ('feedback' or 'reaction'), sentiment
--       ('negative' or 'bug'), session_id. A reaction row shows rating -1 and
--       the emoji as its comment, e.g. ':thumbsdown:'.
--   The other views compute what they did before.

-- Per tool and domain over the last 30 days.
CREATE OR REPLACE VIEW esbmcp_v_tool_usage_30d AS
SELECT
  e.tool_name,
  e.domain,
  count(*)                                                   AS total_calls,
  count(*) FILTER (WHERE e.ok)                               AS success_count,
  count(*) FILTER (WHERE NOT e.ok)                           AS failure_count,
  round(100.0 * count(*) FILTER (WHERE e.ok) / NULLIF(count(*), 0), 1) AS success_rate_pct,
  round(avg(e.duration_ms), 0)                               AS avg_duration_ms,
  round((percentile_cont(0.95) WITHIN GROUP (ORDER BY e.duration_ms))::numeric, 0) AS p95_duration_ms,
  max(e.duration_ms)                                         AS max_duration_ms,
  count(DISTINCT e.slack_user_id)                            AS unique_users,
  min(e.created_at)                                          AS first_call,
  max(e.created_at)                                          AS last_call
FROM esbmcp_tool_executions AS e
WHERE e.created_at > now() - interval '30 days'
GROUP BY e.tool_name, e.domain
ORDER BY total_calls DESC;

-- Per user (and the name and role they had) over the last 30 days.
CREATE OR REPLACE VIEW esbmcp_v_user_activity_30d AS
WITH recent_sessions AS (
  SELECT s.id, s.slack_user_id, s.slack_username, s.user_role,
         s.status, s.total_duration_ms, s.created_at
  FROM esbmcp_chat_sessions AS s
  WHERE s.created_at > now() - interval '30 days'
),
session_totals AS (
  SELECT
    rs.slack_user_id,
    rs.slack_username,
    rs.user_role,
    count(*)                                        AS total_sessions,
    round(avg(rs.total_duration_ms), 0)             AS avg_session_ms,
    count(*) FILTER (WHERE rs.status = 'error')     AS error_sessions,
    count(*) FILTER (WHERE rs.status = 'denied')    AS denied_sessions,
    min(rs.created_at)                              AS first_session,
    max(rs.created_at)                              AS last_session
  FROM recent_sessions AS rs
  GROUP BY rs.slack_user_id, rs.slack_username, rs.user_role
),
call_totals AS (
  SELECT
    rs.slack_user_id,
    rs.slack_username,
    rs.user_role,
    count(*)                                            AS total_tool_calls,
    array_agg(DISTINCT e.tool_name ORDER BY e.tool_name) AS tools_used
  FROM recent_sessions AS rs
  JOIN esbmcp_tool_executions AS e ON e.session_id = rs.id
  GROUP BY rs.slack_user_id, rs.slack_username, rs.user_role
)
SELECT
  st.slack_user_id,
  st.slack_username,
  st.user_role,
  st.total_sessions,
  coalesce(ct.total_tool_calls, 0) AS total_tool_calls,
  st.avg_session_ms,
  st.error_sessions,
  st.denied_sessions,
  ct.tools_used,
  st.first_session,
  st.last_session
FROM session_totals AS st
LEFT JOIN call_totals AS ct
  ON  ct.slack_user_id = st.slack_user_id
  AND ct.slack_username IS NOT DISTINCT FROM st.slack_username
  AND ct.user_role IS NOT DISTINCT FROM st.user_role
ORDER BY st.total_sessions DESC;

-- Failed executions over the last 7 days, grouped into recurring errors.
CREATE OR REPLACE VIEW esbmcp_v_error_digest_7d AS
WITH resolved_executions AS (
  SELECT DISTINCT err.execution_id
  FROM esbmcp_tool_errors AS err
  WHERE err.resolved AND err.execution_id IS NOT NULL
)
SELECT
  e.tool_name,
  e.domain,
  e.error_code,
  left(e.error_message, 200)             AS error_preview,
  count(*)                               AS occurrence_count,
  count(DISTINCT e.slack_user_id)        AS affected_users,
  min(e.created_at)                      AS first_seen,
  max(e.created_at)                      AS last_seen,
  count(r.execution_id)                  AS resolved_count
FROM esbmcp_tool_executions AS e
LEFT JOIN resolved_executions AS r ON r.execution_id = e.id
WHERE NOT e.ok
  AND e.created_at > now() - interval '7 days'
GROUP BY e.tool_name, e.domain, e.error_code, left(e.error_message, 200)
ORDER BY occurrence_count DESC, last_seen DESC;

-- Sessions per UTC day over the last 90 days.
CREATE OR REPLACE VIEW esbmcp_v_daily_volume AS
SELECT
  (s.created_at AT TIME ZONE 'UTC')::date             AS day,
  count(*)                                            AS total_sessions,
  count(*) FILTER (WHERE s.status = 'completed')      AS completed,
  count(*) FILTER (WHERE s.status = 'error')          AS errors,
  count(*) FILTER (WHERE s.status = 'denied')         AS denied,
  count(*) FILTER (WHERE s.status = 'rate_limited')   AS rate_limited,
  count(DISTINCT s.slack_user_id)                     AS unique_users,
  sum(s.tool_call_count)                              AS total_tool_calls,
  round(avg(s.total_duration_ms), 0)                  AS avg_duration_ms
FROM esbmcp_chat_sessions AS s
WHERE s.created_at > now() - interval '90 days'
GROUP BY (s.created_at AT TIME ZONE 'UTC')::date
ORDER BY day DESC;

-- Sessions by UTC day of week (0 = Sunday) and UTC hour over the last 7 days.
CREATE OR REPLACE VIEW esbmcp_v_hourly_heatmap_7d AS
SELECT
  extract(dow FROM s.created_at AT TIME ZONE 'UTC')::int  AS day_of_week,
  extract(hour FROM s.created_at AT TIME ZONE 'UTC')::int AS hour_utc,
  count(*)                                                AS session_count
FROM esbmcp_chat_sessions AS s
WHERE s.created_at > now() - interval '7 days'
GROUP BY 1, 2
ORDER BY day_of_week, hour_utc;

-- Denials over the last 7 days, with the distinct reasons given.
CREATE OR REPLACE VIEW esbmcp_v_audit_denials_7d AS
SELECT
  a.event_type,
  a.slack_user_id,
  a.slack_username,
  a.user_role,
  a.tool_name,
  count(*)             AS denial_count,
  min(a.created_at)    AS first_denial,
  max(a.created_at)    AS last_denial,
  jsonb_agg(DISTINCT a.detail -> 'reason') FILTER (WHERE a.detail ? 'reason') AS reasons
FROM esbmcp_audit_log AS a
WHERE a.event_type IN ('identity_denied', 'role_denied', 'rate_limit_exceeded', 'mutating_tool_blocked')
  AND a.created_at > now() - interval '7 days'
GROUP BY a.event_type, a.slack_user_id, a.slack_username, a.user_role, a.tool_name
ORDER BY denial_count DESC;

-- Open tool errors, newest first, with the prompt that triggered them (when the
-- session row still exists).
CREATE OR REPLACE VIEW esbmcp_v_unresolved_errors AS
SELECT
  err.id,
  err.tool_name,
  err.domain,
  err.error_type,
  err.error_message,
  err.error_code,
  err.error_hint,
  err.sql_query_preview,
  err.arguments_preview,
  err.slack_user_id,
  err.created_at,
  s.user_prompt AS triggering_prompt
FROM esbmcp_tool_errors AS err
LEFT JOIN esbmcp_chat_sessions AS s ON s.id = err.session_id
WHERE err.resolved = false
ORDER BY err.created_at DESC;

-- Negative feedback with the session it is about: explicit -1 ratings, and
-- negative or bug reactions on a reply linked to a session.
CREATE OR REPLACE VIEW esbmcp_v_negative_feedback AS
SELECT
  nf.feedback_id,
  nf.slack_user_id,
  nf.rating,
  nf.comment,
  nf.feedback_at,
  s.user_prompt,
  s.ai_response,
  s.tools_called,
  s.status        AS session_status,
  s.error_message AS session_error,
  nf.source,
  nf.sentiment,
  nf.session_id
FROM (
  SELECT fb.id AS feedback_id, fb.slack_user_id, fb.rating, fb.comment,
         fb.created_at AS feedback_at, 'feedback'::text AS source,
         'negative'::text AS sentiment, fb.session_id
  FROM esbmcp_feedback AS fb
  WHERE fb.rating = -1
  UNION ALL
  SELECT rf.id, rf.slack_user_id, (-1)::smallint, ':' || rf.reaction || ':',
         rf.created_at, 'reaction'::text, rf.sentiment, rf.session_id
  FROM esbmcp_reaction_feedback AS rf
  WHERE rf.sentiment IN ('negative', 'bug')
    AND rf.session_id IS NOT NULL
) AS nf
JOIN esbmcp_chat_sessions AS s ON s.id = nf.session_id
ORDER BY nf.feedback_at DESC;
