import type { Sql } from "../../db/index.ts";
import type { Sentiment } from "./sentiment.ts";

/** A message Arthur posted: part of an answer (session) or an approval's buttons. */
export interface PostedReply {
  channelId: string;
  messageTs: string;
  sessionId?: string | null;
  approvalId?: string | null;
}

/** The Slack app's own rows in Postgres: delivery de-duplication, reply links, feedback, refusals. */
export class SlackStore {
  readonly #sql: Sql;
  readonly #version: string;

  constructor(sql: Sql, version: string) {
    this.#sql = sql;
    this.#version = version;
  }

  /**
   * Take on a delivery, once across all replicas: true when none of `keys` was seen before. A
   * retried event (same event id) or a second event for the same message (app_mention and
   * message.mpim) finds its key taken.
   */
  async claim(keys: readonly string[]): Promise<boolean> {
    if (keys.length === 0) return true;
    const inserted = await this.#sql`
      insert into arthur_slack_events (event_key)
      select unnest(${this.#sql.array([...keys])}::text[])
      on conflict (event_key) do nothing
      returning event_key`;
    return inserted.length === keys.length;
  }

  async recordReply(reply: PostedReply): Promise<void> {
    await this.#sql`
      insert into arthur_slack_replies (channel_id, message_ts, session_id, approval_id)
      values (${reply.channelId}, ${reply.messageTs}, ${reply.sessionId ?? null}, ${reply.approvalId ?? null})
      on conflict (channel_id, message_ts) do nothing`;
  }

  /** Where the answer went: the session row keeps its thread and first message. */
  async linkSession(
    sessionId: string,
    delivery: { threadTs: string | null; replyTs: string },
  ): Promise<void> {
    await this.#sql`
      update esbmcp_chat_sessions
      set slack_thread_ts = ${delivery.threadTs}, slack_reply_ts = ${delivery.replyTs}
      where id = ${sessionId}`;
  }

  /** The message Arthur posted there, if it did (null for anybody else's message). */
  async reply(channelId: string, messageTs: string): Promise<PostedReply | null> {
    const [row] = await this.#sql<{ session_id: string | null; approval_id: string | null }[]>`
      select session_id, approval_id from arthur_slack_replies
      where channel_id = ${channelId} and message_ts = ${messageTs}`;
    return row ? { channelId, messageTs, sessionId: row.session_id, approvalId: row.approval_id } : null;
  }

  /** The message holding an approval's buttons. */
  async approvalMessage(approvalId: string): Promise<PostedReply | null> {
    if (!/^[0-9a-f-]{36}$/i.test(approvalId)) return null;
    const [row] = await this.#sql<{ channel_id: string; message_ts: string; session_id: string | null }[]>`
      select channel_id, message_ts, session_id from arthur_slack_replies
      where approval_id = ${approvalId} order by created_at limit 1`;
    return row
      ? { channelId: row.channel_id, messageTs: row.message_ts, sessionId: row.session_id, approvalId }
      : null;
  }

  /** One row per person, message and reaction; a repeat (Slack retry, re-click) changes nothing. */
  async recordFeedback(feedback: {
    channelId: string;
    messageTs: string;
    threadTs: string | null;
    userId: string;
    reaction: string;
    sentiment: Sentiment;
    sessionId: string | null;
  }): Promise<boolean> {
    const rows = await this.#sql`
      insert into esbmcp_reaction_feedback
        (slack_channel_id, message_ts, thread_ts, slack_user_id, reaction, sentiment, session_id)
      values (${feedback.channelId}, ${feedback.messageTs}, ${feedback.threadTs}, ${feedback.userId},
              ${feedback.reaction}, ${feedback.sentiment}, ${feedback.sessionId})
      on conflict (slack_channel_id, message_ts, slack_user_id, reaction) do nothing
      returning id`;
    return rows.length === 1;
  }

  /** Someone with no role asked: refused politely, and audited so an admin can see who is waiting. */
  async auditNoRole(who: {
    userId: string;
    teamId: string | null;
    channelId: string | null;
    interaction: string;
  }) {
    await this.#sql`
      insert into esbmcp_audit_log
        (slack_user_id, slack_team_id, slack_channel_id, user_role, event_type, detail, gateway_version)
      values (${who.userId}, ${who.teamId}, ${who.channelId}, null, 'role_denied',
              ${this.#sql.json({ interaction: who.interaction, reason: "no role for this Slack user" })},
              ${this.#version})`;
  }
}
