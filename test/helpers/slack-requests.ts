import { createHmac, randomBytes, randomUUID } from "node:crypto";

/**
 * Requests as Slack sends them to an app's Request URL: Events API envelopes (JSON), slash commands
 * (form fields) and interactivity payloads (`payload=<JSON>` in a form), signed with the app's
 * signing secret (Slack's v0 scheme) so a real Bolt receiver accepts them.
 */

export const BOT_USER_ID = "U0BOT";
export const TEAM_ID = "T0FAKE";
export const API_APP_ID = "A0FAKE";
/** The legacy verification token Slack still puts in payloads (Bolt ignores it). */
const VERIFICATION_TOKEN = "fakeVerificationToken0000";

export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

/** `X-Slack-Signature` = "v0=" + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed by the signing secret. */
export function signSlackBody(
  secret: string,
  body: string,
  timestampSec: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac("sha256", secret).update(`v0:${timestampSec}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${digest}`, "x-slack-request-timestamp": String(timestampSec) };
}

/**
 * The worked example on Slack's "Verifying requests from Slack" page
 * (https://api.slack.com/authentication/verifying-requests-from-slack): a slash command body, the
 * secret and timestamp it was signed with, and the signature Slack publishes for it.
 */
export const SLACK_EXAMPLE = {
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: 1531420618,
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
  signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
} as const;

const upperAlnum = (n: number) =>
  Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("");

/** A Slack message ts for "now" ("1712345678.123456"); also what Slack puts in event_ts. */
export function slackTs(date: Date = new Date()): string {
  const micros = String(date.getMilliseconds() * 1000 + (randomBytes(2).readUInt16BE() % 1000));
  return `${Math.floor(date.getTime() / 1000)}.${micros.padStart(6, "0")}`;
}

const triggerId = () => `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString("hex")}`;

export interface EventCallbackOptions {
  eventId?: string;
  teamId?: string;
  apiAppId?: string;
  eventTime?: number;
}

/** The Events API envelope (`type: "event_callback"`) around one event, as a JSON body. */
export function eventCallback(event: Record<string, unknown>, opts: EventCallbackOptions = {}): string {
  const teamId = opts.teamId ?? TEAM_ID;
  return JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: opts.apiAppId ?? API_APP_ID,
    event,
    type: "event_callback",
    event_id: opts.eventId ?? `Ev${upperAlnum(10)}`,
    event_time: opts.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
}

export interface AppMentionInput {
  user: string;
  channel: string;
  text: string;
  ts: string;
  threadTs?: string;
}

export function appMention(input: AppMentionInput): Record<string, unknown> {
  return {
    type: "app_mention",
    user: input.user,
    text: input.text,
    ts: input.ts,
    client_msg_id: randomUUID(),
    team: TEAM_ID,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    channel: input.channel,
    event_ts: input.ts,
  };
}

export interface MessageEventInput {
  user: string;
  channel: string;
  text: string;
  ts: string;
  channelType: "im" | "mpim" | "channel" | "group";
  threadTs?: string;
}

/** A person's message (no subtype), as message.im / message.mpim / message.channels deliver it. */
export function messageEvent(input: MessageEventInput): Record<string, unknown> {
  // The same fields as a mention of the same message, with the message event's type and channel type.
  return { ...appMention(input), type: "message", channel_type: input.channelType };
}

export interface ReactionAddedInput {
  user: string;
  reaction: string;
  channel: string;
  /** The ts of the message reacted to. */
  ts: string;
  /** Who wrote that message. */
  itemUser: string;
}

export function reactionAdded(input: ReactionAddedInput): Record<string, unknown> {
  return {
    type: "reaction_added",
    user: input.user,
    reaction: input.reaction,
    item_user: input.itemUser,
    item: { type: "message", channel: input.channel, ts: input.ts },
    event_ts: slackTs(),
  };
}

export interface AppHomeOpenedInput {
  user: string;
  tab?: "home" | "messages";
  /** The DM between the user and the bot (default a made-up D… id). */
  channel?: string;
}

export function appHomeOpened(input: AppHomeOpenedInput): Record<string, unknown> {
  return {
    type: "app_home_opened",
    user: input.user,
    channel: input.channel ?? `D${upperAlnum(10)}`,
    tab: input.tab ?? "home",
    event_ts: slackTs(),
  };
}

export interface AssistantThreadInput {
  user: string;
  /** The DM the assistant thread lives in. */
  channel: string;
  threadTs: string;
  /** The channel the user was looking at when they opened the assistant, if any. */
  contextChannelId?: string;
}

function assistantThread(input: AssistantThreadInput): Record<string, unknown> {
  return {
    user_id: input.user,
    context: input.contextChannelId
      ? { channel_id: input.contextChannelId, team_id: TEAM_ID, enterprise_id: null }
      : {},
    channel_id: input.channel,
    thread_ts: input.threadTs,
  };
}

export function assistantThreadStarted(input: AssistantThreadInput): Record<string, unknown> {
  return { type: "assistant_thread_started", assistant_thread: assistantThread(input), event_ts: slackTs() };
}

export function assistantThreadContextChanged(input: AssistantThreadInput): Record<string, unknown> {
  return {
    type: "assistant_thread_context_changed",
    assistant_thread: assistantThread(input),
    event_ts: slackTs(),
  };
}

export interface SlashCommandInput {
  command: string;
  text: string;
  userId: string;
  channelId: string;
  teamId?: string;
  triggerId?: string;
  /** Where `respond()` posts (use the fake's `responseUrl()` to capture it). */
  responseUrl?: string;
}

/** A slash command invocation as Slack posts it: form fields, in Slack's order. */
export function slashCommand(input: SlashCommandInput): string {
  const teamId = input.teamId ?? TEAM_ID;
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: "fake",
    channel_id: input.channelId,
    channel_name: input.channelId.startsWith("D") ? "directmessage" : `chan-${input.channelId.toLowerCase()}`,
    user_id: input.userId,
    user_name: `user-${input.userId.toLowerCase()}`,
    command: input.command,
    text: input.text,
    api_app_id: API_APP_ID,
    is_enterprise_install: "false",
    response_url:
      input.responseUrl ?? `https://hooks.slack.com/commands/${teamId}/${Date.now()}/${upperAlnum(24)}`,
    trigger_id: input.triggerId ?? triggerId(),
  }).toString();
}

export interface BlockActionInput {
  userId: string;
  channelId: string;
  /** The ts of the message holding the button. */
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value: string;
  blockId?: string;
  responseUrl?: string;
  /** The message's text and blocks as Slack echoes them back (defaults: "", none). */
  messageText?: string;
  messageBlocks?: unknown[];
}

/** A button click: form body with one field, `payload`, holding the block_actions JSON. */
export function blockAction(input: BlockActionInput): string {
  const thread = input.threadTs ? { thread_ts: input.threadTs } : {};
  const payload = {
    type: "block_actions",
    user: {
      id: input.userId,
      username: `user-${input.userId.toLowerCase()}`,
      name: `user-${input.userId.toLowerCase()}`,
      team_id: TEAM_ID,
    },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    container: {
      type: "message",
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: false,
      ...thread,
    },
    trigger_id: triggerId(),
    team: { id: TEAM_ID, domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: `chan-${input.channelId.toLowerCase()}` },
    message: {
      type: "message",
      user: BOT_USER_ID,
      bot_id: "B0BOT",
      ts: input.messageTs,
      ...thread,
      text: input.messageText ?? "",
      ...(input.messageBlocks ? { blocks: input.messageBlocks } : {}),
    },
    state: { values: {} },
    response_url:
      input.responseUrl ?? `https://hooks.slack.com/actions/${TEAM_ID}/${Date.now()}/${upperAlnum(24)}`,
    actions: [
      {
        type: "button",
        action_id: input.actionId,
        block_id: input.blockId ?? upperAlnum(5),
        text: { type: "plain_text", text: input.actionId, emoji: true },
        value: input.value,
        action_ts: slackTs(),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface PostToSlackAppOptions {
  /** Default: application/json when the body starts with "{", else application/x-www-form-urlencoded. */
  contentType?: string;
  timestampSec?: number;
  /** Sent as X-Slack-Retry-Num / X-Slack-Retry-Reason, as Slack does when it redelivers an event. */
  retryNum?: number;
  retryReason?: string;
  /** Sign with the wrong secret (the app must answer 401). */
  badSignature?: boolean;
}

/** POST a body to the app's Request URL the way Slack does, signed with `secret`. */
export function postToSlackApp(
  url: string,
  secret: string,
  body: string,
  opts: PostToSlackAppOptions = {},
): Promise<Response> {
  const signed = signSlackBody(opts.badSignature ? `${secret}-wrong` : secret, body, opts.timestampSec);
  const headers: Record<string, string> = {
    "content-type":
      opts.contentType ??
      (body.trimStart().startsWith("{") ? "application/json" : "application/x-www-form-urlencoded"),
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    ...signed,
  };
  if (opts.retryNum !== undefined) headers["x-slack-retry-num"] = String(opts.retryNum);
  if (opts.retryReason !== undefined) headers["x-slack-retry-reason"] = opts.retryReason;
  return fetch(url, { method: "POST", headers, body });
}
