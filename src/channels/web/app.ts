import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import type { Assistant, AssistantAnswer } from "../../assistant/index.ts";
import { type Caller, ROLES, type Role } from "../../catalog/index.ts";
import { isDatabaseUnavailable } from "../../db/index.ts";
import type { Logger } from "../../observability/index.ts";
import { consolePage } from "./page.ts";
import { actingAs, approvalId, askBody, describeIssues } from "./schema.ts";

/** Bodies are small: a question and at most twenty short earlier turns. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ConsoleDeps {
  assistant: Pick<Assistant, "answer" | "settleApproval">;
  /** The secret every API call must present as `Authorization: Bearer <token>`. */
  token: string;
  logger?: Logger;
  /** Roles offered in the picker; default all. */
  roles?: readonly Role[];
  /** Origins the chart images are served from (the gateway's), allowed by the page's CSP. */
  imageOrigins?: readonly string[];
}

/** What the page shows of an answer: never the raw tool results (they can be large). */
export function answerJson(answer: AssistantAnswer) {
  return {
    text: answer.text,
    plain: answer.plain,
    tools: answer.tools.map((t) => ({
      tool: t.tool,
      arguments: t.arguments,
      ok: t.ok,
      pending: t.pending ?? false,
      error: t.error ?? null,
      images: t.images ?? [],
      durationMs: Math.round(t.durationMs),
      text: t.text ?? null,
    })),
    pendingApprovals: answer.pendingApprovals,
    clarification: answer.clarification,
    denied: answer.denied,
    rateLimited: answer.rateLimited,
    mode: answer.mode,
    model: answer.model,
    modelError: answer.modelError,
    usage: answer.usage,
  };
}

function apiError(c: Context, status: 400 | 401 | 404 | 413 | 500 | 503, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** Tokens are compared as digests: equal lengths for timingSafeEqual, and no early exit on length. */
function sameToken(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(createHash("sha256").update(presented).digest(), expected);
}

function consoleCaller(user: string, role: Role): Caller {
  return { userId: user, role, teamId: null, channelId: "console", sessionId: null, via: "internal" };
}

/** The JSON body checked against `schema`, or the 400 answer naming what is wrong. */
async function parseBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<{ ok: true; data: z.output<T> } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: apiError(c, 400, "INVALID_ARGUMENT", "The body must be JSON") };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      response: apiError(c, 400, "INVALID_ARGUMENT", describeIssues(parsed.error)),
    };
  }
  return { ok: true, data: parsed.data };
}

/**
 * The web console: one static page and a small JSON API over the assistant. It lets whoever holds
 * the token act as any user and role, so it is a local dev tool: every API call needs the token,
 * and it listens on loopback unless configured otherwise.
 */
export function createConsoleApp(deps: ConsoleDeps): Hono {
  if (deps.token.length < 16) throw new Error("the console token must be at least 16 characters");
  const expected = createHash("sha256").update(deps.token).digest();
  const roles = deps.roles ?? ROLES;
  const imageSources = ["'self'", ...(deps.imageOrigins ?? []).map((o) => new URL(o).origin)].join(" ");
  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
  });

  app.get("/", (c) => {
    // A fresh nonce per response: only this page's own inline script and style run.
    const nonce = randomBytes(16).toString("base64");
    c.header(
      "Content-Security-Policy",
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        `img-src ${imageSources}`,
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    return c.html(consolePage(nonce));
  });

  app.use("/api/*", async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    if (!match?.[1] || !sameToken(match[1], expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="arthur-console"');
      return apiError(
        c,
        401,
        "UNAUTHENTICATED",
        "The console token is missing or wrong: open the link `arthur dev` printed (…/?token=…)",
      );
    }
    return next();
  });
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, "PAYLOAD_TOO_LARGE", `Bodies are limited to ${MAX_BODY_BYTES} bytes`),
    }),
  );

  app.get("/api/roles", (c) => c.json({ roles }));

  app.post("/api/ask", async (c) => {
    const body = await parseBody(c, askBody);
    if (!body.ok) return body.response;
    const { user, role, message, context } = body.data;
    if (!roles.includes(role))
      return apiError(c, 400, "INVALID_ARGUMENT", `role ${role} is not offered here`);
    const answer = await deps.assistant.answer({
      message,
      context,
      caller: consoleCaller(user, role),
      interaction: "console",
    });
    return c.json({ answer: answerJson(answer) });
  });

  app.post("/api/approvals/:id/:action{confirm|cancel}", async (c) => {
    const id = approvalId.safeParse(c.req.param("id"));
    if (!id.success) return apiError(c, 400, "INVALID_ARGUMENT", `approval id ${describeIssues(id.error)}`);
    const body = await parseBody(c, actingAs);
    if (!body.ok) return body.response;
    const { user, role } = body.data;
    if (!roles.includes(role))
      return apiError(c, 400, "INVALID_ARGUMENT", `role ${role} is not offered here`);
    const answer = await deps.assistant.settleApproval({
      approvalId: id.data,
      action: c.req.param("action") === "confirm" ? "confirm" : "cancel",
      caller: consoleCaller(user, role),
      interaction: "console",
    });
    return c.json({ answer: answerJson(answer) });
  });

  app.notFound((c) => apiError(c, 404, "NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (isDatabaseUnavailable(error)) {
      deps.logger?.warn({ err: error.message, path: c.req.path }, "database unavailable");
      return apiError(c, 503, "UNAVAILABLE", "The database cannot be reached right now; try again shortly");
    }
    deps.logger?.error({ err: error.message, stack: error.stack, path: c.req.path }, "web console error");
    return apiError(
      c,
      500,
      "INTERNAL",
      "Something went wrong answering that; the console's log has the details",
    );
  });
  return app;
}
