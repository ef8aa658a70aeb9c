import { notFound, type Role } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";

/** Finance, ops and viewer: every payments read tool (original-system.md §1.2, #26–#33). */
export const ROLES_PAYMENTS_READ: readonly Role[] = ["finance", "ops", "viewer"];

export interface ArtistRef {
  id: string;
  name: string;
}

/** The artist profile with this id, or NOT_FOUND (so a typo is not reported as "owes nothing"). */
export async function artistById(sql: Sql, id: string): Promise<ArtistRef> {
  const [row] = await sql<ArtistRef[]>`select id, name from artist_profiles where id = ${id}`;
  if (!row) throw notFound(`No artist profile ${id}`);
  return row;
}
