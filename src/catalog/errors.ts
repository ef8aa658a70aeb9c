/** Why a tool call did not produce a result. Each code has one HTTP status and one meaning. */
export const TOOL_ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNKNOWN_TOOL: 404,
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  APPROVAL_REQUIRED: 409,
  WRITES_DISABLED: 403,
  RATE_LIMITED: 429,
  REPLAYED: 401,
  TIMEOUT: 504,
  UPSTREAM: 502,
  /** The database cannot be reached right now; worth retrying shortly. */
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ToolErrorCode = keyof typeof TOOL_ERROR_STATUS;

/** A failure with a code callers can act on; `message` is safe to show to the user. */
export class ToolError extends Error {
  readonly code: ToolErrorCode;
  /** Structured detail for the caller, e.g. the fields that failed validation. */
  readonly details: unknown;

  constructor(code: ToolErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "ToolError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return TOOL_ERROR_STATUS[this.code];
  }
}

export function notFound(what: string): ToolError {
  return new ToolError("NOT_FOUND", what);
}
