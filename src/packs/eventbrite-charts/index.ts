// The eventbrite-charts tools (#52–#61) arrive with issue 5; these are their building blocks.
export { type PacePoint, SOLD_ORDER_STATUSES, type TicketPace, ticketPace } from "./pace.ts";
export { type PaceChart, type PaceSeries, type RenderedChart, renderPaceChart } from "./render.ts";
