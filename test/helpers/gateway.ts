import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll } from "vitest";
import type { AnyTool, EdgeFunctions, EventbriteApi, Role } from "../../src/catalog/index.ts";
import { type Config, loadConfig } from "../../src/config/index.ts";
import {
  createGatewayApp,
  createToken,
  listen,
  type RunningServer,
  startToolService,
  type ToolService,
} from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { allTools } from "../../src/packs/index.ts";
import type { TestDatabase } from "./db.ts";

/** Fixed test secrets for the internal endpoint (two different ones, as in production). */
export const INTERNAL_SECRETS = {
  callerSecret: "test-caller-secret-0123456789abcdef0123456789",
  signingSecret: "test-signing-secret-0123456789abcdef012345678",
};

export interface TestGateway {
  readonly url: string;
  readonly service: ToolService;
  /** A fresh personal token for a role (created on first use per role). */
  token(role: Role): Promise<string>;
}

/**
 * The real tool service (pipeline, audit, pools) over a test database, without HTTP: for tests that
 * call `service.gateway` directly. The caller closes it.
 */
export function startTestToolService(
  db: TestDatabase,
  options: {
    env?: Record<string, string>;
    tools?: readonly AnyTool[];
    edge?: EdgeFunctions;
    eventbrite?: EventbriteApi | null;
  } = {},
): ToolService {
  return startToolService({
    sql: db.sql,
    databaseUrl: db.url,
    config: loadConfig({ LOG_LEVEL: "silent", ...options.env }, { dotEnvPath: null }),
    logger: createLogger("silent"),
    tools: options.tools ?? allTools,
    version: "test",
    ...(options.edge ? { edge: options.edge } : {}),
    ...(options.eventbrite ? { eventbrite: options.eventbrite } : {}),
  });
}

/** An MCP SDK client connected to the gateway's `/mcp` with a bearer token. */
export async function connectMcp(gatewayUrl: string, token: string): Promise<Client> {
  const client = new Client({ name: "arthur-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** Start the real gateway (tool service + HTTP on a free loopback port) over a test database. */
export function useGateway(db: TestDatabase, env: Record<string, string> = {}): TestGateway {
  let server: RunningServer | undefined;
  let service: ToolService | undefined;
  const tokens = new Map<Role, string>();
  const config: Config = loadConfig({ GATEWAY_PORT: "0", LOG_LEVEL: "silent", ...env }, { dotEnvPath: null });
  beforeAll(async () => {
    const logger = createLogger("silent");
    service = startToolService({
      sql: db.sql,
      databaseUrl: db.url,
      config,
      logger,
      tools: allTools,
      version: "test",
      internalSecrets: INTERNAL_SECRETS,
    });
    const app = createGatewayApp({
      checkDatabase: async () => true,
      logger,
      version: "test",
      tools: service,
    });
    server = await listen(app, "127.0.0.1", 0);
    service.listeningAt(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await service?.close();
  });
  return {
    get url() {
      if (!server) throw new Error("gateway not started");
      return server.url;
    },
    get service() {
      if (!service) throw new Error("gateway not started");
      return service;
    },
    async token(role: Role) {
      const existing = tokens.get(role);
      if (existing) return existing;
      const { token } = await createToken(db.sql, { userId: `U-${role}`, role, label: "test" });
      tokens.set(role, token);
      return token;
    },
  };
}
