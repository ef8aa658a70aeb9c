import type { Role } from "../../catalog/index.ts";

/** Finance, ops and viewer: every payments read tool (original-system.md §1.2, #26–#33). */
export const ROLES_PAYMENTS_READ: readonly Role[] = ["finance", "ops", "viewer"];
