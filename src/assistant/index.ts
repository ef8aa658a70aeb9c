export { type AnswerOptions, Assistant, type AssistantDeps } from "./engine.ts";
export { type EvalCase, EvalCasesError, loadEvalCases } from "./eval/cases.ts";
export { type CaseResult, type EvalReport, runEval, toolDefinitionTokens } from "./eval/run.ts";
export { DEFAULT_PLANNER_OPTIONS, type Plan, type PlannerOptions } from "./offline/planner.ts";
export { extractEntities, TOOL_HINTS, ToolIndex } from "./retrieval/index.ts";
export {
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
  ToolCallRecord,
  Turn,
} from "./types.ts";
