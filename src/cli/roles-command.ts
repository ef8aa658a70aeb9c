import { userInfo } from "node:os";
import type { Command } from "commander";
import { RoleDirectory } from "../channels/index.ts";
import { migrateArthur } from "../db/index.ts";
import { withDatabase } from "./db-commands.ts";
import { runCommand, UsageError } from "./runtime.ts";
import { parseRole } from "./tools-command.ts";

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

function slackUser(value: string): string {
  const id = value.trim();
  if (!SLACK_USER.test(id)) throw new UsageError(`"${value}" is not a Slack user id (like U0123ABCD)`);
  return id;
}

/** `arthur roles set|remove|list`: the role each Slack user acts with (over RBAC_USER_MAP_JSON). */
export function registerRolesCommands(program: Command): void {
  const roles = program.command("roles").description("which role each Slack user acts with");
  roles
    .command("set <slack-user-id> <role>")
    .description("give a Slack user a role (wins over RBAC_USER_MAP_JSON; takes effect at once)")
    .action((user: string, role: string) =>
      runCommand(async () => {
        const id = slackUser(user);
        const parsed = parseRole(role);
        await withDatabase(async (db, rt) => {
          await migrateArthur(db.sql);
          const directory = new RoleDirectory(db.sql, rt.config.identity);
          const before = await directory.set(id, parsed, `cli:${userInfo().username}`);
          console.log(before && before !== parsed ? `${id}: ${before} → ${parsed}` : `${id}: ${parsed}`);
        });
      }),
    );
  roles
    .command("remove <slack-user-id>")
    .description("drop a user's row; RBAC_USER_MAP_JSON (if it names them) applies again")
    .action((user: string) =>
      runCommand(async () => {
        const id = slackUser(user);
        await withDatabase(async (db, rt) => {
          await migrateArthur(db.sql);
          const removed = await new RoleDirectory(db.sql, rt.config.identity).remove(id);
          if (!removed) throw new UsageError(`${id} has no role set with arthur roles`);
          console.log(`${id}: removed`);
        });
      }),
    );
  roles
    .command("list")
    .description("roles set with arthur roles, then those from RBAC_USER_MAP_JSON")
    .option("--json", "machine-readable output")
    .action((flags: { json?: boolean }) =>
      runCommand(() =>
        withDatabase(async (db, rt) => {
          await migrateArthur(db.sql);
          const stored = await new RoleDirectory(db.sql, rt.config.identity).list();
          const fromTable = new Set(stored.map((r) => r.slackUserId));
          const rows = [
            ...stored.map((r) => ({
              user: r.slackUserId,
              role: r.role,
              source: "table",
              updated_by: r.updatedBy,
            })),
            ...Object.entries(rt.config.identity.userRoles)
              .filter(([user]) => !fromTable.has(user))
              .map(([user, role]) => ({ user, role, source: "config", updated_by: null })),
          ];
          if (flags.json) {
            console.log(JSON.stringify(rows, null, 2));
            return;
          }
          for (const r of rows) console.log(`${r.user.padEnd(14)} ${r.role.padEnd(15)} ${r.source}`);
          if (!rows.length) console.log("no roles set");
        }),
      ),
    );
}
