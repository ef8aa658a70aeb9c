import { availableParallelism } from "node:os";
import { z } from "zod";
import { ROLES, type Role } from "../catalog/index.ts";

/** A TCP port; `allowAny` lets 0 mean "any free port" (tests, ephemeral runs). */
const port = (fallback: number, allowAny = false) => {
  const min = allowAny ? 0 : 1;
  const range = `must be between ${min} and 65535${allowAny ? " (0 = any free port)" : ""}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, range).max(65535, range))
    .default(fallback);
};

const positiveInt = (fallback: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`))
    .default(fallback);

const httpUrl = (message: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:";
      } catch {
        return false;
      }
    }, message)
    .optional();

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "postgres:" || url.protocol === "postgresql:";
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL")
  .optional();

/** A comma-separated list of Slack ids (users, channels), each checked against `pattern`. */
const slackIds = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(pattern, message)))
    .optional();

/** Hosts a listener may bind to. Anything beyond loopback must be asked for explicitly. */
const host = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.:-]+$/, "must be a host name or IP address")
  .default("127.0.0.1");

/**
 * Every environment variable Arthur reads, with its default. This is the single list:
 * `.env.example` and the README's configuration table are checked against it in tests.
 */
/** A shared secret: long enough that guessing is hopeless. Never printed. */
const secret = z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)");

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"], { message: "must be true or false" })
    .transform((value) => value === "true" || value === "1")
    .default(fallback);

export const envSchema = z.object({
  ARTHUR_HOME: z.string().trim().min(1, "must not be empty").default(".arthur"),
  DATABASE_URL: postgresUrl,
  EMBEDDED_PG_PORT: port(54329),
  /**
   * Per pool (tool calls have their own). Default: twice the CPU cores, at least 4 — PostgreSQL runs
   * as many queries at once as it has cores; more connections only add context switches.
   */
  DB_MAX_CONNECTIONS: positiveInt(Math.max(4, 2 * availableParallelism()), 200),
  GATEWAY_HOST: host,
  GATEWAY_PORT: port(8081, true),
  ENABLE_MUTATING_TOOLS: flag(false),
  ARTHUR_CALLER_SECRET: secret.optional(),
  ARTHUR_SIGNING_SECRET: secret.optional(),
  TOOLS_POLICY_FILE: z.string().trim().min(1, "must not be empty").optional(),
  TOOL_TIMEOUT_MS: positiveInt(5000, 60_000),
  /** Supabase project URL; Edge Functions are called at {SUPABASE_URL}/functions/v1/<name>. */
  SUPABASE_URL: httpUrl("must be an http(s) URL such as https://xyz.supabase.co"),
  SUPABASE_SERVICE_ROLE_KEY: z.string().trim().min(20, "must be the project's service-role key").optional(),
  EDGE_FUNCTION_TIMEOUT_MS: positiveInt(15_000, 120_000),
  TOOL_ROW_CAP: positiveInt(200, 5000),
  /** Where `arthur assistant` reaches the gateway's signed internal endpoint; default http://GATEWAY_HOST:GATEWAY_PORT. */
  GATEWAY_URL: httpUrl("must be an http(s) URL such as http://127.0.0.1:8081"),
  /** Base URL people and Slack use to reach the gateway (chart links); default http://GATEWAY_HOST:GATEWAY_PORT. */
  GATEWAY_PUBLIC_URL: httpUrl("must be an http(s) URL such as https://arthur.example.com"),
  /** Eventbrite private token (refresh and verification tools); unset: the demo uses the seeded caches. */
  EB_PRIVATE_TOKEN: z.string().trim().min(8, "must be an Eventbrite private token").optional(),
  /** Eventbrite organization id (verification, sales reports). */
  EB_ORG_ID: z.string().trim().regex(/^\d+$/, "must be a numeric Eventbrite organization id").optional(),
  EVENTBRITE_API_URL: httpUrl("must be an http(s) URL").default("https://www.eventbriteapi.com/v3"),
  /** Slack bot token (xoxb-…): the Slack app answers with it, and the worker posts scheduled charts. */
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^xox[a-z]-/, "must be a Slack token (xoxb-…)")
    .optional(),
  SLACK_API_URL: httpUrl("must be an http(s) URL").default("https://slack.com/api/"),
  /** Verifies Slack's HTTP requests (POST /slack/events); the Slack app runs in HTTP mode with it. */
  SLACK_SIGNING_SECRET: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{16,}$/i, "must be the app's Signing Secret (hex, from Basic Information)")
    .optional(),
  /** App-level token (xapp-…, connections:write): the Slack app runs in Socket Mode instead of HTTP. */
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .regex(/^xapp-/, "must be an app-level token (xapp-…)")
    .optional(),
  /** The slash command Arthur answers (as registered in the manifest). */
  SLACK_COMMAND: z
    .string()
    .trim()
    .regex(/^\/[a-z0-9_-]{1,31}$/, "must be a slash command such as /ab")
    .default("/ab"),
  /** Slack users (comma-separated ids) who may approve or cancel anyone's pending write; otherwise only the requester. */
  APPROVER_USER_IDS: slackIds(/^[UW][A-Z0-9]{2,}$/, "must list Slack user ids such as U0123ABCD"),
  /**
   * Slack user → role, as JSON: {"U0123ABCD": "ops", …}. `arthur roles set` rows win over it; users in
   * neither get no role (unless they write in an open viewer channel).
   */
  RBAC_USER_MAP_JSON: z
    .string()
    .trim()
    .transform((value, ctx): Record<string, Role> => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object such as {"U0123ABCD":"ops"}' });
        return z.NEVER;
      }
      const map: Record<string, Role> = {};
      for (const [user, role] of Object.entries(parsed)) {
        if (!/^[UW][A-Z0-9]{2,}$/.test(user)) {
          ctx.addIssue({
            code: "custom",
            message: `has "${user}", which is not a Slack user id such as U0123ABCD`,
          });
        } else if (!(ROLES as readonly unknown[]).includes(role)) {
          ctx.addIssue({
            code: "custom",
            message: `gives ${user} the role ${JSON.stringify(role)}; roles are ${ROLES.join(", ")}`,
          });
        } else map[user] = role as Role;
      }
      return map;
    })
    .optional(),
  /** Channels (comma-separated ids) where anyone without a role may ask as a viewer. */
  OPEN_VIEWER_CHANNELS: slackIds(/^[CGD][A-Z0-9]{2,}$/, "must list Slack channel ids such as C0123ABCD"),
  /** Questions one user may ask the assistant per minute, and all users of one channel (or DMs). */
  RATE_LIMIT_USER_PER_MIN: positiveInt(20, 10_000),
  RATE_LIMIT_CHANNEL_PER_MIN: positiveInt(80, 100_000),
  /** How often the worker looks for chart schedules that are due. */
  WORKER_POLL_MS: positiveInt(30_000, 3_600_000),
  /** Rows in esbmcp_ tables (and stored charts) older than this are deleted by the daily retention job. */
  RETENTION_DAYS: positiveInt(90, 36_500),
  /** The assistant's web server: the web console and the Slack app's HTTP endpoint (/slack/events). */
  ASSISTANT_HOST: host,
  PORT: port(3000, true),
  /** The control plane's server: admin API and signed webhook ingress (`arthur control-plane`, `arthur dev`). */
  CONTROL_PLANE_HOST: host,
  CONTROL_PLANE_PORT: port(8082, true),
  /** Webhook secrets; a source whose secret is unset is refused (401), never accepted unverified. */
  GITHUB_WEBHOOK_SECRET: z
    .string()
    .trim()
    .min(8, "must be the webhook's secret (at least 8 characters)")
    .optional(),
  PAGERDUTY_WEBHOOK_SECRET: z.string().trim().min(8, "must be the webhook subscription's secret").optional(),
  INCIDENTIO_WEBHOOK_SECRET: z
    .string()
    .trim()
    .min(8, "must be the webhook's signing secret (whsec_…)")
    .optional(),
  /** Kubernetes for provisioning: a kubeconfig file (else in-cluster configuration, else steps are skipped). */
  KUBECONFIG: z.string().trim().min(1, "must be a path to a kubeconfig file").optional(),
  /** Set by Kubernetes inside a pod: provisioning then uses the pod's service account (in-cluster). */
  KUBERNETES_SERVICE_HOST: z.string().trim().min(1).optional(),
  KUBERNETES_SERVICE_PORT: z.string().trim().regex(/^\d+$/, "must be a port number").optional(),
  K8S_NAMESPACE: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name")
    .default("arthur"),
  /** The Secret (in K8S_NAMESPACE, made by you) whose keys become team pods' environment: DATABASE_URL and the rest. */
  K8S_ENV_SECRET: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes Secret name")
    .default("arthur-env"),
  /** The image team CronJobs and dedicated runners run. */
  ARTHUR_IMAGE: z
    .string()
    .trim()
    .min(3, "must be a container image reference")
    .default("ghcr.io/arthur-ops/arthur:latest"),
  /** Unset: the assistant answers with the offline planner (no model). */
  LLM_PROVIDER: z.enum(["openai", "anthropic", "openai-compatible"]).optional(),
  LLM_MODEL: z.string().trim().min(1, "must not be empty").optional(),
  /** Another server speaking the provider's API (Ollama, vLLM, a proxy); required for openai-compatible. */
  LLM_BASE_URL: httpUrl("must be an http(s) URL such as http://127.0.0.1:11434/v1"),
  OPENAI_API_KEY: z.string().trim().min(8, "must be an OpenAI API key").optional(),
  ANTHROPIC_API_KEY: z.string().trim().min(8, "must be an Anthropic API key").optional(),
  /** Key for an openai-compatible server, if it wants one. */
  LLM_API_KEY: z.string().trim().min(1, "must not be empty").optional(),
  /** Model calls per question (each may call several tools). */
  LLM_MAX_ROUNDS: positiveInt(5, 20),
  /** How long one question may wait for the model in all, before it is answered without it. */
  LLM_TIMEOUT_MS: positiveInt(30_000, 600_000),
  /** Characters of one tool result the model sees; longer results are cut down to it. */
  LLM_TOOL_RESULT_CHARS: positiveInt(6_000, 200_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DEMO_SCALE: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "must be a positive number such as 0.1")
    .transform(Number)
    .pipe(z.number().gt(0, "must be greater than 0").max(10, "must be at most 10"))
    .default(0.1),
  DEMO_SEED: z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .max(2 ** 31 - 1, "must fit in 32 bits"),
    )
    .default(1),
});

export type EnvInput = z.input<typeof envSchema>;
export type Env = z.output<typeof envSchema>;
export const knownVariables: readonly string[] = Object.keys(envSchema.shape);
