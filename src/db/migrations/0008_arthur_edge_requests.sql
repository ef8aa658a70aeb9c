-- Calls made to the local (embedded/demo) implementation of Supabase Edge Functions under an
-- idempotency key: the key is stored in the same transaction as the function's effect, so a
-- retried call (same approval) returns the stored response instead of paying or messaging again.
CREATE TABLE IF NOT EXISTS arthur_edge_requests (
  idempotency_key text        PRIMARY KEY,
  function_name   text        NOT NULL,
  request         jsonb       NOT NULL,
  response        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE arthur_edge_requests ENABLE ROW LEVEL SECURITY;
