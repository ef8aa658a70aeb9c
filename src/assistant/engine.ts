import { randomUUID } from "node:crypto";
import {
  type Caller,
  maskContactsInText,
  type RedactionTally,
  type Role,
  type ToolRegistry,
} from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import { type LlmResponder, ModelUnavailableError } from "./llm/responder.ts";
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
import { addRedactions, callAsUser, notForThisTeam, unsentWrite } from "./tool-call.ts";
import type { ApprovalAction, ToolPort } from "./tool-port.ts";
import type {
  AssistantAnswer,
  AssistantRequest,
  InteractionType,
  PendingApproval,
  Settlement,
  ToolCallRecord,
} from "./types.ts";

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
  /** The language model; absent: the offline planner answers. */
  llm?: LlmResponder;
  /** Whether the gateway runs writes at all (ENABLE_MUTATING_TOOLS); write tools are not shown to a model otherwise. */
  writesEnabled?: boolean;
}

/**
 * Shown to the model with every question (when the role may use them), whatever retrieval found:
 * they turn a city or an artist's name into the ids most other tools need.
 */
const ALWAYS_SHOWN = ["lookup_event", "lookup_artist_profile"] as const;

/** The requester's decision on a pending write, from a button (console, Slack). */
export interface ApprovalRequest {
  approvalId: string;
  action: ApprovalAction;
  caller: Caller;
  interaction: InteractionType;
  /**
   * The role the requester acts with now, for when an approver (not the requester) confirms: the
   * write runs as the person who asked. Absent: only the requester's own confirmation can run it.
   */
  requesterRole?: (userId: string) => Promise<Role | null>;
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
  /^\s*(?:ok(?:ay)?,?\s+)?(?:(?:and\s+)?(?:the\s+)?same (?:for|with|but)|what about|how about|and (?:for|now|what about)|now (?:for|do))\b|\b(?:the\s+)?same (?:info(?:rmation)?|thing|details|numbers|figures|data|report|breakdown) (?:for|about|on)\b|^\s*(?:and|n|&)\s+\S+(?:\s+\S+)?\s*\??\s*$/i;

/** Words that point back at what the thread was about. */
const REFERS_BACK = /\b(it|its|that|this|them|those|these|there)\b/i;

/** A follow-up whose own best match scores at least this is ranked without the earlier turns. */
const FOLLOW_UP_OWN_SCORE = 8;

/** An answer with nothing done yet, for the planner's outcomes to fill in. */
function emptyAnswer(retrieved: string[]): Omit<AssistantAnswer, "text" | "plain"> {
  return {
    sessionId: "",
    tools: [],
    pendingApprovals: [],
    clarification: null,
    denied: null,
    rateLimited: null,
    retrieved,
    mode: "offline",
    model: null,
    provider: null,
    modelError: null,
    passthrough: true,
    usage: { promptTokens: 0, completionTokens: 0, toolDefinitionTokens: 0 },
    rounds: 0,
    redactions: {},
  };
}

/** Why the gateway would not settle an approval, as the channel acts on it. */
function refusal(error: { code: string; details?: unknown }): Settlement["outcome"] {
  if (error.code === "FORBIDDEN") return "refused";
  if (error.code === "NOT_FOUND") return "not_found";
  const state = (error.details as { state?: unknown } | undefined)?.state;
  return state === "expired" ? "expired" : "closed";
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
    await this.#record(sessionId, asked, answer, started);
    return { ...answer, sessionId };
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
    // "ok refresh it then": a message that names nothing and points back at the thread is about it.
    const pointsBack =
      REFERS_BACK.test(text) &&
      entities.eids.length + entities.artists.length + entities.cities.length + entities.emails.length === 0;
    const ranking: RankedTool[] =
      lastQuestion && SAME_AGAIN.test(text)
        ? index.rank(`${lastQuestion} ${text}`, entities)
        : contextText && ((own[0]?.score ?? 0) < FOLLOW_UP_OWN_SCORE || pointsBack)
          ? index.rank(text, entities, { context: contextText })
          : own;
    const filter = request.toolFilter;
    const retrieved = index
      .rank(text, entities, {
        context: contextText,
        role: request.caller.role,
        limit: (this.#deps.topK ?? 8) + (filter ? 8 : 0),
      })
      .map((r) => r.name)
      .filter((name) => !filter || filter.allows(name))
      .slice(0, this.#deps.topK ?? 8);
    // The offline plan is cheap and pure: it answers without a model, vets requests for one, and is
    // the fallback when the model cannot answer.
    const plan = this.#planner.plan(
      { text, contextText, entities, contextEntities, caller: request.caller },
      ranking,
    );
    const { llm } = this.#deps;
    // A request that plainly needs a tool the role may not use (the planner denies only then) is
    // refused before any model sees it; anything vaguer is left to the model, which only sees tools
    // the role may use anyway.
    if (!llm || plan.kind === "deny") {
      return this.#carryOut(plan, request, retrieved, options);
    }
    try {
      return await this.#answerWithModel(llm, request, retrieved, options);
    } catch (error) {
      if (!(error instanceof ModelUnavailableError)) throw error;
      const offline = await this.#carryOut(plan, request, retrieved, options);
      const note = `_The language model is unavailable (${error.message}), so this answer comes from Arthur's offline planner._`;
      return {
        ...offline,
        text: `${note}\n\n${offline.text}`,
        plain: `${plainText(note).replace(/^_|_$/g, "")}\n\n${offline.plain}`,
        model: llm.modelName,
        modelError: error.message,
      };
    }
  }

  /**
   * The requester's answer to a pending write: "confirm" runs exactly the approved call once (the
   * gateway refuses a second use), "cancel" calls it off. Anybody else is refused by the gateway.
   */
  async settleApproval(request: ApprovalRequest): Promise<AssistantAnswer> {
    const started = performance.now();
    const sessionId = randomUUID();
    const caller = { ...request.caller, sessionId };
    const { registry, tools } = this.#deps;
    const base = emptyAnswer([]);
    const settled = await tools.settle(caller, request.approvalId, request.action);
    let answer: AssistantAnswer;
    if (!settled.ok) {
      const text = `I could not ${request.action} that: ${settled.error.message}.`;
      answer = {
        ...base,
        text,
        plain: text,
        settlement: { outcome: refusal(settled.error), requestedBy: null },
      };
    } else if (request.action === "cancel") {
      const text = `Cancelled: *${registry.get(settled.tool)?.title ?? settled.tool}* will not run. Nothing was changed.`;
      answer = {
        ...base,
        text,
        plain: plainText(text),
        settlement: { outcome: "cancelled", requestedBy: settled.requestedBy },
      };
    } else {
      const runAs = await this.#requester(caller, settled.requestedBy, request.requesterRole);
      answer = runAs
        ? await this.#run(
            [{ tool: settled.tool, args: settled.arguments, artist: null, approvalId: request.approvalId }],
            { message: `approve ${settled.tool}`, caller: runAs, interaction: request.interaction },
            base,
            {},
          )
        : {
            ...base,
            text: `Approved, but <@${settled.requestedBy}> no longer has a role here, so it did not run.`,
            plain: `Approved, but ${settled.requestedBy} no longer has a role here, so it did not run.`,
          };
      answer = { ...answer, settlement: { outcome: "ran", requestedBy: settled.requestedBy } };
    }
    const asked = {
      message: `[${request.action}] approval ${request.approvalId}`,
      caller,
      interaction: request.interaction,
    };
    await this.#record(sessionId, asked, answer, started);
    return { ...answer, sessionId };
  }

  /** Who an approved write runs as: the requester, in the role they hold now (an approver may have clicked). */
  async #requester(
    decider: Caller,
    requestedBy: string,
    roleOf: ApprovalRequest["requesterRole"],
  ): Promise<Caller | null> {
    if (requestedBy === decider.userId) return decider;
    const role = roleOf ? await roleOf(requestedBy) : null;
    return role ? { ...decider, userId: requestedBy, role } : null;
  }

  /** One row in esbmcp_chat_sessions per interaction, when sessions are kept (not in the eval). */
  async #record(
    id: string,
    request: AssistantRequest,
    answer: AssistantAnswer,
    started: number,
  ): Promise<void> {
    const { sessions } = this.#deps;
    if (!sessions) return;
    await recordSession(this.#deps.sql, {
      id,
      request,
      answer,
      durationMs: performance.now() - started,
      version: sessions.version,
    });
  }

  /** The model picks and calls tools among those retrieved (plus the always-shown ones the role may use). */
  async #answerWithModel(
    llm: LlmResponder,
    request: AssistantRequest,
    retrieved: string[],
    options: AnswerOptions,
  ): Promise<AssistantAnswer> {
    const { registry, writesEnabled = true } = this.#deps;
    const visible = new Set(registry.visibleTo(request.caller.role, writesEnabled).map((t) => t.name));
    const allowed = request.toolFilter;
    const toolNames = [...new Set([...retrieved, ...ALWAYS_SHOWN])].filter(
      (name) => visible.has(name) && (!allowed || allowed.allows(name)),
    );
    const reply = await llm.respond({
      message: request.message.trim(),
      context: request.context ?? [],
      caller: request.caller,
      toolNames,
      primaryTool: retrieved[0] ?? null,
      executeWrites: options.executeWrites !== false,
    });
    const redactions: RedactionTally = { ...reply.redactions };
    const text = request.caller.role === "ops" ? reply.text : maskContactsInText(reply.text, redactions);
    // No tool called and a question back: the model is asking for a missing detail.
    const clarification = reply.tools.length === 0 && /\?\s*$/.test(text) ? text : null;
    return {
      ...emptyAnswer(retrieved),
      text,
      plain: plainText(text),
      clarification,
      tools: reply.tools,
      pendingApprovals: reply.pendingApprovals,
      denied: reply.denied,
      mode: "llm",
      model: llm.modelName,
      provider: llm.provider,
      passthrough: reply.passthrough,
      usage: {
        promptTokens: reply.usage.promptTokens,
        completionTokens: reply.usage.completionTokens,
        toolDefinitionTokens: 0,
      },
      rounds: reply.rounds,
      redactions,
    };
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
    calls: (PlannedCall & { approvalId?: string })[],
    request: AssistantRequest,
    base: Omit<AssistantAnswer, "text" | "plain">,
    options: AnswerOptions,
  ): Promise<AssistantAnswer> {
    const { registry, tools } = this.#deps;
    const session = { requestId: randomUUID(), callCounts: new Map<string, number>() };
    const redactions: RedactionTally = {};
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
      const filter = request.toolFilter;
      const report =
        filter && !filter.allows(tool.name)
          ? notForThisTeam(tool, args, filter.reason)
          : tool.policy.writes && options.executeWrites === false
            ? unsentWrite(tool, args)
            : await callAsUser(tools, tool, {
                caller: request.caller,
                ...session,
                tool: tool.name,
                args,
                ...(call.approvalId ? { approvalId: call.approvalId } : {}),
              });
      records.push(report.record);
      sections.push(report.text);
      addRedactions(redactions, report.redactions);
      if (report.approval) pending.push(report.approval);
      const { record } = report;
      if (record.error?.code === "FORBIDDEN") denied = { tool: tool.name, reason: record.error.message };
      if (tool.name === "lookup_artist_profile") artistId = firstProfileId(record.result);
      if (tool.name === "lookup_event") lookedUpEid = firstUpcomingEid(record.result);
    }
    const joined = sections.join("\n\n") || "Nothing to report.";
    // Results come masked from the gateway; free text in them (notes, messages) is masked here too.
    const text = request.caller.role === "ops" ? joined : maskContactsInText(joined, redactions);
    return {
      ...base,
      tools: records,
      pendingApprovals: pending,
      denied,
      text,
      plain: plainText(text),
      redactions,
    };
  }
}
