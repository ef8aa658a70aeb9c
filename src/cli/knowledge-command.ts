import type { Command } from "commander";

/** `arthur knowledge …`: Slack export import. Filled in by the knowledge work. */
export function registerKnowledgeCommands(_program: Command): void {}
