import { z } from "zod";
import { boundedInt, defineTool } from "../../catalog/index.ts";
import { capped, iso, truncationNote } from "../data-read/shared.ts";
import {
  BUDGET_CHARS,
  NOTES_NOTICE,
  notesBlock,
  oneLine,
  ROLES_OPS_VIEWER,
  resolveScope,
  type ScopeType,
  scopeArgs,
  scopeLabel,
  TRUST,
  thousands,
} from "./shared.ts";

const input = z.strictObject({
  ...scopeArgs,
  limit: boundedInt(1, 25, 10, "Versions to list, newest first"),
});

export interface MemoryVersion {
  version: number;
  id: string;
  is_current: boolean;
  /** A rollback copied an older version's content into this one. */
  is_rollback: boolean;
  /** For a rollback: the version whose content was restored. */
  restored_version: number | null;
  /** The version this one replaced. */
  parent_version: number | null;
  content_chars: number | null;
  change_summary: string | null;
  created_by: string | null;
  created_by_role: string | null;
  created_at: string | null;
}

export interface MemoryVersionsResult {
  scope_type: ScopeType;
  scope_id: string;
  head: {
    /** 0 when nothing was ever saved. */
    current_version: number;
    budget_chars: number;
    /** Versions ever written to this scope. */
    total_versions: number;
    /** Versions still stored (retention removes old ones, never the current). */
    stored_versions: number;
    updated_at: string | null;
  };
  /** Newest first. */
  versions: MemoryVersion[];
  truncated: boolean;
  /** Change summaries are user-written. */
  trust: typeof TRUST;
  notice: string;
}

type Row = Omit<MemoryVersion, "created_at" | "is_current"> & { created_at: Date | null };

export const getMemoryVersions = defineTool({
  name: "get_memory_versions",
  domain: "memory",
  title: "Memory version history",
  description:
    "The version history of one channel's or tool's memory, newest first (10 by default, at most 25): version " +
    "number, when and by whom (user and role), size in characters, change summary, whether it was a rollback " +
    "and which version it restored; plus the current version, the character budget and how many versions " +
    "exist. Use it before rollback_memory to pick a version. It does not show the content (get_memory does, " +
    "for the current version). Callers other than ops can only see their own channel's history.",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, caller, rowCap }): Promise<MemoryVersionsResult> {
    const scope = resolveScope(args, caller, "read");
    const limit = Math.min(args.limit, rowCap);
    const [head] = await sql<
      { current_version: number; total_versions: number; stored: number; updated_at: Date | null }[]
    >`
      select h.current_version, h.total_versions, h.updated_at,
             (select count(*)::int from esbmcp_memory_versions v
              where v.scope_type = h.scope_type and v.scope_id = h.scope_id) as stored
      from esbmcp_memory_heads h
      where h.scope_type = ${scope.type} and h.scope_id = ${scope.id}`;
    const rows = await sql<Row[]>`
      select v.version_no as version, v.id, v.rollback_from_version_id is not null as is_rollback,
             r.version_no as restored_version, p.version_no as parent_version, v.content_chars,
             v.change_summary, v.created_by, v.created_by_role, v.created_at
      from esbmcp_memory_versions v
      left join esbmcp_memory_versions r on r.id = v.rollback_from_version_id
      left join esbmcp_memory_versions p on p.id = v.parent_version_id
      where v.scope_type = ${scope.type} and v.scope_id = ${scope.id}
      order by v.version_no desc
      limit ${limit + 1}`;
    const cut = capped(rows, limit);
    const current = head?.current_version ?? 0;
    return {
      scope_type: scope.type,
      scope_id: scope.id,
      head: {
        current_version: current,
        budget_chars: BUDGET_CHARS[scope.type],
        total_versions: head?.total_versions ?? 0,
        stored_versions: head?.stored ?? 0,
        updated_at: iso(head?.updated_at ?? null),
      },
      versions: cut.rows.map((r) => ({
        ...r,
        is_current: r.version === current,
        created_at: iso(r.created_at),
      })),
      truncated: cut.truncated,
      trust: TRUST,
      notice: NOTES_NOTICE,
    };
  },
  format(r) {
    const label = scopeLabel({ type: r.scope_type, id: r.scope_id });
    if (r.versions.length === 0) {
      return `${label}: no versions saved (budget ${thousands(r.head.budget_chars)} characters)`;
    }
    const lines = [
      `${label}: current v${r.head.current_version}, ${r.head.total_versions} versions written, ` +
        `${r.head.stored_versions} stored, budget ${thousands(r.head.budget_chars)} characters`,
    ];
    const list = r.versions.map(
      (v) =>
        `v${v.version}${v.is_current ? " (current)" : ""} ${(v.created_at ?? "").slice(0, 16).replace("T", " ")} ` +
        `by ${v.created_by ?? "unknown"}${v.created_by_role ? ` (${v.created_by_role})` : ""}, ` +
        `${v.content_chars ?? "?"} chars` +
        (v.is_rollback ? `, rollback restoring v${v.restored_version ?? "?"}` : "") +
        (v.change_summary ? `: ${oneLine(v.change_summary)}` : ""),
    );
    lines.push(
      r.notice,
      ...notesBlock(`change summaries for ${r.scope_type} ${r.scope_id}`, list.join("\n")),
    );
    lines.push(...truncationNote(r.truncated, r.versions.length));
    return lines.join("\n");
  },
});
