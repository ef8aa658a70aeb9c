import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { listen, type RunningServer } from "../../gateway/index.ts";
import { type ConsoleDeps, createConsoleApp } from "./app.ts";

export interface RunningConsole extends RunningServer {
  /** The page with the token in its query: the link to open (the page moves the token off the address bar). */
  link: string;
}

/** A fresh console token: 32 random bytes, URL-safe. */
export function newConsoleToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The assistant's web server: the Slack app's routes at /slack (Slack verifies itself there by
 * signature), the web console at / when it is wanted (`arthur dev`), and /healthz.
 */
export function createAssistantWebApp(parts: { console?: ConsoleDeps; slack?: Hono | null }): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ ok: true }));
  if (parts.slack) app.route("/slack", parts.slack);
  if (parts.console) app.route("/", createConsoleApp(parts.console));
  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );
  return app;
}

/** Serve the console (and the Slack app's routes, when given) on host:port (0: any free port). */
export async function startConsole(
  deps: ConsoleDeps & { host: string; port: number; slack?: Hono | null },
): Promise<RunningConsole> {
  const { host, port, slack, ...consoleDeps } = deps;
  const server = await listen(createAssistantWebApp({ console: consoleDeps, slack }), host, port, "PORT");
  return { ...server, link: `${server.url}/?token=${encodeURIComponent(deps.token)}` };
}

/** Serve only the Slack app's routes (and /healthz): `arthur assistant`, where no console belongs. */
export function startSlackServer(options: {
  host: string;
  port: number;
  slack: Hono;
}): Promise<RunningServer> {
  return listen(createAssistantWebApp({ slack: options.slack }), options.host, options.port, "PORT");
}
