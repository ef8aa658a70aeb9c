import { WebClient } from "@slack/web-api";
import type { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SlackApp, SlackPoster, SlackStore, startSlackServer } from "../../src/channels/index.ts";
import type { RunningServer, ToolService } from "../../src/gateway/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { keepChartedShowsAhead, useTestDatabase } from "../helpers/db.ts";
import { type FakeMessage, type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";
import { startTestToolService } from "../helpers/gateway.ts";
import { createTestSlackApp } from "../helpers/slack-app.ts";
import {
  appHomeOpened,
  appMention,
  assistantThreadStarted,
  blockAction,
  eventCallback,
  messageEvent,
  postToSlackApp,
  reactionAdded,
  slackTs,
  slashCommand,
} from "../helpers/slack-requests.ts";

const db = useTestDatabase();
const SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const OPS = "U0OPS0001";
const MARKETING = "U0MKT0001";
const APPROVER = "U0APPROVR";
const STRANGER = "U0NOBODY1";

let service: ToolService;
let fake: FakeSlack;
let slack: SlackApp;
let server: RunningServer;
let url: string;

beforeAll(async () => {
  await keepChartedShowsAhead(db.sql);
  await db.sql`delete from arthur_user_roles`;
  // The gateway decides who may approve (APPROVER_USER_IDS); the Slack app only says so on the card.
  service = startTestToolService(db, { env: { ENABLE_MUTATING_TOOLS: "true", APPROVER_USER_IDS: APPROVER } });
  fake = await startFakeSlack();
  slack = createTestSlackApp({
    db,
    service,
    slack: { botToken: fake.token, apiUrl: fake.apiUrl, signingSecret: SECRET, command: "/ab" },
    userRoles: { [OPS]: "ops", [MARKETING]: "marketing", [APPROVER]: "viewer" },
    openViewerChannels: ["C0OPENVIEW"],
    approvers: [APPROVER],
    writesEnabled: true,
  });
  server = await startSlackServer({ host: "127.0.0.1", port: 0, slack: slack.routes as Hono });
  await slack.start();
  url = `${server.url}/slack/events`;
});

afterAll(async () => {
  await slack?.stop();
  await server?.close();
  await service?.close();
  await fake?.close();
});

beforeEach(() => fake.reset());

/** Send an event as Slack does, and wait until Arthur has finished with it. */
async function sendEvent(
  event: Record<string, unknown>,
  options: { eventId?: string; retryNum?: number } = {},
) {
  const response = await postToSlackApp(url, SECRET, eventCallback(event, options), {
    ...(options.retryNum !== undefined ? { retryNum: options.retryNum, retryReason: "http_timeout" } : {}),
  });
  expect(response.status).toBe(200);
  await slack.idle();
  return response;
}

async function click(input: Parameters<typeof blockAction>[0]) {
  const response = await postToSlackApp(url, SECRET, blockAction(input));
  expect(response.status).toBe(200);
  return response;
}

/** The messages Arthur posted (not the seeded history), in order. */
const posted = (channel: string): FakeMessage[] => fake.messages.filter((m) => m.channel === channel);

/** How each session recorded in a channel arrived (esbmcp_chat_sessions.interaction_type). */
const interactions = async (channel: string) =>
  (
    await db.sql<{ interaction_type: string }[]>`
      select interaction_type from esbmcp_chat_sessions where slack_channel_id = ${channel} order by created_at`
  ).map((s) => s.interaction_type);

const venueOf = async (eid: string) => {
  const [row] = await db.sql<{ venue: string | null; city: string | null }[]>`
    select coalesce(v.name, nullif(e.venue, '')) as venue, c.name as city
    from events e left join venues v on v.id = e.venue_id left join cities c on c.id = e.city_id
    where e.eid = ${eid}`;
  return row;
};

describe("Slack requests are verified", () => {
  it("answers Slack's URL verification, and refuses a bad signature, a stale or future timestamp, or no signature", async () => {
    const challenge = JSON.stringify({ type: "url_verification", token: "x", challenge: "c-123" });
    const ok = await postToSlackApp(url, SECRET, challenge);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: "c-123" });

    const body = eventCallback(
      appMention({ user: OPS, channel: "C0SIGNED1", text: "<@U0BOT> hi", ts: slackTs() }),
    );
    const bad = await postToSlackApp(url, SECRET, body, { badSignature: true });
    expect(bad.status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const stale = await postToSlackApp(url, SECRET, body, { timestampSec: now - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ error: "request not verified: stale_timestamp" });
    const future = await postToSlackApp(url, SECRET, body, { timestampSec: now + 6 * 60 });
    expect(future.status).toBe(401);
    const unsigned = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    await slack.idle();
    // None of them reached Arthur: nothing was posted, nothing claimed.
    expect(fake.callsTo("chat.postMessage")).toEqual([]);
  });
});

describe("a channel @mention", () => {
  it("answers in a thread under the question, once even when Slack retries, and records where", async () => {
    const ts = slackTs();
    const event = appMention({
      user: OPS,
      channel: "C0OPSROOM",
      text: "<@U0BOT> What's the venue and start time for AB4023?",
      ts,
    });
    const started = performance.now();
    const first = await postToSlackApp(url, SECRET, eventCallback(event, { eventId: "Ev0MENTION01" }));
    // Acknowledged before the answer is worked out.
    expect(first.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(3000);
    await slack.idle();
    await sendEvent(event, { eventId: "Ev0MENTION01", retryNum: 1 });
    await sendEvent(event, { eventId: "Ev0MENTION01", retryNum: 2 });

    const replies = posted("C0OPSROOM");
    expect(replies).toHaveLength(1);
    const reply = replies[0] as FakeMessage;
    expect(reply.threadTs).toBe(ts);
    const { venue } = (await venueOf("AB4023")) ?? {};
    expect(venue).toBeTruthy();
    expect(reply.text).toContain("AB4023");
    expect(reply.text).toContain(venue);
    // Feedback buttons ride on the answer, carrying its session.
    const [session] = await db.sql<
      {
        id: string;
        interaction_type: string;
        slack_thread_ts: string;
        slack_reply_ts: string;
        user_role: string;
      }[]
    >`select id, interaction_type, slack_thread_ts, slack_reply_ts, user_role from esbmcp_chat_sessions
      where slack_channel_id = 'C0OPSROOM'`;
    expect(session).toMatchObject({
      interaction_type: "app_mention",
      slack_thread_ts: ts,
      slack_reply_ts: reply.ts,
      user_role: "ops",
    });
    expect(JSON.stringify(reply.blocks)).toContain(session?.id);
  });

  it("reads the thread (conversations.replies) for a follow-up, and replies in that thread", async () => {
    const parent = slackTs(new Date(Date.now() - 60_000));
    fake.addHistory("C0THREAD1", { ts: parent, text: "<@U0BOT> what's coming up in Toronto?", user: OPS });
    fake.addHistory("C0THREAD1", {
      ts: slackTs(new Date(Date.now() - 50_000)),
      text: "Upcoming in Toronto: AB4023",
      user: "U0BOT",
      bot_id: "B0BOT",
      thread_ts: parent,
    });
    const ts = slackTs();
    await sendEvent(
      appMention({
        user: OPS,
        channel: "C0THREAD1",
        text: "<@U0BOT> and who is painting there?",
        ts,
        threadTs: parent,
      }),
    );
    const [replies] = fake.callsTo("conversations.replies");
    expect(replies?.params).toMatchObject({ channel: "C0THREAD1", ts: parent });
    const answers = posted("C0THREAD1").filter(
      (m) => m.ts !== parent && m.text !== "Upcoming in Toronto: AB4023",
    );
    expect(answers).toHaveLength(1);
    expect(answers[0]?.threadTs).toBe(parent);
  });

  it("refuses someone with no role politely, and audits it", async () => {
    const ts = slackTs();
    await sendEvent(
      appMention({ user: STRANGER, channel: "C0PRIVATE", text: "<@U0BOT> who is owed for AB4001?", ts }),
    );
    const [reply] = posted("C0PRIVATE");
    expect(reply?.text).toContain("you don't have an Arthur role");
    expect(reply?.threadTs).toBe(ts);
    const audits = await db.sql`
      select event_type from esbmcp_audit_log where slack_user_id = ${STRANGER} and slack_channel_id = 'C0PRIVATE'`;
    expect(audits.map((a) => a.event_type)).toEqual(["role_denied"]);
    // No tool ran for them.
    await service.audit.flush();
    const runs = await db.sql`select 1 from esbmcp_tool_executions where slack_user_id = ${STRANGER}`;
    expect(runs).toHaveLength(0);
  });

  it("lets anyone ask as a viewer in an open channel", async () => {
    await sendEvent(
      appMention({
        user: STRANGER,
        channel: "C0OPENVIEW",
        text: "<@U0BOT> when does AB4001 start?",
        ts: slackTs(),
      }),
    );
    const [session] = await db.sql`
      select user_role from esbmcp_chat_sessions where slack_user_id = ${STRANGER} and slack_channel_id = 'C0OPENVIEW'`;
    expect(session?.user_role).toBe("viewer");
    expect(posted("C0OPENVIEW")[0]?.text).toContain("AB4001");
  });
});

describe("the /ab command", () => {
  it("acknowledges at once and answers only the person who asked (chat.postEphemeral)", async () => {
    const response = await postToSlackApp(
      url,
      SECRET,
      slashCommand({ command: "/ab", text: "when does AB4001 start?", userId: OPS, channelId: "C0SLASHED" }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ response_type: "ephemeral" });
    await slack.idle();
    expect(fake.callsTo("chat.postMessage")).toEqual([]);
    const [ephemeral] = fake.ephemerals;
    expect(ephemeral).toMatchObject({ channel: "C0SLASHED", user: OPS });
    expect(ephemeral?.text).toContain("AB4001");
    expect(await interactions("C0SLASHED")).toEqual(["slash_command"]);
  });
});

describe("direct and group messages", () => {
  it("answers a DM inline, with the recent DM as context (conversations.history)", async () => {
    fake.setChannelKind("D0DIRECT1", "im");
    fake.addHistory("D0DIRECT1", { ts: slackTs(new Date(Date.now() - 120_000)), text: "hi", user: OPS });
    const ts = slackTs();
    await sendEvent(
      messageEvent({
        user: OPS,
        channel: "D0DIRECT1",
        text: "when does AB4001 start?",
        ts,
        channelType: "im",
      }),
    );
    expect(fake.callsTo("conversations.history")[0]?.params).toMatchObject({ channel: "D0DIRECT1" });
    const answers = posted("D0DIRECT1");
    expect(answers).toHaveLength(1);
    expect(answers[0]?.threadTs).toBeNull();
    expect(answers[0]?.text).toContain("AB4001");
  });

  it("answers a group DM once when mentioned, though Slack sends the message twice", async () => {
    fake.setChannelKind("G0GROUPDM", "mpim");
    const ts = slackTs();
    const text = "<@U0BOT> when does AB4001 start?";
    await Promise.all([
      sendEvent(appMention({ user: OPS, channel: "G0GROUPDM", text, ts })),
      sendEvent(messageEvent({ user: OPS, channel: "G0GROUPDM", text, ts, channelType: "mpim" })),
    ]);
    // A message between people in the group DM, not addressed to Arthur, is left alone.
    await sendEvent(
      messageEvent({
        user: MARKETING,
        channel: "G0GROUPDM",
        text: "lunch?",
        ts: slackTs(),
        channelType: "mpim",
      }),
    );
    const answers = posted("G0GROUPDM");
    expect(answers).toHaveLength(1);
    expect(answers[0]?.threadTs).toBeNull();
    expect(await interactions("G0GROUPDM")).toEqual(["group_dm"]);
  });
});

describe("the Assistant panel", () => {
  it("greets with suggested prompts, then answers in the thread with a status and a title", async () => {
    fake.setChannelKind("D0PANEL01", "im");
    const threadTs = slackTs();
    await sendEvent(assistantThreadStarted({ user: OPS, channel: "D0PANEL01", threadTs }));
    expect(posted("D0PANEL01")[0]?.threadTs).toBe(threadTs);
    const [prompts] = fake.suggestedPrompts;
    expect(prompts?.threadTs).toBe(threadTs);
    expect(prompts?.prompts.length).toBeGreaterThan(0);

    await sendEvent(
      messageEvent({
        user: OPS,
        channel: "D0PANEL01",
        text: "when does AB4001 start?",
        ts: slackTs(),
        channelType: "im",
        threadTs,
      }),
    );
    expect(fake.threadStatuses.map((s) => s.status)).toContain("is looking that up…");
    expect(fake.threadTitles[0]).toMatchObject({ threadTs, title: "when does AB4001 start?" });
    const answer = posted("D0PANEL01").at(-1);
    expect(answer?.threadTs).toBe(threadTs);
    expect(answer?.text).toContain("AB4001");
    expect(await interactions("D0PANEL01")).toEqual(["assistant"]);
  });
});

describe("App Home", () => {
  it("shows each person what their own role can do", async () => {
    await sendEvent(appHomeOpened({ user: MARKETING }));
    await sendEvent(appHomeOpened({ user: STRANGER }));
    const [marketing, stranger] = fake.views;
    expect(marketing?.userId).toBe(MARKETING);
    const marketingText = JSON.stringify(marketing?.view);
    expect(marketingText).toContain("*marketing*");
    const count = service.gateway.registry.visibleTo("marketing", true).length;
    expect(marketingText).toContain(`${count} tools`);
    // Marketing cannot pay artists, so the payments area is not offered to them.
    expect(marketingText).not.toContain("Artist payments");
    expect(JSON.stringify(stranger?.view)).toContain("don't have an Arthur role");
  });
});

describe("feedback", () => {
  it("stores a reaction on Arthur's answer against its session and acknowledges it; other messages are not feedback", async () => {
    const ts = slackTs();
    await sendEvent(
      appMention({ user: OPS, channel: "C0FEEDBK1", text: "<@U0BOT> when does AB4001 start?", ts }),
    );
    const answer = posted("C0FEEDBK1")[0] as FakeMessage;
    await sendEvent(
      reactionAdded({
        user: OPS,
        reaction: "+1::skin-tone-3",
        channel: "C0FEEDBK1",
        ts: answer.ts,
        itemUser: "U0BOT",
      }),
    );
    // Someone's reaction to a person's message is none of Arthur's business.
    await sendEvent(reactionAdded({ user: OPS, reaction: "bug", channel: "C0FEEDBK1", ts, itemUser: OPS }));
    const rows = await db.sql<{ sentiment: string; session_id: string | null; message_ts: string }[]>`
      select sentiment, session_id, message_ts from esbmcp_reaction_feedback where slack_channel_id = 'C0FEEDBK1'`;
    const [session] = await db.sql`select id from esbmcp_chat_sessions where slack_channel_id = 'C0FEEDBK1'`;
    expect(rows).toEqual([{ sentiment: "positive", session_id: session?.id, message_ts: answer.ts }]);
    expect(fake.reactions).toEqual([{ channel: "C0FEEDBK1", timestamp: answer.ts, name: "raised_hands" }]);

    // The buttons under the answer do the same, with a private thank-you.
    await click({
      userId: OPS,
      channelId: "C0FEEDBK1",
      messageTs: answer.ts,
      threadTs: ts,
      actionId: "arthur_feedback_down",
      value: session?.id,
    });
    await slack.idle();
    const button = await db.sql`
      select sentiment, reaction from esbmcp_reaction_feedback
      where slack_channel_id = 'C0FEEDBK1' and reaction like 'button:%'`;
    expect(button).toEqual([{ sentiment: "negative", reaction: "button:not_helpful" }]);
    expect(fake.ephemerals.map((e) => e.user)).toEqual([OPS]);
  });
});

describe("charts", () => {
  it("uploads a chart into the thread", async () => {
    const ts = slackTs();
    await sendEvent(
      appMention({ user: OPS, channel: "C0CHARTS1", text: "<@U0BOT> chart AB4130 ticket pace", ts }),
    );
    const uploads = fake.uploads.filter((u) => u.channel === "C0CHARTS1");
    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.threadTs).toBe(ts);
    // The PNG that arrived is the one stored.
    const [image] = await db.sql<
      { data: Buffer }[]
    >`select data from arthur_images order by created_at desc limit 1`;
    expect(uploads[0]?.bytes?.equals(image?.data as Buffer)).toBe(true);
  });
});

describe("approvals in Slack", () => {
  const schedules = (eid: string, channel: string) => db.sql`
    select id from esbmcp_scheduled_chart_jobs where eid = ${eid} and slack_channel_id = ${channel}`;

  /** Ask for a write in a thread; returns the approval message Arthur posted. */
  async function requestWrite(channel: string, user: string, text: string) {
    const ts = slackTs();
    await sendEvent(appMention({ user, channel, text: `<@U0BOT> ${text}`, ts }));
    const card = posted(channel).find((m) => JSON.stringify(m.blocks).includes("arthur_approval_confirm"));
    expect(card).toBeDefined();
    const approvalId = /"value":"([0-9a-f-]{36})"/.exec(JSON.stringify(card?.blocks))?.[1] ?? "";
    return { card: card as FakeMessage, approvalId, ts, channel };
  }

  /** One click on a card's Approve or Cancel button, and Arthur finished with it. */
  async function decide(
    write: Awaited<ReturnType<typeof requestWrite>>,
    userId: string,
    action: "confirm" | "cancel",
  ) {
    await click({
      userId,
      channelId: write.channel,
      messageTs: write.card.ts,
      threadTs: write.ts,
      actionId: `arthur_approval_${action}`,
      value: write.approvalId,
    });
    await slack.idle();
  }

  it("runs the write once for the requester; a stranger is refused; a double click changes nothing more", async () => {
    const channel = "C0APPROVE";
    const write = await requestWrite(
      channel,
      MARKETING,
      "Schedule the AB4125 ticket chart to autopost in channel C0MKTG0125 daily",
    );
    const { card, approvalId, ts } = write;
    expect(card.threadTs).toBe(ts);
    // The exact arguments are shown, and nothing has run yet.
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain("schedule_chart_autopost");
    expect(shown).toContain("C0MKTG0125");
    expect(await schedules("AB4125", "C0MKTG0125")).toHaveLength(0);

    // Someone else (not an approver) clicks Approve: told privately, nothing happens.
    await decide(write, OPS, "confirm");
    expect(fake.ephemerals).toEqual([
      expect.objectContaining({
        user: OPS,
        channel,
        text: expect.stringContaining("Only the person who asked"),
      }),
    ]);
    expect(fake.updates).toEqual([]);
    expect(await schedules("AB4125", "C0MKTG0125")).toHaveLength(0);

    // The requester double-clicks: two requests at once.
    await Promise.all([decide(write, MARKETING, "confirm"), decide(write, MARKETING, "confirm")]);
    expect(await schedules("AB4125", "C0MKTG0125")).toHaveLength(1);
    // The card loses its buttons once, and the result is posted in the thread once.
    expect(fake.updates).toHaveLength(1);
    expect(fake.updates[0]).toMatchObject({ channel, ts: card.ts });
    expect(JSON.stringify(fake.updates[0]?.blocks)).toContain(`Approved by <@${MARKETING}>`);
    expect(JSON.stringify(fake.updates[0]?.blocks)).not.toContain("arthur_approval_confirm");
    const results = posted(channel).filter((m) => m.text.includes("Scheduled AB4125"));
    expect(results).toHaveLength(1);
    expect(results[0]?.threadTs).toBe(ts);

    // A late retry of the same click: still one schedule, nothing new posted.
    const before = fake.calls.length;
    await decide(write, MARKETING, "confirm");
    expect(await schedules("AB4125", "C0MKTG0125")).toHaveLength(1);
    expect(fake.calls.slice(before).map((c) => c.method)).not.toContain("chat.postMessage");
    const [approval] =
      await db.sql`select approved_by, used_at from arthur_approvals where id = ${approvalId}`;
    expect(approval?.approved_by).toBe(MARKETING);
    expect(approval?.used_at).toBeInstanceOf(Date);
  });

  it("lets a configured approver approve someone else's write, which runs as the requester", async () => {
    const channel = "C0APPROVR";
    const write = await requestWrite(
      channel,
      MARKETING,
      "set up a weekly chart post for AB4130 in channel C05AB0EVOPS",
    );
    await decide(write, APPROVER, "confirm");
    expect(await schedules("AB4130", "C05AB0EVOPS")).toHaveLength(1);
    const [approval] =
      await db.sql`select requested_by, approved_by from arthur_approvals where id = ${write.approvalId}`;
    expect(approval).toEqual({ requested_by: MARKETING, approved_by: APPROVER });
    await service.audit.flush();
    const [run] = await db.sql`
      select slack_user_id, user_role from esbmcp_tool_executions
      where tool_name = 'schedule_chart_autopost' and ok order by created_at desc limit 1`;
    expect(run).toEqual({ slack_user_id: MARKETING, user_role: "marketing" });
  });

  it("cancels on Cancel, and an expired approval says so and runs nothing", async () => {
    const channel = "C0CANCELS";
    const first = await requestWrite(
      channel,
      MARKETING,
      "Schedule the AB4125 ticket chart to autopost in channel C0CANCEL01 daily",
    );
    await decide(first, MARKETING, "cancel");
    expect(JSON.stringify(fake.updates.at(-1)?.blocks)).toContain(`Cancelled by <@${MARKETING}>`);
    expect(await schedules("AB4125", "C0CANCEL01")).toHaveLength(0);

    const second = await requestWrite(
      channel,
      MARKETING,
      "Schedule the AB4125 ticket chart to autopost in channel C0EXPIRED1 daily",
    );
    await db.sql`update arthur_approvals set expires_at = now() - interval '1 minute' where id = ${second.approvalId}`;
    await decide(second, MARKETING, "confirm");
    expect(JSON.stringify(fake.updates.at(-1)?.blocks)).toContain("Expired");
    expect(fake.ephemerals.at(-1)?.text).toContain("expired");
    expect(await schedules("AB4125", "C0EXPIRED1")).toHaveLength(0);
  });
});

describe("long answers", () => {
  it("are split under Slack's block limit, every part recorded against the session, buttons on the last", async () => {
    const poster = new SlackPoster({
      store: new SlackStore(db.sql, "test"),
      registry: service.gateway.registry,
      loadImage: async () => null,
      approvers: [],
      logger: createLogger("silent"),
    });
    const client = new WebClient(fake.token, { slackApiUrl: fake.apiUrl });
    const paragraphs = Array.from({ length: 8 }, (_, i) => `**Part ${i + 1}** ${"word ".repeat(220).trim()}`);
    const sessionId = "00000000-0000-4000-8000-000000000017";
    const first = await poster.say(
      client,
      { kind: "thread", channel: "C0LONGANS", threadTs: "1.000001" },
      paragraphs.join("\n\n"),
      {
        sessionId,
        feedback: true,
      },
    );
    const parts = posted("C0LONGANS");
    expect(parts.length).toBeGreaterThan(2);
    expect(first).toBe(parts[0]?.ts);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(3000);
      expect(part.threadTs).toBe("1.000001");
    }
    // Markdown bold became Slack's, and every part is in order.
    expect(parts.map((p) => p.text).join("\n")).toContain("*Part 8*");
    expect(parts[0]?.text.startsWith("*Part 1*")).toBe(true);
    const buttons = parts.map((p) => JSON.stringify(p.blocks).includes("arthur_feedback_up"));
    expect(buttons).toEqual([...parts.slice(1).map(() => false), true]);
    const linked = await db.sql`
      select message_ts from arthur_slack_replies where session_id = ${sessionId} order by message_ts`;
    expect(linked.map((r) => r.message_ts)).toEqual(parts.map((p) => p.ts));
  });
});
