-- Indexes the data-read tools need that the production-shaped schema above lacks (docs/indexes.md
-- gives each one as a CONCURRENTLY statement for production, with the query it serves).

-- lookup_person (search_by name) also matches the legacy full-name column and the nickname, because
-- first_name/last_name are often NULL (phone-only sign-ups): ILIKE '%…%' needs trigram indexes.
create index idx_people_name_trgm on people using gin (name gin_trgm_ops);
create index idx_people_nickname_trgm on people using gin (nickname gin_trgm_ops);
