import type { Command } from "commander";

/** `arthur worker`: background jobs (chart autoposts, retention). Filled in by the worker work. */
export function registerWorkerCommand(_program: Command): void {}
