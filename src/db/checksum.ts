import type { Sql } from "postgres";

export interface TableChecksum {
  table: string;
  rows: number;
  md5: string;
}

/** Base tables of a schema, in name order. */
export async function listTables(sql: Sql, schema = "public"): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
    where table_schema = ${schema} and table_type = 'BASE TABLE'
    order by table_name`;
  return rows.map((r) => r.name);
}

/**
 * Order-independent checksum of every row of each table: md5 over the sorted md5s of the rows'
 * text form. Equal checksums mean equal contents, whatever order the rows were written in.
 */
export async function checksumTables(
  sql: Sql,
  tables: string[],
  schema = "public",
): Promise<TableChecksum[]> {
  const out: TableChecksum[] = [];
  for (const table of tables) {
    const [row] = await sql<{ rows: string; md5: string | null }[]>`
      select count(*)::text as rows,
             md5(coalesce(string_agg(h, '' order by h), '')) as md5
      from (select md5(t::text) as h from ${sql(schema)}.${sql(table)} t) s`;
    out.push({ table, rows: Number(row?.rows ?? 0), md5: row?.md5 ?? "" });
  }
  return out;
}
