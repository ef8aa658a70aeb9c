import type { Sql } from "postgres";
import type { Config } from "../config/index.ts";
import type { Logger } from "../observability/index.ts";
import { createSql } from "./client.ts";
import { startEmbeddedPostgres } from "./embedded.ts";

export interface Database {
  sql: Sql;
  url: string;
  /** True when Arthur runs (and owns) the embedded PostgreSQL. */
  embedded: boolean;
  /** True when the embedded cluster was created by this start. */
  created: boolean;
  close(): Promise<void>;
}

/** Connect to DATABASE_URL, or start the embedded PostgreSQL when none is configured. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const maxConnections = config.database.maxConnections;
  if (config.database.url) {
    const sql = createSql(config.database.url, { maxConnections });
    return {
      sql,
      url: config.database.url,
      embedded: false,
      created: false,
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const server = await startEmbeddedPostgres({
    home: config.home,
    port: config.database.embeddedPort,
    logger,
  });
  const sql = createSql(server.url, { maxConnections });
  let closed = false;
  return {
    sql,
    url: server.url,
    embedded: true,
    created: server.created,
    async close() {
      if (closed) return;
      closed = true;
      await sql.end({ timeout: 5 }).catch(() => {});
      await server.stop();
    },
  };
}
