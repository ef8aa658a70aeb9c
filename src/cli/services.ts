import { readFileSync } from "node:fs";
import {
  Assistant,
  InProcessToolPort,
  LlmResponder,
  TOOL_HINTS,
  ToolIndex,
  type ToolPort,
} from "../assistant/index.ts";
import type { ToolRegistry } from "../catalog/index.ts";
import { createSlackApp, RoleDirectory, type SlackApp, SlackStore } from "../channels/index.ts";
import { Tenants, teamToolFilter } from "../control-plane/index.ts";
import type { Database } from "../db/index.ts";
import { applyDemoSchema, defaultAnchor, demoHasData } from "../demo/index.ts";
import { createEdgeFunctions } from "../edge/index.ts";
import { createEventbriteApi } from "../eventbrite/index.ts";
import { type InternalSecrets, PgImageStore, startToolService, type ToolService } from "../gateway/index.ts";
import { ensureSampleKnowledge } from "../knowledge/index.ts";
import { allTools } from "../packs/index.ts";
import { seedWithProgress } from "./db-commands.ts";
import type { Runtime } from "./runtime.ts";

/** Arthur's version, as recorded in audit rows and reported by /healthz. */
export const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** The tool service over an open database with every defined tool (the CLI's composition root). */
export function startTools(db: Database, rt: Runtime, internalSecrets?: InternalSecrets): ToolService {
  return startToolService({
    sql: db.sql,
    databaseUrl: db.url,
    config: rt.config,
    logger: rt.logger,
    tools: allTools,
    version: VERSION,
    edge: createEdgeFunctions(rt.config.edge, db),
    eventbrite: createEventbriteApi(rt.config.eventbrite),
    ...(internalSecrets ? { internalSecrets } : {}),
  });
}

/** Seed the demo the first time Arthur manages an embedded database (or when --demo asks for it). */
export async function prepareDemo(db: Database, rt: Runtime): Promise<void> {
  await applyDemoSchema(db.sql);
  // The synthetic Slack export, so knowledge search answers in the demo (once; never re-imported).
  await ensureSampleKnowledge(db.sql);
  if (await demoHasData(db.sql)) return;
  const options = { scale: rt.config.demo.scale, seed: rt.config.demo.seed, anchor: defaultAnchor() };
  rt.logger.info(options, "seeding the demo Art Battle database (first run)");
  await seedWithProgress(db.sql, options);
}

/**
 * The assistant over a running tool service, in this process (the CLI's and `arthur dev`'s). With
 * `interactive` it keeps rate limits and session rows; the eval replays questions without either.
 */
export function buildAssistant(
  db: Database,
  rt: Runtime,
  service: ToolService | { registry: ToolRegistry; tools: ToolPort },
  options: { interactive: boolean },
): Assistant {
  const { registry, tools } =
    "gateway" in service
      ? { registry: service.gateway.registry, tools: new InProcessToolPort(service.gateway) }
      : service;
  const { llm } = rt.config;
  return new Assistant({
    sql: db.sql,
    registry,
    index: new ToolIndex(registry.list(), TOOL_HINTS),
    tools,
    writesEnabled: rt.config.tools.writesEnabled,
    ...(llm ? { llm: LlmResponder.fromConfig(llm, registry, tools) } : {}),
    ...(options.interactive ? { rateLimits: rt.config.rateLimits, sessions: { version: VERSION } } : {}),
  });
}

/**
 * The Slack app over an assistant, when Slack is configured: a bot token and either the signing
 * secret (HTTP, routes on the assistant's web server) or an app-level token (Socket Mode). Null
 * otherwise — with a warning when a token is set but Slack has no way in.
 */
export function buildSlackApp(
  db: Database,
  rt: Runtime,
  assistant: Assistant,
  registry: ToolRegistry,
): SlackApp | null {
  const { slack, identity, tools } = rt.config;
  if (!slack.botToken) return null;
  if (!slack.signingSecret && !slack.appToken) {
    rt.logger.warn(
      "SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode): the Slack app is off",
    );
    return null;
  }
  const images = new PgImageStore(db.sql, () => "");
  const tenants = new Tenants(db.sql);
  return createSlackApp({
    assistant,
    registry,
    // A team's role map applies in the channels the team owns (control plane).
    roles: new RoleDirectory(db.sql, identity, (userId, channelId) => tenants.slackRole(userId, channelId)),
    store: new SlackStore(db.sql, VERSION),
    loadImage: async (id) => (await images.load(id))?.data ?? null,
    slack: {
      botToken: slack.botToken,
      apiUrl: slack.apiUrl,
      signingSecret: slack.signingSecret,
      appToken: slack.appToken,
      command: slack.command,
    },
    writesEnabled: tools.writesEnabled,
    approvers: identity.approvers,
    // In a team's channels, its switched-on tool domains apply as well.
    teamTools: async (channelId) => {
      const owner = await tenants.channelTeam(channelId);
      return owner ? teamToolFilter(owner.team, owner.config, registry) : undefined;
    },
    logger: rt.logger,
  });
}
