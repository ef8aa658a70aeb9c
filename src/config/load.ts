import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseEnv } from "node:util";
import type { z } from "zod";
import type { Role } from "../catalog/index.ts";
import { type Env, envSchema, knownVariables } from "./schema.ts";

/** Arthur's configuration: built once at start-up and passed down. */
export interface Config {
  /** Absolute path of Arthur's state folder (embedded database, dev token, ...). */
  home: string;
  database: {
    /** External database; when absent Arthur runs an embedded PostgreSQL. */
    url: string | undefined;
    embeddedPort: number;
    maxConnections: number;
  };
  /** `publicUrl`: how people and Slack reach the gateway (chart links). */
  gateway: { host: string; port: number; publicUrl: string | undefined; url: string };
  internal: {
    /** Signs the short-lived caller tokens the assistant presents (who, team, role, session). */
    callerSecret: string | undefined;
    /** Signs each internal request (timestamp, nonce, body); a different secret on purpose. */
    signingSecret: string | undefined;
  };
  tools: {
    /** Tools that change state may run (still subject to roles and approvals). */
    writesEnabled: boolean;
    /** Optional per-deployment policy overrides (YAML). */
    policyFile: string | undefined;
    timeoutMs: number;
    rowCap: number;
  };
  /** Supabase Edge Functions; without a URL, embedded/demo mode uses the local implementation. */
  edge: { supabaseUrl: string | undefined; serviceRoleKey: string | undefined; timeoutMs: number };
  /** Eventbrite REST API v3; without a token the tools work from the cached rows only. */
  eventbrite: { token: string | undefined; orgId: string | undefined; apiUrl: string };
  /**
   * Slack: the Web API (the app's answers, the worker's chart posts) and how Slack reaches the app —
   * HTTP with the signing secret, or Socket Mode with the app token. No bot token: no Slack app.
   */
  slack: {
    botToken: string | undefined;
    apiUrl: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    command: string;
  };
  worker: { pollMs: number; retentionDays: number };
  /** Assistant questions per minute, per user and per channel; held in Postgres across replicas. */
  rateLimits: { userPerMinute: number; channelPerMinute: number };
  /** Who may act in which role in Slack (the role table, edited with `arthur roles`, wins over the map). */
  identity: {
    userRoles: Readonly<Record<string, Role>>;
    openViewerChannels: readonly string[];
    /** May approve or cancel anyone's pending write (the requester always may). */
    approvers: readonly string[];
  };
  /** The assistant's web server: the web console and Slack's HTTP endpoint. */
  assistant: { host: string; port: number };
  /** The language model; absent: the offline planner answers. */
  llm: LlmConfig | undefined;
  /** The control plane: where it listens, the webhook secrets, and Kubernetes for provisioning. */
  controlPlane: {
    host: string;
    port: number;
    webhookSecrets: {
      github: string | undefined;
      pagerduty: string | undefined;
      incidentio: string | undefined;
    };
    /**
     * Where Kubernetes is: KUBECONFIG, or in a pod the API server Kubernetes announces
     * (KUBERNETES_SERVICE_HOST/PORT, used with the pod's service account). ~/.kube/config is not
     * picked up by itself: pointing provisioning at a cluster is a deliberate act.
     */
    kubernetes: {
      kubeconfig: string | undefined;
      serviceHost: string | undefined;
      servicePort: string | undefined;
    };
    namespace: string;
    /** The Secret team pods take their environment from (DATABASE_URL, tokens); not created by Arthur. */
    envSecret: string;
    image: string;
  };
  log: { level: Env["LOG_LEVEL"] };
  demo: { scale: number; seed: number };
}

export interface LlmConfig {
  provider: "openai" | "anthropic" | "openai-compatible";
  model: string;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  maxRounds: number;
  timeoutMs: number;
  toolResultChars: number;
}

/** Raised for any invalid configuration; `message` is one line naming each bad variable. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function describeIssue(issue: z.core.$ZodIssue, raw: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? "?");
  const value = raw[name];
  const shown = value === undefined ? "" : ` (got "${value.length > 40 ? `${value.slice(0, 40)}…` : value}")`;
  if (issue.code === "invalid_value" && "values" in issue) {
    return `${name} must be one of ${issue.values.join(", ")}${shown}`;
  }
  // Never echo database URLs (they may carry a password) or secrets.
  const secretish = /_(SECRET|KEY|TOKEN)$/.test(name);
  const safeShown = name === "DATABASE_URL" || secretish ? "" : shown;
  return `${name} ${issue.message}${safeShown}`;
}

/** The settings a chosen provider cannot work without. */
function llmProblems(e: Env): string[] {
  if (!e.LLM_PROVIDER) {
    return e.LLM_MODEL
      ? ["LLM_MODEL is set but LLM_PROVIDER is not (openai, anthropic or openai-compatible)"]
      : [];
  }
  const problems: string[] = [];
  if (!e.LLM_MODEL) problems.push(`LLM_MODEL must name the ${e.LLM_PROVIDER} model to use`);
  if (e.LLM_PROVIDER === "openai" && !e.OPENAI_API_KEY)
    problems.push("OPENAI_API_KEY is required for LLM_PROVIDER=openai");
  if (e.LLM_PROVIDER === "anthropic" && !e.ANTHROPIC_API_KEY)
    problems.push("ANTHROPIC_API_KEY is required for LLM_PROVIDER=anthropic");
  if (e.LLM_PROVIDER === "openai-compatible" && !e.LLM_BASE_URL)
    problems.push(
      "LLM_BASE_URL is required for LLM_PROVIDER=openai-compatible (e.g. http://127.0.0.1:11434/v1)",
    );
  return problems;
}

/** The app's secrets mean nothing without the bot token it answers with. */
function slackProblems(e: Env): string[] {
  if (!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    return ["SLACK_SIGNING_SECRET / SLACK_APP_TOKEN are set but SLACK_BOT_TOKEN is not"];
  }
  return [];
}

/** Read `.env` (if present) into a plain object; unknown keys are reported as problems. */
export function readDotEnv(path: string): { values: Record<string, string>; problems: string[] } {
  if (!existsSync(path)) return { values: {}, problems: [] };
  const values = parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  const problems = Object.keys(values)
    .filter((key) => !knownVariables.includes(key))
    .map((key) => `${key} in ${path} is not a known setting (see .env.example)`);
  return { values, problems };
}

/**
 * Build the configuration from environment variables, with an optional `.env` file underneath
 * (real environment variables win). Throws {@link ConfigError} listing every bad variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { cwd?: string; dotEnvPath?: string | null } = {},
): Config {
  const cwd = options.cwd ?? process.cwd();
  const dotEnvPath = options.dotEnvPath === undefined ? resolve(cwd, ".env") : options.dotEnvPath;
  const dotEnv = dotEnvPath ? readDotEnv(dotEnvPath) : { values: {}, problems: [] };
  const raw: Record<string, string | undefined> = {};
  for (const key of knownVariables) {
    const value = env[key] ?? dotEnv.values[key];
    // An empty variable means "not set", as most shells and .env files intend.
    raw[key] = value === "" ? undefined : value;
  }
  const parsed = envSchema.safeParse(raw);
  const problems = [...dotEnv.problems];
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, raw)));
  else if (
    parsed.data.ARTHUR_CALLER_SECRET &&
    parsed.data.ARTHUR_CALLER_SECRET === parsed.data.ARTHUR_SIGNING_SECRET
  ) {
    problems.push("ARTHUR_SIGNING_SECRET must differ from ARTHUR_CALLER_SECRET (one secret per purpose)");
  }
  if (
    parsed.success &&
    Boolean(parsed.data.SUPABASE_URL) !== Boolean(parsed.data.SUPABASE_SERVICE_ROLE_KEY)
  ) {
    problems.push("SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY must be set together (or neither)");
  }
  if (parsed.success) problems.push(...llmProblems(parsed.data), ...slackProblems(parsed.data));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    home: isAbsolute(e.ARTHUR_HOME) ? e.ARTHUR_HOME : resolve(cwd, e.ARTHUR_HOME),
    database: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_PG_PORT, maxConnections: e.DB_MAX_CONNECTIONS },
    gateway: {
      host: e.GATEWAY_HOST,
      port: e.GATEWAY_PORT,
      publicUrl: e.GATEWAY_PUBLIC_URL?.replace(/\/+$/, ""),
      url: (e.GATEWAY_URL ?? `http://${e.GATEWAY_HOST}:${e.GATEWAY_PORT}`).replace(/\/+$/, ""),
    },
    internal: { callerSecret: e.ARTHUR_CALLER_SECRET, signingSecret: e.ARTHUR_SIGNING_SECRET },
    tools: {
      writesEnabled: e.ENABLE_MUTATING_TOOLS,
      policyFile: e.TOOLS_POLICY_FILE,
      timeoutMs: e.TOOL_TIMEOUT_MS,
      rowCap: e.TOOL_ROW_CAP,
    },
    edge: {
      supabaseUrl: e.SUPABASE_URL?.replace(/\/+$/, ""),
      serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY,
      timeoutMs: e.EDGE_FUNCTION_TIMEOUT_MS,
    },
    eventbrite: {
      token: e.EB_PRIVATE_TOKEN,
      orgId: e.EB_ORG_ID,
      apiUrl: (e.EVENTBRITE_API_URL ?? "https://www.eventbriteapi.com/v3").replace(/\/+$/, ""),
    },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      apiUrl: (e.SLACK_API_URL ?? "https://slack.com/api/").replace(/\/*$/, "/"),
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      command: e.SLACK_COMMAND,
    },
    worker: { pollMs: e.WORKER_POLL_MS, retentionDays: e.RETENTION_DAYS },
    rateLimits: { userPerMinute: e.RATE_LIMIT_USER_PER_MIN, channelPerMinute: e.RATE_LIMIT_CHANNEL_PER_MIN },
    identity: {
      userRoles: e.RBAC_USER_MAP_JSON ?? {},
      openViewerChannels: e.OPEN_VIEWER_CHANNELS ?? [],
      approvers: e.APPROVER_USER_IDS ?? [],
    },
    assistant: { host: e.ASSISTANT_HOST, port: e.PORT },
    llm: e.LLM_PROVIDER
      ? {
          provider: e.LLM_PROVIDER,
          model: e.LLM_MODEL ?? "",
          baseUrl: e.LLM_BASE_URL?.replace(/\/+$/, ""),
          apiKey:
            e.LLM_PROVIDER === "openai"
              ? e.OPENAI_API_KEY
              : e.LLM_PROVIDER === "anthropic"
                ? e.ANTHROPIC_API_KEY
                : e.LLM_API_KEY,
          maxRounds: e.LLM_MAX_ROUNDS,
          timeoutMs: e.LLM_TIMEOUT_MS,
          toolResultChars: e.LLM_TOOL_RESULT_CHARS,
        }
      : undefined,
    controlPlane: {
      host: e.CONTROL_PLANE_HOST,
      port: e.CONTROL_PLANE_PORT,
      webhookSecrets: {
        github: e.GITHUB_WEBHOOK_SECRET,
        pagerduty: e.PAGERDUTY_WEBHOOK_SECRET,
        incidentio: e.INCIDENTIO_WEBHOOK_SECRET,
      },
      kubernetes: {
        kubeconfig: e.KUBECONFIG,
        serviceHost: e.KUBERNETES_SERVICE_HOST,
        servicePort: e.KUBERNETES_SERVICE_PORT,
      },
      namespace: e.K8S_NAMESPACE,
      envSecret: e.K8S_ENV_SECRET,
      image: e.ARTHUR_IMAGE,
    },
    log: { level: e.LOG_LEVEL },
    demo: { scale: e.DEMO_SCALE, seed: e.DEMO_SEED },
  };
}
