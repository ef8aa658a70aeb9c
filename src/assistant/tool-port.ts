import { type Caller, type ImageRef, ToolError } from "../catalog/index.ts";
import type { InternalGatewayClient, ToolGateway } from "../gateway/index.ts";

/** What one tool call came back with, as the assistant sees it. */
export type ToolOutcome =
  | { ok: true; result: unknown; text: string; images: ImageRef[] }
  | { ok: false; error: { code: string; message: string; details?: unknown } };

/**
 * How the assistant reaches tools: always through the gateway, as the asking user, so RBAC, call
 * limits, approvals, redaction and audit apply to every channel alike.
 */
export interface ToolPort {
  call(call: ToolCall): Promise<ToolOutcome>;
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
      };
    } catch (error) {
      if (error instanceof ToolError) {
        return { ok: false, error: { code: error.code, message: error.message, details: error.details } };
      }
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
    if (outcome.body.ok) {
      const result = outcome.body.result;
      const chart = (result as { chart?: ImageRef | null } | null)?.chart;
      return { ok: true, result, text: outcome.body.text ?? "", images: chart ? [chart] : [] };
    }
    const error = outcome.body.error ?? { code: "INTERNAL", message: `gateway answered ${outcome.status}` };
    return { ok: false, error };
  }
}
