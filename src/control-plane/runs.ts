import type { WebClient } from "@slack/web-api";
import type { Assistant, AssistantAnswer, ToolFilter } from "../assistant/index.ts";
import type { Caller, Role, ToolRegistry } from "../catalog/index.ts";
import type { SlackPoster } from "../channels/index.ts";
import type { Sql } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import type { AlertTrigger } from "./alerts.ts";
import type { TenantConfig } from "./config.ts";
import { ControlPlaneError } from "./errors.ts";
import type { TeamRef, Tenants } from "./tenants.ts";
import type { AlertJob } from "./webhooks.ts";

export interface AgentRunDeps {
  sql: Sql;
  tenants: Tenants;
  assistant: Pick<Assistant, "answer">;
  /** The catalogue, for the tool domains a team's configuration switches on. */
  registry: ToolRegistry;
  /** Where runs post; null: the diagnosis is recorded but not posted (no Slack configured). */
  slack: { client: WebClient; poster: SlackPoster } | null;
  logger: Logger;
}

/** The identity a team's agent runs act with: the team's agent role, never a person's. */
export function teamCaller(team: TeamRef, config: TenantConfig, channelId: string | null): Caller {
  const role: Role = config.agent_role ?? "ops";
  return {
    userId: `agent:${team.orgId}/${team.teamId}`,
    role,
    teamId: `${team.orgId}/${team.teamId}`,
    channelId,
    sessionId: null,
    via: "internal",
  };
}

/**
 * The tools a team's runs may use: those in its `domains` (all domains when unset), less its
 * `disabled_tools`. The role's own limits still apply on top, in the gateway.
 */
export function teamToolFilter(
  team: TeamRef,
  config: TenantConfig,
  registry: ToolRegistry,
): ToolFilter | undefined {
  if (!config.domains && !config.disabled_tools?.length) return undefined;
  const domains = config.domains ? new Set<string>(config.domains) : null;
  const disabled = new Set(config.disabled_tools ?? []);
  return {
    allows: (name) => {
      const tool = registry.get(name);
      return Boolean(tool) && !disabled.has(name) && (!domains || domains.has(tool?.domain ?? ""));
    },
    reason: `not enabled for team ${team.orgId}/${team.teamId}`,
  };
}

/**
 * What Arthur is asked when an alert arrives: the live diagnostic for each Art Battle event the
 * alert names, or else the alert itself, so the planner (or model) picks the team's tools for it.
 */
export function diagnosisRequest(trigger: AlertTrigger): string {
  if (trigger.eventIds.length > 0) {
    return trigger.eventIds.map((eid) => `Run the live event diagnostic for ${eid}.`).join(" ");
  }
  return `Diagnose this alert: ${trigger.title}`;
}

function alertHeadline(trigger: AlertTrigger): string {
  const source = { pagerduty: "PagerDuty", incidentio: "incident.io", github: "GitHub" }[trigger.source];
  const link = trigger.link ? ` — <${trigger.link}|open in ${source}>` : "";
  return `:rotating_light: *${trigger.title}* (${source})${link}`;
}

export interface RunResult {
  runId: string;
  status: "succeeded" | "failed";
  answer: AssistantAnswer | null;
  channelId: string | null;
  threadTs: string | null;
  error: string | null;
}

/**
 * One alert's run: the team's diagnosis, posted to the team's channel — in the thread of earlier
 * alerts about the same incident, so follow-ups stay together. Recorded in arthur_agent_runs.
 */
export async function runAlert(deps: AgentRunDeps, job: AlertJob): Promise<RunResult> {
  const team = { orgId: job.orgId, teamId: job.teamId };
  const config = await deps.tenants.effectiveConfig(team);
  const channelId = config.default_channel_id ?? null;
  const [earlier] = await deps.sql<{ slack_thread_ts: string }[]>`
    select slack_thread_ts from arthur_agent_runs
    where org_id = ${team.orgId} and team_id = ${team.teamId} and thread_key = ${job.trigger.threadKey}
      and slack_thread_ts is not null and slack_channel_id = ${channelId}
    order by created_at limit 1`;
  const [run] = await deps.sql<{ id: string }[]>`
    insert into arthur_agent_runs (org_id, team_id, source, delivery_id, thread_key, slack_channel_id)
    values (${team.orgId}, ${team.teamId}, ${job.trigger.source}, ${job.trigger.deliveryId},
            ${job.trigger.threadKey}, ${channelId})
    returning id`;
  const runId = run?.id ?? "";
  const finish = async (result: Omit<RunResult, "runId">): Promise<RunResult> => {
    await deps.sql`
      update arthur_agent_runs set status = ${result.status}, error = ${result.error}, finished_at = now(),
        session_id = ${result.answer?.sessionId || null}, slack_thread_ts = ${result.threadTs}
      where id = ${runId}`;
    return { runId, ...result };
  };
  try {
    const toolFilter = teamToolFilter(team, config, deps.registry);
    const answer = await deps.assistant.answer({
      message: diagnosisRequest(job.trigger),
      context: [{ role: "user", content: job.trigger.summary }],
      caller: teamCaller(team, config, channelId),
      interaction: "agent_run",
      ...(toolFilter ? { toolFilter } : {}),
    });
    if (!deps.slack || !channelId) {
      const error = channelId ? null : "the team has no default_channel_id to post to";
      return await finish({
        status: channelId ? "succeeded" : "failed",
        answer,
        channelId,
        threadTs: null,
        error,
      });
    }
    const { client, poster } = deps.slack;
    let threadTs = earlier?.slack_thread_ts ?? null;
    if (!threadTs) {
      const posted = await client.chat.postMessage({ channel: channelId, text: alertHeadline(job.trigger) });
      threadTs = posted.ts ?? null;
    } else {
      await client.chat.postMessage({
        channel: channelId,
        thread_ts: threadTs,
        text: `Update: ${alertHeadline(job.trigger)}`,
      });
    }
    await poster.deliverAnswer(
      client,
      { kind: "thread", channel: channelId, threadTs },
      answer,
      teamCaller(team, config, channelId).userId,
    );
    return await finish({ status: "succeeded", answer, channelId, threadTs, error: null });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ runId, err: message }, "agent run failed");
    return finish({ status: "failed", answer: null, channelId, threadTs: null, error: message });
  }
}

/**
 * The admin API's agent run: a question answered as the team (its agent role and configuration),
 * for server-to-server callers, so team tokens never reach browsers.
 */
export async function runAsTeam(
  deps: Pick<AgentRunDeps, "tenants" | "assistant" | "registry">,
  input: { team: TeamRef; message: string; channelId?: string | null },
): Promise<AssistantAnswer> {
  const config = await deps.tenants.effectiveConfig(input.team).catch((error: unknown) => {
    if (error instanceof ControlPlaneError) throw error;
    throw new ControlPlaneError("unavailable", "The team's configuration could not be read");
  });
  const toolFilter = teamToolFilter(input.team, config, deps.registry);
  return deps.assistant.answer({
    message: input.message,
    caller: teamCaller(input.team, config, input.channelId ?? config.default_channel_id ?? null),
    interaction: "agent_run",
    ...(toolFilter ? { toolFilter } : {}),
  });
}
