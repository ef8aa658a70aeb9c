import { type Approval, type Caller, mayDecideApproval, ToolError } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";

/** How long a requested approval may be confirmed and used. */
export const APPROVAL_TTL_MS = 10 * 60_000;

export interface StoredApproval extends Approval {
  id: string;
  approvedBy: string | null;
  /** The arguments the requester asked to run with (what an approval button re-runs). */
  arguments: Record<string, unknown>;
}

interface ApprovalRow {
  id: string;
  requested_by: string;
  approved_by: string | null;
  tool_name: string;
  arguments_hash: string;
  expires_at: Date;
  approved_at: Date | null;
  used_at: Date | null;
  cancelled_at: Date | null;
  arguments: Record<string, unknown>;
}

function toApproval(row: ApprovalRow): StoredApproval {
  return {
    id: row.id,
    requestedBy: row.requested_by,
    approvedBy: row.approved_by,
    toolName: row.tool_name,
    argumentsHash: row.arguments_hash,
    expiresAt: row.expires_at,
    approvedAt: row.approved_at,
    usedAt: row.used_at,
    cancelledAt: row.cancelled_at,
    arguments: row.arguments,
  };
}

/** A pending approval for this exact call (an open one for the same call is reused). */
export async function requestApproval(
  sql: Sql,
  caller: Caller,
  toolName: string,
  args: Record<string, unknown>,
  argumentsHash: string,
): Promise<StoredApproval> {
  const [open] = await sql<ApprovalRow[]>`
    select * from arthur_approvals
    where requested_by = ${caller.userId} and tool_name = ${toolName} and arguments_hash = ${argumentsHash}
      and used_at is null and approved_at is null and cancelled_at is null and expires_at > now()
    order by created_at desc limit 1`;
  if (open) return toApproval(open);
  const [row] = await sql<ApprovalRow[]>`
    insert into arthur_approvals (requested_by, tool_name, arguments_hash, arguments, expires_at)
    values (${caller.userId}, ${toolName}, ${argumentsHash}, ${sql.json(args as never)},
            ${new Date(Date.now() + APPROVAL_TTL_MS)})
    returning *`;
  if (!row) throw new Error("approval insert returned no row");
  return toApproval(row);
}

export async function loadApproval(sql: Sql, id: string): Promise<StoredApproval | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await sql<ApprovalRow[]>`select * from arthur_approvals where id = ${id}`;
  return row ? toApproval(row) : undefined;
}

/** An approval that was decided before: nothing more to do (a channel shows nothing new). */
const closed = (message: string) => new ToolError("APPROVAL_REQUIRED", message, { state: "closed" });

/** Who besides the requester may confirm or cancel a pending call (APPROVER_USER_IDS). */
export type Approvers = readonly string[];

/**
 * The requester (or an approver) confirms a pending call (the Slack "Approve" button). Nobody else
 * can. The call itself still runs as the requester.
 */
export async function confirmApproval(
  sql: Sql,
  id: string,
  caller: Caller,
  approvers: Approvers = [],
): Promise<StoredApproval> {
  await openToDecider(sql, id, caller, "confirm", approvers);
  // The first confirmation wins: a double click or a retried button finds it already given.
  const [row] = await sql<ApprovalRow[]>`
    update arthur_approvals set approved_at = now(), approved_by = ${caller.userId}
    where id = ${id} and approved_at is null and cancelled_at is null returning *`;
  if (!row) throw closed("This approval has already been decided");
  return toApproval(row);
}

/**
 * The approval, when `caller` may decide on it and it is still open: one that was used, cancelled or
 * has expired cannot be confirmed or cancelled any more.
 */
async function openToDecider(
  sql: Sql,
  id: string,
  caller: Caller,
  action: "confirm" | "cancel",
  approvers: Approvers,
): Promise<StoredApproval> {
  const approval = await loadApproval(sql, id);
  if (!approval) throw new ToolError("NOT_FOUND", `No approval ${id}`);
  if (!mayDecideApproval(approval, caller.userId, approvers)) {
    throw new ToolError(
      "FORBIDDEN",
      `Only the person who asked for this action${approvers.length ? " or an approver" : ""} can ${action} it`,
    );
  }
  if (approval.usedAt) throw closed("This approval has already been used");
  if (approval.cancelledAt) throw closed("This request was cancelled");
  if (action === "confirm" && approval.approvedAt) throw closed("This approval has already been given");
  if (approval.expiresAt.getTime() <= Date.now())
    throw new ToolError("APPROVAL_REQUIRED", "This approval has expired", { state: "expired" });
  return approval;
}

/** The requester (or an approver) calls off a pending (or confirmed but unused) call. Nobody else can. */
export async function cancelApproval(
  sql: Sql,
  id: string,
  caller: Caller,
  approvers: Approvers = [],
): Promise<StoredApproval> {
  await openToDecider(sql, id, caller, "cancel", approvers);
  // used_at is null in the condition: a call that consumed it meanwhile has already run.
  const [row] = await sql<ApprovalRow[]>`
    update arthur_approvals set cancelled_at = now()
    where id = ${id} and used_at is null and cancelled_at is null returning *`;
  if (!row) throw closed("This approval has already been used");
  return toApproval(row);
}

/** Mark a confirmed approval used, once; run inside the write's transaction so a failed write keeps it. */
export async function consumeApproval(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`
    update arthur_approvals set used_at = now()
    where id = ${id} and used_at is null and approved_at is not null and cancelled_at is null
      and expires_at > now()
    returning id`;
  return rows.length === 1;
}
