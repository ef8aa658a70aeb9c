import { type Config, ConfigError, loadConfig } from "../config/index.ts";
import { createLogger, type Logger } from "../observability/index.ts";

export interface Runtime {
  config: Config;
  logger: Logger;
}

/** Thrown for mistakes in how a command was invoked; printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly code = "USAGE";
}

/** Load configuration and a logger, or exit with a one-line message naming the bad variable. */
export function loadRuntime(): Runtime {
  const config = loadConfig();
  return { config, logger: createLogger(config.log.level) };
}

/** Print an error the way a user should see it: one line, no stack (stack only at LOG_LEVEL=debug). */
export function reportFatal(error: unknown): number {
  if (error instanceof ConfigError) {
    console.error(`arthur: ${error.message}`);
    return 2;
  }
  if (error instanceof UsageError) {
    console.error(`arthur: ${error.message}`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`arthur: ${message.split("\n")[0]}`);
  if (process.env.LOG_LEVEL === "debug" || process.env.LOG_LEVEL === "trace") console.error(error);
  return 1;
}

/**
 * Run an async command body and exit with its status; never shows a raw stack trace to users.
 * The failure path exits at once rather than waiting for open handles (pools, timers) to drain.
 */
export function runCommand(body: () => Promise<void>): Promise<void> {
  return body().then(
    () => {},
    (error: unknown) => {
      // After Ctrl-C the body fails because its connections were closed; the signal handler exits.
      if (shuttingDown) return;
      process.exit(reportFatal(error));
    },
  );
}

let shuttingDown = false;

/**
 * On the first SIGINT/SIGTERM run `stop` once, then exit with `exitCode`; a second signal forces
 * the exit. Returns a function that removes the handlers again (for commands that finish).
 */
export function onShutdownSignal(rt: Runtime, stop: () => Promise<void>, exitCode = 0): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (shuttingDown) process.exit(130);
    shuttingDown = true;
    rt.logger.info({ signal }, "shutting down");
    stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        rt.logger.error({ err: String(error) }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

export function parseNumberOption(
  name: string,
  value: string,
  check: (n: number) => boolean,
  hint: string,
): number {
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`${name} ${hint} (got "${value}")`);
  return n;
}

export function parseDateOption(name: string, value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`${name} must be an ISO date or timestamp (got "${value}")`);
  return date;
}
