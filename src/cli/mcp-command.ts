import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Command } from "commander";
import { openDatabase } from "../db/index.ts";
import { createMcpServer } from "../gateway/index.ts";
import { loadRuntime, onShutdownSignal, runCommand, UsageError } from "./runtime.ts";
import { startTools, VERSION } from "./services.ts";
import { parseRole } from "./tools-command.ts";

/**
 * MCP over stdio for local clients (Claude Desktop, Cursor, the Inspector). Whoever can start this
 * process already holds the database credentials, so the role is given on the command line; every
 * call still passes the gateway's policy pipeline and is audited with `via: stdio`.
 */
async function serveStdio(flags: { user: string; role: string; team?: string }): Promise<void> {
  const role = parseRole(flags.role);
  if (!flags.user.trim()) throw new UsageError("--user must not be empty");
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  const service = startTools(db, rt);
  const stop = async () => {
    await service.close();
    await db.close();
  };
  onShutdownSignal(rt, stop);
  const context = {
    caller: {
      userId: flags.user.trim(),
      role,
      teamId: flags.team ?? null,
      channelId: null,
      sessionId: null,
      via: "stdio" as const,
    },
    ipAddress: null,
  };
  const server = createMcpServer({ gateway: service.gateway, version: VERSION, contextOf: () => context });
  server.onclose = () => {
    void stop().then(() => process.exit(0));
  };
  await server.connect(new StdioServerTransport());
  rt.logger.info({ user: flags.user, role }, "MCP server on stdio");
}

export function registerMcpCommand(program: Command): void {
  program
    .command("mcp")
    .description("serve MCP over stdio for a local client, acting as the given user and role")
    .requiredOption("--user <id>", "who the calls are made as (recorded in the audit log)")
    .requiredOption("--role <role>", "the role whose tools are offered")
    .option("--team <id>", "team id")
    .action((flags: { user: string; role: string; team?: string }) => runCommand(() => serveStdio(flags)));
}
