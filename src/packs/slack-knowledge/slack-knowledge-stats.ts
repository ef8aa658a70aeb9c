import { z } from "zod";
import { defineTool } from "../../catalog/index.ts";
import { type KnowledgeStats, knowledgeStats } from "../../knowledge/index.ts";

const input = z.strictObject({});

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never");

export const getSlackKnowledgeStats = defineTool({
  name: "get_slack_knowledge_stats",
  domain: "slack-knowledge",
  title: "Slack archive statistics",
  description:
    "What the searchable Slack archive holds and how it is searched: message, channel, user and thread counts, " +
    "the first and last message dates, messages per channel, the last import (when, from which export, how " +
    "many messages were new, changed, unchanged or skipped, and whether it failed), and the search mode " +
    "(full-text plus trigram; whether vector search is possible here). Use it to tell whether the archive is " +
    "empty or stale before trusting search_slack_knowledge, or to diagnose an import.",
  input,
  policy: { roles: ["ops"], risk: "low", maxCallsPerRequest: 2, passthrough: true },
  async handler(_args, { sql, rowCap }): Promise<KnowledgeStats> {
    return knowledgeStats(sql, rowCap);
  },
  format(s) {
    if (s.messages === 0 && !s.last_import) {
      return (
        "The Slack archive is empty: nothing has been imported yet (`npx arthur knowledge import <path>`). " +
        `Search mode: ${s.search_mode}. ${s.vector_search_reason}`
      );
    }
    const lines = [
      `Slack archive: ${s.messages} messages in ${s.channels} channels, ${s.threads} threads, ${s.users} users ` +
        `(${s.bots} bots), from ${s.first_message_at?.slice(0, 10) ?? "?"} to ${s.last_message_at?.slice(0, 10) ?? "?"}`,
    ];
    for (const c of s.per_channel) {
      lines.push(`  #${c.channel}: ${c.messages} messages (${c.first_date ?? "-"} to ${c.last_date ?? "-"})`);
    }
    if (s.per_channel_truncated) lines.push(`  (channel list cut at ${s.per_channel.length})`);
    const i = s.last_import;
    if (i) {
      lines.push(
        `Last import: ${i.status}, ${i.source} (${i.source_kind}), started ${when(i.started_at)}, finished ` +
          `${when(i.finished_at)}: ${i.inserted} new, ${i.updated} updated, ${i.unchanged} unchanged, ` +
          `${i.skipped} skipped messages${i.error ? `; error: ${i.error}` : ""}`,
      );
    }
    lines.push(`Search mode: ${s.search_mode}, vector search off. ${s.vector_search_reason}`);
    return lines.join("\n");
  },
});
