import { readFileSync } from "node:fs";
import type { Database } from "../db/index.ts";
import { createEdgeFunctions } from "../edge/index.ts";
import { createEventbriteApi } from "../eventbrite/index.ts";
import { type InternalSecrets, startToolService, type ToolService } from "../gateway/index.ts";
import { allTools } from "../packs/index.ts";
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
