import {
  generateText,
  isStepCount,
  jsonSchema,
  type LanguageModel,
  type ModelMessage,
  NoSuchToolError,
  type StepResult,
  type ToolSet,
  tool,
} from "ai";
import {
  type AnyTool,
  type Caller,
  maskContactsInText,
  type RedactionTally,
  type ToolRegistry,
} from "../../catalog/index.ts";
import type { LlmConfig } from "../../config/index.ts";
import { addRedactions, type CallReport, callAsUser, unsentWrite } from "../tool-call.ts";
import type { ToolPort } from "../tool-port.ts";
import type { PendingApproval, ToolCallRecord, Turn } from "../types.ts";
import { fitToBudget } from "./budget.ts";
import { systemPrompt } from "./prompt.ts";
import { createLanguageModel } from "./provider.ts";

export interface LlmSettings {
  /** Model calls per question. */
  maxRounds: number;
  /** The whole question, every round included. */
  timeoutMs: number;
  /** Characters of one tool result the model reads. */
  toolResultChars: number;
}

export interface LlmResponderDeps {
  model: LanguageModel;
  /** For sessions: "openai", "anthropic", "openai-compatible". */
  provider: string;
  modelName: string;
  registry: ToolRegistry;
  tools: ToolPort;
  settings: LlmSettings;
}

export interface LlmQuestion {
  message: string;
  context: Turn[];
  caller: Caller;
  /** The tools shown to the model (retrieved for the question, filtered by role). */
  toolNames: string[];
  /**
   * The tool the question is about (retrieval's best match). Its passthrough result speaks for
   * itself; any other passthrough result (a lookup feeding the next call) goes back to the model.
   */
  primaryTool: string | null;
  /** False (eval): writes are recorded as asked for, never sent to the gateway. */
  executeWrites: boolean;
}

export interface LlmReply {
  text: string;
  tools: ToolCallRecord[];
  pendingApprovals: PendingApproval[];
  denied: { tool: string; reason: string } | null;
  usage: { promptTokens: number; completionTokens: number };
  rounds: number;
  /** The answer is the tools' own text: the model was not asked to write it. */
  passthrough: boolean;
  /** Values masked in the tool results (by the gateway) and in what the model read. */
  redactions: RedactionTally;
}

/** Room for a Slack-length answer; also keeps providers from guessing a limit for unknown models. */
const MAX_ANSWER_TOKENS = 2_000;

/** Raised when the model could not be reached or did not answer in time. */
export class ModelUnavailableError extends Error {
  readonly reason: "timeout" | "provider_error";
  constructor(reason: "timeout" | "provider_error", message: string) {
    super(message);
    this.name = "ModelUnavailableError";
    this.reason = reason;
  }
}

/** What one tool call left for the answer, keyed by the model's tool-call id. */
interface CallNote extends CallReport {
  /** The call needs no words from the model: a passthrough result or a write awaiting approval. */
  final: boolean;
}

/**
 * The LLM path: the model sees the retrieved tools, calls them through the gateway as the user
 * (RBAC, call limits, approvals, redaction and audit all apply there), and answers. Tool results
 * are cut to a budget and, for non-ops roles, stripped of contact details before the model reads
 * them. A round whose every call is final (passthrough or awaiting approval) ends the question
 * without a second model call.
 */
export class LlmResponder {
  readonly #deps: LlmResponderDeps;

  constructor(deps: LlmResponderDeps) {
    this.#deps = deps;
  }

  /** The responder for a configured model (LLM_PROVIDER, LLM_MODEL, …), calling tools through `tools`. */
  static fromConfig(config: LlmConfig, registry: ToolRegistry, tools: ToolPort): LlmResponder {
    return new LlmResponder({
      model: createLanguageModel(config),
      provider: config.provider,
      modelName: config.model,
      registry,
      tools,
      settings: config,
    });
  }

  get provider(): string {
    return this.#deps.provider;
  }

  get modelName(): string {
    return this.#deps.modelName;
  }

  async respond(question: LlmQuestion): Promise<LlmReply> {
    const { registry, settings } = this.#deps;
    const notes = new Map<string, CallNote>();
    const redactions: RedactionTally = {};
    const session = { requestId: crypto.randomUUID(), callCounts: new Map<string, number>() };
    const shown = question.toolNames.map((name) => registry.require(name));
    const toolSet: ToolSet = {};
    for (const definition of shown) {
      toolSet[definition.name] = tool({
        description: definition.description,
        inputSchema: jsonSchema(registry.inputSchema(definition) as never),
        execute: async (args: unknown, { toolCallId }: { toolCallId: string }) => {
          const note = await this.#callTool(
            definition,
            (args ?? {}) as Record<string, unknown>,
            question,
            session,
          );
          notes.set(toolCallId, note);
          return this.#forModel(note, question.caller, redactions);
        },
      });
    }
    const allFinal = ({ steps }: { steps: StepResult<ToolSet>[] }) => {
      const last = steps.at(-1);
      if (!last || last.toolCalls.length === 0) return false;
      return last.toolCalls.every((call) => notes.get(call.toolCallId)?.final === true);
    };
    const messages: ModelMessage[] = [
      ...question.context.map((turn): ModelMessage => ({ role: turn.role, content: turn.content })),
      { role: "user", content: question.message },
    ];
    let result: Awaited<ReturnType<typeof generateText<ToolSet>>>;
    try {
      result = await generateText({
        model: this.#deps.model,
        instructions: systemPrompt(question.caller, new Date().toISOString().slice(0, 10)),
        messages,
        tools: toolSet,
        stopWhen: [isStepCount(settings.maxRounds), allFinal],
        // A call to a tool that was not shown: when it is one the user's role may not use, the gateway
        // refuses it (and audits the attempt); the model is told the tool is unavailable either way.
        repairToolCall: async ({ toolCall, error }) => {
          const definition = registry.get(toolCall.toolName);
          if (!NoSuchToolError.isInstance(error) || !definition) return null;
          if (definition.policy.roles.includes(question.caller.role)) return null;
          const args = parseArguments(toolCall.input);
          notes.set(toolCall.toolCallId, await this.#callTool(definition, args, question, session));
          return null;
        },
        timeout: { totalMs: settings.timeoutMs },
        maxRetries: 1,
        maxOutputTokens: MAX_ANSWER_TOKENS,
      });
    } catch (error) {
      throw toUnavailable(error, settings.timeoutMs);
    }
    const calls = result.steps.flatMap((step) => step.toolCalls.map((call) => notes.get(call.toolCallId)));
    const used = calls.filter((note): note is CallNote => note !== undefined);
    const last = result.steps.at(-1);
    const passthrough = allFinal({ steps: result.steps });
    let text: string;
    if (passthrough && last) {
      text = last.toolCalls.map((call) => notes.get(call.toolCallId)?.text ?? "").join("\n\n");
    } else if (result.text.trim()) {
      text = result.text.trim();
    } else {
      // The rounds ran out while the model was still calling tools: report what the tools said.
      text = [
        ...used.map((note) => note.text),
        `(I stopped after ${result.steps.length} rounds without a final answer.)`,
      ].join("\n\n");
    }
    const usage = result.totalUsage;
    const deniedNote = used.find((note) => note.record.error?.code === "FORBIDDEN");
    return {
      text,
      tools: used.map((note) => note.record),
      pendingApprovals: used.flatMap((note) => (note.approval ? [note.approval] : [])),
      denied: deniedNote?.record.error
        ? { tool: deniedNote.record.tool, reason: deniedNote.record.error.message }
        : null,
      usage: { promptTokens: usage.inputTokens ?? 0, completionTokens: usage.outputTokens ?? 0 },
      rounds: result.steps.length,
      passthrough,
      redactions,
    };
  }

  async #callTool(
    definition: AnyTool,
    args: Record<string, unknown>,
    question: LlmQuestion,
    session: { requestId: string; callCounts: Map<string, number> },
  ): Promise<CallNote> {
    if (definition.policy.writes && !question.executeWrites) {
      return { ...unsentWrite(definition, args), final: true };
    }
    const report = await callAsUser(this.#deps.tools, definition, {
      caller: question.caller,
      ...session,
      tool: definition.name,
      args,
    });
    const { record } = report;
    // Final: a write now waiting for approval, or the question's own passthrough tool answering it.
    const final =
      record.pending === true ||
      (record.ok && definition.policy.passthrough && definition.name === question.primaryTool);
    return { ...report, final };
  }

  /** What the model reads for one call: budgeted, and without contact details for non-ops roles. */
  #forModel(note: CallNote, caller: Caller, redactions: RedactionTally): string {
    const { record } = note;
    let payload: unknown;
    if (record.pending) {
      payload = {
        status: "awaiting_approval",
        message: "Not run yet: the user has been asked to approve it. Do not call it again.",
      };
    } else if (!record.ok) {
      payload = { error: record.error };
    } else {
      payload = record.result;
    }
    const { text } = fitToBudget(payload, this.#deps.settings.toolResultChars);
    addRedactions(redactions, note.redactions);
    return caller.role === "ops" ? text : maskContactsInText(text, redactions);
  }
}

function parseArguments(input: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(input);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toUnavailable(error: unknown, timeoutMs: number): ModelUnavailableError {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || name === "TimeoutError" || /abort|timed? ?out/i.test(message)) {
    return new ModelUnavailableError(
      "timeout",
      `the language model did not answer within ${timeoutMs / 1000} s`,
    );
  }
  return new ModelUnavailableError("provider_error", `the language model failed: ${message.slice(0, 300)}`);
}
