import type { Command } from "commander";
import { maskDatabaseUrl, migrateArthur, openDatabase } from "../db/index.ts";
import { type RunningWorker, startConfiguredWorker } from "../worker/index.ts";
import { loadRuntime, onShutdownSignal, runCommand } from "./runtime.ts";

async function runWorker(): Promise<void> {
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  let worker: RunningWorker | undefined;
  onShutdownSignal(rt, async () => {
    await worker?.stop();
    await db.close();
  });
  try {
    await migrateArthur(db.sql);
    worker = await startConfiguredWorker({
      sql: db.sql,
      databaseUrl: db.url,
      config: rt.config,
      logger: rt.logger,
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  console.log(
    `Arthur worker running: ${worker.description} · database ${maskDatabaseUrl(db.url)} · Ctrl-C to stop`,
  );
}

/** `arthur worker`: background jobs (chart autoposts, retention) on pg-boss; run one or several. */
export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description(
      "run background jobs: scheduled chart posts to Slack (needs SLACK_BOT_TOKEN) and daily retention; " +
        "several workers may share a database",
    )
    .action(() => runCommand(runWorker));
}
