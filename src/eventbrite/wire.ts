/**
 * Eventbrite API v3 response shapes, limited to the fields Arthur reads. Every field is optional
 * where Eventbrite may leave it out (expansions, private fields), so readers must cope with gaps.
 */

/** Eventbrite's currency amount: `value` in minor units, `major_value` the exact decimal as text. */
export interface EbMoney {
  currency: string;
  value: number;
  major_value: string;
  display?: string;
}

/** Pagination block of every list endpoint. */
export interface EbPagination {
  object_count?: number;
  page_number?: number;
  page_size?: number;
  page_count?: number;
  has_more_items?: boolean;
  /** Opaque token for the next page; sent back as `?continuation=`. */
  continuation?: string;
}

/** Body of every error answer, e.g. `{status_code: 401, error: "INVALID_AUTH", error_description: …}`. */
export interface EbErrorBody {
  status_code?: number;
  error?: string;
  error_description?: string;
}

export interface EbText {
  text: string | null;
  html?: string | null;
}

/** Date-time with zone: `utc` is "2026-12-05T03:00:00Z", `local` the wall clock without offset. */
export interface EbDateTimeTz {
  timezone: string;
  local: string;
  utc: string;
}

export interface EbUser {
  id: string;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  emails?: { email: string; verified?: boolean; primary?: boolean }[];
}

export interface EbOrganization {
  id: string;
  name?: string | null;
}

/** Event status: draft, live, started, ended, completed or canceled. */
export interface EbEvent {
  id: string;
  name: EbText;
  start: EbDateTimeTz;
  end?: EbDateTimeTz;
  status?: string;
  currency?: string;
  capacity?: number | null;
  organization_id?: string;
  url?: string;
}

export interface EbTicketClass {
  id: string;
  name?: string | null;
  free?: boolean;
  cost?: EbMoney | null;
  quantity_total?: number | null;
  quantity_sold?: number | null;
  on_sale_status?: string | null;
}

export interface EbOrderCosts {
  base_price?: EbMoney;
  gross?: EbMoney;
  eventbrite_fee?: EbMoney;
  payment_fee?: EbMoney;
  tax?: EbMoney;
  has_gts_tax?: boolean;
  tax_components?: unknown[];
  fee_components?: unknown[];
  shipping_components?: unknown[];
}

export interface EbAttendee {
  id: string;
  created?: string;
  changed?: string;
  /** Always 1 in practice: one attendee per ticket. */
  quantity?: number;
  ticket_class_id?: string;
  ticket_class_name?: string;
  /** "Attending", "Not Attending", "Checked In", … */
  status?: string;
  checked_in?: boolean;
  cancelled?: boolean;
  refunded?: boolean;
  profile?: { first_name?: string; last_name?: string; name?: string; email?: string };
  costs?: EbOrderCosts;
  order_id?: string;
  event_id?: string;
}

/** An order; `attendees` is present with `?expand=attendees`. Status is "placed" for a sale. */
export interface EbOrder {
  id: string;
  created?: string;
  changed?: string;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  status?: string;
  time_remaining?: number | null;
  event_id?: string;
  resource_uri?: string;
  costs?: EbOrderCosts;
  attendees?: EbAttendee[];
}
