export { type AnswerOptions, type ApprovalRequest, Assistant, type AssistantDeps } from "./engine.ts";
export { type EvalCase, EvalCasesError, loadEvalCases } from "./eval/cases.ts";
export { type CaseResult, type EvalReport, runEval, toolDefinitionTokens } from "./eval/run.ts";
export { LlmResponder, type LlmSettings } from "./llm/responder.ts";
export { DEFAULT_PLANNER_OPTIONS, type Plan, type PlannerOptions } from "./offline/planner.ts";
export { extractEntities, TOOL_HINTS, ToolIndex } from "./retrieval/index.ts";
export {
  type ApprovalAction,
  type ApprovalOutcome,
  InProcessToolPort,
  InternalToolPort,
  type ToolCall,
  type ToolOutcome,
  type ToolPort,
} from "./tool-port.ts";
export type {
  AssistantAnswer,
  AssistantRequest,
  InteractionType,
  PendingApproval,
  Settlement,
  ToolCallRecord,
  ToolFilter,
  Turn,
} from "./types.ts";
