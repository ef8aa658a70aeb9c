import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackApp } from "../../src/channels/index.ts";
import { type RunningControlPlane, Tenants, teamToolFilter } from "../../src/control-plane/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { testAssistant } from "../helpers/assistant.ts";
import { startTestControlPlane } from "../helpers/control-plane.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { type FakeLlm, startFakeLlm } from "../helpers/fake-llm.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";
import { startTestToolService } from "../helpers/gateway.ts";
import { createTestSlackApp } from "../helpers/slack-app.ts";
import { appMention, eventCallback, postToSlackApp, slackTs } from "../helpers/slack-requests.ts";

/**
 * Slack through the control plane's /webhooks/slack/*: the same verified Slack app, answering in
 * the background, with roles from the team that owns the channel.
 */

const db = useTestDatabase();
const SECRET = "00112233445566778899aabbccddeeff";
const MODEL_DELAY_MS = 30_000;

let service: ToolService;
let slackFake: FakeSlack;
let llm: FakeLlm;
let slack: SlackApp;
let controlPlane: RunningControlPlane;

beforeAll(async () => {
  service = startTestToolService(db);
  slackFake = await startFakeSlack();
  // A model that takes 30 s to say anything.
  llm = await startFakeLlm("openai", () => ({ text: "late", delayMs: MODEL_DELAY_MS }));
  const registry = service.gateway.registry;
  const assistant = testAssistant(db, service, {
    llm: {
      provider: "openai",
      model: "slow-model",
      baseUrl: llm.baseUrl,
      apiKey: "test-key-not-secret",
      maxRounds: 2,
      timeoutMs: 60_000,
      toolResultChars: 6_000,
    },
  });
  const tenants = new Tenants(db.sql);
  await tenants.createOrg("artbattle", "Art Battle");
  await tenants.ensureTeam({ orgId: "artbattle", teamId: "finance" }, "Finance");
  await tenants.setConfig(
    { orgId: "artbattle", teamId: "finance" },
    { role_map: { U0TEAMFIN: "finance" }, domains: ["payments"] },
  );
  await tenants.addRoutes({ orgId: "artbattle", teamId: "finance" }, [
    { kind: "slack_channel", value: "C0FINANCE1" },
  ]);
  slack = createTestSlackApp({
    db,
    service,
    assistant,
    slack: { botToken: slackFake.token, apiUrl: slackFake.apiUrl, signingSecret: SECRET, command: "/ab" },
    userRoles: {},
    teamRole: (userId, channelId) => tenants.slackRole(userId, channelId),
    teamTools: async (channelId) => {
      const owner = await tenants.channelTeam(channelId);
      return owner ? teamToolFilter(owner.team, owner.config, registry) : undefined;
    },
  });
  controlPlane = await startTestControlPlane(db, service, { assistant, slack: { app: slack, client: null } });
  await slack.start();
});

afterAll(async () => {
  // Closing the model first fails its pending call, so the answer in flight ends now, not in 30 s.
  await llm?.close();
  await slack?.stop();
  await controlPlane?.close();
  await service?.close();
  await slackFake?.close();
});

/** A signed @mention from the finance team's member in the finance team's channel. */
const mention = (text: string, ts: string) =>
  postToSlackApp(
    `${controlPlane.url}/webhooks/slack/events`,
    SECRET,
    eventCallback(appMention({ user: "U0TEAMFIN", channel: "C0FINANCE1", text: `<@U0BOT> ${text}`, ts })),
  );

describe("Slack events through the control plane", () => {
  it("acknowledges in under a second while the model takes 30 s, and answers with the channel's team role", async () => {
    const ts = slackTs();
    const started = performance.now();
    const response = await mention("who is owed for AB4001?", ts);
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(elapsed).toBeLessThan(1000);
    // The model has the question (the work goes on after the acknowledgement)…
    await slackFake.waitFor(() => llm.requests.length > 0 || slackFake.messages.length > 0, 5000);
    expect(llm.requests.length).toBe(1);
    // …and nothing has been answered yet.
    expect(slackFake.messages).toEqual([]);
    // When the model gives up (its server goes away), the offline planner answers, with the team's role.
    await llm.close();
    await slackFake.waitFor(() => slackFake.messages.length > 0, 10_000);
    await slack.idle();
    expect(slackFake.messages[0]?.threadTs).toBe(ts);
    const [session] = await db.sql`
      select user_role, interaction_type from esbmcp_chat_sessions where slack_channel_id = 'C0FINANCE1'`;
    expect(session).toEqual({ user_role: "finance", interaction_type: "app_mention" });
  });

  it("keeps questions in the team's channel to the tool domains the team switched on", async () => {
    slackFake.reset();
    const ts = slackTs();
    await mention("when does AB4001 start?", ts);
    await slackFake.waitFor(() => slackFake.messages.length > 0, 10_000);
    await slack.idle();
    expect(slackFake.messages[0]?.text).toContain("not enabled for team artbattle/finance");
  });

  it("refuses an unsigned request on both Slack paths", async () => {
    for (const path of ["/webhooks/slack/events", "/webhooks/slack/interactions"]) {
      const response = await fetch(`${controlPlane.url}${path}`, { method: "POST", body: "payload=%7B%7D" });
      expect(response.status).toBe(401);
    }
  });
});
