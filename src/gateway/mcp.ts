import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  type JSONRPCMessage,
  ListToolsRequestSchema,
  type MessageExtraInfo,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { type AnyTool, type Caller, ToolError, type ToolRegistry } from "../catalog/index.ts";
import type { ToolGateway } from "./pipeline.ts";

/** Who is calling and from where: fixed for stdio, per HTTP request for `/mcp`. */
export interface McpCallContext {
  caller: Caller;
  /** The HTTP request's id; absent for long-lived transports (stdio), where each call gets one. */
  requestId?: string;
  ipAddress: string | null;
}

function describe(tool: AnyTool, registry: ToolRegistry): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: registry.inputSchema(tool) as Tool["inputSchema"],
    annotations: {
      title: tool.title,
      readOnlyHint: !tool.policy.writes,
      destructiveHint: tool.policy.writes,
      idempotentHint: !tool.policy.writes,
      openWorldHint: false,
    },
  };
}

/** Where an MCP client puts the approval id when it repeats a call to confirm it (`params._meta`). */
export const APPROVAL_META_KEY = "arthur/approval_id";

/** A tool failure as MCP expects it: a result with isError, carrying our code for programs. */
export function toolErrorResult(error: ToolError): CallToolResult {
  const approvalId = (error.details as { approval_id?: unknown } | undefined)?.approval_id;
  const howToConfirm =
    error.code === "APPROVAL_REQUIRED" && typeof approvalId === "string"
      ? ` To confirm, repeat the same call with params._meta {"${APPROVAL_META_KEY}": "${approvalId}"}.`
      : "";
  return {
    isError: true,
    content: [{ type: "text", text: `${error.code}: ${error.message}${howToConfirm}` }],
    structuredContent: {
      error: { code: error.code, message: error.message, details: error.details ?? null },
    },
  };
}

/**
 * An MCP server over the gateway. `contextOf` says who each request comes from: stdio serves one
 * caller; HTTP serves many through one server, each request carrying its caller (see McpHttpEndpoint).
 * It lists and runs only what that caller may.
 */
export function createMcpServer(options: {
  gateway: ToolGateway;
  version: string;
  contextOf: (extra: MessageExtraInfo | undefined) => McpCallContext;
}): Server {
  const { gateway, contextOf } = options;
  const server = new Server(
    { name: "arthur", version: options.version },
    // No elicitation or sampling is sent, so the SDK's validator is never used; one Ajv is enough.
    { capabilities: { tools: {} }, jsonSchemaValidator: new AjvJsonSchemaValidator() },
  );
  server.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => ({
    tools: gateway.toolsFor(contextOf(extra).caller).map((tool) => describe(tool, gateway.registry)),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const context = contextOf(extra);
    const approvalId = request.params._meta?.[APPROVAL_META_KEY];
    try {
      // Re-sending the same call with the approval id is the MCP requester's confirmation: the
      // approval is bound to this authenticated user, this tool and these exact arguments.
      if (typeof approvalId === "string") await gateway.confirm(approvalId, context.caller);
      const outcome = await gateway.call({
        caller: context.caller,
        toolName: request.params.name,
        arguments: request.params.arguments ?? {},
        requestId: context.requestId ?? randomUUID(),
        ipAddress: context.ipAddress,
        ...(typeof approvalId === "string" ? { approvalId } : {}),
      });
      const structured =
        outcome.result && typeof outcome.result === "object" && !Array.isArray(outcome.result)
          ? (outcome.result as Record<string, unknown>)
          : { items: outcome.result };
      return {
        content: [
          { type: "text", text: JSON.stringify(outcome.result) },
          // The result refers to stored images by id and link; MCP clients get the picture itself too.
          ...outcome.images.map((image) => ({
            type: "image" as const,
            data: Buffer.from(image.png).toString("base64"),
            mimeType: image.ref.media_type,
          })),
        ],
        structuredContent: structured,
      };
    } catch (error) {
      if (error instanceof ToolError) return toolErrorResult(error);
      throw error;
    }
  });
  return server;
}

/** What one `POST /mcp` gets back: a JSON body and status, or 202 with no body. */
export interface McpHttpAnswer {
  status: 200 | 202 | 400 | 406 | 415;
  body: unknown;
}

type JsonRpcId = string | number;

const MAX_BATCH = 100;

function jsonRpcError(status: McpHttpAnswer["status"], code: number, message: string): McpHttpAnswer {
  return { status, body: { jsonrpc: "2.0", id: null, error: { code, message } } };
}

/**
 * A cheap structural check of one JSON-RPC 2.0 message. The SDK's handlers validate each method's
 * params with its own schemas, so this only needs to tell requests, notifications and responses apart.
 */
function messageKind(value: unknown): "request" | "notification" | "response" | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return undefined;
  const hasId = typeof m.id === "string" || (typeof m.id === "number" && Number.isFinite(m.id));
  if (typeof m.method === "string") {
    if (m.params !== undefined && (typeof m.params !== "object" || m.params === null)) return undefined;
    if ("id" in m) return hasId ? "request" : undefined;
    return "notification";
  }
  return hasId && ("result" in m || "error" in m) ? "response" : undefined;
}

function isJsonContentType(value: string | undefined): boolean {
  return (value ?? "").split(";")[0]?.trim().toLowerCase() === "application/json";
}

/**
 * Stateless Streamable HTTP (JSON responses, no sessions) with one long-lived SDK server for all
 * callers. The SDK's own HTTP transport serves one request per server instance, and building a
 * server and transport for every call cost more CPU than the rest of the call; here each request's
 * messages go to the shared server under ids unique to this process, carrying the caller as
 * `authInfo`, and the answers are mapped back to the client's ids.
 */
export class McpHttpEndpoint implements Transport {
  onmessage?: Transport["onmessage"];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  readonly #pending = new Map<number, { clientId: JsonRpcId; resolve: (answer: JSONRPCMessage) => void }>();
  readonly #connected: Promise<void>;
  #nextId = 1;

  constructor(server: Server) {
    this.#connected = server.connect(this);
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Only answers to our requests have somewhere to go: stateless HTTP has no stream for
    // server-initiated requests or notifications.
    const id = (message as { id?: unknown }).id;
    if (typeof id !== "number" || !("result" in message || "error" in message)) return;
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    pending.resolve({ ...message, id: pending.clientId } as JSONRPCMessage);
  }

  /** One POST: headers already authenticated; `body` is the parsed JSON. */
  async handle(
    headers: { accept?: string; contentType?: string; protocolVersion?: string },
    body: unknown,
    context: McpCallContext,
  ): Promise<McpHttpAnswer> {
    const accept = headers.accept ?? "";
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
      return jsonRpcError(
        406,
        -32000,
        "Not Acceptable: Client must accept both application/json and text/event-stream",
      );
    }
    if (!isJsonContentType(headers.contentType)) {
      return jsonRpcError(415, -32000, "Unsupported Media Type: Content-Type must be application/json");
    }
    const batch = Array.isArray(body);
    const messages: unknown[] = batch ? body : [body];
    if (messages.length === 0 || messages.length > MAX_BATCH) {
      return jsonRpcError(400, -32600, `Invalid Request: send 1 to ${MAX_BATCH} messages`);
    }
    const kinds = messages.map(messageKind);
    if (kinds.some((kind) => kind === undefined)) {
      return jsonRpcError(400, -32600, "Invalid Request: not a JSON-RPC 2.0 message");
    }
    const initializing = messages.some((m) => (m as { method?: unknown }).method === "initialize");
    if (initializing && messages.length > 1) {
      return jsonRpcError(400, -32600, "Invalid Request: Only one initialization request is allowed");
    }
    const version = headers.protocolVersion;
    if (!initializing && version && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return jsonRpcError(
        400,
        -32000,
        `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
      );
    }

    await this.#connected;
    const extra: MessageExtraInfo = {
      authInfo: { token: "", clientId: context.caller.userId, scopes: [], extra: { context } },
    };
    const answers: Promise<JSONRPCMessage>[] = [];
    messages.forEach((message, i) => {
      if (kinds[i] !== "request") {
        this.onmessage?.(message as JSONRPCMessage, extra);
        return;
      }
      const id = this.#nextId++;
      const clientId = (message as { id: JsonRpcId }).id;
      answers.push(new Promise((resolve) => this.#pending.set(id, { clientId, resolve })));
      this.onmessage?.({ ...(message as JSONRPCMessage), id } as JSONRPCMessage, extra);
    });
    if (!answers.length) return { status: 202, body: null };
    const results = await Promise.all(answers);
    return { status: 200, body: batch ? results : results[0] };
  }
}

/** The caller an HTTP request's messages were handed to the server with (see McpHttpEndpoint). */
export function httpCallContext(extra: MessageExtraInfo | undefined): McpCallContext {
  const context = extra?.authInfo?.extra?.context as McpCallContext | undefined;
  // Every message reaches the server through McpHttpEndpoint.handle, which always sets it.
  if (!context) throw new ToolError("UNAUTHENTICATED", "No caller for this MCP request");
  return context;
}
