import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { createSql, type Sql, withDatabaseName } from "../../src/db/index.ts";

export function databaseUrl(name: string): string {
  return withDatabaseName(inject("adminUrl"), name);
}

async function createDatabase(admin: Sql, name: string, template: string | null): Promise<void> {
  const from = template ? ` template "${template}"` : "";
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}"${from}`);
      return;
    } catch (error) {
      // Another file cloning the same template at the same instant: retry shortly.
      if ((error as { code?: string }).code !== "55006" || attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 100 + attempt * 50));
    }
  }
}

export interface TestDatabase {
  readonly sql: Sql;
  readonly url: string;
  readonly name: string;
}

/**
 * A private database for one test file: a clone of the seeded template (default), or empty.
 * Dropped after the file's tests.
 */
export function useTestDatabase(options: { empty?: boolean } = {}): TestDatabase {
  const name = `t_${randomBytes(6).toString("hex")}`;
  let admin: Sql | undefined;
  let sql: Sql | undefined;
  beforeAll(async () => {
    admin = createSql(inject("adminUrl"), { maxConnections: 1 });
    await createDatabase(admin, name, options.empty ? null : inject("templateDatabase"));
    sql = createSql(databaseUrl(name), { maxConnections: 4 });
  });
  afterAll(async () => {
    await sql?.end();
    await admin?.unsafe(`drop database if exists "${name}" with (force)`);
    await admin?.end();
  });
  return {
    get sql() {
      if (!sql) throw new Error("test database is not ready (use it inside tests or hooks)");
      return sql;
    },
    get url() {
      return databaseUrl(name);
    },
    name,
  };
}

/** Create and drop extra databases inside a test (e.g. to compare two seeds). */
export async function withScratchDatabase<T>(body: (sql: Sql, url: string) => Promise<T>): Promise<T> {
  const name = `s_${randomBytes(6).toString("hex")}`;
  const admin = createSql(inject("adminUrl"), { maxConnections: 1 });
  await createDatabase(admin, name, null);
  const url = databaseUrl(name);
  const sql = createSql(url, { maxConnections: 2 });
  try {
    return await body(sql, url);
  } finally {
    await sql.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/**
 * The scenario dates follow the seed's anchor; move the two charted shows (AB4125, AB4130) ahead of
 * the real clock, so they can be charted and scheduled whenever a test runs.
 */
export async function keepChartedShowsAhead(sql: Sql): Promise<void> {
  await sql`
    update events set event_start_datetime = now() + make_interval(days => d.days),
                      event_end_datetime = now() + make_interval(days => d.days, hours => 4)
    from (values ('AB4125', 18), ('AB4130', 31)) as d(eid, days)
    where events.eid = d.eid`;
}
