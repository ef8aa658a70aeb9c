import postgres, { type Sql } from "postgres";

export type { Sql } from "postgres";

export interface ClientOptions {
  maxConnections?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
}

/**
 * Open a postgres.js pool. Numeric and bigint columns stay strings (exact decimals, never floats);
 * server notices are dropped rather than printed.
 */
export function createSql(url: string, options: ClientOptions = {}): Sql {
  return postgres(url, {
    max: options.maxConnections ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "arthur" },
  });
}

/** The URL with its password replaced, safe to print. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable database URL)";
  }
}

/** Round-trip to the database; resolves false instead of throwing (for readiness checks). */
export async function ping(sql: Sql, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sql`select 1`.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The same server URL pointing at another database. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
