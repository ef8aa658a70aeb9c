export { appendCacheRow, type CacheRowWritten, type CacheTarget, upsertOrders } from "./cache-store.ts";
export {
  createEventbriteApi,
  DEFAULT_MAX_PAGES,
  DEFAULT_TIMEOUT_MS,
  EventbriteClient,
  type EventbriteClientOptions,
  type EventbriteSettings,
} from "./client.ts";
export { compareDecimals, isDecimal, multiplyDecimal, subtractDecimal, sumDecimals } from "./decimal.ts";
export { type EventSales, eventPath, fetchEventSales, ORDER_PAGES } from "./fetch.ts";
export { compareListing, type EventFacts, type ListingCheck, type ListingFacts } from "./listing.ts";
export { cachedAttendee, type OrderCacheRow, orderCacheRow } from "./order-rows.ts";
export {
  amount,
  type CachedTicketClass,
  cachedTicketClass,
  type DataQuality,
  dataQuality,
  isPlaced,
  orderCurrency,
  orderTickets,
  type SalesTotals,
  salesTotals,
} from "./totals.ts";
export type {
  EbAttendee,
  EbDateTimeTz,
  EbErrorBody,
  EbEvent,
  EbMoney,
  EbOrder,
  EbOrderCosts,
  EbOrganization,
  EbPagination,
  EbTicketClass,
  EbUser,
} from "./wire.ts";
