import type { EdgeFunctions } from "../catalog/index.ts";
import type { Config } from "../config/index.ts";
import type { Sql } from "../db/index.ts";
import { HttpEdgeFunctions } from "./http.ts";
import { LocalEdgeFunctions } from "./local.ts";
import { unconfiguredEdgeFunctions } from "./unconfigured.ts";

/**
 * Supabase when configured; the local implementation over Arthur's own embedded database (the
 * demo); otherwise none, so a write tool that needs a function says how to configure it.
 */
export function createEdgeFunctions(
  config: Config["edge"],
  database: { sql: Sql; embedded: boolean },
): EdgeFunctions {
  if (config.supabaseUrl && config.serviceRoleKey) {
    return new HttpEdgeFunctions({
      supabaseUrl: config.supabaseUrl,
      serviceRoleKey: config.serviceRoleKey,
      timeoutMs: config.timeoutMs,
    });
  }
  return database.embedded ? new LocalEdgeFunctions(database.sql) : unconfiguredEdgeFunctions;
}

export { HttpEdgeFunctions, type HttpEdgeOptions } from "./http.ts";
export { LocalEdgeFunctions } from "./local.ts";
export { unconfiguredEdgeFunctions } from "./unconfigured.ts";
