import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Logger } from "../observability/index.ts";

export interface GatewayDeps {
  /** Returns true when the database answers; readiness depends on it. */
  checkDatabase: () => Promise<boolean>;
  logger: Logger;
  version: string;
}

/**
 * The gateway's HTTP surface. For now: liveness and readiness probes (unauthenticated by design,
 * they reveal nothing but up/down). Tool endpoints arrive with the gateway issue and authenticate.
 */
export function createGatewayApp(deps: GatewayDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok", version: deps.version }));
  app.get("/readyz", async (c) => {
    const database = await deps.checkDatabase();
    return c.json({ status: database ? "ready" : "unavailable", checks: { database } }, database ? 200 : 503);
  });
  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
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
export function listen(app: Hono, host: string, port: number): Promise<RunningServer> {
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
          ? new Error(`Port ${port} on ${host} is already in use (set GATEWAY_PORT to another port)`)
          : error,
      );
    });
  });
}
