import type { Command } from "commander";
import { type AnyTool, ROLES, type Role } from "../catalog/index.ts";
import { buildRegistry, createToken, listTokens, revokeToken } from "../gateway/index.ts";
import { allTools } from "../packs/index.ts";
import { withDatabase } from "./db-commands.ts";
import { loadRuntime, runCommand, UsageError } from "./runtime.ts";

export function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new UsageError(`--role must be one of ${ROLES.join(", ")} (got "${value}")`);
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90m", "12h", "30d", "2w" → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([mhdw])$/.exec(value.trim());
  const unit = match ? UNITS[match[2] ?? ""] : undefined;
  if (!match || !unit || Number(match[1]) <= 0) {
    throw new UsageError(`--ttl must be a duration such as 90m, 12h, 30d or 2w (got "${value}")`);
  }
  return Number(match[1]) * unit;
}

function toolRow(tool: AnyTool) {
  return {
    name: tool.name,
    domain: tool.domain,
    roles: [...tool.policy.roles],
    risk: tool.policy.risk,
    writes: tool.policy.writes,
    requires_approval: tool.policy.requiresApproval,
    enabled: tool.policy.enabled,
    max_calls_per_request: tool.policy.maxCallsPerRequest,
  };
}

function listToolsCommand(flags: { role?: string; json?: boolean }): void {
  const rt = loadRuntime();
  const registry = buildRegistry(allTools, rt.config);
  const role = flags.role ? parseRole(flags.role) : undefined;
  const tools = registry.list().filter((t) => !role || (t.policy.enabled && t.policy.roles.includes(role)));
  const rows = tools.map(toolRow);
  if (flags.json) {
    console.log(JSON.stringify({ writes_enabled: rt.config.tools.writesEnabled, tools: rows }, null, 2));
    return;
  }
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${"tool".padEnd(width)}  ${"domain".padEnd(17)}  ${"risk".padEnd(6)}  flags          roles`);
  for (const r of rows) {
    const flagText = [
      r.writes ? "writes" : "",
      r.requires_approval ? "approval" : "",
      r.enabled ? "" : "DISABLED",
    ]
      .filter(Boolean)
      .join(",");
    console.log(
      `${r.name.padEnd(width)}  ${r.domain.padEnd(17)}  ${r.risk.padEnd(6)}  ${flagText.padEnd(13)}  ${r.roles.join(", ")}`,
    );
  }
  console.log(
    `\n${rows.length} tool(s)${role ? ` callable by ${role}` : ""}; writes ${rt.config.tools.writesEnabled ? "enabled" : "disabled (ENABLE_MUTATING_TOOLS=false)"}`,
  );
}

export function registerToolCommands(program: Command): void {
  const tools = program.command("tools").description("the tool catalogue");
  tools
    .command("list")
    .description("the effective catalogue: every tool with domain, roles, risk, writes and approval flags")
    .option("--role <role>", `only tools this role may call (${ROLES.join(", ")})`)
    .option("--json", "machine-readable output")
    .action((flags: { role?: string; json?: boolean }) => runCommand(async () => listToolsCommand(flags)));

  const token = program.command("token").description("personal tokens for MCP clients");
  token
    .command("create")
    .description("create a token and print it once (only its hash is stored)")
    .requiredOption("--user <id>", "who the token acts as (e.g. a Slack user id)")
    .requiredOption("--role <role>", `the role it carries (${ROLES.join(", ")})`)
    .option("--team <id>", "team id")
    .option("--label <text>", "a note to recognise it by")
    .option("--ttl <duration>", "lifetime such as 12h, 30d (default: until revoked)")
    .action((flags: { user: string; role: string; team?: string; label?: string; ttl?: string }) =>
      runCommand(async () => {
        const role = parseRole(flags.role);
        const ttlMs = flags.ttl ? parseDuration(flags.ttl) : null;
        if (!flags.user.trim()) throw new UsageError("--user must not be empty");
        await withDatabase(async (db) => {
          const { token: secret, info } = await createToken(db.sql, {
            userId: flags.user.trim(),
            role,
            teamId: flags.team ?? null,
            label: flags.label ?? null,
            ttlMs,
          });
          console.log(secret);
          console.error(
            `token ${info.id} for ${info.userId} (${info.role})${info.expiresAt ? `, expires ${info.expiresAt.toISOString()}` : ""} — shown once; store it now`,
          );
        });
      }),
    );
  token
    .command("list")
    .description("tokens with their owner, role and state (never the token itself)")
    .option("--json", "machine-readable output")
    .action((flags: { json?: boolean }) =>
      runCommand(() =>
        withDatabase(async (db) => {
          const rows = await listTokens(db.sql);
          if (flags.json) {
            console.log(JSON.stringify(rows, null, 2));
            return;
          }
          for (const t of rows) {
            const state = t.revokedAt
              ? "revoked"
              : t.expiresAt && t.expiresAt < new Date()
                ? "expired"
                : "active";
            console.log(
              `${t.id}  ${t.userId.padEnd(16)}  ${t.role.padEnd(14)}  ${state.padEnd(8)}  last used ${t.lastUsedAt?.toISOString() ?? "never"}${t.label ? `  ${t.label}` : ""}`,
            );
          }
          if (!rows.length) console.log("no tokens");
        }),
      ),
    );
  token
    .command("revoke <id>")
    .description("revoke a token by id or unique id prefix (takes effect within 10 s)")
    .action((id: string) =>
      runCommand(() =>
        withDatabase(async (db) => {
          const revoked = await revokeToken(db.sql, id);
          if (!revoked) throw new UsageError(`no single token matches "${id}" (see arthur token list)`);
          console.log(`revoked ${revoked.id} (${revoked.userId}, ${revoked.role})`);
        }),
      ),
    );
}
