import { existsSync } from "node:fs";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { migrateArthur } from "../db/index.ts";
import { type ImportProgress, type ImportReport, importSlackExport } from "../knowledge/index.ts";
import { withDatabase } from "./db-commands.ts";
import { runCommand, UsageError } from "./runtime.ts";

/** A terminal progress bar over the export's day files; silent when stderr is not a terminal. */
function importProgress(): { update(progress: ImportProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    format: "{phase} {bar} {percentage}% | {value}/{total} day files | #{channel}",
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  let phase: ImportProgress["phase"] | null = null;
  return {
    update(progress) {
      if (progress.phase !== phase) {
        if (phase) bar.stop();
        phase = progress.phase;
        bar.start(Math.max(progress.total, 1), 0, { phase, channel: progress.channel });
      }
      bar.update(progress.done, { channel: progress.channel });
    },
    stop() {
      if (phase) bar.stop();
      phase = null;
    },
  };
}

/** `https://<workspace>.slack.com`, checked; for permalinks. */
function workspaceUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--workspace-url must be a URL like https://yourteam.slack.com (got "${value}")`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--workspace-url must be an http(s) URL (got "${value}")`);
  }
  return url.origin;
}

export function importSummary(report: ImportReport): string {
  const messages = report.inserted + report.updated + report.unchanged;
  return (
    `Imported ${report.source} (${report.kind}): ${report.channels} channels, ${report.users} users, ` +
    `${messages} messages (${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged; ` +
    `${report.skipped} skipped) in ${(report.durationMs / 1000).toFixed(1)} s`
  );
}

/** `arthur knowledge …`: the searchable Slack archive. */
export function registerKnowledgeCommands(program: Command): void {
  const knowledge = program.command("knowledge").description("the searchable Slack archive");

  knowledge
    .command("import <path>")
    .description(
      "import a Slack workspace export (its folder or .zip) into the archive; repeating it changes nothing",
    )
    .option("--workspace-url <url>", "https://<workspace>.slack.com, so search results carry permalinks")
    .action((path: string, flags: { workspaceUrl?: string }) =>
      runCommand(async () => {
        const url = flags.workspaceUrl ? workspaceUrl(flags.workspaceUrl) : null;
        // Before any database is opened (or an embedded one started).
        if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
        await withDatabase(async (database) => {
          await migrateArthur(database.sql);
          const progress = importProgress();
          try {
            const report = await importSlackExport(database.sql, path, {
              onProgress: progress.update,
              workspaceUrl: url,
            });
            progress.stop();
            console.log(importSummary(report));
          } finally {
            progress.stop();
          }
        });
      }),
    );
}
