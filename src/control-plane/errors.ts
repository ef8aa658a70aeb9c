/** Why a control-plane request failed: a code callers can act on, its HTTP status, a message safe to show. */
export const CONTROL_PLANE_ERRORS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  lock_timeout: 409,
  upstream: 502,
  unavailable: 503,
} as const;
export type ControlPlaneErrorCode = keyof typeof CONTROL_PLANE_ERRORS;

export class ControlPlaneError extends Error {
  readonly code: ControlPlaneErrorCode;
  readonly details: unknown;

  constructor(code: ControlPlaneErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "ControlPlaneError";
    this.code = code;
    this.details = details;
  }

  get status(): (typeof CONTROL_PLANE_ERRORS)[ControlPlaneErrorCode] {
    return CONTROL_PLANE_ERRORS[this.code];
  }
}
