import {
  type AnyTool,
  applyOverrides,
  type EdgeFunctions,
  type EventbriteApi,
  loadToolOverrides,
  ToolRegistry,
} from "../catalog/index.ts";
import type { Config } from "../config/index.ts";
import { createSql, type Sql } from "../db/index.ts";
import { unconfiguredEdgeFunctions } from "../edge/index.ts";
import { createGatewayMetrics, type GatewayMetrics, type Logger } from "../observability/index.ts";
import { AuditWriter } from "./audit.ts";
import { PgImageStore } from "./images.ts";
import { type InternalSecrets, NonceStore } from "./internal.ts";
import { ToolGateway } from "./pipeline.ts";
import { TokenVerifier } from "./tokens.ts";

export interface ToolService {
  gateway: ToolGateway;
  tokens: TokenVerifier;
  metrics: GatewayMetrics;
  audit: AuditWriter;
  images: PgImageStore;
  /** Tell the service the address it ended up listening on (GATEWAY_PORT=0), for links. */
  listeningAt(url: string): void;
  /** The signed internal endpoint's secrets and nonce store, when it is enabled. */
  internal: { secrets: InternalSecrets; nonces: NonceStore } | undefined;
  /** Finish calls in progress, write the audit buffer, close the tool pool. */
  close(): Promise<void>;
}

/** The effective catalogue: the defined tools with this deployment's policy file applied. */
export function buildRegistry(tools: readonly AnyTool[], config: Config): ToolRegistry {
  const base = new ToolRegistry(tools);
  if (!config.tools.policyFile) return base;
  return new ToolRegistry(applyOverrides(tools, loadToolOverrides(config.tools.policyFile, base)));
}

/** The configured internal secrets, if both are set. */
export function configuredSecrets(config: Config): InternalSecrets | undefined {
  const { callerSecret, signingSecret } = config.internal;
  return callerSecret && signingSecret ? { callerSecret, signingSecret } : undefined;
}

/**
 * Assemble the gateway over a database: a separate pool for tool calls (statement timeout and
 * read-only transactions by default on every connection), the audit writer on the main pool,
 * metrics and token verification.
 */
export function startToolService(options: {
  sql: Sql;
  databaseUrl: string;
  config: Config;
  logger: Logger;
  tools: readonly AnyTool[];
  version: string;
  /** Enables the internal endpoint; `arthur dev` passes generated ones when none are configured. */
  internalSecrets?: InternalSecrets;
  /** Edge Functions for write tools; without them such calls fail with UPSTREAM. */
  edge?: EdgeFunctions;
  /** Eventbrite's API when a token is configured. */
  eventbrite?: EventbriteApi | null;
}): ToolService {
  const { config, logger } = options;
  const registry = buildRegistry(options.tools, config);
  const toolSql = createSql(options.databaseUrl, {
    maxConnections: config.database.maxConnections,
    applicationName: "arthur-tools",
    statementTimeoutMs: config.tools.timeoutMs,
    readOnlyByDefault: true,
  });
  const metrics = createGatewayMetrics();
  let publicUrl = config.gateway.publicUrl ?? `http://${config.gateway.host}:${config.gateway.port}`;
  const images = new PgImageStore(options.sql, () => publicUrl);
  const audit = new AuditWriter(options.sql, logger, metrics, { gatewayVersion: options.version });
  const gateway = new ToolGateway({
    sql: options.sql,
    toolSql,
    registry,
    audit,
    metrics,
    logger,
    tools: config.tools,
    edge: options.edge ?? unconfiguredEdgeFunctions,
    eventbrite: options.eventbrite ?? null,
    images,
    approvers: config.identity.approvers,
  });
  return {
    gateway,
    tokens: new TokenVerifier(options.sql),
    metrics,
    audit,
    images,
    listeningAt(url) {
      // Only when not configured: a configured public URL is how people reach us (proxies).
      if (!config.gateway.publicUrl) publicUrl = url;
    },
    internal: options.internalSecrets
      ? { secrets: options.internalSecrets, nonces: new NonceStore(options.sql) }
      : undefined,
    async close() {
      await gateway.drain();
      await audit.close();
      await toolSql.end({ timeout: 5 });
    },
  };
}
