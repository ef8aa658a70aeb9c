import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { createSql, ping } from "../../src/db/index.ts";
import { createGatewayApp, listen, type RunningServer, startToolService } from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { freePort } from "../helpers/process.ts";

const db = useTestDatabase();
const logger = createLogger("silent");
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function serve(checkDatabase: () => Promise<boolean>): Promise<string> {
  const server = await listen(createGatewayApp({ checkDatabase, logger, version: "test" }), "127.0.0.1", 0);
  servers.push(server);
  return server.url;
}

describe("gateway probes over real HTTP", () => {
  it("reports live and ready when the database answers", async () => {
    const url = await serve(() => ping(db.sql));
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", version: "test" });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: true } });
  });

  it("stays live but reports 503 not-ready when the database is unreachable", async () => {
    const unreachable = createSql(`postgres://nobody:x@127.0.0.1:${await freePort()}/none`, {
      maxConnections: 1,
    });
    try {
      const url = await serve(() => ping(unreachable, 1500));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "unavailable", checks: { database: false } });
    } finally {
      await unreachable.end({ timeout: 0 });
    }
  });

  it("answers MCP with 503 UNAVAILABLE, not a 500, while the database is unreachable", async () => {
    const deadUrl = `postgres://nobody:x@127.0.0.1:${await freePort()}/none`;
    const unreachable = createSql(deadUrl, { maxConnections: 1 });
    const config = loadConfig({ LOG_LEVEL: "silent" }, { dotEnvPath: null });
    const tools = startToolService({
      sql: unreachable,
      databaseUrl: deadUrl,
      config,
      logger,
      tools: allTools,
      version: "test",
    });
    try {
      const server = await listen(
        createGatewayApp({ checkDatabase: async () => false, logger, version: "test", tools }),
        "127.0.0.1",
        0,
      );
      servers.push(server);
      const response = await fetch(`${server.url}/mcp`, {
        method: "POST",
        headers: {
          Authorization: "Bearer arthur_pat_a-token-that-cannot-be-checked-now",
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: "UNAVAILABLE" } });
    } finally {
      await tools.close();
      await unreachable.end({ timeout: 0 });
    }
  });

  it("answers unknown paths with a JSON 404, not an HTML page or a stack trace", async () => {
    const url = await serve(async () => true);
    const response = await fetch(`${url}/admin/../etc/passwd`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("explains a port that is already taken", async () => {
    const taken = await serve(async () => true);
    const port = Number(new URL(taken).port);
    await expect(
      listen(createGatewayApp({ checkDatabase: async () => true, logger, version: "t" }), "127.0.0.1", port),
    ).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is already in use (set GATEWAY_PORT to another port, or 0 for any free one)`,
    );
  });
});
