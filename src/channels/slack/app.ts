import {
  App,
  Assistant as BoltAssistant,
  type Logger as BoltLogger,
  type ButtonAction,
  LogLevel,
  SocketModeReceiver,
} from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Hono } from "hono";
import type { Assistant, AssistantAnswer, InteractionType, ToolFilter, Turn } from "../../assistant/index.ts";
import type { Caller, Role, ToolRegistry } from "../../catalog/index.ts";
import type { Logger } from "../../observability/index.ts";
import { ACTIONS, homeView, suggestedPrompts } from "./blocks.ts";
import { type ContextSource, directContext, stripBotMention, threadContext } from "./context.ts";
import { type Delivery, SlackPoster } from "./poster.ts";
import { HonoReceiver } from "./receiver.ts";
import type { RoleDirectory } from "./roles.ts";
import { acknowledgementFor, classifyReaction } from "./sentiment.ts";
import type { SlackStore } from "./store.ts";

/** What the Slack app needs from the rest of Arthur. */
export interface SlackAppDeps {
  assistant: Pick<Assistant, "answer" | "settleApproval">;
  registry: ToolRegistry;
  roles: RoleDirectory;
  store: SlackStore;
  /** A stored chart's PNG, to upload it into the thread. */
  loadImage: (id: string) => Promise<Uint8Array | null>;
  slack: {
    botToken: string;
    apiUrl: string;
    /** HTTP mode: requests to POST /slack/events are verified with it. */
    signingSecret?: string | undefined;
    /** Socket Mode (when there is no signing secret). */
    appToken?: string | undefined;
    command: string;
  };
  writesEnabled: boolean;
  approvers: readonly string[];
  /** The tools the team that owns a channel has switched on (control plane); absent: no team limits. */
  teamTools?: (channelId: string) => Promise<ToolFilter | undefined>;
  logger: Logger;
}

export interface SlackApp {
  readonly mode: "http" | "socket";
  /** HTTP mode: the routes to mount at /slack on the assistant's web server. */
  readonly routes: Hono | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when no answer is being worked on (tests). */
  idle(): Promise<void>;
}

/** Bolt's logger interface over ours; Bolt's debug lines would echo payloads, so they are dropped. */
function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: "slack" });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  return {
    debug: () => {},
    info: (...msg) => log.info(text(msg)),
    warn: (...msg) => log.warn(text(msg)),
    error: (...msg) => log.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/**
 * The keys one delivery is claimed by: the event (Slack's retries repeat its id) and, for the events
 * Arthur answers, the message it carries — a mention in a group DM also arrives as message.mpim, and
 * only one of the two may answer. Events Arthur ignores claim no message, so they never shadow one.
 */
export function deliveryKeys(body: Record<string, unknown>): string[] {
  if (body.type !== "event_callback") return [];
  const keys = typeof body.event_id === "string" ? [`event:${body.event_id}`] : [];
  const event = body.event as
    | { type?: string; channel?: string; channel_type?: string; ts?: string }
    | undefined;
  const answered =
    event?.type === "app_mention" || (event?.type === "message" && event.channel_type === "im");
  if (answered && event?.channel && event.ts) keys.push(`message:${event.channel}:${event.ts}`);
  return keys;
}

const GROUP_DM_CACHE_LIMIT = 1000;

/**
 * The Slack app: every way people reach Arthur in Slack, each through the same assistant (identity,
 * RBAC, rate limits, sessions). Answers go where the question was asked: a mention's thread, a
 * direct message, a group DM once, an Assistant thread, or — for the slash command — only to the
 * person who asked.
 */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { slack, store, roles, registry, logger } = deps;
  const http = Boolean(slack.signingSecret);
  const receiver = http ? new HonoReceiver({ signingSecret: slack.signingSecret ?? "", logger }) : null;
  const bolt = new App({
    token: slack.botToken,
    receiver:
      receiver ??
      new SocketModeReceiver({
        appToken: slack.appToken ?? "",
        logger: boltLogger(logger),
        // apps.connections.open goes to the same Web API (SLACK_API_URL) as everything else.
        installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } },
      }),
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 2, factor: 2 } },
    // Arthur checks tokens on start itself (auth.test), so a wrong token fails `arthur dev` at once.
    deferInitialization: true,
  });
  const poster = new SlackPoster({
    store,
    registry,
    loadImage: deps.loadImage,
    approvers: deps.approvers,
    logger,
  });
  const groupDms = new Map<string, boolean>();
  let botUserId: string | undefined;
  let botId: string | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const contextSource = (client: WebClient): ContextSource => ({ client, botUserId, botId });

  const roleOf = async (userId: string, channelId: string | null): Promise<Role | null> =>
    (await roles.roleFor(userId, channelId))?.role ?? null;

  const caller = (userId: string, role: Role, teamId: string | null, channelId: string | null): Caller => ({
    userId,
    role,
    teamId,
    channelId,
    sessionId: null,
    via: "internal",
  });

  /** One question from Slack: role → assistant → the answer (and its approvals, charts) where it belongs. */
  async function ask(
    client: WebClient,
    question: {
      userId: string;
      teamId: string | null;
      channelId: string;
      text: string;
      interaction: InteractionType;
      context: () => Promise<Turn[]>;
    },
    delivery: Delivery,
  ): Promise<AssistantAnswer | null> {
    const role = await roleOf(question.userId, question.channelId);
    if (!role) {
      await store.auditNoRole({ ...question });
      await poster.say(client, delivery, noRoleText(question.userId), { sessionId: null });
      return null;
    }
    if (question.text === "") {
      await poster.say(client, delivery, emptyQuestionText(slack.command), { sessionId: null });
      return null;
    }
    try {
      const context = await question.context().catch((error: unknown) => {
        // A thread Arthur cannot read (missing scope, deleted) still gets its question answered.
        logger.warn({ err: String(error), channel: question.channelId }, "could not read the conversation");
        return [];
      });
      const toolFilter = await deps.teamTools?.(question.channelId);
      const answer = await deps.assistant.answer({
        message: question.text,
        context,
        caller: caller(question.userId, role, question.teamId, question.channelId),
        interaction: question.interaction,
        ...(toolFilter ? { toolFilter } : {}),
      });
      await poster.deliverAnswer(client, delivery, answer, question.userId);
      return answer;
    } catch (error) {
      logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        "answering from Slack failed",
      );
      await poster
        .say(
          client,
          delivery,
          "Sorry — something went wrong on my side answering that. Please try again in a minute.",
          {
            sessionId: null,
          },
        )
        .catch(() => {});
      return null;
    }
  }

  /** Work that goes on after Slack has its acknowledgement; `idle()` and `stop()` wait for it. */
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  async function isGroupDm(client: WebClient, channel: string): Promise<boolean> {
    // Public channels are C…, direct messages D…; only G… ids can be group DMs.
    if (!channel.startsWith("G")) return false;
    const known = groupDms.get(channel);
    if (known !== undefined) return known;
    const info = await client.conversations.info({ channel }).catch(() => null);
    const mpim = Boolean(info?.channel?.is_mpim);
    if (groupDms.size >= GROUP_DM_CACHE_LIMIT) groupDms.clear();
    groupDms.set(channel, mpim);
    return mpim;
  }

  // Each delivery once, across replicas: a retried event or a second event for one message stops here.
  bolt.use(async ({ body, next }) => {
    const keys = deliveryKeys(body as Record<string, unknown>);
    if (keys.length && !(await store.claim(keys))) {
      logger.debug({ keys }, "Slack delivery already taken on");
      return;
    }
    await next();
  });

  bolt.assistant(
    new BoltAssistant({
      threadStarted: async ({ event, say, setSuggestedPrompts }) => {
        const userId = event.assistant_thread.user_id;
        const role = await roleOf(userId, null);
        if (!role) {
          await store.auditNoRole({
            userId,
            teamId: null,
            channelId: event.assistant_thread.channel_id,
            interaction: "assistant",
          });
          await say(noRoleText(userId));
          return;
        }
        await say(
          "Hi! Ask me about events, artists, payments, ticket sales or anything in Art Battle's data.",
        );
        const prompts = suggestedPrompts(registry.visibleTo(role, deps.writesEnabled));
        if (prompts.length) await setSuggestedPrompts({ prompts, title: "For example:" });
      },
      // Arthur answers from the question and the thread; which channel the panel sits beside is not
      // used, so it is neither stored nor read back (Bolt's default store would call Slack for it).
      threadContextStore: { get: async () => ({}), save: async () => {} },
      threadContextChanged: async () => {},
      userMessage: async ({ message, client, setStatus, setTitle, context }) => {
        const m = message as {
          user?: string;
          text?: string;
          channel: string;
          ts: string;
          thread_ts?: string;
          subtype?: string;
          bot_id?: string;
        };
        if (!m.user || m.bot_id || !m.thread_ts) return;
        const threadTs = m.thread_ts;
        const text = stripBotMention(m.text ?? "", botUserId);
        await setTitle(text.slice(0, 60) || "Question").catch(() => {});
        await setStatus("is looking that up…").catch(() => {});
        await track(
          ask(
            client,
            {
              userId: m.user,
              teamId: context.teamId ?? null,
              channelId: m.channel,
              text,
              interaction: "assistant",
              context: () => threadContext(contextSource(client), m.channel, threadTs, m.ts),
            },
            { kind: "thread", channel: m.channel, threadTs },
          ),
        );
      },
    }),
  );

  bolt.event("app_mention", async ({ event, client, context }) => {
    if (!event.user) return;
    const userId = event.user;
    const text = stripBotMention(event.text, botUserId);
    const groupDm = await isGroupDm(client, event.channel);
    const inThread = Boolean(event.thread_ts && event.thread_ts !== event.ts);
    // In a channel the answer starts (or continues) a thread; in a group DM it stays inline, like a reply.
    const threadTs = groupDm && !inThread ? null : (event.thread_ts ?? event.ts);
    await track(
      ask(
        client,
        {
          userId,
          teamId: context.teamId ?? null,
          channelId: event.channel,
          text,
          interaction: groupDm ? "group_dm" : "app_mention",
          context: () =>
            inThread && event.thread_ts
              ? threadContext(contextSource(client), event.channel, event.thread_ts, event.ts)
              : groupDm
                ? directContext(contextSource(client), event.channel, event.ts)
                : Promise.resolve([]),
        },
        { kind: "thread", channel: event.channel, threadTs },
      ),
    );
  });

  // Direct messages (threads in a DM are the Assistant's, above). Group DMs are answered only when
  // Arthur is mentioned (app_mention), so a conversation between people is not interrupted.
  bolt.message(async ({ message, client, context }) => {
    const m = message as {
      user?: string;
      text?: string;
      channel: string;
      ts: string;
      channel_type?: string;
      subtype?: string;
      bot_id?: string;
      thread_ts?: string;
    };
    if (m.channel_type !== "im" || m.subtype !== undefined || m.bot_id || !m.user || m.thread_ts) return;
    const userId = m.user;
    await track(
      ask(
        client,
        {
          userId,
          teamId: context.teamId ?? null,
          channelId: m.channel,
          text: stripBotMention(m.text ?? "", botUserId),
          interaction: "direct_message",
          context: () => directContext(contextSource(client), m.channel, m.ts),
        },
        { kind: "thread", channel: m.channel, threadTs: null },
      ),
    );
  });

  bolt.command(slack.command, async ({ command, ack, client, respond }) => {
    await ack({
      response_type: "ephemeral",
      text: `:hourglass_flowing_sand: Looking into “${command.text.trim().slice(0, 80)}”…`,
    });
    await track(
      ask(
        client,
        {
          userId: command.user_id,
          teamId: command.team_id ?? null,
          channelId: command.channel_id,
          text: command.text.trim(),
          interaction: "slash_command",
          context: () => Promise.resolve([]),
        },
        { kind: "ephemeral", channel: command.channel_id, user: command.user_id, respond },
      ),
    );
  });

  bolt.action(
    new RegExp(`^(${ACTIONS.approve}|${ACTIONS.cancel})$`),
    async ({ ack, body, action, client, respond }) => {
      await ack();
      if (body.type !== "block_actions" || action.type !== "button") return;
      const decision = (action as ButtonAction).action_id === ACTIONS.approve ? "confirm" : "cancel";
      await track(
        poster.settle(client, {
          approvalId: action.value ?? "",
          decision,
          userId: body.user.id,
          teamId: body.team?.id ?? null,
          channelId: body.channel?.id ?? null,
          message: body.message as { ts: string; thread_ts?: string; blocks?: unknown[] } | undefined,
          ephemeral: Boolean((body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral),
          respond,
          roleOf,
          assistant: deps.assistant,
        }),
      );
    },
  );

  bolt.action(
    new RegExp(`^(${ACTIONS.helpful}|${ACTIONS.unhelpful})$`),
    async ({ ack, body, action, client }) => {
      await ack();
      if (body.type !== "block_actions" || action.type !== "button" || !body.channel?.id) return;
      const helpful = (action as ButtonAction).action_id === ACTIONS.helpful;
      const container = body.container as { message_ts?: string; thread_ts?: string } | undefined;
      const messageTs = container?.message_ts ?? body.message?.ts;
      if (!messageTs) return;
      const sessionId = /^[0-9a-f-]{36}$/i.test(action.value ?? "") ? (action.value ?? null) : null;
      const recorded = await store.recordFeedback({
        channelId: body.channel.id,
        messageTs,
        threadTs: container?.thread_ts ?? null,
        userId: body.user.id,
        reaction: helpful ? "button:helpful" : "button:not_helpful",
        sentiment: helpful ? "positive" : "negative",
        sessionId,
      });
      if (recorded) {
        await client.chat.postEphemeral({
          channel: body.channel.id,
          user: body.user.id,
          ...(container?.thread_ts ? { thread_ts: container.thread_ts } : {}),
          text: helpful
            ? "Thanks — glad it helped."
            : "Thanks — noted. The team reads these to make me better.",
        });
      }
    },
  );

  bolt.event("reaction_added", async ({ event, client }) => {
    // Only reactions to Arthur's own messages are feedback; the rest of the workspace is not ours to count.
    if (
      event.item.type !== "message" ||
      !botUserId ||
      event.item_user !== botUserId ||
      event.user === botUserId
    )
      return;
    const { channel, ts } = event.item;
    const sentiment = classifyReaction(event.reaction);
    const reply = await store.reply(channel, ts);
    const recorded = await store.recordFeedback({
      channelId: channel,
      messageTs: ts,
      threadTs: null,
      userId: event.user,
      reaction: event.reaction,
      sentiment,
      sessionId: reply?.sessionId ?? null,
    });
    if (!recorded) return;
    await client.reactions
      .add({ channel, timestamp: ts, name: acknowledgementFor(sentiment) })
      .catch((error: unknown) => {
        if (!String(error).includes("already_reacted")) throw error;
      });
  });

  bolt.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    const role = await roleOf(event.user, null);
    const tools = role ? registry.visibleTo(role, deps.writesEnabled) : [];
    await client.views.publish({
      user_id: event.user,
      view: homeView({ userId: event.user, role }, tools, {
        command: slack.command,
        writesEnabled: deps.writesEnabled,
      }),
    });
  });

  bolt.error(async (error) => {
    logger.error({ err: error.message, code: (error as { code?: string }).code }, "Slack app error");
  });

  return {
    mode: http ? "http" : "socket",
    routes: receiver?.routes() ?? null,
    async start() {
      const auth = await bolt.client.auth.test();
      botUserId = auth.user_id;
      botId = auth.bot_id;
      await bolt.init();
      await bolt.start();
    },
    async stop() {
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
      await bolt.stop();
    },
    async idle() {
      await receiver?.idle();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function noRoleText(userId: string): string {
  return (
    `Sorry <@${userId}>, I can't help you yet: you don't have an Arthur role. ` +
    `An Arthur admin can add you with \`arthur roles set ${userId} <role>\`.`
  );
}

function emptyQuestionText(command: string): string {
  return `Ask me a question, e.g. \`${command} what's coming up in Toronto?\``;
}
