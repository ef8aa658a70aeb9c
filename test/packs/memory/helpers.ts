import { randomUUID } from "node:crypto";
import type { Caller, Role } from "../../../src/catalog/index.ts";
import type { Sql } from "../../../src/db/index.ts";

/** A caller as the gateway would build one from a signed Slackbot token. */
export function caller(role: Role, channelId: string | null, userId = `U-${role}`): Caller {
  return { userId, role, teamId: "T0TEST", channelId, sessionId: randomUUID(), via: "internal" };
}

export const OPS = caller("ops", null, "U-ops");

let counter = 0;
/** A fresh Slack-style channel id, so each test starts from an unused scope. */
export function freshChannel(): string {
  counter += 1;
  return `C${Date.now().toString(36).toUpperCase().slice(-5)}${counter.toString().padStart(4, "0")}`;
}

export interface StoredVersion {
  id: string;
  version_no: number;
  parent_version_id: string | null;
  rollback_from_version_id: string | null;
  content_md: string;
  content_json: Record<string, string[]> | null;
  change_summary: string | null;
  content_chars: number;
  session_id: string | null;
  created_by: string | null;
  created_by_role: string | null;
}

/** The scope's versions straight from the table, oldest first. */
export function storedVersions(sql: Sql, type: string, id: string): Promise<StoredVersion[]> {
  return sql<StoredVersion[]>`
    select id, version_no, parent_version_id, rollback_from_version_id, content_md, content_json, change_summary,
           content_chars, session_id, created_by, created_by_role
    from esbmcp_memory_versions where scope_type = ${type} and scope_id = ${id} order by version_no`;
}

export interface StoredHead {
  current_version: number;
  total_versions: number;
  token_budget: number;
}

export async function storedHead(sql: Sql, type: string, id: string): Promise<StoredHead | undefined> {
  const [head] = await sql<StoredHead[]>`
    select current_version, total_versions, token_budget from esbmcp_memory_heads
    where scope_type = ${type} and scope_id = ${id}`;
  return head;
}
