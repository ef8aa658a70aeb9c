import type { Caller, ImageRef, RedactionTally } from "../catalog/index.ts";

/** One earlier message of the thread (or DM) the question belongs to. */
export interface Turn {
  role: "user" | "assistant";
  content: string;
}

/** How the question arrived; stored with the session. */
export type InteractionType =
  | "cli"
  | "console"
  | "app_mention"
  | "slash_command"
  | "direct_message"
  | "group_dm"
  | "assistant"
  | "button"
  | "agent_run"
  | "eval";

export interface AssistantRequest {
  message: string;
  /** Earlier turns of the thread, oldest first. */
  context?: Turn[];
  caller: Caller;
  interaction: InteractionType;
  /** Tools the asker's team has switched on (control plane); absent: every tool the role may use. */
  toolFilter?: ToolFilter;
}

/** Which tools a request may use beyond the role's own limits, and what to say about the others. */
export interface ToolFilter {
  allows(tool: string): boolean;
  /** Why a tool it does not allow is unavailable ("not enabled for team artbattle/live-ops"). */
  reason: string;
}

/** A tool the assistant called (or asked approval for), as the answer reports it. */
export interface ToolCallRecord {
  tool: string;
  arguments: Record<string, unknown>;
  ok: boolean;
  /** The result as the gateway returned it (masked for the caller's role); absent on failure. */
  result?: unknown;
  /** The tool's own plain-text rendering of the result. */
  text?: string;
  error?: { code: string; message: string };
  /** Images the call stored (charts): references only. */
  images?: ImageRef[];
  /** A write that was not run: it waits for the requester's approval, or the eval skipped it. */
  pending?: boolean;
  durationMs: number;
}

/** A write waiting for the requester to approve it. */
export interface PendingApproval {
  approvalId: string;
  tool: string;
  arguments: Record<string, unknown>;
  expiresAt: string | null;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens spent on the tool definitions shown (0 offline). */
  toolDefinitionTokens: number;
}

/** What the assistant decided and did for one question. */
export interface AssistantAnswer {
  /** The esbmcp_chat_sessions row of this answer (channels link their message to it). */
  sessionId: string;
  /** Slack-flavoured Markdown. */
  text: string;
  /** The same answer without markup. */
  plain: string;
  tools: ToolCallRecord[];
  pendingApprovals: PendingApproval[];
  /** The assistant asked a question instead of calling tools (a required detail is missing). */
  clarification: string | null;
  /** The request maps to a tool the caller's role may not use. */
  denied: { tool: string; reason: string } | null;
  /** The question was refused by a rate limit (nothing was planned or run). */
  rateLimited: { key: string; retryAfterMs: number } | null;
  /** The top tools retrieved for the question (what an LLM would be shown). */
  retrieved: string[];
  mode: "offline" | "llm";
  model: string | null;
  /** The model's provider ("openai", "anthropic", "openai-compatible"); null offline. */
  provider: string | null;
  /** Why a configured model could not answer (the offline planner answered instead). */
  modelError: string | null;
  /** The text is the tools' own (offline, or a model round whose every result spoke for itself). */
  passthrough: boolean;
  usage: TokenUsage;
  rounds: number;
  /** Personal data masked for this caller on the way (tool results, what the model read, the answer). */
  redactions: RedactionTally;
  /** Answers to an approval decision only: what became of it. */
  settlement?: Settlement;
}

/**
 * What an approval decision came to: the write ran (or was called off); the person may not decide;
 * it was decided before (a double click, a retry — nothing to do); it expired; there is no such approval.
 */
export interface Settlement {
  outcome: "ran" | "cancelled" | "refused" | "closed" | "expired" | "not_found";
  /** Who asked for the call (known once the decision was accepted). */
  requestedBy: string | null;
}
