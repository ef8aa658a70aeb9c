import { z } from "zod";
import { defineTool, ToolError } from "../../catalog/index.ts";
import {
  appendVersion,
  BUDGET_CHARS,
  lockHead,
  parseSections,
  ROLES_OPS,
  resolveScope,
  type ScopeType,
  scopeArgs,
  scopeLabel,
  thousands,
} from "./shared.ts";

const input = z.strictObject({
  ...scopeArgs,
  target_version: z
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .describe("The version to restore (default: the one before the current version)"),
});

export interface RollbackMemoryResult {
  scope_type: ScopeType;
  scope_id: string;
  /** The new version holding the restored content. */
  version: number;
  version_id: string;
  /** The version that was current before the rollback (now the new version's parent). */
  replaced_version: number;
  parent_version_id: string | null;
  /** The version whose content was copied. */
  restored_version: number;
  rollback_from_version_id: string;
  content_chars: number;
  budget_chars: number;
  change_summary: string;
  created_by: string;
  created_at: string;
}

interface Target {
  id: string;
  content_md: string;
  content_json: Record<string, string[]> | null;
}

export const rollbackMemory = defineTool({
  name: "rollback_memory",
  domain: "memory",
  title: "Restore an earlier memory version",
  description:
    "Restore an earlier version of a channel's or tool's memory (see get_memory_versions for the numbers). " +
    "target_version defaults to the version before the current one. History is never rewritten: the old " +
    "content is copied into a new version whose summary reads 'Rollback from vX to vY'. It refuses version 0, " +
    "the current version and versions that no longer exist. Ops only; asks for confirmation.",
  input,
  policy: { roles: ROLES_OPS, risk: "medium", writes: true, requiresApproval: true, maxCallsPerRequest: 1 },
  async handler(args, { sql, caller }): Promise<RollbackMemoryResult> {
    const scope = resolveScope(args, caller, "write");
    const head = await lockHead(sql, scope, false);
    if (!head || head.current_version === 0) {
      throw new ToolError("NOT_FOUND", `${scopeLabel(scope)} has no saved versions to roll back`);
    }
    const current = head.current_version;
    const target = args.target_version ?? current - 1;
    if (target < 1) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${scopeLabel(scope)} is at v${current}; there is no earlier version to restore (v0 is the empty memory)`,
      );
    }
    if (target === current) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `v${target} is already the current version of ${scopeLabel(scope)}`,
      );
    }
    const [row] = await sql<Target[]>`
      select id, content_md, content_json from esbmcp_memory_versions
      where scope_type = ${scope.type} and scope_id = ${scope.id} and version_no = ${target}`;
    if (!row) {
      throw new ToolError(
        "NOT_FOUND",
        `${scopeLabel(scope)} has no v${target}` +
          (target > current ? ` (the current version is v${current})` : " (it was removed by retention)"),
      );
    }
    const summary = `Rollback from v${current} to v${target}`;
    const written = await appendVersion(
      sql,
      scope,
      head,
      {
        content_md: row.content_md,
        content_json: row.content_json ?? parseSections(row.content_md),
        change_summary: summary,
        // Lineage: the new version follows the one it replaces; the restored one is recorded apart.
        parent_version_id: head.current_id,
        rollback_from_version_id: row.id,
      },
      caller,
    );
    return {
      scope_type: scope.type,
      scope_id: scope.id,
      version: written.version_no,
      version_id: written.id,
      replaced_version: current,
      parent_version_id: head.current_id,
      restored_version: target,
      rollback_from_version_id: row.id,
      content_chars: written.content_chars,
      budget_chars: BUDGET_CHARS[scope.type],
      change_summary: summary,
      created_by: caller.userId,
      created_at: written.created_at,
    };
  },
  format(r) {
    const over = r.content_chars > r.budget_chars ? " (over budget: shorten it with update_memory)" : "";
    return (
      `${scopeLabel({ type: r.scope_type, id: r.scope_id })}: restored the content of v${r.restored_version} ` +
      `as new version v${r.version} (replacing v${r.replaced_version}), ${thousands(r.content_chars)} / ` +
      `${thousands(r.budget_chars)} characters${over}`
    );
  },
});
