import { type EdgeFunctions, ToolError } from "../catalog/index.ts";

/** Used when neither Supabase nor the local demo implementation is configured. */
export const unconfiguredEdgeFunctions: EdgeFunctions = {
  invoke(name) {
    return Promise.reject(
      new ToolError(
        "UPSTREAM",
        `Edge Function ${name} cannot be called: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY`,
      ),
    );
  },
};
