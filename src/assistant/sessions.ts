import type { Sql } from "../db/index.ts";
import type { AssistantAnswer, AssistantRequest } from "./types.ts";

/** How a question ended, as esbmcp_chat_sessions.status records it. */
export type SessionStatus = "completed" | "denied" | "rate_limited" | "error";

export function sessionStatus(answer: AssistantAnswer): SessionStatus {
  if (answer.rateLimited) return "rate_limited";
  if (answer.denied) return "denied";
  if (answer.tools.length && answer.tools.every((t) => !t.ok)) return "error";
  return "completed";
}

/** The masks applied for this answer, as `redaction_rules_applied` rows: [{rule, count}]. */
function redactionRules(answer: AssistantAnswer): { rule: string; count: number }[] {
  return Object.entries(answer.redactions)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([rule, count]) => ({ rule, count: count ?? 0 }));
}

/**
 * One row per question in esbmcp_chat_sessions; the gateway's execution rows carry the same session
 * id, so a session joins to every tool call it made. A refusal by rate limit is also audited.
 */
export async function recordSession(
  sql: Sql,
  session: {
    id: string;
    request: AssistantRequest;
    answer: AssistantAnswer;
    durationMs: number;
    version: string;
  },
): Promise<void> {
  const { id, request, answer } = session;
  const { caller } = request;
  const status = sessionStatus(answer);
  const tools = answer.tools.map((t) => ({
    tool_name: t.tool,
    argument_keys: Object.keys(t.arguments).sort(),
    duration_ms: t.durationMs,
    ok: t.ok,
    ...(t.pending ? { pending_approval: true } : {}),
    ...(t.error ? { error_code: t.error.code } : {}),
  }));
  await sql.begin(async (tx) => {
    await tx`
      insert into esbmcp_chat_sessions
        (id, slack_user_id, slack_team_id, slack_channel_id, user_role, interaction_type, user_prompt, ai_model,
         ai_response, tools_called, tool_call_count, status, error_message, total_duration_ms, prompt_tokens,
         completion_tokens, total_tokens, api_rounds, passthrough_mode, ai_provider, gateway_version,
         redaction_rules_applied)
      values (${id}, ${caller.userId}, ${caller.teamId}, ${caller.channelId}, ${caller.role}, ${request.interaction},
              ${request.message.slice(0, 12_000)}, ${answer.model}, ${answer.text.slice(0, 12_000)}, ${tx.json(tools)},
              ${tools.length}, ${status}, ${answer.denied?.reason ?? answer.modelError}, ${Math.round(session.durationMs)},
              ${answer.usage.promptTokens}, ${answer.usage.completionTokens},
              ${answer.usage.promptTokens + answer.usage.completionTokens}, ${answer.rounds},
              ${answer.passthrough}, ${answer.provider ?? "offline"}, ${session.version},
              ${tx.json(redactionRules(answer))})`;
    if (answer.rateLimited) {
      await tx`
        insert into esbmcp_audit_log
          (session_id, slack_user_id, slack_team_id, slack_channel_id, user_role, event_type, detail, gateway_version)
        values (${id}, ${caller.userId}, ${caller.teamId}, ${caller.channelId}, ${caller.role}, 'rate_limit_exceeded',
                ${tx.json({ key: answer.rateLimited.key, retry_after_ms: answer.rateLimited.retryAfterMs })},
                ${session.version})`;
    }
  });
}
