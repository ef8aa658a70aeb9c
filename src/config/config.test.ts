import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./index.ts";

const noDotEnv = { dotEnvPath: null, cwd: "/srv/arthur" };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env, noDotEnv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses safe defaults: loopback only, embedded database, home under the working folder", () => {
    const config = loadConfig({}, noDotEnv);
    expect(config.gateway).toEqual({ host: "127.0.0.1", port: 8081, url: "http://127.0.0.1:8081" });
    expect(config.database).toEqual({
      url: undefined,
      embeddedPort: 54329,
      maxConnections: Math.max(4, 2 * availableParallelism()),
    });
    expect(config.home).toBe("/srv/arthur/.arthur");
    expect(config.demo).toEqual({ scale: 0.1, seed: 1 });
  });

  it("runs without a model by default, on loopback port 3000 for the web console", () => {
    const config = loadConfig({}, noDotEnv);
    expect(config.llm).toBeUndefined();
    expect(config.assistant).toEqual({ host: "127.0.0.1", port: 3000 });
  });

  it("takes a model only with what its provider needs, and the provider's own key", () => {
    expect(problemsOf({ LLM_PROVIDER: "openai" })).toBe(
      "Invalid configuration: LLM_MODEL must name the openai model to use; OPENAI_API_KEY is required for LLM_PROVIDER=openai",
    );
    expect(problemsOf({ LLM_PROVIDER: "openai-compatible", LLM_MODEL: "llama3.3" })).toContain(
      "LLM_BASE_URL is required for LLM_PROVIDER=openai-compatible",
    );
    expect(problemsOf({ LLM_PROVIDER: "gemini" })).toContain(
      `LLM_PROVIDER must be one of openai, anthropic, openai-compatible (got "gemini")`,
    );
    expect(problemsOf({ LLM_MODEL: "gpt-x" })).toContain("LLM_MODEL is set but LLM_PROVIDER is not");
    const anthropic = loadConfig(
      {
        LLM_PROVIDER: "anthropic",
        LLM_MODEL: "claude-x",
        ANTHROPIC_API_KEY: "sk-ant-test",
        OPENAI_API_KEY: "sk-other",
      },
      noDotEnv,
    );
    expect(anthropic.llm).toEqual({
      provider: "anthropic",
      model: "claude-x",
      baseUrl: undefined,
      apiKey: "sk-ant-test",
      maxRounds: 5,
      timeoutMs: 30_000,
      toolResultChars: 6_000,
    });
    // A key is never echoed in a configuration error.
    expect(
      problemsOf({ LLM_PROVIDER: "anthropic", LLM_MODEL: "m", ANTHROPIC_API_KEY: "short" }),
    ).not.toContain("short");
  });

  it("reads Slack roles from RBAC_USER_MAP_JSON and open viewer channels, naming what is wrong", () => {
    const config = loadConfig(
      {
        RBAC_USER_MAP_JSON: '{"U0123ABCD":"ops","W0456EFGH":"finance"}',
        OPEN_VIEWER_CHANNELS: "C01AAA, C02BBB",
      },
      noDotEnv,
    );
    expect(config.identity).toEqual({
      userRoles: { U0123ABCD: "ops", W0456EFGH: "finance" },
      openViewerChannels: ["C01AAA", "C02BBB"],
      approvers: [],
    });
    expect(loadConfig({}, noDotEnv).identity).toEqual({
      userRoles: {},
      openViewerChannels: [],
      approvers: [],
    });
    expect(loadConfig({ APPROVER_USER_IDS: "U0AAA1, U0BBB2" }, noDotEnv).identity.approvers).toEqual([
      "U0AAA1",
      "U0BBB2",
    ]);
    expect(problemsOf({ APPROVER_USER_IDS: "jane" })).toContain("APPROVER_USER_IDS must list Slack user ids");
    expect(problemsOf({ RBAC_USER_MAP_JSON: '{"jane":"ops"}' })).toContain(
      'RBAC_USER_MAP_JSON has "jane", which is not a Slack user id',
    );
    expect(problemsOf({ RBAC_USER_MAP_JSON: '{"U0123ABCD":"boss"}' })).toContain('the role "boss"');
    expect(problemsOf({ RBAC_USER_MAP_JSON: "ops" })).toContain("must be a JSON object");
    expect(problemsOf({ OPEN_VIEWER_CHANNELS: "general" })).toContain("must list Slack channel ids");
  });

  it("runs the Slack app over HTTP or Socket Mode, and checks the tokens' shapes without echoing secrets", () => {
    const http = loadConfig(
      { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef" },
      noDotEnv,
    );
    expect(http.slack).toEqual({
      botToken: "xoxb-1-2-abc",
      apiUrl: "https://slack.com/api/",
      signingSecret: "0123456789abcdef0123456789abcdef",
      appToken: undefined,
      command: "/ab",
    });
    const socket = loadConfig(
      { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_APP_TOKEN: "xapp-1-A1-abc", SLACK_COMMAND: "/arthur" },
      noDotEnv,
    );
    expect(socket.slack).toMatchObject({ appToken: "xapp-1-A1-abc", command: "/arthur" });
    expect(problemsOf({ SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef" })).toContain(
      "SLACK_SIGNING_SECRET / SLACK_APP_TOKEN are set but SLACK_BOT_TOKEN is not",
    );
    const badSecret = problemsOf({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "not-hex-secret-value" });
    expect(badSecret).toContain("SLACK_SIGNING_SECRET must be the app's Signing Secret");
    expect(badSecret).not.toContain("not-hex-secret-value");
    const badToken = problemsOf({ SLACK_APP_TOKEN: "xoxb-wrong-kind-of-token" });
    expect(badToken).toContain("SLACK_APP_TOKEN must be an app-level token");
    expect(badToken).not.toContain("xoxb-wrong-kind-of-token");
    expect(problemsOf({ SLACK_COMMAND: "ab" })).toContain("SLACK_COMMAND must be a slash command");
  });

  it("names the variable and the bad value for a malformed port", () => {
    const message = problemsOf({ GATEWAY_PORT: "abc" });
    expect(message).toBe('Invalid configuration: GATEWAY_PORT must be a whole number (got "abc")');
    expect(message).not.toContain("\n");
  });

  it("reports every bad variable at once, and lists the allowed values of an enum", () => {
    const message = problemsOf({ EMBEDDED_PG_PORT: "70000", LOG_LEVEL: "loud", DEMO_SCALE: "-1" });
    expect(message).toContain("EMBEDDED_PG_PORT must be between 1 and 65535");
    expect(message).toContain("LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent");
    expect(message).toContain("DEMO_SCALE must be a positive number");
  });

  it("never echoes a database URL, which may carry a password", () => {
    const message = problemsOf({ DATABASE_URL: "mysql://admin:hunter2@db/prod" });
    expect(message).toContain("DATABASE_URL must be a postgres:// or postgresql:// URL");
    expect(message).not.toContain("hunter2");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ GATEWAY_PORT: "", DATABASE_URL: "" }, noDotEnv).gateway.port).toBe(8081);
  });

  it("reads .env underneath the real environment, and rejects unknown keys in it", () => {
    const dir = mkdtempSync(join(tmpdir(), "arthur-config-"));
    writeFileSync(join(dir, ".env"), "GATEWAY_PORT=9090\nLOG_LEVEL=debug\n");
    const config = loadConfig({ LOG_LEVEL: "warn" }, { cwd: dir });
    expect(config.gateway.port).toBe(9090);
    expect(config.log.level).toBe("warn");

    writeFileSync(join(dir, ".env"), "GATEWAY_PORTT=9090\n");
    expect(() => loadConfig({}, { cwd: dir })).toThrow(/GATEWAY_PORTT in .*\.env is not a known setting/);
  });
});
