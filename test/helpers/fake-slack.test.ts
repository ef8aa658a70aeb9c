import { App, LogLevel } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "./fake-slack.ts";
import {
  appMention,
  eventCallback,
  postToSlackApp,
  SLACK_EXAMPLE,
  signSlackBody,
  slashCommand,
} from "./slack-requests.ts";

let fake: FakeSlack;
let web: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack();
  web = new WebClient(fake.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const errorOf = (call: Promise<unknown>) =>
  call.then(
    () => "no error",
    (e: { data?: { error?: string } }) => e.data?.error,
  );

describe("fake Slack conversations", () => {
  beforeEach(() => {
    fake.addHistory("C0TEAM", { ts: "1700000000.000100", text: "first", user: "U1" });
    fake.addHistory("C0TEAM", { ts: "1700000000.000200", text: "parent", user: "U1" });
    for (let i = 1; i <= 5; i++)
      fake.addHistory("C0TEAM", {
        ts: `1700000000.00020${i}`,
        text: `reply ${i}`,
        user: "U2",
        thread_ts: "1700000000.000200",
      });
    fake.addHistory("C0TEAM", { ts: "1700000000.000300", text: "last", user: "U1" });
  });

  it("pages a thread oldest first, parent included, and adds what the bot posts", async () => {
    await web.chat.postMessage({ channel: "C0TEAM", thread_ts: "1700000000.000200", text: "bot reply" });
    const pages: string[][] = [];
    for await (const page of web.paginate("conversations.replies", {
      channel: "C0TEAM",
      ts: "1700000000.000200",
      limit: 3,
    })) {
      pages.push(((page as { messages?: { text: string }[] }).messages ?? []).map((m) => m.text));
    }
    expect(pages).toEqual([
      ["parent", "reply 1", "reply 2"],
      ["reply 3", "reply 4", "reply 5"],
      ["bot reply"],
    ]);
    const parent = await web.conversations.replies({ channel: "C0TEAM", ts: "1700000000.000200", limit: 1 });
    expect(parent.messages?.[0]).toMatchObject({ reply_count: 6, thread_ts: "1700000000.000200" });
    expect(await errorOf(web.conversations.replies({ channel: "C0TEAM", ts: "1.000001" }))).toBe(
      "thread_not_found",
    );
  });

  it("lists top-level messages newest first with exclusive bounds and cursors", async () => {
    const first = await web.conversations.history({ channel: "C0TEAM", limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(["last", "parent"]);
    expect(first.has_more).toBe(true);
    const second = await web.conversations.history({
      channel: "C0TEAM",
      limit: 2,
      cursor: first.response_metadata?.next_cursor,
    });
    expect(second.messages?.map((m) => m.text)).toEqual(["first"]);
    expect(second.has_more).toBe(false);
    const bounded = await web.conversations.history({
      channel: "C0TEAM",
      oldest: "1700000000.000100",
      latest: "1700000000.000300",
    });
    expect(bounded.messages?.map((m) => m.text)).toEqual(["parent"]);
  });
});

describe("fake Slack message methods", () => {
  it("updates only messages it knows and refuses a repeated reaction", async () => {
    expect(await errorOf(web.chat.update({ channel: "C0TEAM", ts: "1.000001", text: "x" }))).toBe(
      "message_not_found",
    );
    const posted = await web.chat.postMessage({ channel: "C0TEAM", text: "draft" });
    await web.chat.update({ channel: "C0TEAM", ts: posted.ts as string, text: "final" });
    expect(fake.messages[0]?.text).toBe("final");
    const reaction = { channel: "C0TEAM", timestamp: posted.ts as string, name: "eyes" };
    await web.reactions.add(reaction);
    expect(await errorOf(web.reactions.add(reaction))).toBe("already_reacted");
    expect(fake.reactions).toEqual([reaction]);
  });

  it("waitFor names the calls seen when it times out", async () => {
    await web.auth.test();
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow(/auth\.test/);
  });
});

describe("signed requests", () => {
  it("reproduces Slack's published signature example", () => {
    const headers = signSlackBody(SLACK_EXAMPLE.signingSecret, SLACK_EXAMPLE.body, SLACK_EXAMPLE.timestamp);
    expect(headers["x-slack-signature"]).toBe(SLACK_EXAMPLE.signature);
    expect(headers["x-slack-request-timestamp"]).toBe("1531420618");
  });

  it("drives a real Bolt app: signed events reach it, bad signatures get 401", async () => {
    const secret = "test-signing-secret";
    const app = new App({
      token: fake.token,
      signingSecret: secret,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    app.event("app_mention", async ({ event, say }) => {
      await say({ text: `heard: ${event.text}`, thread_ts: event.ts });
    });
    app.command("/ab", async ({ ack, command }) => {
      await ack(`you said ${command.text}`);
    });
    const server = await app.start(0);
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/slack/events`;
      const body = eventCallback(
        appMention({ user: "U1", channel: "C0TEAM", text: "<@U0BOT> hi", ts: "1700000001.000100" }),
      );
      expect((await postToSlackApp(url, secret, body, { badSignature: true })).status).toBe(401);
      expect((await postToSlackApp(url, secret, body)).status).toBe(200);
      await fake.waitFor(() => fake.messages.length === 1);
      expect(fake.messages[0]).toMatchObject({ text: "heard: <@U0BOT> hi", threadTs: "1700000001.000100" });

      const command = slashCommand({ command: "/ab", text: "ping", userId: "U1", channelId: "C0TEAM" });
      const reply = await postToSlackApp(url, secret, command);
      expect(await reply.text()).toBe("you said ping");
    } finally {
      await app.stop();
    }
  });
});
