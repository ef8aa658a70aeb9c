import type { AnyTool, RedactionTally } from "../catalog/index.ts";
import type { ToolCall, ToolPort } from "./tool-port.ts";
import type { PendingApproval, ToolCallRecord } from "./types.ts";

/** One tool call as an answer reports it: the record, the user's text, and a write now waiting. */
export interface CallReport {
  record: ToolCallRecord;
  /** What the user reads for this call. */
  text: string;
  /** A write the gateway holds until the requester approves it. */
  approval: PendingApproval | null;
  /** What the gateway masked in the result for the caller's role. */
  redactions: RedactionTally | undefined;
}

/**
 * Run one call through the gateway as the user (offline plan and model alike): a result, a write
 * waiting for its requester's approval, or a refusal with the gateway's reason.
 */
export async function callAsUser(port: ToolPort, tool: AnyTool, call: ToolCall): Promise<CallReport> {
  const { args } = call;
  const started = performance.now();
  const outcome = await port.call(call);
  const durationMs = Math.round(performance.now() - started);
  if (outcome.ok) {
    const { result, text, images } = outcome;
    return {
      record: { tool: tool.name, arguments: args, ok: true, result, text, images, durationMs },
      text,
      approval: null,
      redactions: outcome.redactions,
    };
  }
  const { error } = outcome;
  if (error.code === "APPROVAL_REQUIRED") {
    const details = error.details as { approval_id?: string; expires_at?: string } | undefined;
    return {
      record: { tool: tool.name, arguments: args, ok: true, pending: true, durationMs },
      text: `*${tool.title}* needs your approval before it runs: ${JSON.stringify(args)}`,
      approval: details?.approval_id
        ? {
            approvalId: details.approval_id,
            tool: tool.name,
            arguments: args,
            expiresAt: details.expires_at ?? null,
          }
        : null,
      redactions: undefined,
    };
  }
  return {
    record: { tool: tool.name, arguments: args, ok: false, error, durationMs },
    text: `${tool.title}: ${error.message}`,
    approval: null,
    redactions: undefined,
  };
}

/** A write the eval does not send (not even to ask for approval): what would be asked for. */
export function unsentWrite(tool: AnyTool, args: Record<string, unknown>): CallReport {
  return {
    record: { tool: tool.name, arguments: args, ok: true, pending: true, durationMs: 0 },
    text: `*${tool.title}* would need your approval: ${JSON.stringify(args)}`,
    approval: null,
    redactions: undefined,
  };
}

/** A tool the asker's team has not switched on: refused here, before the gateway, and said plainly. */
export function notForThisTeam(tool: AnyTool, args: Record<string, unknown>, reason: string): CallReport {
  const message = `${tool.title} is ${reason}`;
  return {
    record: {
      tool: tool.name,
      arguments: args,
      ok: false,
      error: { code: "FORBIDDEN", message },
      durationMs: 0,
    },
    text: `I can't use *${tool.title}* here: it is ${reason}.`,
    approval: null,
    redactions: undefined,
  };
}

/** Add one tally of masked values to another (in place). */
export function addRedactions(into: RedactionTally, from: RedactionTally | undefined): void {
  for (const [kind, count] of Object.entries(from ?? {}) as [keyof RedactionTally, number][]) {
    into[kind] = (into[kind] ?? 0) + count;
  }
}
