import { countTokens } from "gpt-tokenizer";
import type { AnyTool, Caller, ToolRegistry } from "../../catalog/index.ts";
import type { Assistant } from "../engine.ts";
import { type CaseOutcome, casePasses, type EvalCase, recalled } from "./cases.ts";

export interface CaseResult {
  id: string;
  predicted_tools: string[];
  predicted_args: Record<string, Record<string, unknown>>;
  clarified: boolean;
  denied: boolean;
  retrieved_tools: string[];
  pass: boolean;
  recall: boolean | null;
  /** Prompt tokens of the tool definitions shown (top-k) and of every tool the role may use. */
  tool_tokens_shown: number;
  tool_tokens_all: number;
  answer: string;
}

export interface EvalReport {
  cases: number;
  passed: number;
  pass_rate: number;
  k: number;
  /** Over cases that expect tools. */
  recall_at_k: number;
  mean_tool_tokens_shown: number;
  mean_tool_tokens_all: number;
  /** shown ÷ all. */
  tool_token_ratio: number;
  tokenizer: string;
  mode: "offline" | "llm";
  by_kind: Record<string, { cases: number; passed: number }>;
  results: CaseResult[];
}

/** A tool as a model is shown it (OpenAI function-calling shape), for counting its prompt tokens. */
export function toolDefinitionTokens(registry: ToolRegistry, tools: readonly AnyTool[]): number {
  if (tools.length === 0) return 0;
  const definitions = tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: registry.inputSchema(tool) },
  }));
  return countTokens(JSON.stringify(definitions));
}

function kindOf(c: EvalCase): string {
  if (c.expect_denied) return "denial";
  if (c.expect_clarification) return "clarification";
  if (c.expect_tools.length === 0) return "no_tool";
  if (c.context?.length) return "follow_up";
  return c.expect_tools.length > 1 ? "multi_tool" : "single_tool";
}

/**
 * Run every case through the assistant (writes are never executed: a write counts as called when
 * the assistant would ask for its approval) and score it by the shared pass rule.
 */
export async function runEval(
  assistant: Assistant,
  registry: ToolRegistry,
  cases: readonly EvalCase[],
  options: { k: number; mode: "offline" | "llm" },
): Promise<EvalReport> {
  const results: CaseResult[] = [];
  const allTokens = new Map<string, number>();
  for (const c of cases) {
    const caller: Caller = {
      userId: `U-eval-${c.role}`,
      role: c.role,
      teamId: "T-eval",
      channelId: "C0EVAL0001",
      sessionId: null,
      via: "internal",
    };
    const answer = await assistant.answer(
      { message: c.question, context: c.context ?? [], caller, interaction: "eval" },
      { executeWrites: false },
    );
    const outcome: CaseOutcome = {
      predictedTools: [...new Set(answer.tools.map((t) => t.tool))],
      predictedArgs: Object.fromEntries(answer.tools.map((t) => [t.tool, t.arguments])),
      clarified: answer.clarification !== null,
      denied: answer.denied !== null,
    };
    // A denial case names a tool the role cannot see: its recall is over the unfiltered ranking.
    const retrieved = c.expect_denied
      ? await assistant.retrieve(c.question, c.context ?? [], null, options.k)
      : answer.retrieved;
    const shown = retrieved.map((name) => registry.require(name));
    if (!allTokens.has(c.role)) {
      allTokens.set(
        c.role,
        toolDefinitionTokens(
          registry,
          registry.list().filter((t) => t.policy.roles.includes(c.role)),
        ),
      );
    }
    results.push({
      id: c.id,
      predicted_tools: outcome.predictedTools,
      predicted_args: outcome.predictedArgs,
      clarified: outcome.clarified,
      denied: outcome.denied,
      retrieved_tools: retrieved,
      pass: casePasses(c, outcome),
      recall: c.expect_tools.length ? recalled(c, retrieved) : null,
      tool_tokens_shown: toolDefinitionTokens(registry, shown),
      tool_tokens_all: allTokens.get(c.role) ?? 0,
      answer: answer.plain.slice(0, 500),
    });
  }
  const passed = results.filter((r) => r.pass).length;
  const withTools = results.filter((r) => r.recall !== null);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const shownMean = mean(results.map((r) => r.tool_tokens_shown));
  const allMean = mean(results.map((r) => r.tool_tokens_all));
  const byKind: EvalReport["by_kind"] = {};
  cases.forEach((c, i) => {
    const kind = kindOf(c);
    const entry = byKind[kind] ?? { cases: 0, passed: 0 };
    byKind[kind] = entry;
    entry.cases++;
    if (results[i]?.pass) entry.passed++;
  });
  const round = (n: number, digits = 4) => Number(n.toFixed(digits));
  return {
    cases: results.length,
    passed,
    pass_rate: round(passed / Math.max(1, results.length)),
    k: options.k,
    recall_at_k: round(withTools.filter((r) => r.recall).length / Math.max(1, withTools.length)),
    mean_tool_tokens_shown: round(shownMean, 1),
    mean_tool_tokens_all: round(allMean, 1),
    tool_token_ratio: round(shownMean / Math.max(1, allMean)),
    tokenizer: "o200k_base (gpt-tokenizer)",
    mode: options.mode,
    by_kind: byKind,
    results,
  };
}
