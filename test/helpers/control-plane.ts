import type { WebClient } from "@slack/web-api";
import type { Assistant } from "../../src/assistant/index.ts";
import type { SlackApp } from "../../src/channels/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { type Cluster, type RunningControlPlane, startControlPlane } from "../../src/control-plane/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { testAssistant } from "./assistant.ts";
import type { TestDatabase } from "./db.ts";

/** The real control plane on a free loopback port, over a test database and gateway; no Kubernetes unless given. */
export function startTestControlPlane(
  db: TestDatabase,
  service: ToolService,
  options: {
    env?: Record<string, string>;
    assistant?: Assistant;
    slack?: { app: SlackApp | null; client: WebClient | null };
    cluster?: Cluster | null;
  } = {},
): Promise<RunningControlPlane> {
  return startControlPlane({
    sql: db.sql,
    databaseUrl: db.url,
    config: loadConfig(
      { LOG_LEVEL: "silent", CONTROL_PLANE_PORT: "0", ...options.env },
      { dotEnvPath: null },
    ),
    logger: createLogger("silent"),
    version: "test",
    assistant: options.assistant ?? testAssistant(db, service),
    registry: service.gateway.registry,
    slack: options.slack ?? { app: null, client: null },
    cluster: options.cluster ?? null,
  });
}
