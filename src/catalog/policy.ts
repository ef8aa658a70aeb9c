import type { Role, ToolPolicy } from "./define.ts";
import type { ToolErrorCode } from "./errors.ts";

export type Decision =
  | { allowed: true }
  | { allowed: false; code: Extract<ToolErrorCode, "FORBIDDEN" | "WRITES_DISABLED">; reason: string };

/** May `role` call a tool with this policy right now? Pure; the gateway audits the answer. */
export function authorize(
  toolName: string,
  policy: ToolPolicy,
  role: Role,
  writesEnabled: boolean,
): Decision {
  if (!policy.enabled) {
    return { allowed: false, code: "FORBIDDEN", reason: `${toolName} is disabled in this deployment` };
  }
  if (!policy.roles.includes(role)) {
    return {
      allowed: false,
      code: "FORBIDDEN",
      reason: `role ${role} may not call ${toolName} (allowed: ${policy.roles.join(", ")})`,
    };
  }
  if (policy.writes && !writesEnabled) {
    return {
      allowed: false,
      code: "WRITES_DISABLED",
      reason: `${toolName} changes data and writes are disabled (ENABLE_MUTATING_TOOLS=false)`,
    };
  }
  return { allowed: true };
}

/** A stored approval for one write: who asked, for which tool and exact arguments, until when. */
export interface Approval {
  requestedBy: string;
  toolName: string;
  argumentsHash: string;
  expiresAt: Date;
  /** When the requester confirmed it; an unconfirmed approval is only a pending request. */
  approvedAt: Date | null;
  usedAt: Date | null;
  /** The requester called it off; it can never run. */
  cancelledAt: Date | null;
}

export type ApprovalCheck = { valid: true } | { valid: false; reason: string };

/**
 * May this person confirm or cancel someone's pending call? The requester always may; so may the
 * configured approvers (a second pair of eyes), whoever asked.
 */
export function mayDecideApproval(
  approval: Pick<Approval, "requestedBy">,
  userId: string,
  approvers: readonly string[],
): boolean {
  return approval.requestedBy === userId || approvers.includes(userId);
}

/** Is this approval good for this call? Bound to requester, tool and arguments; single-use; expiring. */
export function checkApproval(
  approval: Approval | undefined,
  call: { userId: string; toolName: string; argumentsHash: string; now: Date },
): ApprovalCheck {
  if (!approval) return { valid: false, reason: "no approval was found for this call" };
  if (approval.cancelledAt) return { valid: false, reason: "this request was cancelled" };
  if (approval.usedAt) return { valid: false, reason: "this approval has already been used" };
  if (!approval.approvedAt) return { valid: false, reason: "this approval has not been confirmed yet" };
  if (approval.expiresAt.getTime() <= call.now.getTime())
    return { valid: false, reason: "this approval has expired" };
  if (approval.toolName !== call.toolName)
    return { valid: false, reason: "this approval is for another tool" };
  if (approval.requestedBy !== call.userId)
    return { valid: false, reason: "this approval was given to someone else" };
  if (approval.argumentsHash !== call.argumentsHash) {
    return { valid: false, reason: "the arguments differ from the approved ones" };
  }
  return { valid: true };
}
