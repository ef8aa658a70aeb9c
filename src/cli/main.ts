import { Command } from "commander";
import { registerAssistantCommands } from "./assistant-commands.ts";
import { registerBenchCommand } from "./bench-command.ts";
import { registerDbCommands } from "./db-commands.ts";
import { registerServiceCommands } from "./dev-command.ts";
import { registerKnowledgeCommands } from "./knowledge-command.ts";
import { registerMcpCommand } from "./mcp-command.ts";
import { registerRolesCommands } from "./roles-command.ts";
import { registerTenantCommands } from "./tenants-command.ts";
import { registerToolCommands } from "./tools-command.ts";
import { registerWorkerCommand } from "./worker-command.ts";

/** The `arthur` command line. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command("arthur")
    .description("Arthur: Slack-native operations assistant and MCP tool gateway")
    .showHelpAfterError()
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  registerServiceCommands(program);
  registerDbCommands(program);
  registerToolCommands(program);
  registerRolesCommands(program);
  registerTenantCommands(program);
  registerMcpCommand(program);
  registerAssistantCommands(program);
  registerWorkerCommand(program);
  registerKnowledgeCommands(program);
  registerBenchCommand(program);
  await program.parseAsync(argv);
}
