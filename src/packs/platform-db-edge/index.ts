import type { AnyTool } from "../../catalog/index.ts";
import { getBotErrors } from "./bot-errors.ts";
import { getBotSessions } from "./bot-sessions.ts";
import { getBotToolStats } from "./bot-tool-stats.ts";
import { createBugReport, getBugReports } from "./bug-reports.ts";
import { getEmailLog } from "./email-log.ts";
import { getEmailQueueStats } from "./email-queue.ts";
import { liveEventDiagnostic } from "./live-diagnostic.ts";
import { checkRlsPolicies } from "./rls-policies.ts";
import { getSlackQueueHealth } from "./slack-queue.ts";

/** The platform-db-edge tools, in the order of the policy table (original-system.md §1.2, #42–#51). */
export const platformDbEdgeTools: AnyTool[] = [
  getSlackQueueHealth,
  getEmailQueueStats,
  getEmailLog,
  checkRlsPolicies,
  liveEventDiagnostic,
  getBotErrors,
  getBotSessions,
  getBotToolStats,
  createBugReport,
  getBugReports,
];

export {
  checkRlsPolicies,
  createBugReport,
  getBotErrors,
  getBotSessions,
  getBotToolStats,
  getBugReports,
  getEmailLog,
  getEmailQueueStats,
  getSlackQueueHealth,
  liveEventDiagnostic,
};
