import type { WebClient } from "@slack/web-api";
import type { Turn } from "../../assistant/index.ts";

/**
 * How much of a conversation goes with a question. Threads: the latest 20 messages of the last 24
 * hours (the original sent the oldest 20, so long threads lost their recent turns). Direct messages:
 * the latest 10 top-level messages of the last 6 hours. Each message is cut to 1,500 characters, so
 * a long thread can never push the question itself over the length limit.
 */
export const CONTEXT_LIMITS = {
  thread: { messages: 20, maxAgeMs: 24 * 3600_000 },
  direct: { messages: 10, maxAgeMs: 6 * 3600_000 },
  messageChars: 1500,
} as const;

/** The most pages of replies read for one thread (Slack pages at up to 200 messages). */
const MAX_THREAD_PAGES = 5;

interface SlackMessage {
  ts?: string;
  text?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  thread_ts?: string;
}

/** Mentions of Arthur itself say nothing; other people's mentions stay, so "ask <@U2>" keeps its sense. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, "g") : null;
  return (own ? text.replace(own, "") : text).replace(/\s+/g, " ").trim();
}

/** Slack messages (oldest first) as turns: Arthur's own are the assistant's; a person's carry who said it. */
export function toTurns(
  messages: readonly SlackMessage[],
  options: {
    botUserId: string | undefined;
    botId: string | undefined;
    exceptTs: string;
    nowMs: number;
    maxAgeMs: number;
    limit: number;
  },
): Turn[] {
  const oldest = options.nowMs - options.maxAgeMs;
  const kept = messages.filter(
    (m) =>
      m.ts &&
      m.ts !== options.exceptTs &&
      Number(m.ts) * 1000 >= oldest &&
      (m.subtype === undefined || m.subtype === "bot_message" || m.subtype === "thread_broadcast") &&
      (m.text ?? "").trim() !== "",
  );
  return kept.slice(-options.limit).map((m) => {
    const mine =
      (options.botId && m.bot_id === options.botId) || (options.botUserId && m.user === options.botUserId);
    const text = stripBotMention(m.text ?? "", options.botUserId).slice(0, CONTEXT_LIMITS.messageChars);
    return mine
      ? { role: "assistant" as const, content: text }
      : { role: "user" as const, content: m.user ? `<@${m.user}>: ${text}` : text };
  });
}

export interface ContextSource {
  client: WebClient;
  botUserId: string | undefined;
  botId: string | undefined;
  nowMs?: number;
}

/** The thread's earlier messages (conversations.replies), newest 20 within a day, oldest first. */
export async function threadContext(
  source: ContextSource,
  channel: string,
  threadTs: string,
  currentTs: string,
): Promise<Turn[]> {
  const nowMs = source.nowMs ?? Date.now();
  const oldest = String((nowMs - CONTEXT_LIMITS.thread.maxAgeMs) / 1000);
  const messages: SlackMessage[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_THREAD_PAGES; page++) {
    const result = await source.client.conversations.replies({
      channel,
      ts: threadTs,
      limit: 200,
      oldest,
      ...(cursor ? { cursor } : {}),
    });
    messages.push(...((result.messages ?? []) as SlackMessage[]));
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || !cursor) break;
  }
  return toTurns(messages, {
    botUserId: source.botUserId,
    botId: source.botId,
    exceptTs: currentTs,
    nowMs,
    maxAgeMs: CONTEXT_LIMITS.thread.maxAgeMs,
    limit: CONTEXT_LIMITS.thread.messages,
  });
}

/** The direct message's recent top-level messages (conversations.history), oldest first. */
export async function directContext(
  source: ContextSource,
  channel: string,
  currentTs: string,
): Promise<Turn[]> {
  const nowMs = source.nowMs ?? Date.now();
  const result = await source.client.conversations.history({
    channel,
    limit: CONTEXT_LIMITS.direct.messages + 1,
    oldest: String((nowMs - CONTEXT_LIMITS.direct.maxAgeMs) / 1000),
  });
  // History is newest first; threads are their own conversations, so their parents are left out.
  const topLevel = ((result.messages ?? []) as SlackMessage[]).filter((m) => !m.thread_ts).reverse();
  return toTurns(topLevel, {
    botUserId: source.botUserId,
    botId: source.botId,
    exceptTs: currentTs,
    nowMs,
    maxAgeMs: CONTEXT_LIMITS.direct.maxAgeMs,
    limit: CONTEXT_LIMITS.direct.messages,
  });
}
