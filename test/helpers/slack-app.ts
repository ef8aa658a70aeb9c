import type { Assistant } from "../../src/assistant/index.ts";
import type { Role } from "../../src/catalog/index.ts";
import {
  createSlackApp,
  RoleDirectory,
  type SlackApp,
  type SlackAppDeps,
  SlackStore,
  type TeamRoleLookup,
} from "../../src/channels/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { testAssistant } from "./assistant.ts";
import type { TestDatabase } from "./db.ts";

/**
 * The real Slack app over the real assistant and gateway of a test database, with sessions kept.
 * `slack` says how Slack reaches it (signing secret: HTTP; app token: Socket Mode) and where the Web
 * API is (a fake). TEST_LOG_LEVEL=debug shows the app's log.
 */
export function createTestSlackApp(options: {
  db: TestDatabase;
  service: ToolService;
  slack: SlackAppDeps["slack"];
  userRoles: Record<string, Role>;
  openViewerChannels?: string[];
  approvers?: string[];
  writesEnabled?: boolean;
  store?: SlackStore;
  /** A team's role map for its channels (the control plane's Tenants.slackRole). */
  teamRole?: TeamRoleLookup;
  /** A team's switched-on tools for its channels. */
  teamTools?: SlackAppDeps["teamTools"];
  /** Default: the offline planner. */
  assistant?: Assistant;
}): SlackApp {
  const { db, service } = options;
  const registry = service.gateway.registry;
  const assistant = options.assistant ?? testAssistant(db, service);
  return createSlackApp({
    assistant,
    registry,
    roles: new RoleDirectory(
      db.sql,
      { userRoles: options.userRoles, openViewerChannels: options.openViewerChannels ?? [] },
      options.teamRole ?? null,
    ),
    store: options.store ?? new SlackStore(db.sql, "test"),
    loadImage: async (id) => (await service.images.load(id))?.data ?? null,
    slack: options.slack,
    writesEnabled: options.writesEnabled ?? false,
    approvers: options.approvers ?? [],
    ...(options.teamTools ? { teamTools: options.teamTools } : {}),
    logger: createLogger((process.env.TEST_LOG_LEVEL as "silent" | undefined) ?? "silent"),
  });
}
