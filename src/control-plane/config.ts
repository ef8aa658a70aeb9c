import { z } from "zod";
import { DOMAINS, ROLES } from "../catalog/index.ts";

/** Org and team ids: slugs, so they work unchanged in URLs, labels and Kubernetes names. */
export const slug = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a slug: a-z, 0-9 and '-', at most 63 characters");

const slackChannel = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, "must be a Slack channel id such as C0123ABCD");
const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id such as U0123ABCD");

/** A recurring job for a team (a Kubernetes CronJob when provisioned): `arthur` CLI arguments on a cron schedule. */
export const scheduleSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, "must be a short slug such as nightly-report"),
  cron: z.string().min(9).max(100),
  args: z.array(z.string().max(200)).min(1).max(20),
});

/**
 * A team's (or an org's) configuration. Every key is optional: an org sets defaults, a team
 * overrides what differs. Unknown keys are refused, so a typo is an error rather than ignored.
 */
export const tenantConfigSchema = z
  .object({
    /** Where alerts and agent runs post when the trigger names no channel. */
    default_channel_id: slackChannel,
    /** Tool domains the team may use (absent: all). */
    domains: z.array(z.enum(DOMAINS)).min(1),
    /** Tools switched off for the team, whatever the domains allow. */
    disabled_tools: z.array(z.string().regex(/^[a-z][a-z0-9_]{1,63}$/)).max(100),
    /** Slack user → role within this team's channels. */
    role_map: z.record(slackUser, z.enum(ROLES)),
    /** The role agent runs (alert diagnoses) act with. */
    agent_role: z.enum(ROLES),
    llm: z
      .object({ provider: z.enum(["openai", "anthropic", "openai-compatible"]), model: z.string().min(1) })
      .strict(),
    schedules: z.array(scheduleSchema).max(20),
  })
  .partial()
  .strict();

export type TenantConfig = z.output<typeof tenantConfigSchema>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The team's effective configuration: the org's, with the team's keys on top. Objects merge key by
 * key (a team adds one person to the org's role map without repeating it); lists and scalars replace
 * (a team's domains are its domains, not the org's plus its own).
 */
export function mergeConfig(base: TenantConfig, override: TenantConfig): TenantConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) && key !== "llm" ? { ...current, ...value } : value;
  }
  return merged as TenantConfig;
}
