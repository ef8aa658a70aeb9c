import { randomUUID } from "node:crypto";
import { maskContactsInText, type Role, type ToolRegistry } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import { OfflinePlanner, type Plan, type PlannedCall, type PlannerOptions } from "./offline/planner.ts";
import { takeRateLimits } from "./rate-limit.ts";
import {
  type Entities,
  extractEntities,
  type RankedTool,
  resolveEntities,
  type ToolIndex,
} from "./retrieval/index.ts";
import { recordSession } from "./sessions.ts";
import type { ToolOutcome, ToolPort } from "./tool-port.ts";
import type { AssistantAnswer, AssistantRequest, PendingApproval, ToolCallRecord } from "./types.ts";

export interface AssistantDeps {
  /** For resolving names the question mentions (cities, artists, people). */
  sql: Sql;
  registry: ToolRegistry;
  index: ToolIndex;
  tools: ToolPort;
  /** How many tools retrieval presents (to a model; reported by eval). Default 8. */
  topK?: number;
  planner?: Partial<PlannerOptions>;
  /** Questions per minute per user and per channel; absent: no limit (eval, tests). */
  rateLimits?: { userPerMinute: number; channelPerMinute: number };
  /** Record each question in esbmcp_chat_sessions (as this Arthur version); absent: not recorded (eval). */
  sessions?: { version: string };
}

export interface AnswerOptions {
  /**
   * False (eval): a write is recorded as what would be asked for, never sent to the gateway — not
   * even to request an approval. Reads still run, so chains resolve their ids.
   */
  executeWrites?: boolean;
}

/** A follow-up that repeats the previous question for something else. */
const SAME_AGAIN =
  /^\s*(?:ok(?:ay)?,?\s+)?(?:(?:and\s+)?(?:the\s+)?same (?:for|with|but)|what about|how about|and (?:for|now|what about)|now (?:for|do))\b/i;

/** A follow-up whose own best match scores at least this is ranked without the earlier turns. */
const FOLLOW_UP_OWN_SCORE = 8;

/** An answer with nothing done yet, for the planner's outcomes to fill in. */
function emptyAnswer(retrieved: string[]): Omit<AssistantAnswer, "text" | "plain"> {
  return {
    tools: [],
    pendingApprovals: [],
    clarification: null,
    denied: null,
    rateLimited: null,
    retrieved,
    mode: "offline",
    model: null,
    usage: { promptTokens: 0, completionTokens: 0, toolDefinitionTokens: 0 },
    rounds: 0,
  };
}

/** Markdown → plain text for channels without formatting. */
function plainText(markdown: string): string {
  return markdown.replace(/\*\*?([^*\n]+)\*\*?/g, "$1").replace(/`([^`\n]+)`/g, "$1");
}

/** The eid of the first upcoming event a lookup_event city result lists. */
function firstUpcomingEid(result: unknown): string | null {
  const eid = (result as { upcoming?: { eid?: unknown }[] } | null)?.upcoming?.[0]?.eid;
  return typeof eid === "string" ? eid : null;
}

/** The profile id of the first artist a lookup_artist_profile result lists. */
function firstProfileId(result: unknown): string | null {
  const profiles = (result as { profiles?: { id?: unknown }[] } | null)?.profiles;
  const id = profiles?.[0]?.id;
  return typeof id === "string" ? id : null;
}

/**
 * The conversation engine, independent of any channel: question, thread context and caller in;
 * answer text, tools called, pending approvals and usage out. Tools run only through the gateway
 * as the caller. This is the offline path (no model); the LLM path shares retrieval and tools.
 */
export class Assistant {
  readonly #deps: AssistantDeps;
  readonly #planner: OfflinePlanner;

  constructor(deps: AssistantDeps) {
    this.#deps = deps;
    this.#planner = new OfflinePlanner(deps.registry, deps.index, deps.planner);
  }

  /** Entities of the question, resolved against the database. */
  async entities(text: string): Promise<Entities> {
    return resolveEntities(this.#deps.sql, text, extractEntities(text));
  }

  /** The top-k tools for a question: for `role` (what a model would be shown), or over all tools (null). */
  async retrieve(
    text: string,
    context: readonly { content: string }[],
    role: Role | null,
    k: number,
  ): Promise<string[]> {
    const entities = await this.entities(text);
    const contextText = context.map((t) => t.content).join("\n");
    return this.#deps.index
      .rank(text, entities, { context: contextText, limit: k, ...(role ? { role } : {}) })
      .map((r) => r.name);
  }

  async answer(request: AssistantRequest, options: AnswerOptions = {}): Promise<AssistantAnswer> {
    const started = performance.now();
    // The session id travels with every tool call, so the gateway's execution rows join to the session.
    const sessionId = randomUUID();
    const asked = { ...request, caller: { ...request.caller, sessionId } };
    const answer = (await this.#rateLimit(asked)) ?? (await this.#answer(asked, options));
    const sessions = this.#deps.sessions;
    if (sessions) {
      await recordSession(this.#deps.sql, {
        id: sessionId,
        request: asked,
        answer,
        durationMs: performance.now() - started,
        version: sessions.version,
      });
    }
    return answer;
  }

  async #answer(request: AssistantRequest, options: AnswerOptions): Promise<AssistantAnswer> {
    const text = request.message.trim();
    const contextText = (request.context ?? []).map((t) => t.content).join("\n");
    const entities = await this.entities(text);
    const contextEntities = contextText ? await this.entities(contextText) : null;
    const { index } = this.#deps;
    // A follow-up is ranked on its own words; the earlier turns count only when those say too little
    // ("pause it"): otherwise the previous question's tool would win again.
    const own = index.rank(text, entities);
    const lastQuestion = [...(request.context ?? [])].reverse().find((t) => t.role === "user")?.content;
    // "same for round 3", "and for bids?": the previous question again, with what this one changes.
    const ranking: RankedTool[] =
      lastQuestion && SAME_AGAIN.test(text)
        ? index.rank(`${lastQuestion} ${text}`, entities)
        : contextText && (own[0]?.score ?? 0) < FOLLOW_UP_OWN_SCORE
          ? index.rank(text, entities, { context: contextText })
          : own;
    const retrieved = index
      .rank(text, entities, { context: contextText, role: request.caller.role, limit: this.#deps.topK ?? 8 })
      .map((r) => r.name);
    const plan = this.#planner.plan(
      { text, contextText, entities, contextEntities, caller: request.caller },
      ranking,
    );
    return this.#carryOut(plan, request, retrieved, options);
  }

  /** The refusal when the caller or their channel has asked too much in the last minute. */
  async #rateLimit(request: AssistantRequest): Promise<AssistantAnswer | null> {
    const limits = this.#deps.rateLimits;
    if (!limits) return null;
    const { caller } = request;
    const outcome = await takeRateLimits(this.#deps.sql, [
      { key: `user:${caller.userId}`, limit: limits.userPerMinute, periodMs: 60_000 },
      { key: `channel:${caller.channelId ?? "direct"}`, limit: limits.channelPerMinute, periodMs: 60_000 },
    ]);
    if (outcome.allowed) return null;
    const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    const who = outcome.key.startsWith("user:") ? "You have" : "This channel has";
    const text = `${who} asked more questions in the last minute than I take; try again in ${seconds} s.`;
    return {
      ...emptyAnswer([]),
      text,
      plain: text,
      rateLimited: { key: outcome.key, retryAfterMs: outcome.retryAfterMs },
    };
  }

  async #carryOut(
    plan: Plan,
    request: AssistantRequest,
    retrieved: string[],
    options: AnswerOptions,
  ): Promise<AssistantAnswer> {
    const base = emptyAnswer(retrieved);
    switch (plan.kind) {
      case "reply":
        return { ...base, text: plan.text, plain: plan.text };
      case "clarify":
        return { ...base, text: plan.question, plain: plan.question, clarification: plan.question };
      case "deny":
        return {
          ...base,
          text: `I can't do that for you: ${plan.reason}`,
          plain: `I can't do that for you: ${plan.reason}`,
          denied: { tool: plan.tool, reason: plan.reason },
        };
      case "run":
        return this.#run(plan.calls, request, base, options);
    }
  }

  async #run(
    calls: PlannedCall[],
    request: AssistantRequest,
    base: Omit<AssistantAnswer, "text" | "plain">,
    options: AnswerOptions,
  ): Promise<AssistantAnswer> {
    const { registry, tools } = this.#deps;
    const session = { requestId: randomUUID(), callCounts: new Map<string, number>() };
    const records: ToolCallRecord[] = [];
    const pending: PendingApproval[] = [];
    const sections: string[] = [];
    let denied: AssistantAnswer["denied"] = null;
    let artistId: string | null = null;
    let lookedUpEid: string | null = null;

    for (const call of calls) {
      const tool = registry.require(call.tool);
      const args = { ...call.args };
      if (call.artist) {
        if (!artistId) {
          sections.push(
            `I could not find an artist profile for "${call.artist}", so I did not run ${tool.name}.`,
          );
          continue;
        }
        args.artist_profile_id = artistId;
      }
      if (call.eventFromLookup) {
        if (!lookedUpEid) {
          sections.push(`There is no upcoming event there, so I did not run ${tool.name}.`);
          continue;
        }
        args.eid = lookedUpEid;
      }
      if (tool.policy.writes && options.executeWrites === false) {
        records.push({ tool: tool.name, arguments: args, ok: true, pending: true, durationMs: 0 });
        sections.push(`*${tool.title}* would need your approval: ${JSON.stringify(args)}`);
        continue;
      }
      const started = performance.now();
      const outcome: ToolOutcome = await tools.call({
        caller: request.caller,
        ...session,
        tool: tool.name,
        args,
      });
      const durationMs = Math.round(performance.now() - started);
      if (outcome.ok) {
        records.push({
          tool: tool.name,
          arguments: args,
          ok: true,
          result: outcome.result,
          text: outcome.text,
          images: outcome.images,
          durationMs,
        });
        sections.push(outcome.text);
        if (tool.name === "lookup_artist_profile") artistId = firstProfileId(outcome.result);
        if (tool.name === "lookup_event") lookedUpEid = firstUpcomingEid(outcome.result);
        continue;
      }
      const { error } = outcome;
      if (error.code === "APPROVAL_REQUIRED") {
        const details = error.details as { approval_id?: string; expires_at?: string } | undefined;
        if (details?.approval_id) {
          pending.push({
            approvalId: details.approval_id,
            tool: tool.name,
            arguments: args,
            expiresAt: details.expires_at ?? null,
          });
        }
        records.push({ tool: tool.name, arguments: args, ok: true, pending: true, durationMs });
        sections.push(`*${tool.title}* needs your approval before it runs: ${JSON.stringify(args)}`);
        continue;
      }
      records.push({ tool: tool.name, arguments: args, ok: false, error, durationMs });
      if (error.code === "FORBIDDEN") denied = { tool: tool.name, reason: error.message };
      sections.push(`${tool.title}: ${error.message}`);
    }
    const joined = sections.join("\n\n") || "Nothing to report.";
    // Results come masked from the gateway; free text in them (notes, messages) is masked here too.
    const text = request.caller.role === "ops" ? joined : maskContactsInText(joined);
    return { ...base, tools: records, pendingApprovals: pending, denied, text, plain: plainText(text) };
  }
}
