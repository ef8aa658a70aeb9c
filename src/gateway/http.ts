import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono } from "hono";
import { type Caller, ToolError } from "../catalog/index.ts";
import { isDatabaseUnavailable } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import {
  type InternalCaller,
  type InternalSecrets,
  type NonceStore,
  RequestCallCounts,
  verifyInternalRequest,
} from "./internal.ts";
import { createMcpServer, httpCallContext, McpHttpEndpoint } from "./mcp.ts";
import type { ToolService } from "./service.ts";

export interface HttpDeps {
  /** Returns true when the database answers; readiness depends on it. */
  checkDatabase: () => Promise<boolean>;
  logger: Logger;
  version: string;
  /** The tool endpoints; absent in a probes-only shell. */
  /** The tool service whose endpoints to serve (its internal endpoint only when it has secrets). */
  tools?: Pick<ToolService, "gateway" | "tokens" | "metrics" | "internal" | "images">;
}

/** Largest bodies accepted: MCP carries tool arguments from any client; the assistant's calls are small. */
const MAX_MCP_BODY_BYTES = 1024 * 1024;
const MAX_INTERNAL_BODY_BYTES = 256 * 1024;

function errorJson(c: Context, error: ToolError) {
  return c.json(
    { ok: false, error: { code: error.code, message: error.message, details: error.details ?? undefined } },
    error.status as 400,
  );
}

function unauthenticated(c: Context, message: string) {
  c.header("WWW-Authenticate", 'Bearer realm="arthur"');
  return c.json({ error: { code: "UNAUTHENTICATED", message } }, 401);
}

type BodyFailure = { status: 400 | 413; message: string };

/**
 * The body as text, refused beyond `maxBytes` without reading the rest. Read straight from Node's
 * request stream when there is one (much cheaper than a web Request body), else from the Request
 * (app.request in tests).
 */
async function readBody(c: Context, maxBytes: number): Promise<{ text: string } | BodyFailure> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const tooLarge = { status: 413, message: `Bodies are limited to ${maxBytes} bytes` } as const;
  if (!incoming) {
    const text = await c.req.text();
    return Buffer.byteLength(text) > maxBytes ? tooLarge : { text };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of incoming) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) return tooLarge;
      chunks.push(chunk as Buffer);
    }
  } catch {
    // The client went away mid-body; nobody will read the answer.
    return { status: 400, message: "The request body was not received completely" };
  }
  return { text: Buffer.concat(chunks).toString("utf8") };
}

/** A body the internal endpoints could not read, in their error shape. */
function internalBodyError(c: Context, failure: BodyFailure) {
  const code = failure.status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_ARGUMENT";
  return c.json({ ok: false, error: { code, message: failure.message } }, failure.status);
}

/** The signed internal caller of this request (headers, body and nonce checked). */
function verifySigned(
  c: Context,
  internal: { secrets: InternalSecrets; nonces: NonceStore },
  body: string,
): Promise<InternalCaller> {
  return verifyInternalRequest({
    secrets: internal.secrets,
    nonces: internal.nonces,
    authorization: c.req.header("authorization"),
    timestamp: c.req.header("x-arthur-timestamp"),
    nonce: c.req.header("x-arthur-nonce"),
    signature: c.req.header("x-arthur-signature"),
    method: c.req.method,
    path: c.req.path,
    body,
  });
}

function clientAddress(c: Context): string | null {
  // Only on Node's server (not in app.request): getConnInfo throws without a socket.
  if (!(c.env as { incoming?: IncomingMessage } | undefined)?.incoming) return null;
  return getConnInfo(c).remote.address ?? null;
}

/**
 * The gateway's HTTP surface: unauthenticated liveness/readiness probes (they reveal only up or
 * down), and bearer-authenticated MCP (`/mcp`) and Prometheus metrics (`/metrics`, ops only).
 */
export function createGatewayApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok", version: deps.version }));
  app.get("/readyz", async (c) => {
    const database = await deps.checkDatabase();
    return c.json({ status: database ? "ready" : "unavailable", checks: { database } }, database ? 200 : 503);
  });

  const tools = deps.tools;
  if (tools) {
    const bearer = async (c: Context): Promise<Caller | null> => {
      const header = c.req.header("authorization") ?? "";
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      return match?.[1] ? tools.tokens.verify(match[1]) : null;
    };

    const mcp = new McpHttpEndpoint(
      createMcpServer({ gateway: tools.gateway, version: deps.version, contextOf: httpCallContext }),
    );
    app.all("/mcp", async (c) => {
      const caller = await bearer(c);
      if (!caller)
        return unauthenticated(c, "A valid personal token is required (Authorization: Bearer <token>)");
      if (c.req.method !== "POST") {
        c.header("Allow", "POST");
        return c.json(
          { error: { code: "METHOD_NOT_ALLOWED", message: "This MCP endpoint is stateless: POST only" } },
          405,
        );
      }
      const body = await readBody(c, MAX_MCP_BODY_BYTES);
      if ("status" in body) {
        return c.json(
          { jsonrpc: "2.0", id: null, error: { code: -32700, message: body.message } },
          body.status,
        );
      }
      let message: unknown;
      try {
        message = JSON.parse(body.text);
      } catch {
        return c.json(
          {
            jsonrpc: "2.0",
            id: null,
            error: { code: -32700, message: "Parse error: the body is not valid JSON" },
          },
          400,
        );
      }
      const answer = await mcp.handle(
        {
          accept: c.req.header("accept"),
          contentType: c.req.header("content-type"),
          protocolVersion: c.req.header("mcp-protocol-version"),
        },
        message,
        {
          caller,
          requestId: c.req.header("x-request-id") ?? randomUUID(),
          ipAddress: clientAddress(c),
        },
      );
      return answer.status === 202 ? c.body(null, 202) : c.json(answer.body, answer.status);
    });

    const internal = tools.internal;
    if (internal) {
      const counts = new RequestCallCounts();
      app.post("/internal/v1/tools/:name", async (c) => {
        const read = await readBody(c, MAX_INTERNAL_BODY_BYTES);
        if ("status" in read) return internalBodyError(c, read);
        const body = read.text;
        const ipAddress = clientAddress(c);
        let caller: InternalCaller;
        try {
          caller = await verifySigned(c, internal, body);
        } catch (error) {
          if (!(error instanceof ToolError)) throw error;
          tools.gateway.recordDenial(error, c.req.param("name"), ipAddress);
          return errorJson(c, error);
        }
        let payload: { arguments?: unknown; approval_id?: unknown };
        try {
          payload = JSON.parse(body) as { arguments?: unknown; approval_id?: unknown };
          if (!payload || typeof payload !== "object" || Array.isArray(payload))
            throw new Error("not an object");
        } catch {
          return errorJson(
            c,
            new ToolError("INVALID_ARGUMENT", 'The body must be JSON: {"arguments": {...}}'),
          );
        }
        try {
          const outcome = await tools.gateway.call({
            caller,
            toolName: c.req.param("name"),
            arguments: payload.arguments ?? {},
            requestId: caller.requestId,
            ipAddress,
            callCounts: counts.for(caller.requestId),
            ...(typeof payload.approval_id === "string" ? { approvalId: payload.approval_id } : {}),
          });
          return c.json({
            ok: true,
            tool: outcome.tool,
            result: outcome.result,
            text: outcome.text,
            truncated: outcome.truncated,
            // Stored images by reference (the signed links), never their bytes.
            images: outcome.images.map((image) => image.ref),
            redactions: outcome.redactions,
          });
        } catch (error) {
          if (error instanceof ToolError) return errorJson(c, error);
          throw error;
        }
      });

      // The requester confirms or cancels a pending write (the Slack buttons post here via the assistant).
      app.post("/internal/v1/approvals/:id/:action{confirm|cancel}", async (c) => {
        const read = await readBody(c, MAX_INTERNAL_BODY_BYTES);
        if ("status" in read) return internalBodyError(c, read);
        try {
          const caller = await verifySigned(c, internal, read.text);
          const id = c.req.param("id");
          const approval =
            c.req.param("action") === "confirm"
              ? await tools.gateway.confirm(id, caller)
              : await tools.gateway.cancel(id, caller);
          return c.json({
            ok: true,
            approval_id: approval.id,
            tool: approval.toolName,
            arguments: approval.arguments,
            requested_by: approval.requestedBy,
            expires_at: approval.expiresAt.toISOString(),
          });
        } catch (error) {
          if (error instanceof ToolError) return errorJson(c, error);
          throw error;
        }
      });
    }

    // Stored images (charts): a signed link works on its own (Slack, a browser); a valid token works too.
    app.get("/images/:file", async (c) => {
      const match = /^([0-9a-f-]{36})\.png$/.exec(c.req.param("file"));
      if (!match?.[1]) return c.json({ error: { code: "NOT_FOUND", message: "No such image" } }, 404);
      const id = match[1];
      const link = await tools.images.verifyLink(id, c.req.query("expires"), c.req.query("signature"));
      if (link !== "valid" && !(await bearer(c))) {
        return link === "expired"
          ? c.json(
              {
                error: {
                  code: "LINK_EXPIRED",
                  message: "This image link has expired; generate the chart again",
                },
              },
              410,
            )
          : unauthenticated(c, "A signed image link or a valid personal token is required");
      }
      const image = await tools.images.load(id);
      if (!image)
        return c.json(
          { error: { code: "NOT_FOUND", message: "No such image (it may have been removed by retention)" } },
          404,
        );
      c.header("Content-Type", image.mediaType);
      c.header("Cache-Control", "private, max-age=86400, immutable");
      c.header("X-Content-Type-Options", "nosniff");
      return c.body(new Uint8Array(image.data));
    });

    app.get("/metrics", async (c) => {
      const caller = await bearer(c);
      if (!caller)
        return unauthenticated(c, "A valid personal token is required (Authorization: Bearer <token>)");
      if (caller.role !== "ops")
        return c.json({ error: { code: "FORBIDDEN", message: "Metrics are for the ops role" } }, 403);
      c.header("Content-Type", tools.metrics.registry.contentType);
      return c.body(await tools.metrics.registry.metrics());
    });
  }
  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    if (isDatabaseUnavailable(error)) {
      deps.logger.warn({ err: error.message, path: c.req.path }, "database unavailable");
      return c.json(
        {
          error: {
            code: "UNAVAILABLE",
            message: "The database cannot be reached right now; try again shortly",
          },
        },
        503,
      );
    }
    deps.logger.error({ err: error.message, path: c.req.path }, "unhandled gateway error");
    return c.json({ error: { code: "INTERNAL", message: "Internal error" } }, 500);
  });
  return app;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Listen on host:port (port 0 picks a free one) and resolve once accepting connections. */
/** Serve `app` on host:port; `portVariable` names the setting to change when the port is taken. */
export function listen(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  host: string,
  port: number,
  portVariable = "GATEWAY_PORT",
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    }) as Server;
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${port} on ${host} is already in use (set ${portVariable} to another port, or 0 for any free one)`,
            )
          : error,
      );
    });
  });
}
