import type { BuiltPaceChart } from "../packs/eventbrite-charts/chart.ts";

/** The file name, title and message of a scheduled chart post (original-system.md §3.10 step 6). */
export interface ChartPostText {
  filename: string;
  title: string;
  comment: string;
}

function days(n: number): string {
  if (n > 1) return `*${n} days* until event`;
  if (n === 1) return "*1 day* until event";
  if (n === 0) return "*event day*";
  return "*event has started*";
}

/** Pace with at most one decimal: "3.4/day", "12/day". */
function pace(perDay: number): string {
  return `${Number(perDay.toFixed(1))}/day`;
}

export function chartPostText(chart: BuiltPaceChart, now: Date): ChartPostText {
  const date = now.toISOString().slice(0, 10);
  const comparators = chart.comparators.length ? ` · vs ${chart.comparators.join(", ")}` : "";
  return {
    filename: `${chart.eid}-ticket-pace-${date}.png`,
    title: `Ticket Pace: ${chart.eid} — ${chart.eventName}`,
    comment:
      `*${chart.eid}* ${chart.eventName}\n` +
      `Tickets: *${chart.ticketCount}* · Pace: *${pace(chart.pacePerDay)}* · ${days(chart.daysUntilEvent)}${comparators}`,
  };
}
