export {
  type AnyTool,
  type Caller,
  DOMAINS,
  type Domain,
  defineTool,
  EDGE_FUNCTIONS,
  type EdgeFunctionName,
  type EdgeFunctions,
  type EventbriteApi,
  type ImageRef,
  type ImageStore,
  type NewImage,
  type PiiKind,
  RISKS,
  type Risk,
  ROLES,
  type Role,
  requireIdempotencyKey,
  type ToolContext,
  type ToolDefinition,
  type ToolPolicy,
} from "./define.ts";
export { notFound, TOOL_ERROR_STATUS, ToolError, type ToolErrorCode } from "./errors.ts";
export { boundedInt, eid, likePattern, text, uuid } from "./inputs.ts";
export {
  applyOverrides,
  loadToolOverrides,
  PolicyFileError,
  type PolicyOverrides,
  parseToolOverrides,
} from "./overrides.ts";
export {
  type Approval,
  type ApprovalCheck,
  authorize,
  checkApproval,
  type Decision,
  mayDecideApproval,
} from "./policy.ts";
export {
  maskCard,
  maskContactsInText,
  maskEmail,
  maskPhone,
  type RedactionTally,
  redactFields,
} from "./redact.ts";
export { ToolRegistry } from "./registry.ts";
