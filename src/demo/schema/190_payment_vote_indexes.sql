-- Indexes the payments tools need that the production-shaped schema above lacks (docs/indexes.md
-- gives each one as a CONCURRENTLY statement for production, with the query it serves).
-- "if not exists": the same index may already have been built by hand from docs/indexes.md.

-- get_artist_payment_ledger, get_artists_owed, get_payment_status_health (and the owed checks of the
-- payment writes) select one event's payments. A payment with no artwork belongs to the event in
-- metadata.event_id; the tools look those up by the lower-cased text, which for a well-formed uuid is
-- exactly the event id's canonical text (the full rule is still checked on the rows found).
create index if not exists idx_artist_payments_metadata_event_id
  on artist_payments (lower(metadata->>'event_id'));
