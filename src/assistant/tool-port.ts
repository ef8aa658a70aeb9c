import { randomUUID } from "node:crypto";
import { type Caller, type ImageRef, type RedactionTally, ToolError } from "../catalog/index.ts";
import type { InternalGatewayClient, ToolGateway } from "../gateway/index.ts";

/** What one tool call came back with, as the assistant sees it. */
export type ToolOutcome =
  | { ok: true; result: unknown; text: string; images: ImageRef[]; redactions?: RedactionTally }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

/** A pending write the requester confirmed or cancelled: the call it stands for. */
export type ApprovalOutcome =
  | { ok: true; tool: string; arguments: Record<string, unknown>; requestedBy: string }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

export type ApprovalAction = "confirm" | "cancel";

/**
 * How the assistant reaches tools: always through the gateway, as the asking user, so RBAC, call
 * limits, approvals, redaction and audit apply to every channel alike.
 */
export interface ToolPort {
  call(call: ToolCall): Promise<ToolOutcome>;
  /** The requester confirms or cancels their own pending write (only they can). */
  settle(caller: Caller, approvalId: string, action: ApprovalAction): Promise<ApprovalOutcome>;
}

/** One tool call of one question: the question's request id carries the per-request call limits. */
export interface ToolCall {
  caller: Caller;
  requestId: string;
  callCounts: Map<string, number>;
  tool: string;
  args: Record<string, unknown>;
  /** A confirmed approval, for a write the requester approved. */
  approvalId?: string;
}

/** The gateway in this process (the CLI, tests): the same pipeline, no HTTP hop. */
export class InProcessToolPort implements ToolPort {
  readonly #gateway: ToolGateway;

  constructor(gateway: ToolGateway) {
    this.#gateway = gateway;
  }

  async call({ caller, requestId, callCounts, tool, args, approvalId }: ToolCall): Promise<ToolOutcome> {
    try {
      const outcome = await this.#gateway.call({
        caller,
        toolName: tool,
        arguments: args,
        requestId,
        ipAddress: null,
        callCounts,
        ...(approvalId ? { approvalId } : {}),
      });
      return {
        ok: true,
        result: outcome.result,
        text: outcome.text,
        images: outcome.images.map((i) => i.ref),
        redactions: outcome.redactions,
      };
    } catch (error) {
      if (error instanceof ToolError) {
        return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
      }
      throw error;
    }
  }

  async settle(caller: Caller, approvalId: string, action: ApprovalAction): Promise<ApprovalOutcome> {
    try {
      const approval =
        action === "confirm"
          ? await this.#gateway.confirm(approvalId, caller)
          : await this.#gateway.cancel(approvalId, caller);
      return {
        ok: true,
        tool: approval.toolName,
        arguments: approval.arguments,
        requestedBy: approval.requestedBy,
      };
    } catch (error) {
      if (error instanceof ToolError)
        return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
      throw error;
    }
  }
}

/** The gateway's signed internal endpoint (a separate gateway process): a caller token per request. */
export class InternalToolPort implements ToolPort {
  readonly #client: InternalGatewayClient;

  constructor(client: InternalGatewayClient) {
    this.#client = client;
  }

  async call({ caller, requestId, tool, args, approvalId }: ToolCall): Promise<ToolOutcome> {
    // The gateway counts calls per request itself, keyed by the request id in the caller token.
    const outcome = await this.#client.call({ ...caller, requestId }, tool, args, approvalId);
    const { body } = outcome;
    if (body.ok) {
      return {
        ok: true,
        result: body.result,
        text: body.text ?? "",
        images: body.images ?? [],
        ...(body.redactions ? { redactions: body.redactions } : {}),
      };
    }
    const error = outcome.body.error ?? { code: "INTERNAL", message: `gateway answered ${outcome.status}` };
    return { ok: false, error };
  }

  async settle(caller: Caller, approvalId: string, action: ApprovalAction): Promise<ApprovalOutcome> {
    const who = { ...caller, requestId: randomUUID() };
    const outcome =
      action === "confirm"
        ? await this.#client.confirm(who, approvalId)
        : await this.#client.cancel(who, approvalId);
    const { body } = outcome;
    if (body.ok && body.tool) {
      return {
        ok: true,
        tool: body.tool,
        arguments: body.arguments ?? {},
        requestedBy: body.requested_by ?? caller.userId,
      };
    }
    return {
      ok: false,
      error: body.error ?? { code: "INTERNAL", message: `gateway answered ${outcome.status}` },
    };
  }
}
