import type { AnyTool } from "../../catalog/index.ts";
import { generateChart, getChartComparators, setChartComparators } from "./chart-tools.ts";
import { refreshEventbriteData } from "./refresh-eventbrite.ts";
import { getChartHistory, getChartSchedulerStatus } from "./schedule-log.ts";
import { getChartSchedule, scheduleChartAutopost, updateChartSchedule } from "./schedules.ts";
import { verifyEventbriteConfig } from "./verify-eventbrite.ts";

export { type BuiltPaceChart, buildPaceChart, WINDOW_DAYS } from "./chart.ts";
export { generateChart, getChartComparators, setChartComparators } from "./chart-tools.ts";
export { type PacePoint, SOLD_ORDER_STATUSES, type TicketPace, ticketPace } from "./pace.ts";
export { refreshEventbriteData } from "./refresh-eventbrite.ts";
export { type PaceChart, type PaceSeries, type RenderedChart, renderPaceChart } from "./render.ts";
export { verifyEventbriteConfig } from "./verify-eventbrite.ts";

/** The eventbrite-charts tools, in the order of the policy table (original-system.md §1.2, #52–#61). */
export const eventbriteChartsTools: AnyTool[] = [
  refreshEventbriteData,
  verifyEventbriteConfig,
  getChartComparators,
  setChartComparators,
  generateChart,
  scheduleChartAutopost,
  getChartSchedule,
  updateChartSchedule,
  getChartHistory,
  getChartSchedulerStatus,
];
