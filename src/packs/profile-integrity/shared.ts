import type { Role } from "../../catalog/index.ts";

/** Role sets from the policy table (original-system.md §1.2, #16–#25). */
export const ROLES_OPS_VIEWER: readonly Role[] = ["ops", "viewer"];

/** The values of the invitation_status enum: the only statuses an invitation can have. */
export const INVITATION_STATUSES = ["pending", "accepted", "declined", "withdrawn", "expired"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** A count for every invitation status, zero where none has it, so absent statuses are explicit. */
export function invitationCounts(
  rows: readonly { status: string; n: number }[],
): Record<InvitationStatus, number> {
  const counts = Object.fromEntries(INVITATION_STATUSES.map((s) => [s, 0])) as Record<
    InvitationStatus,
    number
  >;
  for (const row of rows) {
    if ((INVITATION_STATUSES as readonly string[]).includes(row.status)) {
      counts[row.status as InvitationStatus] += row.n;
    }
  }
  return counts;
}
