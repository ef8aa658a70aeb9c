import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SlackApp, SlackStore } from "../../src/channels/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { keepChartedShowsAhead, useTestDatabase } from "../helpers/db.ts";
import {
  type FakeMessage,
  type FakeSlack,
  type FakeSlackCall,
  startFakeSlack,
} from "../helpers/fake-slack.ts";
import { type FakeSlackSocket, startFakeSlackSocket } from "../helpers/fake-slack-socket.ts";
import { startTestToolService } from "../helpers/gateway.ts";
import { createTestSlackApp } from "../helpers/slack-app.ts";
import { appMention, eventCallback, slackTs, slashCommand } from "../helpers/slack-requests.ts";

/**
 * The Slack app in Socket Mode (no signing secret, an app-level token): Bolt's SocketModeReceiver asks
 * the fake Web API for a WebSocket URL (apps.connections.open) and takes Slack's envelopes from a fake
 * Socket Mode server over a real WebSocket, acknowledging each on the socket.
 */

const db = useTestDatabase();
const APP_TOKEN = "xapp-1-test-app-token";
const OPS = "U0OPS0001";

let service: ToolService;
let fake: FakeSlack;
let socket: FakeSlackSocket;
let slack: SlackApp;
/** The Web API calls made while starting, before any test resets the fake. */
let startup: FakeSlackCall[] = [];
/** Every delivery claim the app made (its de-duplication), and whether it got the delivery. */
const claims: { keys: string[]; taken: boolean }[] = [];

beforeAll(async () => {
  await keepChartedShowsAhead(db.sql);
  await db.sql`delete from arthur_user_roles`;
  service = startTestToolService(db);
  fake = await startFakeSlack({ appTokens: [APP_TOKEN] });
  socket = await startFakeSlackSocket();
  fake.setSocketUrl(socket.url);
  const store = new SlackStore(db.sql, "test");
  const claim = store.claim.bind(store);
  store.claim = async (keys) => {
    const taken = await claim(keys);
    claims.push({ keys: [...keys], taken });
    return taken;
  };
  slack = createTestSlackApp({
    db,
    service,
    slack: { botToken: fake.token, apiUrl: fake.apiUrl, appToken: APP_TOKEN, command: "/ab" },
    userRoles: { [OPS]: "ops" },
    store,
  });
  await slack.start();
  await socket.connected();
  startup = [...fake.calls];
});

afterAll(async () => {
  // The client first: a running one would take the fake's closing as Slack recycling the connection.
  await slack?.stop();
  await socket?.close();
  await service?.close();
  await fake?.close();
});

beforeEach(() => fake.reset());

const posted = (channel: string): FakeMessage[] => fake.messages.filter((m) => m.channel === channel);

describe("Socket Mode", () => {
  it("runs without HTTP routes, connecting with the app-level token after checking the bot token", () => {
    expect(slack.mode).toBe("socket");
    expect(slack.routes).toBeNull();
    // auth.test (Arthur's own check, then Bolt's init) with the bot token; the socket URL last, with the app token.
    expect(startup.at(-1)).toMatchObject({ method: "apps.connections.open", token: APP_TOKEN });
    const before = startup.slice(0, -1);
    expect(new Set(before.map((c) => c.method))).toEqual(new Set(["auth.test"]));
    expect(before.every((c) => c.token === fake.token)).toBe(true);
    expect(socket.connections).toBe(1);
  });

  it("acknowledges an @mention on the socket, answers it in a thread, and only once when Slack redelivers it", async () => {
    const ts = slackTs();
    const body = eventCallback(
      appMention({ user: OPS, channel: "C0SOCKET1", text: "<@U0BOT> when does AB4001 start?", ts }),
      { eventId: "Ev0SOCKET01" },
    );
    const first = await socket.sendEventsApi(body);
    expect(await first.ack).toEqual({});
    await fake.waitFor(() => posted("C0SOCKET1").length > 0, 15_000);
    await slack.idle();

    // Slack redelivers an envelope it thinks went unacknowledged, with the same event_id.
    const again = await socket.sendEventsApi(body, { retryAttempt: 1, retryReason: "timeout" });
    expect(await again.ack).toEqual({});
    const forEvent = () => claims.filter((c) => c.keys.includes("event:Ev0SOCKET01"));
    await fake.waitFor(() => forEvent().length === 2);
    await slack.idle();
    expect(forEvent().map((c) => c.taken)).toEqual([true, false]);

    const replies = posted("C0SOCKET1");
    expect(replies).toHaveLength(1);
    expect(replies[0]?.threadTs).toBe(ts);
    expect(replies[0]?.text).toContain("AB4001");
    expect(socket.acks.map((a) => a.envelopeId)).toEqual([first.envelopeId, again.envelopeId]);
    const [session] = await db.sql`
      select interaction_type, user_role from esbmcp_chat_sessions where slack_channel_id = 'C0SOCKET1'`;
    expect(session).toMatchObject({ interaction_type: "app_mention", user_role: "ops" });
  });

  it("acknowledges the /ab command with an ephemeral placeholder, then answers only the person who asked", async () => {
    const sent = await socket.sendSlashCommand(
      slashCommand({ command: "/ab", text: "when does AB4001 start?", userId: OPS, channelId: "C0SOCKET2" }),
    );
    expect(await sent.ack).toMatchObject({ response_type: "ephemeral" });
    await fake.waitFor(() => fake.ephemerals.length > 0, 15_000);
    await slack.idle();
    expect(fake.callsTo("chat.postMessage")).toEqual([]);
    const [ephemeral] = fake.ephemerals;
    expect(ephemeral).toMatchObject({ channel: "C0SOCKET2", user: OPS });
    expect(ephemeral?.text).toContain("AB4001");
  });

  it("reconnects when Slack asks it to, and keeps taking events on the new connection", async () => {
    await socket.sendDisconnect("refresh_requested");
    // The client waits (its ping timeout, 5 s) before asking apps.connections.open for a new URL.
    await fake.waitFor(() => socket.connections === 2, 15_000);
    await socket.connected();
    expect(fake.callsTo("apps.connections.open").map((c) => c.token)).toEqual([APP_TOKEN]);
    const ts = slackTs();
    const sent = await socket.sendEventsApi(
      eventCallback(
        appMention({ user: OPS, channel: "C0SOCKET3", text: "<@U0BOT> when does AB4001 start?", ts }),
      ),
    );
    await sent.ack;
    await fake.waitFor(() => posted("C0SOCKET3").length > 0, 15_000);
    await slack.idle();
    expect(posted("C0SOCKET3")[0]?.threadTs).toBe(ts);
  }, 30_000);
});

describe("fake Slack tokens", () => {
  it("gives out the socket URL only for an app-level token, and refuses that token everywhere else", async () => {
    const errorOf = (call: Promise<unknown>) =>
      call.then(
        () => "no error",
        (e: { data?: { error?: string } }) => e.data?.error,
      );
    const options = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
    const app = new WebClient(APP_TOKEN, options);
    const bot = new WebClient(fake.token, options);
    expect((await app.apps.connections.open()).url).toBe(socket.url);
    expect(await errorOf(bot.apps.connections.open())).toBe("not_allowed_token_type");
    expect(await errorOf(app.auth.test())).toBe("not_allowed_token_type");
    expect(await errorOf(new WebClient("xapp-1-unknown", options).apps.connections.open())).toBe(
      "invalid_auth",
    );
  });
});
