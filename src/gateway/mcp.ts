import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { type AnyTool, type Caller, ToolError, type ToolRegistry } from "../catalog/index.ts";
import type { ToolGateway } from "./pipeline.ts";

export interface McpContext {
  gateway: ToolGateway;
  caller: Caller;
  /** The HTTP request's id; absent for long-lived transports (stdio), where each call gets one. */
  requestId?: string;
  ipAddress: string | null;
  version: string;
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

/** A tool failure as MCP expects it: a result with isError, carrying our code for programs. */
export function toolErrorResult(error: ToolError): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text: `${error.code}: ${error.message}` }],
    structuredContent: {
      error: { code: error.code, message: error.message, details: error.details ?? null },
    },
  };
}

/**
 * One validator for every server: the SDK builds a fresh Ajv per Server otherwise, and stateless HTTP
 * creates a Server per request. (Only elicitation would use it; tool arguments are checked with zod.)
 */
const sharedValidator = new AjvJsonSchemaValidator();

/** An MCP server bound to one authenticated caller: it lists and runs only what that caller may. */
export function createMcpServer(context: McpContext): Server {
  const { gateway, caller } = context;
  const server = new Server(
    { name: "arthur", version: context.version },
    { capabilities: { tools: {} }, jsonSchemaValidator: sharedValidator },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: gateway.toolsFor(caller).map((tool) => describe(tool, gateway.registry)),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    try {
      const outcome = await gateway.call({
        caller,
        toolName: request.params.name,
        arguments: request.params.arguments ?? {},
        requestId: context.requestId ?? randomUUID(),
        ipAddress: context.ipAddress,
      });
      const structured =
        outcome.result && typeof outcome.result === "object" && !Array.isArray(outcome.result)
          ? (outcome.result as Record<string, unknown>)
          : { items: outcome.result };
      return {
        content: [{ type: "text", text: JSON.stringify(outcome.result) }],
        structuredContent: structured,
      };
    } catch (error) {
      if (error instanceof ToolError) return toolErrorResult(error);
      throw error;
    }
  });
  return server;
}

/**
 * Answer one stateless Streamable HTTP request (JSON responses, no sessions). `parsedBody`, when the
 * caller already parsed the JSON, spares the transport from reading the body as a web stream.
 */
export async function handleMcpRequest(
  request: Request,
  context: McpContext,
  parsedBody?: unknown,
): Promise<Response> {
  const server = createMcpServer(context);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  // No close(): with JSON responses nothing stays open once the response exists, and closing builds
  // a "connection closed" error and aborts controllers on every request. Both objects are garbage now.
  return transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody });
}
