import { z } from "zod";
import { defineTool, notFound } from "../../catalog/index.ts";
import { capped, truncationNote } from "../data-read/shared.ts";
import { ROLES_OPS_VIEWER } from "./shared.ts";

const input = z.strictObject({
  table_name: z
    .string()
    .trim()
    .min(1)
    .max(63)
    .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, { message: "must be a plain table name such as 'people'" })
    .transform((name) => name.toLowerCase())
    .describe("A table in the public schema, e.g. 'people'; omit for a summary of every table")
    .optional(),
});

export interface RlsPolicy {
  name: string;
  /** ALL, SELECT, INSERT, UPDATE or DELETE. */
  command: string;
  permissive: boolean;
  roles: string[];
  /** The USING expression; null when hidden from this caller or absent. */
  using: string | null;
  /** The WITH CHECK expression; null when hidden from this caller or absent. */
  with_check: string | null;
}

export interface RlsTableDetail {
  table: string;
  rls_enabled: boolean;
  /** RLS applies to the table owner too (FORCE ROW LEVEL SECURITY). */
  rls_forced: boolean;
  policies: RlsPolicy[];
  /** RLS on and no policy: only the owner and BYPASSRLS roles (e.g. service_role) see rows. */
  denies_everyone_else: boolean;
}

export interface RlsTableSummary {
  table: string;
  rls_enabled: boolean;
  rls_forced: boolean;
  policies: number;
}

export interface RlsPoliciesResult {
  schema: "public";
  /** Set when table_name was given. */
  detail: RlsTableDetail | null;
  /** Every table of the schema, tables without RLS first (table_name omitted). */
  tables: RlsTableSummary[] | null;
  totals: { tables: number; rls_enabled: number; rls_forced: number; without_rls: number; policies: number };
  /** Policy expressions (USING / WITH CHECK) are shown to ops only. */
  expressions_hidden: boolean;
  truncated: boolean;
}

type Totals = RlsPoliciesResult["totals"];

export const checkRlsPolicies = defineTool({
  name: "check_rls_policies",
  domain: "platform-db-edge",
  title: "Row-level security policies",
  description:
    "Row-level security in the database's public schema. With table_name: whether RLS is enabled and forced on " +
    "that table and each policy (name, command, permissive, roles, and for ops the USING / WITH CHECK " +
    "expressions). Without: every table with RLS on/off, forced and its number of policies, tables without RLS " +
    "first, plus totals. An unknown table is reported as not found. Use it for 'is RLS on for people?' or 'which " +
    "tables have no RLS?'. Arthur itself connects as the owner, which RLS does not restrict.",
  input,
  policy: { roles: ROLES_OPS_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap, caller }): Promise<RlsPoliciesResult> {
    const showExpressions = caller.role === "ops";
    const [totals] = await sql<Totals[]>`
      select count(*)::int as tables, count(*) filter (where c.relrowsecurity)::int as rls_enabled,
             count(*) filter (where c.relforcerowsecurity)::int as rls_forced,
             count(*) filter (where not c.relrowsecurity)::int as without_rls,
             (select count(*)::int from pg_policies where schemaname = 'public') as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')`;
    const sums = totals ?? { tables: 0, rls_enabled: 0, rls_forced: 0, without_rls: 0, policies: 0 };
    if (args.table_name !== undefined) {
      const [table] = await sql<{ rls_enabled: boolean; rls_forced: boolean }[]>`
        select c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname = ${args.table_name}`;
      if (!table) throw notFound(`No table ${args.table_name} in the public schema`);
      const policies = await sql<RlsPolicy[]>`
        select policyname as name, cmd as command, permissive = 'PERMISSIVE' as permissive,
               roles::text[] as roles,
               case when ${showExpressions} then qual end as using,
               case when ${showExpressions} then with_check end as with_check
        from pg_policies
        where schemaname = 'public' and tablename = ${args.table_name}
        order by policyname
        limit ${rowCap + 1}`;
      const cut = capped(policies, rowCap);
      return {
        schema: "public",
        detail: {
          table: args.table_name,
          ...table,
          policies: cut.rows,
          denies_everyone_else: table.rls_enabled && policies.length === 0,
        },
        tables: null,
        totals: sums,
        expressions_hidden: !showExpressions,
        truncated: cut.truncated,
      };
    }
    const tables = await sql<RlsTableSummary[]>`
      select c.relname as table, c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced,
             (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)
               as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      order by c.relrowsecurity, c.relname
      limit ${rowCap + 1}`;
    const cut = capped(tables, rowCap);
    return {
      schema: "public",
      detail: null,
      tables: cut.rows,
      totals: sums,
      expressions_hidden: !showExpressions,
      truncated: cut.truncated,
    };
  },
  format(r) {
    const t = r.totals;
    const lines = [
      `public schema: ${t.tables} tables, ${t.rls_enabled} with RLS (${t.rls_forced} forced), ` +
        `${t.without_rls} without, ${t.policies} policies`,
    ];
    if (r.detail) {
      const d = r.detail;
      lines.push(
        `${d.table}: RLS ${d.rls_enabled ? "enabled" : "DISABLED"}${d.rls_forced ? " (forced)" : ""}, ` +
          `${d.policies.length} policies${d.denies_everyone_else ? " — no policy, so only the owner and service role see rows" : ""}`,
        ...d.policies.map(
          (p) =>
            `- ${p.name}: ${p.command} for ${p.roles.join(", ")}${p.permissive ? "" : " (restrictive)"}` +
            (p.using ? ` using ${p.using}` : "") +
            (p.with_check ? ` check ${p.with_check}` : ""),
        ),
      );
    }
    for (const s of r.tables ?? []) {
      lines.push(
        `- ${s.table}: ${s.rls_enabled ? "RLS on" : "RLS OFF"}${s.rls_forced ? " (forced)" : ""}, ${s.policies} policies`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.detail ? r.detail.policies.length : (r.tables ?? []).length));
    return lines.join("\n");
  },
});
