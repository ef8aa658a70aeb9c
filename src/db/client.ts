import { connect } from "node:net";
import postgres, { type Sql } from "postgres";

export type { Sql } from "postgres";

export interface ClientOptions {
  maxConnections?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** Server-side limit for every statement on these connections. */
  statementTimeoutMs?: number;
  /** Every transaction on these connections is read-only unless it says `read write`. */
  readOnlyByDefault?: boolean;
}

/**
 * Open a postgres.js pool. Numeric and bigint columns stay strings (exact decimals, never floats);
 * server notices are dropped rather than printed.
 */
export function createSql(url: string, options: ClientOptions = {}): Sql {
  // `socket` is supported by postgres.js but missing from its type declarations.
  const socket = { socket: noDelaySocket(url) } as object;
  return postgres(url, {
    ...socket,
    max: options.maxConnections ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? "arthur",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      ...(options.readOnlyByDefault ? { default_transaction_read_only: true } : {}),
    },
  });
}

/**
 * A socket factory that disables Nagle's algorithm. postgres.js leaves it on, and small protocol
 * messages such as COPY's end marker then wait for the server's delayed ACK (~40–90 ms each).
 * Only for a single plain TCP host; otherwise postgres.js connects as usual.
 */
function noDelaySocket(url: string): (() => ReturnType<typeof connect>) | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = decodeURIComponent(parsed.hostname);
  const ssl = parsed.searchParams.get("sslmode") ?? parsed.searchParams.get("ssl");
  if (!host || host.includes(",") || host.startsWith("/") || parsed.searchParams.has("host"))
    return undefined;
  if (ssl && ssl !== "disable" && ssl !== "false") return undefined;
  const port = Number(parsed.port || 5432);
  return () => connect({ host: host.replace(/^\[|\]$/g, ""), port, noDelay: true });
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

/** Errors that mean "no database right now" rather than "this query is wrong". */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // Server shutting down, crashed or refusing connections (SQLSTATE classes 57P and 53300).
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && UNREACHABLE.has(code);
}
