-- The chart tools ask, per comparable event, whether it has sold orders (and read an event's sold
-- orders for its pace line): event_id together with order_status answers that from the index alone.
-- Production's indexes are on event_id and (eid, order_status). See docs/indexes.md.
create index if not exists idx_eventbrite_orders_cache_event_status
  on eventbrite_orders_cache (event_id, order_status);
