import type { ExportMessage } from "./export-schema.ts";

/** Names of the workspace's people and channels, for turning `<@U…>` and `<#C…>` into words. */
export interface Directory {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
}

/**
 * Channel events rather than conversation: joins, leaves, renames, topic and purpose changes, pins,
 * reminders. They are left out of the archive (counted as skipped).
 */
export const SKIPPED_SUBTYPES: ReadonlySet<string> = new Set([
  "channel_join",
  "channel_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
  "channel_archive",
  "channel_unarchive",
  "channel_convert_to_private",
  "channel_convert_to_public",
  "group_join",
  "group_leave",
  "group_topic",
  "group_purpose",
  "group_name",
  "group_archive",
  "group_unarchive",
  "pinned_item",
  "unpinned_item",
  "bot_add",
  "bot_remove",
  "reminder_add",
  "tombstone",
  "huddle_thread",
]);

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };

/**
 * Slack's message markup as plain text: `<@U1>` → `@Maria`, `<#C1|general>` → `#general`,
 * `<https://x|label>` → `label (https://x)`, `<mailto:a@b|a@b>` → `a@b`, `<!here>` → `@here`, and
 * the three HTML entities Slack escapes.
 */
export function renderText(raw: string, directory: Directory): string {
  const linked = raw.replace(/<([^<>]*)>/g, (_, inner: string) => {
    const bar = inner.indexOf("|");
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? "" : inner.slice(bar + 1);
    if (target.startsWith("@"))
      return `@${directory.userName(target.slice(1)) ?? (label || target.slice(1))}`;
    if (target.startsWith("#"))
      return `#${label || directory.channelName(target.slice(1)) || target.slice(1)}`;
    if (target.startsWith("!subteam^")) return label || "@group";
    if (target.startsWith("!date^")) return label;
    if (target.startsWith("!")) return `@${target.slice(1)}`;
    if (target.startsWith("mailto:")) return label || target.slice("mailto:".length);
    if (!label || label === target) return target;
    return `${label} (${target})`;
  });
  return linked.replace(/&(?:lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** A message as stored: one row of arthur_knowledge_messages (less the columns Postgres fills). */
export interface MessageRow {
  channel_id: string;
  ts: string;
  ts_at: string;
  thread_ts: string | null;
  user_id: string | null;
  user_name: string | null;
  subtype: string | null;
  text: string;
  reply_count: number;
  source_file: string;
}

/** A Slack ts ("1757000000.000200") as an ISO timestamp with its microseconds. */
export function tsToIso(ts: string): string {
  const [seconds = "0", fraction = ""] = ts.split(".");
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 19)}.${fraction.padEnd(6, "0").slice(0, 6)}Z`;
}

/** The author's name as the export shows it next to the message (profile or bot name). */
export function nameInMessage(message: ExportMessage): string | null {
  const profile = message.user_profile;
  return profile?.display_name || profile?.real_name || profile?.name || message.username || null;
}

function fallbackText(message: ExportMessage): string {
  const parts: string[] = [];
  for (const a of message.attachments ?? []) {
    const line = [a.title, a.text || a.fallback].filter(Boolean).join(": ");
    if (line) parts.push(line);
  }
  return parts.join("\n");
}

/**
 * The archive row for one exported message, or why it is left out: not a message, a channel
 * event (SKIPPED_SUBTYPES), or nothing to read (no text, attachment or file name).
 */
export function messageRow(
  message: ExportMessage,
  channelId: string,
  sourceFile: string,
  directory: Directory,
): MessageRow | null {
  if (message.type !== "message") return null;
  const subtype = message.subtype || null;
  if (subtype && SKIPPED_SUBTYPES.has(subtype)) return null;
  const body = renderText(message.text || fallbackText(message), directory).trim();
  const files = (message.files ?? [])
    .map((f) => f.title || f.name)
    .filter((title): title is string => Boolean(title))
    .map((title) => `[file: ${title}]`);
  // Postgres text cannot hold NUL characters.
  const text = [body, ...files].filter(Boolean).join("\n").replaceAll("\u0000", "");
  if (!text) return null;
  return {
    channel_id: channelId,
    ts: message.ts,
    ts_at: tsToIso(message.ts),
    thread_ts: message.thread_ts || null,
    user_id: message.user || message.bot_id || null,
    user_name: nameInMessage(message),
    subtype,
    text,
    reply_count: message.reply_count ?? 0,
    source_file: sourceFile,
  };
}
