export {
  APPROVAL_TTL_MS,
  cancelApproval,
  confirmApproval,
  consumeApproval,
  loadApproval,
  requestApproval,
  type StoredApproval,
} from "./approvals.ts";
export { AuditWriter } from "./audit.ts";
export { createGatewayApp, type HttpDeps, listen, type RunningServer } from "./http.ts";
export { IMAGE_LINK_TTL_SECONDS, PgImageStore, type StoredImage } from "./images.ts";
export {
  type InternalCaller,
  InternalGatewayClient,
  type InternalSecrets,
  mintCallerToken,
  NonceStore,
  RequestCallCounts,
  SIGNATURE_WINDOW_MS,
  signRequest,
  verifyCallerToken,
} from "./internal.ts";
export { createMcpServer, type McpCallContext, McpHttpEndpoint, toolErrorResult } from "./mcp.ts";
export {
  argumentsHash,
  type CallImage,
  type CallRequest,
  type CallResult,
  type GatewayDeps,
  ToolGateway,
} from "./pipeline.ts";
export { buildRegistry, configuredSecrets, startToolService, type ToolService } from "./service.ts";
export { createToken, hashToken, listTokens, revokeToken, type TokenInfo, TokenVerifier } from "./tokens.ts";
