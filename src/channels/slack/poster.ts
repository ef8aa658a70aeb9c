import type { RespondFn, types } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Assistant, AssistantAnswer } from "../../assistant/index.ts";
import type { Role, ToolRegistry } from "../../catalog/index.ts";
import type { Logger } from "../../observability/index.ts";
import { answerBlocks, approvalBlocks, decidedApprovalBlocks } from "./blocks.ts";
import { splitForSlack, toMrkdwn } from "./format.ts";
import type { SlackStore } from "./store.ts";

type KnownBlock = types.KnownBlock;

/**
 * Where an answer goes: a conversation (inline, or in a thread when `threadTs` is set) for everyone
 * to see, or only to the person who asked (the slash command), with the command's response URL as
 * the way in when the bot cannot post in that conversation.
 */
export type Delivery =
  | { kind: "thread"; channel: string; threadTs: string | null }
  | { kind: "ephemeral"; channel: string; user: string; respond: RespondFn; threadTs?: string | null };

/** A click on an approval's Approve or Cancel button. */
export interface ApprovalClick {
  approvalId: string;
  decision: "confirm" | "cancel";
  userId: string;
  teamId: string | null;
  channelId: string | null;
  message: { ts: string; thread_ts?: string; blocks?: unknown[] } | undefined;
  ephemeral: boolean;
  respond: RespondFn | undefined;
  roleOf: (userId: string, channelId: string | null) => Promise<Role | null>;
  assistant: Pick<Assistant, "settleApproval">;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Posts answers, approvals and charts, and records what it posted so feedback finds the session. */
export class SlackPoster {
  readonly #store: SlackStore;
  readonly #registry: ToolRegistry;
  readonly #loadImage: (id: string) => Promise<Uint8Array | null>;
  readonly #approvers: readonly string[];
  readonly #logger: Logger;

  constructor(deps: {
    store: SlackStore;
    registry: ToolRegistry;
    loadImage: (id: string) => Promise<Uint8Array | null>;
    approvers: readonly string[];
    logger: Logger;
  }) {
    this.#store = deps.store;
    this.#registry = deps.registry;
    this.#loadImage = deps.loadImage;
    this.#approvers = deps.approvers;
    this.#logger = deps.logger;
  }

  /** One message (Markdown), split under Slack's limits; returns the first message's ts (null: ephemeral). */
  async say(
    client: WebClient,
    delivery: Delivery,
    markdown: string,
    options: { sessionId: string | null; feedback?: boolean },
  ): Promise<string | null> {
    const chunks = splitForSlack(toMrkdwn(markdown));
    let first: string | null = null;
    for (const [i, chunk] of chunks.entries()) {
      const blocks = answerBlocks(chunk, {
        sessionId: options.feedback ? options.sessionId : null,
        last: i === chunks.length - 1,
      });
      const ts = await this.#post(client, delivery, chunk, blocks);
      if (ts && delivery.kind === "thread") {
        first ??= ts;
        await this.#store.recordReply({
          channelId: delivery.channel,
          messageTs: ts,
          sessionId: options.sessionId,
        });
      }
    }
    return first;
  }

  /** The answer, then its charts (uploaded into the thread), then one approval message per pending write. */
  async deliverAnswer(client: WebClient, delivery: Delivery, answer: AssistantAnswer, requesterId: string) {
    const sessionId = answer.sessionId || null;
    const replyTs = await this.say(client, delivery, answer.text, { sessionId, feedback: true });
    if (sessionId && replyTs && delivery.kind === "thread") {
      await this.#store.linkSession(sessionId, { threadTs: delivery.threadTs, replyTs });
    }
    await this.#uploadCharts(client, delivery, answer);
    for (const approval of answer.pendingApprovals) {
      const title = this.#registry.get(approval.tool)?.title ?? approval.tool;
      const blocks = approvalBlocks(approval, {
        requesterId,
        title,
        approversConfigured: this.#approvers.length > 0,
      });
      const ts = await this.#post(client, delivery, `Approval needed: ${title}`, blocks);
      if (ts && delivery.kind === "thread") {
        await this.#store.recordReply({
          channelId: delivery.channel,
          messageTs: ts,
          sessionId,
          approvalId: approval.approvalId,
        });
      }
    }
  }

  /**
   * An Approve or Cancel click. The gateway decides who may (the requester, or an approver) and that
   * it happens once: a refused click is told so privately; a second click or a retry finds the
   * approval already decided and changes nothing; an expired one says so.
   */
  async settle(client: WebClient, click: ApprovalClick): Promise<void> {
    const { channelId, userId } = click;
    const whisper = (text: string) =>
      channelId
        ? client.chat
            .postEphemeral({
              channel: channelId,
              user: userId,
              text,
              ...(click.message?.thread_ts ? { thread_ts: click.message.thread_ts } : {}),
            })
            .catch(() => click.respond?.({ response_type: "ephemeral", replace_original: false, text }))
        : Promise.resolve();
    if (!UUID.test(click.approvalId)) return;
    const role = await click.roleOf(userId, channelId);
    if (!role) {
      await whisper("You don't have an Arthur role, so you can't decide on this.");
      return;
    }
    const answer = await click.assistant.settleApproval({
      approvalId: click.approvalId,
      action: click.decision,
      caller: { userId, role, teamId: click.teamId, channelId, sessionId: null, via: "internal" },
      interaction: "button",
      requesterRole: (requester) => click.roleOf(requester, channelId),
    });
    const settlement = answer.settlement;
    if (!settlement) return;
    if (settlement.outcome === "closed") {
      this.#logger.info(
        { approvalId: click.approvalId, userId },
        "approval click on a decided approval ignored",
      );
      return;
    }
    if (settlement.outcome === "refused" || settlement.outcome === "not_found") {
      await whisper(answer.text);
      return;
    }
    const verdict =
      settlement.outcome === "expired"
        ? ":hourglass: Expired — nothing was done. Ask again if it is still needed."
        : settlement.outcome === "cancelled"
          ? `:no_entry_sign: Cancelled by <@${userId}> — nothing was changed.`
          : `:white_check_mark: Approved by <@${userId}>.`;
    await this.#closeApprovalMessage(client, click, verdict);
    if (settlement.outcome === "expired") {
      await whisper("That approval has expired, so nothing was done.");
      return;
    }
    if (settlement.outcome === "ran" && channelId) {
      const delivery: Delivery =
        click.ephemeral && click.respond
          ? { kind: "ephemeral", channel: channelId, user: userId, respond: click.respond }
          : // Beside the card: in its thread, or inline where the card itself was (a DM).
            { kind: "thread", channel: channelId, threadTs: click.message?.thread_ts ?? null };
      await this.deliverAnswer(client, delivery, answer, settlement.requestedBy ?? userId);
    }
  }

  async #closeApprovalMessage(client: WebClient, click: ApprovalClick, verdict: string): Promise<void> {
    const original = (click.message?.blocks ?? []) as KnownBlock[];
    const blocks = decidedApprovalBlocks(original, verdict);
    if (click.ephemeral) {
      await click.respond?.({ replace_original: true, text: verdict, blocks });
      return;
    }
    const stored = await this.#store.approvalMessage(click.approvalId);
    const channel = stored?.channelId ?? click.channelId;
    const ts = stored?.messageTs ?? click.message?.ts;
    if (!channel || !ts) return;
    await client.chat.update({ channel, ts, text: verdict, blocks });
  }

  async #uploadCharts(client: WebClient, delivery: Delivery, answer: AssistantAnswer): Promise<void> {
    const images = answer.tools.flatMap((t) => (t.images ?? []).map((image) => ({ tool: t.tool, image })));
    for (const { tool, image } of images) {
      const title = this.#registry.get(tool)?.title ?? tool;
      if (delivery.kind === "ephemeral") {
        // Files cannot be shown to one person only; the signed link can.
        await this.#post(client, delivery, `<${image.url}|${title} (chart)>`, [
          { type: "section", text: { type: "mrkdwn", text: `:bar_chart: <${image.url}|${title}>` } },
        ]);
        continue;
      }
      const png = await this.#loadImage(image.id);
      if (!png) continue;
      await client.files
        .uploadV2({
          channel_id: delivery.channel,
          ...(delivery.threadTs ? { thread_ts: delivery.threadTs } : {}),
          file: Buffer.from(png.buffer, png.byteOffset, png.byteLength),
          filename: `${tool}-${image.id.slice(0, 8)}.png`,
          title,
        } as Parameters<typeof client.files.uploadV2>[0])
        .catch((error: unknown) => {
          this.#logger.warn({ err: String(error), image: image.id }, "chart upload to Slack failed");
        });
    }
  }

  /** Post one message; ephemeral goes by chat.postEphemeral, or the response URL where the bot is not in the channel. */
  async #post(
    client: WebClient,
    delivery: Delivery,
    text: string,
    blocks: KnownBlock[],
  ): Promise<string | null> {
    if (delivery.kind === "ephemeral") {
      try {
        await client.chat.postEphemeral({
          channel: delivery.channel,
          user: delivery.user,
          text,
          blocks,
          ...(delivery.threadTs ? { thread_ts: delivery.threadTs } : {}),
        });
      } catch {
        await delivery.respond({ response_type: "ephemeral", replace_original: false, text, blocks });
      }
      return null;
    }
    const posted = await client.chat.postMessage({
      channel: delivery.channel,
      text,
      blocks,
      ...(delivery.threadTs ? { thread_ts: delivery.threadTs } : {}),
    });
    return posted.ts ?? null;
  }
}
