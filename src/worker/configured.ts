import type { Config } from "../config/index.ts";
import type { Sql } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import { createSlackClient } from "../slack/index.ts";
import { type RunningWorker, startWorker } from "./worker.ts";

/**
 * The worker as `arthur worker` and `arthur dev` run it: with a Slack client when SLACK_BOT_TOKEN
 * is set (chart autoposts), otherwise retention only.
 */
export function startConfiguredWorker(options: {
  sql: Sql;
  databaseUrl: string;
  config: Config;
  logger: Logger;
}): Promise<RunningWorker> {
  const { config, logger } = options;
  const slack = config.slack.botToken
    ? createSlackClient({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, logger })
    : null;
  return startWorker({ ...options, slack });
}
